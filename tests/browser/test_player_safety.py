"""The explorer player in real Chromium: what the user types is never HTML (in the chain, the heatmap's hover,
the sentence and the MathML equations), and the page fetches nothing from outside the app's own server and no
chart library of its own (no Plotly, no KaTeX)."""

from __future__ import annotations

from urllib.parse import quote, urlparse

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_page

# Markup and LaTeX commands a student might type (or a link might carry), one word each.
HOSTILE = ["<b>bold</b>", "<img/src=x/onerror=window.__pwned=1>", "\\href{javascript:window.__pwned=1}{x}"]


def test_typed_markup_is_shown_as_text_in_the_player(page, app_url):
    """Words that look like HTML or LaTeX links are drawn as the characters typed: no element, no script, no link."""
    text = " ".join(["the", *HOSTILE])
    page.goto(f"{app_url}/Explorer?weights=random&step=4&text={quote(text)}")
    wait_for_page(page)
    player = page.locator(".player")
    expect(player.locator(".sentence")).to_contain_text("Step 4 of")
    assert player.locator("b, img, a, script").count() == 0
    assert not page.evaluate("() => !!window.__pwned")
    labels = player.locator("svg.chain text.tok").all_text_contents()
    assert labels[:4] == ["“the”", "“<”", "“b”", "“>”"]  # the tokens ("<b>" is read as three), as typed
    player.locator("[data-col='2'] [data-node='x']").click()
    assert player.locator(".eq mtext").filter(has_text="<").count() >= 1  # in the equations: text, not a tag


def test_nothing_is_fetched_from_outside_and_no_chart_library(page, app_url):
    """Every request goes to the app's own server, and the explorer loads neither Plotly nor KaTeX: the player
    draws SVG and MathML itself."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{app_url}/Explorer?weights=random")
    wait_for_page(page)
    page.keyboard.press("ArrowRight")
    expect(page.locator(".player .sentence")).to_contain_text("Step 2 of")
    own = urlparse(app_url).netloc
    outside = [
        u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).netloc != own
    ]
    assert not outside, outside[:5]
    assert not [u for u in requests if "plotly" in u.lower() or "katex" in u.lower()]
