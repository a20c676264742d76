"""AppTest of the step-through explorer: stepping forward and backward, the hidden future, notation everywhere,
the three cells gate by gate."""

import numpy as np
import pytest

from tests.app.conftest import latex_blocks, live_charts
from tests.app.explorer_page import (
    PAGE,
    RANDOM,
    _all_text,
    _button,
    _chain,
    _chain_step,
    _chart,
    _charts,
    _heatmap_box,
    _labels,
    _latex,
    _slider,
    _step_text,
    _trace,
)
from visualizer.data import encoding
from visualizer.labs.explorer import bptt, explore, gates
from visualizer.nn import rnn
from visualizer.plots import tex as tx

# ---------------------------------------------------------------------------- stepping forward


def test_default_view_draws_the_step_views_at_step_one(run_page):
    at = run_page(PAGE, RANDOM)
    assert not at.exception
    titles = [s["layout"]["title"]["text"] for s in _charts(at)]
    assert any(t.startswith("The unrolled chain") for t in titles)
    assert any(t.startswith("ŷ_1") for t in titles)
    assert any(t.startswith("Hidden state") for t in titles)
    assert _chain_step(at) == 1 and _heatmap_box(at) == 1
    assert "h_{1} = \\tanh" in _latex(at)
    assert _step_text(at).startswith("**Step 1 of 5:**")
    (howto,) = [m.value for m in at.markdown if m.value.startswith("**The chain.**")]  # in the player's popover
    assert "**The hidden states.**" in howto and "random (untrained)" in howto
    assert any("random (untrained)" in c.value for c in at.caption)


def test_the_future_is_hidden_while_stepping_forward(run_page):
    at = run_page(PAGE, {**RANDOM, "step": "2"})
    chain = _chain(at)
    assert _labels(chain, "x_t") == ["the", "united"]
    assert len(_labels(chain, "ŷ_t")) == 2 and _labels(chain, "ŷ_t")[1].startswith("→ ")
    (cover,) = [s for s in chain["layout"]["shapes"] if s.get("name") == "not reached yet"]
    assert cover["x0"] == 2.5 and cover["layer"] == "above" and chain["revealed_x"][1] == 2.5
    assert sum(s.get("name") == "not read yet" for s in chain["layout"]["shapes"]) == 3 * 3  # steps 3..5
    heat = _chart(at, "Hidden state")
    (cover,) = [s for s in heat["layout"]["shapes"] if s.get("name") == "not reached yet"]
    assert (cover["x0"], cover["x1"], cover["layer"]) == (1.5, 4.5, "above")  # steps 3..5 covered
    assert heat["layout"]["xaxis"]["ticktext"][2:] == ["3. ·", "4. ·", "5. ·"]  # the future's tokens unnamed
    assert heat["revealed_x"] == [-0.5, 1.5] and "meta" not in heat["layout"]  # the frame's, not Plotly's
    _button(at, "Next ▶").click().run()
    assert _labels(_chain(at), "x_t") == ["the", "united", "states"]
    assert _chain(at)["data"] == chain["data"]  # stepping forward moves the layout only
    after = _chart(at, "Hidden state")
    assert after["revealed_x"] == [-0.5, 2.5] and after["data"] == heat["data"]  # only the cover moved


def test_buttons_step_clamp_and_disable_at_the_ends(run_page):
    at = run_page(PAGE, RANDOM)
    assert _button(at, "◀ Back").disabled and _button(at, "|◀ First").disabled
    _button(at, "Next ▶").click().run()
    assert _chain_step(at) == 2 and _heatmap_box(at) == 2 and _slider(at).value == 2
    assert at.query_params["step"] == "2"
    assert "h_{2} = \\tanh" in _latex(at)
    _button(at, "Last ▶|").click().run()
    assert _chain_step(at) == 5
    assert _button(at, "Next ▶").disabled and _button(at, "Last ▶|").disabled
    _button(at, "◀ Back").click().run()
    assert _chain_step(at) == 4 and not at.exception


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
@pytest.mark.parametrize("phase", ["forward", "backward"])
def test_a_step_redraws_the_same_charts_in_place(run_page, cell, phase):
    """Each step view keeps its identity across steps (the browser redraws it in place, it does not build a
    new chart), while what it shows moves to the new step."""
    at = run_page(PAGE, {**RANDOM, "cell": cell, "phase": phase, "step": "5" if phase == "backward" else "1"})
    before = live_charts(at)
    ids = [c.proto.id for c in at.get("component_instance")]
    tex_before = latex_blocks(at)
    assert "explorer_chain" in before and len(before) >= 2
    assert any(i.endswith("explorer_equations") for i in ids) and not at.get("latex")  # the live equations
    _button(at, "Next ▶").click().run()
    after = live_charts(at)
    assert [c.proto.id for c in at.get("component_instance")] == ids
    assert latex_blocks(at) != tex_before  # the same equations block, with the new step's numbers
    assert after.keys() == before.keys()
    assert after["explorer_chain"]["spec"] != before["explorer_chain"]["spec"]
    assert after["explorer_chain"]["clickable"] and not any(
        a["clickable"] for k, a in after.items() if k != "explorer_chain"
    )
    assert _chain_step(at) == (4 if phase == "backward" else 2)


