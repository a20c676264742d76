"""Vanilla RNN, LSTM and GRU trained side by side on a long-lag task, with the same data and budget.

Each cell of cells.CELLS reads the same batches of lagtasks (fresh sequences every step, from one
seeded generator) and is trained by the same recipe: the exact gradient of the last-step loss
(lagtasks.last_step_loss through the cell's own backward), then clipping of its global norm as a
separate step, then Adam (train.Adam):

    g = dL/dtheta (exact BPTT);   g <- g * c / ||g|| if ||g|| > c;   theta <- Adam(theta, g)

Every `eval_every` steps each cell is scored on one fixed test set (accuracy or MSE against the
baseline of lagtasks.baseline). `Race` advances in chunks, so a page can show it live and stop it.

The memory probe behind the vanishing gradient: at initialisation, the norm of the gradient of
one sequence's loss with respect to the first hidden state,

    || dL/dh_1 ||,  L = loss at step T,  averaged over sequences,

which for the vanilla cell shrinks geometrically with the lag (Bengio, Simard & Frasconi 1994), while
the LSTM's additive cell state c_t = f_t c_{t-1} + i_t g_t keeps it (Hochreiter & Schmidhuber 1997).
Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from visualizer.nn import cells
from visualizer.labs.long_lags import lagtasks
from visualizer.nn import rnn
from visualizer.nn.optim import Adam

CELL_NAMES = ("rnn", "lstm", "gru")
MAX_HIDDEN = 64
MAX_BATCH = 128
NEAR_CHANCE = 0.06  # a best test accuracy this close to chance counts as "stayed near chance" (noise of 512 tests)


@dataclass(frozen=True)
class LagConfig:
    """One race: the task, the lag and the budget every cell shares."""

    task: str = "first"  # a key of lagtasks.SPECS
    lag: int = 60  # L: steps between the clue and the question
    hidden: int = 32  # hidden size H, the same for every cell
    batch: int = 64  # sequences per step B
    lr: float = 0.003  # Adam's step size
    clipnorm: float = 1.0  # global-norm clip c, applied after the exact gradient
    steps: int = 1000  # training steps per cell: the budget
    keep_bias: float = 3.0  # LSTM forget-gate / GRU update-gate bias at the start: sigma(3) = 0.95 keeps
    seed: int = 0  # weights, training data and test set all derive from it
    eval_size: int = 512  # test sequences
    eval_every: int = 25  # steps between test scores

    def check(self) -> None:
        if self.task not in lagtasks.SPECS:
            raise ValueError(f"unknown task {self.task!r}; choose one of {', '.join(lagtasks.TASKS)}")
        lagtasks.check_lag(self.lag)
        if not 1 <= self.hidden <= MAX_HIDDEN:
            raise ValueError(f"the hidden size must be between 1 and {MAX_HIDDEN}")
        if not 1 <= self.batch <= MAX_BATCH:
            raise ValueError(f"the batch must be between 1 and {MAX_BATCH}")
        if not (self.lr > 0 and self.clipnorm > 0 and self.steps >= 1 and self.eval_every >= 1):
            raise ValueError("the learning rate, clip norm, steps and evaluation interval must be positive")


def init_cell(cell: str, config: LagConfig, dtype=np.float32):
    """The cell's own default initialisation (LSTM forget-gate bias 1), seeded by config.seed."""
    spec = lagtasks.SPECS[config.task]
    keep = {} if cell == "rnn" else {"forget_bias": config.keep_bias, "update_bias": config.keep_bias}
    return cells.CELLS[cell].init(
        spec.input_size, config.hidden, spec.output_size, seed=config.seed, dtype=dtype, **keep
    )


def loss_and_grads(cell: str, params, batch: lagtasks.LagBatch, task: str):
    """(mean last-step loss, {name: exact dL/dparam}, trace) for one batch."""
    spec = cells.CELLS[cell]
    trace = spec.forward(params, batch.X, fused_input=True)
    loss, dlogits = lagtasks.last_step_loss(task, trace.logits, batch.y)
    grads = spec.backward(params, trace, dlogits)
    return loss, {k[1:]: g for k, g in grads.params_dict().items()}, trace


