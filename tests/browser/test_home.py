"""Home page in real Chromium."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app


def test_home_shows_live_example(page, app_url, screenshot):
    """The first screen is never empty: the unrolled chain (the explorer's player) and the heatmap are drawn;
    the chain steps back with ← and its steps stay its own (not in the address bar)."""
    page.goto(app_url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="RNN Visualizer")).to_be_visible()
    expect(page.locator(".player .sentence")).to_contain_text("Step 5 of 5", timeout=30_000)
    expect(page.locator(".player svg.chain text.tok")).to_have_count(5)
    # The heatmap trace is drawn into the SVG, and its tick labels carry the default tokens.
    expect(page.locator(".js-plotly-plot .heatmaplayer").first).to_be_attached(timeout=30_000)
    expect(page.locator(".js-plotly-plot").first).to_contain_text("america")
    page.get_by_role("button", name="Previous step (←)").click()
    expect(page.locator(".player .sentence")).to_contain_text("Step 4 of 5: the network reads x_4 = “of”")
    expect(page.locator(".player svg.chain text.tok")).to_have_count(4)  # step 5 hidden again
    assert "step=" not in page.url
    screenshot("home")


def test_home_typing_updates_example(page, app_url):
    """Typing a new sequence redraws the example with the new words."""
    page.goto(app_url)
    wait_for_app(page)
    box = page.get_by_label("A sequence (split into words)", exact=True).and_(page.locator("input"))
    box.fill("cats chase mice")
    box.press("Enter")
    expect(page.locator(".js-plotly-plot").first).to_contain_text("mice", timeout=30_000)
    expect(page.locator(".player .sentence")).to_contain_text("Step 3 of 3: the network reads x_3 = “mice”")
    expect(page).to_have_url(re.compile(r"text=cats\+chase\+mice|text=cats%20chase%20mice"))


def test_home_trained_by_default_and_random_on_click(page, app_url):
    """The story model predicts 'america' after 'of'; choosing random weights puts weights=random in the URL."""
    page.goto(app_url)
    wait_for_app(page)
    guesses = page.locator(".player svg.chain text.guess")
    expect(guesses.nth(3)).to_contain_text("america", timeout=30_000)
    expect(page.get_by_text("Contrast prompts answered right")).to_be_visible(timeout=30_000)
    page.get_by_text("random (untrained)", exact=True).click()
    expect(page).to_have_url(re.compile(r"weights=random"), timeout=30_000)
    expect(page.get_by_text("Contrast prompts answered right")).to_have_count(0, timeout=30_000)
