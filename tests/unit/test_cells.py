"""LSTM and GRU beside the vanilla cell: the common contract, shapes, and every gradient."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.gradcheck import numeric_grad, rel_error
from visualizer.nn import cells
from visualizer.nn import rnn
from visualizer.nn import gated

D, H, V, T = 3, 4, 3, 5
GATED = ("lstm", "gru")


def _setup(name, seed=0, batch=None):
    """Params with non-zero biases, inputs, targets and an initial state (tuple for the LSTM)."""
    rng = np.random.default_rng(seed + 50)
    spec = cells.CELLS[name]
    p = spec.init(D, H, V, seed=seed)
    p = spec.params_type(
        **{k: v + rng.normal(0, 0.3, v.shape) if k.startswith("b") else v for k, v in p.as_dict().items()}
    )
    shape = (T, D) if batch is None else (T, batch, D)
    X = rng.standard_normal(shape)
    targets = rng.integers(0, V, shape[:-1])
    h0 = rng.normal(0, 0.5, shape[1:-1] + (H,))
    state0 = (h0, rng.normal(0, 0.5, h0.shape)) if name == "lstm" else h0
    return spec, p, X, targets, state0


@pytest.mark.parametrize("name", GATED)
@pytest.mark.parametrize("batch", [None, 2])
def test_forward_shapes(name, batch):
    spec, p, X, _, state0 = _setup(name, batch=batch)
    gates = {"lstm": 4, "gru": 3}[name]
    assert p.W_x.shape == (gates * H, D) and p.W_h.shape == (gates * H, H) and p.b.shape == (gates * H,)
    assert p.W_hy.shape == (V, H) and p.b_y.shape == (V,)
    assert (p.input_size, p.hidden_size, p.output_size) == (D, H, V)
    tr = spec.forward(p, X, state0)
    lead = X.shape[:-1]
    assert tr.hs.shape == (T + 1, *lead[1:], H)
    assert tr.gates.shape == (*lead, gates * H)
    assert tr.logits.shape == (*lead, V) and tr.probs.shape == (*lead, V)
    np.testing.assert_allclose(tr.probs.sum(-1), 1.0, rtol=1e-12)
    h0 = state0[0] if name == "lstm" else state0
    np.testing.assert_array_equal(tr.hs[0], h0)
    if name == "lstm":
        assert tr.cs.shape == tr.hs.shape
        np.testing.assert_array_equal(tr.cs[0], state0[1])
        assert isinstance(tr.final_state, tuple)
        np.testing.assert_array_equal(tr.final_state[1], tr.cs[-1])


@pytest.mark.parametrize("name", GATED)
def test_lstm_and_gru_equations_by_hand(name):
    """One step computed from the equations written out, gate by gate."""
    spec, p, X, _, state0 = _setup(name, seed=2)
    tr = spec.forward(p, X[:1], state0)

    def sig(a):
        return 1 / (1 + np.exp(-a))

    x = X[0]
    if name == "lstm":
        h, c = state0
        z = p.W_x @ x + p.W_h @ h + p.b
        i, f, g, o = sig(z[:H]), sig(z[H : 2 * H]), np.tanh(z[2 * H : 3 * H]), sig(z[3 * H :])
        c1 = f * c + i * g
        h1 = o * np.tanh(c1)
        np.testing.assert_allclose(tr.cs[1], c1, rtol=1e-12)
    else:
        h = state0
        r = sig(p.W_x[:H] @ x + p.W_h[:H] @ h + p.b[:H])
        u = sig(p.W_x[H : 2 * H] @ x + p.W_h[H : 2 * H] @ h + p.b[H : 2 * H])
        n = np.tanh(p.W_x[2 * H :] @ x + p.W_h[2 * H :] @ (r * h) + p.b[2 * H :])
        h1 = (1 - u) * n + u * h
    np.testing.assert_allclose(tr.hs[1], h1, rtol=1e-12)
    np.testing.assert_allclose(tr.logits[0], p.W_hy @ h1 + p.b_y, rtol=1e-12)


@pytest.mark.parametrize("name", ["rnn", *GATED])
def test_batched_forward_matches_each_stream_and_fused_agrees(name):
    spec, p, X, _, state0 = _setup(name, batch=3)
    tr = spec.forward(p, X, state0)
    fused = spec.forward(p, X, state0, fused_input=True)
    np.testing.assert_allclose(fused.hs, tr.hs, rtol=1e-12, atol=1e-14)
    for b in range(3):
        s_b = tuple(s[b] for s in state0) if name == "lstm" else state0[b]
        single = spec.forward(p, X[:, b], s_b)
        np.testing.assert_allclose(tr.hs[:, b], single.hs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["rnn", *GATED])
def test_final_state_continues_the_sequence(name):
    """Truncated BPTT: two halves, the second started from the first's final_state, equal the whole."""
    spec, p, X, _, _ = _setup(name, batch=2)
    whole = spec.forward(p, X, fused_input=True)
    first = spec.forward(p, X[:2], fused_input=True)
    second = spec.forward(p, X[2:], first.final_state, fused_input=True)
    np.testing.assert_allclose(second.hs[1:], whole.hs[3:], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["rnn", *GATED])
