"""AppTest of the step-through explorer: the run is sent once to the player (a frameless component that steps in
the browser); its payload carries the library's numbers for every step, in the chosen notation. What the browser
shows of it, step by step, is tested in tests/browser/test_explorer.py."""

import numpy as np
import pytest

from tests.app.explorer_page import PAGE, RANDOM, _all_text, player
from visualizer.data import encoding
from visualizer.labs.explorer import bptt, explore, gates
from visualizer.nn import rnn
from visualizer.plots import tex as tx
from visualizer.ui.player import reported_position

TEXT = "the united states of america"


def _library(cell: str = "rnn") -> explore.Unroll:
    enc = encoding.encode_text(TEXT, "words", "onehot")
    return explore.unroll(cell, enc, explore.make_params(cell, enc, 6, seed=0))


def test_the_player_gets_the_whole_run_once(run_page):
    at = run_page(PAGE, RANDOM)
    assert not at.exception
    d = player(at)
    assert d["T"] == 5 and d["step"] == 1 and d["phase"] == "forward"
    assert [s["head"] for s in d["steps"]] == [f"Step {t} of 5:" for t in range(1, 6)]
    assert d["steps"][3]["rest"] == "the network reads x_4 = “of” and should predict “america” next."
    u = _library()
    for t in range(1, 6):  # every step's numbers are the library's
        np.testing.assert_allclose(d["steps"][t - 1]["h"], u.trace.hs[t], rtol=1e-5)
    assert not at.get("plotly_chart") and not at.get("component_instance")  # no chart frames left on the page
    (howto,) = [m.value for m in at.markdown if m.value.startswith("**The chain.**")]  # the popover
    assert "**The hidden states.**" in howto and "random (untrained)" in howto


def test_a_rerun_sends_the_same_payload(run_page):
    at = run_page(PAGE, RANDOM)
    first = player(at)
    at.run()
    assert player(at) == first  # same seed and settings: the same picture, and the browser keeps its step


def test_url_step_and_phase_open_there_and_large_steps_clamp(run_page):
    d = player(run_page(PAGE, {**RANDOM, "step": "3"}))
    assert d["step"] == 3
    d = player(run_page(PAGE, {**RANDOM, "step": "99", "phase": "backward"}))
    assert d["step"] == 5 and d["phase"] == "backward"


def test_bad_url_params_fall_back_with_notice(run_page):
    at = run_page(PAGE, {**RANDOM, "step": "abc", "hidden": "999", "notation": "z", "fold": "9", "phase": "sideways"})
    assert not at.exception
    assert any("defaults" in w.value for w in at.warning)
    assert player(at)["step"] == 1 and player(at)["phase"] == "forward"


def test_typing_a_new_sequence_sends_a_new_run_and_keeps_the_step_in_range(run_page):
    at = run_page(PAGE, {**RANDOM, "step": "5"})
    before = player(at)["id"]
    at.text_area[0].set_value("cats chase mice").run()
    d = player(at)
    assert d["tokens"] == ["cats", "chase", "mice"] and d["step"] == 3 and d["id"] != before


def test_one_token_has_one_step_and_no_loss(run_page):
    d = player(run_page(PAGE, {**RANDOM, "text": "hello"}))
    assert d["T"] == 1 and d["steps"][0]["loss"] is None and d["backward_start"] == 1
    assert "no loss" in d["steps"][0]["rest"]


def test_the_backward_pass_carries_the_library_gradients(run_page):
    d = player(run_page(PAGE, {**RANDOM, "phase": "backward", "step": "4"}))
    assert d["backward_start"] == 4  # step 5 predicts nothing: the pass opens on step 4
    enc = encoding.encode_text(TEXT, "words", "onehot")
    params = rnn.init_params(enc.X.shape[1], 6, len(enc.vocab), seed=0)
    trace = rnn.forward(params, enc.X)
    ref = rnn.backward(params, trace, bptt.next_token_loss(trace, enc.ids).dout)
    s4 = d["steps"][3]
    assert s4["dh"] == pytest.approx(np.linalg.norm(ref.dh[3]), rel=1e-5)
    back = "".join(s4["eq"]["back"])
    assert f"<mn>{tx.num(np.linalg.norm(ref.dh[3]), 3)}</mn>" in back
    assert s4["back_head"] == "Step 4 of 5, backward:" and "enters at ŷ_4" in s4["back_rest"]
    assert "predicts nothing" in d["steps"][4]["back_rest"]


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_a_notation_leaves_no_h_symbols(run_page, cell):
    at = run_page(PAGE, {**RANDOM, "notation": "a", "cell": cell, "step": "3"})
    at.toggle(key="explorer_embedding_show").set_value(True).run()  # the views drawn on request too (the fold is
    # in the payload)
    assert not at.exception
    text = _all_text(at)
    for h in ("W_hh", "W_{hh}", "W_xh", "W_{xh}", "W_hy", "W_{hy}", "h_t", "h_(t-1)", "h_{3}", "dL/dh", "<mi>h</mi>"):
        assert h not in text, h
    assert "W_aa" in text


def test_notation_switch_sends_new_equations_and_changes_the_link(run_page):
    at = run_page(PAGE, RANDOM)
    assert player(at)["labels"]["h"] == "h"
    (radio,) = [r for r in at.radio if r.label == "Notation"]
    radio.set_value("a").run()
    assert player(at)["labels"]["h"] == "a" and "⟨" in "".join(player(at)["steps"][0]["eq"]["h"])
    assert at.query_params["notation"] == "a"


def test_no_internal_names_anywhere(run_page):
    for params in ({}, {"notation": "a"}, {"phase": "backward"}, {"cell": "gru"}, RANDOM):
        text = _all_text(run_page(PAGE, params)).lower()
        assert "seed 00" not in text and "seed 003" not in text


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_each_gated_cell_sends_its_gates_with_the_forward_numbers(run_page, cell):
    d = player(run_page(PAGE, {**RANDOM, "cell": cell, "step": "2"}))
    u = _library(cell)
    step = gates.cell_step(cell, u.trace, 2)
    sent = d["steps"][1]["gates"]
    for g, bar in zip(step.gates, sent, strict=True):
        np.testing.assert_allclose(bar["values"], g.values, rtol=1e-5)
    if cell == "lstm":
        f = next(b for b in sent if b["key"] == "f")
        assert f"kept {gates.percent(step.gate('f').values)} % of the memory" in f["said"]
        assert d["heat"]["c"] is not None
    else:
        assert "Cho et al. (2014)" in d["labels"]["variant"]


def test_the_browser_report_of_the_step_is_trusted_only_when_well_formed():
    assert reported_position({"step": 3, "phase": "backward", "run": "x"}, 5) == (3, "backward")
    assert reported_position({"step": 99, "phase": "forward"}, 5) == (5, "forward")
    assert reported_position({"step": 0, "phase": "forward"}, 5) == (1, "forward")
    for bad in (None, "3", {"step": "3", "phase": "forward"}, {"step": True, "phase": "forward"}, {"step": 2}):
        assert reported_position(bad, 5) is None
