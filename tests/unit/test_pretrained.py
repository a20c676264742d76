"""Shipped models: reproducible from one command, small, read by the upload's own loader, and they remember."""

from __future__ import annotations

import numpy as np
import pytest

from visualizer.labs.memory_proof import memory
from visualizer.data import pretrained
from visualizer.labs.training import train
from visualizer.labs.training import story_models
from visualizer.data import corpus as corpus_module
from visualizer.data import trained_model
from visualizer.labs.training import predict


def test_retraining_the_small_model_gives_the_shipped_weights_bit_for_bit():
    name = "rnn-words"  # shipped, and fast enough (~1 s) to retrain in a unit test
    shipped = pretrained.load_shipped(name)
    again = story_models.trainer_for(name).model()
    assert again.vocab == shipped.vocab
    for key, value in again.params.as_dict().items():
        np.testing.assert_array_equal(value, shipped.params.as_dict()[key], err_msg=key)


def test_the_job_writes_what_load_npz_reads(tmp_path, monkeypatch):
    monkeypatch.setitem(
        pretrained.SHIPPED, "tiny", pretrained.Shipped("tiny", "tiny", pretrained._cfg("gru", "words", 8, 8), 3)
    )
    (path,) = story_models._job("tiny")(tmp_path)
    model = trained_model.load_npz(path.read_bytes())
    assert model.cell == "gru" and model.level == "words" and model.hidden_size == 8
    assert "<unk>" in model.vocab.tokens


@pytest.mark.parametrize("name", list(pretrained.SHIPPED))
def test_every_shipped_model_loads_with_the_upload_loader(name, monkeypatch):
    calls = []
    real = trained_model.load_npz
    monkeypatch.setattr(trained_model, "load_npz", lambda data: calls.append(len(data)) or real(data))
    pretrained.load_shipped.cache_clear()
    model = pretrained.load_shipped(name)
    pretrained.load_shipped.cache_clear()
    assert calls, "load_shipped must go through trained_model.load_npz"
    spec = pretrained.SHIPPED[name]
    assert (model.cell, model.level, model.hidden_size) == (spec.config.cell, spec.config.level, spec.config.hidden)


def test_shipped_files_are_small():
    sizes = [(pretrained.MODELS_DIR / f"{n}.npz").stat().st_size for n in pretrained.SHIPPED]
    assert max(sizes) < 250_000 and sum(sizes) < 1_000_000


def test_unknown_shipped_name_is_refused():
    with pytest.raises(ValueError, match="unknown shipped model"):
        pretrained.load_shipped("nope")


def test_default_model_beats_the_memoryless_baselines_on_heldout_text():
    model = pretrained.load_shipped(pretrained.DEFAULT)
    corpus = story_models.training_corpus(model.level)
    held = corpus_module.build_corpus(pretrained.heldout_text(), model.level, vocab=model.vocab)
    b = memory.baselines(corpus.ids, len(model.vocab), held.ids)
    assert b.heldout is not None
    assert predict.mean_loss(model, held.ids) < min(b.heldout)


def test_default_model_beats_chance_on_contrast_pairs():
    model = pretrained.load_shipped(pretrained.DEFAULT)
    pairs = memory.read_pairs(pretrained.PAIRS_PATH.read_text(encoding="utf-8"))
    res = memory.evaluate_pairs(lambda p, a: memory.continuation_logprob(model, p, a), pairs)
    assert res.accuracy >= 0.7
