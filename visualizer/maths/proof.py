"""The proof of memory for one model, measured on the story: losses against memoryless baselines, contrast pairs.

    held-out loss of the network  vs  unigram, bigram, last-3-tokens cross-entropy on the same held-out text
    contrast-pair accuracy        vs  the bigram's, which is 50 % by construction (see memory.py)

Works for a shipped model and for a student's own model (its own vocabulary; unseen words read as <unk>).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.maths import memory, pretrained, train

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


def measure(model: train.TrainedModel, text: str | None = None, heldout: str | None = None) -> Proof:
    """Every number of the proof for `model` on `text` (default: the story) and `heldout` (default: its held-out part)."""
    text = train.default_corpus() if text is None else text
    heldout = pretrained.heldout_text() if heldout is None else heldout
    corpus = train.build_corpus(text, model.level, vocab=model.vocab)
    held = train.build_corpus(heldout, model.level, vocab=model.vocab)
    V = len(model.vocab)
    contrast = pairs()
    bigram = memory.fit_kgram(corpus.ids, V, 1)
    return Proof(
        train_loss=train.mean_loss(model, corpus.ids),
        heldout_loss=train.mean_loss(model, held.ids),
        baselines=memory.baselines(corpus.ids, V, held.ids, on_train=False),
        pairs=contrast,
        network=memory.evaluate_pairs(lambda p, a: memory.continuation_logprob(model, p, a), contrast),
        bigram=memory.evaluate_pairs(
            lambda p, a: memory.kgram_logprob(bigram, model.level, model.vocab, p, a), contrast
        ),
    )


@dataclass(frozen=True)
class Contrast:
    """P(each candidate answer | prompt) for both prompts of a pair, and the bigram's (the same for both)."""

    candidates: tuple[str, ...]
    network_a: np.ndarray  # (C,)
    network_b: np.ndarray  # (C,)
    bigram: np.ndarray  # (C,)


def contrast(
    model: train.TrainedModel, pair: memory.ContrastPair, candidates=LANGUAGES, text: str | None = None
) -> Contrast:
    """The numbers for one pair side by side: what the network says after each prompt, and what a bigram says."""
    corpus = train.build_corpus(train.default_corpus() if text is None else text, model.level, vocab=model.vocab)
    bigram = memory.fit_kgram(corpus.ids, len(model.vocab), 1)

    def net(prompt: str) -> np.ndarray:
        return np.exp([memory.continuation_logprob(model, prompt, c) for c in candidates])

    bi = np.exp([memory.kgram_logprob(bigram, model.level, model.vocab, pair.prompt_a, c) for c in candidates])
    return Contrast(tuple(candidates), net(pair.prompt_a), net(pair.prompt_b), bi)
