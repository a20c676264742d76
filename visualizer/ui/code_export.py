"""The network on screen as PyTorch and Keras code, with its weights in PyTorch's state_dict layout.

One function, `code_panel(settings, model, example)`, that any page can call under the view it belongs to.
Gradients calls it under the depth chart. The Explorer, with its Unroll `u` (or a deep_run.DeepRun `r`):

    code_export.code_panel(s, deep.as_network(u.cell, u.params, s.activation), u.enc.X, key="explorer_code")
    code_export.code_panel(s, r.params, r.enc.X, key="explorer_code") Everything sits in a collapsed expander; the files are built only when a
download button is clicked, and the code is shown as plain preformatted text (st.text), not st.code, so the
page loads no syntax highlighter.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from visualizer.content import framework_code as fc
from visualizer.nn import deep, torch_layout
from visualizer.plots.notation import translate
from visualizer.settings import Settings
from visualizer.ui import compat

_CODE_TEXT_CSS = compat.code_text_css()  # the app's own CSS constant: monospace code without a highlighter


def code_panel(
    settings: Settings, model: deep.DeepParams, example: np.ndarray | None = None, *, key: str = "code"
) -> None:
    """An expander: what differs per cell, the weights (.npz) and the two scripts as downloads, and the code itself.

    Args:
        settings: the page's settings (the network's seed and shape come from `model`; the file names from here).
        model: the network on screen.
        example: (T, D) the input the page ran; the file carries it and the app's logits so the script can check.
    """
    spec = fc.NetSpec.of(model)
    stem = f"rnn-{spec.cell}-L{spec.layers}{'-bi' if spec.bidirectional else ''}-seed{settings.seed}"
    with st.expander(f"Code: this network in PyTorch and Keras ({spec.describe()})", expanded=False):
        st.caption(translate(fc.PANEL_CAPTION, settings.notation))
        c1, c2, c3 = st.columns(3)
        c1.download_button(
            "⬇ Weights (.npz)",
            lambda: torch_layout.npz_bytes(model, example),
            file_name=fc.FILE_NAME,
            mime="application/octet-stream",
            key=f"{key}_npz",
            width="stretch",
        )
        c2.download_button(
            "⬇ PyTorch script",
            lambda: fc.pytorch_code(spec),
            file_name=f"{stem}-pytorch.py",
            mime="text/x-python",
            key=f"{key}_torch",
            width="stretch",
        )
        c3.download_button(
            "⬇ Keras script",
            lambda: fc.keras_code(spec),
            file_name=f"{stem}-keras.py",
            mime="text/x-python",
            key=f"{key}_keras",
            width="stretch",
        )
        st.markdown(fc.DIFFERENCES_HEADING)
        gap = None if spec.cell != "gru" or example is None else torch_layout.nn_gru_gap(model, example)
        for line in fc.differences(spec, gap):
            st.markdown(f"- {translate(line, settings.notation)}")  # the page's notation (h or a)
        st.markdown(_CODE_TEXT_CSS, unsafe_allow_html=True)
        with st.container(key=compat.CODE_TEXT_KEY + key):
            torch_tab, keras_tab = st.tabs(["PyTorch", "Keras"])
            with torch_tab:
                st.text(fc.pytorch_code(spec))
            with keras_tab:
                st.text(fc.keras_code(spec))
