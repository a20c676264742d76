"""Dot-product attention: weights are distributions, the backward pass is exact, and the task networks'
gradients (encoder through decoder and attention) match float64 central finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.gradcheck import numeric_grad, rel_error
from visualizer.nn import attention
from visualizer.nn import rnn
from visualizer.labs.sequences import seqnets
from visualizer.data.encoding import Vocab

H, V, S, T = 4, 5, 6, 3


def _setup(seed=0, batch=None):
    rng = np.random.default_rng(seed)
    p = attention.init_attention(H, V, seed=seed)
    p = attention.AttentionParams(**{k: v + rng.normal(0, 0.3, v.shape) for k, v in p.as_dict().items()})
    lead = () if batch is None else (batch,)
    Senc = rng.normal(0, 0.8, (S, *lead, H))
    Hd = rng.normal(0, 0.8, (T, *lead, H))
    targets = rng.integers(0, V, (T, *lead))
    return p, Senc, Hd, targets


@given(seed=st.integers(0, 10_000), batch=st.sampled_from([None, 1, 3]))
@settings(max_examples=30, deadline=None)
def test_weights_sum_to_one_per_output_step(seed, batch):
    p, Senc, Hd, _ = _setup(seed, batch)
    tr = attention.forward(p, Senc, Hd * 10)  # large scores: still a distribution
    assert tr.weights.shape == (T, *(() if batch is None else (batch,)), S)
    assert np.all(tr.weights >= 0)
    np.testing.assert_allclose(tr.weights.sum(-1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(tr.probs.sum(-1), 1.0, rtol=0, atol=1e-12)


def test_forward_by_hand():
    """One output step from the equations written out."""
    p, Senc, Hd, _ = _setup(3)
    tr = attention.forward(p, Senc, Hd)
    t = 1
    e = np.array([Hd[t] @ Senc[s] for s in range(S)])
    a = np.exp(e - e.max()) / np.exp(e - e.max()).sum()
    c = sum(a[s] * Senc[s] for s in range(S))
    h_att = np.tanh(p.W_c @ np.concatenate([c, Hd[t]]) + p.b_c)
    np.testing.assert_allclose(tr.weights[t], a, rtol=1e-12)
    np.testing.assert_allclose(tr.context[t], c, rtol=1e-12)
    np.testing.assert_allclose(tr.logits[t], p.W_hy @ h_att + p.b_y, rtol=1e-12)


def test_one_encoder_state_gets_all_the_weight():
    p, Senc, _, _ = _setup(1)
    tr = attention.forward(p, Senc, 50 * Senc[[2]] / np.linalg.norm(Senc[2]))
    assert np.argmax(tr.weights[0]) == 2


@pytest.mark.parametrize("batch", [None, 2])
def test_attention_backward_matches_finite_differences(batch):
    p, Senc, Hd, targets = _setup(7, batch)
    arrays = {k: v.copy() for k, v in p.as_dict().items()}
    inputs = {"S": Senc.copy(), "Hd": Hd.copy()}

    def loss():
        tr = attention.forward(attention.AttentionParams(**arrays), inputs["S"], inputs["Hd"])
        return rnn.cross_entropy(tr.probs, targets)[0]

    tr = attention.forward(p, Senc, Hd)
    _, dz = rnn.cross_entropy(tr.probs, targets)
    g = attention.backward(p, tr, dz)
    for name, arr in arrays.items():
        assert rel_error(getattr(g, "d" + name), numeric_grad(loss, arr)) < 1e-8, name
    assert rel_error(g.dS, numeric_grad(loss, inputs["S"])) < 1e-8
    assert rel_error(g.dHd, numeric_grad(loss, inputs["Hd"])) < 1e-8


def test_shape_mismatch_is_refused():
    p, Senc, Hd, _ = _setup()
    with pytest.raises(ValueError, match="do not match"):
        attention.forward(p, Senc[:, :2], Hd)


# ---------------------------------------------------------------------------- whole task networks


VIN = Vocab(("a", "b", "c", "<unk>"))
VOUT = Vocab(("<start>", "<end>", "x", "y"))


def _batch(kind, rng, B=2, S_len=4, T_len=3):
    src = rng.integers(0, len(VIN), (S_len, B))
    T_len = 1 if kind == "one_to_one" else (S_len if kind in ("many_to_one", "many_to_many") else T_len)
    if kind == "one_to_one":
        src = src[:1]
    tgt = rng.integers(0, len(VOUT), (T_len, B))
    mask = np.ones((T_len, B))
    if kind == "many_to_one":
        mask[:-1] = 0
    elif T_len > 1:
        mask[-1, 0] = 0  # a shorter output in the batch: padded and masked
    return seqnets.Batch(src, tgt, mask)


@pytest.mark.parametrize(
    "kind,attend",
    [
        ("one_to_one", False),
        ("one_to_many", False),
        ("many_to_one", False),
        ("many_to_many", False),
        ("encoder_decoder", False),
        ("encoder_decoder", True),
    ],
)
def test_task_network_gradients_match_finite_differences(kind, attend):
    rng = np.random.default_rng(11)
    model = seqnets.init_model(kind, VIN, VOUT, 3, attend=attend, seed=4)
    arrays = {
        k: v + rng.normal(0, 0.2, v.shape) if k.split(".")[1].startswith("b") else v.copy()
        for k, v in model.arrays().items()
    }
    batch = _batch(kind, rng)

    def loss():
        return seqnets.loss_and_grads(model.with_arrays(arrays), batch)[0]

    _, grads = seqnets.loss_and_grads(model.with_arrays(arrays), batch)
    assert set(grads) == set(arrays)
    for name, arr in arrays.items():
        num = numeric_grad(loss, arr)
        if np.max(np.abs(num)) < 1e-9:  # unused weights (the encoder's output layer, W_hh of one-to-one): 0
            np.testing.assert_array_equal(grads[name], 0.0)
            continue
        assert rel_error(grads[name], num) < 1e-7, name


def test_one_to_one_never_uses_the_loop():
    """One step from h_0 = 0: W_hh's gradient is exactly zero, so the network is feed-forward."""
    rng = np.random.default_rng(0)
    model = seqnets.init_model("one_to_one", VIN, VOUT, 3, seed=0)
    _, grads = seqnets.loss_and_grads(model, _batch("one_to_one", rng))
    np.testing.assert_array_equal(grads["enc.W_hh"], 0.0)
    assert np.any(grads["enc.W_xh"])
