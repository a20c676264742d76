"""The explorer's stacked and bidirectional networks in real Chromium: the chain draws one row per layer (and per
direction), the backward direction's arrows point right to left, step k shows nothing of step k+1 in the forward
rows while the ← rows are complete (they have read the whole sequence), the backward pass shows each row's
‖∂L/∂h_t^[l]‖, and the code panel below the player downloads the network in PyTorch's names."""

import io
import re

import numpy as np
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_page
from tests.browser.test_accessibility import axe_violations
from visualizer.labs.explorer import deep_run

TEXT = "the united states of america"


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_page(page)
    expect(page.locator(".player .sentence")).to_contain_text("Step ", timeout=30_000)


def _row_labels(page) -> list[str]:
    return page.locator(".player svg.chain text.rowlabel[data-row]").all_text_contents()


def test_two_layers_draw_two_h_rows(page, app_url, screenshot):
    """layers=2: two rows of h nodes (layer 1 under layer 2) in every column read so far, one heat band each."""
    _open(page, f"{app_url}/Explorer?weights=random&layers=2")
    assert sorted(_row_labels(page)) == ["layer 1", "layer 2"]
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("End")
    expect(page.locator(".player .where")).to_have_text("t = 5 / 5")
    col = page.locator(".player svg.chain [data-col='5']")
    expect(col.locator("[data-node='h']")).to_have_count(2)
    bands = page.locator(".player svg.heat text.axis").all_text_contents()
    assert "layer 1" in bands and "layer 2" in bands
    screenshot("explorer-deep-2layers")


def test_bidirectional_rows_point_right_to_left_and_step_k_hides_only_the_forward_future(page, app_url):
    """bidir: the ← rows' recurrent arrows run right to left; at step 2 the → rows of step 3 are empty slots and
    ŷ_3 is not drawn, while the ← rows hold their nodes at every step (with the library's numbers on hover)."""
    _open(page, f"{app_url}/Explorer?weights=random&bidir=true&layers=2")
    assert _row_labels(page) == ["layer 1 →", "layer 1 ←", "layer 2 →", "layer 2 ←"]
    rtl = page.locator(".player svg.chain line.rtl")
    assert rtl.count() > 0
    for x1, x2 in rtl.evaluate_all("els => els.map(e => [+e.getAttribute('x1'), +e.getAttribute('x2')])"):
        assert x1 > x2  # the arrow points to the left
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    expect(page.locator(".player .where")).to_have_text("t = 2 / 5")
    chain = page.locator(".player svg.chain")
    for k in (3, 4, 5):
        col = chain.locator(f"[data-col='{k}']")
        for forward_row in (0, 2):
            expect(col.locator(f"[data-node='h'][data-row='{forward_row}']")).to_have_count(0)
            expect(col.locator(f".slot[data-row='{forward_row}']")).to_have_count(1)
        expect(col.locator("[data-node='y']")).to_have_count(0)
        expect(col.locator("[data-node='h'][data-row='1']")).to_have_count(1)  # ← complete
        expect(col.locator("[data-node='h'][data-row='3']")).to_have_count(1)
    # the heatmap: → bands stop at step 2, ← bands cover every step
    steps = page.locator(".player svg.heat g.cells").evaluate_all(
        "gs => gs.map(g => [...new Set([...g.querySelectorAll('rect[data-step]')].map(r => +r.dataset.step))].sort())"
    )
    assert steps == [[1, 2], [1, 2, 3, 4, 5], [1, 2], [1, 2, 3, 4, 5]]
    r = deep_run.random_run(TEXT, "words", "onehot", cell="rnn", layers=2, bidirectional=True, emb=8, hidden=6, seed=0)
    hover = chain.locator("[data-col='4'] [data-node='h'][data-row='1'] title").text_content() or ""
    first = float(re.search(r"= (-?[0-9.]+)", hover).group(1))  # type: ignore[union-attr]
    assert abs(first - r.hs[0][1][3][0]) < 1e-3  # ←h_4 of layer 1, unit 0: the library's number
    expect(page.get_by_text("its backward direction ←h_t has already read")).to_be_visible()
    assert axe_violations(page) == []


def test_the_backward_pass_names_every_rows_gradient(page, app_url):
    """BPTT of a 2-layer bidirectional LSTM: each row's ‖∂L/∂h_t^[l]‖ beside its nodes and in the panel, with
    the per-layer weight-gradient norms said to be whole-sequence totals."""
    _open(page, f"{app_url}/Explorer?weights=random&bidir=true&layers=2&cell=lstm")
    page.get_by_role("button", name="Backward pass (BPTT)").click()
    expect(page.locator(".player .sentence")).to_contain_text("backward")
    r = deep_run.random_run(TEXT, "words", "onehot", cell="lstm", layers=2, bidirectional=True, emb=8, hidden=6, seed=0)
    panel = page.locator(".player .panel")
    expect(panel).to_contain_text("summed over all steps")
    expect(panel).to_contain_text("→ rows: steps t … T")  # the running norms say which steps they hold
    assert axe_violations(page) == []  # the deep chain's rows, slots and panel: no serious violation
    t = 4  # the backward pass opens on the last step with a loss (the numbers beside the nodes: this step's)
    expect(page.locator(".player .where")).to_have_text(f"t = {t} / 5")
    grad = page.locator(f".player svg.chain [data-col='{t}'] text.grad[data-row='2']").text_content()
    assert float(grad or "nan") == round(float(r.dh_norm[1, 0, t - 1]), 2)


def test_the_code_panel_downloads_the_deep_network(page, app_url, tmp_path):
    """Below the player: the code panel's weights in PyTorch's names, layer 1 (l1) and the reverse direction."""
    _open(page, f"{app_url}/Explorer?weights=random&bidir=true&layers=2")
    panel = page.get_by_text(re.compile("Code: this network in PyTorch and Keras"))
    panel.scroll_into_view_if_needed()
    panel.click()
    button = page.get_by_role("button", name="Weights (.npz)")
    expect(button).to_be_visible()
    with page.expect_download() as info:
        button.click()
    path = tmp_path / "w.npz"
    info.value.save_as(path)
    npz = np.load(io.BytesIO(path.read_bytes()))
    assert "rnn.weight_ih_l1" in npz.files and "rnn.weight_hh_l1_reverse" in npz.files
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
