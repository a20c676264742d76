"""Gradients lab in real Chromium: a deep link opens the view, a preset button and the W_hh editor
change the plot, the numbers and the link."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app
from tests.browser.overlaps import legend_overlaps


def _metric(page, label: str):
    return page.locator("[data-testid='stMetric']").filter(has_text=label).locator("[data-testid='stMetricValue']")


def test_gradients_deep_link_draws_and_reacts(page, app_url, screenshot):
    """/Gradients?radius=1.8 draws the norm plot, heatmap and eigenvalues; switching to sigmoid redraws the bound."""
    page.goto(f"{app_url}/Gradients?radius=1.8")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Vanishing and exploding gradients")).to_be_visible(timeout=30_000)
    charts = page.locator("[data-testid='stPlotlyChart']")
    expect(charts).to_have_count(5, timeout=30_000)  # norms, eigenvalues, a heatmap per cell (tabs)
    norms = page.locator(".js-plotly-plot").first
    expect(norms).to_contain_text("The gradient of the loss at t = T", timeout=30_000)
    expect(norms).to_contain_text(
        "bound, vanilla RNN only: (γ·σ_max)^(T−t) = "
    )  # the bound names the rate it is made of
    expect(_metric(page, "ρ(W_hh)")).to_have_text("1.8")
    before = norms.locator("path.js-line").first.get_attribute("d")
    screenshot("gradients")

    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Activation").click()
    page.get_by_role("option", name="sigmoid", exact=True).click()
    wait_for_app(page)
    expect(_metric(page, "γ·σ_max")).to_contain_text("0.25·", timeout=30_000)
    assert norms.locator("path.js-line").first.get_attribute("d") != before
    expect(page).to_have_url(re.compile(r"gact=sigmoid"))
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_counterexample_preset_and_editing_w_hh_by_hand(page, app_url):
    """'ρ is not enough' doubles per step with ρ = 0; typing into a W_hh cell changes σ_max and the link."""
    page.goto(f"{app_url}/Gradients")
    wait_for_app(page, timeout=60_000)
    preset = page.get_by_role("button", name="ρ is not enough")
    expect(preset).to_be_visible(timeout=60_000)
    preset.click()
    wait_for_app(page)
    expect(_metric(page, "vanilla RNN")).to_have_text("×2", timeout=30_000)
    expect(_metric(page, "ρ(W_hh)")).to_have_text("0")
    expect(_metric(page, "σ_max(W_hh)")).to_have_text("4")
    expect(page).to_have_url(re.compile(r"whh=2_2_-2_-2"))

    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    # The editor is a canvas: row 0 sits below the header row, column h[0] after the index column.
    page.mouse.dblclick(box["x"] + box["width"] * 0.35, box["y"] + 35 + 17)
    cell = page.locator("input.gdg-input, textarea.gdg-input").first  # the grid's overlay editor
    expect(cell).to_be_visible(timeout=30_000)
    cell.fill("5")
    cell.press("Enter")
    page.mouse.move(5, 5)  # Chromium applies Streamlit's new URL only once the pointer leaves the grid
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"whh=5_2_-2_-2"), timeout=30_000)
    expect(_metric(page, "σ_max(W_hh)")).not_to_have_text("4")
    expect(page.get_by_role("button", name="ρ is not enough")).not_to_have_attribute(
        "data-testid", "stBaseButton-primary"
    )
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


@pytest.mark.parametrize("size", [(1280, 720), (1500, 1000)])
def test_orthogonal_preset_says_what_its_numbers_say(page, app_url, size):
    """'Orthogonal W_hh': ρ = σ_max = 1, a flat and tight bound, said as such (issue 27 item 6); no legend overlaps."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{app_url}/Gradients")
    wait_for_app(page)
    page.get_by_role("button", name="Orthogonal W_hh", exact=True).click()
    wait_for_app(page)
    expect(_metric(page, "σ_max(W_hh)")).to_have_text("1", timeout=30_000)
    expect(_metric(page, "ρ(W_hh)")).to_have_text("1")
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("ρ = σ_max = 1 (equal within 10⁻⁹ relative): W_hh is normal")
    expect(main).to_contain_text("the bound is flat")
    expect(main).to_contain_text("here the bound is tight")
    expect(main).not_to_contain_text("non-normal")
    expect(main).not_to_contain_text("only an upper limit")
    expect(page.locator(".js-plotly-plot").first).to_contain_text("bound, vanilla RNN only")
    assert legend_overlaps(page) == []
