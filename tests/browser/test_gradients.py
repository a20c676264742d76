"""Gradients lab in real Chromium: a deep link opens the view, a preset button and the W_hh editor
change the plot, the numbers and the link."""

import io
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import after_run, wait_for_app, wait_for_page
from tests.browser.overlaps import legend_overlaps


def _metric(page, label: str):
    return page.locator("[data-testid='stMetric']").filter(has_text=label).locator("[data-testid='stMetricValue']")


def test_gradients_deep_link_draws_and_reacts(page, app_url, screenshot):
    """/Gradients?radius=1.8 draws the norm plot, heatmap and eigenvalues; switching to sigmoid redraws the bound."""
    page.goto(f"{app_url}/Gradients?radius=1.8")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Vanishing and exploding gradients")).to_be_visible(timeout=30_000)
    charts = page.locator("[data-testid='stPlotlyChart']")
    expect(charts).to_have_count(6, timeout=30_000)  # norms, eigenvalues, a heatmap per cell (tabs), depth
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


# 1280×720 in `make test`; 1500×1000 in the opt-in tier (CI runs both).
@pytest.mark.parametrize("size", [(1280, 720), pytest.param((1500, 1000), marks=pytest.mark.slow)])
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


def test_depth_chart_and_code_panel(page, app_url, tmp_path):
    """The depth chart draws a row per layer and direction with hover values; switching the direction off redraws
    it; the code panel's weights download is an .npz in PyTorch's state_dict names that reproduces the page."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/Gradients?glen=30&glayers=3&gbidir=1&cell=lstm")
    wait_for_page(page)
    chart = page.locator("[data-testid='stPlotlyChart']").filter(has_text="per layer and time step")
    expect(chart).to_have_count(1)
    chart.scroll_into_view_if_needed()
    expect(chart).to_contain_text("LSTM")
    for label in ("layer 1 →", "layer 3 ←"):
        expect(chart).to_contain_text(label)
    expect(chart).to_contain_text("time step t")
    box = chart.locator(".nsewdrag").first.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.9)  # a cell of the bottom row
    expect(chart.locator(".hoverlayer")).to_contain_text("‖∂L/∂h_t‖ =", timeout=10_000)
    expect(chart.locator(".hoverlayer")).to_contain_text("layer 1 →")
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("Layer 3 ← is 0 before t = T")

    toggle = page.locator("[data-testid='stSidebar'] label").filter(has_text="Bidirectional (depth chart)")
    page.mouse.move(0, 0)  # leave the chart's hover label
    toggle.scroll_into_view_if_needed()
    expect(toggle).to_be_visible()
    after_run(page, lambda: toggle.click(), timeout=60_000)
    expect(chart).not_to_contain_text("layer 3 ←")
    expect(chart).to_contain_text("layer 3")
    expect(page).not_to_have_url(re.compile(r"gbidir=1"))

    panel = page.locator("[data-testid='stExpander']").filter(has_text="Code: this network in PyTorch and Keras")
    panel.locator("summary").click()
    expect(panel).to_contain_text("nn.LSTM(input_size=")
    expect(panel).to_contain_text("num_layers=3, bidirectional=False")
    with page.expect_download() as info:
        panel.get_by_role("button", name="Weights (.npz)").click()
    path = tmp_path / "w.npz"
    info.value.save_as(path)
    npz = np.load(io.BytesIO(path.read_bytes()))
    assert "rnn.weight_ih_l2" in npz.files and "rnn.weight_hh_l0" in npz.files and "out.weight" in npz.files
    assert npz["rnn.weight_ih_l1"].shape[0] == 4 * npz["rnn.weight_hh_l1"].shape[1]  # i, f, g, o blocks
    assert npz["example.logits"].shape[:2] == (npz["example.x"].shape[0], 1)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
