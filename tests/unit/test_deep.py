"""Stacked and bidirectional networks (nn/deep.py): forward against the layer-by-layer definition written out
step by step, and every gradient (all layers, both directions, the output layer, the input) against float64
central finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.gradcheck import numeric_grad, rel_error
from visualizer.nn import cells, deep, rnn

CELLS = tuple(cells.CELLS)


def _sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def _reference_layer(cell: str, W: dict, X: np.ndarray, reverse: bool, act: str = "tanh") -> np.ndarray:
    """(T, [B,] H) one direction of one layer from the cell's equations, one step at a time (no library call)."""
    T = X.shape[0]
    H = W["W_hh"].shape[0] if cell == "rnn" else W["W_h"].shape[1]
    h = np.zeros((*X.shape[1:-1], H))
    c = np.zeros_like(h)
    out = np.zeros((T, *X.shape[1:-1], H))
    order = range(T - 1, -1, -1) if reverse else range(T)
    for t in order:
        x = X[t]
        if cell == "rnn":
            h = rnn.activate(x @ W["W_xh"].T + h @ W["W_hh"].T + W["b_h"], act)
        elif cell == "lstm":
            z = x @ W["W_x"].T + h @ W["W_h"].T + W["b"]
            i, f, g, o = (
                _sig(z[..., :H]),
                _sig(z[..., H : 2 * H]),
                np.tanh(z[..., 2 * H : 3 * H]),
                _sig(z[..., 3 * H :]),
            )
            c = f * c + i * g
            h = o * np.tanh(c)
        else:
            Wx, Wh, b = W["W_x"], W["W_h"], W["b"]
            r = _sig(x @ Wx[:H].T + h @ Wh[:H].T + b[:H])
            u = _sig(x @ Wx[H : 2 * H].T + h @ Wh[H : 2 * H].T + b[H : 2 * H])
            n = np.tanh(x @ Wx[2 * H :].T + (r * h) @ Wh[2 * H :].T + b[2 * H :])
            h = (1 - u) * n + u * h
        out[t] = h
    return out


def _reference_logits(p: deep.DeepParams, X: np.ndarray) -> np.ndarray:
    inp = X
    for row in p.layers:
        inp = np.concatenate(
            [_reference_layer(p.cell, W, inp, reverse=d == 1, act=p.activation) for d, W in enumerate(row)], axis=-1
        )
    return inp @ p.W_hy.T + p.b_y


def _net(cell, layers, bidir, D=3, H=3, V=4, seed=0, act="tanh"):
    """Params with non-zero biases (a zero bias would hide a missing bias gradient)."""
    p = deep.init(cell, D, H, V, layers=layers, bidirectional=bidir, seed=seed, activation=act)
    rng = np.random.default_rng(seed + 7)
    arrays = {
        k: v + rng.normal(0, 0.3, v.shape) if k.split(".")[-1].startswith("b") else v for k, v in p.as_dict().items()
    }
    return deep.replace_arrays(p, arrays)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("bidir", [False, True])
