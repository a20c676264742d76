"""Sequence types page in real Chromium."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app


def _choose(page, label: str) -> None:
    page.get_by_role("radiogroup", name="Sequence type").get_by_text(label, exact=True).click()


def _diagram(page):
    return page.locator("[data-testid='stPlotlyChart']").first


def test_sequence_types_toggle_redraws_diagram(page, app_url):
    """Opened by its URL path, the page redraws the diagram (title counts, nodes) for each type."""
    page.goto(f"{app_url}/Sequence_types?seqtype=many_to_one&net=random")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Sequence types: one cell, five shapes")).to_be_visible()
    expect(_diagram(page)).to_contain_text("Many-to-one: 5 inputs → 1 output", timeout=30_000)

    _choose(page, "Encoder–decoder")
    expect(_diagram(page)).to_contain_text("Encoder–decoder: 5 inputs → 5 outputs, 10 steps", timeout=30_000)
    expect(_diagram(page)).to_contain_text("context c")
    expect(page).to_have_url(re.compile(r"seqtype=encoder_decoder"))

    _choose(page, "One-to-many")
    expect(_diagram(page)).to_contain_text("One-to-many: 1 input → 5 outputs", timeout=30_000)
    expect(page.get_by_text("Output length (tokens generated)")).to_be_visible()

    _choose(page, "Many-to-many (aligned)")
    expect(_diagram(page)).to_contain_text("5 inputs → 5 outputs, 5 steps", timeout=30_000)
    expect(page.get_by_text("Output length (tokens generated)")).to_have_count(0)

    _choose(page, "Encoder–decoder")
    expect(_diagram(page)).to_contain_text("context c", timeout=30_000)


def test_trained_translation_follows_typed_gender_and_attention(page, app_url, screenshot):
    """The trained encoder–decoder translates what is typed, names unknown words, and attention switches off."""
    page.goto(f"{app_url}/Sequence_types?seqtype=encoder_decoder")
    wait_for_app(page)
    expect(_diagram(page)).to_contain_text("dívka", timeout=30_000)
    box = page.get_by_label("Your English sentence → Czech", exact=True).and_(page.get_by_test_id("stTextInputField"))
    box.fill("the boy who likes music went home")
    box.press("Enter")
    expect(_diagram(page)).to_contain_text("chlapec", timeout=30_000)
    expect(_diagram(page)).to_contain_text("šel")
    expect(page.get_by_text("Attention: where each output word looks")).to_be_visible()
    expect(page).to_have_url(re.compile(r"in=the\+boy"))
    wait_for_app(page)
    screenshot("sequence_types")

    box.fill("the zebra went home")
    box.press("Enter")
    expect(page.get_by_text(re.compile("Not in this task's vocabulary.*zebra"))).to_be_visible(timeout=30_000)

    page.get_by_text("Attention", exact=True).click()  # the toggle
    expect(page.get_by_text("Attention: where each output word looks")).to_have_count(0, timeout=30_000)
    expect(page).to_have_url(re.compile(r"att=0"))

    page.get_by_role("radiogroup", name="Weights").get_by_text("random", exact=True).click()
    expect(page.get_by_text("Type a sequence")).to_be_visible(timeout=30_000)


def test_arrows_box_and_fragments_follow_the_typed_text(page, app_url):
    """The article's fragments translate with agreement, and the arrows box shows the current output's word."""
    page.goto(f"{app_url}/Sequence_types?seqtype=encoder_decoder&in=a+girl+who+likes")
    wait_for_app(page)
    focus = page.get_by_role("combobox", name="Arrows for output word")
    expect(page.get_by_text("Translation: dívka která ráda")).to_be_visible(timeout=30_000)
    expect(focus).to_have_value("2. která")
    box = page.get_by_label("Your English sentence → Czech", exact=True).and_(page.get_by_test_id("stTextInputField"))
    box.fill("a boy who likes")
    box.press("Enter")
    expect(page.get_by_text("Translation: chlapec který rád")).to_be_visible(timeout=30_000)
    expect(focus).to_have_value("2. který")
    expect(page.get_by_text("This translation may be wrong")).to_have_count(0)
    box.fill("who likes")
    box.press("Enter")
    expect(page.get_by_text("This translation may be wrong")).to_be_visible(timeout=30_000)
