"""The player's payload carries the library's numbers for every step, once, as JSON."""

import json

import numpy as np
import pytest

from visualizer.content import player_notes
from visualizer.data import encoding
from visualizer.labs.explorer import explore, gates
from visualizer.plots import player
from visualizer.plots.notation import at


def _run(cell: str, text: str = "the cat sat on the mat", mode: str = "words", rep: str = "onehot", hidden: int = 5):
    enc = encoding.encode_text(text, mode, rep, embed_dim=3, seed=0)
    return explore.unroll(cell, enc, explore.make_params(cell, enc, hidden, seed=2))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_every_step_carries_the_trace_numbers(cell):
    u = _run(cell)
    d = player.payload(u)
    json.dumps(d, allow_nan=False)  # sent as JSON: no NaN, no numpy types
    assert d["T"] == u.T == len(d["steps"])
    for t, s in enumerate(d["steps"], start=1):
        assert s["t"] == t and s["token"] == u.enc.tokens[t - 1]
        np.testing.assert_allclose(s["h"], u.trace.hs[t], rtol=1e-5, atol=1e-12)
        np.testing.assert_allclose(s["x"], u.trace.X[t - 1], rtol=1e-5)
        np.testing.assert_allclose(s["dh"], u.dh_norm[t - 1], rtol=1e-5)
        np.testing.assert_allclose(s["running"], u.running[t - 1], rtol=1e-5)
        if cell == "lstm":
            np.testing.assert_allclose(s["c"], u.cs[t], rtol=1e-5, atol=1e-12)
            np.testing.assert_allclose(s["dc"], u.gated.dc_norm[t - 1], rtol=1e-5)
        else:
            assert s["c"] is None
        if t < u.T:
            assert s["next"] == u.enc.tokens[t]
            np.testing.assert_allclose(s["loss"], u.loss.terms[t - 1], rtol=1e-5)
        else:
            assert s["next"] is None and s["loss"] is None  # the last step predicts nothing
        best = int(np.argmax(u.trace.probs[t - 1]))
        assert s["top"][0][0] == u.enc.vocab.tokens[best]
        np.testing.assert_allclose(s["top"][0][1], u.trace.probs[t - 1, best], rtol=1e-5)
        assert [p for _, p in s["top"]] == sorted((p for _, p in s["top"]), reverse=True)
        if cell != "rnn":
            step = gates.cell_step(cell, u.trace, t)
            for g, bar in zip(step.gates, s["gates"], strict=True):
                assert bar["key"] == g.key
                np.testing.assert_allclose(bar["values"], g.values, rtol=1e-5, atol=1e-12)
        for key in ("x", "h", "y", "back") + (("c",) if cell == "lstm" else ()):
            assert s["eq"][key] and all(m.startswith("<math") for m in s["eq"][key])
    np.testing.assert_allclose(np.array(d["heat"]["h"], dtype=float), u.trace.hs[1:], rtol=1e-5, atol=1e-12)
    assert d["backward_start"] == u.backward_start
    np.testing.assert_allclose(d["total_loss"], u.loss.total, rtol=1e-5)


def test_the_equations_carry_this_steps_numbers():
    u = _run("rnn")
    d = player.payload(u)
    for t in (1, 3):
        h = "".join(d["steps"][t - 1]["eq"]["h"])
        for v in u.trace.hs[t][:3]:
            assert f"<mn>{abs(v):.2f}</mn>" in h or f"{v:.2f}" == "-0.00"


def test_running_loss_sentence_adds_the_steps_so_far():
    u = _run("rnn")
    d = player.payload(u)
    for t in range(1, u.T):
        assert d["steps"][t - 1]["loss_sum"].endswith(f"= {float(np.sum(u.loss.terms[:t])):.3f}")
    assert d["steps"][-1]["loss_sum"] == d["steps"][-2]["loss_sum"].replace(f"1–{u.T - 1}", f"1–{u.T}")


def test_the_loss_sum_sentence_flips_when_no_step_has_a_loss():
    assert "no step has a loss yet" in player_notes.loss_sum(1, 0.0, 0)
    assert player_notes.loss_sum(3, 1.23456, 2) == "L so far = L_1 + … + L_2 = 1.235"
    assert player_notes.loss_sum(2, 0.5, 1) == "L so far = L_1 = 0.500"


def test_headline_names_the_next_token_except_at_the_last_step():
    sym = lambda b, k: at(b, k, "h")  # noqa: E731
    assert player_notes.forward_headline(2, 5, "cat", "sat", sym, regression=False) == (
        "Step 2 of 5:",
        "the network reads x_2 = “cat” and should predict “sat” next.",
    )
    head, rest = player_notes.forward_headline(5, 5, "mat", None, sym, regression=False)
    assert head == "Step 5 of 5:" and "the last token" in rest and "no loss" in rest


def test_same_run_same_payload_and_a_new_run_a_new_id():
    a, b = player.payload(_run("lstm")), player.payload(_run("lstm"))
    assert a == b  # same seed and settings: the same picture
    c = player.payload(_run("lstm", text="the cat sat on a mat"))
    assert c["id"] != a["id"]
    assert player.payload(_run("lstm"), step=99)["step"] == a["T"]  # the opening step is clamped


def test_notation_a_labels_and_equations():
    d = player.payload(_run("rnn"), notation="a")
    assert d["labels"]["h"] == "a"
    assert "W_aa" in d["labels"]["stacked"] and "W_hh" not in d["labels"]["stacked"]
    assert "⟨" in "".join(d["steps"][0]["eq"]["h"])


def test_regression_shows_the_guessed_value():
    u = _run("rnn", text="1, 3, 2, 5, 4", mode="numbers", rep="embedding")
    assert u.regression
    d = player.payload(u)
    guess = u.predicted_values()
    assert d["steps"][1]["top"] == [[f"{guess[1]:.4g}", None]]
    assert "½" in d["labels"]["loss"]


def test_compare_sends_the_second_sequence():
    enc, enc_b = encoding.encode_pair("the cat sat", "the dog sat down", "words", "onehot", seed=0)
    params = explore.make_params("rnn", enc, 4, seed=0)
    u, u_b = explore.unroll("rnn", enc, params), explore.unroll("rnn", enc_b, params)
    d = player.payload(u, u_b)
    assert d["heat"]["b"]["tokens"] == list(enc_b.tokens)
    np.testing.assert_allclose(np.array(d["heat"]["b"]["h"], dtype=float), u_b.trace.hs[1:], rtol=1e-5, atol=1e-12)


def test_non_finite_numbers_become_null():
    assert player._r(float("nan")) is None and player._r(float("inf")) is None
    assert player._r(1.23456789) == 1.23457
