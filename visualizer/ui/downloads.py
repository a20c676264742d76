"""CSV and JSON downloads of a page's numbers, built only when a button is clicked."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from visualizer import export
from visualizer.ui.binding import current


def trace_downloads(make: Callable[[], dict], *, key: str = "trace") -> None:
    """CSV and JSON downloads of the current trace (inputs, hidden states, outputs, gradients).

    `make()` returns export.trace_table's keyword arguments; it runs only when a button is
    clicked (in Streamlit's download thread), so ordinary reruns pay nothing for it.
    """
    query = current().to_query()
    _download_pair(
        "Trace",
        lambda: export.trace_csv(**make()),
        lambda: export.trace_json(**make(), settings=query),
        "rnn-trace",
        key,
    )


def table_downloads(label: str, make: Callable[[], tuple], *, name: str, key: str) -> None:
    """CSV and JSON downloads of the (header, rows) table that `make()` returns when clicked."""
    query = current().to_query()

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
