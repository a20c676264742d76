"""Browser tests: one Streamlit server per session, driven by Debian's Chromium via Playwright.

Never `playwright install`: the system binary is used through `executable_path`.
"""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

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
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1800}, "reduced_motion": "reduce"}


@pytest.fixture(scope="session")
def context(browser, browser_context_args):
    """One browser context for the run: Streamlit's ~10 MB of JavaScript is fetched once and then comes from the
    browser's cache, as for a student opening a second page. Each test still opens its own page, which is a new
    Streamlit session on the server."""
    ctx = browser.new_context(**browser_context_args)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A new page (a new Streamlit session) in the shared context, closed after the test."""
    tab = context.new_page()
    # Streamlit keeps the sidebar's open/closed state in the browser's storage: each page starts as a new
    # student's would, whatever the tests before it clicked (the cached JavaScript stays).
    tab.add_init_script("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}")
    yield tab
    tab.close()


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
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    # Streamlit prints the app's address once it serves: wait for that line (a condition, not a pause), then
    # keep draining its output in the background so a full pipe never blocks the server.
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if f":{port}" in line:
                ready.set()
        ready.set()  # the server exited: the health check below says so

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(timeout=60) or proc.poll() is not None:
        proc.kill()
        pytest.fail("streamlit did not start within 60 s")
    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=10).status != 200:
        proc.kill()
        pytest.fail("streamlit started but /_stcore/health is not 200")
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


# True once Streamlit has finished the script run (its root element's script state; "initial" before the first
# run), every element's code has loaded (Streamlit shows a skeleton while an element's chunk loads) and every
# chart on the page is drawn: Streamlit's own Plotly and Vega charts have their SVG or canvas, and a component
# frame, if any, has loaded.
SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector("[data-testid='stSkeleton']")) return false;  // an element's code still loading
  if ([...document.querySelectorAll("[data-testid='stPlotlyChart']")].some(e => !e.querySelector('.main-svg'))) return false;
  if ([...document.querySelectorAll("[data-testid='stVegaLiteChart']")].some(e => !e.querySelector('canvas, svg'))) return false;
  for (const f of document.querySelectorAll('iframe')) {
    let d = null;
    try { d = f.contentDocument; } catch (e) { continue; }
    if (!d || d.readyState !== 'complete' || d.location.href === 'about:blank') return false;
  }
  return true;
}"""


def wait_for_app(page, timeout: float = 30_000):
    """Wait until Streamlit finished running the script (its script state, not the status widget, which shows
    only after ~500 ms)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


# A chart on the page: Streamlit's own chart elements, or a component's.
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


@pytest.fixture(autouse=True)
def _count_requests(request):
    """Count each test page's HTTP requests in flight (an element's code chunk or a frame's files still loading)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    inflight: set = set()
    page.on("request", lambda r: inflight.add(r))
    for event in ("requestfinished", "requestfailed"):
        page.on(event, lambda r: inflight.discard(r))
    page.rnnvis_inflight = inflight
    finished = [0]  # script runs (whole page or fragment) the server said it finished, from its websocket frames

    def frame(payload) -> None:
        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - not a forward message: nothing to count
            return
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            finished[0] += 1

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    page.rnnvis_finished = finished
    yield


def wait_for_page(page, timeout: float = 60_000):
    """Wait until the page's script ran, nothing is loading and every chart on it is drawn (`SETTLED`), on three
    polls in a row: a lazily loaded element (a live-chart frame) appears only after its code chunk arrives."""
    wait_for_app(page, timeout)
    deadline = time.monotonic() + timeout / 1000
    calm = 0
    while calm < 3:
        if time.monotonic() > deadline:
            raise AssertionError("the page did not settle: " + str(getattr(page, "rnnvis_inflight", "")))
        busy = bool(getattr(page, "rnnvis_inflight", ()))
        calm = 0 if busy or not page.evaluate(SETTLED) else calm + 1
        next_frame(page)


# Resolves once the browser has painted the next frame: what a poll waits for between two looks at the page.
NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"


def next_frame(page) -> None:
    """Wait until the page has painted again (between two polls of a condition)."""
    page.wait_for_function(NEXT_FRAME)


def after_run(page, action, timeout: float = 30_000) -> None:
    """Do `action()` (a click, a key) that starts a run of the script, and wait until that run has finished and
    the page is drawn: the script state is watched from before the action, so a fast run is not missed."""
    # A run is seen two ways: the page's script state changes, or the server's websocket says a run finished. Under
    # load the browser can take both state messages in one batch and never change the attribute, so the second
    # way is the one that cannot miss.
    page.evaluate(
        """() => { window.__runs = 0;  // any change of the script state (on whichever element holds it): a run began
        new MutationObserver((records) => { window.__runs += records.length; })
          .observe(document.documentElement, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']}); }"""
    )
    counter = getattr(page, "rnnvis_finished", None)
    before = counter[0] if counter is not None else 0
    action()
    deadline = time.monotonic() + timeout / 1000
    while not (counter is not None and counter[0] > before) and not page.evaluate("() => window.__runs > 0"):
        if time.monotonic() > deadline:
            raise AssertionError(f"no run of the script began within {timeout / 1000:.0f} s of the action")
        page.wait_for_timeout(50)  # Playwright delivers the websocket events while it waits
    wait_for_page(page, timeout)


def rerun(page, timeout: float = 30_000) -> None:
    """Rerun the page's script as the R key does, and wait until that run has finished.

    A test that asserts nothing happens after Stop reruns the page: any training still switched on would
    advance on that run (every run of the training fragment trains a chunk), so no fixed wait is needed.
    """

    def press() -> None:
        page.evaluate("() => document.activeElement && document.activeElement.blur()")  # keys go to the page
        page.keyboard.press("r")

    after_run(page, press, timeout)
