"""The explorer's deep/bidirectional run (labs/explorer/deep_run.py), the nearest shipped model, and the
gradients lab's depth profile (labs/gradients/depth.py) with its figure."""

import json
from dataclasses import replace

import numpy as np
import pytest

from visualizer.data import encoding, pretrained
from visualizer.labs.explorer import deep_run
from visualizer.labs.gradients import depth, measure
from visualizer.labs.gradients import inputs as gi
from visualizer.labs.gradients.whh import spectral_radius
from visualizer.nn import cells, deep, rnn
from visualizer.plots import depth_figures


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_deep_run_exposes_every_layer_and_direction_in_natural_time(cell):
    r = deep_run.random_run(
        "the cat sat on the mat", "words", "onehot", cell=cell, layers=2, bidirectional=True, emb=3, hidden=4, seed=0
    )
    T, H, V = r.T, 4, len(r.enc.vocab)
    assert T == 6
    assert [[h.shape for h in row] for row in r.hs] == [[(T, H)] * 2] * 2
    assert [o.shape for o in r.outputs] == [(T, 2 * H)] * 2
    assert r.probs.shape == (T, V) and r.dh_norm.shape == (2, 2, T)
    np.testing.assert_array_equal(r.outputs[1][:, H:], r.hs[1][1])  # o_t = [→h_t; ←h_t]
    assert (r.cs is not None) is (cell == "lstm") and (r.gates is None) is (cell == "rnn")
    if r.gates is not None:
        assert r.gates[0][1].shape == (T, {"lstm": 4, "gru": 3}[cell] * H)
    assert r.loss.total > 0 and np.isfinite(r.dh_norm).all()


def test_deep_run_is_reproducible_and_matches_the_cell_with_one_layer():
    kw = dict(cell="rnn", layers=1, bidirectional=False, emb=3, hidden=5, seed=3)
    a = deep_run.random_run("a b c a b", "words", "onehot", **kw)
    b = deep_run.random_run("a b c a b", "words", "onehot", **kw)
    np.testing.assert_array_equal(a.probs, b.probs)
    single = cells.CELLS["rnn"].forward(
        rnn.RNNParams(**a.params.layers[0][0], W_hy=a.params.W_hy, b_y=a.params.b_y), a.enc.X
    )
    np.testing.assert_allclose(a.probs, single.probs, rtol=1e-13)


def test_bad_text_is_a_value_error_with_the_tokenizers_reason():
    with pytest.raises(ValueError):
        deep_run.random_run(
            "   ", "words", "onehot", cell="gru", layers=2, bidirectional=False, emb=3, hidden=4, seed=0
        )


def _row(name, cell, level, layers=1):
    return pretrained.Shipped(name, name, replace(pretrained._cfg(cell, level, 8, 8), layers=layers), 1)


ROWS = {
    r.name: r
    for r in (
        _row("rnn-words", "rnn", "words"),
        _row("lstm-words", "lstm", "words"),
        _row("rnn2-words", "rnn", "words", layers=2),
        _row("gru-chars", "gru", "chars"),
    )
}


def test_nearest_model_exact_then_same_cell_then_nearest_depth():
    assert deep_run.nearest_model("rnn", "words", 2, False, ROWS).name == "rnn2-words"
    assert deep_run.nearest_model("rnn", "words", 2, False, ROWS).exact
    m = deep_run.nearest_model("rnn", "words", 3, False, ROWS)
    assert (m.name, m.exact, m.layers) == ("rnn2-words", False, 2)  # the closest depth of the same cell
    m = deep_run.nearest_model("lstm", "words", 2, True, ROWS)
    assert (m.name, m.exact, m.bidirectional) == ("lstm-words", False, False)
    m = deep_run.nearest_model("gru", "words", 1, False, ROWS)
    assert m.name == "rnn-words" and not m.exact  # no GRU reads words: the first of the nearest
    with pytest.raises(ValueError, match="no shipped model reads chars"):
        deep_run.nearest_model("rnn", "chars", 1, False, {"rnn-words": ROWS["rnn-words"]})


def test_nearest_model_over_the_real_registry_never_fails():
    for level in ("chars", "words"):
        for cell in ("rnn", "lstm", "gru"):
            for layers in (1, 2, 3):
                for bidir in (False, True):
                    m = deep_run.nearest_model(cell, level, layers, bidir)
                    assert m.name in pretrained.SHIPPED
                    assert m.exact is (not bidir and (layers == 1 or m.layers == layers) and m.cell == cell)


