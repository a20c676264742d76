"""Shared Streamlit plumbing: page setup, settings <-> URL, `control`, the share panel, `show_fig`, downloads.

Settings flow (see state.py): on the first run of a page visit the URL's parameters are parsed
into the session's settings (bad ones fall back with a notice); widgets read from and write to
those settings; at the end of every run the settings are written back to the URL, so the address
bar always reproduces the view.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

# Imported up front, under this module's import lock: Plotly looks pandas up with sys.modules.get()
# and no lock, so two sessions starting at once on a fresh server could otherwise see a half-imported
# pandas ("partially initialized module 'pandas' has no attribute 'Series'"; found by tools/loadtest.py).
import pandas  # noqa: F401
import streamlit as st

from visualizer import ROOT, export, state
from visualizer.labs.explorer import explore
from visualizer.nn import rnn
from visualizer.plots import presenter, spec_cache
from visualizer.plots.style import NO_TEMPLATE, PLOTLY_CONFIG

SETTINGS_KEY = "_settings"


@dataclass(frozen=True)
class Page:
    """One entry of the site map."""

    script: str  # path from the project root
    label: str
    icon: str
    blurb: str  # one line on the Home page


# The site map, drawn by page_setup in the sidebar (Streamlit's automatic list is off in config.toml,
# so the entry script reads "Home", not "app").
NAV = (
    Page("app.py", "Home", "🏠", "What an RNN is, with a live example."),
    Page(
        "pages/1_Explorer.py",
        "Step-through explorer",
        "🔍",
        "Watch the RNN read your sequence one step at a time: loop, chain, equations, heatmap.",
    ),
    Page(
        "pages/2_Sequence_types.py",
        "Sequence types",
        "🔀",
        "One-to-one, one-to-many, many-to-one, many-to-many and encoder–decoder, running.",
    ),
    Page(
        "pages/3_Gradients.py",
        "Vanishing & exploding gradients",
        "📉",
        "Back-propagation through time, measured, beside the theory; LSTM and GRU.",
    ),
    Page(
        "pages/4_Train.py", "Train live", "🏋️", "Train a small RNN on text and watch it learn to predict the next token."
    ),
    Page(
        "pages/5_Limits_of_memory.py",
        "Limits of memory",
        "🧠",
        "Vanilla RNN, LSTM and GRU raced on a long-lag task, and why an RNN is slow.",
    ),
    Page("pages/6_Lesson.py", "Guided lesson", "🎓", "A narrated path through every page, with checked questions."),
)


def nav_pages() -> list[Page]:
    """NAV entries whose script exists."""
    return [page for page in NAV if (ROOT / page.script).exists()]


def _site_map() -> None:
    """Links to every page in the sidebar. When a page runs as its own entry script (AppTest
    does this) the other pages are not registered and the links are simply left out."""
    from streamlit.errors import StreamlitAPIException

    for page in nav_pages():
        try:
            st.sidebar.page_link(page.script, label=page.label, icon=page.icon)
        except StreamlitAPIException:
            return


CACHE: dict[str, Any] = dict(max_entries=64, ttl=3600)  # bounded: a lecture hall must not exhaust memory


# ---------------------------------------------------------------------------- text safety

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """Escape Markdown so user text shows literally (Streamlit never gets raw HTML from us)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def show_error(err: Exception | str) -> None:
    st.error(md_escape(str(err)), icon="⚠️")


# ---------------------------------------------------------------------------- settings


