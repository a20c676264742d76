"""The scale-out deployment: two Streamlit replicas behind nginx (tools/serve.py), in real use.

Websocket sessions through the balancer spread over both replicas and stay on the replica that
served their page (sticky); Chromium loads a page through it with the JavaScript gzip'ed by nginx.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.conftest import wait_for_app
from tools import loadtest, serve
from tools import loadtest_session as ls

pytestmark = pytest.mark.skipif(
    not shutil.which("nginx") and not shutil.which(serve.NGINX), reason="nginx missing: `make nginx`"
)


@pytest.fixture(scope="module")
def balancer():
    with serve.cluster(2) as c:
        yield c


def _run_async(coro):
    """asyncio.run in a fresh thread: Playwright's fixtures may already run a loop in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _sessions(url: str, n: int) -> list[tuple[str, int, set[int]]]:
    args = argparse.Namespace(replicas=2, timeout=60.0)

    async def one(i: int) -> tuple[str, int, set[int]]:
        ws, replica = await ls.open_ws(url, args)  # raises if the websocket is not sticky
        async with ws:
            tokens = loadtest.session_tokens(i, 3)
            session = loadtest.Session(ws, "Explorer", loadtest.initial_query(tokens), 60.0)
            _, out = await session.rerun()
        return replica, out.status, out.seen

    return await asyncio.gather(*(one(i) for i in range(n)))


def test_sessions_spread_over_replicas_and_stay_isolated(balancer):
    """Twelve sessions: both replicas serve some, each run succeeds and shows only its own sequence."""
    results = _run_async(_sessions(balancer.url, 12))
    replicas = {r for r, _, _ in results}
    assert replicas == {u.removeprefix("http://") for u in balancer.replica_urls}
    for i, (_, status, seen) in enumerate(results):
        assert status == ForwardMsg.FINISHED_SUCCESSFULLY
        assert seen == {i}


@pytest.mark.slow  # the replicas and their isolation are checked in `make test` above; the browser pass in the opt-in tier
def test_browser_page_through_the_balancer(page, balancer):
    """A page opens through nginx, keeps one replica for its requests, and gets its JavaScript gzip'ed; the
    explorer's player draws and steps with nothing more to fetch."""
    encodings, replicas = [], set()

    def on_response(response):
        if "/static/js/" in response.url:
            encodings.append((response.url.rsplit("/", 1)[-1], response.headers.get("content-encoding", "")))
        if replica := response.headers.get("x-replica"):
            replicas.add(replica)

    page.on("response", on_response)
    page.goto(f"{balancer.url}/Explorer")
    wait_for_app(page)
    expect(page.locator(".player .sentence")).to_contain_text("Step 1 of", timeout=30_000)
    page.get_by_role("button", name="Next step (→)").click()
    expect(page.locator(".player .sentence")).to_contain_text("Step 2 of")
    mirror = serve.static_mirror() / "js"
    big = [(name, e) for name, e in encodings if (mirror / name).stat().st_size > 1024]
    assert big and [name for name, e in big if e != "gzip"] == []
    assert len(replicas) == 1  # page, websocket and everything else from one replica
    assert page.context.cookies()[0]["name"] == serve.COOKIE
