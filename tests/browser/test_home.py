"""Home page in real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app, wait_for_page

HEAT = ".player.heat-only svg.heat"


def test_home_shows_live_example(page, app_url, screenshot):
    """The first screen is never empty: the unrolled chain (the explorer's player) and the heatmap are drawn;
    the chain steps back with ← and its steps stay its own (not in the address bar); the heatmap under it
    follows: after stepping back to step k it shows steps 1..k and nothing of step k+1 (cells, hover, ticks)."""
    page.goto(app_url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="RNN Visualizer")).to_be_visible()
    expect(page.locator(".player.compact .sentence")).to_contain_text("Step 5 of 5", timeout=30_000)
    expect(page.locator(".player.compact svg.chain text.tok")).to_have_count(5)
    # The heatmap (SVG drawn by the heat-only player): one column per word read, its hover naming the word.
    heat = page.locator(HEAT)
    expect(heat.locator("g.cells g[data-col]")).to_have_count(5, timeout=30_000)
    expect(heat).to_contain_text("“america”")
    page.locator(".player.compact").get_by_role("button", name="Previous step (←)").click()
    expect(page.locator(".player.compact .sentence")).to_contain_text("Step 4 of 5: the network reads x_4 = “of”")
    expect(page.locator(".player.compact svg.chain text.tok")).to_have_count(4)  # step 5 hidden again
    expect(heat.locator("g.cells g[data-col]")).to_have_count(4)
    expect(heat.locator("rect[data-step='5']")).to_have_count(0)
    expect(heat).not_to_contain_text("“america”")  # no hover value of step 5
    expect(heat).to_contain_text("“of”")
    expect(heat.locator("g.ticks text").last).to_have_text("4")  # the step axis ends at step 4
    page.keyboard.press("Home")
    expect(heat.locator("g.cells g[data-col]")).to_have_count(1)
    cursor, frame = heat.locator("rect.cursor").first, heat.locator("rect.frame").first
    assert float(cursor.get_attribute("x") or "nan") == float(frame.get_attribute("x") or "nan")  # on step 1
    assert "step=" not in page.url
    screenshot("home")


def test_home_typing_updates_example(page, app_url):
    """Typing a new sequence redraws the example with the new words."""
    page.goto(app_url)
    wait_for_app(page)
    box = page.get_by_label("A sequence (split into words)", exact=True).and_(page.locator("input"))
    box.fill("cats chase mice")
    box.press("Enter")
    expect(page.locator(HEAT)).to_contain_text("“mice”", timeout=30_000)
    expect(page.locator(".player.compact .sentence")).to_contain_text("Step 3 of 3: the network reads x_3 = “mice”")
    expect(page).to_have_url(re.compile(r"text=cats\+chase\+mice|text=cats%20chase%20mice"))


def test_home_trained_by_default_and_random_on_click(page, app_url):
    """The story model predicts 'america' after 'of'; choosing random weights puts weights=random in the URL."""
    page.goto(app_url)
    wait_for_app(page)
    guesses = page.locator(".player.compact svg.chain text.guess")
    expect(guesses.nth(3)).to_contain_text("america", timeout=30_000)
    expect(page.get_by_text("Contrast prompts answered right")).to_be_visible(timeout=30_000)
    page.get_by_text("random (untrained)", exact=True).click()
    expect(page).to_have_url(re.compile(r"weights=random"), timeout=30_000)
    expect(page.get_by_text("Contrast prompts answered right")).to_have_count(0, timeout=30_000)


def _requested(browser, url: str) -> list[str]:
    """Every URL a fresh browser context (nothing cached) requests while the page at `url` renders."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        tab = ctx.new_page()
        seen: list[str] = []
        tab.on("request", lambda r: seen.append(r.url))
        tab.goto(url)
        wait_for_page(tab)
        return seen
    finally:
        ctx.close()


@pytest.mark.parametrize("path", ["", "Explorer"])
def test_first_render_loads_no_plotly_and_no_highlighter(browser, app_url, path):
    """Home draws its chain and heatmap with the player, the Explorer its views, and the share link is a copy box:
    neither page fetches Streamlit's Plotly chunk (4.7 MB) or its syntax highlighter (1.5 MB)."""
    seen = _requested(browser, f"{app_url}/{path}")
    assert any(u.endswith(".js") for u in seen)  # the page's JavaScript was seen
    assert [u for u in seen if "plotly" in u.lower()] == []
    assert [u for u in seen if "highlighter" in u.lower()] == []
    assert len(seen) == len(set(seen)), "a file was fetched twice"
