"""Shared test set-up: absolute paths and the --slow / --screenshots options."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", help="run the long fuzzing runs")
    parser.addoption("--screenshots", action="store_true", help="write README screenshots into assets/")


def pytest_collection_modifyitems(config, items):
    """Without --slow the opt-in tier is deselected, not skipped: CI fails on any skipped browser test
    (.ci/check_browser_ran.py), and a test of the other tier is not one that could not run."""
    if config.getoption("--slow"):
        return
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker("slow") is None]
