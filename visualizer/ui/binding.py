"""The session's Settings (visualizer/settings.py) and the widgets bound to them.

The session holds one frozen `Settings`; a widget drawn by `control` starts from its setting and the
setting follows the widget (`dataclasses.replace`); code changes a setting with `set_setting` (its
widget follows) or `change` (before its widget is drawn). Always read the settings with `current()`
after drawing controls: a held `Settings` is the value as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import streamlit as st

from visualizer import state
from visualizer.settings import Settings

SETTINGS_KEY = "_settings"
_RANGED = ("slider", "number_input")  # widgets that take min_value / max_value
_CHOOSING = ("radio", "selectbox", "select_slider", "segmented_control", "pills")  # widgets that take options


def current() -> Settings:
    """The session's settings as of now (the defaults in a new session)."""
    settings = st.session_state.get(SETTINGS_KEY)
    if not isinstance(settings, Settings):
        settings = st.session_state[SETTINGS_KEY] = Settings()
    return settings


def store(settings: Settings) -> Settings:
    """Make `settings` the session's settings."""
    st.session_state[SETTINGS_KEY] = settings
    return settings


def change(**values: Any) -> Settings:
    """Change settings from code, as given (their widgets, if already drawn, keep their own state)."""
    return store(replace(current(), **values))


def set_setting(name: str, value: Any) -> Any:
    """Change a setting from code (e.g. a step button), into its bounds, and keep its widget in step."""
    settings = store(current().changed(**{name: value}))
    st.session_state[f"w_{name}"] = getattr(settings, name)
    return getattr(settings, name)


def hidden(name: str) -> bool:
    """True when a classroom link hides this control (?hide=seed,act)."""
    return name in current().hidden_controls()


def presenting() -> bool:
    """Presenter mode, as of this run.

    On the click that flips the toggle, its widget state already holds the new value while the setting
    still holds the old one (the toggle is drawn at the end of the page): the widget state wins, so the
    mode applies on that click, not one rerun late.
    """
    if "w_present" in st.session_state:
        return bool(st.session_state["w_present"])
    return current().present


def control(name: str, widget: Callable, label: str, *, key: str = "", **kwargs) -> Any:
    """Draw one widget bound to a setting and return its value.

    The widget's key is 'w_<name>', or `key` for a widget of another kind bound to the same setting on another
    page (Streamlit would carry one key's state into a different widget when the student switches pages: Home's
    one-line text box read the explorer's text area as empty); it starts from the setting's current value, and the
    setting follows the widget. Bounds and options come from the settings table (written once
    there) unless the caller narrows them. A control hidden by a classroom link keeps its value.
    """
    spec = state.SETTINGS[name]
    if hidden(name):
        return getattr(current(), name)
    kind = getattr(widget, "__name__", "")
    if kind in _RANGED and spec.kind in ("int", "float"):
        cast = int if spec.kind == "int" else float
        if spec.lo is not None:
            kwargs.setdefault("min_value", cast(spec.lo))
        if spec.hi is not None:
            kwargs.setdefault("max_value", cast(spec.hi))
    elif kind in _CHOOSING and spec.kind == "choice":
        kwargs.setdefault("options", list(spec.choices))
    key = key or f"w_{name}"
    if key not in st.session_state:
        st.session_state[key] = getattr(current(), name)
    value = widget(label, key=key, help=kwargs.pop("help", spec.help or None), **kwargs)
    value = spec.clamp(value) if spec.kind in ("int", "float", "choice") else value
    change(**{name: value})
    return value


def write_url() -> None:
    """The non-default settings into the address bar, only when they changed."""
    query = current().to_query()
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
