"""AppTest of the step-through explorer: stepping forward and backward, the hidden future, notation everywhere,
the three cells gate by gate, numbers as values, typing, bad input, links, trained weights, downloads."""

import json
import re

import numpy as np
import pytest

from tests.app.conftest import figure_specs, latex_blocks, live_charts
from visualizer.data import encoding
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.explorer import bptt, explore, gates
from visualizer.nn import rnn
from visualizer.plots import equations

PAGE = "pages/1_Explorer.py"
RANDOM = {"weights": "random"}  # most tests check numbers of the seeded random weights


def _charts(at) -> list[dict]:
    return figure_specs(at)


def _chart(at, title_start: str) -> dict:
    (spec,) = [s for s in _charts(at) if s["layout"].get("title", {}).get("text", "").startswith(title_start)]
    return spec


def _chain(at) -> dict:
    (spec,) = [s for s in _charts(at) if re.match(r"(The unrolled chain|Backward)", s["layout"]["title"]["text"])]
    return spec


def _trace(spec: dict, prefix: str) -> dict:
    (tr,) = [t for t in spec["data"] if t.get("name", "").startswith(prefix)]
    return tr


def _labels(chain: dict, prefix: str) -> list[str]:
    """The labels of a row of the chain ("x_t": the tokens, "ŷ_t": the predictions) in the columns the spec
    marks as revealed (`revealed_x`). That the browser hides the others is tested in the browser
    (tests/browser/test_explorer.py), not here."""
    trace = _trace(chain, prefix)
    hi = chain["revealed_x"][1]
    return [text for x, text in zip(trace["x"], trace["text"]) if x <= hi]


def _chain_step(at) -> int:
    """The step the unrolled chain outlines."""
    box = _chain(at)["layout"]["shapes"][0]
    return round((box["x0"] + box["x1"]) / 2)


def _heatmap_box(at) -> float:
    heat = _chart(at, "Hidden state")
    (box,) = [s for s in heat["layout"]["shapes"] if s.get("name") == "current step"]
    return box["x0"] + 1.5  # the outline spans step-1.5 .. step-0.5


def _step_text(at) -> str:
    (md,) = [m.value for m in at.markdown if m.value.startswith("**Step ")]
    return md


def _button(at, label):
    (b,) = [b for b in at.button if b.label == label]
    return b


def _slider(at, label="Time step t"):
    (s,) = [s for s in at.slider if s.label == label]
    return s


def _latex(at) -> str:
    return " ".join(latex_blocks(at))


def _all_text(at) -> str:
    """Everything the page says: text elements, widget labels and help, expander labels, chart JSON."""
    parts = [e.value for kind in ("markdown", "caption", "subheader", "title", "info") for e in at.get(kind)]
    parts += latex_blocks(at)
    parts += [e.label for e in at.expander]
    for kind in ("button", "radio", "slider", "toggle", "selectbox", "text_area", "text_input"):
        for w in at.get(kind):
            if w.label == "Notation":  # the switch itself names both notations
                continue
            parts += [str(w.label), str(getattr(w.proto, "help", ""))]
            parts += [str(o) for o in getattr(w, "options", [])]
    parts += [json.dumps(spec, ensure_ascii=False) for spec in figure_specs(at)]
    return "\n".join(parts)


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
    assert f"\\lVert \\delta_{{4}} \\rVert = {equations.num(np.linalg.norm(ref.dh[3]), 3)}" in tex
    for v in ref.dh[3]:
        assert equations.num(v) in tex
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


# ---------------------------------------------------------------------------- inputs


def test_numbers_are_values_and_the_task_is_regression(run_page):
    at = run_page(PAGE, {**RANDOM, "mode": "numbers", "text": "1, 3, 2, 5, 4", "repr": "embedding", "step": "2"})
    assert not at.exception and not at.error
    assert _chart(at, "ŷ_2 = ")["layout"]["title"]["text"].endswith("the guess for value 3 of the series")
    assert "softmax" not in _latex(at) and "scaled" in _latex(at)
    assert any("regression" in c.value for c in at.caption)
    assert _labels(_chain(at), "ŷ_t")[0].startswith("→ ")


def test_embedding_explains_its_size(run_page):
    at = run_page(PAGE, {**RANDOM, "repr": "embedding"})
    assert "E\\,o_w" in _latex(at)
    assert any("V = 5" in c.value and "3 numbers" in c.value for c in at.caption)
    at = run_page(PAGE, {**RANDOM, "repr": "embedding", "emb": "8"})
    assert any("saves nothing" in c.value for c in at.caption)


def test_embedding_view_pairs_similar_tokens(run_page):
    at = run_page(PAGE, RANDOM)
    assert not [c for c in at.get("plotly_chart") if "Each token's vector" in c.proto.spec]  # not built until asked
    at.toggle(key="explorer_embedding_show").set_value(True).run()
    assert at.toggle(key="explorer_embedding_show").label.startswith("Which tokens get similar vectors")
    assert _chart(at, "Each token's vector")
    (table,) = [m.value for m in at.markdown if m.value.startswith("| token | most similar token")]
    assert "| the |" in table


@pytest.mark.parametrize(
    "mode,text,tokens",
    [("chars", "abca", ["a", "b", "c", "a"]), ("numbers", "1, 2.5, 2.5", ["1", "2.5", "2.5"])],
)
def test_modes(run_page, mode, text, tokens):
    at = run_page(PAGE, {**RANDOM, "mode": mode, "text": text, "step": str(len(tokens))})
    assert not at.exception and not at.error
    assert _trace(_chain(at), "x_t")["text"] == tokens


