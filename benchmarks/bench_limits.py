"""Long-lag race targets: at a lag where the vanilla RNN stays near chance, do LSTM and GRU pass 95 % in 60 s?

    python -m benchmarks.bench_limits [--lag 60] [--task first] [--steps 1000] [--seed 0]

Trains the three cells with the page's default budget (visualizer.labs.long_lags.longlag.LagConfig) on one BLAS thread,
prints one line per cell (best and last test score, the step and CPU seconds of training at which it was solved) and
one JSON line; then reads the shipped success-vs-lag sweep and prints the largest lag each cell solved there and
the seconds the sweep took. Figures, not a pass/fail test: the seconds depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # read when NumPy loads

from visualizer import ASSETS  # noqa: E402
from visualizer.labs.long_lags import lagtasks  # noqa: E402
from visualizer.labs.long_lags import longlag
from visualizer.content import race_notes

TARGET_SECONDS = 60.0


def race(task: str, lag: int, steps: int, seed: int) -> dict:
    """Run the race to its budget; a JSON-ready summary per cell."""
    cfg = longlag.LagConfig(task=task, lag=lag, steps=steps, seed=seed)
    t0 = time.perf_counter()
    r = longlag.Race(cfg)
    while not r.done:
        r.advance(cfg.eval_every)
    higher = r.spec.higher_is_better
    out = {
        "task": task,
        "lag": lag,
        "steps": steps,
        "baseline": round(r.baseline, 4),
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "summary": race_notes.summary(r),
        "cells": {},
    }
    for name, run in r.runs.items():
        out["cells"][name] = {
            "best": round(run.best(higher), 4),
            "last": round(run.last, 4),
            "solved_at": run.solved_at,
            "solved_seconds": None if run.solved_seconds is None else round(run.solved_seconds, 2),
            "train_cpu_seconds": round(run.seconds, 2),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="first", choices=lagtasks.TASKS)
    parser.add_argument("--lag", type=int, default=60)
    parser.add_argument("--steps", type=int, default=longlag.LagConfig.steps)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    result = race(args.task, args.lag, args.steps, args.seed)
    w = sys.stdout.write
    w(f"{result['summary']}\nbaseline {result['baseline']}\n")
    for name, c in result["cells"].items():
        solved = (
            f"solved at step {c['solved_at']} after {c['solved_seconds']} CPU s"
            f" ({'within' if c['solved_seconds'] <= TARGET_SECONDS else 'over'} {TARGET_SECONDS:.0f} s)"
            if c["solved_at"] is not None
            else "not solved"
        )
        w(f"{name:5s} best {c['best']:.4f} last {c['last']:.4f}  {solved}; {c['train_cpu_seconds']} CPU s training\n")
    sweep = longlag.load_sweep(ASSETS / "models" / longlag.SWEEP_FILE)
    if sweep is not None:
        result["sweep"] = {}
        for task, res in sweep.items():
            largest = longlag.largest_solved(res)
            result["sweep"][task] = {"largest_solved": largest, "seconds": res["seconds"]}
            w(f"shipped sweep '{task}' ({res['seconds']} CPU s): largest lag solved {largest}\n")
    w(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
