"""Computations shared by pages, cached per session-independent key: the untrained RNN over a text."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from visualizer.content import explorer_notes
from visualizer.labs.explorer import explore as unroll_maths
from visualizer.settings import Settings
from visualizer.ui.text import md_escape, show_error

CACHE: dict[str, Any] = dict(max_entries=64, ttl=3600)  # bounded: a lecture hall must not exhaust memory


@st.cache_data(**CACHE, show_spinner=False)
def unroll_cached(
    text: str, mode: str, representation: str, emb: int, hidden: int, seed: int, act: str, scale: float
) -> unroll_maths.Unroll:
    """Encode the text and run the untrained RNN over it."""
    return unroll_maths.untrained(text, mode, representation, emb=emb, hidden=hidden, seed=seed, act=act, scale=scale)


def text_to_read(s: Settings) -> str:
    """The text the views read: the typed text, or in numbers mode an example of numbers when the typed text
    does not read as numbers (the default words, say), after a notice saying why and what to type."""
    text, why_not = unroll_maths.text_to_read(s.text, s.mode)
    if why_not:
        st.warning(md_escape(explorer_notes.numbers_notice(why_not, text)), icon="🔢")
    return text


def unroll(s: Settings, text: str | None = None) -> unroll_maths.Unroll | None:
    """The untrained RNN over `text` (default: the settings' text), or None after showing why not."""
    text = s.text if text is None else text
    try:
        return unroll_cached(text, s.mode, s.representation, s.embed_size, s.hidden, s.seed, s.activation, s.scale)
    except ValueError as err:
        show_error(err)
        return None


def weights_fingerprint(params) -> str:
    """A cache key for weights that change in place of the same object (a model still training)."""
    return f"{id(params)}:" + ":".join(f"{float(np.sum(a)):.17g}" for a in params.as_dict().values())
