"""The proof of memory for one model, measured on the story: losses against memoryless baselines, contrast pairs.

    held-out loss of the network  vs  unigram, bigram, last-3-tokens cross-entropy on the same held-out text
    contrast-pair accuracy        vs  the bigram's, which is 50 % by construction (see memory.py)

Works for a shipped model and for a student's own model (its own vocabulary; unseen words read as <unk>).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from visualizer.labs.memory_proof import memory
from visualizer.data import pretrained
from visualizer.labs.training import train
from visualizer.data.encoding import Vocab
from visualizer.data import corpus as corpus_module
from visualizer.data import trained_model
from visualizer.labs.training import predict

LANGUAGES = ("Spanish", "English", "French", "Portuguese", "Japanese", "German")


@dataclass(frozen=True)
class Proof:
    train_loss: float  # the network's mean loss on the story (nats/token)
    heldout_loss: float  # ... on the held-out part
    baselines: memory.Baselines
    pairs: list[memory.ContrastPair]
    network: memory.ContrastResult
    bigram: memory.ContrastResult

    def baseline(self, name: str) -> float:
        """A baseline's held-out loss (its training loss when there is no held-out text)."""
        values = self.baselines.heldout or self.baselines.train
        return values[self.baselines.names.index(name)]


def pairs() -> list[memory.ContrastPair]:
    return memory.read_pairs(pretrained.PAIRS_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class _Memoryless:
    """Everything of a proof that does not depend on the network's weights (only on text and vocabulary)."""

    corpus: corpus_module.Corpus
    held: corpus_module.Corpus
    baselines: memory.Baselines
    bigram_model: memory.KGram
    bigram: memory.ContrastResult


@functools.lru_cache(maxsize=8)
def _memoryless(level: str, vocab: Vocab, text: str, heldout: str) -> _Memoryless:
    """Fitted once per (level, vocabulary, text): a class of students training on the story shares it
    (the baselines are ~half the cost of a proof for a character model)."""
    corpus = corpus_module.build_corpus(text, level, vocab=vocab)
    held = corpus_module.build_corpus(heldout, level, vocab=vocab)
    bigram = memory.fit_kgram(corpus.ids, len(vocab), 1)
    return _Memoryless(
        corpus=corpus,
        held=held,
        baselines=memory.baselines(corpus.ids, len(vocab), held.ids, on_train=False),
        bigram_model=bigram,
        bigram=memory.evaluate_pairs(lambda p, a: memory.kgram_logprob(bigram, level, vocab, p, a), pairs()),
    )


def measure(model: trained_model.TrainedModel, text: str | None = None, heldout: str | None = None) -> Proof:
    """Every number of the proof for `model` on `text` (default: the story) and `heldout` (default: its held-out part)."""
    text = corpus_module.default_corpus() if text is None else text
    heldout = pretrained.heldout_text() if heldout is None else heldout
    fixed = _memoryless(model.level, model.vocab, text, heldout)
    contrast = pairs()
    return Proof(
        train_loss=predict.mean_loss(model, fixed.corpus.ids),
        heldout_loss=predict.mean_loss(model, fixed.held.ids),
        baselines=fixed.baselines,
        pairs=contrast,
        network=memory.evaluate_pairs(lambda p, a: memory.continuation_logprob(model, p, a), contrast),
        bigram=fixed.bigram,
    )


@dataclass(frozen=True)
class Contrast:
    """P(each candidate answer | prompt) for both prompts of a pair, and the bigram's (the same for both)."""

    candidates: tuple[str, ...]
    network_a: np.ndarray  # (C,)
    network_b: np.ndarray  # (C,)
    bigram: np.ndarray  # (C,)


def contrast(
    model: trained_model.TrainedModel, pair: memory.ContrastPair, candidates=LANGUAGES, text: str | None = None
) -> Contrast:
    """The numbers for one pair side by side: what the network says after each prompt, and what a bigram says."""
    text = corpus_module.default_corpus() if text is None else text
    bigram = _memoryless(model.level, model.vocab, text, pretrained.heldout_text()).bigram_model

    def net(prompt: str) -> np.ndarray:
        return np.exp([memory.continuation_logprob(model, prompt, c) for c in candidates])

    bi = np.exp([memory.kgram_logprob(bigram, model.level, model.vocab, pair.prompt_a, c) for c in candidates])
    return Contrast(tuple(candidates), net(pair.prompt_a), net(pair.prompt_b), bi)
