"""The models shipped with the app: vanilla RNN, LSTM and GRU, at character and word level, trained on the story.

Each model is one `Shipped` row: a TrainConfig and a number of steps of the Trainer on assets/corpus.txt (the
held-out part, assets/corpus_heldout.txt, is never trained on). The training jobs are in
visualizer.labs.training.story_models: seeded, run by ``python -m visualizer.pretrain`` on one BLAS thread, so the
same command gives the same weights. The files are written with trained_model.save_npz and read back here with
trained_model.load_npz, the same validating loader that reads a student's upload.

`choose` picks the weights a page runs on and says, as `Fallback` records, why a requested model could not be
used; visualizer.content.model_notices turns those records into sentences.

Word-level models read lower-cased words (so "Mexico" and "mexico" are one token) and get an extra `<unk>`
token (never seen in training) so that a prompt with an unknown word can still be read: the word is named
to the student and read as `<unk>`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from visualizer import ASSETS
from visualizer.data import corpus, trained_model
from visualizer.data.encoding import UNK
from visualizer.labs.training.train import TrainConfig  # a row's training recipe

MODELS_DIR = ASSETS / "models"
HELDOUT_PATH = ASSETS / "corpus_heldout.txt"
PAIRS_PATH = ASSETS / "contrast_pairs.tsv"


@dataclass(frozen=True)
class Shipped:
    """One shipped model: how it is trained and what the page calls it."""

    name: str  # file stem under assets/models/
    label: str
    config: TrainConfig
    steps: int

    @property
    def layers(self) -> int:
        return self.config.layers

    @property
    def bidirectional(self) -> bool:
        """Never, for a shipped language model: predicting the next token, a backward direction would read it."""
        return False


def _cfg(cell: str, level: str, hidden: int, window: int, lr: float = 0.01) -> TrainConfig:
    return TrainConfig(
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
        # two stacked layers (nn/deep.py): what the deep explorer and the depth lessons run on
        Shipped("rnn2-words", "vanilla RNN, 2 layers, words", replace(_cfg("rnn", "words", 48, 24), layers=2), 1200),
    )
}
# The model every page starts from where meaning matters (Home, Explorer, Gradients' "my text").
DEFAULT = "rnn-words"


def heldout_text() -> str:
    """The story's held-out part (never trained on)."""
    return HELDOUT_PATH.read_text(encoding="utf-8")


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

# The weights a page can run on, as the URL names them (their labels: content.model_notices.SOURCE_LABELS).
SOURCES = ("story", "random", "trained")


@dataclass(frozen=True)
class Misfit:
    """Why a model cannot run on a page: it reads another level, or it is a cell the page does not draw."""

    what: str  # "level" | "cell" | "layers"
    model_level: str
    model_cell: str
    levels: tuple[str, ...]  # what the page reads
    cells: tuple[str, ...]  # what the page draws (empty: any cell)
    model_layers: int = 1
    layers: tuple[int, ...] = (1,)  # the numbers of layers the page draws


@dataclass(frozen=True)
class Fallback:
    """A requested model that could not be used, and why; the page then shows the story's model, else random."""

    source: str  # "trained" | "story": what was asked for
    name: str  # the story model's name
    untrained: bool = False  # "trained" was asked for, but the Train page has no model yet
    misfit: Misfit | None = None
    error: str = ""  # the story model could not be loaded: the loader's message


@dataclass(frozen=True)
class Choice:
    """The weights a page runs on: a model (None for random weights) and where it came from."""

    source: str  # one of SOURCES actually in use
    model: trained_model.TrainedModel | None


def misfit(
    model: trained_model.TrainedModel,
    *,
    levels: tuple[str, ...] = corpus.LEVELS,
    cells: tuple[str, ...] = (),
    layers: tuple[int, ...] = (1,),
) -> Misfit | None:
    """Why `model` cannot run on a page that reads `levels` with `cells` (empty: any cell) of `layers` stacked
    layers (most pages draw one); None when it fits."""
    if model.level not in levels:
        return Misfit("level", model.level, model.cell, levels, cells, model.layers, layers)
    if cells and model.cell not in cells:
        return Misfit("cell", model.level, model.cell, levels, cells, model.layers, layers)
    if model.layers not in layers:
        return Misfit("layers", model.level, model.cell, levels, cells, model.layers, layers)
    return None


def choose(
    source: str,
    name: str,
    mine: trained_model.TrainedModel | None = None,
    *,
    levels: tuple[str, ...] = corpus.LEVELS,
    cells: tuple[str, ...] = (),
    layers: tuple[int, ...] = (1,),
) -> tuple[Choice, list[Fallback]]:
    """The weights for a page, and a Fallback for each requested model that cannot be used (then: the story, else
    random).

    source: 'story' (shipped model `name`), 'random' or 'trained' (`mine`, the user's model from the Train page).
    """
    fallbacks: list[Fallback] = []
    if source == "trained":
        if mine is not None and (why := misfit(mine, levels=levels, cells=cells, layers=layers)) is None:
            return Choice("trained", mine), fallbacks
        fallbacks.append(Fallback("trained", name, untrained=mine is None, misfit=None if mine is None else why))
        source = "story"
    if source == "story":
        try:
            model = load_shipped(name)
        except ValueError as err:
            fallbacks.append(Fallback("story", name, error=str(err)))
        else:
            why = misfit(model, levels=levels, cells=cells, layers=layers)
            if why is None:
                return Choice("story", model), fallbacks
            fallbacks.append(Fallback("story", name, misfit=why))
    return Choice("random", None), fallbacks


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
