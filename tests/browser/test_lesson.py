"""The guided lesson in real Chromium: walk a path of stops with the keyboard (PageDown, as a clicker sends),
each stop on its own page with its link in the address bar; PageUp goes back; a reload keeps the stop."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app
from visualizer import lesson_stops

STOPS = lesson_stops.STOPS


def _at_stop(page, number: int, path: str = "full") -> None:
    """The panel shows stop `number` (its place on `path`), and the address bar is that stop's page and link."""
    stop = STOPS[number - 1]
    panel = page.locator(".st-key-lesson_panel")
    stops = lesson_stops.path_stops(path)
    expect(panel).to_contain_text(f"stop {stops.index(number) + 1} of {len(stops)}", timeout=30_000)
    expect(panel).to_contain_text(stop.title, timeout=30_000)
    path = stop.page.url_path
    expect(page).to_have_url(re.compile(rf"/{path}\?(.*&)?lesson={number}(&|$)"), timeout=30_000)
    wait_for_app(page)


@pytest.mark.parametrize("path", ["demo", pytest.param("full", marks=pytest.mark.slow)])
def test_lesson_walk_with_the_keyboard(page, app_url, screenshot, path):
    """A path's first stop to its last with PageDown, back one with PageUp, and a reload keeps the position (the
    10-minute demo in the fast tier; every stop of the lesson in the opt-in tier — each stop's link is also opened
    by the AppTests)."""
    stops = lesson_stops.path_stops(path)
    suffix = "" if path == "full" else f"&path={path}"
    page.goto(f"{app_url}/?lesson={stops[0]}{suffix}")
    wait_for_app(page)
    _at_stop(page, stops[0], path)
    for number in stops[1:]:
        page.locator("body").press("PageDown")
        _at_stop(page, number, path)
        shown = dict(parse_qsl(urlsplit(page.url).query))
        assert lesson_stops.query(number).items() <= shown.items(), f"stop {number}: {page.url}"
        expect(page.get_by_text("could not be used")).to_have_count(0)
    page.locator("body").press("PageUp")
    _at_stop(page, stops[-2], path)
    page.reload()
    wait_for_app(page)
    _at_stop(page, stops[-2], path)
    screenshot("lesson")


def test_lesson_page_starts_at_any_stop(page, app_url):
    """The Lesson page links each stop; clicking one opens its page in its preset state."""
    page.goto(f"{app_url}/Lesson")
    wait_for_app(page)
    number = 5
    page.get_by_role("link", name=re.compile(re.escape(f"{number}. {STOPS[number - 1].title}"))).click()
    _at_stop(page, number)
