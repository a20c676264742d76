"""A Vega-Lite chart's rows go to Streamlit as Arrow bytes: the same rows come back out, nothing else changes."""

import pyarrow as pa

from visualizer.plots import train_figures
from visualizer.ui.show import _with_arrow_datasets, arrow_bytes


def test_rows_round_trip_through_arrow():
    rows = [{"step": 1, "loss": 4.5, "curve": "training text"}, {"step": 2, "loss": 4.0, "curve": "training text"}]
    assert pa.ipc.open_stream(arrow_bytes(rows)).read_all().to_pylist() == [
        {"step": 1, "loss": 4.5, "curve": "training text"},
        {"step": 2, "loss": 4.0, "curve": "training text"},
    ]


def test_a_loss_chart_spec_keeps_everything_but_the_rows_format():
    spec = train_figures.loss_chart([1, 2, 3], [4.2, 4.0, 3.9], 30, baselines={"unigram": 3.5})
    sent = _with_arrow_datasets(spec)
    assert {k: v for k, v in sent.items() if k != "datasets"} == {k: v for k, v in spec.items() if k != "datasets"}
    assert set(sent["datasets"]) == set(spec["datasets"])
    for name, rows in spec["datasets"].items():
        back = pa.ipc.open_stream(sent["datasets"][name]).read_all().to_pylist()
        assert back == rows
    assert spec["datasets"]["loss_rows"][0]["loss"] == 4.2  # the builder's own spec is left as it was
