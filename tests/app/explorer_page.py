"""What the explorer's AppTests read off the page: its charts, the chain's step, the step text, widgets by label."""

import json
import re

from tests.app.conftest import figure_specs, latex_blocks

PAGE = "views/explorer.py"
RANDOM = {"weights": "random"}  # most tests check numbers of the seeded random weights


def _charts(at) -> list[dict]:
    return figure_specs(at)


def _chart(at, title_start: str) -> dict:
    (spec,) = [s for s in _charts(at) if s["layout"].get("title", {}).get("text", "").startswith(title_start)]
    return spec


def _chain(at) -> dict:
    (spec,) = [s for s in _charts(at) if re.match(r"(The unrolled chain|Backward)", s["layout"]["title"]["text"])]
    return spec


def _trace(spec: dict, prefix: str) -> dict:
    (tr,) = [t for t in spec["data"] if t.get("name", "").startswith(prefix)]
    return tr


def _labels(chain: dict, prefix: str) -> list[str]:
    """The labels of a row of the chain ("x_t": the tokens, "ŷ_t": the predictions) in the columns the spec
    marks as revealed (`revealed_x`). That the browser hides the others is tested in the browser
    (tests/browser/test_explorer.py), not here."""
    trace = _trace(chain, prefix)
    hi = chain["revealed_x"][1]
    return [text for x, text in zip(trace["x"], trace["text"]) if x <= hi]


def _chain_step(at) -> int:
    """The step the unrolled chain outlines."""
    box = _chain(at)["layout"]["shapes"][0]
    return round((box["x0"] + box["x1"]) / 2)


def _heatmap_box(at) -> float:
    heat = _chart(at, "Hidden state")
    (box,) = [s for s in heat["layout"]["shapes"] if s.get("name") == "current step"]
    return box["x0"] + 1.5  # the outline spans step-1.5 .. step-0.5


def _step_text(at) -> str:
    (md,) = [m.value for m in at.markdown if m.value.startswith("**Step ")]
    return md


def _button(at, label):
    (b,) = [b for b in at.button if b.label == label]
    return b


def _slider(at, label="Time step t"):
    (s,) = [s for s in at.slider if s.label == label]
    return s


def _latex(at) -> str:
    return " ".join(latex_blocks(at))


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
