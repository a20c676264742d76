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
    """Every Plotly figure spec on the page, in page order: st.plotly_chart's and live charts' (live_fig)."""
    specs = []
    for node in at.get("plotly_chart") + at.get("component_instance"):
        if node.type == "plotly_chart":
            specs.append(json.loads(node.proto.spec))
        elif node.proto.component_name.endswith("livechart"):
            rows = json.loads(json.loads(node.proto.json_args)["spec"])["rows"]
            specs += [spec for row in rows for spec in row]
    return specs


def live_charts(at: AppTest) -> dict[str, dict]:
    """The live charts' arguments by key (the key is the last part of the element id)."""
    return {
        node.proto.id.rsplit("-", 1)[-1]: json.loads(node.proto.json_args)
        for node in at.get("component_instance")
        if node.proto.component_name.endswith("livechart")
    }


def latex_blocks(at: AppTest) -> list[str]:
    """Every display-math block on the page: st.latex, and the live equations (a component, with KaTeX)."""
    blocks = [x.value for x in at.get("latex")]
    blocks += [
        json.loads(node.proto.json_args)["tex"]
        for node in at.get("component_instance")
        if node.proto.component_name.endswith("livemath")
    ]
    return blocks


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
