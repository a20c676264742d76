"""Train page in real Chromium: training runs in the background, the curve grows, Stop answers at once and
the page then shows exactly the steps trained."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import next_frame, rerun, wait_for_app, wait_for_page

STEP = re.compile(r"Step ([\d,]+) ·")
CURVE_END = re.compile(r"Loss while training, steps [\d,]+ to ([\d,]+):")
LOSS_CHART = "[data-testid='stVegaLiteChart'][aria-label^='Loss while training']"


def current_step(page) -> int:
    """The step count from the caption above the loss curve."""
    text = page.get_by_text(STEP).first.inner_text(timeout=30_000)
    return int(STEP.search(text).group(1).replace(",", ""))


def curve_end(page) -> int:
    """The last step of the training-loss curve, from the chart's own description (its aria-label)."""
    label = page.locator(LOSS_CHART).first.get_attribute("aria-label", timeout=30_000) or ""
    return int(CURVE_END.search(label).group(1).replace(",", ""))


# true once the caption's step count is above n
STEP_ABOVE = "n => [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')].some(e => { const m = e.innerText.match(/Step ([\\d,]+) ·/); return m && +m[1].replace(/,/g, '') > n; })"


# true once the loss chart's description ends at the step the caption shows (the chart redraws just after the text)
CURVE_AT_CAPTION = """() => {
  const caption = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .map(e => e.innerText.match(/Step ([\\d,]+) ·/)).find(m => m);
  const chart = document.querySelector("[data-testid='stVegaLiteChart'][aria-label^='Loss while training']");
  const end = chart && chart.getAttribute('aria-label').match(/steps [\\d,]+ to ([\\d,]+):/);
  return !!(caption && end && caption[1] === end[1]);
}"""


def test_train_starts_grows_and_stop_answers_at_once_with_exactly_the_steps_trained(page, app_url, screenshot):
    """Train runs on its own; the page says the student's speed; Stop freezes the step count at once, the loss
    curve ends at that step, and nothing trains afterwards."""
    page.goto(f"{app_url}/Train")  # the "watch" pace: a 2,000-step run outlasts the test
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Train an RNN live")).to_be_visible()
    page.get_by_role("button", name="Train").click()
    charts = page.locator("[data-testid='stVegaLiteChart']")
    expect(charts.first).to_be_visible(timeout=30_000)
    first = current_step(page)
    page.wait_for_function(STEP_ABOVE, arg=first, timeout=30_000)  # it trains without any click
    assert current_step(page) > first
    expect(charts).to_have_count(3, timeout=30_000)  # loss, P(America), next-token bars
    expect(page.locator("[data-testid='stProgress']")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Training at ~[\d.]+ steps/s: you are the only one"))).to_be_visible(
        timeout=30_000
    )

    before = current_step(page)
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_role("button", name="Resume")).to_be_enabled(timeout=30_000)
    wait_for_page(page)
    page.wait_for_function(CURVE_AT_CAPTION, timeout=30_000)  # a chart a chunk behind would never get there
    stopped = current_step(page)
    assert stopped >= before
    assert curve_end(page) == stopped  # the chart shows exactly the steps trained, not one chunk behind
    for _ in range(3):  # however long we look, and on a new run of the page, the step count stays
        next_frame(page)
    rerun(page)
    page.wait_for_function(CURVE_AT_CAPTION, timeout=30_000)
    assert current_step(page) == stopped and curve_end(page) == stopped
    expect(page.get_by_role("heading", name="Samples")).to_be_visible()
    screenshot("train")
