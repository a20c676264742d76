"""Browser tests: one Streamlit server per session, driven by Debian's Chromium via Playwright.

Never `playwright install`: the system binary is used through `executable_path`.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(f"Chromium not found at {path}: run `make test`, which installs Debian's chromium")
    return path


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": _chromium(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1800}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """Start `streamlit run app.py` on a free port and wait for /_stcore/health."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not become healthy within 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def screenshot(request, page):
    """screenshot('explorer') writes assets/screenshots/explorer.png when --screenshots is given."""

    def take(name: str):
        if request.config.getoption("--screenshots"):
            out = ROOT / "assets" / "screenshots"
            out.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out / f"{name}.png"))

    return take


def wait_for_app(page, timeout: float = 30_000):
    """Wait until Streamlit finished running the script (no running indicator, app rendered)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)


# A chart on the page: Streamlit's own chart elements, or a live chart (the explorer's step views are
# Plotly charts inside a component frame: visualizer/ui/live_chart.py).
CHARTS = (
    "[data-testid='stPlotlyChart'], [data-testid='stVegaLiteChart'], [data-testid='stGraphVizChart'], "
    "[data-testid='stCustomComponentV1']"
)

# A JavaScript expression: every Plotly chart drawn on the page, those inside live-chart frames included
# (same origin, so their documents can be read). Each is Plotly's div, which keeps the drawn data and layout.
ALL_PLOTS = """[...document.querySelectorAll('.js-plotly-plot'),
  ...[...document.querySelectorAll('iframe')].flatMap(f => {
    try { return [...f.contentDocument.querySelectorAll('.js-plotly-plot')]; } catch (e) { return []; }
  })]"""


def wait_for_page(page, timeout: float = 60_000, chart_timeout: float = 20_000):
    """Wait until the page's script ran and its first chart is drawn, then settle.

    A page without a chart yet (Train, before training) is waited for `chart_timeout` only.
    """
    import contextlib

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wait_for_app(page, timeout)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_selector(CHARTS, state="visible", timeout=chart_timeout)
    wait_for_app(page, timeout)
    page.wait_for_timeout(800)  # late fragments and chart layout
