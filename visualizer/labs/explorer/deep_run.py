"""One sequence through a stacked and/or bidirectional network: forward, next-item loss and exact backward, kept
per layer and per direction for the explorer (which draws layers as rows, the backward direction as a second row).

    DeepRun.hs[l][d]     (T, H)   h_t^[l] of layer l (0 = bottom), direction d (0 = →, reads t = 1..T;
                                  1 = ←, reads t = T..1), indexed by t - 1 in natural time order
    DeepRun.cs[l][d]     (T, H)   the LSTM's memory cells c_t^[l] (None for the other cells)
    DeepRun.gates[l][d]  (T, G*H) the gated cells' activated gates (LSTM i, f, g, o; GRU r, u, n), None for vanilla
    DeepRun.outputs[l]   (T, dirs*H)  o_t^[l] = [→h_t^[l]; ←h_t^[l]], what layer l+1 reads
    DeepRun.dh[l][d]     (T, H)   ∂L/∂h_t^[l], the total derivative (through time and through the layers above)
    DeepRun.dh_norm      (L, dirs, T)  ‖∂L/∂h_t^[l]‖
    DeepRun.probs        (T, V)   p_t from the top layer's o_t

The loss is the explorer's: predict item t+1 at step t (bptt.next_token_loss). With two directions that task leaks:
←h_t has read x_{t+1}, so a bidirectional network sees the answer (content.deep_notes says so; it is for tagging
or encoding a whole sequence). `trained_run` reads a text with a trained model (the shipped 2-layer rnn2-words, say); `nearest_model` picks
the shipped story model closest to a requested
(cell, level, layers, bidirectional) and says what differs, so a request no model fits never fails.
Pure NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.data import encoding, pretrained
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.explorer import bptt, explore
from visualizer.nn import deep


@dataclass(frozen=True)
class DeepRun:
    """A deep/bidirectional run of one sequence (shapes in the module docstring)."""

    enc: encoding.Encoded
    params: deep.DeepParams
    trace: deep.DeepTrace
    loss: bptt.NextTokenLoss
    grads: deep.DeepGrads

    @property
    def cell(self) -> str:
        return self.params.cell

    @property
    def T(self) -> int:
        return self.trace.T

    @property
    def hs(self) -> tuple[tuple[np.ndarray, ...], ...]:
        return tuple(
            tuple(self.trace.h(li, d) for d in range(self.params.directions)) for li in range(self.params.num_layers)
        )

    @property
    def cs(self) -> tuple[tuple[np.ndarray, ...], ...] | None:
        if self.cell != "lstm":
            return None
        return tuple(
            tuple(tr.cs[1:] if d == 0 else tr.cs[1:][::-1] for d, tr in enumerate(row))
            for row in self.trace.cell_traces
        )

    @property
    def gates(self) -> tuple[tuple[np.ndarray, ...], ...] | None:
        if self.cell == "rnn":
            return None
        return tuple(
            tuple(tr.gates if d == 0 else tr.gates[::-1] for d, tr in enumerate(row)) for row in self.trace.cell_traces
        )

    @property
    def outputs(self) -> tuple[np.ndarray, ...]:
        return self.trace.outputs

    @property
    def probs(self) -> np.ndarray:
        return self.trace.probs

    @property
    def dh(self) -> tuple[tuple[np.ndarray, ...], ...]:
        return self.grads.dh

    @property
    def dh_norm(self) -> np.ndarray:
        return self.grads.dh_norms()


def run(enc: encoding.Encoded, params: deep.DeepParams) -> DeepRun:
    """Forward, next-item loss and backward of one encoded sequence (T, D) through the network."""
    trace = deep.forward(params, enc.X)
    if enc.regression:
        loss = bptt.next_token_loss(trace, enc.X[:, 0], "squared_error")
    else:
        loss = bptt.next_token_loss(trace, enc.ids, "cross_entropy")
    return DeepRun(enc, params, trace, loss, deep.backward(params, trace, loss.dout))


def random_run(
    text: str,
    mode: str,
    representation: str,
    *,
    cell: str,
    layers: int,
    bidirectional: bool,
    emb: int,
    hidden: int,
    seed: int,
    act: str = "tanh",
    scale: float = 1.0,
) -> DeepRun:
    """Seeded random weights of the requested shape over the text; ValueError (the tokenizer's) on bad text."""
    enc = encoding.encode_text(text, mode, representation, embed_dim=emb, seed=seed)
    out = 1 if enc.regression else len(enc.vocab)
    params = deep.init(
        cell,
        enc.X.shape[1],
        hidden,
        out,
        layers=layers,
        bidirectional=bidirectional,
        seed=seed,
        scale=scale,
        activation=act,
    )
    return run(enc, params)


def trained_run(model: TrainedModel, text: str) -> DeepRun:
    """A trained model (stacked or one layer) over the text in its own vocabulary; ValueError on unreadable text."""
    enc = explore.encode_for_model(text, model)
    params = model.params if isinstance(model.params, deep.DeepParams) else deep.from_single(model.cell, model.params)
    return run(enc, params.astype(np.float64))


# ---------------------------------------------------------------------------- which shipped model


@dataclass(frozen=True)
class ModelMatch:
    """The shipped model for a requested shape: exact, or the nearest one and what differs."""

    name: str
    exact: bool
    cell: str  # the model's
    layers: int
    bidirectional: bool
    wanted: tuple[str, int, bool]  # the requested (cell, layers, bidirectional)


def nearest_model(
    cell: str, level: str, layers: int, bidirectional: bool, rows: dict[str, pretrained.Shipped] | None = None
) -> ModelMatch:
    """The shipped model of `level` with this cell, layer count and direction, else the nearest one: the same cell
    first, then the closest number of layers, then the same direction, then registry order. ValueError only when
    no shipped model reads `level` at all."""
    rows = pretrained.SHIPPED if rows is None else rows
    candidates = [r for r in rows.values() if r.config.level == level]
    if not candidates:
        raise ValueError(f"no shipped model reads {level}")

    def distance(r: pretrained.Shipped) -> tuple[int, int, int]:
        return (r.config.cell != cell, abs(r.layers - layers), r.bidirectional != bidirectional)

    best = min(candidates, key=distance)  # min keeps the first of equals: registry order
    exact = distance(best) == (0, 0, 0)
    return ModelMatch(
        best.name, exact, best.config.cell, best.layers, best.bidirectional, (cell, layers, bidirectional)
    )
