"""Benchmark (a script, not a test): what depth and a second direction cost, as ratios to one layer, one direction.

For each cell, times the exact forward + backward of nn/deep.py on one batch (T = 24, B = 16, one-hot V = 129,
H = 48: the story models' training shape) for (layers, bidirectional) in (1, no) (2, no) (3, no) (1, yes)
(3, yes), and the same work by the cell's own one-layer forward/backward (the identity read-out trick of deep.py
should cost little over it). Runs are interleaved so every configuration sees the same machine load; prints one
JSON line per cell with the medians in ms and each ratio to (1 layer, one direction).

    python -m benchmarks.bench_deep [--n 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from visualizer.nn import cells, deep, rnn

SHAPES = ((1, False), (2, False), (3, False), (1, True), (3, True))


def _deep_step(params, X, targets):
    trace = deep.forward(params, X, fused_input=True)
    _, dlogits = rnn.cross_entropy(trace.probs, targets)
    deep.backward(params, trace, dlogits, input_grad=False)  # as the Trainer calls it


def _cell_step(cell, params, X, targets):
    spec = cells.CELLS[cell]
    trace = spec.forward(params, X, None, fused_input=True)
    _, dlogits = rnn.cross_entropy(trace.probs, targets)
    spec.backward(params, trace, dlogits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=30, help="timed repetitions of each configuration")
    args = parser.parse_args(argv)
    T, B, V, H = 24, 16, 129, 48
    rng = np.random.default_rng(0)
    ids = rng.integers(0, V, (T, B))
    X = np.eye(V)[ids]  # (T, B, V)
    targets = rng.integers(0, V, (T, B))
    for cell in cells.CELLS:
        nets = {s: deep.init(cell, V, H, V, layers=s[0], bidirectional=s[1], seed=0) for s in SHAPES}
        single = cells.CELLS[cell].init(V, H, V, seed=0)
        runs: dict[str, list[float]] = {"cell": [], **{f"L{s[0]}{'-bi' if s[1] else ''}": [] for s in SHAPES}}
        for _ in range(args.n):
            t0 = time.perf_counter()
            _cell_step(cell, single, X, targets)
            runs["cell"].append(time.perf_counter() - t0)
            for s, p in nets.items():
                t0 = time.perf_counter()
                _deep_step(p, X, targets)
                runs[f"L{s[0]}{'-bi' if s[1] else ''}"].append(time.perf_counter() - t0)
        med = {k: statistics.median(v) * 1000 for k, v in runs.items()}
        base = med["L1"]
        out = {
            "cell": cell,
            "median_ms": {k: round(v, 2) for k, v in med.items()},
            "ratio_to_L1": {k: round(v / base, 2) for k, v in med.items()},
        }
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
