"""Shipped models are reproducible by one command: bit for bit on the numeric platform that made them, to the same
quality (within the manifest's tolerances) on any other.

The fast tier retrains the smallest model of each family; `pytest --slow` (make test-all) retrains every job.
"""

from __future__ import annotations

import pytest

from visualizer import pretrain
from visualizer.labs import manifest

SHIPPED = manifest.read()
HERE = manifest.current_platform()
# One small job per family, fast enough (~1-3 s each) for every run of the suite.
FAST = ("rnn-words", "seqtask_many_to_one", "seqtask_one_to_one")


def _retrain(name: str, tmp_path):
    return pretrain.jobs()[name](tmp_path)


def _files_of(name: str) -> list[str]:
    if name == "longlag":
        return ["longlag_sweep.json"]
    if name == "seqtask_encoder_decoder":
        return ["seqtask_encoder_decoder.npz", "seqtask_encoder_decoder_attention.npz"]
    return [f"{name}.npz"]


def _skip_unless_same_platform(file: str) -> None:
    made = SHIPPED["files"][file]["platform"]
    if not manifest.same_numeric_platform(made, HERE):
        pytest.skip(
            f"bit-for-bit holds only on the platform that made {file}: made on {manifest.describe_platform(made)}, "
            f"running on {manifest.describe_platform(HERE)}"
        )


# ---------------------------------------------------------------------------- the manifest


def test_the_manifest_lists_every_shipped_file_with_its_hash_platform_and_quality():
    on_disk = sorted(p.name for p in manifest.MODELS_DIR.iterdir() if p.name != manifest.MANIFEST_NAME)
    assert sorted(SHIPPED["files"]) == on_disk
    jobs = pretrain.jobs()
    assert sorted(f for name in jobs for f in _files_of(name)) == on_disk  # every file has a job that makes it
    for name, entry in SHIPPED["files"].items():
        assert manifest.sha256(manifest.MODELS_DIR / name) == entry["sha256"], f"{name} changed without its manifest"
        assert set(manifest.NUMERIC_KEYS) | {"cpu"} <= set(entry["platform"])
        assert entry["quality"] and all(manifest.tolerance(m) for m in entry["quality"])


@pytest.mark.parametrize("name", ["rnn-words", "gru-chars", "seqtask_many_to_many.npz", "longlag_sweep.json"])
def test_the_recorded_quality_is_what_the_file_measures(name):
    file = name if "." in name else f"{name}.npz"
    recorded = SHIPPED["files"][file]["quality"]
    assert manifest.quality(manifest.MODELS_DIR / file) == pytest.approx(
        recorded, rel=1e-6
    )  # evaluation sums by BLAS too


# ---------------------------------------------------------------------------- the comparison, where it flips


@pytest.mark.parametrize(
    "metric,shipped,retrained,ok",
    [
        ("heldout_loss", 2.0, 2.09, True),  # lower is better: a little worse is within 0.10
        ("heldout_loss", 2.0, 2.11, False),
        ("heldout_loss", 2.0, 1.5, True),  # better is always fine
        ("contrast_accuracy", 0.8, 0.66, True),
        ("contrast_accuracy", 0.8, 0.64, False),
        ("accuracy", 0.95, 0.91, True),
        ("accuracy", 0.95, 0.89, False),
        ("mean_best_accuracy.first.lstm", 0.9, 0.79, False),
        ("mean_best_mse.adding.lstm", 0.01, 0.039, True),
        ("mean_best_mse.adding.lstm", 0.01, 0.041, False),
        ("heldout_loss", 2.0, float("nan"), False),
    ],
)
def test_quality_comparison_flips_at_the_tolerance(metric, shipped, retrained, ok):
    (c,) = manifest.compare_quality("f.npz", {metric: shipped}, {metric: retrained})
    assert c.ok is ok
    assert ("ok" if ok else "WORSE") in str(c)


def test_another_platform_is_compared_by_quality_and_the_reason_names_both(tmp_path, monkeypatch):
    (path,) = _retrain("seqtask_one_to_one", tmp_path)
    other = {**HERE, "blas_core": "Katmai", "cpu": "Some Other CPU"}
    monkeypatch.setattr(manifest, "current_platform", lambda: other)
    result = manifest.check(path, manifest=SHIPPED)
    assert result.bit_exact is None and result.ok
    made = manifest.describe_platform(SHIPPED["files"][path.name]["platform"])
    assert made in result.reason and manifest.describe_platform(other) in result.reason


def test_a_different_file_on_the_same_platform_fails_the_bit_for_bit_check(tmp_path):
    (path,) = _retrain("seqtask_one_to_one", tmp_path)
    shipped = {"format": manifest.FORMAT, "files": {path.name: {**SHIPPED["files"][path.name], "platform": HERE}}}
    shipped["files"][path.name]["sha256"] = "0" * 64
    result = manifest.check(path, manifest=shipped)
    assert result.bit_exact is False and not result.ok


def test_the_pretrain_check_command_reports_and_exits_by_the_result(capsys):
    assert pretrain.main(["--check", "seqtask_one_to_one"]) == 0
    out = capsys.readouterr().out
    assert "seqtask_one_to_one.npz" in out and "accuracy" in out and "all files reproduced" in out


# ---------------------------------------------------------------------------- retraining


def _check_job(name: str, tmp_path) -> None:
    for path in _retrain(name, tmp_path):
        result = manifest.check(path, manifest=SHIPPED)
        assert all(c.ok for c in result.comparisons), "\n".join(map(str, result.comparisons))


@pytest.mark.parametrize("name", FAST)
def test_retraining_reaches_the_shipped_quality_on_any_machine(name, tmp_path):
    _check_job(name, tmp_path)


@pytest.mark.parametrize("name", FAST)
def test_retraining_gives_the_shipped_file_bit_for_bit_on_its_platform(name, tmp_path):
    for file in _files_of(name):
        _skip_unless_same_platform(file)
    for path in _retrain(name, tmp_path):
        assert manifest.sha256(path) == SHIPPED["files"][path.name]["sha256"], path.name


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in pretrain.jobs() if n not in FAST])
def test_every_job_reaches_the_shipped_quality(name, tmp_path):
    _check_job(name, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in pretrain.jobs() if n not in FAST and n != "longlag"])
def test_every_model_is_bit_for_bit_on_its_platform(name, tmp_path):
    for file in _files_of(name):
        _skip_unless_same_platform(file)
    for path in _retrain(name, tmp_path):
        assert manifest.sha256(path) == SHIPPED["files"][path.name]["sha256"], path.name
