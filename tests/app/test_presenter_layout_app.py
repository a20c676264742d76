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


@pytest.mark.parametrize("present", [False, True])
def test_home_feedforward_paragraph_follows_the_example_when_presenting(run_page, present):
    at = run_page("app.py", PRESENT if present else None)
    assert not at.exception
    nodes = _order(at)
    feedforward, chart = _first(nodes, "markdown", "feed-forward network can't"), _first(nodes, "plotly_chart")
    assert (feedforward > chart) == present
    assert sum("feed-forward network can't" in m.value for m in at.markdown) == 1


@pytest.mark.parametrize("present", [False, True])
def test_seqtypes_intro_sits_under_the_diagram_when_presenting(run_page, present):
    at = run_page("pages/2_Sequence_types.py", PRESENT if present else None)
    assert not at.exception
    nodes = _order(at)
    intro, diagram = _first(nodes, "caption", seqtypes.INTRO), _first(nodes, "plotly_chart")
    assert (intro > diagram) == present
    assert [c.value for c in at.caption].count(seqtypes.INTRO) == 1


@pytest.mark.parametrize("present", [False, True])
def test_gradients_preset_note_sits_under_the_plot_when_presenting(run_page, present):
    at = run_page("pages/3_Gradients.py", PRESENT if present else None)
    assert not at.exception
    nodes = _order(at)
    note, plot = _first(nodes, "info", "**Exploding.**"), _first(nodes, "plotly_chart")
    assert (note > plot) == present
    assert sum("**Exploding.**" in i.value for i in at.info) == 1


@pytest.mark.parametrize("present", [False, True])
def test_limits_task_line_folds_into_an_expander_when_presenting(run_page, present):
    at = run_page("pages/5_Limits_of_memory.py", PRESENT if present else None)
    assert not at.exception
    folded = [e for e in at.expander if e.label == "The task, the budget, what to expect"]
    assert len(folded) == int(present)
    where = folded[0] if present else at.main
    captions = [c.value for c in where.caption]
    assert any(c.startswith("Same budget: H = 32") for c in captions)
    assert limits.EXPECT in captions
    assert [c.value for c in at.caption].count(limits.EXPECT) == 1
