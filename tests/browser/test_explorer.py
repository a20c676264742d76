"""Step-through explorer in real Chromium: deep link, typing, stepping, clicking the chain, keyboard, playing."""

import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import ALL_PLOTS, next_frame, wait_for_app

# Plotly keeps each chart's data and layout on its div: read what is drawn, not what was sent.
# (Streamlit's theme wraps titles in <b>, hence the tag stripping.)
_CHART = """(prefix) => {
  for (const gd of ALL_PLOTS) {
    const title = ((gd.layout && gd.layout.title && gd.layout.title.text) || '').replace(/<[^>]+>/g, '');
    if (!title.startsWith(prefix)) continue;
    return {
      traces: gd.data.map(d => ({name: d.name || '', x: Array.from(d.x || []),
                                 color: d.marker && Array.isArray(d.marker.color) ? d.marker.color : null})),
      shapes: (gd.layout.shapes || []).map(s => [s.x0, s.x1]),
      ticks: [...gd.querySelectorAll('.xtick text')].map(t => t.textContent),  // as drawn
      current: (gd.layout.shapes || []).filter(s => s.name === 'current state').map(s => s.xanchor),
      labels: [...gd.querySelectorAll('.scatterlayer .textpoint')]  // the text labels a student can see
        .filter(e => getComputedStyle(e).visibility !== 'hidden').map(e => e.textContent),
    };
  }
  return null;
}""".replace("ALL_PLOTS", ALL_PLOTS)

# Where column `step` of the chain's hidden row is on the screen (to click it like a student). The chain
# lives in a live-chart frame: its position on the page is the frame's plus the plot's inside it.
_COLUMN = """(step) => {
  for (const gd of ALL_PLOTS) {
    const title = ((gd.layout && gd.layout.title && gd.layout.title.text) || '');
    if (!title.includes('unrolled chain')) continue;
    const frame = gd.ownerDocument.defaultView.frameElement;
    const f = frame ? frame.getBoundingClientRect() : {left: 0, top: 0};
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
    return [f.left + r.left + xa._offset + xa.l2p(step), f.top + r.top + ya._offset + ya.l2p(1)];
  }
  return null;
}""".replace("ALL_PLOTS", ALL_PLOTS)


# The live equations (a frame typesetting with KaTeX): what they show, and a fresh typesetting of the same
# LaTeX to compare with (numbers rewritten in place must read exactly as a new typesetting would).
_EQUATIONS = """() => {
  for (const frame of document.querySelectorAll('iframe')) {
    let math = null;
    try { math = frame.contentDocument.getElementById('math'); } catch (e) { continue; }
    if (!math || !math.dataset.tex) continue;
    const fresh = frame.contentDocument.createElement('div');
    frame.contentWindow.katex.render(math.dataset.tex, fresh,
      {displayMode: true, output: 'html', throwOnError: false, strict: 'ignore'});
    return {tex: math.dataset.tex, text: math.textContent, fresh: fresh.textContent,
            typeset: +math.dataset.typeset, rewritten: +math.dataset.rewritten,
            errors: math.querySelectorAll('.katex-error').length,
            fits: math.scrollWidth <= math.clientWidth + 1, fit: +math.dataset.fit,
            height: math.getBoundingClientRect().height, frame: frame.getBoundingClientRect().height};
  }
  return null;
}"""


def _equations(page) -> dict | None:
    return page.evaluate(_EQUATIONS)


def _chart(page, prefix: str):
    return page.evaluate(_CHART, prefix)


def _highlighted(page) -> int | None:
    """The step whose h_t the unrolled chain draws in orange."""
    chart = _chart(page, "The unrolled chain")
    if chart is None:
        return None
    return chart["current"][0] if len(chart["current"]) == 1 else None


def _heatmap(page):
    """The hidden-state heatmap's tick labels as drawn, and its shapes (the step's outline, the cover)."""
    chart = _chart(page, "Hidden state h_t over time")
    return None if chart is None or not chart["ticks"] else (chart["ticks"], chart["shapes"])


# Hover over the heatmap cell (unit 0, column `step`) like a student, and read the hover label drawn.
_HEAT_CELL = """(step) => {
  for (const gd of ALL_PLOTS) {
    const title = ((gd.layout && gd.layout.title && gd.layout.title.text) || '');
    if (!title.startsWith('Hidden state')) continue;
    const frame = gd.ownerDocument.defaultView.frameElement;
    if (frame) frame.scrollIntoView({block: 'center'});
    const f = frame ? frame.getBoundingClientRect() : {left: 0, top: 0};
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
    return [f.left + r.left + xa._offset + xa.l2p(step - 1), f.top + r.top + ya._offset + ya.l2p(0)];
  }
  return null;
}""".replace("ALL_PLOTS", ALL_PLOTS)
_HOVER_TEXT = """() => ALL_PLOTS.filter(gd => (gd.layout.title.text || '').startsWith('Hidden state'))
  .map(gd => [...gd.querySelectorAll('.hoverlayer .hovertext')].map(e => e.textContent).join(' ')).join('')
""".replace("ALL_PLOTS", ALL_PLOTS)


def _hover_heatmap(page, step: int, before: str) -> str:
    """Move the pointer onto step `step` of the heatmap and return the hover text once it differs from `before`."""
    x, y = page.evaluate(_HEAT_CELL, step)
    page.mouse.move(x, y)
    return _until(page, lambda: (text := page.evaluate(_HOVER_TEXT)) != before and (text,))[0]


