"""Presenter mode in real Chromium: it applies on the very click that turns it on (and off), and chart
text grows with the prose."""

from __future__ import annotations

from tests.browser.conftest import ALL_PLOTS, after_run, wait_for_page

_SIZES_JS = """() => {
  const p = document.querySelector("[data-testid='stMain'] [data-testid='stMarkdownContainer'] p");
  const ticks = ALL_PLOTS.map(gd => gd.querySelector('.xtick text, .ytick text')).filter(t => t);
  // the explorer's player draws its own chart (SVG in a frameless component, inside its shadow root)
  const host = [...document.querySelectorAll("[data-testid='stBidiComponentIsolated']")].find((h) => (h.shadowRoot || h).querySelector('.player'));
  const label = host && (host.shadowRoot || host).querySelector('.chain text');
  const chart = ticks.length ? parseFloat(ticks[0].style.fontSize) : label ? parseFloat(getComputedStyle(label).fontSize) : null;
  return {prose: parseFloat(getComputedStyle(p).fontSize), chart};
}""".replace("ALL_PLOTS", ALL_PLOTS)


def _toggle(page) -> None:
    """Click the presenter toggle in the share panel and wait for the page to settle."""
    box = page.locator("[data-testid='stSidebar']").bounding_box()
    if box is None or box["width"] < 50 or box["x"] < 0:  # presenter mode collapses the sidebar
        page.locator("[data-testid='stExpandSidebarButton']").click()
        page.wait_for_function(
            "() => { const r = document.querySelector(\"[data-testid='stSidebar']\").getBoundingClientRect();"
            " return r.width >= 50 && r.x >= 0; }"
        )
    toggle = page.get_by_text("Presenter mode", exact=False)
    if not toggle.is_visible():  # the share panel is folded
        page.get_by_text("Share & present", exact=False).click()
        toggle.wait_for(state="visible")
    after_run(page, toggle.click)


def test_presenter_mode_applies_on_the_click(page, app_url):
    """One click: prose 16 -> 20 px and chart ticks grow too; one more click: both back."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/Explorer")
    wait_for_page(page)
    before = page.evaluate(_SIZES_JS)
    _toggle(page)
    on = page.evaluate(_SIZES_JS)
    assert on["prose"] >= before["prose"] * 1.2
    assert on["chart"] >= before["chart"] * 1.2
    _toggle(page)
    off = page.evaluate(_SIZES_JS)
    assert off == before
