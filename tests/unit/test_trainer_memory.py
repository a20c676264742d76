"""Trainer additions for watchable training: held-out curve, clip events, loss spikes; choosing weights."""

from __future__ import annotations

import math

import numpy as np
import pytest

from visualizer.content import model_notices
from visualizer.data import corpus, pretrained
from visualizer.labs.memory_proof import memory
from visualizer.labs.training import predict, story_models, train
from visualizer.plots import memory_figures as mf
from visualizer.plots import train_figures as tf


@pytest.fixture(scope="module")
def words():
    return story_models.training_corpus("words")


def test_heldout_curve_is_recorded_on_a_schedule_of_steps_whatever_the_chunks(words):
    held = corpus.build_corpus(pretrained.heldout_text(), "words", vocab=words.vocab).ids
    cfg = train.TrainConfig(level="words", hidden=16, window=8, batch=4)
    t, one_go = train.Trainer(words, cfg, heldout=held), train.Trainer(words, cfg, heldout=held)
    first = predict.mean_loss(t.model(), held)
    for n in (3, 20, 1, 176):
        t.train(n)
    one_go.train(2 * train.HELDOUT_EVERY)
    assert t.heldout_losses.steps == [1, train.HELDOUT_EVERY, 2 * train.HELDOUT_EVERY] == one_go.heldout_losses.steps
    assert t.heldout_losses.values == one_go.heldout_losses.values
    assert t.watch.steps == one_go.watch.steps
    assert t.heldout_losses.values[-1] == pytest.approx(predict.mean_loss(t.model(), held))
    assert t.heldout_losses.values[-1] < first


def test_clip_events_are_counted(words):
    cfg = train.TrainConfig(level="words", hidden=16, window=8, batch=4, clip=True, clipnorm=1e-6)
    t = train.Trainer(words, cfg)
    results = t.train(7)
    assert t.clip_events == 7 == sum(r.clipped for r in results)
    t.config.clipnorm = 1e6
    t.train(3)
    assert t.clip_events == 7


def test_a_loss_spike_is_noticed(words):
    t = train.Trainer(words, train.TrainConfig(level="words", hidden=16, window=8, batch=4, lr=0.01))
    t.train(train.SPIKE_WINDOW + 5)
    assert t.spikes == []
    # throw the weights far away: the next loss is far above the recent mean
    p = t.params.as_dict()
    t.params = type(t.params)(**{k: v * (40.0 if k == "W_hy" else 1.0) for k, v in p.items()})
    t.train(1)
    assert len(t.spikes) == 1
    spike = t.spikes[0]
    assert spike.step == t.step_count and spike.loss > train.SPIKE_FACTOR * spike.before


def test_choose_weights_falls_back_with_a_notice():
    def choose(*args, **kw):
        choice, fallbacks = pretrained.choose(*args, **kw)
        return choice, [model_notices.fallback_notice(f) for f in fallbacks]

    story, notes = choose("story", "rnn-words")
    assert story.source == "story" and story.model is not None and not notes
    assert model_notices.choice_label(story) == "trained on the story (vanilla RNN, H = 48, 129 words)"
    mine, notes = choose("trained", "rnn-words", None)
    assert mine.source == "story" and "no model has been trained" in notes[0]
    chars, notes = choose("story", "rnn-chars", levels=("words",))
    assert chars.source == "random" and chars.model is None and "reads chars" in notes[0]
    assert model_notices.choice_label(chars) == "random (untrained) weights"
    lstm = pretrained.load_shipped("lstm-words")
    used, notes = choose("trained", "rnn-words", lstm, cells=("rnn",))
    assert used.source == "story" and "LSTM" in notes[0]
    assert notes[0] == (
        "Your own model cannot be used here: it is a LSTM and this page draws RNN only. "
        "Showing the model trained on the story."
    )
    rnd, notes = choose("random", "rnn-words")
    assert rnd.model is None and not notes


def test_a_missing_story_model_falls_back_to_random_weights(monkeypatch):
    def missing(name):
        raise ValueError(f"The shipped model {name} is missing.")

    monkeypatch.setattr(pretrained, "load_shipped", missing)
    choice, fallbacks = pretrained.choose("story", "rnn-words")
    assert choice.source == "random"
    assert fallbacks == [pretrained.Fallback("story", "rnn-words", error="The shipped model rnn-words is missing.")]
    assert (
        model_notices.fallback_notice(fallbacks[0]) == "The shipped model rnn-words is missing. Showing random weights."
    )


