"""AppTest of the Train page's perplexity line and truncated-BPTT picture."""

import json
import math

from tests.app.test_train_app import button, open_train, start
from visualizer.content import training_extras_notes as notes
from visualizer.labs.training import tbptt


def _tbptt(at) -> dict:
    (spec,) = [
        s
        for s in (json.loads(n.proto.spec) for n in at.get("plotly_chart"))
        if "Truncated BPTT" in s["layout"]["title"]["text"]
    ]
    return spec


def test_the_windows_follow_the_window_setting_before_training():
    at = open_train({"window": "10", "level": "words"})
    assert not at.exception
    spec = _tbptt(at)
    assert "T = 10 (stream 1 of 16)" in spec["layout"]["title"]["text"]
    tokens = next(t for t in spec["data"] if t["name"] == "tokens")
    assert len(tokens["x"]) == 30  # three windows of ten words
    text = " ".join(m.value for m in at.markdown)
    assert "Window T = 10 words" in text and "h_0 = 0" in text
    assert list(spec["layout"]["yaxis"]["ticktext"])[0].startswith("step 1<br>tokens 1–10")


def test_after_training_perplexity_is_exp_of_the_loss_and_the_windows_move_on():
    at = open_train({"window": "12"})
    start(at, 200)
    assert not at.exception
    button(at, "Stop").click().run()
    trainer = at.session_state["trainer"]
    ppl = math.exp(trainer.loss_estimate)
    captions = [c.value for c in at.caption if c.value.startswith("Perplexity")]
    assert captions, "the perplexity line is shown beside the loss"
    assert captions[0].startswith(notes.perplexity_sentence(ppl, "chars", len(trainer.corpus.vocab)))
    assert f"exp(mean L_t) = {ppl:.1f}" in captions[0]
    held = math.exp(trainer.heldout_losses.values[-1])  # the built-in story keeps a held-out part
    assert captions[0].endswith(notes.heldout_perplexity(held))
    spec = _tbptt(at)
    first = list(spec["layout"]["yaxis"]["ticktext"])[0]
    assert first.startswith(f"step {trainer.step_count + 1}<br>tokens {int(trainer.positions[0]) + 1}–")
    text = " ".join(m.value for m in at.markdown)
    assert f"carried over from step {trainer.step_count}" in text
    assert tbptt.steps_per_pass(len(trainer.corpus), 12, 16) > 0