@dataclass
class CellRun:
    """One cell's training state: parameters, optimiser, test curve and the seconds spent training."""

    cell: str
    params: Any  # the cell's parameter dataclass
    optimizer: Adam
    eval_steps: list[int] = field(default_factory=list)
    eval_values: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    seconds: float = 0.0  # CPU seconds of this thread spent training (not evaluating): fair on a shared machine
    solved_at: int | None = None  # first step whose test score counts as solved
    solved_seconds: float | None = None
    diverged: bool = False

    def train_step(self, batch: lagtasks.LagBatch, config: LagConfig) -> None:
        t0 = time.thread_time()
        loss, grads, _ = loss_and_grads(self.cell, self.params, batch, config.task)
        norm = rnn.global_norm(grads.values())
        if not (np.isfinite(norm) and np.isfinite(loss)):
            self.diverged = True
            return
        grads, _ = rnn.clip_arrays(grads, config.clipnorm, norm)  # the visible, separate step
        self.params = type(self.params)(**self.optimizer.update(self.params.as_dict(), grads))
        self.seconds += time.thread_time() - t0
        self.losses.append(loss)

    def evaluate(self, step: int, test: lagtasks.LagBatch, config: LagConfig, base: float) -> float:
        trace = cells.CELLS[self.cell].forward(self.params, test.X, fused_input=True)
        value = lagtasks.score(config.task, trace.logits, test.y)
        self.eval_steps.append(step)
        self.eval_values.append(value)
        if self.solved_at is None and lagtasks.solved(config.task, value, base):
            self.solved_at, self.solved_seconds = step, self.seconds
        return value

    @property
    def last(self) -> float:
        return self.eval_values[-1] if self.eval_values else float("nan")

    def best(self, higher_is_better: bool) -> float:
        if not self.eval_values:
            return float("nan")
        return max(self.eval_values) if higher_is_better else min(self.eval_values)


class Race:
    """Three cells, one data stream, one budget; advance in chunks of steps."""

    def __init__(
        self,
        config: LagConfig,
        cell_names: tuple[str, ...] = CELL_NAMES,
        *,
        dtype=np.float32,
        stop_solved: bool = False,
    ):
        config.check()
        self.config, self.dtype, self.stop_solved = config, dtype, stop_solved
        self.spec = lagtasks.SPECS[config.task]
        seeds = np.random.SeedSequence(config.seed).spawn(3)  # training data, test set, baseline sample
        self._data = np.random.default_rng(seeds[0])
        test_rng = np.random.default_rng(seeds[1])  # classes balanced, so chance is exactly 1/K
        self.test = lagtasks.make_batch(config.task, config.lag, config.eval_size, test_rng, dtype, balanced=True)
        reference = lagtasks.make_batch(config.task, config.lag, 4096, np.random.default_rng(seeds[2]), dtype)
        self.baseline = lagtasks.baseline(config.task, reference.y, self.test.y)
        self.runs = {c: CellRun(c, init_cell(c, config, dtype), Adam(config.lr)) for c in cell_names}
        self.step_count = 0
        for run in self.runs.values():
            run.evaluate(0, self.test, config, self.baseline)

    def _active(self, run: CellRun) -> bool:
        return not run.diverged and not (self.stop_solved and run.solved_at is not None)

    @property
    def done(self) -> bool:
        return self.step_count >= self.config.steps or not any(self._active(r) for r in self.runs.values())

    def advance(self, n_steps: int) -> None:
        """Train every cell on the same next n_steps batches (fewer if the budget ends first)."""
        cfg = self.config
        for _ in range(min(n_steps, cfg.steps - self.step_count)):
            batch = lagtasks.make_batch(cfg.task, cfg.lag, cfg.batch, self._data, self.dtype)
            self.step_count += 1
            active = [r for r in self.runs.values() if self._active(r)]
            if not active:
                break
            for run in active:
                run.train_step(batch, cfg)
            if self.step_count % cfg.eval_every == 0 or self.step_count == cfg.steps:
                for run in active:
                    run.evaluate(self.step_count, self.test, cfg, self.baseline)

    def summary(self) -> str:
        """One sentence: at this lag, which cells stayed at the baseline and which learned."""
        cfg, higher = self.config, self.spec.higher_is_better
        parts = []
        for name, run in self.runs.items():
            label = cells.CELLS[name].label
            best = run.best(higher)
            if run.diverged:
                parts.append(f"the {label} diverged")
            elif higher:
                if best - self.baseline < NEAR_CHANCE:
                    parts.append(f"the {label} stayed near chance (best {best:.0%}, chance {self.baseline:.0%})")
                else:
                    parts.append(f"the {label} reached {best:.0%}")
            elif best > 0.8 * self.baseline:
                parts.append(f"the {label} stayed near the mean predictor's MSE ({best:.3f})")
            else:
                parts.append(f"the {label} reached MSE {best:.3f}")
        joined = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        return f"At L = {cfg.lag}, after {self.step_count} steps, {joined}."


