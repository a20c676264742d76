"""What the explorer's figures contain: node counts, the highlighted step, heatmap shapes, the fold's stages."""

import numpy as np
import plotly.graph_objects as go
import pytest

from visualizer.data import encoding
from visualizer.nn import rnn
from visualizer.plots import chain, diagrams, figures, style


def _valid(fig: go.Figure) -> go.Figure:
    """Builders skip Plotly's validation for speed; every property must still be valid (this raises if not)."""
    go.Figure(fig.to_dict())
    return fig


@pytest.fixture(scope="module")
def run():
    enc = encoding.encode_text("the united states of america", "words", "onehot")
    params = rnn.init_params(enc.X.shape[1], 6, len(enc.vocab), seed=0)
    return enc, rnn.forward(params, enc.X)


def _named(fig, prefix):
    (tr,) = [t for t in fig.data if (t.name or "").startswith(prefix)]
    return tr


# ---------------------------------------------------------------------------- chain


def test_chain_has_one_column_per_step_and_highlights_the_current_one(run):
    enc, trace = run
    fig = _valid(chain.unrolled_chain(enc.tokens, trace.hs, trace.probs, enc.vocab.tokens, step=3, X=enc.X))
    xs, hs, ys = _named(fig, "x_t"), _named(fig, "h_t"), _named(fig, "ŷ_t")
    assert list(xs.x) == list(hs.x) == list(ys.x) == [1, 2, 3, 4, 5]
    assert list(xs.text) == list(enc.tokens) and xs.textposition == "bottom center"  # under each x_t
    box, now = fig.layout.shapes  # the step's outline, and its h_t drawn orange over the blue one
    assert box.x0 < 3 < box.x1 and box.name == "current step"
    assert (now.xanchor, now.yanchor, now.fillcolor, now.layer) == (3, 1, style.HIGHLIGHT, "above")
    # Arrows carrying h_{t-1} -> h_t: one head per step, the first from h_0.
    heads = [t for t in fig.data if t.mode == "markers" and t.marker.symbol == "triangle-up"]
    assert sum(len(t.x) for t in heads) == 5 * 2 + 5
    assert _named(fig, "carried-in").text == ("h₀ = 0",)


def test_chain_writes_the_top_prediction_and_hover_values(run):
    enc, trace = run
    fig = chain.unrolled_chain(enc.tokens, trace.hs, trace.probs, enc.vocab.tokens, step=1)
    ys = _named(fig, "ŷ_t")
    for t, label in enumerate(ys.text):
        assert label == "→ " + enc.vocab.tokens[int(np.argmax(trace.probs[t]))]
    hs = _named(fig, "h_t")
    assert hs.customdata[0][0] == f"{np.linalg.norm(trace.hs[1]):.3f}"


def test_chain_window_follows_the_step_and_stays_in_range():
    assert chain.chain_window(5, 3) == (1, 5)
    assert chain.chain_window(100, 1) == (1, 12)
    assert chain.chain_window(100, 11) == (1, 12) and chain.chain_window(100, 12) == (7, 18)  # half a page
    assert chain.chain_window(100, 50) == (43, 54)
    assert chain.chain_window(100, 100) == (89, 100)
    windows = set()
    for step in range(1, 101):
        first, last = chain.chain_window(100, step)
        windows.add(first)
        assert first <= step <= last and last - first == 11 and first >= 1 and last <= 100
        assert step < last or last == 100  # a column of what comes next stays in view
    assert len(windows) == 16  # the view turns every 6 steps, not every step


def test_chain_window_shows_its_columns_and_the_step_before():
    tokens = [str(i) for i in range(40)]
    hs, probs = np.zeros((41, 3)), np.full((40, 4), 0.25)
    fig = chain.unrolled_chain(tokens, hs, probs, list("abcd"), step=30, window=chain.chain_window(40, 30))
    assert fig.layout.xaxis.range == pytest.approx((23.4, 36.6))  # steps 25..36 in view, and step 24 carried in
    assert list(_named(fig, "h_t").x) == list(range(1, 41))  # the block drawn (the view slides over it)
    assert list(_named(fig, "carried-in").x) == [0]  # h_0, out of view
    assert "steps 25–36 of 40" in fig.layout.title.text
    start = chain.unrolled_chain(tokens, hs, probs, list("abcd"), step=2, window=chain.chain_window(40, 2))
    assert _named(start, "carried-in").text == ("h₀ = 0",) and start.layout.xaxis.range == pytest.approx((-0.6, 12.6))


def test_chain_survives_overflow():
    hs = np.full((3, 2), np.inf)
    probs = np.full((2, 2), np.nan)
    fig = _valid(chain.unrolled_chain(["a", "b"], hs, probs, ["a", "b"], step=2))
    assert list(_named(fig, "ŷ_t").text) == ["NaN", "NaN"]


# ---------------------------------------------------------------------------- heatmaps