@pytest.mark.parametrize(
    "params,message",
    [
        ({"text": "   "}, "empty"),
        ({"mode": "words", "text": "a " * 400}, "limit"),
    ],
)
def test_bad_input_shows_a_message(run_page, params, message):
    at = run_page(PAGE, params)
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert not at.get("plotly_chart")


def test_emoji_and_markup_are_shown_literally(run_page):
    at = run_page(PAGE, {**RANDOM, "text": "<script>alert(1)</script> 🙂", "mode": "words", "step": "99"})
    assert not at.exception and not at.error
    x = _trace(_chain(at), "x_t")["text"]
    assert x[:3] == ["<", "script", ">"] and "🙂" in x
    at = run_page(PAGE, {**RANDOM, "text": "<script>alert(1)</script> 🙂", "mode": "words"})
    assert "\\<" in _step_text(at) and "\\textless{}" in _latex(at)  # escaped: shown as '<', never markup
    for md in at.markdown:
        assert not (md.proto.allow_html and "script" in md.value)


def test_compare_draws_side_by_side_and_difference(run_page):
    at = run_page(PAGE, {**RANDOM, "compare": "the united kingdom of great britain", "step": "3"})
    assert not at.exception
    a, b = _chart(at, "A: your sequence"), _chart(at, "B: the second sequence")
    assert len(a["data"][0]["x"]) == 5 and len(b["data"][0]["x"]) == 6
    assert _chart(at, "Difference")["layout"]["shapes"]


# ---------------------------------------------------------------------------- the fold


def test_fold_uses_the_tokens_and_keeps_slider_and_text_together(run_page):
    at = run_page(PAGE, {**RANDOM, "text": "the cat sat"})
    assert not [c for c in at.get("plotly_chart") if "Move 5 of 5" in c.proto.spec]  # not built until asked
    at.toggle(key="explorer_fold_show").set_value(True).run()
    fold = _chart(at, "Move 5 of 5")
    labels = [t for tr in fold["data"] for t in (tr.get("text") or []) if isinstance(t, str)]
    assert "x_3 sat" in labels and not any(lab.strip() == "x_4" for lab in labels)
    _slider(at, "Move (of five)").set_value(2).run()
    assert _chart(at, "Move 2 of 5: merge the arrows")
    assert any("**Move 2: merge the arrows.**" in m.value for m in at.markdown)
    at.toggle(key="explorer_fold_play").set_value(True).run()
    assert not at.exception


# ---------------------------------------------------------------------------- weights and downloads


def test_trained_weights_of_any_cell_are_offered_and_used(run_page):
    at = run_page(PAGE, RANDOM)
    vocab = encoding.Vocab.build(list("the united states of america"))
    model = TrainedModel("gru", "chars", vocab, explore.cells.CELLS["gru"].init(len(vocab), 8, len(vocab), seed=3))
    at.session_state["trained_model"] = model
    at.run()
    (radio,) = [r for r in at.radio if r.label == "Weights"]
    radio.set_value("trained").run()
    assert not at.exception and not at.error
    assert any("your model from the Train page" in i.value and "GRU" in i.value for i in at.info)
    _slider(at).set_value(3).run()
    assert _trace(_chain(at), "x_t")["text"][:3] == ["t", "h", "e"]  # the model's character level
    assert [e for e in at.expander if e.label.startswith("Inside the GRU cell")]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_default_weights_are_the_story_model_of_the_chosen_cell(run_page, cell):
    at = run_page(PAGE, {"cell": cell, "step": "3"})
    assert not at.exception and not at.error
    kind = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}[cell]
    assert any("trained on the story" in i.value and kind in i.value for i in at.info)
    assert _chain_step(at) == 3
    if cell != "rnn":
        assert [e for e in at.expander if e.label.startswith(f"Inside the {kind} cell")]


def test_unknown_words_are_named(run_page):
    at = run_page(PAGE, {"text": "the zyxwv of america"})
    assert any("zyxwv" in i.value for i in at.info)


def test_trace_downloads_offered(run_page):
    at = run_page(PAGE, RANDOM)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "⬇ Trace as CSV" in labels and "⬇ Trace as JSON" in labels


def test_how_to_read_follows_the_pass_and_the_notation(run_page):
    at = run_page(PAGE, {**RANDOM, "phase": "backward", "notation": "a"})
    (howto,) = [m.value for m in at.markdown if m.value.startswith("**The chain.**")]
    assert "right to left" in howto and "**The error per step.**" in howto
    assert "W_aa" in howto and "W_hh" not in howto
    assert not any("How to read this" in c.value for c in at.caption)  # no per-view caption left in the steps


@pytest.mark.parametrize(
    "params",
    [
        {"cell": "rnn"},
        {"cell": "lstm"},
        {"cell": "gru", "phase": "backward"},
        {"cell": "rnn", "compare": "the kingdom of spain"},
        {"mode": "numbers", "text": "1, 3, 2, 5, 4", "repr": "embedding"},
        {"repr": "embedding"},
    ],
)
def test_live_charts_draw_only_what_the_cartesian_bundle_draws(run_page, params):
    """The live charts may load Plotly's 2-D bundle (tools/fetch_plotly_bundle.py): every trace they are
    sent must be of a type that bundle has, in every view the explorer can show."""
    from visualizer.ui.live_chart import CARTESIAN_TYPES

    at = run_page(PAGE, {**RANDOM, "step": "2", **params})
    assert not at.exception
    charts = live_charts(at)
    specs = [spec for a in charts.values() for row in json.loads(a["spec"])["rows"] for spec in row]
    types = {t.get("type", "scatter") for spec in specs for t in spec["data"]}
    assert charts and types and types <= CARTESIAN_TYPES, types
