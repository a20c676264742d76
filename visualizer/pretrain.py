"""Train every model the app ships, reproducibly: ``python -m visualizer.pretrain [NAME ...] [--list]``.

Each job is seeded, runs on one BLAS thread and writes small ``.npz`` files under ``assets/models/`` (or ``--out``),
so the same command on any machine gives the same weights. Jobs live beside the maths they train: every module in
``MODULES`` that exists exposes ``PRETRAIN_JOBS``, a dict of name -> ``job(out_dir: Path) -> list[Path]``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __name__ == "__main__":
    # Read by OpenBLAS when NumPy loads: set before the first import of NumPy.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from visualizer import ASSETS  # noqa: E402

MODELS_DIR = ASSETS / "models"
# Modules that contribute jobs (language models, sequence-type tasks, long-lag tasks).
MODULES = ("visualizer.data.pretrained", "visualizer.labs.sequences.seqtasks", "visualizer.labs.long_lags.longlag")

Job = Callable[[Path], list[Path]]


def jobs() -> dict[str, Job]:
    """Every registered job, by name, in module order."""
    found: dict[str, Job] = {}
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        found.update(getattr(module, "PRETRAIN_JOBS", {}))
    return found


def main(argv: list[str] | None = None) -> int:

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="jobs to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the jobs and exit")
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="where the .npz files go")
    args = parser.parse_args(argv)
    table = jobs()
    if args.list:
        sys.stdout.write("\n".join(table) + "\n")
        return 0
    unknown = [n for n in args.names if n not in table]
    if unknown:
        parser.error(f"unknown job(s): {', '.join(unknown)}; known: {', '.join(table)}")
    args.out.mkdir(parents=True, exist_ok=True)
    total = time.perf_counter()
    for name in args.names or list(table):
        t0 = time.perf_counter()
        written = table[name](args.out)
        size = sum(p.stat().st_size for p in written)
        sys.stdout.write(
            f"{name}: {len(written)} file(s), {size / 1024:.0f} KiB, {time.perf_counter() - t0:.1f} s\n"
        )
    sys.stdout.write(f"all: {time.perf_counter() - total:.1f} s\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
