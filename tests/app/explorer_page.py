"""What the explorer's AppTests read off the page: the player's payload, its charts, widgets by label, all its text."""

import json

from tests.app.conftest import figure_specs, latex_blocks

PAGE = "views/explorer.py"
RANDOM = {"weights": "random"}  # most tests check numbers of the seeded random weights


def _chart(at, title_start: str) -> dict:
    (spec,) = [s for s in figure_specs(at) if s["layout"].get("title", {}).get("text", "").startswith(title_start)]
    return spec


def _slider(at, label="Time step t"):
    (s,) = [s for s in at.slider if s.label == label]
    return s


def _all_text(at) -> str:
    """Everything the page says: text elements, widget labels and help, expander labels, chart JSON."""
    parts = [e.value for kind in ("markdown", "caption", "subheader", "title", "info") for e in at.get(kind)]
    parts += latex_blocks(at)
    parts += [e.label for e in at.expander]
    for kind in ("button", "radio", "slider", "toggle", "selectbox", "text_area", "text_input"):
        for w in at.get(kind):
            if w.label == "Notation":  # the switch itself names both notations
                continue
            parts += [str(w.label), str(getattr(w.proto, "help", ""))]
            parts += [str(o) for o in getattr(w, "options", [])]
    parts += [json.dumps(spec, ensure_ascii=False) for spec in figure_specs(at)]
    parts += [json.dumps(d, ensure_ascii=False) for d in players(at)]
    return "\n".join(parts)


def players(at) -> list[dict]:
    """The payload of every explorer player on the page (a components-v2 element: its data is JSON)."""
    return [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name.endswith("player")]


def player(at) -> dict:
    """The page's one player's payload."""
    (d,) = players(at)
    return d
