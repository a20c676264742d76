"""AppTest helpers: run a page by absolute path with a generous timeout."""

import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitPageNotFoundError
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


@pytest.fixture(autouse=True)
def _tolerate_site_map(monkeypatch):
    """AppTest runs a page file as the main script, so the sidebar site map's st.page_link cannot
    resolve app.py or the other pages (StreamlitPageNotFoundError). Skip only those links; the
    site map itself is exercised by the browser tests."""
    original = DeltaGenerator.page_link

    def page_link(self, *args, **kwargs):
        try:
            return original(self, *args, **kwargs)
        except StreamlitPageNotFoundError:
            return None

    monkeypatch.setattr(DeltaGenerator, "page_link", page_link)
