"""Shared test set-up: absolute paths and the --slow / --screenshots options."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", help="run the long fuzzing runs")
    parser.addoption("--screenshots", action="store_true", help="write README screenshots into assets/")


def pytest_collection_modifyitems(config, items):
    skip_slow = pytest.mark.skip(reason="long run: pass --slow")
    for item in items:
        if "slow" in item.keywords and not config.getoption("--slow"):
            item.add_marker(skip_slow)
