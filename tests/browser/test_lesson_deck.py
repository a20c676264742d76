"""The Lesson page's offline files in real Chromium: the downloads, and the deck opened with the network blocked."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_page
from visualizer import deck, lesson, lesson_stops

DEMO = lesson_stops.PATHS["demo"]


def test_the_lesson_page_downloads_the_deck_and_the_sheet(page, app_url, tmp_path):
    """Both download buttons produce a self-contained HTML file of the chosen path."""
    page.goto(f"{app_url}/Lesson?path=demo")
    wait_for_page(page)
    button = page.get_by_role("button", name=re.compile("Lecture deck \\(5 stops"))
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    target = tmp_path / "deck.html"
    info.value.save_as(target)
    assert info.value.suggested_filename == "rnn-lesson-deck.html"
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("data-kind='question'") == 5
    assert lesson_stops.STOPS[DEMO[-1] - 1].title in html

    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("Exercise sheet")).click()
    target = tmp_path / "sheet.html"
    info.value.save_as(target)
    sheet = target.read_text(encoding="utf-8")
    assert "Answers" in sheet and "parameters" in sheet


def test_the_deck_works_offline_and_moves_with_the_arrow_keys(page, tmp_path):
    """Every request but the file itself is aborted; none is made. → shows a stop's question, → again its answer."""
    path = tmp_path / "deck.html"
    path.write_text(deck.deck_html(DEMO), encoding="utf-8")
    blocked: list[str] = []

    def only_files(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_files)
    page.goto(path.as_uri())
    current = page.locator(".slide.current")
    expect(current).to_contain_text("Recurrent neural networks: a guided lesson")
    expect(page.locator("#counter")).to_have_text(f"1 / {2 * len(DEMO) + 2}")

    first = lesson_stops.STOPS[DEMO[0] - 1]
    page.keyboard.press("ArrowRight")
    expect(current).to_contain_text(first.title)
    expect(current).to_contain_text("Question:")
    expect(current).not_to_contain_text("Answer:")
    expect(current.locator("svg")).to_be_visible()  # the figure, drawn inline

    page.keyboard.press("ArrowRight")
    answer = lesson.show_answer(first.question.answer(lesson_stops.preset(DEMO[0])))
    expect(current).to_contain_text(f"Answer: {answer}")
    expect(page).to_have_url(re.compile(r"#3$"))

    page.keyboard.press("ArrowLeft")
    expect(current).to_contain_text("Question:")
    page.keyboard.press("End")
    expect(current).to_contain_text("End of the lesson")
    assert blocked == []  # nothing was even attempted
