"""The "What a unit remembers" page in real Chromium: the default unit, hover values, another unit picked, the
unit held at its mean instead of 0, and an output of the chain clicked, each time checking what the page then says
and draws."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import after_run, wait_for_page

TEXT_TITLE = "document.querySelector('[data-testid=\"stPlotlyChart\"] .gtitle').textContent"


def verdict(page, pattern: str):
    return page.get_by_text(re.compile(pattern)).first


def test_units_page_picks_a_unit_and_switches_it_off(page, app_url, screenshot):
    """Default: unit 32 of c_t tracks the country; hovering the text shows its value; picking unit 7 recolours the
    text and rewrites the verdict; holding it at its mean instead of 0 rewrites the clamp's sentence."""
    page.goto(f"{app_url}/Units")
    wait_for_page(page)
    expect(page.get_by_role("heading", name="What a unit remembers")).to_be_visible()
    expect(verdict(page, r"^Unit 32 of c_t scores η = 0\.87")).to_be_visible()
    expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(6)
    assert page.evaluate(f"() => {TEXT_TITLE}").startswith("Unit 32 of c_t after each token")
    screenshot("units")

    chart = page.locator("[data-testid='stPlotlyChart']").first
    box = chart.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)  # the first token of the story
    expect(page.locator(".hoverlayer .hovertext").first).to_contain_text("c_t[32] =")

    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Unit (ranked by the finder)")
    picker.click()
    page.keyboard.type("unit 7 (")  # the list is long and virtualised: filter it as a student would

    def pick() -> None:
        page.get_by_role("option", name=re.compile(r"^unit 7 \(")).click()

    after_run(page, pick)
    expect(verdict(page, r"^Unit 7 of c_t scores")).to_be_visible()
    assert page.evaluate(f"() => {TEXT_TITLE}").startswith("Unit 7 of c_t after each token")
    expect(verdict(page, r"^Holding unit 7 of c_t at 0")).to_be_visible()

    after_run(page, lambda: page.get_by_text("their mean on the story").click())
    expect(verdict(page, r"^Holding unit 7 of c_t at its mean")).to_be_visible()
    assert "to=mean" in page.url and "unit=7" in page.url


ATTR_TITLE = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .gtitle')]
  .map(e => e.textContent).find(t => t.startsWith('What counted for output'))"""


def test_clicking_an_output_of_the_chain_explains_it(page, app_url):
    """The chain's outputs list what counted on hover; a click on output 5 moves both heatmaps to output 5."""
    page.goto(f"{app_url}/Units")
    wait_for_page(page)
    assert page.evaluate(ATTR_TITLE).startswith("What counted for output 17:")
    chain = page.locator("[data-testid='stPlotlyChart']").nth(3)
    outputs = chain.locator(".scatterlayer .trace").nth(2).locator(".points path")
    expect(outputs).to_have_count(17)
    chain.scroll_into_view_if_needed()
    box = outputs.nth(4).bounding_box()  # Plotly's drag layer above the points takes the mouse: aim at the point
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    expect(page.locator(".hoverlayer .hovertext").first).to_contain_text("output 5 predicts")
    after_run(page, lambda: page.mouse.click(x, y), timeout=60_000)
    assert page.evaluate(ATTR_TITLE).startswith("What counted for output 5:")
    assert "aout=5" in page.url
