"""The shipped models' manifest: for every file under assets/models/, its hash, the numeric platform that made it,
and the quality it reaches.

Training is chaotic, and a BLAS kernel chosen for another CPU sums in another order, so retraining with
``python -m visualizer.pretrain`` gives the same bytes only on the numeric platform that made a file (same NumPy,
same BLAS library and version, same BLAS core type, same machine architecture). Anywhere else it gives a model
of the same quality, within the tolerances in `TOLERANCES`. assets/models/MANIFEST.json records both, and
``python -m visualizer.pretrain --check`` retrains and compares by whichever of the two applies.

Quality, per kind of file:
    language models   held-out loss (nats/token) and contrast-pair accuracy (proof.measure)
    task models       accuracy on the task's evaluation split (seqtasks)
    long-lag sweep    each cell's mean best test score over the lags, per task (longlag.sweep): accuracy on
                      "remember the first symbol", mean squared error on the adding problem
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from visualizer import ASSETS

MODELS_DIR = ASSETS / "models"
MANIFEST_NAME = "MANIFEST.json"
FORMAT = "rnn-visualizer-manifest/1"

# The fields that decide the bits a training run produces; the CPU model is recorded for people to read.
NUMERIC_KEYS = ("numpy", "blas", "blas_version", "blas_core", "machine")

# How far a retrained model may sit from the shipped one, by metric: (direction, absolute tolerance).
# "lower" = lower is better, "higher" = higher is better; a retrained value may be worse by at most the tolerance.
# Measured across OpenBLAS core types (SkylakeX, Haswell, Sandybridge, Prescott): the largest drift seen was 0.023 nats
# of held-out loss and 0.10 of contrast accuracy (rnn-chars); see the README's "Shipped models".
TOLERANCES: dict[str, tuple[str, float]] = {
    "heldout_loss": ("lower", 0.10),  # nats per token
    "contrast_accuracy": ("higher", 0.15),  # 80 prompts (40 pairs x 2): ~3 standard errors of an accuracy near 0.7
    "accuracy": ("higher", 0.05),
    "mean_best_accuracy": ("higher", 0.10),
    "mean_best_mse": ("lower", 0.03),
}


def cpu_model() -> str:
    """The CPU's model name, as /proc/cpuinfo (or the platform module) gives it."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def current_platform() -> dict[str, str]:
    """The numeric platform this process computes on."""
    blas = {"internal_api": "unknown", "version": "unknown", "architecture": "unknown"}
    try:
        from threadpoolctl import threadpool_info

        found = [lib for lib in threadpool_info() if lib.get("user_api") == "blas"]
        if found:
            blas = found[0]
    except ImportError:  # pragma: no cover - threadpoolctl is in requirements.txt
        pass
    return {
        "numpy": np.__version__,
        "blas": str(blas.get("internal_api")),
        "blas_version": str(blas.get("version")),
        "blas_core": str(blas.get("architecture")),
        "machine": platform.machine(),
        "cpu": cpu_model(),
    }


def numeric(plat: dict[str, str]) -> tuple[str, ...]:
    return tuple(plat.get(k, "?") for k in NUMERIC_KEYS)


def describe_platform(plat: dict[str, str]) -> str:
    """'NumPy 2.4.6, openblas 0.3.31 (SkylakeX), x86_64, AMD EPYC'."""
    return (
        f"NumPy {plat.get('numpy', '?')}, {plat.get('blas', '?')} {plat.get('blas_version', '?')} "
        f"({plat.get('blas_core', '?')}), {plat.get('machine', '?')}, {plat.get('cpu', '?')}"
    )


def same_numeric_platform(a: dict[str, str], b: dict[str, str]) -> bool:
    return numeric(a) == numeric(b)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------- quality


def quality(path: Path) -> dict[str, float]:
    """What a shipped file is for, measured: the metrics `TOLERANCES` knows, by kind of file."""
    from visualizer.data import pretrained, trained_model
    from visualizer.labs.long_lags import lagtasks, longlag
    from visualizer.labs.memory_proof import proof
    from visualizer.labs.sequences import seqtasks

    stem = path.stem
    if stem in pretrained.SHIPPED:
        model = trained_model.load_npz(path.read_bytes())
        measured = proof.measure(model)
        return {"heldout_loss": measured.heldout_loss, "contrast_accuracy": measured.network.accuracy}
    if stem.startswith("seqtask_"):
        return {"accuracy": float(seqtasks.load_npz(path.read_bytes()).heldout)}
    if path.name == longlag.SWEEP_FILE:
        data = longlag.load_sweep(path) or {}
        kind = {t: "accuracy" if lagtasks.SPECS[t].higher_is_better else "mse" for t in data}
        return {
            f"mean_best_{kind[task]}.{task}.{cell}": float(np.mean(result["best"]))
            for task, sweep in sorted(data.items())
            for cell, result in sorted(sweep["cells"].items())
        }
    raise ValueError(f"no quality measure for {path.name}")