def test_heatmap_is_units_by_steps_with_the_step_outlined(run):
    enc, trace = run
    fig = _valid(figures.hidden_heatmap(trace.hs[1:], enc.tokens, step=2))
    (hm,) = fig.data
    assert np.asarray(hm.z).shape == (6, 5)  # (H, T)
    assert list(hm.x) == ["1. the", "2. united", "3. states", "4. of", "5. america"]
    assert (hm.zmin, hm.zmax) == (-1.0, 1.0)  # fixed scale for tanh
    (box,) = fig.layout.shapes
    assert (box.x0, box.x1) == (0.5, 1.5)  # around category index 1, i.e. step 2
    assert fig.layout.yaxis.title.text == "hidden unit"


def test_heatmap_colourscale_is_explicit_red_blue():
    fig = figures.hidden_heatmap(np.zeros((3, 2)), ["a", "b", "c"])
    scale = fig.data[0].colorscale
    assert scale[0][1] == "rgb(5,48,97)" and scale[-1][1] == "rgb(103,0,31)"  # dark blue low, dark red high
    assert len(fig.layout.shapes) == 0


def test_heatmap_colour_bar_reads_three_short_numbers_for_a_data_range():
    states = np.array([[0.0, 3.332815], [-1.25, 2.0]])  # the memory c_t: its range comes from the data
    bar = figures.hidden_heatmap(states, ["a", "b"], activation="linear").data[0].colorbar
    assert len(bar.tickvals) == 3 and bar.tickformat == ".3~g"  # 3.33, not 3.332815


def test_shared_range_covers_both_for_unbounded_activations():
    assert figures.shared_range("relu", np.array([1.0]), np.array([-3.0])) == (-3.0, 3.0)
    assert figures.shared_range("tanh", np.array([9.0])) == (-1.0, 1.0)


# ---------------------------------------------------------------------------- one step


# ---------------------------------------------------------------------------- fold diagrams


def test_fold_stages_have_the_right_symbols():
    kinds = lambda s: sorted(k for _, _, k, _ in s.nodes)  # noqa: E731
    assert kinds(diagrams.scene(0)) == ["neuron"] * 15
    assert kinds(diagrams.scene(1)) == ["h", "x", "y"] and diagrams.scene(1).wires and not diagrams.scene(1).arrows
    assert len(diagrams.scene(2).arrows) == 2 and not diagrams.scene(2).wires
    vertical = diagrams.scene(3)
    assert [n[1] for n in vertical.nodes] == [0.0, 2.0, 4.0] and not vertical.loop  # x below h below y
    assert diagrams.scene(4).loop and "W_hh" in [lab for _, _, lab in diagrams.scene(4).labels]
    # The unroll uses the user's sequence: one copy per token, no empty x_t slots for short inputs.
    unrolled = diagrams.scene(5, ("the", "united"))
    assert kinds(unrolled).count("h") == 2 and len(unrolled.carries) == 3
    assert {"x_1 the", "x_2 united"} <= {lab for _, _, lab in unrolled.labels}


def test_fold_unroll_long_input_keeps_the_last_word_after_an_ellipsis():
    tokens = tuple(f"w{i}" for i in range(1, 10))
    labels = [lab for _, _, lab in diagrams.scene(5, tokens).labels]
    assert diagrams.unrolled_steps(9) == [1, 2, 3, 4, None, 9]
    assert "x_9 w9" in labels and "…" in labels and "x_5 w5" not in labels
    assert [k for _, _, k, _ in diagrams.scene(5, tokens).nodes].count("h") == diagrams.MAX_COPIES
    assert all(lab.strip() != "x_" for lab in labels)


def test_fold_follows_the_notation():
    fig = _valid(diagrams.fold_figure(5, ("the", "cat"), notation="a", animated=False))
    text = str(fig.to_dict())
    assert "W_hh" not in text and "W_aa" in text and "a⟨1⟩" in text
    assert not fig.frames and not fig.layout.updatemenus
    moves = diagrams.fold_figure(4, notation="a")  # the loop's label too, in every frame
    assert "W_hh" not in str(moves.to_dict())


def test_fold_figure_has_frames_for_every_stage_and_a_play_button():
    fig = _valid(diagrams.fold_figure(4, ("the",)))
    assert [f.name for f in fig.frames] == ["0", "1", "2", "3", "4", "5"]
    assert all(len(f.data) == len(fig.data) for f in fig.frames)
    assert fig.layout.title.text == "Move 4 of 5: add the temporal loop"
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    loop = [t for t in fig.data if t.mode == "lines+markers"]
    assert any(len(t.x) for t in loop)


def test_fold_figure_ghosts_the_previous_stage():
    fig = diagrams.fold_figure(1)
    ghost_nodes = [
        t
        for t in fig.data
        if t.mode == "markers"
        and t.hoverinfo == "skip"
        and t.marker.size is not None
        and not isinstance(t.marker.size, (int, float))
        and len(t.x) == 15
    ]
    assert ghost_nodes  # the 15 neurons of the feed-forward net, in grey
    with pytest.raises(ValueError):
        diagrams.fold_figure(0)
