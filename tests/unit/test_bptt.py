"""BPTT step by step: each step's numbers add up to rnn.backward, and to finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.gradcheck import numeric_grad, rel_error
from visualizer.labs.explorer import bptt
from visualizer.nn import cells
from visualizer.data import encoding
from visualizer.labs.explorer import gates
from visualizer.nn import rnn
from visualizer.nn import gated
from visualizer.content import gate_notes

D, H, V, T = 4, 5, 3, 6


def _setup(seed=0, activation="tanh", T=T):
    rng = np.random.default_rng(seed + 100)
    p = rnn.init_params(D, H, V, seed=seed)
    p = rnn.RNNParams(W_xh=p.W_xh, W_hh=p.W_hh, W_hy=p.W_hy, b_h=rng.normal(0, 0.3, H), b_y=rng.normal(0, 0.3, V))
    X = rng.standard_normal((T, D))
    ids = rng.integers(0, V, T)
    return p, X, ids


def _loss_of(p, X, ids, activation, kind="cross_entropy"):
    return bptt.next_token_loss(rnn.forward(p, X, activation=activation), ids, kind).total


@pytest.mark.parametrize("activation", rnn.ACTIVATIONS)
def test_steps_sum_to_backward(activation):
    p, X, ids = _setup(activation=activation)
    tr = rnn.forward(p, X, activation=activation)
    loss = bptt.next_token_loss(tr, ids)
    steps = bptt.backward_steps(p, tr, loss.dout)
    ref = rnn.backward(p, tr, loss.dout)
    # δ_t is the same recursion with the same operations: equal bit for bit.
    np.testing.assert_array_equal(steps.dh, ref.dh)
    np.testing.assert_array_equal(steps.dh0, ref.dh0)
    total = steps.total()
    for name in ("dW_hh", "dW_xh", "dW_hy", "db_h", "db_y"):
        np.testing.assert_allclose(total[name], getattr(ref, name), rtol=1e-12, atol=1e-14)
    # The running ‖∂L/∂W_hh‖ ends (at t = 1) at the full gradient's norm.
    assert steps.running_W_hh[0] == pytest.approx(np.linalg.norm(ref.dW_hh), rel=1e-12)


def test_delta_is_the_two_terms_of_the_equation():
    p, X, ids = _setup()
    tr = rnn.forward(p, X)
    steps = bptt.backward_steps(p, tr, bptt.next_token_loss(tr, ids).dout)
    for k in range(T):
        own = p.W_hy.T @ steps.e[k]
        future = np.zeros(H) if k == T - 1 else p.W_hh.T @ (steps.fprime[k + 1] * steps.dh[k + 1])
        np.testing.assert_allclose(steps.dh[k], own + future, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(steps.from_future[k], future, rtol=1e-12, atol=1e-15)
    assert np.all(steps.e[-1] == 0)  # the last step has no next token: no loss enters there


@pytest.mark.parametrize("kind", bptt.LOSSES)
def test_step_contributions_match_finite_differences(kind):
    p, X, ids = _setup(seed=3)
    if kind == "squared_error":
        p = rnn.init_params(1, H, 1, seed=3)
        X = np.random.default_rng(4).standard_normal((T, 1))
        ids = X[:, 0]  # predict the next value of the input itself
    tr = rnn.forward(p, X)
    total = bptt.backward_steps(p, tr, bptt.next_token_loss(tr, ids, kind).dout).total()
    arrays = {k: v.copy() for k, v in p.as_dict().items()}

    def loss():
        return _loss_of(rnn.RNNParams(**arrays), X, ids, "tanh", kind)

    for name, arr in arrays.items():
        num = numeric_grad(loss, arr)
        assert rel_error(total["d" + name], num) < 1e-7, name


def test_running_norm_grows_from_the_last_step():
    p, X, ids = _setup(seed=5)
    tr = rnn.forward(p, X)
    steps = bptt.backward_steps(p, tr, bptt.next_token_loss(tr, ids).dout)
    acc = np.zeros((H, H))
    for t in range(T, 0, -1):
        acc += steps.contribution(t)["dW_hh"]
        assert steps.running_W_hh[t - 1] == pytest.approx(np.linalg.norm(acc), rel=1e-12)


def test_squared_error_gradient():
    rng = np.random.default_rng(0)
    pred, y = rng.standard_normal((5, 1)), rng.standard_normal((5, 1))
    mask = np.array([1, 1, 0, 1, 1.0])
    loss, g = bptt.squared_error(pred, y, mask)
    assert loss == pytest.approx(0.5 * np.sum(mask[:, None] * (pred - y) ** 2))
    num = numeric_grad(lambda: bptt.squared_error(pred, y, mask)[0], pred)
    assert rel_error(g, num) < 1e-9


def test_regression_on_encoded_numbers():
    enc = encoding.encode_text("1, 3, 2, 5, 4, 6", "numbers", "embedding")
    p = rnn.init_params(1, 4, 1, seed=0)
    tr = rnn.forward(p, enc.X)
    loss = bptt.next_token_loss(tr, enc.X[:, 0], "squared_error")
    np.testing.assert_allclose(loss.targets[:-1, 0], enc.X[1:, 0])  # the next scaled value
    assert loss.terms[-1] == 0 and loss.total > 0


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gated_running_norm_ends_at_the_gradient(cell):
    spec = cells.CELLS[cell]
    p = spec.init(D, H, V, seed=2)
    rng = np.random.default_rng(1)
    X, ids = rng.standard_normal((T, D)), rng.integers(0, V, T)
    tr = spec.forward(p, X)
    back = bptt.gated_backward(cell, p, tr, bptt.next_token_loss(tr, ids).dout)
    assert back.running_W_h[0] == pytest.approx(np.linalg.norm(back.grads.dW_h), rel=1e-10)
    assert (back.dc_norm is not None) == (cell == "lstm")
    np.testing.assert_array_equal(back.dh, back.grads.dh)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(0, 10_000), st.sampled_from(rnn.ACTIVATIONS))
def test_property_any_length_sums_to_backward(length, seed, activation):
    p, X, ids = _setup(seed=seed, T=length)
    tr = rnn.forward(p, X, activation=activation)
    dout = bptt.next_token_loss(tr, ids).dout
    ref = rnn.backward(p, tr, dout)
    total = bptt.backward_steps(p, tr, dout).total()
    for name in ("dW_hh", "dW_xh", "dW_hy"):
        np.testing.assert_allclose(total[name], getattr(ref, name), rtol=1e-10, atol=1e-13)


# ---------------------------------------------------------------------------- gates


def _manual_lstm_step(p, x, h, c):
    Hs = p.hidden_size
    z = p.W_x @ x + p.W_h @ h + p.b
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    i, f, g, o = sig(z[:Hs]), sig(z[Hs : 2 * Hs]), np.tanh(z[2 * Hs : 3 * Hs]), sig(z[3 * Hs :])
    c_new = f * c + i * g
    return dict(i=i, f=f, g=g, o=o), c_new, o * np.tanh(c_new)


def test_lstm_gate_values_are_the_forward_numbers():
    spec = cells.CELLS["lstm"]
    p = spec.init(D, H, V, seed=4)
    X = np.random.default_rng(2).standard_normal((T, D))
    tr = spec.forward(p, X)
    for t in range(1, T + 1):
        step = gates.cell_step("lstm", tr, t)
        for k, key in enumerate("ifgo"):
            np.testing.assert_array_equal(step.gate(key).values, tr.gates[t - 1, k * H : (k + 1) * H])
        manual, c, h = _manual_lstm_step(p, X[t - 1], tr.hs[t - 1], tr.cs[t - 1])
        for key, v in manual.items():
            np.testing.assert_allclose(step.gate(key).values, v, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(step.c, c, rtol=1e-12)
        np.testing.assert_allclose(step.h, h, rtol=1e-12, atol=1e-15)


def test_gru_gate_values_are_the_forward_numbers_in_cho_variant():
    spec = cells.CELLS["gru"]
    p = spec.init(D, H, V, seed=4)
    X = np.random.default_rng(3).standard_normal((T, D))
    tr = spec.forward(p, X)
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    for t in range(1, T + 1):
        step = gates.cell_step("gru", tr, t)
        x, h = X[t - 1], tr.hs[t - 1]
        r = sig(p.W_x[:H] @ x + p.W_h[:H] @ h + p.b[:H])
        u = sig(p.W_x[H : 2 * H] @ x + p.W_h[H : 2 * H] @ h + p.b[H : 2 * H])
        n = np.tanh(p.W_x[2 * H :] @ x + p.W_h[2 * H :] @ (r * h) + p.b[2 * H :])  # reset before the matrix
        for key, v in dict(r=r, u=u, n=n).items():
            np.testing.assert_allclose(step.gate(key).values, v, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(step.h, u * h + (1 - u) * n, rtol=1e-12, atol=1e-15)


def test_gate_sentences_say_the_percentages():
    spec = cells.CELLS["lstm"]
    p = spec.init(D, H, V, seed=0)
    tr = spec.forward(p, np.random.default_rng(0).standard_normal((T, D)))
    step = gates.cell_step("lstm", tr, 2)
    s = gate_notes.gate_sentences(step, {"c_prev": "c⟨t-1⟩"})
    assert f"kept {gates.percent(step.gate('f').values)} % of the memory c⟨t-1⟩" in s["f"]
    g = gate_notes.gate_sentences(gates.cell_step("gru", cells.CELLS["gru"].forward(gated.gru_init(D, H, V), tr.X), 1))
    assert set(g) == {"r", "u", "n"} and "% from the candidate" in g["u"]
    with pytest.raises(ValueError):
        gates.cell_step("lstm", tr, T + 1)


# ---------------------------------------------------------------------------- the explorer's unroll


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize(
    "text,mode,rep", [("the cat sat on the mat", "words", "onehot"), ("1 3 2 5 4", "numbers", "embedding")]
)
def test_unroll_every_cell_and_mode(cell, text, mode, rep):
    from visualizer.labs.explorer import explore

    enc = encoding.encode_text(text, mode, rep)
    params = explore.make_params(cell, enc, 5, seed=1)
    u = explore.unroll(cell, enc, params)
    assert u.dh.shape == (enc.X.shape[0], 5) and u.running.shape == (enc.X.shape[0],)
    back = rnn.backward if cell == "rnn" else cells.CELLS[cell].backward
    grads = back(params, u.trace, u.loss.dout)
    np.testing.assert_allclose(u.dh, grads.dh, rtol=1e-12, atol=1e-15)
    if u.regression:
        assert params.output_size == 1 and len(u.predictions()) == enc.X.shape[0]
        np.testing.assert_allclose(u.predicted_values(), enc.values.unscale(u.trace.logits[:, 0]))
    else:
        assert explore.embedding_vectors(u).shape[0] == len(enc.vocab)
    assert (u.cs is not None) == (cell == "lstm")
