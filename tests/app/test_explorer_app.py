"""AppTest of the step-through explorer: stepping, typing, mode switches, bad input, links, trained weights."""

import dataclasses
import json

import pytest

from visualizer.maths import encoding, rnn, train

PAGE = "pages/1_Explorer.py"


def _charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _chart(at, title_start: str) -> dict:
    (spec,) = [s for s in _charts(at) if s["layout"].get("title", {}).get("text", "").startswith(title_start)]
    return spec


def _chain_step(at) -> int:
    """The step the unrolled chain highlights (its orange h_t)."""
    chain = _chart(at, "The unrolled chain")
    (h,) = [t for t in chain["data"] if t.get("name", "").startswith("h_t")]
    (i,) = [k for k, c in enumerate(h["marker"]["color"]) if c == "#f58518"]
    return h["x"][i]


def _heatmap_box(at) -> float:
    heat = _chart(at, "Hidden state h_t over time")
    (box,) = heat["layout"]["shapes"]
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
    return " ".join(x.value for x in at.get("latex"))


def test_default_view_draws_every_view_at_step_one(run_page):
    at = run_page(PAGE)
    assert not at.exception
    titles = [s["layout"]["title"]["text"] for s in _charts(at)]
    assert titles[0].startswith("Move 5 of 5: unroll")
    assert any(t.startswith("The unrolled chain") for t in titles)
    assert any(t.startswith("ŷ_1") for t in titles)
    assert any(t.startswith("x_1") for t in titles)
    assert any(t.startswith("Hidden state") for t in titles)
    assert _chain_step(at) == 1 and _heatmap_box(at) == 1
    assert "h_{1} = \\tanh" in _latex(at)
    assert _step_text(at).startswith("**Step 1 of 5:**")
    assert any("How to read this" in c.value for c in at.caption)
    assert any("random (untrained)" in c.value for c in at.caption)


def test_buttons_step_and_clamp(run_page):
    at = run_page(PAGE)
    _button(at, "Next ▶").click().run()
    assert _chain_step(at) == 2 and _heatmap_box(at) == 2 and _slider(at).value == 2
    assert at.query_params["step"] == "2"
    assert "h_{2} = \\tanh" in _latex(at)
    _button(at, "Last ▶|").click().run()
    assert _chain_step(at) == 5
    _button(at, "Next ▶").click().run()
    assert _chain_step(at) == 5  # no step past the end
    _button(at, "◀ Back").click().run()
    assert _chain_step(at) == 4
    _button(at, "|◀ First").click().run()
    _button(at, "◀ Back").click().run()
    assert _chain_step(at) == 1 and not at.exception


def test_slider_scrubs(run_page):
    at = run_page(PAGE)
    _slider(at).set_value(4).run()
    assert _chain_step(at) == 4 and _heatmap_box(at) == 4
    assert "“of”" in _step_text(at) and "“america” next" in _step_text(at)


def test_url_step_opens_there_and_large_steps_clamp(run_page):
    at = run_page(PAGE, {"step": "3"})
    assert _chain_step(at) == 3 and _slider(at).value == 3
    at = run_page(PAGE, {"step": "99"})
    assert not at.exception and _chain_step(at) == 5


def test_bad_url_params_fall_back_with_notice(run_page):
    at = run_page(PAGE, {"step": "abc", "hidden": "999", "notation": "z", "fold": "9"})
    assert not at.exception
    assert any("defaults" in w.value for w in at.warning)
    assert _chain_step(at) == 1 and _chart(at, "Move 5")


def test_typing_a_new_sequence_redraws_and_keeps_the_step_in_range(run_page):
    at = run_page(PAGE, {"step": "5"})
    at.text_area[0].set_value("cats chase mice").run()
    chain = _chart(at, "The unrolled chain")
    (x,) = [t for t in chain["data"] if t.get("name", "").startswith("x_t")]
    assert x["text"] == ["cats", "chase", "mice"]
    assert _chain_step(at) == 3


def test_long_sequence_uses_a_window(run_page):
    at = run_page(PAGE, {"text": " ".join(f"w{i}" for i in range(40)), "step": "20"})
    assert "steps 14–25 of 40" in _chart(at, "The unrolled chain")["layout"]["title"]["text"]
    assert _chain_step(at) == 20


@pytest.mark.parametrize(
    "mode,text,tokens",
    [
        ("chars", "abca", ["a", "b", "c", "a"]),
        ("numbers", "1, 2.5, 2.5", ["1", "2.5", "2.5"]),
        ("words", "hi there", ["hi", "there"]),
    ],
)
def test_modes(run_page, mode, text, tokens):
    at = run_page(PAGE, {"mode": mode, "text": text})
    assert not at.exception and not at.error
    (x,) = [t for t in _chart(at, "The unrolled chain")["data"] if t.get("name", "").startswith("x_t")]
    assert x["text"] == tokens


def test_mode_radio_switches_to_characters(run_page):
    at = run_page(PAGE, {"text": "hey"})
    (radio,) = [r for r in at.radio if r.label == "Split into"]
    radio.set_value("chars").run()
    assert "Step 1 of 3" in _step_text(at)