def test_one_token_disables_next_and_last(run_page):
    at = run_page(PAGE, {**RANDOM, "text": "hello"})
    assert not at.exception
    assert all(_button(at, b).disabled for b in ("|◀ First", "◀ Back", "Next ▶", "Last ▶|"))
    assert any("One token" in c.value for c in at.caption)


def test_buttons_have_keyboard_shortcuts(run_page):
    at = run_page(PAGE, RANDOM)
    shortcuts = {b.label: b.proto.shortcut for b in at.button if b.label in ("Next ▶", "◀ Back", "|◀ First", "Last ▶|")}
    assert {k: v.lower() for k, v in shortcuts.items()} == {
        "|◀ First": "home",
        "◀ Back": "left",
        "Next ▶": "right",
        "Last ▶|": "end",
    }


def test_slider_scrubs(run_page):
    at = run_page(PAGE, RANDOM)
    _slider(at).set_value(4).run()
    assert _chain_step(at) == 4 and _heatmap_box(at) == 4
    assert "“of”" in _step_text(at) and "“america” next" in _step_text(at)


def test_url_step_opens_there_and_large_steps_clamp(run_page):
    at = run_page(PAGE, {**RANDOM, "step": "3"})
    assert _chain_step(at) == 3 and _slider(at).value == 3
    at = run_page(PAGE, {**RANDOM, "step": "99"})
    assert not at.exception and _chain_step(at) == 5


def test_bad_url_params_fall_back_with_notice(run_page):
    at = run_page(PAGE, {**RANDOM, "step": "abc", "hidden": "999", "notation": "z", "fold": "9", "phase": "sideways"})
    assert not at.exception
    assert any("defaults" in w.value for w in at.warning)
    assert _chain_step(at) == 1


def test_typing_a_new_sequence_redraws_and_keeps_the_step_in_range(run_page):
    at = run_page(PAGE, {**RANDOM, "step": "5"})
    at.text_area[0].set_value("cats chase mice").run()
    assert _trace(_chain(at), "x_t")["text"] == ["cats", "chase", "mice"]
    assert _chain_step(at) == 3


def test_long_sequence_uses_a_window(run_page):
    at = run_page(PAGE, {**RANDOM, "text": " ".join(f"w{i}" for i in range(40)), "step": "20"})
    assert "steps 13–24 of 40" in _chain(at)["layout"]["title"]["text"]  # the view turns half a page at a time
    assert _chain_step(at) == 20


def test_play_toggle_runs_without_error(run_page):
    at = run_page(PAGE, RANDOM)
    at.toggle(key="explorer_play").set_value(True).run()
    assert not at.exception and _chain_step(at) == 1  # a full rerun does not advance; the timer does
    at.toggle(key="explorer_play").set_value(False).run()
    assert not at.exception


# ---------------------------------------------------------------------------- the backward phase


def _phase(at, value: str):
    (seg,) = [w for w in at.get("button_group") if w.proto.label == "Pass"]
    return seg.set_value(value).run()