# ---------------------------------------------------------------------------- the gradients lab's depth chart


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_depth_params_scale_every_recurrent_block_and_only_the_first_inputs(cell):
    p = depth.depth_params(cell, 5, 4, 6, layers=3, bidirectional=True, seed=1, radius=0.7, input_scale=0.0)
    w_in, w_rec, _ = deep.RECURRENT[cell]
    for li, row in enumerate(p.layers):
        for W in row:
            for k in range(deep.GATES[cell]):
                assert spectral_radius(W[w_rec][k * 4 : (k + 1) * 4]) == pytest.approx(0.7)
            assert bool(np.all(W[w_in] == 0)) is (li == 0)  # input strength 0 cuts x_t, not the layer below


def test_depth_profile_of_one_layer_is_the_cells_own_backward():
    seq = gi.sequence_for("generated", length=30, seed=2)
    p = depth.depth_params("rnn", seq.X.shape[1], 6, seq.V, layers=1, bidirectional=False, seed=2, radius=0.9)
    prof = depth.profile(p, seq.X, seq.target)
    cp = rnn.RNNParams(**p.layers[0][0], W_hy=p.W_hy, b_y=p.b_y)
    tr = rnn.forward(cp, seq.X)
    loss, dlog = measure.last_step_cross_entropy(tr.probs, seq.target)
    dh = rnn.backward(cp, tr, dlog).dh
    np.testing.assert_allclose(prof.norms[0, 0], np.linalg.norm(dh, axis=-1), rtol=1e-12)
    assert prof.loss == pytest.approx(loss)


def test_depth_heatmap_rows_axes_and_hover():
    seq = gi.sequence_for("generated", length=20, seed=0)
    p = depth.depth_params("gru", seq.X.shape[1], 4, seq.V, layers=2, bidirectional=True, seed=0, radius=1.0)
    prof = depth.profile(p, seq.X, seq.target)
    fig = json.loads(depth_figures.depth_heatmap(prof).to_json())
    hm = fig["data"][0]
    assert hm["type"] == "heatmap"
    assert hm["y"] == ["layer 1 →", "layer 1 ←", "layer 2 →", "layer 2 ←"]
    assert fig["layout"]["xaxis"]["title"]["text"] == "time step t"
    assert "layer" in fig["layout"]["yaxis"]["title"]["text"]
    assert "‖∂L/∂h_t‖" in hm["hovertemplate"]
    assert len(hm["x"]["bdata"] if isinstance(hm["x"], dict) else hm["x"]) > 0
    # the top layer's ← row is exactly 0 before T (the loss reads only o_T): drawn in the floor's colour, 0 on hover
    assert prof.norms[1, 1, 0] == 0
    assert hm["customdata"][3][0] == ["0", "−∞"]
    trace = depth_figures.depth_heatmap(prof).data[0]
    assert trace.z[3][0] == trace.zmin


def test_depth_bounds():
    with pytest.raises(ValueError, match="layers must be between 1 and 3"):
        depth.depth_params("rnn", 2, 2, 2, layers=0, bidirectional=False, seed=0, radius=1.0)


def test_encoding_used_by_the_run_is_the_explorers():
    enc = encoding.encode_text("1, 2, 3", "numbers", "onehot")
    r = deep_run.run(enc, deep.init("lstm", enc.X.shape[1], 3, 1 if enc.regression else len(enc.vocab), layers=2))
    assert r.loss.kind == ("squared_error" if enc.regression else "cross_entropy")


def test_layers_and_direction_settings_have_bounds_and_round_trip_through_links():
    from visualizer.settings import Settings

    s, notices = Settings.from_query({"layers": "3", "bidir": "1", "glayers": "1", "gbidir": "1"})
    assert (s.layers, s.bidirectional, s.grad_layers, s.grad_bidir) == (3, True, 1, True) and not notices
    assert Settings.from_query(s.to_query())[0] == s
    s, notices = Settings.from_query({"layers": "4", "bidir": "sideways"})
    assert (s.layers, s.bidirectional) == (1, False) and len(notices) == 2
    assert "between 1 and 3" in notices[0]
    assert Settings().changed(layers=9).layers == 3 and Settings().changed(grad_layers=0).grad_layers == 1
