"""Figures on the page: Plotly at full width (spec shared across sessions), Altair, the overflow notice."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pyarrow as pa
import streamlit as st

from visualizer.nn import rnn
from visualizer.plots import presenter, spec_cache
from visualizer.plots.style import NO_TEMPLATE, PLOTLY_CONFIG
from visualizer.ui.binding import current, presenting


def plotly_config() -> dict[str, Any]:
    """Plotly's config with the camera button saving in the format the settings name."""
    fmt = current().figure_format
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"], "format": fmt}}


def show_fig(fig, key: str | None = None, *, spec_key: Hashable | None = None, **kwargs) -> Any:
    """A Plotly figure at full width; its camera button saves PNG or SVG at slide resolution.

    `fig` is a figure; or, with `spec_key` (a hashable description of everything the figure shows), a
    function that builds it: the figure is then built and serialised once and shared by every session
    that shows the same key. A figure object shown again (one kept by a resource cache) reuses its spec
    too (plots/spec_cache). Plotly's default template is dropped (Streamlit themes the chart; it would
    be ~7 KB per figure). In presenter mode every chart font scales with the prose (plots/presenter).
    kwargs go to st.plotly_chart (e.g. on_select=callback, selection_mode="points" for click events).
    """
    transform = presenter.scale_spec if presenting() else None
    if spec_key is not None:
        shown = spec_cache.keyed(spec_key, fig, template=NO_TEMPLATE, transform=transform)
    else:
        shown = spec_cache.frozen(fig, template=NO_TEMPLATE, transform=transform)
    return st.plotly_chart(shown, width="stretch", config=plotly_config(), key=key, **kwargs)


def arrow_bytes(rows: list[dict]) -> bytes:
    """Rows as Arrow IPC bytes, what Streamlit sends a chart's named dataset as (it takes bytes as they are)."""
    table = pa.Table.from_pylist(rows)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _with_arrow_datasets(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with its named datasets (lists of rows) already in Arrow: Streamlit would build a pandas DataFrame
    for each, one of the largest costs of a Train-page redraw in a class (tools/loadtest.py --trainers 50, profiled)."""
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    return {**spec, "datasets": {k: arrow_bytes(v) if isinstance(v, list) else v for k, v in datasets.items()}}


def show_chart(chart, where: Any = None) -> None:
    """An Altair chart at full width (in the container `where`, if given); presenter mode scales its fonts."""
    place = where if where is not None else st
    if isinstance(chart, dict):  # a Vega-Lite spec (plots/train_figures: built without Altair on every redraw)
        spec = presenter.scale_vega(chart) if presenting() else chart
        place.vega_lite_chart(_with_arrow_datasets(spec), width="stretch")
        return
    place.altair_chart(presenter.scale_altair(chart) if presenting() else chart, width="stretch")


def overflow_note(trace: rnn.RNNTrace) -> None:
    if trace.overflowed:
        st.warning(
            "Overflow: some hidden values or outputs became infinite or NaN. With relu or linear and "
            "large weights the hidden state can grow without bound; lower the weight scale.",
            icon="💥",
        )
