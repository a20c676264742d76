"""The printable exercise sheet: questions a student solves by hand, each answer computed by the library.

parameters     the shape of every weight array and the parameter count of a vanilla RNN, an LSTM and a GRU
               for given D (input size), H (hidden size), V (output size): g (H D + H H + H) + V H + V with
               g = 1, 4, 3 blocks (the LSTM's four gates, the GRU's three) stacked as the app's cells store them
forward step   h_1 = tanh(W_hh h_0 + W_xh x_1 + b_h), ŷ_1 = softmax(W_hy h_1 + b_y) with small numbers, the
               answer from the cell's own step (nn/rnn.py)
shapes         which sequence type fits an application (the gallery of content/seqtype_gallery.py)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.content import seqtype_gallery
from visualizer.labs.sequences import seqtypes
from visualizer.nn import cells, rnn

# Stacked gate blocks per cell: its recurrent weights are g blocks of (H, D) and (H, H).
BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}
# Names of the arrays in the app's cells (nn/rnn.py, nn/gated.py), in the order the sheet lists them.
NAMES = {
    "rnn": ("W_xh", "W_hh", "b_h", "W_hy", "b_y"),
    "lstm": ("W_x", "W_h", "b", "W_hy", "b_y"),
    "gru": ("W_x", "W_h", "b", "W_hy", "b_y"),
}


@dataclass(frozen=True)
class Exercise:
    """One exercise: what is asked, the numbers given (preformatted lines), and the computed answer."""

    title: str
    question: str
    given: tuple[str, ...]
    answer: tuple[str, ...]


# ---------------------------------------------------------------------------- 1. parameters and shapes


def shapes(cell: str, D: int, H: int, V: int) -> dict[str, tuple[int, ...]]:
    """The shape of every parameter array of `cell`, by the formula the sheet teaches."""
    g = BLOCKS[cell]
    x, h, b, why, by = NAMES[cell]
    return {x: (g * H, D), h: (g * H, H), b: (g * H,), why: (V, H), by: (V,)}


def parameter_count(cell: str, D: int, H: int, V: int) -> int:
    """g (H D + H H + H) + V H + V."""
    return BLOCKS[cell] * (H * D + H * H + H) + V * H + V


def parameters_exercise(D: int, H: int, V: int) -> Exercise:
    if min(D, H, V) < 1:
        raise ValueError("D, H and V must be at least 1")
    answer = []
    for cell in BLOCKS:
        listed = ", ".join(f"{n} {'×'.join(map(str, s))}" for n, s in shapes(cell, D, H, V).items())
        answer.append(f"{cells.CELLS[cell].label}: {listed}; {parameter_count(cell, D, H, V):,} parameters.")
    g = ", ".join(f"{cells.CELLS[c].label} {BLOCKS[c]}" for c in BLOCKS)
    answer.append(f"In general: g (H·D + H·H + H) + V·H + V, with g blocks of gates ({g}).")
    return Exercise(
        "Weights: shapes and counts",
        f"A recurrent network reads inputs of size D = {D}, keeps a hidden state of size H = {H} and emits "
        f"scores for V = {V} outputs. For a vanilla RNN, an LSTM and a GRU, give the shape of every weight "
        "matrix and bias (gates stacked into one matrix, as the app stores them) and the total number of "
        "parameters.",
        (),
        tuple(answer),
    )


# ---------------------------------------------------------------------------- 2. one forward step by hand

STEP_W_XH = np.array([[0.5, -1.0], [0.25, 0.5]])  # (H, D)
STEP_W_HH = np.array([[0.5, 0.0], [-0.5, 1.0]])  # (H, H)
STEP_B_H = np.array([0.0, 0.25])
STEP_W_HY = np.array([[1.0, -1.0], [0.5, 0.5]])  # (V, H)
STEP_B_Y = np.array([0.0, 0.0])
STEP_H0 = np.array([0.5, -0.5])
STEP_X1 = np.array([1.0, 0.0])


def _vec(v: np.ndarray) -> str:
    return "[" + ", ".join(f"{x:g}" for x in v) + "]"


def _mat(m: np.ndarray) -> str:
    return "[" + "; ".join(" ".join(f"{x:g}" for x in row) for row in m) + "]"


def forward_step_exercise() -> Exercise:
    """One step of a vanilla RNN with tanh, answered by rnn.step on the same arrays."""
    params = rnn.RNNParams(W_xh=STEP_W_XH, W_hh=STEP_W_HH, W_hy=STEP_W_HY, b_h=STEP_B_H, b_y=STEP_B_Y)
    a, h, z, p = rnn.step(params, STEP_H0, STEP_X1)
    return Exercise(
        "One forward step by hand",
        "Compute the pre-activation a_1 = W_hh h_0 + W_xh x_1 + b_h, the new hidden state h_1 = tanh(a_1), the "
        "scores z_1 = W_hy h_1 + b_y and ŷ_1 = softmax(z_1), to three decimals (a calculator for tanh and exp helps).",
        (
            f"W_xh = {_mat(STEP_W_XH)}    W_hh = {_mat(STEP_W_HH)}    b_h = {_vec(STEP_B_H)}",
            f"W_hy = {_mat(STEP_W_HY)}    b_y = {_vec(STEP_B_Y)}",
            f"h_0 = {_vec(STEP_H0)}    x_1 = {_vec(STEP_X1)}   (rows separated by ';')",
        ),
        (
            f"a_1 = {_vec(np.round(a, 3))}",
            f"h_1 = tanh(a_1) = {_vec(np.round(h, 3))}",
            f"z_1 = {_vec(np.round(z, 3))}",
            f"ŷ_1 = softmax(z_1) = {_vec(np.round(p, 3))}",
        ),
    )


# ---------------------------------------------------------------------------- 3. which sequence type

SHAPE_APPS = ("Machine translation", "Sentiment classification", "Music generation", "Named-entity recognition")


def shape_exercise(names: tuple[str, ...] = SHAPE_APPS) -> Exercise:
    """Which of the five shapes fits each application, answered from the app's gallery."""
    by_name = {a.name: a for a in seqtype_gallery.GALLERY}
    apps = [by_name[n] for n in names if n in by_name]
    if not apps:
        raise ValueError("none of the applications is in the gallery")
    options = ", ".join(seqtypes.LABELS.values())
    return Exercise(
        "Which sequence type?",
        f"For each application, name the sequence type that fits ({options}) and say why.",
        tuple(f"{i}. {a.name}: reads {a.reads}, emits {a.emits}." for i, a in enumerate(apps, 1)),
        tuple(f"{i}. {a.name}: {seqtypes.LABELS[a.kind]} — {a.why}." for i, a in enumerate(apps, 1)),
    )


def sheet(D: int, H: int, V: int) -> tuple[Exercise, ...]:
    """Every exercise of the sheet, for a network with these sizes."""
    return (parameters_exercise(D, H, V), forward_step_exercise(), shape_exercise())


SHEET_TITLE = "Recurrent neural networks: exercises"
SHEET_INTRO = (
    "Work each exercise by hand, then check against the answers at the end. Every answer was computed by the "
    "RNN Visualizer's own library, the code that draws the app's figures."
)
