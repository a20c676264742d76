"""AppTest helpers: run a page by absolute path with a generous timeout."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def _run(page: str, params: dict | None = None, timeout: float = 30) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


@pytest.fixture
def run_page():
    """run_page('pages/1_Explorer.py', {'step': '3'}) -> a run AppTest."""
    return _run
