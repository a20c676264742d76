"""The model-free half of a proof of memory is fitted once per text and vocabulary and shared."""

from __future__ import annotations

from visualizer.labs.memory_proof import memory
from visualizer.data import pretrained
from visualizer.labs.memory_proof import proof
from visualizer.labs.training import train
from visualizer.data import corpus as corpus_module
from visualizer.data import trained_model


def _model(seed: int) -> trained_model.TrainedModel:
    corpus = corpus_module.build_corpus(corpus_module.default_corpus(), "words")
    return train.Trainer(corpus, train.TrainConfig(level="words", hidden=8, seed=seed)).model()


def test_two_students_share_the_baselines_and_the_numbers_are_the_uncached_ones():
    proof._memoryless.cache_clear()
    a, b = proof.measure(_model(1)), proof.measure(_model(2))
    info = proof._memoryless.cache_info()
    assert (info.misses, info.hits) == (1, 1)  # same text and vocabulary: fitted once
    assert a.baselines is b.baselines and a.bigram is b.bigram
    assert a.heldout_loss != b.heldout_loss  # the network's own numbers are not shared

    model = _model(1)
    corpus = corpus_module.build_corpus(corpus_module.default_corpus(), "words", vocab=model.vocab)
    held = corpus_module.build_corpus(pretrained.heldout_text(), "words", vocab=model.vocab)
    fresh = memory.baselines(corpus.ids, len(model.vocab), held.ids, on_train=False)
    assert a.baselines == fresh


def test_one_blas_thread_in_every_process_of_the_app():
    """Importing the library limits BLAS to one thread (small matrices: threads only cost)."""
    from threadpoolctl import threadpool_info

    import visualizer  # noqa: F401  (the import is what sets it)

    blas = [lib for lib in threadpool_info() if lib.get("user_api") == "blas"]
    assert blas and all(lib["num_threads"] == 1 for lib in blas)
