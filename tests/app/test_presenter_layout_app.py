"""AppTest of presenter mode on the pages that were too tall for a projector: what moves out from between the
controls and the main figure still appears, after the figure (or folded), and normal mode keeps its order."""

from __future__ import annotations

import pytest

from visualizer.ui import limits, seqtypes

PRESENT = {"present": "1"}


def _flat(node):
    """Every element of the main area in page order (depth first)."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _flat(child)


def _order(at) -> list:
    return list(_flat(at.main))


def _first(nodes: list, kind: str, text: str = "") -> int:
    return next(i for i, n in enumerate(nodes) if n.type == kind and text in str(getattr(n, "value", "")))


# (page, the element kind and text that moves, the kind of figure it moves under) on each page whose note moves;
# Home's figure is the explorer's player (chain and heatmap), a components-v2 element
MOVES = [
    pytest.param(
        "views/home.py", "markdown", "feed-forward network can't", "bidi_component", id="home-feedforward-paragraph"
    ),
    pytest.param("views/sequence_types.py", "caption", seqtypes.INTRO, "plotly_chart", id="seqtypes-intro"),
    pytest.param("views/gradients.py", "info", "**Exploding.**", "plotly_chart", id="gradients-preset-note"),
]


@pytest.mark.parametrize("present", [False, True])
@pytest.mark.parametrize(("script", "kind", "text", "figure"), MOVES)
def test_the_note_follows_the_main_figure_only_when_presenting(run_page, present, script, kind, text, figure):
    """Presenting, the note moves under the page's first chart; in normal mode it stays above. Shown once."""
    at = run_page(script, PRESENT if present else None)
    assert not at.exception
    nodes = _order(at)
    assert (_first(nodes, kind, text) > _first(nodes, figure)) == present
    assert sum(text in str(getattr(n, "value", "")) for n in nodes if n.type == kind) == 1


@pytest.mark.parametrize("present", [False, True])
def test_limits_task_line_folds_into_an_expander_when_presenting(run_page, present):
    at = run_page("views/limits_of_memory.py", PRESENT if present else None)
    assert not at.exception
    folded = [e for e in at.expander if e.label == "The task, the budget, what to expect"]
    assert len(folded) == int(present)
    where = folded[0] if present else at.main
    captions = [c.value for c in where.caption]
    assert any(c.startswith("Same budget: H = 32") for c in captions)
    assert limits.EXPECT in captions
    assert [c.value for c in at.caption].count(limits.EXPECT) == 1
