"""The explorer's live frames (charts and equations) in real Chromium: what the user types is never HTML, the
charts are redrawn in place when a step changes, and nothing is fetched from outside the app's own server.

These replace tests that read the frames' JavaScript source: here the browser runs it."""

from __future__ import annotations

from urllib.parse import quote, urlparse

from playwright.sync_api import expect

from tests.browser.conftest import ALL_PLOTS, after_run, wait_for_page

# Markup and KaTeX commands a student might type (or a link might carry), one word each.
HOSTILE = ["<b>bold</b>", "<img/src=x/onerror=window.__pwned=1>", "\\href{javascript:window.__pwned=1}{x}"]

_FRAMES_HTML = """() => {
  const docs = [document, ...[...document.querySelectorAll('iframe')].flatMap(f => {
    try { return [f.contentDocument]; } catch (e) { return []; } })];
  return {
    bold: docs.reduce((n, d) => n + d.querySelectorAll('b').length - d.querySelectorAll('.katex b').length, 0),
    img: docs.reduce((n, d) => n + d.querySelectorAll('img[src="x"], img[onerror]').length, 0),
    links: docs.reduce((n, d) => n + [...d.querySelectorAll('a')].filter(a => /^javascript:/i.test(a.getAttribute('href') || '')).length, 0),
    pwned: !!window.__pwned || [...document.querySelectorAll('iframe')].some(f => { try { return !!f.contentWindow.__pwned; } catch (e) { return false; } }),
    labels: docs.flatMap(d => [...d.querySelectorAll('.scatterlayer .textpoint')]
      .filter(e => getComputedStyle(e).visibility !== 'hidden').map(e => e.textContent)),
  };
}"""


def test_typed_markup_is_shown_as_text_in_the_charts_and_the_equations(page, app_url):
    """Words that look like HTML or KaTeX links are drawn as the characters typed: no element, no script, no link."""
    text = " ".join(["the", *HOSTILE])
    page.goto(f"{app_url}/Explorer?weights=random&step=4&text={quote(text)}")
    wait_for_page(page)
    found = page.evaluate(_FRAMES_HTML)
    assert not found["pwned"] and found["img"] == 0 and found["links"] == 0
    assert {"<", "b", ">"} <= set(found["labels"])  # the tokens ("<b>" is read as three), as typed, on the chain


_PROBE = """(mark) => {
  const plots = ALL_PLOTS.filter(gd => gd.ownerDocument !== document);
  if (mark) plots.forEach(gd => { gd.__probe = 'kept'; });
  return plots.map(gd => gd.__probe || 'new');
}""".replace("ALL_PLOTS", ALL_PLOTS)


def test_a_step_redraws_every_live_chart_in_place(page, app_url):
    """Next moves the highlight while every chart element stays the same element (Plotly.react in place, not a
    new chart): a mark left on each chart before the step is still there after it."""
    page.goto(f"{app_url}/Explorer?weights=random&step=1")
    wait_for_page(page)
    marked = page.evaluate(_PROBE, True)
    assert len(marked) >= 2
    after_run(page, page.get_by_role("button", name="Next ▶").click)
    expect(page.get_by_text("Step 2 of", exact=False).first).to_be_visible()
    assert page.evaluate(_PROBE, False) == marked


def test_nothing_is_fetched_from_outside_and_plotly_once_per_browser(page, app_url):
    """Every request goes to the app's own server; the live charts' Plotly bundle is fetched at most once, even
    across two pages with live charts."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{app_url}/Explorer?weights=random")
    wait_for_page(page)
    page.goto(f"{app_url}/Explorer?weights=random&step=3")
    wait_for_page(page)
    own = urlparse(app_url).netloc
    outside = [
        u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).netloc != own
    ]
    assert not outside, outside[:5]
    assert sum(u.endswith("plotly.min.js") for u in requests) <= 1