def page_setup(page: str, title: str, icon: str = "🔁") -> dict[str, Any]:
    """Configure the page and return the session's settings (URL applied on a new visit)."""
    settings = st.session_state.setdefault(SETTINGS_KEY, state.defaults())
    present = presenting() or st.query_params.get("present") in ("1", "true")
    st.set_page_config(
        page_title=f"{title} · RNN Visualizer",
        page_icon=icon,
        layout="wide",
        initial_sidebar_state="collapsed" if present and not st.query_params.get("lesson") else "auto",
    )
    if st.session_state.get("_page") != page:
        # A new visit (or a fresh session): the URL speaks. Query params are cleared when the
        # user switches pages, so an empty URL keeps the session's settings.
        st.session_state["_page"] = page
        values, notices = state.parse(st.query_params.to_dict())
        settings.update(values)
        for key in list(st.session_state):  # widgets must show the URL's values, not stale ones
            if isinstance(key, str) and key.startswith("w_") and key[2:] in values:
                del st.session_state[key]
        st.session_state["_notices"] = notices
    from visualizer.ui.lesson import panel  # here: ui.lesson imports this module

    panel(settings)
    _site_map()
    if st.session_state.get("_notices"):
        st.warning(
            "This link had settings that could not be used, so defaults were used instead:\n\n"
            + "\n".join(f"- {md_escape(n)}" for n in st.session_state["_notices"]),
            icon="🔗",
        )
    _chrome_css(settings)
    return settings


def presenting() -> bool:
    """Presenter mode, as of this run.

    On the click that flips the toggle, its widget state already holds the new value while the setting
    still holds the old one (the toggle is drawn at the end of the page): the widget state wins, so the
    mode applies on that click, not one rerun late.
    """
    if "w_present" in st.session_state:
        return bool(st.session_state["w_present"])
    return bool((st.session_state.get(SETTINGS_KEY) or {}).get("present"))


# Our own constant CSS, never user text. Always: a long equation scrolls sideways inside its box instead
# of running out of it (nothing is hidden), and metric labels wrap instead of being cut ("…").
_BASE_CSS = """<style>
.block-container {padding-top: 2.5rem !important;}
h1 {font-size: 2.2rem !important; padding: 0.25rem 0 0.5rem !important;}
.katex-display {overflow-x: auto; overflow-y: hidden; max-width: 100%; padding: 0.15rem 0;}
[data-testid='stMetricLabel'], [data-testid='stMetricLabel'] * {white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important;}
</style>"""
# Presenter mode: prose 20 px (charts scale with it, see show_fig), headings and padding compact so a
# page still fits 1280x720 (the gap between blocks stays 16 px, as in normal mode, not 1rem = 20 px),
# no chrome but the button that reopens the sidebar (where the toggle is).
# ?hide=sidebar removes the sidebar for a locked-down classroom link.
_PRESENT_CSS = """<style>
html, .stMarkdown, .stCaption, p, li, label {font-size: 1.25rem !important;}
h1 {font-size: 2.5rem !important; padding: 0.25rem 0 0.5rem !important;}
h2, h3 {font-size: 1.6rem !important; padding: 0.3rem 0 !important;}
header[data-testid='stHeader'] {visibility: hidden; background: transparent !important;}
[data-testid='stExpandSidebarButton'] {visibility: visible !important;}
footer {display: none !important;}
.block-container {padding-top: 0.75rem !important; padding-bottom: 1rem !important; max-width: 100% !important;}
[data-testid='stVerticalBlock'] {gap: 0.8rem !important;}
[data-testid='stMetricLabel'] p {font-size: 1.1rem !important;}
[data-testid='stMetricValue'] {font-size: 2rem !important;}
</style>"""
_NO_SIDEBAR_CSS = (
    "<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], "
    "[data-testid='stExpandSidebarButton'] {display: none !important;}</style>"
)


# One style element per page (each element also costs a gap of vertical space): constants only.
_CHROME_CSS = {
    (present, no_sidebar): _BASE_CSS + (_PRESENT_CSS if present else "") + (_NO_SIDEBAR_CSS if no_sidebar else "")
    for present in (False, True)
    for no_sidebar in (False, True)
}


def _chrome_css(settings: dict[str, Any]) -> None:
    st.markdown(_CHROME_CSS[presenting(), hidden(settings, "sidebar")], unsafe_allow_html=True)


