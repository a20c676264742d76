"""The models shipped with the app: vanilla RNN, LSTM and GRU, at character and word level, trained on the story.

Each model is one `Shipped` row: a TrainConfig and a number of steps of visualizer.labs.training.train.Trainer on
assets/corpus.txt (the held-out part, assets/corpus_heldout.txt, is never trained on). Training is seeded
and the command ``python -m visualizer.pretrain`` runs it on one BLAS thread, so the same command gives the
same weights. The files are written with trained_model.save_npz and read back with trained_model.load_npz, the same
validating loader that reads a student's upload.

Word-level models read lower-cased words (so "Mexico" and "mexico" are one token) and get an extra `<unk>`
token (never seen in training) so that a prompt with an unknown word can still be read: the word is named
to the student and read as `<unk>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from visualizer import ASSETS
from visualizer.labs.training import train
from visualizer.data.encoding import UNK, Vocab
from visualizer.data import corpus
from visualizer.data import trained_model

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


def _cfg(cell: str, level: str, hidden: int, window: int, lr: float = 0.01) -> train.TrainConfig:
    return train.TrainConfig(
        cell=cell, level=level, hidden=hidden, window=window, batch=16, opt="adam", lr=lr, clip=True, seed=0
    )


SHIPPED: dict[str, Shipped] = {
    s.name: s
    for s in (
        Shipped("rnn-words", "vanilla RNN, words", _cfg("rnn", "words", 48, 24), 1200),
        Shipped("lstm-words", "LSTM, words", _cfg("lstm", "words", 48, 24), 1200),
        Shipped("gru-words", "GRU, words", _cfg("gru", "words", 48, 24), 1200),
        Shipped("rnn-chars", "vanilla RNN, characters", _cfg("rnn", "chars", 64, 100, lr=0.005), 3000),
        Shipped("lstm-chars", "LSTM, characters", _cfg("lstm", "chars", 64, 48), 1500),
        Shipped("gru-chars", "GRU, characters", _cfg("gru", "chars", 64, 48), 1500),
    )
}
# The model every page starts from where meaning matters (Home, Explorer, Gradients' "my text").
DEFAULT = "rnn-words"


def training_corpus(level: str) -> corpus.Corpus:
    """The story tokenised at `level`; word level adds `<unk>` to the vocabulary."""
    text = corpus.default_corpus()
    if level == "words":  # lower case: a student may type "mexico" or "Mexico"
        vocab = Vocab.build(corpus.corpus_tokens(text.lower(), "words"), add_unk=True)
        return corpus.build_corpus(text, level, vocab=vocab)
    return corpus.build_corpus(text, level)


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
        path.write_bytes(trained_model.save_npz(model))
        return [path]

    return job


PRETRAIN_JOBS: dict[str, Callable[[Path], list[Path]]] = {name: _job(name) for name in SHIPPED}


@cache
def load_shipped(name: str) -> trained_model.TrainedModel:
    """A shipped model, read with the same validating loader as an uploaded file."""
    if name not in SHIPPED:
        raise ValueError(f"unknown shipped model {name!r}; available: {', '.join(SHIPPED)}")
    path = MODELS_DIR / f"{name}.npz"
    if not path.exists():
        raise ValueError(f"The shipped model {name} is missing: run `python -m visualizer.pretrain {name}`.")
    return trained_model.load_npz(path.read_bytes())


def available() -> list[str]:
    """Names of the shipped models whose file is present."""
    return [n for n in SHIPPED if (MODELS_DIR / f"{n}.npz").exists()]


# ---------------------------------------------------------------------------- choosing weights on a page

# The weights a page can run on, as the URL names them.
SOURCES = ("story", "random", "trained")
SOURCE_LABELS = {
    "story": "trained on the story",
    "random": "random (untrained)",
    "trained": "my model (Train page)",
}


@dataclass(frozen=True)
class Choice:
    """The weights a page runs on: a model (None for random weights) and a sentence saying which."""

    source: str  # one of SOURCES actually in use
    model: trained_model.TrainedModel | None
    label: str


def misfit(model: trained_model.TrainedModel, *, levels: tuple[str, ...] = corpus.LEVELS, cells: tuple[str, ...] = ()) -> str:
    """Why `model` cannot run on a page that reads `levels` with `cells` (empty: any cell); '' when it fits."""
    if model.level not in levels:
        return f"it reads {model.level}, and this page reads {' or '.join(levels)}"
    if cells and model.cell not in cells:
        return f"it is a {model.cell.upper()} and this page draws {', '.join(c.upper() for c in cells)} only"
    return ""


def choose(
    source: str,
    name: str,
    mine: trained_model.TrainedModel | None = None,
    *,
    levels: tuple[str, ...] = corpus.LEVELS,
    cells: tuple[str, ...] = (),
) -> tuple[Choice, list[str]]:
    """The weights for a page, and notices when the requested ones cannot be used (then: the story, else random).

    source: 'story' (shipped model `name`), 'random' or 'trained' (`mine`, the user's model from the Train page).
    """
    notices: list[str] = []
    if source == "trained":
        why = (
            "no model has been trained on the Train page yet"
            if mine is None
            else misfit(mine, levels=levels, cells=cells)
        )
        if not why and mine is not None:
            return Choice("trained", mine, f"your model from the Train page ({describe(mine)})"), notices
        notices.append(f"Your own model cannot be used here: {why}. Showing the model trained on the story.")
        source = "story"
    if source == "story":
        try:
            model = load_shipped(name)
        except ValueError as err:
            notices.append(f"{err} Showing random weights.")
        else:
            why = misfit(model, levels=levels, cells=cells)
            if not why:
                return Choice("story", model, f"trained on the story ({describe(model)})"), notices
            notices.append(f"The story model {name} cannot be used here: {why}. Showing random weights.")
    return Choice("random", None, "random (untrained) weights"), notices


def describe(model: trained_model.TrainedModel) -> str:
    """'vanilla RNN, H = 48, 160 words' — what a student needs to read the views."""
    unit = "characters" if model.level == "chars" else "words"
    kind = "vanilla RNN" if model.cell == "rnn" else model.cell.upper()
    return f"{kind}, H = {model.hidden_size}, {len(model.vocab)} {unit}"


def read_prompt(model: trained_model.TrainedModel, text: str) -> tuple[np.ndarray, list[str]]:
    """Prompt -> ids for `model`, and the distinct tokens it never saw (read as `<unk>` when it has one).

    Raises ValueError naming the unknown tokens when the model has no `<unk>` (character models).
    """
    tokens = trained_model.prompt_tokens(model, text)
    known = model.vocab.index
    unknown = list(dict.fromkeys(t for t in tokens if t not in known))
    if unknown and UNK not in known:
        shown = ", ".join(repr(t) for t in unknown[:10])
        raise ValueError(f"The model never saw {shown}; it cannot read them. Use characters from the story.")
    return model.vocab.encode(tokens, unknown="unk"), unknown


def unknown_notice(unknown: list[str]) -> str:
    """One sentence naming unknown words and saying how they are read."""
    shown = ", ".join(f"“{t}”" for t in unknown[:10]) + (" …" if len(unknown) > 10 else "")
    return (
        f"Not in the model's vocabulary: {shown}. Each is read as the token {UNK}, which the model never saw "
        "while training, so what follows it is a rough guess."
    )