def tolerance(metric: str) -> tuple[str, float]:
    return TOLERANCES[metric.split(".", 1)[0]]


@dataclass(frozen=True)
class Comparison:
    """One metric of a retrained file against the shipped one."""

    file: str
    metric: str
    shipped: float
    retrained: float
    ok: bool

    def __str__(self) -> str:
        better, tol = tolerance(self.metric)
        verdict = "ok" if self.ok else "WORSE"
        return (
            f"{self.file} {self.metric}: shipped {self.shipped:.4f}, retrained {self.retrained:.4f} "
            f"({better} is better, tolerance {tol:g}): {verdict}"
        )


def compare_quality(file: str, shipped: dict[str, float], retrained: dict[str, float]) -> list[Comparison]:
    """Each shipped metric against the retrained one; ok when the retrained is no worse than the tolerance allows."""
    out = []
    for metric, value in shipped.items():
        better, tol = tolerance(metric)
        new = retrained[metric]
        ok = new <= value + tol if better == "lower" else new >= value - tol
        out.append(Comparison(file, metric, value, new, bool(ok and np.isfinite(new))))
    return out


# ---------------------------------------------------------------------------- the file


def read(models_dir: Path = MODELS_DIR) -> dict[str, Any]:
    """The manifest as a dict ({'format', 'files': {name: entry}}); an empty one when there is none."""
    path = models_dir / MANIFEST_NAME
    if not path.exists():
        return {"format": FORMAT, "files": {}}
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} manifest")
    return data


def entry(path: Path, plat: dict[str, str] | None = None) -> dict[str, Any]:
    """The manifest entry of a freshly written file, made on `plat` (default: this process's platform)."""
    return {
        "sha256": sha256(path),
        "platform": plat or current_platform(),
        "quality": quality(path),
    }


def record(paths: list[Path], models_dir: Path = MODELS_DIR) -> Path:
    """Write (or update) the entries of `paths` in the manifest beside them."""
    data = read(models_dir)
    plat = current_platform()
    for p in paths:
        data["files"][p.name] = entry(p, plat)
    data["files"] = dict(sorted(data["files"].items()))
    out = models_dir / MANIFEST_NAME
    out.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return out


@dataclass(frozen=True)
class Check:
    """A retrained file checked against the shipped one: bit for bit where the platform allows, else by quality."""

    file: str
    bit_exact: bool | None  # None: not comparable here (another numeric platform)
    comparisons: list[Comparison]
    reason: str

    @property
    def ok(self) -> bool:
        return self.bit_exact is not False and all(c.ok for c in self.comparisons)


def check(retrained: Path, models_dir: Path = MODELS_DIR, manifest: dict[str, Any] | None = None) -> Check:
    """Compare a retrained file with the shipped file of the same name, as the manifest says it was made."""
    manifest = manifest or read(models_dir)
    shipped = manifest["files"].get(retrained.name)
    if shipped is None:
        raise ValueError(
            f"{retrained.name} is not in {models_dir / MANIFEST_NAME}: run `python -m visualizer.pretrain`"
        )
    here = current_platform()
    comparisons = compare_quality(retrained.name, shipped["quality"], quality(retrained))
    if same_numeric_platform(here, shipped["platform"]):
        if retrained.name == "longlag_sweep.json":  # it records wall-clock seconds: compare the scores only
            return Check(retrained.name, None, comparisons, "the sweep records timings; scores compared")
        exact = sha256(retrained) == shipped["sha256"]
        return Check(retrained.name, exact, comparisons, "same numeric platform: compared bit for bit")
    reason = (
        f"made on {describe_platform(shipped['platform'])}; retrained on {describe_platform(here)}: "
        "another numeric platform, so compared by quality only"
    )
    return Check(retrained.name, None, comparisons, reason)
