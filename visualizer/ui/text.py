"""User text shown safely: Markdown escaped (Streamlit never gets raw HTML from us), errors as notices."""

from __future__ import annotations

import re

import streamlit as st

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """Escape Markdown so user text shows literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def show_error(err: Exception | str) -> None:
    st.error(md_escape(str(err)), icon="⚠️")
