"""The one AppTest helper: a page by absolute path, with a generous timeout and optional URL parameters;
and the figures a page shows, whether drawn by st.plotly_chart or by the live chart component."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def new_app(script: str, params: dict | None = None, timeout: float = 60) -> AppTest:
    """An AppTest for `script` (e.g. 'views/explorer.py') with query params set, not yet run."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=timeout)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at


def figure_specs(at: AppTest) -> list[dict]:
    """Every Plotly figure spec on the page, in page order."""
    return [json.loads(node.proto.spec) for node in at.get("plotly_chart")]


def latex_blocks(at: AppTest) -> list[str]:
    """Every display-math block drawn by st.latex on the page."""
    return [x.value for x in at.get("latex")]


def _run(script: str, params: dict | None = None, timeout: float = 60) -> AppTest:
    return new_app(script, params, timeout).run()


@pytest.fixture
def run_page():
    """run_page('views/explorer.py', {'step': '3'}) -> a run AppTest."""
    return _run


@pytest.fixture(autouse=True)
def no_training_left_running():
    """Each test leaves no training running.

    The training service is one per process (st.cache_resource), and AppTests share the process: a test
    that left its training running would share the workers with the next test. The worker processes
    stay up between tests (a process takes a second or two to start).
    """
    from visualizer.ui import trainer_turn

    yield
    trainer_turn.service().stop_all()
