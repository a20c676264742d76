"""The gradients lab's W_hh by hand: an editable W_hh (and b_h) with its tools, beside its eigenvalues.

The edited matrix lives in the settings as its URL form (whh.encode: 10 significant digits joined by
'_'), so a link carries it. The editor is keyed by the matrix it shows: a new matrix (a preset, a
tool, an edit) gets a fresh editor, and no stale cell edit is ever applied on top of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from visualizer.data.trained_model import TrainedModel
from visualizer.labs.gradients import whh
from visualizer.plots import gradient_figures as gf
from visualizer.ui.binding import change, current
from visualizer.ui.show import show_fig
from visualizer.ui.text import md_escape, show_error

HAND_KEYS = ("w_hh", "b_h")  # the settings a hand edit writes


def clear_hand_edits() -> None:
    """Back to the random W_hh (and b_h = 0)."""
    change(**dict.fromkeys(HAND_KEYS, ""))


def check_hand_edits() -> None:
    """Drop a hand-edited W_hh or b_h that does not fit, with a notice; keep H equal to W_hh's size.

    Runs before the sidebar is drawn, so the hidden-size slider shows the matrix's size.
    """
    s = current()
    W, b, notices = whh.hand_edits(s.w_hh, s.b_h, s.hidden)
    for n in notices:
        st.warning(md_escape(n), icon="🔗")
    change(w_hh="" if W is None else s.w_hh, b_h="" if b is None else s.b_h)
    if W is not None and s.hidden != len(W):
        change(hidden=max(2, len(W)))
        st.session_state.pop("w_hidden", None)


def _matrix_frame(W: np.ndarray, b: np.ndarray) -> pd.DataFrame:
    H = len(W)
    frame = pd.DataFrame(W, columns=[f"h[{j}]" for j in range(H)], index=[f"h[{i}]" for i in range(H)])
    frame["b_h"] = b
    return frame


def _set_hand(W: np.ndarray, b: np.ndarray) -> None:
    change(w_hh=whh.encode(W))
    change(b_h="" if not np.any(b) else whh.encode(b))
    if current().hidden != len(W):  # only from a button (runs before the sidebar): an edit keeps the size
        change(hidden=max(2, len(W)))
        st.session_state.pop("w_hidden", None)


def _edit_action(W: np.ndarray, b: np.ndarray, action: str) -> None:
    target = float(st.session_state.get("whh_target", 1.0))
    if action == "random":
        clear_hand_edits()
        return
    new = {
        "rho": lambda: whh.rescale(W, target, "spectral"),
        "sigma": lambda: whh.rescale(W, target, "singular"),
        "orth": lambda: whh.orthogonalise(W),
        "sym": lambda: whh.symmetrise(W),
    }[action]()
    _set_hand(new, b)


def editor(exp) -> bool:
    """The editable W_hh (and b_h) with its tools. Returns True when a cell was just edited."""
    W, b = exp.rnn_params.W_hh, exp.rnn_params.b_h
    H = len(W)
    if H > whh.MAX_EDIT:
        st.caption(f"Hand editing works up to H = {whh.MAX_EDIT}; pick a smaller hidden size in the sidebar.")
        return False
    st.caption(
        "Each row is one unit i: a_i = Σ_j W_hh[i, j]·h_(t−1)[j] + b_h[i] + (input). Type a number into any cell; "
        "every number and line on the page follows."
    )
    version = hashlib.sha1((whh.encode(W) + "|" + whh.encode(b)).encode()).hexdigest()[:10]
    edited = st.data_editor(
        _matrix_frame(W, b),
        key=f"whh_editor_{version}",  # a new matrix gets a fresh editor: no stale edits on top of it
        width="stretch",
        column_config={
            c: st.column_config.NumberColumn(c, format="%.4g", step=0.01)
            for c in [*map("h[{}]".format, range(H)), "b_h"]
        },
    )
    values = edited.to_numpy(dtype=float, na_value=np.nan)
    new_W, new_b = values[:, :H], values[:, H]
    changed = not (np.array_equal(new_W, W) and np.array_equal(new_b, b))
    if changed:
        if not np.all(np.isfinite(values)) or np.any(np.abs(values) > whh.MAX_ENTRY):
            show_error(f"Every entry must be a number between −{whh.MAX_ENTRY:g} and {whh.MAX_ENTRY:g}.")
            return False
        _set_hand(new_W, new_b)
    c0, c1, c2 = st.columns(3, vertical_alignment="bottom")
    c0.number_input("Target ρ or σ_max", min_value=0.05, max_value=5.0, value=1.0, step=0.05, key="whh_target")
    c3, c4, c5 = st.columns(3)
    for col, action, label, tip in (
        (c1, "rho", "Scale to ρ", "multiply W_hh so its spectral radius equals the target"),
        (c2, "sigma", "Scale to σ_max", "multiply W_hh so its largest singular value equals the target"),
        (c3, "orth", "Orthogonalise", "the nearest orthogonal matrix U Vᵀ (from W_hh = U S Vᵀ): ρ = σ_max = 1"),
        (c4, "sym", "Symmetrise", "(W_hh + W_hhᵀ)/2: a normal matrix, so ρ = σ_max"),
        (c5, "random", "Random W_hh", "back to the seeded random matrix and the scale slider"),
    ):
        col.button(
            label,
            key=f"whh_{action}",
            help=tip,
            on_click=_edit_action,
            args=(W, b, action),
            width="stretch",
            disabled=action == "random" and not current().w_hh and not current().b_h,
        )
    return changed


EIGEN_CAPTION = (
    "Eigenvalues λ of W_hh (W_hhᵀ has the same ones); red ones lie outside the unit circle. Going back one step, "
    "a linear RNN multiplies the gradient by W_hhᵀ, so along a real eigenvector of W_hhᵀ it is multiplied by λ: "
    "|λ| < 1 shrinks it, |λ| > 1 grows it. No eigenvalue lies outside the grey σ_max circle, but one step can "
    "stretch a vector that far."
)


def section(result, trained: TrainedModel | None, remeasure: Callable[[], Any]):
    """W_hh by hand beside its eigenvalues. Returns the measurement, re-run (remeasure()) if a cell was just edited."""
    st.subheader("W_hh by hand" if trained is None else "The trained W_hh")
    edit_col, eig_col = st.columns([3, 2])
    if trained is None:
        with edit_col:
            if editor(result[1]):
                result = remeasure() or result
    else:
        edit_col.caption("Trained weights are shown as they are; pick random weights in the sidebar to edit W_hh.")
    exp = result[1]
    with eig_col:
        show_fig(gf.eigenvalue_plane(exp.eigenvalues, exp.sigma_max), key="grad_eigs")
        st.caption(EIGEN_CAPTION)
    return result
