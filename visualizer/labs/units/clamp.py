"""Switching units off: hold chosen units at a value (zero, or their mean) at every step, and rerun.

The clamped forward pass runs the cell one step at a time and, after each step, overwrites the chosen units:

    h_t[k] := v_k                              (state "h", every cell; from h_0 on)
    c_t[k] := v_k,  h_t[k] := o_t[k] tanh(v_k) (state "c", the LSTM: the output gate still reads the cell)

and the outputs are read from the clamped h_t: logits_t = W_hy h_t + b_y. What is exactly true (tested in
tests/unit/test_units.py): holding h_t[k] at 0 gives the same logits as an ordinary forward pass whose weights
leave unit k nowhere to go, i.e. column k of the recurrent matrix (W_hh; for the LSTM and GRU every gate block of
W_h) and column k of W_hy set to zero. For the LSTM, holding c_t[k] at 0 gives those logits too (h_t[k] =
o tanh(0) = 0, and c_t[k] reaches nothing but h_t[k]). Holding at a mean m is a column zeroed plus a bias shift
(b_h += W_hh[:, k] m and b_y += W_hy[:, k] m for the vanilla cell); for c at a mean it is not a weight edit.

Contrast prompts (visualizer.labs.memory_proof.memory): each of the n pairs gives 2 prompts; a prompt is right
when its own answer scores higher than the other prompt's answer, s = log P(answer | prompt) (chain rule over
the answer's tokens). All prompts run as one padded batch: the network reads left to right, so padding after a
prompt changes nothing before it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from visualizer.data import pretrained
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.memory_proof import memory
from visualizer.labs.units.activity import Activity, one_hot
from visualizer.nn import cells, rnn

CLAMP_TO = ("zero", "mean")


@dataclass(frozen=True)
class Clamp:
    """Which units to hold, at what, in which state."""

    units: tuple[int, ...]
    values: tuple[float, ...]  # one per unit
    state: str = "h"  # "h", or "c" (LSTM)

    @property
    def empty(self) -> bool:
        return not self.units


NONE = Clamp((), ())


def random_units(hidden: int, k: int, *, exclude: tuple[int, ...] = (), seed: int = 0) -> tuple[int, ...]:
    """k units drawn without replacement from an explicit generator, none of `exclude`: the control clamp."""
    pool = np.setdiff1d(np.arange(hidden), np.asarray(exclude, dtype=np.int64))
    k = min(k, pool.size)
    return tuple(sorted(int(u) for u in np.random.default_rng(seed).choice(pool, size=k, replace=False)))


def clamp_for(activity: Activity, units: tuple[int, ...], to: str, state: str) -> Clamp:
    """A Clamp holding `units` at zero or at their mean state over `activity` (the held-out story)."""
    if to not in CLAMP_TO:
        raise ValueError(f"clamp to one of {', '.join(CLAMP_TO)}")
    states = activity.states(state)
    values = tuple(0.0 if to == "zero" else float(states[:, u].mean()) for u in units)
    return Clamp(tuple(int(u) for u in units), values, state)


@dataclass(frozen=True)
class ClampedRun:
    hs: np.ndarray  # (T, [B,] H) the clamped h_t
    logits: np.ndarray  # (T, [B,] V)

    @property
    def probs(self) -> np.ndarray:
        return rnn.softmax(self.logits)


def run(model: TrainedModel, X: np.ndarray, clamp: Clamp = NONE) -> ClampedRun:
    """The model over one-hot X (T, [B,] V) with `clamp` applied after every step."""
    spec = cells.CELLS[model.cell]
    p: Any = model.params
    if clamp.state == "c" and model.cell != "lstm":
        raise ValueError("Only the LSTM has a cell state c_t to hold.")
    H = model.hidden_size
    units = np.asarray(clamp.units, dtype=np.int64)
    values = np.asarray(clamp.values, dtype=np.float64)
    state: Any = None
    if clamp.state == "h" and units.size:  # held from h_0 on, so holding at m is exactly a weight edit
        h0 = np.zeros((*X.shape[1:-1], H))
        h0[..., units] = values
        state = (h0, np.zeros_like(h0)) if model.cell == "lstm" else h0
    hs = np.empty((X.shape[0], *X.shape[1:-1], H))
    for t in range(X.shape[0]):
        tr = spec.forward(p, X[t : t + 1], state)
        h = np.array(tr.hs[1])
        if model.cell == "lstm":
            c = np.array(tr.cs[1])  # type: ignore[attr-defined]
            if clamp.state == "c" and units.size:
                o = tr.gates[0, ..., 3 * H :]  # type: ignore[attr-defined]
                c[..., units] = values
                h[..., units] = o[..., units] * np.tanh(values)
            elif units.size:
                h[..., units] = values
            state = (h, c)
        else:
            if units.size:
                h[..., units] = values
            state = h
        hs[t] = h
    logits = hs @ p.W_hy.T + p.b_y
    return ClampedRun(hs=hs, logits=logits)


def outgoing_zeroed(model: TrainedModel, units: tuple[int, ...]) -> TrainedModel:
    """The model with unit k's outgoing weights zeroed for every k: its column of the recurrent matrix (every gate
    block) and of W_hy. Its ordinary forward pass gives the logits of holding h_t[k] at 0."""
    arrays = model.params.as_dict()
    rec = "W_hh" if model.cell == "rnn" else "W_h"
    out = {}
    for name in (rec, "W_hy"):
        W = arrays[name].copy()
        W[:, list(units)] = 0.0
        out[name] = W
    return replace(model, params=replace(model.params, **out))  # type: ignore[type-var]


# ---------------------------------------------------------------------------- contrast prompts


def _ids(model: TrainedModel, text: str) -> np.ndarray:
    return pretrained.read_prompt(model, text)[0]


def score_batch(model: TrainedModel, items: list[tuple[np.ndarray, np.ndarray]], clamp: Clamp = NONE) -> np.ndarray:
    """log P(answer | prompt) for each (prompt ids, answer ids), all in one padded, clamped batch. Returns (B,)."""
    seqs = [np.concatenate([p, a])[:-1] for p, a in items]
    T = max(len(s) for s in seqs)
    ids = np.zeros((T, len(seqs)), np.int64)
    X = np.zeros((T, len(seqs), len(model.vocab)))
    for b, s in enumerate(seqs):
        ids[: len(s), b] = s
        X[np.arange(len(s)), b, s] = 1.0  # after its end a sequence reads zeros, which nothing before sees
    logp = np.log(np.maximum(run(model, X, clamp).probs, 1e-300))  # (T, B, V)
    out = np.empty(len(items))
    for b, (p, a) in enumerate(items):
        steps = np.arange(len(p) - 1, len(p) - 1 + len(a))
        out[b] = float(np.sum(logp[steps, b, a]))
    return out


@dataclass(frozen=True)
class ContrastEffect:
    """Contrast prompts before and after a clamp."""

    before: memory.ContrastResult
    after: memory.ContrastResult

    @property
    def n_prompts(self) -> int:
        return int(self.before.scores.shape[0] * 2)

    @staticmethod
    def _margin(r: memory.ContrastResult) -> np.ndarray:
        s = r.scores
        return np.stack([s[:, 0, 0] - s[:, 0, 1], s[:, 1, 1] - s[:, 1, 0]], axis=1)  # (n, 2) own - other

    @property
    def accuracy_change(self) -> float:
        return self.after.accuracy - self.before.accuracy

    @property
    def margin_change(self) -> float:
        """Mean change, over the prompts, of log P(own answer) - log P(other answer), in nats."""
        return float(np.mean(self._margin(self.after) - self._margin(self.before)))

    @property
    def flipped(self) -> int:
        """Prompts answered right before and wrong after (a tie counts as not right)."""
        return int(np.sum((self.before.correct == 1.0) & (self.after.correct < 1.0)))


def contrast_items(model: TrainedModel, pairs: list[memory.ContrastPair]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Both answers after both prompts of every pair, in memory.ContrastResult's order (i, j, m)."""
    items = []
    for pair in pairs:
        for prompt in (pair.prompt_a, pair.prompt_b):
            ids = _ids(model, prompt)
            for answer in (pair.answer_a, pair.answer_b):
                items.append((ids, memory.answer_ids(model.level, model.vocab, answer)))
    return items


def contrast_effect(model: TrainedModel, pairs: list[memory.ContrastPair], clamp: Clamp) -> ContrastEffect:
    """Contrast accuracy and margins without and with the clamp, on the same prompts."""
    items = contrast_items(model, pairs)
    n = len(pairs)
    before = score_batch(model, items, NONE).reshape(n, 2, 2)
    after = score_batch(model, items, clamp).reshape(n, 2, 2)
    return ContrastEffect(memory.ContrastResult(before), memory.ContrastResult(after))


def next_token(model: TrainedModel, prompt: str, clamp: Clamp = NONE) -> np.ndarray:
    """P(next token | prompt) with the clamp, (V,)."""
    ids = _ids(model, prompt)
    if ids.size == 0:
        raise ValueError("The prompt has no tokens.")
    return run(model, one_hot(model, ids), clamp).probs[-1]