def _until(page, check, timeout: float = 30.0):
    """Poll `check()` once per painted frame until it is truthy; its value."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        next_frame(page)
    raise AssertionError("condition not met in time")


def test_explorer_deep_link_type_step_and_play(page, app_url, screenshot):
    """/Explorer?step=2 opens at step 2; typing redraws the chain and heatmap; Next and Play move the highlight."""
    page.goto(f"{app_url}/Explorer?step=2")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Step-through explorer")).to_be_visible(timeout=30_000)
    _until(page, lambda: _highlighted(page) == 2)
    shown = _chart(page, "The unrolled chain")["labels"]
    assert {"the", "united"} <= set(shown) and not {"states", "of", "america"} & set(shown)  # the future unnamed
    labels, shapes = _until(page, lambda: _heatmap(page))
    assert labels[:2] == ["1. the", "2. united"] and labels[2:] == ["3. ·", "4. ·", "5. ·"]
    assert shapes == [[0.5, 1.5], [1.5, 4.5]]  # the step's outline; the cover over steps 3..5
    # Hover shows a value read so far, and nothing under the cover (the future's values stay hidden).
    shown = _hover_heatmap(page, 2, before="")
    assert "value" in shown
    assert _hover_heatmap(page, 4, before=shown) == ""  # under the cover: the hover goes, no value shows
    eqs = _until(page, lambda: _equations(page))
    assert "h_{2}" in eqs["tex"] and eqs["height"] > 100 and eqs["frame"] >= eqs["height"]

    box = page.get_by_label("Type a sequence", exact=True)
    box.fill("cats chase mice and dogs chase cats")
    box.press("Control+Enter")
    _until(page, lambda: (_heatmap(page) or [[]])[0][-1:] == ["7. ·"])
    assert _highlighted(page) == 2
    expect(page).to_have_url(re.compile(r"text=cats"))

    page.get_by_role("button", name="Next ▶").click()
    _until(page, lambda: _highlighted(page) == 3)
    _until(page, lambda: _heatmap(page)[1] == [[1.5, 2.5], [2.5, 6.5]])
    expect(page.get_by_text("Step 3 of 7")).to_be_visible()
    expect(page).to_have_url(re.compile(r"step=3"))
    screenshot("explorer")

    page.get_by_text("▶ Play through the steps").click()
    _until(page, lambda: (_highlighted(page) or 0) >= 5, timeout=20)
    page.get_by_text("▶ Play through the steps").click()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_explorer_click_a_column_and_keyboard_shortcuts(page, app_url):
    """Clicking column 5 of the chain jumps there; ← steps back, Home goes to the first step, → forward."""
    page.goto(f"{app_url}/Explorer?step=2")
    wait_for_app(page)
    _until(page, lambda: _highlighted(page) == 2, timeout=60)
    _until(page, lambda: _equations(page), timeout=30)  # the first render has settled
    x, y = page.evaluate(_COLUMN, 5)
    page.mouse.click(x, y)
    _until(page, lambda: _highlighted(page) == 5, timeout=60)
    expect(page.get_by_text("Step 5 of 5")).to_be_visible()
    expect(page.get_by_role("button", name="Next ▶")).to_be_disabled()  # at the end: disabled, not dead

    page.keyboard.press("ArrowLeft")
    _until(page, lambda: _highlighted(page) == 4)
    page.keyboard.press("Home")
    _until(page, lambda: _highlighted(page) == 1)
    page.keyboard.press("ArrowRight")
    _until(page, lambda: _highlighted(page) == 2)
    expect(page).to_have_url(re.compile(r"step=2"))
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_explorer_backward_phase_in_the_browser(page, app_url, screenshot):
    """The backward pass starts at the last step and Next walks back in time, the error arrows drawn in red."""
    page.goto(f"{app_url}/Explorer?phase=backward&step=5")
    wait_for_app(page)
    chart = _until(page, lambda: _chart(page, "Backward"))
    assert any(t["name"].startswith("h_t") for t in chart["traces"])
    page.get_by_role("button", name="Next ▶").click()
    expect(page.get_by_text("Step 4 of 5, backward")).to_be_visible(timeout=30_000)
    screenshot("explorer-backward")


def test_explorer_equations_follow_the_step_with_their_numbers_rewritten_in_place(page, app_url):
    """Stepping rewrites only the numbers of the equations (the fast path) and they read exactly as a
    fresh typesetting of the step's LaTeX: forward (vanilla and LSTM) and backward. Every line fits the
    frame (the backward pass's widest lines are set smaller at this width)."""
    for query, moves in (
        ("cell=rnn&step=2", (3, 4, 5)),
        ("cell=lstm&step=2", (3, 4)),
        ("phase=backward&step=5", (4, 3)),
    ):
        page.goto(f"{app_url}/Explorer?{query}")
        wait_for_app(page)
        _until(page, lambda: _equations(page), timeout=60)
        for step in moves:
            page.get_by_role("button", name="Next ▶").click()
            eqs = _until(page, lambda s=step: (e := _equations(page)) and f"_{{{s}}}" in e["tex"] and e, timeout=30)
            assert eqs["errors"] == 0, query
            assert eqs["text"] == eqs["fresh"], (query, step)
            assert eqs["fits"] and 0.6 <= eqs["fit"] <= 1, query  # a wide line is set smaller, not cut
        assert eqs["rewritten"] >= 1, query  # at least one step changed only numbers and text
        assert eqs["typeset"] + eqs["rewritten"] >= len(moves) + 1
