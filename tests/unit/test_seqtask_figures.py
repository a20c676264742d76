"""The trained-task figures: what each one contains, checked on the builders."""

import numpy as np
import plotly.graph_objects as go

from visualizer.labs.sequences import seqinfer
from visualizer.labs.sequences import seqtasks
from visualizer.labs.sequences import seqtypes
from visualizer.plots import seqtask_figures as sf
from visualizer.plots.seqtype_figures import TRACE_ATTENTION, type_diagram


def _valid(fig) -> go.Figure:
    return go.Figure(fig.to_dict())  # Plotly's own validation of the unvalidated dicts


def test_label_bars_mark_the_chosen_label():
    fig = _valid(sf.label_bars(["person", "place", "animal"], np.array([0.1, 0.7, 0.2]), title="t"))
    (bar,) = fig.data
    assert list(bar.y) == ["person", "place", "animal"]
    assert bar.marker.color[1] == sf.HIGHLIGHT and bar.text[1] == "70.0%"


def test_tag_heatmap_is_tags_by_words():
    P = np.array([[0.8, 0.1, 0.1], [0.2, 0.2, 0.6]])
    fig = sf.tag_heatmap(["anna", "paris"], ["person", "place", "other"], P)
    _valid(fig)
    assert np.asarray(fig.data[0].z).shape == (3, 2)
    assert len(fig.layout.shapes) == 2 and fig.layout.shapes[1].y0 == 1.5  # "other" chosen at word 2


def test_verdict_drift_has_one_point_per_word():
    fig = _valid(sf.verdict_drift(["the", "food", "was", "good"], np.array([0.5, 0.4, 0.5, 0.95])))
    assert len(fig.data[0].x) == 4 and fig.layout.yaxis.title.text == "p(positive)"


def test_attention_heatmap_is_output_by_input():
    W = np.full((3, 4), 0.25)
    fig = sf.attention_heatmap(["a", "b", "c", "d"], ["x", "y", "<end>"], W)
    _valid(fig)
    z = np.asarray(fig.data[0].z)
    assert z.shape == (3, 4) and list(fig.data[0].y)[2] == "3. <end>"


def test_length_accuracy_two_series():
    fig = _valid(sf.length_accuracy([2, 5], [4, 8], np.array([0.5, 0.1]), np.array([1.0, 0.9]), [10, 20]))
    assert [t.name.split(" ")[0] for t in fig.data] == ["without", "with"]


def test_diagram_draws_attention_arcs_for_one_decoder_step():
    model = seqtasks.load_shipped("encoder_decoder", True).model
    ans = seqinfer.answer(model, "she was tired")
    lay = ans.layout
    step = lay.context_step + 2  # the decoder's second step
    fig = _valid(
        type_diagram(
            lay,
            in_labels=ans.in_labels,
            out_labels=ans.out_labels,
            attention=(step, ans.run.weights[1]),
        )
    )
    arcs = [t for t in fig.data if t.name == TRACE_ATTENTION]
    assert len(arcs) == 3  # one per input word
    widths = [t.line.width for t in arcs]
    assert np.argmax(widths) == np.argmax(ans.run.weights[1])
    assert lay == seqtypes.layout("encoder_decoder", 3, len(ans.run.out_ids))


def test_hidden_heatmap_labels_every_unit_and_three_colour_ticks():
    from visualizer.plots.figures import hidden_heatmap

    fig = hidden_heatmap(np.zeros((5, 6)), list("abcde"))
    assert list(fig.layout.yaxis.tickvals) == [f"h[{j}]" for j in range(6)]
    assert list(fig.data[0].colorbar.tickvals) == [-1.0, 0.0, 1.0]
    _valid(fig)