def sync_url(settings: dict[str, Any]) -> None:
    """Draw the share/present panel, then write the non-default settings to the address bar.

    Called at the end of every page, after all widgets have updated the settings.
    """
    if not hidden(settings, "share"):
        share_panel(settings)
    write_url(settings)


def write_url(settings: dict[str, Any]) -> None:
    """The non-default settings into the address bar, only when they changed."""
    query = state.to_query(settings)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def hidden(settings: dict[str, Any], name: str) -> bool:
    """True when a classroom link hides this control (?hide=seed,act)."""
    return name in state.hidden_controls(settings)


_RANGED = ("slider", "number_input")  # widgets that take min_value / max_value
_CHOOSING = ("radio", "selectbox", "select_slider", "segmented_control", "pills")  # widgets that take options


def control(settings: dict[str, Any], name: str, widget: Callable, label: str, **kwargs) -> Any:
    """Draw one widget bound to a setting and return its value.

    The widget's key is 'w_<name>'; it starts from the setting's current value, and the
    setting follows the widget. Bounds and options come from the settings table (written once
    there) unless the caller narrows them. A control hidden by a classroom link keeps its value.
    """
    spec = state.SETTINGS[name]
    if hidden(settings, name):
        return settings[name]
    kind = getattr(widget, "__name__", "")
    if kind in _RANGED and spec.kind in ("int", "float"):
        cast = int if spec.kind == "int" else float
        if spec.lo is not None:
            kwargs.setdefault("min_value", cast(spec.lo))
        if spec.hi is not None:
            kwargs.setdefault("max_value", cast(spec.hi))
    elif kind in _CHOOSING and spec.kind == "choice":
        kwargs.setdefault("options", list(spec.choices))
    key = f"w_{name}"
    if key not in st.session_state:
        st.session_state[key] = settings[name]
    value = widget(label, key=key, help=kwargs.pop("help", spec.help or None), **kwargs)
    settings[name] = spec.clamp(value) if spec.kind in ("int", "float", "choice") else value
    return settings[name]


def set_setting(settings: dict[str, Any], name: str, value: Any) -> None:
    """Change a setting from code (e.g. a step button) and keep its widget in step."""
    settings[name] = state.SETTINGS[name].clamp(value)
    st.session_state[f"w_{name}"] = settings[name]


# ---------------------------------------------------------------------------- cached compute


@st.cache_data(**CACHE, show_spinner=False)
def unroll_cached(
    text: str, mode: str, representation: str, emb: int, hidden: int, seed: int, act: str, scale: float
) -> explore.Unroll:
    """Encode the text and run the untrained RNN over it."""
    return explore.untrained(text, mode, representation, emb=emb, hidden=hidden, seed=seed, act=act, scale=scale)


def unroll(settings: dict[str, Any]) -> explore.Unroll | None:
    """The untrained RNN over the settings' text, or None after showing why not."""
    s = settings
    try:
        return unroll_cached(
            s["text"],
            s["mode"],
            s["representation"],
            s["embed_size"],
            s["hidden"],
            s["seed"],
            s["activation"],
            s["scale"],
        )
    except ValueError as err:
        show_error(err)
        return None


def weights_fingerprint(params) -> str:
    """A cache key for weights that change in place of the same object (a model still training)."""
    return f"{id(params)}:" + ":".join(f"{float(np.sum(a)):.17g}" for a in params.as_dict().values())


