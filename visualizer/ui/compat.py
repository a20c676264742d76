"""Every place the app leans on a framework's private behaviour, in one module (tests: tests/unit/test_compat.py).

Streamlit and Plotly promise their Python APIs; these they do not, so an upgrade may break them and
this is the one file to check (requirements.txt pins Streamlit's minor version for that reason):

- CSS on Streamlit's `data-testid` attributes and its `st-key-<key>` container classes (page chrome,
  presenter mode, the lesson panel);
- the theme: `.streamlit/config.toml` is the one source of the text colour, which the live equations'
  frame (an iframe Streamlit's theme does not reach) and the live charts' look are given when served;
- Plotly's private layout fields that the live charts' script reads in the browser (`PLOTLY_PRIVATE`);
- Streamlit's websocket protocol as the load tools speak it: the `streamlit.proto` messages and the
  format of a keyed widget's id.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

# Streamlit's protobuf messages, as the load tools (tools/loadtest*.py) send and read them.
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: F401
from streamlit.proto.WidgetStates_pb2 import WidgetState

from visualizer import ROOT

CONFIG = ROOT / ".streamlit" / "config.toml"

# ---------------------------------------------------------------------------- theme


def theme(config: Path = CONFIG) -> dict[str, str]:
    """The [theme] table of Streamlit's config file."""
    with config.open("rb") as f:
        return dict(tomllib.load(f).get("theme", {}))


TEXT_COLOR = theme().get("textColor", "#31333f")  # Streamlit's own default when the config sets none

# ---------------------------------------------------------------------------- CSS on Streamlit's DOM


def testid(name: str) -> str:
    """A CSS selector for Streamlit's element `data-testid=name`."""
    return f"[data-testid='{name}']"


def key_class(key: str) -> str:
    """A CSS selector for the container Streamlit draws for `st.container(key=key)`."""
    return f".st-key-{key}"


METRIC_LABEL, METRIC_VALUE = testid("stMetricLabel"), testid("stMetricValue")
HEADER, SIDEBAR, VERTICAL_BLOCK = testid("stHeader"), testid("stSidebar"), testid("stVerticalBlock")
# A slider's value above its thumb: in presenter mode the enlarged text must sit above the thumb, not on it.
SLIDER_VALUE = testid("stSliderThumbValue")
EXPAND_SIDEBAR, COLLAPSED_SIDEBAR = testid("stExpandSidebarButton"), testid("stSidebarCollapsedControl")

# The text inside buttons, widget labels, radio and segmented-control options, toggles and checkboxes:
# Streamlit cuts it with "…" when it is wider than its box ("Orthogo…", "Nex…" in presenter mode at 1280 px);
# here it wraps onto a second line instead.
WRAPPING_TEXT = ", ".join(
    f"{where} {what}"
    for where in ("button", testid("stWidgetLabel"), "label", testid("stButtonGroup"))
    for what in ("p", "div")
)

# The label of a control shown disabled (it does not apply here; its help says why) stays readable: Streamlit
# fades it to 40 % of the text colour (1.9:1 on white), below WCAG AA's 4.5:1; 70 % gives 6.2:1.
DISABLED_LABEL = "rgba(17, 17, 17, 0.7)"
# A button's keyboard-shortcut label (the lesson's "PageDown" on Next) is drawn at 60 % opacity: white on the
# primary orange then falls below WCAG AA; at full opacity it is the button's own text colour (4.9:1).

# Always: a long equation scrolls sideways inside its box instead of running out of it (nothing is
# hidden), and metric labels and the labels of controls wrap instead of being cut ("…").
BASE_CSS = f"""<style>
.block-container {{padding-top: 2.5rem !important;}}
h1 {{font-size: 2.2rem !important; padding: 0.25rem 0 0.5rem !important;}}
.katex-display {{overflow-x: auto; overflow-y: hidden; max-width: 100%; padding: 0.15rem 0;}}
{METRIC_LABEL}, {METRIC_LABEL} * {{white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important;}}
{WRAPPING_TEXT} {{white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: anywhere;}}
{testid("stWidgetLabel")}[disabled] p {{color: {DISABLED_LABEL} !important;}}
button:not(:disabled) kbd {{opacity: 1 !important;}}
</style>"""
# Presenter mode: prose 20 px (charts scale with it, see show_fig), headings and padding compact so a
# page still fits 1280x720 (the gap between blocks stays 16 px, as in normal mode, not 1rem = 20 px),
# no chrome but the button that reopens the sidebar (where the toggle is).
PRESENT_CSS = f"""<style>
html, .stMarkdown, .stCaption, p, li, label {{font-size: 1.25rem !important;}}
h1 {{font-size: 2.5rem !important; padding: 0.25rem 0 0.5rem !important;}}
h2, h3 {{font-size: 1.6rem !important; padding: 0.3rem 0 !important;}}
header{HEADER} {{visibility: hidden; background: transparent !important;}}
{EXPAND_SIDEBAR} {{visibility: visible !important;}}
footer {{display: none !important;}}
.block-container {{padding-top: 0.75rem !important; padding-bottom: 1rem !important; max-width: 100% !important;}}
{VERTICAL_BLOCK} {{gap: 0.8rem !important;}}
{METRIC_LABEL} p {{font-size: 1.1rem !important;}}
{METRIC_VALUE} {{font-size: 2rem !important;}}
{SLIDER_VALUE} {{top: auto !important; bottom: 100% !important;}}
{SLIDER_VALUE} p {{font-size: inherit !important; line-height: 1.2 !important;}}
</style>"""
# ?hide=sidebar removes the sidebar for a locked-down classroom link.
NO_SIDEBAR_CSS = f"<style>{SIDEBAR}, {COLLAPSED_SIDEBAR}, {EXPAND_SIDEBAR} {{display: none !important;}}</style>"


