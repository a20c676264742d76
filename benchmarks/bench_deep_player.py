"""Benchmark (a script, not a test): what the deep explorer's payload costs the server, as ratios to the one-layer
payload of the same text and cell (what a change of text or settings costs; a step costs the server nothing).

For each cell, over the default text (T = 5) and a 40-word text: the run and its payload built once per
configuration, interleaved so each sees the same load; prints one JSON line per (cell, text) with the medians in
ms, the JSON size in kB and each ratio to the one-layer payload (plots.player.payload of explore.unroll).

    python -m benchmarks.bench_deep_player [--n 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from visualizer.data import encoding
from visualizer.labs.explorer import deep_run, explore
from visualizer.plots import deep_player, player

TEXTS = {
    "T=5": "the united states of america",
    "T=40": " ".join(["the cat sat on the mat and the dog ran to the park"] * 4)[:200],
}
SHAPES = ((2, False), (1, True), (3, True))


def _one_layer(cell: str, text: str) -> dict:
    enc = encoding.encode_text(text, "words", "onehot")
    return player.payload(explore.unroll(cell, enc, explore.make_params(cell, enc, 6, seed=0)))


def _deep(cell: str, text: str, layers: int, bidir: bool) -> dict:
    r = deep_run.random_run(
        text, "words", "onehot", cell=cell, layers=layers, bidirectional=bidir, emb=3, hidden=6, seed=0
    )
    return deep_player.payload(r)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=15)
    args = parser.parse_args(argv)
    for cell in ("rnn", "lstm", "gru"):
        for name, text in TEXTS.items():
            jobs = {"1 layer": lambda c=cell, t=text: _one_layer(c, t)}
            for layers, bidir in SHAPES:
                jobs[f"{layers}L{' bi' if bidir else ''}"] = lambda c=cell, t=text, L=layers, b=bidir: _deep(c, t, L, b)
            times: dict[str, list[float]] = {k: [] for k in jobs}
            sizes = {k: len(json.dumps(f())) / 1000 for k, f in jobs.items()}
            for _ in range(args.n):
                for k, f in jobs.items():
                    t0 = time.perf_counter()
                    f()
                    times[k].append((time.perf_counter() - t0) * 1000)
            med = {k: statistics.median(v) for k, v in times.items()}
            base = med["1 layer"]
            print(
                json.dumps(
                    {
                        "cell": cell,
                        "text": name,
                        "ms": {k: round(v, 1) for k, v in med.items()},
                        "ratio": {k: round(v / base, 2) for k, v in med.items()},
                        "kB": {k: round(v, 1) for k, v in sizes.items()},
                    }
                )
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
