"""Shared links in real Chromium: a URL opens the exact view; a bad URL shows the notice."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app
from tests.conftest import ROOT

PAGE_PATHS = [""] + sorted(re.sub(r"^\d+_", "", p.stem) for p in (ROOT / "pages").glob("*.py"))


def test_home_link_reopens_the_view(page, app_url):
    """Settings in the link (text, hidden size) show up in the example figure."""
    page.goto(f"{app_url}/?text=cats+chase+mice&hidden=9")
    wait_for_app(page)
    heat = page.locator(".js-plotly-plot").nth(1)
    expect(heat).to_contain_text("mice", timeout=30_000)
    expect(heat).to_contain_text("h[8]")
    expect(page.get_by_text("could not be used")).to_have_count(0)


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_bad_link_shows_notice_not_traceback(page, app_url, path):
    """Malformed parameters fall back to the defaults with a visible notice on every page."""
    page.goto(f"{app_url}/{path}?hidden=abc&act=cube&step=-4&zzz=%3Cscript%3E")
    wait_for_app(page)
    expect(page.get_by_text("could not be used", exact=False)).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(page.locator("script:has-text('alert')")).to_have_count(0)


def test_link_written_back_reopens_same_view(page, app_url, context):
    """Change a setting, copy the address bar into a fresh tab: the same view opens."""
    page.goto(app_url)
    wait_for_app(page)
    box = page.get_by_label("A sequence (split into words)", exact=True).and_(page.locator("input"))
    box.fill("one two three four")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"text=one"), timeout=30_000)
    other = context.new_page()
    other.goto(page.url)
    wait_for_app(other)
    expect(other.locator(".js-plotly-plot").nth(1)).to_contain_text("four", timeout=30_000)


def test_presenter_mode_and_hidden_sidebar(page, app_url):
    """present=1 drops the header; hide=sidebar removes the sidebar for a classroom link."""
    page.goto(f"{app_url}/?present=1&hide=sidebar")
    wait_for_app(page)
    expect(page.locator("[data-testid='stPlotlyChart']").first).to_be_visible(timeout=30_000)
    expect(page.locator("header[data-testid='stHeader']")).to_be_hidden()
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    assert float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")) >= 40
