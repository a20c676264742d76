"""A model reading a text: its tokens, every unit's state after each token, and the text's properties.

For token t the states are h_t (every cell) and c_t (the LSTM's cell state), with the exact forward pass of
visualizer.nn in float64. `untrained` is the baseline network: the same cell and shape, random weights from the
same seed (0, the shipped models' seed), never trained. Pure NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.data import encoding, pretrained
from visualizer.data.trained_model import TrainedModel, prompt_tokens
from visualizer.labs.units import annotate
from visualizer.nn import cells

STATES = ("h", "c")  # h_t for every cell; c_t only for the LSTM
MAX_READ_CHARS = 20_000  # the held-out story is ~7,000 characters; a student's text is bounded by the settings


@dataclass(frozen=True)
class Activity:
    """What a model held after each token of a text."""

    tokens: tuple[str, ...]  # (N,) the tokens as read (lower-cased for a lower-case word vocabulary)
    ids: np.ndarray  # (N,)
    h: np.ndarray  # (N, H) h_t after token t
    c: np.ndarray | None  # (N, H) the LSTM's c_t; None for the other cells
    props: dict[str, np.ndarray]  # property key -> (N,) values, NaN where undefined (annotate.PROPERTIES)
    unknown: tuple[str, ...]  # words the model never saw, read as <unk>

    def states(self, which: str) -> np.ndarray:
        """h (N, H), or the LSTM's c; ValueError when the cell has no c."""
        if which == "c":
            if self.c is None:
                raise ValueError("Only the LSTM has a cell state c_t; this cell keeps everything in h_t.")
            return self.c
        return self.h


def float64(model: TrainedModel) -> TrainedModel:
    """The model in float64 (exact maths everywhere on this page)."""
    return model.as_float64()


def untrained(model: TrainedModel, seed: int = 0) -> TrainedModel:
    """The same cell, vocabulary and hidden size with fresh random weights from `seed`: the baseline network."""
    V, H = len(model.vocab), model.hidden_size
    params = cells.CELLS[model.cell].init(V, H, V, seed=seed, dtype=np.float64)
    return TrainedModel(model.cell, model.level, model.vocab, params)


def one_hot(model: TrainedModel, ids: np.ndarray) -> np.ndarray:
    """(T, [B,]) ids -> (T, [B,] V) float64 one-hot inputs."""
    return encoding.one_hot(np.asarray(ids), len(model.vocab), np.float64)


def read(model: TrainedModel, text: str) -> Activity:
    """Run `model` over `text`; ValueError, fit to show, for an empty text or characters it cannot read."""
    if len(text) > MAX_READ_CHARS:
        raise ValueError(f"The text has {len(text):,} characters; this page reads at most {MAX_READ_CHARS:,}.")
    ids, unknown = pretrained.read_prompt(model, text)  # ValueError naming characters a char model never saw
    if ids.size == 0:
        raise ValueError("The text has no tokens to read. Type a sentence.")
    trace = cells.CELLS[model.cell].forward(model.params, one_hot(model, ids))
    c = np.asarray(trace.cs[1:]) if model.cell == "lstm" else None  # type: ignore[attr-defined]
    props = annotate.annotate_tokens(text, model.level)
    return Activity(
        tokens=tuple(prompt_tokens(model, text)),  # an unknown word shown as typed, not as <unk>
        ids=ids,
        h=np.asarray(trace.hs[1:]),
        c=c,
        props=props,
        unknown=tuple(unknown),
    )
