"""Switching pages through the sidebar keeps the settings: the text typed on one page is the text on the next,
and a choice made on one page is the starting value of the same setting on another, whatever widget draws it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_page


def _go(page, label: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a, [data-testid='stSidebar'] a").filter(has_text=label).first.click()
    wait_for_page(page)


def test_the_sequence_survives_a_round_trip_through_home(page, app_url):
    """Explorer → Home → Explorer: Home's one-line box and the explorer's text area show the same sentence (the
    shared widget key once carried the explorer's box into Home's as empty: "The sequence is empty")."""
    page.goto(f"{app_url}/Explorer?text=the+cat+sat+on+the+mat")
    wait_for_page(page)
    _go(page, "Home")
    expect(page.get_by_test_id("stTextInput").locator("input").first).to_have_value("the cat sat on the mat")
    assert "text=" not in page.url.split("?")[-1] or "text=the" in page.url
    _go(page, "Step-through explorer")
    expect(page.get_by_test_id("stTextArea").locator("textarea").first).to_have_value("the cat sat on the mat")
    expect(page.get_by_text("The sequence is empty")).to_have_count(0)


def test_a_cell_chosen_in_the_explorer_is_the_train_pages_cell(page, app_url):
    page.goto(f"{app_url}/Explorer")
    wait_for_page(page)
    page.get_by_test_id("stSidebar").get_by_text("LSTM", exact=True).click()
    wait_for_page(page)
    _go(page, "Train live")
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Cell")).to_have_value("LSTM")
