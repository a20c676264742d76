"""The explorer player's payload for stacked and bidirectional networks (plots.deep_player): every row's numbers
are deep_run's, the equations name the layer and the concatenation, the ← rows are marked complete (and really
have read the future: the test changes a later token), and the notices say what a shipped model lacks."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.content import deep_notes, deep_player_notes
from visualizer.labs.explorer import deep_bptt, deep_run
from visualizer.nn import deep
from visualizer.plots import deep_player

TEXT = "the united states of america"


def _run(cell="rnn", layers=2, bidirectional=False, text=TEXT, hidden=5, seed=0, mode="words", rep="onehot"):
    return deep_run.random_run(
        text, mode, rep, cell=cell, layers=layers, bidirectional=bidirectional, emb=4, hidden=hidden, seed=seed
    )


@pytest.mark.parametrize(("cell", "layers", "bidir"), [("rnn", 2, False), ("gru", 1, True), ("lstm", 3, True)])
def test_every_rows_numbers_are_the_runs(cell, layers, bidir):
    r = _run(cell, layers, bidir)
    d = deep_player.payload(r)
    dirs = 2 if bidir else 1
    assert [(x["layer"], x["dir"]) for x in d["deep"]["rows"]] == [
        (li + 1, dd) for li in range(layers) for dd in range(dirs)
    ]
    for i, (li, dd) in enumerate(deep_player.rows_of(r)):
        for t in range(1, r.T + 1):
            step = d["steps"][t - 1]
            np.testing.assert_allclose(step["rows"][i]["h"], r.hs[li][dd][t - 1], rtol=1e-5, atol=1e-12)
            assert step["rows"][i]["dh"] == pytest.approx(r.dh_norm[li, dd, t - 1], rel=1e-5)
        label, mat, full = d["heat"]["rows"][i]
        assert label == deep_notes.row_label(li, dd, dirs) and full == (dd == 1)
        np.testing.assert_allclose(mat, r.hs[li][dd], rtol=1e-5, atol=1e-12)
        key = "dW_hh" if cell == "rnn" else "dW_h"
        assert d["deep"]["wnorm"][i] == pytest.approx(np.linalg.norm(r.grads.layers[li][dd][key]), rel=1e-5)
    p = r.probs[1]
    assert d["steps"][1]["top"][0] == [r.enc.vocab.tokens[int(np.argmax(p))], pytest.approx(p.max(), rel=1e-5)]
    assert d["total_loss"] == pytest.approx(r.loss.total, rel=1e-5)


def test_the_equations_name_the_layer_and_the_concatenation():
    d = deep_player.payload(_run("rnn", 2, True))
    h = "".join(d["steps"][2]["eq"]["h"])
    # layer 2 reads o_t^[1] = [→h_t^[1]; ←h_t^[1]]; layer 1 reads x_t; the ← row runs from h_{t+1}
    assert h.count("<mi>o</mi>") >= 3 and "<mn>2</mn>" in h and "<mi>x</mi>" in h
    assert "<mo>←</mo>" in h and "<mo>→</mo>" in h and "<mo>+</mo><mn>1</mn>" in h
    y = "".join(d["steps"][2]["eq"]["y"])
    assert y.count("<mo>←</mo>") == 1 and "softmax" in y  # ŷ_t reads the top layer's [→h_t; ←h_t]
    one = "".join(deep_player.payload(_run("rnn", 2, False))["steps"][0]["eq"]["h"])
    assert "<mo>←</mo>" not in one and "<mi>o</mi>" not in one  # one direction: no arrows, no concatenation


def test_what_each_row_has_read_is_what_the_notes_say():
    """Change the last token: layer 1's → row does not move before it, every ← row moves at step 1, and so does
    layer 2's → row (it reads layer 1's ← row): the note says exactly that, and only with more than one layer."""
    a = _run("gru", 2, True)
    X = a.enc.X.copy()
    X[-1] = X[0]  # step 5 reads another token
    b = deep.forward(a.params, X)
    np.testing.assert_allclose(b.h(0, 0)[:4], a.hs[0][0][:4])  # layer 1 →, steps 1..4: unchanged
    assert not np.allclose(b.h(0, 1)[0], a.hs[0][1][0])  # layer 1 ←h_1 has read x_5
    assert not np.allclose(b.h(1, 0)[0], a.hs[1][0][0])  # layer 2 →h_1 reads ←h_1 of layer 1: it has read x_5
    assert "from layer 2 up" in deep_player_notes.backward_row_note(2)
    assert "from layer 2 up" not in deep_player_notes.backward_row_note(1)
    d = deep_player.payload(a)
    assert [full for _, _, full in d["heat"]["rows"]] == [False, True, False, True]
    assert deep_notes.leak_note(True) in d["deep"]["notes"]
    assert deep_player_notes.backward_row_note(2) in d["deep"]["notes"]
    assert deep_notes.leak_note(True) not in deep_player.payload(_run("gru", 2, False))["deep"]["notes"]


@pytest.mark.parametrize(
    ("cell", "layers", "bidir", "name", "exact"),
    [
        ("rnn", 2, False, "rnn2-words", True),
        ("rnn", 3, False, "rnn2-words", False),
        ("rnn", 2, True, "rnn2-words", False),
        ("lstm", 2, False, "lstm-words", False),
        ("lstm", 1, False, "lstm-words", True),
    ],
)
def test_the_notice_names_the_nearest_model_only_when_it_differs(cell, layers, bidir, name, exact):
    match = deep_run.nearest_model(cell, "words", layers, bidir)
    assert match.name == name and match.exact == exact
    notice = deep_notes.model_notice(match, "words")
    assert (notice is None) == exact
    if not exact:
        assert f"“{name}”" in notice and ("none is bidirectional" in notice) == bidir


def test_a_single_token_and_values_give_a_payload():
    one = deep_player.payload(_run("lstm", 2, True, text="hello"))
    assert one["T"] == 1 and one["steps"][0]["loss"] is None and one["backward_start"] == 1
    vals = deep_player.payload(_run("rnn", 2, True, text="1 2 3 4 3 2", mode="numbers", rep="embedding"))
    assert vals["regression"] and vals["steps"][0]["top"][0][1] is None


@settings(max_examples=12, deadline=None)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru"]),
    layers=st.integers(1, 3),
    bidir=st.booleans(),
    hidden=st.integers(1, 4),
    seed=st.integers(0, 50),
)
def test_payload_is_json_deterministic_and_shaped(cell, layers, bidir, hidden, seed):
    r = _run(cell, layers, bidir, text="a b c a b", hidden=hidden, seed=seed)
    d = deep_player.payload(r)
    again = deep_player.payload(_run(cell, layers, bidir, text="a b c a b", hidden=hidden, seed=seed))
    assert d["id"] == again["id"]  # same seed and settings: the same picture
    json.dumps(d, allow_nan=False)
    n_rows = layers * (2 if bidir else 1)
    assert len(d["deep"]["rows"]) == len(d["heat"]["rows"]) == len(d["deep"]["wnorm"]) == n_rows
    assert all(len(s["rows"]) == n_rows and len(s["rows"][0]["h"]) == hidden for s in d["steps"])


@settings(max_examples=10, deadline=None)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru"]), layers=st.integers(1, 3), bidir=st.booleans(), seed=st.integers(0, 30)
)
def test_the_running_weight_norms_end_at_the_exact_gradient(cell, layers, bidir, seed):
    """→ rows: the running sum over steps t..T is the whole ∂L/∂W_hh^[l] at t = 1; ← rows: over 1..t, whole at
    t = T (deep.backward's gradient, itself checked against finite differences in test_deep.py)."""
    r = _run(cell, layers, bidir, text="a b c a b b", hidden=3, seed=seed)
    run = deep_bptt.running_weight_norms(r)
    key = "dW_hh" if cell == "rnn" else "dW_h"
    for li in range(layers):
        assert run[li, 0, 0] == pytest.approx(np.linalg.norm(r.grads.layers[li][0][key]), rel=1e-9)
        if bidir:
            assert run[li, 1, -1] == pytest.approx(np.linalg.norm(r.grads.layers[li][1][key]), rel=1e-9)
    d = deep_player.payload(r)
    assert d["steps"][0]["rows"][0]["running"] == pytest.approx(run[0, 0, 0], rel=1e-5)


def test_the_running_norm_near_the_end_holds_only_the_last_terms():
    """Vanilla, one layer: step T predicts nothing (its term is 0), so the running sum at t = T − 1 is step
    T − 1's term alone, dz_(T-1) ⊗ h_(T-2) (the flip: a sum in the wrong direction would be the whole gradient)."""
    r = _run("rnn", 1, False, text="a b c a b", hidden=3)
    run = deep_bptt.running_weight_norms(r)
    hs = r.trace.cell_traces[0][0].hs  # h_0 … h_T
    T = r.T
    assert run[0, 0, T - 1] == 0.0
    dz = r.grads.dh[0][0][T - 2] * (1 - hs[T - 1] ** 2)  # backprop through tanh at t = T − 1
    assert run[0, 0, T - 2] == pytest.approx(np.linalg.norm(np.outer(dz, hs[T - 2])), rel=1e-9)
    assert run[0, 0, T - 2] < run[0, 0, 0]
