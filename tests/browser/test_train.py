"""Train page in real Chromium: training runs in chunks, the loss curve grows, Stop keeps the model."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import rerun, wait_for_app

STEP = re.compile(r"Step ([\d,]+) ·")


def current_step(page) -> int:
    """The step count from the caption above the loss curve."""
    text = page.get_by_text(STEP).first.inner_text(timeout=30_000)
    return int(STEP.search(text).group(1).replace(",", ""))


def test_train_starts_grows_and_stops(page, app_url, screenshot):
    """Train runs chunk after chunk on its own; the curve's step count rises; Stop freezes it; Resume appears."""
    page.goto(f"{app_url}/Train")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Train an RNN live")).to_be_visible()
    page.get_by_role("button", name="Train").click()
    charts = page.locator("[data-testid='stVegaLiteChart']")
    expect(charts.first).to_be_visible(timeout=30_000)
    first = current_step(page)
    page.wait_for_function(  # later chunks arrive without any click: the fragment reruns itself
        "n => [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
        ".some(e => { const m = e.innerText.match(/Step ([\\d,]+) ·/); return m && +m[1].replace(/,/g, '') > n; })",
        arg=first,
        timeout=30_000,
    )
    assert current_step(page) > first
    expect(charts).to_have_count(3, timeout=30_000)  # loss, P(America), next-token bars
    expect(page.locator("[data-testid='stProgress']")).to_be_visible()

    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_role("button", name="Resume")).to_be_enabled(timeout=30_000)
    rerun(page)  # the picture drawn while a chunk trains trails the model by that chunk: see it caught up
    stopped = current_step(page)
    rerun(page)
    assert current_step(page) == stopped  # nothing trains after Stop, even on a new run of the page
    expect(page.get_by_role("heading", name="Samples")).to_be_visible()
    screenshot("train")
