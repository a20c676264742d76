"""Train every model the app ships, reproducibly: ``python -m visualizer.pretrain [NAME ...] [--list] [--check]``.

Each job is seeded, runs on one BLAS thread and writes small files under ``assets/models/`` (or ``--out``), and
the manifest beside them (assets/models/MANIFEST.json) records each file's hash, the numeric platform that made
it (NumPy version, BLAS library, version and core type, machine, CPU model) and its quality.

Reproducible means two things, by platform (visualizer/labs/manifest.py):
- on the numeric platform that made a file, the command gives the same file, bit for bit;
- anywhere else (another CPU makes OpenBLAS pick another kernel, which sums in another order, and training is
  chaotic), it gives other weights of the same quality: held-out loss, contrast accuracy and task accuracy within
  the tolerances of manifest.TOLERANCES.

``--check`` retrains into a temporary folder and compares with the shipped files by whichever of the two applies;
it writes nothing under assets/. Jobs live beside the maths they train: every module in ``MODULES`` that exists
exposes ``PRETRAIN_JOBS``, a dict of name -> ``job(out_dir: Path) -> list[Path]``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from visualizer import ASSETS  # importing the library puts BLAS on one thread
from visualizer.labs import manifest

MODELS_DIR = ASSETS / "models"
# Modules that contribute jobs (language models, sequence-type tasks, long-lag tasks).
MODULES = (
    "visualizer.labs.training.story_models",
    "visualizer.labs.sequences.seqtasks",
    "visualizer.labs.long_lags.longlag",
)

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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="jobs to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the jobs and exit")
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="where the .npz files go")
    parser.add_argument(
        "--check",
        action="store_true",
        help="retrain into a temporary folder and compare with the shipped files (bit for bit on the platform "
        "that made them, by quality elsewhere); writes nothing",
    )
    args = parser.parse_args(argv)
    table = jobs()
    if args.list:
        sys.stdout.write("\n".join(table) + "\n")
        return 0
    unknown = [n for n in args.names if n not in table]
    if unknown:
        parser.error(f"unknown job(s): {', '.join(unknown)}; known: {', '.join(table)}")
    if args.check:
        return check(table, args.names or list(table))
    args.out.mkdir(parents=True, exist_ok=True)
    total = time.perf_counter()
    for name in args.names or list(table):
        t0 = time.perf_counter()
        written = table[name](args.out)
        size = sum(p.stat().st_size for p in written)
        manifest.record(written, args.out)
        sys.stdout.write(f"{name}: {len(written)} file(s), {size / 1024:.0f} KiB, {time.perf_counter() - t0:.1f} s\n")
    platform = manifest.describe_platform(manifest.current_platform())
    sys.stdout.write(f"all: {time.perf_counter() - total:.1f} s; platform: {platform}\n")
    return 0


def check(table: dict[str, Job], names: list[str]) -> int:
    """Retrain `names` into a temporary folder and compare each file with the shipped one; 1 if any is worse."""
    shipped = manifest.read()
    failed = 0
    sys.stdout.write(f"this platform: {manifest.describe_platform(manifest.current_platform())}\n")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            for path in table[name](Path(tmp)):
                result = manifest.check(path, manifest=shipped)
                failed += not result.ok
                exact = {True: "bit for bit: identical", False: "bit for bit: DIFFERENT", None: result.reason}
                sys.stdout.write(f"{path.name}: {exact[result.bit_exact]}\n")
                for c in result.comparisons:
                    sys.stdout.write(f"  {c}\n")
    sys.stdout.write("all files reproduced\n" if not failed else f"{failed} file(s) not reproduced\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