def test_forward_is_the_layer_by_layer_definition(cell, layers, bidir):
    p = _net(cell, layers, bidir)
    X = np.random.default_rng(1).standard_normal((5, 2, 3))
    tr = deep.forward(p, X)
    np.testing.assert_allclose(tr.logits, _reference_logits(p, X), rtol=1e-12, atol=1e-12)
    dirs = 2 if bidir else 1
    assert [o.shape for o in tr.outputs] == [(5, 2, dirs * 3)] * layers
    for li in range(layers):  # the output of each layer is [→h_t; ←h_t], in natural time order
        np.testing.assert_array_equal(tr.outputs[li][..., :3], tr.h(li, 0))
        if bidir:
            np.testing.assert_array_equal(tr.outputs[li][..., 3:], tr.h(li, 1))
    np.testing.assert_allclose(tr.probs.sum(-1), 1.0, rtol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_one_layer_one_direction_is_the_cell_itself(cell):
    spec = cells.CELLS[cell]
    params = spec.init(3, 4, 5, seed=3)
    X = np.random.default_rng(2).standard_normal((6, 3))
    tr = deep.forward(deep.from_single(cell, params), X)
    np.testing.assert_allclose(tr.logits, spec.forward(params, X).logits, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("cell", CELLS)
def test_each_direction_sees_only_its_own_side(cell):
    """→h_t depends on x_1..x_t, ←h_t on x_t..x_T: change x_1 and ←h_t (t ≥ 2) stays, →h_t changes."""
    p = _net(cell, 1, True)
    X = np.random.default_rng(4).standard_normal((5, 3))
    a = deep.forward(p, X)
    X2 = X.copy()
    X2[0] += 1.0
    b = deep.forward(p, X2)
    np.testing.assert_array_equal(a.h(0, 1)[1:], b.h(0, 1)[1:])
    assert not np.allclose(a.h(0, 0)[1:], b.h(0, 0)[1:])


def _agrees(got: np.ndarray, num: np.ndarray, tol: float) -> bool:
    """Relative agreement, or absolute below 1e-10 where the gradient is exactly zero (T = 1, a dead relu unit)."""
    return rel_error(got, num) < tol or float(np.max(np.abs(got - num), initial=0.0)) < 1e-10


def _check_gradients(p: deep.DeepParams, X: np.ndarray, targets: np.ndarray, tol: float = 1e-6) -> None:
    """Every parameter array and the input against fourth-order central differences of the summed cross-entropy."""
    arrays = {k: v.copy() for k, v in p.as_dict().items()}
    tr = deep.forward(p, X)
    _, dlogits = rnn.cross_entropy(tr.probs, targets)
    g = deep.backward(p, tr, dlogits)
    got = g.params_dict()

    def loss():
        return rnn.cross_entropy(deep.forward(deep.replace_arrays(p, arrays), X).probs, targets)[0]

    for name, value in arrays.items():
        num = numeric_grad(loss, value)
        assert _agrees(got["d" + name], num, tol), name
    assert set(got) == {"d" + k for k in arrays}
    Xv = X.copy()
    num = numeric_grad(lambda: rnn.cross_entropy(deep.forward(p, Xv).probs, targets)[0], Xv)
    assert _agrees(g.dX, num, tol), "dX"


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("layers,bidir", [(1, True), (2, False), (2, True), (3, True)])
def test_every_gradient_against_finite_differences(cell, layers, bidir):
    rng = np.random.default_rng(5)
    p = _net(cell, layers, bidir, D=2, H=2, V=3)
    _check_gradients(p, rng.standard_normal((4, 2)), rng.integers(0, 3, 4))


@pytest.mark.parametrize("act", ["sigmoid", "relu", "linear"])
def test_vanilla_activations_gradients(act):
    rng = np.random.default_rng(6)
    p = _net("rnn", 2, True, D=2, H=2, V=3, act=act)
    _check_gradients(p, rng.standard_normal((4, 2)), rng.integers(0, 3, 4))


@settings(max_examples=12, deadline=None)
@given(
    cell=st.sampled_from(CELLS),
    layers=st.integers(1, 3),
    bidir=st.booleans(),
    T=st.integers(1, 4),
    D=st.integers(1, 3),
    H=st.integers(1, 3),
    V=st.integers(2, 3),
    batch=st.sampled_from([None, 2]),
    seed=st.integers(0, 1000),
)
def test_gradients_property_small_shapes(cell, layers, bidir, T, D, H, V, batch, seed):
    rng = np.random.default_rng(seed)
    p = _net(cell, layers, bidir, D=D, H=H, V=V, seed=seed)
    shape = (T, D) if batch is None else (T, batch, D)
    _check_gradients(p, rng.standard_normal(shape), rng.integers(0, V, shape[:-1]), tol=1e-5)


def test_dh_is_the_total_derivative_per_layer():
    """dL/dh_t^[li] of the bottom layer equals the finite difference of the loss w.r.t. a nudge added to h_t."""
    rng = np.random.default_rng(8)
    p = _net("rnn", 2, False, D=2, H=2, V=3)
    X, targets = rng.standard_normal((4, 2)), rng.integers(0, 3, 4)
    tr = deep.forward(p, X)
    _, dlog = rnn.cross_entropy(tr.probs, targets)
    g = deep.backward(p, tr, dlog)
    norms = g.dh_norms()
    assert norms.shape == (2, 1, 4)
    # the last step of the top layer only receives its own output's gradient: W_hy^T dlogits_T
    np.testing.assert_allclose(g.dh[1][0][-1], dlog[-1] @ p.W_hy, rtol=1e-12)
    np.testing.assert_allclose(norms[1, 0, -1], np.linalg.norm(dlog[-1] @ p.W_hy), rtol=1e-12)


def test_bad_sizes_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="layers must be between 1 and 3"):
        deep.init("rnn", 2, 2, 2, layers=4)
    p = deep.init("gru", 2, 2, 2, layers=2)
    with pytest.raises(ValueError, match=r"X must be \(T, 2\)"):
        deep.forward(p, np.zeros((3, 5)))


def test_same_seed_same_weights():
    a = deep.init("lstm", 3, 4, 5, layers=3, bidirectional=True, seed=9).as_dict()
    b = deep.init("lstm", 3, 4, 5, layers=3, bidirectional=True, seed=9).as_dict()
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    assert a["l1.d0.W_x"].shape == (16, 8)  # layer 2 reads [→h; ←h]


def test_skipping_the_input_gradient_changes_nothing_else():
    rng = np.random.default_rng(11)
    p = _net("lstm", 2, True)
    X = rng.standard_normal((4, 2, 3))
    tr = deep.forward(p, X)
    _, dlog = rnn.cross_entropy(tr.probs, rng.integers(0, 4, (4, 2)))
    full, lean = deep.backward(p, tr, dlog), deep.backward(p, tr, dlog, input_grad=False)
    a, b = full.params_dict(), lean.params_dict()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert np.all(lean.dX == 0) and np.any(full.dX != 0)


def test_as_network_takes_either_kind_of_weights():
    single = cells.CELLS["gru"].init(3, 4, 5, seed=1)
    net = deep.as_network("gru", single)
    assert net.num_layers == 1 and not net.bidirectional
    assert deep.as_network("gru", net) is net
