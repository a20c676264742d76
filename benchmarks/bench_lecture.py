"""Costs of the lecture additions: the offline deck and sheet, and decoding with the shipped translator.

    python -m benchmarks.bench_lecture [--repeat 5]

Prints the median wall time of each piece over `repeat` runs (after one warm-up), the deck's size, and the cost of
beam search of every width as a ratio to greedy (width 1) on the default held-out sentence. Figures, not a
pass/fail test: the milliseconds depend on the machine and its load; the ratios much less.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from visualizer import deck, lesson_stops  # importing the library puts BLAS on one thread
from visualizer.labs.sequences import decoding, seqtasks
from visualizer.labs.sequences.seqnets import END


def timed(fn, repeat: int) -> float:
    """Median seconds of fn() over `repeat` runs, after one warm-up run."""
    fn()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    full, demo = tuple(lesson_stops.PATHS["full"]), lesson_stops.PATHS["demo"]
    out: dict[str, float | int | list[float]] = {
        "deck_full_ms": 1000 * timed(lambda: deck.deck_html(full), args.repeat),
        "deck_demo_ms": 1000 * timed(lambda: deck.deck_html(demo), args.repeat),
        "sheet_ms": 1000 * timed(lambda: deck.sheet_html(10, 16, 10), args.repeat),
        "deck_full_kb": len(deck.deck_html(full).encode()) // 1000,
        "deck_demo_kb": len(deck.deck_html(demo).encode()) // 1000,
    }
    model = seqtasks.load_shipped("encoder_decoder", True).model
    examples = seqtasks.load_dataset("encoder_decoder").test
    out["held_out_scan_ms"] = 1000 * timed(lambda: decoding.held_out(model, examples), args.repeat)
    index, _ = decoding.held_out(model, examples).pick(0)
    ex = examples[index]
    src = model.vocab_in.encode(list(ex.src), unknown="unk")
    ref = model.vocab_out.encode([*ex.tgt, END])
    out["compare_ms"] = 1000 * timed(lambda: decoding.compare(model, src, ref), args.repeat)
    beams = [timed(lambda k=k: decoding.beam_search(model, src, k), args.repeat) for k in range(1, 6)]
    out["beam_ms"] = [round(1000 * b, 2) for b in beams]
    out["beam_ratio_to_greedy"] = [round(b / beams[0], 2) for b in beams]
    for name, value in out.items():
        print(f"{name:>22}: {value if isinstance(value, (int, list)) else round(value, 1)}")
    print(json.dumps({k: v if isinstance(v, (int, list)) else round(v, 2) for k, v in out.items()}))


if __name__ == "__main__":
    main()
