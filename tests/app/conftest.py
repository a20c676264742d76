"""The one AppTest helper: a page by absolute path, with a generous timeout and optional URL parameters."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def new_app(script: str, params: dict | None = None, timeout: float = 60) -> AppTest:
    """An AppTest for `script` (e.g. 'pages/1_Explorer.py') with query params set, not yet run."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=timeout)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at


def _run(script: str, params: dict | None = None, timeout: float = 60) -> AppTest:
    return new_app(script, params, timeout).run()


@pytest.fixture
def run_page():
    """run_page('pages/1_Explorer.py', {'step': '3'}) -> a run AppTest."""
    return _run
