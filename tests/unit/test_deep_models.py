"""A stacked story model end to end: trained by the Trainer, saved and loaded by the model file's validating
loader, read by prediction, refused with a reason by pages that draw one layer, found by the nearest-model choice."""

import io
from dataclasses import replace

import numpy as np
import pytest

from visualizer.content import model_notices
from visualizer.data import corpus, pretrained, trained_model
from visualizer.labs.explorer import deep_run
from visualizer.labs.training import predict, train
from visualizer.nn import deep


def _trainer(cell="rnn", layers=2, steps=3):
    c = corpus.build_corpus("the cat sat on the mat and the dog sat on the log " * 4, "words")
    cfg = train.TrainConfig(cell=cell, level="words", hidden=6, window=5, batch=2, layers=layers, dtype="float64")
    t = train.Trainer(c, cfg)
    t.train(steps)
    return t


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_trainer_trains_a_stacked_network_and_carries_its_state(cell):
    t = _trainer(cell, steps=1)
    before = t.params.as_dict()
    loss0 = t.losses.values[-1]
    t.train(40)
    assert isinstance(t.params, deep.DeepParams) and t.params.num_layers == 2
    assert t.losses.values[-1] < loss0  # it learns
    assert len(t.state) == 2  # one carried state per layer
    assert any(not np.array_equal(before[k], v) for k, v in t.params.as_dict().items())


def test_the_trainers_gradient_is_the_deep_backward_of_the_mean_loss():
    t = _trainer(steps=0)
    inputs, targets = t._window()
    loss, grads, _ = t.loss_and_grads(inputs, targets)
    name = "l1.d0.W_hh"
    W = t.params.as_dict()[name]
    i, j, eps = 1, 2, 1e-6

    def mean_loss(delta):
        arrays = t.params.as_dict()
        arrays[name] = W.copy()
        arrays[name][i, j] += delta
        p = deep.replace_arrays(t.params, arrays)
        X = np.eye(len(t.corpus.vocab))[inputs]
        probs = deep.forward(p, X).probs
        return -np.mean(np.log(np.take_along_axis(probs, targets[..., None], -1)))

    num = (mean_loss(eps) - mean_loss(-eps)) / (2 * eps)
    assert grads[name][i, j] == pytest.approx(num, rel=1e-6)


def test_a_stacked_model_file_round_trips_and_predicts_the_same():
    model = _trainer().model()
    back = trained_model.load_npz(trained_model.save_npz(model))
    assert back.layers == 2 and back.cell == "rnn"
    a, b = model.params.as_dict(), back.params.as_dict()
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    np.testing.assert_array_equal(predict.next_token_probs(model, "the cat"), predict.next_token_probs(back, "the cat"))
    assert predict.sample(back, "the", 5, seed=1) == predict.sample(model, "the", 5, seed=1)  # state carried per layer
    assert back.as_float64().params.W_hy.dtype == np.float64


def test_a_bad_layer_count_in_a_file_is_refused_with_a_reason():
    data = dict(np.load(io.BytesIO(trained_model.save_npz(_trainer().model()))))
    for bad in (np.array(7, np.int64), np.array("two"), np.array([2, 2], np.int64)):
        buf = io.BytesIO()
        np.savez(buf, **{**data, "layers": bad})
        with pytest.raises(ValueError, match="number of layers"):
            trained_model.load_npz(buf.getvalue())
    buf = io.BytesIO()
    np.savez(buf, **{**data, "layers": np.array(3, np.int64)})  # says 3, holds 2
    with pytest.raises(ValueError, match="do not match"):
        trained_model.load_npz(buf.getvalue())


def test_the_shipped_two_layer_model():
    model = pretrained.load_shipped("rnn2-words")
    assert (model.cell, model.layers, model.level) == ("rnn", 2, "words")
    assert "2 layers" in model_notices.describe(model)
    p = predict.next_token_probs(model, "He grew up in the United States of")
    assert model.vocab.tokens[int(np.argmax(p))] == "america"  # it learned the story's example
    match = deep_run.nearest_model("rnn", "words", 2, False)
    assert (match.name, match.exact) == ("rnn2-words", True)
    assert deep_run.nearest_model("rnn", "words", 3, False).name == "rnn2-words"


def test_pages_that_draw_one_layer_refuse_it_and_say_why():
    choice, fallbacks = pretrained.choose("story", "rnn2-words", cells=("rnn",))
    assert choice.source == "random" and fallbacks[0].misfit.what == "layers"
    said = model_notices.fallback_notice(fallbacks[0])
    assert "it has 2 stacked layers, and this page draws networks of 1 layer" in said
    choice, fallbacks = pretrained.choose("story", "rnn2-words", layers=(1, 2))
    assert choice.source == "story" and not fallbacks


def test_the_one_layer_models_still_load_as_their_cells():
    assert pretrained.load_shipped("rnn-words").layers == 1
    assert replace(train.TrainConfig()).layers == 1


def test_the_deep_explorer_run_reads_text_with_the_shipped_two_layer_model():
    model = pretrained.load_shipped("rnn2-words")
    r = deep_run.trained_run(model, "He grew up in the United States of America")
    assert [len(row) for row in r.hs] == [1, 1] and r.hs[1][0].shape == (r.T, model.hidden_size)
    assert r.enc.vocab.tokens[int(np.argmax(r.probs[-2]))] == "america"  # after "… States of"
    single = deep_run.trained_run(pretrained.load_shipped("rnn-words"), "the united states")
    assert single.params.num_layers == 1
    with pytest.raises(ValueError):
        deep_run.trained_run(model, "   ")