def test_unknown_words_are_named_and_read_as_unk():
    model = pretrained.load_shipped("rnn-words")
    ids, unknown = pretrained.read_prompt(model, "Zorro grew up in Atlantis , and he speaks")
    assert unknown == ["zorro", "atlantis"]  # word models read lower case
    assert model.vocab.tokens[ids[0]] == "<unk>"
    note = model_notices.unknown_notice(unknown)
    assert "“zorro”" in note and "<unk>" in note
    chars = pretrained.load_shipped("rnn-chars")
    with pytest.raises(ValueError, match="never saw"):
        pretrained.read_prompt(chars, "Zoë")


def test_loss_chart_draws_heldout_and_baselines():
    spec = tf.loss_chart([1, 2], [3.0, 2.0], 40, heldout=([2], [2.5]), baselines={"bigram": 1.2}).to_dict()
    rules, labels, line = spec["layer"]
    assert [r["y"] for r in tf.rows_of(spec, rules)] == [pytest.approx(math.log(40)), 1.2]
    assert {v["curve"] for v in tf.rows_of(spec, line)} == {"training text", "held-out text"}


def test_contrast_chart_marks_each_right_answer():
    spec = mf.contrast_chart(
        ["Spanish", "English"],
        {"A": [0.8, 0.2], "B": [0.3, 0.7], "bigram": [0.5, 0.5]},
        {"A": "Spanish", "B": "English"},
    ).to_dict()
    rows = spec["data"]["values"]
    hits = {(r["panel"], r["token"]) for r in rows if r["hit"]}
    assert hits == {("A", "Spanish"), ("B", "English")}
    assert spec["spec"]["encoding"]["x"]["scale"]["domain"] == [0, 1]


def test_occlusion_figure_has_one_bar_per_token():
    fig = mf.occlusion_figure(["Ana", "grew", "up"], np.array([0.5, -0.1, 0.0]), "in", -0.2)
    bar, chain = fig.data
    assert list(bar.y) == [0.5, -0.1, 0.0] and bar.marker.color[1] == mf.NEGATIVE
    assert chain.text[-1] == "→ in"
    with pytest.raises(ValueError):
        mf.occlusion_figure(["a"], np.zeros(2), "b", 0.0)


def test_strength_row_colours_by_step():
    row = mf.strength_row(np.array([1.0, -2.0, 0.5]), [2, 3])
    assert row["marker"]["color"] == [-2.0, 0.5] and row["marker"]["cmin"] == -2.0


def test_occlusion_on_the_shipped_model_points_at_the_country():
    model = pretrained.load_shipped(pretrained.DEFAULT)
    prompt = "Hugo grew up in France . He is proud of his school . At home he speaks"
    ids, _ = pretrained.read_prompt(model, prompt)
    occ = memory.occlusion(model, ids, model.vocab.index["french"], replace_with=memory.neutral_token(model))
    assert occ.tokens[int(np.argmax(occ.strength))] == "france"


def test_neutral_token_is_unk_for_words_and_space_for_chars():
    assert (
        memory.neutral_token(pretrained.load_shipped("rnn-words"))
        == pretrained.load_shipped("rnn-words").vocab.index["<unk>"]
    )
    chars = pretrained.load_shipped("rnn-chars")
    assert memory.neutral_token(chars) == chars.vocab.index[" "]


def test_proof_of_the_default_model():
    from visualizer.labs.memory_proof import proof

    model = pretrained.load_shipped(pretrained.DEFAULT)
    p = proof.measure(model)
    assert p.bigram.accuracy == 0.5
    assert p.network.accuracy > 0.6
    assert p.heldout_loss < p.baseline("bigram") < p.baseline("unigram")
    c = proof.contrast(model, p.pairs[0])
    assert c.network_a.shape == c.bigram.shape == (len(proof.LANGUAGES),)
    assert np.all(c.network_a <= 1) and c.network_a.sum() <= 1 + 1e-9
    assert not np.allclose(c.network_a, c.network_b)


def test_strength_row_sits_on_the_unrolled_chain():
    from visualizer.plots import chain as chain_figures

    model = pretrained.load_shipped(pretrained.DEFAULT)
    ids, _ = pretrained.read_prompt(model, "Ana grew up in Mexico , and she speaks")
    from visualizer.nn import cells

    X = np.eye(len(model.vocab))[ids]
    trace = cells.CELLS["rnn"].forward(model.params, X)
    tokens = model.vocab.decode(ids)
    chain = chain_figures.unrolled_chain(tokens, trace.hs, trace.probs, model.vocab.tokens)
    occ = memory.occlusion(model, ids, model.vocab.index["spanish"], replace_with=memory.neutral_token(model))
    n = len(chain.data)
    fig = mf.add_strength(chain, occ.strength, list(range(1, len(tokens) + 1)))
    assert len(fig.data) == n + 1
    assert list(fig.data[-1].marker.color) == pytest.approx(list(occ.strength))
    assert fig.layout.yaxis.range[1] == pytest.approx(3.7) and "effect Δlog p" in fig.layout.yaxis.ticktext