def test_phase_switch_starts_bptt_at_the_last_step_with_a_loss_with_the_library_numbers(run_page):
    at = run_page(PAGE, {**RANDOM, "step": "2"})
    _phase(at, "backward")
    assert not at.exception and at.query_params["phase"] == "backward"
    # step 5 predicts nothing (its loss and gradient are zero): the pass opens on step 4
    assert _chain_step(at) == 4 and _chain(at)["layout"]["title"]["text"].startswith("Backward")
    assert "backward" in _step_text(at)
    # The numbers on the page are the library's backward pass.
    enc = encoding.encode_text("the united states of america", "words", "onehot")
    params = rnn.init_params(enc.X.shape[1], 6, len(enc.vocab), seed=0)
    trace = rnn.forward(params, enc.X)
    ref = rnn.backward(params, trace, bptt.next_token_loss(trace, enc.ids).dout)
    tex = _latex(at)
    assert f"\\lVert \\delta_{{4}} \\rVert = {tx.num(np.linalg.norm(ref.dh[3]), 3)}" in tex
    for v in ref.dh[3]:
        assert tx.num(v) in tex
    norms = _chart(at, "The error per step")
    assert norms["data"][0]["y"][3] == pytest.approx(np.linalg.norm(ref.dh[3]))
    (cover,) = [s for s in norms["layout"]["shapes"] if s.get("name") == "not reached yet"]
    assert cover["x1"] == 3.5 and norms["revealed_x"][0] == 3.5  # steps 1..3 not reached yet: covered
    _button(at, "Next ▶").click().run()  # backward: Next goes one step back in time
    assert _chain_step(at) == 3
    _button(at, "Last ▶|").click().run()
    assert _chain_step(at) == 1 and "(the whole gradient)" in _latex(at)
    assert _button(at, "Next ▶").disabled
    _phase(at, "forward")
    assert _chain_step(at) == 1 and _chain(at)["layout"]["title"]["text"].startswith("The unrolled chain")


# ---------------------------------------------------------------------------- notation everywhere


@pytest.mark.parametrize("phase", ["forward", "backward"])
@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_a_notation_leaves_no_h_symbols(run_page, phase, cell):
    at = run_page(PAGE, {**RANDOM, "notation": "a", "phase": phase, "cell": cell, "step": "3"})
    at.toggle(key="explorer_fold_show").set_value(True)
    at.toggle(key="explorer_embedding_show").set_value(True).run()  # the views drawn on request too
    assert not at.exception
    text = _all_text(at)
    for h in ("W_hh", "W_{hh}", "W_xh", "W_{xh}", "W_hy", "W_{hy}", "h_t", "h_(t-1)", "h_{3}", "dL/dh"):
        assert h not in text, h
    assert "W_aa" in text or "W_{aa}" in text


def test_notation_toggle_changes_the_equations_and_the_link(run_page):
    at = run_page(PAGE, RANDOM)
    assert "W_{hh}" in _latex(at)
    (radio,) = [r for r in at.radio if r.label == "Notation"]
    radio.set_value("a").run()
    assert "W_{aa}" in _latex(at) and "W_{hh}" not in _latex(at)
    assert at.query_params["notation"] == "a"


def test_no_internal_names_anywhere(run_page):
    for params in ({}, {"notation": "a"}, {"phase": "backward"}, {"cell": "gru"}, RANDOM):
        text = _all_text(run_page(PAGE, params)).lower()
        assert "seed 00" not in text and "seed 003" not in text


# ---------------------------------------------------------------------------- gated cells


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_each_gated_cell_renders_with_its_cell_view_open(run_page, cell):
    at = run_page(PAGE, {**RANDOM, "cell": cell, "step": "2"})
    assert not at.exception
    name = "LSTM" if cell == "lstm" else "GRU"
    (exp,) = [e for e in at.expander if e.label.startswith(f"Inside the {name} cell")]
    assert exp.proto.expanded
    enc = encoding.encode_text("the united states of america", "words", "onehot")
    u = explore.unroll(cell, enc, explore.make_params(cell, enc, 6, seed=0))
    step = gates.cell_step(cell, u.trace, 2)
    bars = _chart(at, "The gates at step 2")
    for k, g in enumerate(step.gates):  # the bars are the forward pass's numbers
        assert np.allclose(_decode(bars["data"][k]["y"]), g.values, rtol=0, atol=0)
    said = " ".join(m.value for m in at.markdown)
    if cell == "lstm":
        assert f"kept {gates.percent(step.gate('f').values)} % of the memory" in said
        assert _chart(at, "Memory cell c_t")
    else:
        assert "Cho et al. (2014)" in " ".join(c.value for c in at.caption)
    _phase(at, "backward")
    assert not at.exception and _chain_step(at) == 4  # the last step with a loss
    assert ("\\partial c_{4}" in _latex(at)) == (cell == "lstm")


def _decode(y):
    """Plotly JSON carries NumPy arrays as base64 'bdata'."""
    if isinstance(y, dict) and "bdata" in y:
        import base64

        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"]))
    return np.asarray(y, dtype=float)