def test_embedding_shows_E_times_one_hot(run_page):
    at = run_page(PAGE, {"repr": "embedding", "emb": "4"})
    assert "E\\,o_w" in _latex(at)
    spec = _chart(at, "x_1 = E·o_w")
    assert spec["layout"]["yaxis"]["title"]["text"] == "embedding dimension"
    (radio,) = [r for r in at.radio if r.label == "x_t is"]
    radio.set_value("onehot").run()
    assert "o_w = " in _latex(at) and "E\\,o_w" not in _latex(at)


def test_notation_toggle(run_page):
    at = run_page(PAGE)
    assert "W_{hh}" in _latex(at)
    (radio,) = [r for r in at.radio if r.label == "Notation"]
    radio.set_value("a").run()
    assert "W_{aa}" in _latex(at) and "W_{hh}" not in _latex(at)
    assert at.query_params["notation"] == "a"


def test_fold_slider_steps_through_the_five_moves(run_page):
    at = run_page(PAGE)
    fold = _slider(at, "Move (of five)")
    fold.set_value(2).run()
    assert _charts(at)[0]["layout"]["title"]["text"] == "Move 2 of 5: merge the arrows"
    assert any("**Move 2: merge the arrows.**" in m.value for m in at.markdown)


@pytest.mark.parametrize(
    "params,message",
    [
        ({"text": "   "}, "empty"),
        ({"mode": "numbers", "text": "1, two, 3"}, "not a number"),
        ({"mode": "words", "text": "a " * 400}, "limit"),
    ],
)
def test_bad_input_shows_a_message(run_page, params, message):
    at = run_page(PAGE, params)
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert not at.get("plotly_chart")


def test_emoji_and_markup_are_shown_literally(run_page):
    at = run_page(PAGE, {"text": "<script>alert(1)</script> 🙂", "mode": "words"})
    assert not at.exception and not at.error
    (x,) = [t for t in _chart(at, "The unrolled chain")["data"] if t.get("name", "").startswith("x_t")]
    assert x["text"][:3] == ["<", "script", ">"] and "🙂" in x["text"]
    assert "\\<" in _step_text(at)  # escaped for Markdown, so it shows as '<'
    assert "\\textless{}" in _latex(at)
    for md in at.markdown:
        assert not (md.proto.allow_html and "script" in md.value)


def test_compare_draws_side_by_side_and_difference(run_page):
    at = run_page(PAGE, {"compare": "the united kingdom of great britain", "step": "3"})
    assert not at.exception
    a, b = _chart(at, "A: your sequence"), _chart(at, "B: the second sequence")
    assert len(a["data"][0]["x"]) == 5 and len(b["data"][0]["x"]) == 6
    diff = _chart(at, "Difference")
    assert len(diff["data"][0]["x"]) == 5 and diff["layout"]["shapes"]
    assert any("vocabulary covers both" in c.value for c in at.caption)


def test_bad_compare_text_keeps_the_main_view(run_page):
    at = run_page(PAGE, {"mode": "numbers", "text": "1 2 3", "compare": "1 x"})
    assert any(e.value.startswith("Second sequence") for e in at.error)
    assert _chain_step(at) == 1
    assert not [s for s in _charts(at) if s["layout"]["title"]["text"].startswith("Difference")]


def _trained_entry() -> dict:
    vocab = encoding.Vocab.build(list("the united states of america"))
    params = rnn.init_params(len(vocab), 8, len(vocab), seed=3)
    return train.TrainedModel(**{"cell": "rnn", "params": params, "vocab": vocab, "level": "chars"})


def test_trained_weights_offered_only_when_present(run_page):
    at = run_page(PAGE, {"weights": "trained"})
    assert not at.exception
    assert not [r for r in at.radio if r.label == "Weights"]
    assert any("Train a vanilla RNN" in c.value for c in at.caption)

    at.session_state["trained_model"] = _trained_entry()
    at.run()
    (radio,) = [r for r in at.radio if r.label == "Weights"]
    radio.set_value("trained").run()
    assert not at.exception and not at.error
    assert any("Trained vanilla RNN" in i.value for i in at.info)
    (x,) = [t for t in _chart(at, "The unrolled chain")["data"] if t.get("name", "").startswith("x_t")]
    assert x["text"][:3] == ["t", "h", "e"]  # the model's character level, not the words setting
    assert any("trained weights" in c.value for c in at.caption)


def test_trained_lstm_is_explained_not_used(run_page):
    at = run_page(PAGE)
    at.session_state["trained_model"] = dataclasses.replace(_trained_entry(), cell="lstm")
    at.run()
    assert not [r for r in at.radio if r.label == "Weights"]
    assert any("not a vanilla RNN" in c.value for c in at.caption)


def test_play_toggle_runs_without_error(run_page):
    at = run_page(PAGE)
    at.toggle(key="explorer_play").set_value(True).run()
    assert not at.exception and _chain_step(at) == 1  # a full rerun does not advance; the timer does
    at.toggle(key="explorer_play").set_value(False).run()
    assert not at.exception


def test_exploding_states_are_drawn_in_scientific_notation(run_page):
    at = run_page(
        PAGE, {"act": "linear", "scale": "5", "text": " ".join(["a b c"] * 90), "hidden": "64", "step": "270"}
    )
    assert not at.exception
    assert _chain_step(at) == 270
    assert "\\times\\!10^{" in _latex(at)


def test_trace_downloads_offered(run_page):
    """The sidebar offers the trace as CSV and JSON (generated only when clicked)."""
    at = run_page(PAGE)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "⬇ Trace as CSV" in labels and "⬇ Trace as JSON" in labels
