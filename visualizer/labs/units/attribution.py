"""What mattered for every output: how much each earlier input counted, two ways, and how far back a cell looks.

For the output at step t, the token y_t it predicts, and the score L_t = z_t[y_t], its logit (before the softmax:
log p_t(y_t) saturates when p is near 1, and a confident prediction would then seem to owe nothing to anything):

    gradient x input   G[t, j] = (dL_t / dx_j) . x_j     exact BPTT (visualizer.nn), x_j one-hot, so this is the
                                                        gradient's entry at token j's own id
    occlusion          O[t, j] = L_t - L_t(x_j replaced by a neutral token: <unk> for words, a space for chars)

Positive: token j made y_t more likely. Gradient x input is a first-order (linear) estimate; occlusion is the
actual change of one edit; they need not agree (Ancona et al., 2018, "Towards better understanding of
gradient-based attribution methods for deep neural networks"). Every output of a sentence is explained at once:
gradient x input by one batched backward pass (sequence b carries only output b's loss), occlusion by one
batched forward pass of the sentence with each token replaced in turn.

How far back a cell looks: over windows of the held-out story, the mean |G| of the last output (the logit of the
true next token) on the input d steps back, divided by its value at d = 0. The half-life is the first distance where that curve falls to 1/2
(linear interpolation between whole steps); None when it stays above 1/2 over the whole window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.data.trained_model import TrainedModel
from visualizer.labs.memory_proof import memory
from visualizer.labs.units.activity import one_hot
from visualizer.nn import cells


@dataclass(frozen=True)
class Attributions:
    """Every output's attributions over the inputs up to it."""

    tokens: tuple[str, ...]  # (T,) inputs
    targets: tuple[str, ...]  # (T,) the token each output is explained for (its top prediction)
    target_p: np.ndarray  # (T,) p_t(y_t)
    grad_x_input: np.ndarray  # (T, T) row t: output t; entries j > t are 0 (the future cannot count)
    occlusion: np.ndarray  # (T, T) same layout


def _targets(model: TrainedModel, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    trace = cells.CELLS[model.cell].forward(model.params, one_hot(model, ids))
    probs = np.asarray(trace.probs)
    y = probs.argmax(axis=-1)
    return y, probs[np.arange(ids.size), y]


def grad_x_input(model: TrainedModel, ids: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """G[t, j] for every output t (score: the logit of targets[t]) and input j, by one batched backward pass. (T, T)"""
    T = ids.size
    spec = cells.CELLS[model.cell]
    X = np.repeat(one_hot(model, ids)[:, None, :], T, axis=1)  # (T, B=T, V): sequence b explains output b
    trace = spec.forward(model.params, X)
    dlogits = np.zeros_like(np.asarray(trace.logits))  # (T, B, V)
    b = np.arange(T)
    dlogits[b, b, targets] = 1.0  # d z_t[y] / d logits_t = onehot(y)
    dX = cells.input_grad(model.params, spec.backward(model.params, trace, dlogits))  # (T, B, V)
    G = dX[np.arange(T)[:, None], b[None, :], ids[:, None]].T  # (B, T): [output, input]
    return np.tril(G)


def occlusion(model: TrainedModel, ids: np.ndarray, targets: np.ndarray, replace_with: int) -> np.ndarray:
    """O[t, j] = z_t[y_t] - the same logit with token j replaced by `replace_with`, every t and j at once. (T, T)"""
    T = ids.size
    spec = cells.CELLS[model.cell]
    seqs = np.concatenate([ids[:, None], np.tile(ids[:, None], (1, T))], axis=1)  # (T, 1+T): column 0 unchanged
    seqs[np.arange(T), 1 + np.arange(T)] = replace_with
    logits = np.asarray(spec.forward(model.params, one_hot(model, seqs)).logits)  # (T, 1+T, V)
    z = logits[np.arange(T), :, targets]  # (T, 1+T) [output, sequence]
    return np.tril(z[:, :1] - z[:, 1:])


def attribute(model: TrainedModel, ids: np.ndarray) -> Attributions:
    """Both attributions for every output of the sentence `ids` (each explained for its top prediction)."""
    ids = np.asarray(ids, dtype=np.int64)
    if ids.size == 0:
        raise ValueError("The sentence has no tokens.")
    y, py = _targets(model, ids)
    neutral = memory.neutral_token(model)
    occluded = occlusion(model, ids, y, 0 if neutral is None else neutral)
    return Attributions(
        tokens=tuple(model.vocab.decode(ids)),
        targets=tuple(model.vocab.decode(y)),
        target_p=py,
        grad_x_input=grad_x_input(model, ids, y),
        occlusion=occluded,
    )


# ---------------------------------------------------------------------------- how far back a cell looks


@dataclass(frozen=True)
class Reach:
    """Mean |gradient x input| of the last output against the distance to the input, over held-out windows."""

    cell: str
    curve: np.ndarray  # (W,) normalised: curve[0] = 1, curve[d] = mean |G| at distance d / mean |G| at 0
    windows: int  # how many windows were averaged

    @property
    def half_life(self) -> float | None:
        return half_life(self.curve)


def half_life(curve: np.ndarray) -> float | None:
    """The first distance d (interpolated) where curve[d] <= curve[0] / 2; None if it never falls that far."""
    half = curve[0] / 2.0
    below = np.flatnonzero(curve <= half)
    if below.size == 0:
        return None
    d = int(below[0])
    if d == 0:
        return 0.0
    a, b = curve[d - 1], curve[d]
    return float(d - 1 + (a - half) / (a - b))


def reach(model: TrainedModel, ids: np.ndarray, *, window: int, windows: int = 64, seed: int = 0) -> Reach:
    """The attribution-vs-distance curve of the last output of `windows` windows of `ids` (the held-out story),
    each explained for its true next token. Window starts come from an explicit generator."""
    ids = np.asarray(ids, dtype=np.int64)
    if ids.size < window + 2:
        raise ValueError("The text is shorter than one window.")
    starts = np.sort(np.random.default_rng(seed).choice(ids.size - window - 1, size=windows, replace=False))
    seqs = np.stack([ids[s : s + window] for s in starts], axis=1)  # (W, B)
    nxt = ids[starts + window]  # (B,) the true next token after each window
    spec = cells.CELLS[model.cell]
    trace = spec.forward(model.params, one_hot(model, seqs))
    dlogits = np.zeros_like(np.asarray(trace.logits))
    dlogits[-1, np.arange(windows), nxt] = 1.0  # the logit of the true next token
    dX = cells.input_grad(model.params, spec.backward(model.params, trace, dlogits))  # (W, B, V)
    G = np.abs(np.take_along_axis(dX, seqs[..., None], axis=-1)[..., 0])  # (W, B)
    by_distance = G.mean(axis=1)[::-1]  # distance 0 = the last input
    return Reach(cell=model.cell, curve=by_distance / max(by_distance[0], 1e-300), windows=windows)
