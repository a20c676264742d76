"""The vanilla RNN core: shapes, determinism, one step vs the unroll, exact gradients, properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tests.unit.gradcheck import numeric_grad, rel_error
from visualizer.nn import rnn

D, H, V, T = 4, 5, 3, 6


def _setup(seed=0, activation="tanh", batch=None, scale=1.0):
    rng = np.random.default_rng(seed + 100)
    p = rnn.init_params(D, H, V, seed=seed, scale=scale)
    # Non-zero biases so their gradients are exercised too.
    p = rnn.RNNParams(W_xh=p.W_xh, W_hh=p.W_hh, W_hy=p.W_hy, b_h=rng.normal(0, 0.3, H), b_y=rng.normal(0, 0.3, V))
    shape = (T, D) if batch is None else (T, batch, D)
    X = rng.standard_normal(shape)
    targets = rng.integers(0, V, shape[:-1])
    h0 = rng.normal(0, 0.5, shape[1:-1] + (H,))
    return p, X, targets, h0


def test_shapes_and_h0_at_index_zero():
    p, X, _, h0 = _setup()
    tr = rnn.forward(p, X, h0=h0)
    assert p.W_xh.shape == (H, D) and p.W_hh.shape == (H, H) and p.W_hy.shape == (V, H)
    assert p.b_h.shape == (H,) and p.b_y.shape == (V,)
    assert tr.pre.shape == (T, H) and tr.hs.shape == (T + 1, H)
    assert tr.logits.shape == (T, V) and tr.probs.shape == (T, V)
    np.testing.assert_array_equal(tr.hs[0], h0)


def test_batched_forward_matches_each_stream():
    p, X, _, h0 = _setup(batch=3)
    tr = rnn.forward(p, X, h0=h0)
    for b in range(3):
        single = rnn.forward(p, X[:, b], h0=h0[b])
        np.testing.assert_allclose(tr.hs[:, b], single.hs, rtol=1e-12, atol=1e-14)


def test_same_seed_same_weights_different_seed_different():
    a, b, c = (rnn.init_params(3, 7, 2, seed=s) for s in (5, 5, 6))
    for name in ("W_xh", "W_hh", "W_hy", "b_h", "b_y"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.W_hh, c.W_hh)


@pytest.mark.parametrize("radius", [0.1, 0.9, 1.0, 1.7])
def test_spectral_radius_is_set_exactly(radius):
    p = rnn.init_params(3, 16, 2, seed=1, spectral_radius_hh=radius)
    assert rnn.spectral_radius(p.W_hh) == pytest.approx(radius, rel=1e-12)


@pytest.mark.parametrize("activation", rnn.ACTIVATIONS)
def test_step_equals_forward_exactly(activation):
    p, X, _, h0 = _setup(activation=activation)
    tr = rnn.forward(p, X, h0=h0, activation=activation)
    h = h0
    for t in range(T):
        a, h, logits, probs = rnn.step(p, h, X[t], activation)
        np.testing.assert_array_equal(a, tr.pre[t])
        np.testing.assert_array_equal(h, tr.hs[t + 1])
        np.testing.assert_array_equal(logits, tr.logits[t])
        np.testing.assert_array_equal(probs, tr.probs[t])


def test_fused_input_agrees_to_rounding():
    p, X, _, _ = _setup()
    a, b = rnn.forward(p, X), rnn.forward(p, X, fused_input=True)
    np.testing.assert_allclose(a.hs, b.hs, rtol=1e-12, atol=1e-14)


def test_stacked_form_is_the_same_product():
    p, X, _, h0 = _setup()
    tr = rnn.forward(p, X, h0=h0)
    Wh = rnn.stacked_weights(p)
    assert Wh.shape == (H, H + D)
    for t in range(T):
        a = Wh @ rnn.stacked_input(tr.hs[t], X[t]) + p.b_h
        np.testing.assert_allclose(a, tr.pre[t], rtol=1e-12, atol=1e-14)


def test_softmax_is_stable_for_huge_logits():
    z = np.array([[1000.0, 1001.0, -1000.0], [-1e308, 0.0, 1e308]])
    p = rnn.softmax(z)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(-1), 1.0)
    np.testing.assert_allclose(p[0, :2], [1 / (1 + np.e), np.e / (1 + np.e)])


def test_cross_entropy_mask_many_to_one_counts_only_last_step():
    p, X, targets, _ = _setup()
    tr = rnn.forward(p, X)
    mask = np.zeros(T)
    mask[-1] = 1
    loss, dlogits = rnn.cross_entropy(tr.probs, targets, mask)
    assert loss == pytest.approx(-np.log(tr.probs[-1, targets[-1]]))
    assert np.all(dlogits[:-1] == 0)


# ---------------------------------------------------------------------------- gradient checks


@pytest.mark.parametrize("activation", rnn.ACTIVATIONS)
@pytest.mark.parametrize("batch", [None, 2])
@pytest.mark.parametrize("use_mask", [False, True])
def test_every_gradient_matches_central_differences(activation, batch, use_mask):
    """dW_xh, dW_hh, dW_hy, db_h, db_y, dh0 and every dh_t against float64 finite differences."""
    p, X, targets, h0 = _setup(seed=3, activation=activation, batch=batch)
    if activation == "relu":
        p = rnn.RNNParams(**{**p.as_dict(), "b_h": p.b_h + 0.4})  # keep units away from the kink
    mask = None
    if use_mask:
        mask = np.zeros(targets.shape)
        mask[-1] = 1.0
    arrays_ = {**{k: v.copy() for k, v in p.as_dict().items()}, "h0": h0.copy()}

    def loss():
        q = rnn.RNNParams(**{k: arrays_[k] for k in ("W_xh", "W_hh", "W_hy", "b_h", "b_y")})
        tr = rnn.forward(q, X, h0=arrays_["h0"], activation=activation)
        return rnn.cross_entropy(tr.probs, targets, mask)[0]

    tr = rnn.forward(p, X, h0=h0, activation=activation)
    _, dlogits = rnn.cross_entropy(tr.probs, targets, mask)
    g = rnn.backward(p, tr, dlogits)
    for name in ("W_xh", "W_hh", "W_hy", "b_h", "b_y", "h0"):
        num = numeric_grad(loss, arrays_[name])
        assert rel_error(getattr(g, "d" + name), num) <= 1e-6, name


@pytest.mark.parametrize("activation", rnn.ACTIVATIONS)
def test_dh_is_total_derivative_wrt_each_hidden_state(activation):
    """dh[t-1] = dL/dh_t: perturb h_t mid-unroll and re-run the remaining steps."""
    p, X, targets, h0 = _setup(seed=4, activation=activation)
    if activation == "relu":
        p = rnn.RNNParams(**{**p.as_dict(), "b_h": p.b_h + 0.4})
    tr = rnn.forward(p, X, h0=h0, activation=activation)
    _, dlogits = rnn.cross_entropy(tr.probs, targets)
    g = rnn.backward(p, tr, dlogits)
    for t in range(1, T + 1):
        h_t = tr.hs[t].copy()

        def loss_from_t():
            rest = rnn.forward(p, X[t:], h0=h_t, activation=activation)
            head = rnn.cross_entropy(tr.probs[: t - 1], targets[: t - 1])[0] if t > 1 else 0.0
            logits_t = h_t @ p.W_hy.T + p.b_y
            here = rnn.cross_entropy(rnn.softmax(logits_t)[None], targets[t - 1 : t])[0]
            tail = rnn.cross_entropy(rest.probs, targets[t:])[0] if t < T else 0.0
            return head + here + tail

        assert rel_error(g.dh[t - 1], numeric_grad(loss_from_t, h_t)) <= 1e-6


def test_backward_does_not_clip_large_gradients():
    p, X, targets, _ = _setup(seed=2, scale=4.0)
    tr = rnn.forward(p, X, activation="linear")
    _, dl = rnn.cross_entropy(tr.probs, targets)
    g = rnn.backward(p, tr, dl)
    clipped, norm = rnn.clip_grad_norm(g, 1e-3)
    assert rnn.global_norm(g.params_dict().values()) == pytest.approx(norm)
    assert norm > 1e-3
    assert rnn.global_norm(clipped.params_dict().values()) == pytest.approx(1e-3)


def test_overflow_is_flagged_not_raised():
    p = rnn.init_params(2, 8, 2, seed=0, scale=5.0, spectral_radius_hh=50.0)
    tr = rnn.forward(p, np.ones((400, 2)), activation="linear")
    assert tr.overflowed


# ---------------------------------------------------------------------------- properties

weights = st.floats(-3, 3, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    scale=st.floats(0.05, 5.0),
    T_=st.integers(1, 30),
    activation=st.sampled_from(rnn.ACTIVATIONS),
    x=st.floats(-10, 10),
)
def test_probs_sum_to_one_and_loss_nonnegative(seed, scale, T_, activation, x):
    p = rnn.init_params(3, 6, 4, seed=seed, scale=scale)
    tr = rnn.forward(p, np.full((T_, 3), x), activation=activation)
    if tr.overflowed:
        return
    np.testing.assert_allclose(tr.probs.sum(-1), 1.0, rtol=1e-12)
    assert np.all(tr.probs >= 0)
    loss, _ = rnn.cross_entropy(tr.probs, np.zeros(T_, int))
    assert loss >= 0


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    scale=st.floats(0.05, 5.0),
    X=arrays(np.float64, (12, 3), elements=st.floats(-50, 50)),
)
def test_tanh_hidden_states_inside_unit_interval(seed, scale, X):
    """|h| < 1 wherever float64 can tell: tanh(a) rounds to exactly 1 only once |a| > ~19."""
    p = rnn.init_params(3, 6, 2, seed=seed, scale=scale)
    tr = rnn.forward(p, X, activation="tanh")
    assert np.all(np.abs(tr.hs) <= 1)
    unsaturated = np.abs(tr.pre) < 18
    assert np.all(np.abs(tr.hs[1:][unsaturated]) < 1)


@settings(max_examples=80, deadline=None)
@given(g=arrays(np.float64, (5, 4), elements=weights), max_norm=st.floats(0.01, 100))
def test_clipping_keeps_direction_and_caps_norm(g, max_norm):
    grads = rnn.RNNGrads(dW_xh=g, dW_hh=g[:4, :4] * 2, dW_hy=g[:2], db_h=g[0], db_y=g[1, :2], dh0=g[0], dh=g)
    clipped, norm = rnn.clip_grad_norm(grads, max_norm)
    new = rnn.global_norm(clipped.params_dict().values())
    assert new <= max_norm * (1 + 1e-9) or norm <= max_norm
    if norm > 0:
        for k in grads.PARAM_NAMES:  # same direction: a positive multiple of the original
            np.testing.assert_allclose(
                getattr(clipped, k), getattr(grads, k) * min(1.0, max_norm / norm), rtol=1e-12, atol=1e-300
            )
    np.testing.assert_array_equal(clipped.dh, grads.dh)
