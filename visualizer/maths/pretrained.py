"""The models shipped with the app: vanilla RNN, LSTM and GRU, at character and word level, trained on the story.

Each model is one `Shipped` row: a TrainConfig and a number of steps of visualizer.maths.train.Trainer on
assets/corpus.txt (the held-out part, assets/corpus_heldout.txt, is never trained on). Training is seeded
and the command ``python -m visualizer.pretrain`` runs it on one BLAS thread, so the same command gives the
same weights. The files are written with train.save_npz and read back with train.load_npz, the same
validating loader that reads a student's upload.

Word-level models get an extra `<unk>` token (never seen in training) so that a prompt with an unknown
word can still be read: the word is named to the student and read as `<unk>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from visualizer import ASSETS
from visualizer.maths import train
from visualizer.maths.encoding import Vocab

MODELS_DIR = ASSETS / "models"
HELDOUT_PATH = ASSETS / "corpus_heldout.txt"
PAIRS_PATH = ASSETS / "contrast_pairs.tsv"


@dataclass(frozen=True)
class Shipped:
    """One shipped model: how it is trained and what the page calls it."""

    name: str  # file stem under assets/models/
    label: str
    config: train.TrainConfig
    steps: int


def _cfg(cell: str, level: str, hidden: int, window: int) -> train.TrainConfig:
    return train.TrainConfig(
        cell=cell, level=level, hidden=hidden, window=window, batch=16, opt="adam", lr=0.01, clip=True, seed=0
    )


SHIPPED: dict[str, Shipped] = {
    s.name: s
    for s in (
        Shipped("rnn-words", "vanilla RNN, words", _cfg("rnn", "words", 48, 24), 700),
        Shipped("lstm-words", "LSTM, words", _cfg("lstm", "words", 48, 24), 700),
        Shipped("gru-words", "GRU, words", _cfg("gru", "words", 48, 24), 700),
        Shipped("rnn-chars", "vanilla RNN, characters", _cfg("rnn", "chars", 64, 48), 1500),
        Shipped("lstm-chars", "LSTM, characters", _cfg("lstm", "chars", 64, 48), 1500),
        Shipped("gru-chars", "GRU, characters", _cfg("gru", "chars", 64, 48), 1500),
    )
}
# The model every page starts from where meaning matters (Home, Explorer, Gradients' "my text").
DEFAULT = "rnn-words"


def training_corpus(level: str) -> train.Corpus:
    """The story tokenised at `level`; word level adds `<unk>` to the vocabulary."""
    text = train.default_corpus()
    if level == "words":
        vocab = Vocab.build(train.tokenize(text, "words"), add_unk=True)
        return train.build_corpus(text, level, vocab=vocab)
    return train.build_corpus(text, level)


def heldout_text() -> str:
    return HELDOUT_PATH.read_text(encoding="utf-8")


def trainer_for(name: str, *, steps: int | None = None) -> train.Trainer:
    """A trainer for shipped model `name`, advanced by its steps (or `steps`)."""
    spec = SHIPPED[name]
    trainer = train.Trainer(training_corpus(spec.config.level), replace(spec.config))
    trainer.train(spec.steps if steps is None else steps)
    return trainer


def _job(name: str) -> Callable[[Path], list[Path]]:
    def job(out_dir: Path) -> list[Path]:
        model = trainer_for(name).model()
        path = out_dir / f"{name}.npz"
        path.write_bytes(train.save_npz(model))
        return [path]

    return job


PRETRAIN_JOBS: dict[str, Callable[[Path], list[Path]]] = {name: _job(name) for name in SHIPPED}


@cache
def load_shipped(name: str) -> train.TrainedModel:
    """A shipped model, read with the same validating loader as an uploaded file."""
    if name not in SHIPPED:
        raise ValueError(f"unknown shipped model {name!r}; available: {', '.join(SHIPPED)}")
    path = MODELS_DIR / f"{name}.npz"
    if not path.exists():
        raise ValueError(f"The shipped model {name} is missing: run `python -m visualizer.pretrain {name}`.")
    return train.load_npz(path.read_bytes())


def available() -> list[str]:
    """Names of the shipped models whose file is present."""
    return [n for n in SHIPPED if (MODELS_DIR / f"{n}.npz").exists()]
