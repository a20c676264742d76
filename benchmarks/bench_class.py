"""A class training at once, without the web server: what the shared workers give each student.

    python -m benchmarks.bench_class --students 50 --seconds 20

prints JSON lines, on the Train page's default model (vanilla RNN, H = 64, T = 25, B = 16, the story,
its held-out curve):

- ``cost``: CPU per training step measured in a worker (chunks of ~80 ms, everything a chunk pays:
  the trip to the worker and back, P(America), the held-out loss on its schedule), and what admission
  makes of it: ``admits`` = how many students the workers can give the slowest useful pace
  (scheduler.MIN_PACE steps/s) with UTILISATION of their CPU -- the threshold above which Train
  queues -- and ``watch_fits`` = how many fit at the "watch" pace;
- ``alone``: one "fast" student alone: steps/s (one worker's throughput);
- ``fast``: N "fast" students at once: per-student steps, their spread, and the total throughput as a
  ratio of one student alone (target >= 0.8), the CPU share of each (target within +-20 %);
- ``watch``: N students at the "watch" pace: per-student steps/s (target >= 5) and slowest/fastest;
- each class then presses Stop together: ``stop_ms_*`` is how long each Stop waited (its chunk in flight).

The machine is shared: the load average is printed beside each line; compare ratios, not absolute rates.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time

from visualizer.data import corpus as corpus_module
from visualizer.data import pretrained
from visualizer.labs.training import train
from visualizer.serving import scheduler
from visualizer.serving.service import TrainingService

WATCH_PACE = 10.0  # = visualizer.ui.trainer_turn.WATCH_PACE (the UI layer is not imported here)


def default_trainer(seed: int = 0) -> train.Trainer:
    """The Train page's default run: vanilla RNN on the story, its held-out text scored on schedule."""
    text = corpus_module.default_corpus()
    corpus = corpus_module.build_corpus(text, "chars")
    held = corpus_module.build_corpus(pretrained.heldout_text(), "chars", vocab=corpus.vocab).ids
    cfg = train.TrainConfig(cell="rnn", level="chars", hidden=64, window=25, batch=16, seed=seed)
    return train.Trainer(corpus, cfg, heldout=held)


def run_class(service: TrainingService, n: int, pace: float | None, seconds: float) -> dict:
    """n students press Train at once; after `seconds`, the steps each got."""
    trainers = [default_trainer(seed=i) for i in range(n)]
    jobs = [service.start(t, until_step=10**9, pace=pace) for t in trainers]  # everyone presses Train at once
    open_tabs = threading.Event()

    def pages() -> None:  # each open page shows its training every second (a heartbeat, as the Train page)
        while not open_tabs.wait(1.0):
            for j in jobs:
                service.share(j)

    threading.Thread(target=pages, daemon=True).start()
    time.sleep(min(2.0, seconds / 4))  # past the first chunks (process start, first measurements)
    t0, s0 = time.monotonic(), [j.trainer.step_count for j in jobs]
    cpu0 = service.worker_cpu_s
    time.sleep(seconds)
    open_tabs.set()
    elapsed = time.monotonic() - t0
    steps = [j.trainer.step_count - s for j, s in zip(jobs, s0)]
    cpu = service.worker_cpu_s - cpu0
    admitted = service.counts()
    stop_ms = []
    for j in jobs:  # the whole class presses Stop together: each waits at most for its own chunk in flight
        t = time.perf_counter()
        service.stop(j)
        stop_ms.append(1000 * (time.perf_counter() - t))
    stop_ms.sort()
    rates = [s / elapsed for s in steps]
    mean = statistics.fmean(steps)
    return {
        "students": n,
        "pace": pace or "fast",
        "seconds": round(elapsed, 1),
        "training_queued": admitted,
        "steps_per_student": steps,
        "steps_per_s_min": round(min(rates), 1),
        "steps_per_s_median": round(statistics.median(rates), 1),
        "steps_per_s_max": round(max(rates), 1),
        "steps_per_s_total": round(sum(rates), 1),
        "fastest_over_slowest": round(max(rates) / max(min(rates), 1e-9), 2),
        "share_max_dev_from_mean": round(max(abs(s - mean) for s in steps) / max(mean, 1e-9), 3),
        "worker_cpu_share": round(cpu / elapsed / service.workers, 2),
        "stop_ms_p50": round(stop_ms[len(stop_ms) // 2], 1),
        "stop_ms_p95": round(stop_ms[min(len(stop_ms) - 1, int(0.95 * len(stop_ms)))], 1),
        "stop_ms_max": round(stop_ms[-1], 1),
        "load_avg_1min": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, default=50)
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--workers", type=int, default=None, help="default: usable cores - 1 (RNNVIS_TRAINERS)")
    args = p.parse_args()
    service = TrainingService(args.workers)
    try:
        alone = run_class(service, 1, None, args.seconds)
        step_s = service.worker_cpu_s / max(1, sum(alone["steps_per_student"]))  # includes the warm-up chunks
        sched = service.scheduler
        cost = {
            "workers": service.workers,
            "cpu_ms_per_step": round(1000 * step_s, 3),
            "min_pace": sched.min_pace,
            "utilisation": sched.utilisation,
            "admits": sched.capacity_students(step_s),
            "watch_fits": int(sched.utilisation * service.workers / (WATCH_PACE * step_s)),
            "chunk_ms": round(1000 * scheduler.CHUNK_S),
            "load_avg_1min": round(os.getloadavg()[0], 2),
        }
        print(json.dumps({"cost": cost}), flush=True)
        print(json.dumps({"alone": alone}), flush=True)
        fast = run_class(service, args.students, None, args.seconds)
        fast["throughput_vs_alone"] = round(fast["steps_per_s_total"] / alone["steps_per_s_total"], 2)
        print(json.dumps({"fast": fast}), flush=True)
        print(json.dumps({"watch": run_class(service, args.students, WATCH_PACE, args.seconds)}), flush=True)
    finally:
        service.close()


if __name__ == "__main__":
    main()
