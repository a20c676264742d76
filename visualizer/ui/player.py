"""The explorer player: one frameless custom component (Streamlit components v2, no iframe) that gets the whole
run once and steps it in the browser (visualizer/ui/components/explorer_player/: plain JavaScript and CSS,
shipped in the repository: no build step, nothing fetched at run time).

The server hears of the step only when the student pauses: one state value, `position`, {step, phase, run},
which this module writes into the `step` and `phase` settings (so a link and the other pages agree).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from visualizer import state
from visualizer.ui.binding import current, set_setting

_HERE = Path(__file__).parent / "components" / "explorer_player"
_JS = (_HERE / "player.js").read_text(encoding="utf-8")
_CSS = (_HERE / "player.css").read_text(encoding="utf-8")

_component = st.components.v2.component("rnnvis.explorer_player", html="", css=_CSS, js=_JS)


def reported_position(value: Any, T: int) -> tuple[int, str] | None:
    """(step, phase) from the browser's report, or None when it is not one (the value comes from the browser:
    trust nothing)."""
    if not isinstance(value, dict):
        return None
    step, phase = value.get("step"), value.get("phase")
    if not isinstance(step, int) or isinstance(step, bool) or phase not in ("forward", "backward"):
        return None
    return max(1, min(T, step)), phase


# What a heat-only player reads of the payload (the rest, the steps' sentences and equations, stays out of it).
_HEAT_ONLY_KEYS = ("id", "T", "cell", "tokens", "heat", "labels", "fold", "present")


def show_heat(data: dict[str, Any], *, key: str) -> None:
    """The hidden-state heatmap alone (Home, under its compact chain): an SVG drawn by the player, which follows
    the compact chain's step in the browser (the chain announces each step; same run id). No chart library."""
    slim = {k: data[k] for k in _HEAT_ONLY_KEYS}
    _component(key=key, data={**slim, "step": data["T"], "phase": "forward", "heat_only": True, "fold_open": False})


def show(data: dict[str, Any], *, key: str, compact: bool = False, fold_open: bool = False) -> None:
    """Mount the player with the run's payload (visualizer.plots.player.payload).

    compact: Home's chain: the forward pass only, opened on the last step, without the node panel; its steps
    are its own (they do not go to the address bar or the explorer's `step` setting).
    fold_open: the fold (five moves to the RNN) opens above the chain, at the `fold` setting's move (a lesson
    stop that narrates it).
    """
    if compact:
        _component(key=key, data={**data, "step": data["T"], "phase": "forward", "compact": True, "fold_open": False})
        return

    def reported() -> None:
        pos = reported_position(st.session_state.get(key, {}).get("position"), int(data["T"]))
        if pos is not None:
            set_setting("step", pos[0])
            set_setting("phase", pos[1])

    s = current()
    _component(
        key=key,
        data={
            **data,
            "step": min(s.step, data["T"]),
            "phase": s.phase,
            "compact": False,
            "fold_open": fold_open,
            "fold_stage": s.fold,
            "fold_default": state.SETTINGS["fold"].default,
        },
        on_position_change=reported,
    )