def panel_css(key: str) -> str:
    """The lesson panel `key` in presenter mode: as large as the prose (1rem of the enlarged root, 20 px)."""
    k = key_class(key)
    return f"<style>\n{k} p, {k} li, {k} label {{font-size: 1rem !important;}}\n</style>"


CODE_TEXT_KEY = "code_text_"  # st.container(key=CODE_TEXT_KEY + name) shows its st.text as code


def code_text_css() -> str:
    """Plain st.text inside a container keyed CODE_TEXT_KEY + anything, as code: monospace, lines kept whole
    (scrolling sideways); shows code without st.code's syntax-highlighter chunk (~1.5 MB of JavaScript)."""
    k = f"[class*='st-key-{CODE_TEXT_KEY}']"
    return (
        f"<style>\n{k} {testid('stText')} {{overflow-x: auto; background: #f6f6f5; padding: 0.5rem 0.75rem;"
        " border-radius: 0.4rem;}\n"
        f"{k} {testid('stText')}, {k} {testid('stText')} * {{font-family: 'Source Code Pro', ui-monospace, monospace"
        " !important; font-size: 0.8rem !important; white-space: pre !important;}\n</style>"
    )


# ---------------------------------------------------------------------------- Plotly internals

# Read by visualizer/ui/livechart/main.js (browser side): Plotly keeps the laid-out axes there, with
# `p2c` (pixel to data) and the plot area's `_offset` / `_length` in pixels. No public API gives the x
# under the pointer, so a click or a hover on a covered column is placed with these.
PLOTLY_PRIVATE = ("_fullLayout", "p2c", "_offset", "_length")

# ---------------------------------------------------------------------------- Streamlit's wire protocol

WIDGET_ID_PREFIX = "$$ID-"


def widget_key(widget_id: str) -> str:
    """The user key of a keyed widget ('$$ID-<hash>-w_step' -> 'w_step'), else ''."""
    parts = widget_id.split("-", 2)
    return parts[2] if widget_id.startswith(WIDGET_ID_PREFIX) and len(parts) == 3 and parts[2] != "None" else ""


INT_DATA_TYPE = 0  # a slider's or number input's `data_type` when it holds whole numbers


def widget_state(widget_id: str, kind: str, value: object, *, is_int: bool = False) -> WidgetState:
    """The WidgetState the browser sends for the widget `widget_id` of element kind `kind` set to `value`
    (a button: a click)."""
    ws = WidgetState(id=widget_id)
    if kind == "button":
        ws.trigger_value = True
    elif kind == "slider":
        ws.double_array_value.data[:] = [float(value)]  # type: ignore[arg-type]
    elif kind == "number_input":
        if is_int:
            ws.int_value = int(value)  # type: ignore[call-overload]
        else:
            ws.double_value = float(value)  # type: ignore[arg-type]
    elif kind in ("text_input", "text_area"):
        ws.string_value = str(value)
    elif kind in ("checkbox", "toggle"):
        ws.bool_value = bool(value)
    else:
        raise ValueError(f"cannot drive a {kind} widget")
    return ws


def rerun_message(
    query_string: str,
    *,
    page_script_hash: str = "",
    page_name: str = "",
    fragment_id: str = "",
    widgets: Iterable[WidgetState] = (),
    is_auto_rerun: bool = False,
) -> bytes:
    """A serialized BackMsg asking for a script run (or one fragment's run), as the browser sends it."""
    msg = BackMsg()
    rerun = msg.rerun_script
    rerun.query_string = query_string
    rerun.page_script_hash = page_script_hash
    rerun.page_name = page_name
    rerun.fragment_id = fragment_id
    rerun.is_auto_rerun = is_auto_rerun
    rerun.widget_states.widgets.extend(widgets)
    return msg.SerializeToString()
