"""AppTest of the Train page: start, chunks, stop, resume, reset, bad text and bad model files."""

import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import new_app
from visualizer.data import corpus, trained_model
from visualizer.labs.training import train
from visualizer.ui import train_watch as watch

PAGE = "views/train.py"


def open_train(params: dict | None = None) -> AppTest:
    """The Train page reached from the entry script, as a browser reaches it."""
    at = new_app("app.py").run()  # st.navigation registers the pages on the first run
    at.switch_page(PAGE)
    for k, v in {"speed": "fast", **(params or {})}.items():  # "watch" (the default) takes 3 steps per run
        at.query_params[k] = v
    return at.run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label.endswith(label))


def rerun_until(at: AppTest, cond, timeout: float = 60.0) -> AppTest:
    """Rerun the page, as its fragment's timer does, until cond(at): training runs in the background."""
    end = time.monotonic() + timeout
    while not cond(at):
        assert time.monotonic() < end, "the page never showed what was awaited"
        time.sleep(0.05)
        at.run()
    return at


def trained(at: AppTest) -> int:
    return at.session_state["trainer"].step_count if "trainer" in at.session_state else 0


def start(at: AppTest, steps: int = 5000) -> AppTest:
    """Press Train and wait for the first steps to show."""
    at.selectbox(key="train_steps").set_value(steps)
    button(at, "Train").click().run()
    return rerun_until(at, lambda at: trained(at) > 0 or not at.session_state["train_running"])


def test_train_runs_chunks_and_stop_keeps_the_model():
    at = open_train()
    assert not at.exception
    assert any("Press **Train**" in i.value for i in at.info)
    start(at)
    assert not at.exception
    trainer = at.session_state["trainer"]
    first = trainer.step_count
    assert first > 0 and at.session_state["train_running"]
    assert any(c.value.startswith(f"Step {trainer.step_count:,}") for c in at.caption)
    assert len(at.get("vega_lite_chart")) == 3  # loss curve, P(America), next-token bars
    assert at.session_state["trained_model"].cell == "rnn"

    rerun_until(at, lambda at: trained(at) > first + 50)  # it trains on between the page's runs
    trainer = at.session_state["trainer"]
    assert trainer.losses.values[-1] < trainer.losses.values[0]
    start_loss = f"({trainer.losses.values[0]:.3f} at step 1)"  # where the curve began, beside the loss now
    assert any(start_loss in c.value for c in at.caption)

    button(at, "Stop").click().run()
    trainer = at.session_state["trainer"]
    steps = trainer.step_count
    assert not at.session_state["train_running"]
    assert any(c.value.startswith(f"Step {steps:,} ·") for c in at.caption)  # the page shows the steps trained
    assert trainer.losses.steps[-1] == steps  # ... and so does the loss curve
    time.sleep(0.3)
    at.run()
    assert at.session_state["trainer"] is trainer and trainer.step_count == steps  # stopped, model kept
    assert not button(at, "Resume").disabled  # Train became Resume, and it can be pressed
    assert at.get("code") and len(at.get("code")[0].value) > 100  # a sample is shown when stopped

    button(at, "Resume").click().run()
    rerun_until(at, lambda at: trained(at) > steps)
    assert np.array_equal(at.session_state["trainer"].losses.values[: len(trainer.losses)], trainer.losses.values)


def test_run_stops_at_its_length_and_reset_clears():
    at = open_train()
    start(at, 200)
    rerun_until(at, lambda at: not at.session_state["train_running"])
    trainer = at.session_state["trainer"]
    assert trainer.step_count == 200 and not at.session_state["train_running"]
    button(at, "Reset").click().run()
    assert "trainer" not in at.session_state and "trained_model" not in at.session_state
    assert any("Press **Train**" in i.value for i in at.info)


def test_url_settings_choose_the_model():
    at = open_train({"level": "words", "opt": "sgd", "lr": "0.5", "thidden": "32", "window": "8"})
    start(at)
    cfg = at.session_state["trainer"].config
    assert (cfg.level, cfg.opt, cfg.lr, cfg.hidden, cfg.window) == ("words", "sgd", 0.5, 32, 8)
    assert not at.exception


def test_changing_structure_asks_for_reset():
    at = open_train()
    start(at)
    button(at, "Stop").click().run()
    at.slider(key="w_train_hidden").set_value(32).run()
    assert any("Reset starts a new model" in i.value for i in at.info)
    assert at.session_state["trainer"].config.hidden == 64


@pytest.mark.parametrize(
    "source, data, message",
    [
        ("paste", "   ", "empty"),
        ("paste", "ok" + "\x01\x02" * 50, "binary"),
        ("upload", b"\x00\x01\x02 binary", "binary"),
        ("upload", b"caf\xe9 au lait, caf\xe9 noir", "not UTF"),
        ("upload", b"x" * (corpus.MAX_CORPUS_BYTES + 1), "limit"),
    ],
)
def test_bad_text_shows_a_message(source, data, message):
    at = open_train()
    at.radio(key="train_source").set_value(source).run()
    if source == "paste":
        at.text_area(key="train_paste").set_value(data).run()
    else:
        at.file_uploader(key="train_upload").set_value(("notes.txt", data, "text/plain")).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert button(at, "Train").disabled