def test_dtype_follows_the_parameters(name):
    spec = cells.CELLS[name]
    p = spec.init(D, H, V, seed=1, dtype=np.float32)
    X = np.ones((T, 2, D), np.float64)
    tr = spec.forward(p, X, fused_input=True)
    assert tr.hs.dtype == np.float32 and tr.probs.dtype == np.float32
    g = spec.backward(p, tr, tr.probs)
    assert all(v.dtype == np.float32 for v in g.params_dict().values())
    assert g.dh.dtype == np.float32


@pytest.mark.parametrize("name", GATED)
def test_same_seed_same_weights_and_bad_input_is_clear(name):
    spec = cells.CELLS[name]
    a, b, c = spec.init(D, H, V, seed=7), spec.init(D, H, V, seed=7), spec.init(D, H, V, seed=8)
    np.testing.assert_array_equal(a.W_h, b.W_h)
    assert not np.array_equal(a.W_h, c.W_h)
    with pytest.raises(ValueError, match="X must be"):
        spec.forward(a, np.zeros((T, D + 1)))
    with pytest.raises(ValueError, match="at least 1"):
        spec.init(D, 0, V)


def test_lstm_forget_bias_and_recurrent_radius():
    p = gated.lstm_init(D, H, V, seed=0, spectral_radius_hh=0.7)
    np.testing.assert_array_equal(p.b[H : 2 * H], 1.0)
    np.testing.assert_array_equal(p.b[:H], 0.0)
    for k in range(4):
        assert rnn.spectral_radius(p.W_h[k * H : (k + 1) * H]) == pytest.approx(0.7, rel=1e-12)


# ---------------------------------------------------------------------------- gradient checks


def _loss_fn(spec, arrays_, names, X, targets, mask, name):
    def loss():
        q = spec.params_type(**{k: arrays_[k] for k in names})
        state0 = (arrays_["h0"], arrays_["c0"]) if name == "lstm" else arrays_["h0"]
        tr = spec.forward(q, X, state0)
        return rnn.cross_entropy(tr.probs, targets, mask)[0]

    return loss


@pytest.mark.parametrize("name", GATED)
@pytest.mark.parametrize("batch", [None, 2])
@pytest.mark.parametrize("use_mask", [False, True])
def test_every_gradient_matches_central_differences(name, batch, use_mask):
    """dW_x, dW_h, db, dW_hy, db_y, dh0 (and dc0) against float64 finite differences, rel error <= 1e-6."""
    spec, p, X, targets, state0 = _setup(name, seed=3, batch=batch)
    mask = None
    if use_mask:
        mask = np.zeros(targets.shape)
        mask[-1] = 1.0
    names = tuple(p.as_dict())
    arrays_ = {k: v.copy() for k, v in p.as_dict().items()}
    if name == "lstm":
        arrays_["h0"], arrays_["c0"] = state0[0].copy(), state0[1].copy()
    else:
        arrays_["h0"] = state0.copy()
    loss = _loss_fn(spec, arrays_, names, X, targets, mask, name)
    tr = spec.forward(p, X, state0)
    _, dlogits = rnn.cross_entropy(tr.probs, targets, mask)
    g = spec.backward(p, tr, dlogits)
    checked = [*names, "h0"] + (["c0"] if name == "lstm" else [])
    for k in checked:
        num = numeric_grad(loss, arrays_[k])
        assert getattr(g, "d" + k).shape == num.shape, k
        assert rel_error(getattr(g, "d" + k), num) <= 1e-6, k
    assert np.abs(g.params_dict()["dW_h"]).max() > 0


@pytest.mark.parametrize("name", GATED)
def test_dh_is_total_derivative_wrt_each_hidden_state(name):
    """dh[t-1] = dL/dh_t under a many-to-one loss: perturb h_t and re-run the remaining steps."""
    spec, p, X, targets, state0 = _setup(name, seed=4)
    mask = np.zeros(T)
    mask[-1] = 1.0
    tr = spec.forward(p, X, state0)
    _, dlogits = rnn.cross_entropy(tr.probs, targets, mask)
    g = spec.backward(p, tr, dlogits)
    for t in range(1, T + 1):
        h_t = tr.hs[t].copy()
        c_t = tr.cs[t] if name == "lstm" else None

        def loss_from_t():
            if t == T:
                return rnn.cross_entropy(rnn.softmax(h_t @ p.W_hy.T + p.b_y)[None], targets[-1:])[0]
            rest = spec.forward(p, X[t:], (h_t, c_t) if name == "lstm" else h_t)
            return rnn.cross_entropy(rest.probs[-1:], targets[-1:])[0]

        assert rel_error(g.dh[t - 1], numeric_grad(loss_from_t, h_t)) <= 1e-6, t


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(["rnn", *GATED]), seed=st.integers(0, 2**31 - 1), max_norm=st.floats(1e-3, 10))
def test_clipping_caps_the_norm_for_every_cell(name, seed, max_norm):
    spec = cells.CELLS[name]
    p = spec.init(D, H, V, seed=seed, scale=2.0)
    X = np.random.default_rng(seed).standard_normal((T, D))
    tr = spec.forward(p, X)
    _, dl = rnn.cross_entropy(tr.probs, np.zeros(T, int))
    g = spec.backward(p, tr, dl)
    clipped, norm = rnn.clip_grad_norm(g, max_norm)
    assert norm == pytest.approx(rnn.global_norm(g.params_dict().values()))
    assert rnn.global_norm(clipped.params_dict().values()) <= max(min(norm, max_norm) * (1 + 1e-9), 0)
    np.testing.assert_array_equal(clipped.dh, g.dh)
