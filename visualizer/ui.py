"""The one module of the library that imports Streamlit: settings <-> URL, shared widgets,
cached computations and safe message helpers. Pages call these; the maths and figures stay pure.

Settings flow (see state.py): on the first run of a page visit the URL's parameters are parsed
into the session's settings (bad ones fall back with a notice); widgets read from and write to
those settings; at the end of every run the settings are written back to the URL, so the address
bar always reproduces the view.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np
import streamlit as st

from visualizer import encoding, rnn, state
from visualizer.figures import PLOTLY_CONFIG

SETTINGS_KEY = "_settings"
CACHE = dict(max_entries=64, ttl=3600)  # bounded: a lecture hall must not exhaust memory


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
    st.set_page_config(page_title=f"{title} · RNN Visualizer", page_icon=icon, layout="wide")
    settings = st.session_state.setdefault(SETTINGS_KEY, state.defaults())
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
    if st.session_state.get("_notices"):
        st.warning(
            "This link had settings that could not be used, so defaults were used instead:\n\n"
            + "\n".join(f"- {md_escape(n)}" for n in st.session_state["_notices"]),
            icon="🔗",
        )
    if settings.get("present"):
        st.markdown(
            "<style>html{font-size:20px} header,[data-testid='stToolbar']{display:none}</style>",
            unsafe_allow_html=True,  # our own constant CSS, never user text
        )
    return settings


def sync_url(settings: dict[str, Any]) -> None:
    """Write the settings that differ from the defaults back to the address bar."""
    query = state.to_query(settings)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def hidden(settings: dict[str, Any], name: str) -> bool:
    """True when a classroom link hides this control (?hide=seed,act)."""
    return name in state.hidden_controls(settings)


def control(settings: dict[str, Any], name: str, widget: Callable, label: str, **kwargs) -> Any:
    """Draw one widget bound to a setting and return its value.

    The widget's key is 'w_<name>'; it starts from the setting's current value, and the
    setting follows the widget. A control hidden by a classroom link keeps its value.
    """
    spec = state.SETTINGS[name]
    if hidden(settings, name):
        return settings[name]
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


_ACT_HELP = "f in h_t = f(W_hh h_(t-1) + W_xh x_t + b_h)"


def sequence_controls(settings: dict[str, Any], *, where=st.sidebar) -> None:
    """The sequence and model controls every page shares, drawn in the sidebar."""
    with where:
        st.subheader("Sequence")
        control(settings, "text", st.text_area, "Type a sequence", height=90, max_chars=encoding.MAX_TEXT_CHARS)
        control(settings, "mode", st.radio, "Split into", options=list(encoding.MODES), horizontal=True,
                format_func={"chars": "characters", "words": "words", "numbers": "numbers"}.get)
        control(settings, "repr", st.radio, "x_t is", options=list(encoding.REPRESENTATIONS), horizontal=True,
                format_func={"onehot": "one-hot", "embedding": "embedding / value"}.get)
        if settings["repr"] == "embedding" and settings["mode"] != "numbers":
            control(settings, "emb", st.slider, "Embedding size", min_value=2, max_value=32)
        st.subheader("Network")
        control(settings, "hidden", st.slider, "Hidden size H", min_value=2, max_value=64)
        control(settings, "act", st.selectbox, "Activation f", options=list(rnn.ACTIVATIONS), help=_ACT_HELP)
        control(settings, "scale", st.slider, "Weight scale", min_value=0.05, max_value=5.0, step=0.05)
        control(settings, "seed", st.number_input, "Seed", min_value=0, max_value=2**31 - 1, step=1)


# ---------------------------------------------------------------------------- cached compute


@st.cache_data(**CACHE, show_spinner=False)
def encode_cached(text: str, mode: str, representation: str, emb: int, seed: int) -> encoding.Encoded:
    return encoding.encode_text(text, mode, representation, embed_dim=emb, seed=seed)


@st.cache_data(**CACHE, show_spinner=False)
def unroll_cached(text: str, mode: str, representation: str, emb: int, hidden: int, seed: int, act: str, scale: float):
    """Encode the text and run the untrained RNN over it: (Encoded, RNNParams, RNNTrace)."""
    enc = encode_cached(text, mode, representation, emb, seed)
    params = rnn.init_params(enc.X.shape[1], hidden, len(enc.vocab), seed=seed, scale=scale)
    return enc, params, rnn.forward(params, enc.X, activation=act)


def unroll(settings: dict[str, Any]):
    """(Encoded, params, trace) for the current settings, or None after showing why not."""
    s = settings
    try:
        return unroll_cached(s["text"], s["mode"], s["repr"], s["emb"], s["hidden"], s["seed"], s["act"], s["scale"])
    except ValueError as err:
        show_error(err)
        return None


def show_fig(fig, key: str | None = None) -> None:
    """A Plotly figure at full width with the slide-resolution download button."""
    st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=key)


def overflow_note(trace: rnn.RNNTrace) -> None:
    if trace.overflowed:
        st.warning(
            "Overflow: some hidden values or outputs became infinite or NaN. With relu or linear and "
            "large weights the hidden state can grow without bound; lower the weight scale.",
            icon="💥",
        )


def array_download(label: str, data: np.ndarray | str, file_name: str, mime: str = "text/csv", key: str | None = None) -> None:
    st.download_button(label, data=data, file_name=file_name, mime=mime, key=key)