def test_model_file_round_trip_and_bad_model_file():
    at = open_train()
    start(at, 200)
    rerun_until(at, lambda at: not at.session_state["train_running"])
    data = trained_model.save_npz(at.session_state["trainer"].model())
    saved = at.session_state["trainer"].params.W_hh.copy()

    fresh = open_train()
    fresh.file_uploader(key="train_model_upload").set_value(("rnn-weights.npz", data, "application/octet-stream")).run()
    assert not fresh.exception
    assert any("Loaded a vanilla RNN" in s.value for s in fresh.success)
    np.testing.assert_array_equal(fresh.session_state["trainer"].params.W_hh, saved)
    assert fresh.session_state["trained_model"].params.W_hh.dtype == np.float64

    bad = open_train()
    bad.file_uploader(key="train_model_upload").set_value(
        ("x.npz", b"PK\x03\x04 broken", "application/octet-stream")
    ).run()
    assert not bad.exception
    assert any("was not loaded" in e.value for e in bad.error)
    assert "trainer" not in bad.session_state


def stop_if_running(at: AppTest) -> None:
    """Stop a run (a short run on a fast machine may already have ended: then just rerun)."""
    if at.session_state["train_running"]:
        button(at, "Stop").click().run()
    else:
        at.run()


def test_watch_speed_trains_about_ten_steps_a_second_and_shows_a_live_sample():
    at = open_train({"speed": "watch", "level": "words"})
    start(at)
    assert not at.exception
    t0, s0 = time.monotonic(), trained(at)
    rerun_until(at, lambda at: trained(at) >= s0 + 20)
    rate = (trained(at) - s0) / (time.monotonic() - t0)
    assert 4 < rate < 20  # the watch pace (~10 steps/s), not as fast as it can
    trainer = at.session_state["trainer"]
    (drawn,) = [
        int(m.value.split("step ")[1].split(":")[0].replace(",", "")) for m in at.markdown if "Sample at" in m.value
    ]
    assert trainer.step_count - watch.LIVE_SAMPLE_EVERY < drawn <= trainer.step_count  # drawn anew every few steps
    assert any("you are the only one training on this server" in c.value for c in at.caption)
    assert trainer.config.clip  # the Train page clips by default
    assert any("clipped on" in c.value for c in at.caption)


def test_start_from_the_story_model_with_heldout_curve_and_proof():
    at = open_train({"tstart": "story", "level": "words", "cell": "rnn"})
    start(at, 200)
    trainer = at.session_state["trainer"]
    assert trainer.config.hidden == 48 and trainer.heldout is not None
    assert trainer.losses.values[0] < 1.5  # already trained: far below ln V
    chart = at.get("vega_lite_chart")[0].proto
    data = b"".join(d.data.data for d in chart.datasets)  # the chart's datasets travel as Arrow tables
    assert b"bigram (no memory)" in data and b"held-out text" in data and "loss_rules" in chart.spec
    stop_if_running(at)
    assert not at.exception
    rerun_until(at, lambda at: len(at.metric) > 0)  # the proof is measured in the background, shown when ready
    labels = [m.label for m in at.metric]
    assert "Contrast prompts answered right" in labels
    assert any("Which earlier tokens matter" in c.proto.spec for c in at.get("plotly_chart"))


def test_unknown_prompt_words_are_named_for_the_story_model():
    at = open_train({"tstart": "story", "level": "words", "prompt": "Zorro grew up in the United States of"})
    start(at, 200)
    stop_if_running(at)
    assert not at.exception
    assert any("zorro" in i.value and "<unk>" in i.value.replace("\\", "") for i in at.info)


def test_a_loss_spike_gets_a_note():
    at = open_train({"level": "words"})
    start(at, 200)
    stop_if_running(at)
    trainer = at.session_state["trainer"]
    trainer.spikes.append(
        train.Spike(step=5, before=2.0, loss=6.0, grad_norm=0.8, clipped=False, prev_norm=0.839, typical_norm=0.7)
    )
    at.run()
    (note,) = [w.value for w in at.warning if "Loss spike at step 5" in w.value]
    assert "not an exploding gradient" in note and "Clipping was off" not in note  # the reported case


def test_a_model_that_cannot_read_the_text_is_refused_and_the_page_keeps_its_model():
    from visualizer.data.encoding import Vocab
    from visualizer.nn import cells

    at = open_train({"level": "words"})
    start(at, 200)
    stop_if_running(at)
    trainer = at.session_state["trainer"]
    vocab = Vocab(("zz", "qq"))  # none of the story's words, and no <unk> to stand in for them
    alien = trained_model.TrainedModel("rnn", "words", vocab, cells.CELLS["rnn"].init(2, 8, 2, seed=0))
    at.file_uploader(key="train_model_upload").set_value(
        ("alien.npz", trained_model.save_npz(alien), "application/octet-stream")
    ).run()
    assert not at.exception
    assert any("was not loaded" in e.value for e in at.error)
    assert at.session_state["trainer"] is trainer
