"""Gradients page in real Chromium: a deep link opens the view, a control changes the plot."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app


def test_gradients_deep_link_draws_and_reacts(page, app_url, screenshot):
    """/Gradients?radius=1.8 draws the norm plot, heatmap and eigenvalues; switching to sigmoid redraws the bound."""
    page.goto(f"{app_url}/Gradients?radius=1.8")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Vanishing and exploding gradients")).to_be_visible(timeout=30_000)
    charts = page.locator("[data-testid='stPlotlyChart']")
    expect(charts).to_have_count(5, timeout=30_000)  # norms, a heatmap per cell (tabs), eigenvalues
    norms = page.locator(".js-plotly-plot").first
    expect(norms).to_contain_text("Gradient of the loss at the last step", timeout=30_000)
    expect(norms).to_contain_text("(1·")  # tanh: gamma = 1 in the bound's legend
    expect(page.get_by_text("spectral radius ρ(W_hh)")).to_be_visible()
    expect(page.locator("[data-testid='stMetricValue']").first).to_have_text("1.8")
    before = norms.locator("path.js-line").first.get_attribute("d")
    screenshot("gradients")

    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Activation").click()
    page.get_by_role("option", name="sigmoid", exact=True).click()
    wait_for_app(page)
    expect(norms).to_contain_text("(0.25·", timeout=30_000)
    assert norms.locator("path.js-line").first.get_attribute("d") != before
    expect(page).to_have_url(re.compile(r"act=sigmoid"))
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