# ---------------------------------------------------------------------------- the gradient at the start


def start_gradient(cell: str, config: LagConfig, n: int = 64) -> float:
    """Mean over n sequences of ||dL/dh_1|| at initialisation, L = that sequence's last-step loss (float64)."""
    rng = np.random.default_rng(config.seed)
    batch = lagtasks.make_batch(config.task, config.lag, n, rng, np.float64)
    params = init_cell(cell, config, np.float64)
    spec = cells.CELLS[cell]
    trace = spec.forward(params, batch.X, fused_input=True)
    _, dlogits = lagtasks.last_step_loss(config.task, trace.logits, batch.y)
    dh1 = spec.backward(params, trace, dlogits * n).dh[0]  # (n, H): per-sequence loss, not the mean
    return float(np.mean(np.linalg.norm(dh1, axis=-1)))


# ---------------------------------------------------------------------------- success vs lag, shipped


SWEEP_FILE = "longlag_sweep.json"
SWEEP_LAGS = (5, 10, 20, 30, 45, 60, 80, 100)
GRADIENT_LAGS = (2, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100)
SWEEP_FORMAT = "rnn-visualizer-longlag/1"


def sweep(config: LagConfig, lags=SWEEP_LAGS, gradient_lags=GRADIENT_LAGS) -> dict:
    """Best test score of every cell at every lag within config.steps (a cell stops once solved),
    and ||dL/dh_1|| at initialisation for every lag in gradient_lags. A JSON-ready dict."""
    t_start, wall_start = time.thread_time(), time.perf_counter()
    out: dict = {
        "format": SWEEP_FORMAT,
        "task": config.task,
        "config": {k: getattr(config, k) for k in LagConfig.__dataclass_fields__ if k != "lag"},
        "lags": list(lags),
        "baseline": [],
        "cells": {c: {"best": [], "solved_at": [], "solved_seconds": [], "seconds": []} for c in CELL_NAMES},
        "gradient_lags": list(gradient_lags),
        "gradient": {c: [] for c in CELL_NAMES},
    }
    higher = lagtasks.SPECS[config.task].higher_is_better
    for lag in lags:
        race = Race(LagConfig(**{**out["config"], "lag": lag}), stop_solved=True)
        while not race.done:
            race.advance(config.eval_every)
        out["baseline"].append(race.baseline)
        for name, run in race.runs.items():
            row = out["cells"][name]
            row["best"].append(run.best(higher))
            row["solved_at"].append(run.solved_at)
            row["solved_seconds"].append(None if run.solved_seconds is None else round(run.solved_seconds, 2))
            row["seconds"].append(round(run.seconds, 2))
    for lag in gradient_lags:
        probe = LagConfig(**{**out["config"], "lag": lag})
        for name in CELL_NAMES:
            out["gradient"][name].append(start_gradient(name, probe))
    out["seconds"] = round(time.thread_time() - t_start, 1)  # CPU seconds on one core
    out["wall_seconds"] = round(time.perf_counter() - wall_start, 1)  # longer when the machine is shared
    return out


def largest_solved(result: dict) -> dict[str, int | None]:
    """The largest lag each cell solved in a sweep result (None if it solved none)."""
    found: dict[str, int | None] = {}
    for name, row in result["cells"].items():
        solved = [lag for lag, at in zip(result["lags"], row["solved_at"]) if at is not None]
        found[name] = max(solved) if solved else None
    return found


def _sweep_job(out_dir: Path) -> list[Path]:
    results = {task: sweep(LagConfig(task=task)) for task in lagtasks.TASKS}
    path = out_dir / SWEEP_FILE
    path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return [path]


def load_sweep(path: Path) -> dict | None:
    """The shipped sweep, by task, or None when the file is missing or not in this format."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or any(data.get(t, {}).get("format") != SWEEP_FORMAT for t in data):
        return None
    return data


PRETRAIN_JOBS: dict[str, Callable[[Path], list[Path]]] = {"longlag": _sweep_job}