def show_fig(fig, key: str | None = None, *, spec_key: Hashable | None = None, **kwargs) -> Any:
    """A Plotly figure at full width; its camera button saves PNG or SVG at slide resolution.

    `fig` is a figure; or, with `spec_key` (a hashable description of everything the figure shows), a
    function that builds it: the figure is then built and serialised once and shared by every session
    that shows the same key. A figure object shown again (one kept by a resource cache) reuses its spec
    too (plots/spec_cache: the explorer's animated fold cost ~80 ms per page open before). Plotly's
    default template is dropped (Streamlit themes the chart; it would be ~7 KB per figure). In presenter
    mode every chart font scales with the prose (plots/presenter). kwargs go to st.plotly_chart (e.g.
    on_select=callback, selection_mode="points" for click events).
    """
    settings: dict[str, Any] = st.session_state.get(SETTINGS_KEY) or {}
    fmt = settings.get("figure_format", "png")
    config = {**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"], "format": fmt}}
    transform = presenter.scale_spec if presenting() else None
    if spec_key is not None:
        shown = spec_cache.keyed(spec_key, fig, template=NO_TEMPLATE, transform=transform)
    else:
        shown = spec_cache.frozen(fig, template=NO_TEMPLATE, transform=transform)
    return st.plotly_chart(shown, width="stretch", config=config, key=key, **kwargs)


def show_chart(chart, where: Any = None) -> None:
    """An Altair chart at full width (in the container `where`, if given); presenter mode scales its fonts."""
    (where if where is not None else st).altair_chart(
        presenter.scale_altair(chart) if presenting() else chart, width="stretch"
    )


def overflow_note(trace: rnn.RNNTrace) -> None:
    if trace.overflowed:
        st.warning(
            "Overflow: some hidden values or outputs became infinite or NaN. With relu or linear and "
            "large weights the hidden state can grow without bound; lower the weight scale.",
            icon="💥",
        )


def trace_downloads(settings: dict[str, Any], make: Callable[[], dict], *, key: str = "trace") -> None:
    """CSV and JSON downloads of the current trace (inputs, hidden states, outputs, gradients).

    `make()` returns export.trace_table's keyword arguments; it runs only when a button is
    clicked (in Streamlit's download thread), so ordinary reruns pay nothing for it.
    """
    query = state.to_query(settings)
    _download_pair(
        "Trace",
        lambda: export.trace_csv(**make()),
        lambda: export.trace_json(**make(), settings=query),
        "rnn-trace",
        key,
    )


def table_downloads(settings: dict[str, Any], label: str, make: Callable[[], tuple], *, name: str, key: str) -> None:
    """CSV and JSON downloads of the (header, rows) table that `make()` returns when clicked."""
    query = state.to_query(settings)

    def csv_text() -> str:
        header, rows = make()
        return export.table_csv(header, rows)

    def json_text() -> str:
        header, rows = make()
        return export.table_json(header, rows, settings=query)

    _download_pair(label, csv_text, json_text, name, key)


def _download_pair(label: str, csv_text: Callable[[], str], json_text: Callable[[], str], name: str, key: str) -> None:
    c1, c2 = st.columns(2)
    c1.download_button(
        f"⬇ {label} as CSV", csv_text, file_name=f"{name}.csv", mime="text/csv", key=f"{key}_csv", width="stretch"
    )
    c2.download_button(
        f"⬇ {label} as JSON",
        json_text,
        file_name=f"{name}.json",
        mime="application/json",
        key=f"{key}_json",
        width="stretch",
    )


# ---------------------------------------------------------------------------- share and present

HIDEABLE = ("text", "mode", "repr", "hidden", "act", "scale", "seed", "sidebar")


def share_panel(settings: dict[str, Any]) -> None:
    """Sidebar panel: the link that reopens this view, presenter mode, classroom flags."""
    with st.sidebar.expander("🔗 Share & present", expanded=False):
        st.caption("Copy this link (the copy button is at its right): it reopens exactly this view.")
        st.code(export.share_url(st.context.url, settings), language=None, wrap_lines=True)
        control(settings, "present", st.toggle, "Presenter mode (large fonts, no chrome)")
        control(settings, "figure_format", st.radio, "Figure download format", options=["png", "svg"], horizontal=True)
        chosen = st.multiselect(
            "Classroom link: hide these controls",
            options=list(HIDEABLE),
            key="w_hide_pick",
            help="Students who open the classroom link won't see these controls; their values still apply.",
        )
        if chosen:
            st.code(
                export.share_url(st.context.url, {**settings, "hide": ",".join(chosen)}), language=None, wrap_lines=True
            )
