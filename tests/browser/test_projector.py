"""A projector shows 1280×720: every page's main controls and main figure are there without scrolling.

Generic over pages (the page table, visualizer/pages.py). A page names what must be visible with
keyed containers — `st.container(key="main_controls")` and `st.container(key="main_figure")` — and
without them the test takes the first chart in the main area as the main figure and the widgets of
the main area above it as the main controls. Equations (KaTeX) must never run out of their box.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ALL_PLOTS, CHARTS, next_frame, wait_for_page
from tests.browser.test_accessibility import axe_violations
from tools.loadtest import page_names

PAGES = page_names()
WIDTH, HEIGHT = 1280, 720
# Pages whose first view has no chart by design: Train draws its charts once training starts, the
# Lesson page is a list of stops. There the main controls must fit; the figure is checked elsewhere.
NO_CHART_UNTIL_ACTION = {"Train", "Lesson"}

# The boxes to check, found in the page: [{what, top, bottom, left, right}], in CSS pixels.
_BOXES_JS = """() => {
  const main = document.querySelector("[data-testid='stMain']") || document.body;
  const box = (el, what) => { const r = el.getBoundingClientRect();
    return {what, top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  const charts = "CHARTS";
  const widgets = ["stButton", "stSlider", "stSelectbox", "stRadio", "stNumberInput", "stTextInput",
    "stTextArea", "stCheckbox", "stToggle", "stSegmentedControl", "stButtonGroup", "stSelectSlider"]
    .map(t => `[data-testid='${t}']`).join(", ");
  const out = [];
  let figure = main.querySelector(".st-key-main_figure");
  if (!figure) figure = [...main.querySelectorAll(charts)].find(el => el.getBoundingClientRect().height > 0);
  if (figure) out.push(box(figure, "main figure"));
  // A figure that carries its own controls (the explorer's player, a component drawn in a shadow root: its buttons
  // and slider) is the main view whole.
  const own = figure && [...figure.querySelectorAll("*")].some(e => e.shadowRoot && e.shadowRoot.querySelector("button"));
  if (own) return out;
  const keyed = main.querySelector(".st-key-main_controls");
  if (keyed) { out.push(box(keyed, "main controls")); return out; }
  const all = [...main.querySelectorAll(widgets)].filter(el => el.getBoundingClientRect().height > 0);
  const above = figure ? all.filter(el => el.compareDocumentPosition(figure) & Node.DOCUMENT_POSITION_FOLLOWING) : [];
  for (const el of (above.length ? above : all.slice(0, 1))) {
    const label = (el.innerText || "").split("\\n")[0].slice(0, 40);
    out.push(box(el, `control '${label}'`));
  }
  return out;
}""".replace("CHARTS", CHARTS)

_EQUATIONS_JS = """() => {
  // Equations drawn by st.latex (in the page) and by the explorer's live equations (in a frame, whose
  // position on the page is added to what the frame measures).
  const docs = [[document, 0]];
  for (const f of document.querySelectorAll('iframe')) {
    try { docs.push([f.contentDocument, f.getBoundingClientRect().left]); } catch (e) { /* another origin */ }
  }
  return docs.flatMap(([doc, left]) => [...doc.querySelectorAll('.katex-display')].map(el => {
    // The equation's ink (.katex) against the box it lives in (the markdown block, or the frame's math
    // box): it either fits, or an element between them scrolls sideways within that box (a readable
    // slice, nothing hidden).
    const box = el.closest("[data-testid='stMarkdownContainer'], #math") || el.parentElement;
    const ink = (el.querySelector('.katex') || el).getBoundingClientRect(), b = box.getBoundingClientRect();
    let scrolls = false;
    for (let n = el; n && n !== box.parentElement; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (['auto', 'scroll'].includes(s.overflowX) && n.getBoundingClientRect().right <= b.right + 1) scrolls = true;
    }
    return {text: el.innerText.replace(/\\s+/g, '').slice(0, 40), ink_right: ink.right, box_right: b.right,
            fits: (ink.right <= b.right + 1 && ink.left >= b.left - 1) || scrolls,
            right: left + Math.min(ink.right, b.right)};
  }));
}"""


# The explorer player's equation panel (MathML in a frameless component): every equation line, and the panel
# itself, as wide as their box or narrower (nothing cut at the right edge, no sideways scrolling).
_PLAYER_EQUATIONS_JS = """() => {
  const host = [...document.querySelectorAll("[data-testid='stBidiComponentIsolated']")]
    .find((h) => (h.shadowRoot || h).querySelector('.player .panel'));
  if (!host) return null;
  const root = host.shadowRoot || host;
  const stacked = root.querySelector('.stacked');
  if (stacked && !stacked.hidden) stacked.open = true;  // the stacked form too
  const panel = root.querySelector('.panel');
  const lines = [...root.querySelectorAll('.eq math, .eq-stacked math')].filter(m => m.getBoundingClientRect().width);
  const cut = lines.filter(m => m.scrollWidth > m.clientWidth + 1)
    .map(m => `${(m.textContent || '').replace(/\\s+/g, '').slice(0, 30)}: ${m.scrollWidth} > ${m.clientWidth}`);
  if (panel.scrollWidth > panel.clientWidth + 1) cut.push(`panel: ${panel.scrollWidth} > ${panel.clientWidth}`);
  return {lines: lines.length, cut};
}"""


def _player_equations(page) -> dict | None:
    """The player's equation lines once the stacked form (if offered) is open and fitted (None: no player)."""
    if page.evaluate(_PLAYER_EQUATIONS_JS) is None:
        return None
    next_frame(page)  # opening the stacked form fits its equations on its toggle event
    return page.evaluate(_PLAYER_EQUATIONS_JS)


def _open(page, url: str) -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(url)
    wait_for_page(page)


def _outside(boxes: list[dict]) -> list[str]:
    return [
        f"{b['what']}: top {b['top']:.0f}, bottom {b['bottom']:.0f}, left {b['left']:.0f}, right {b['right']:.0f}"
        for b in boxes
        if b["top"] < -1 or b["bottom"] > HEIGHT + 1 or b["left"] < -1 or b["right"] > WIDTH + 1
    ]


# Text a control or a metric cuts short ("Orthogo…", "Nex…"): an element whose content is wider than its box and
# does not overflow visibly. Elements a few pixels wide are visually hidden inputs, not text. The sidebar counts
# only when it is open.
_CLIPPED_JS = """() => {
  const sel = "button, label, [data-testid='stMetricLabel'], [data-testid='stMetricValue'], [data-testid='stWidgetLabel']";
  const side = document.querySelector("[data-testid='stSidebar']");
  const open = side && side.getBoundingClientRect().x >= 0 && side.getBoundingClientRect().width > 50;
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || !(el.innerText || '').trim() || (side && side.contains(el) && !open)) continue;
    const cut = [el, ...el.querySelectorAll('*')].some(n => n.clientWidth > 3 && n.scrollWidth > n.clientWidth + 1
      && getComputedStyle(n).overflowX !== 'visible');
    if (cut) out.push((el.innerText || '').replace(/\\s+/g, ' ').slice(0, 40));
  }
  return out;
}"""

# Slider values drawn over their own thumb (presenter mode's larger text used to push them down onto it).
_VALUES_ON_THUMBS_JS = """() => [...document.querySelectorAll("[data-testid='stSliderThumbValue']")]
  .filter(v => v.getBoundingClientRect().height > 0)
  .filter(v => v.getBoundingClientRect().bottom > v.parentElement.getBoundingClientRect().top + 1)
  .map(v => v.innerText)"""

# The font size of the charts' tick labels, in px (Streamlit's own charts and the live-chart frames).
_TICK_SIZES_JS = """() => ALL_PLOTS.map(gd => gd.querySelector('.xtick text, .ytick text'))
  .filter(t => t).map(t => parseFloat(t.style.fontSize || getComputedStyle(t).fontSize))""".replace(
    "ALL_PLOTS", ALL_PLOTS
)


# The lesson panel over a page is checked in `make test` on the pages the lesson spends most stops on; over the
# others in the opt-in tier (CI runs both).
LESSON_PANEL_PAGES = {"Explorer", "Gradients"}


def _cases():
    for name in PAGES:
        yield pytest.param(name, False, False, id=f"{name}-normal")
        yield pytest.param(name, True, False, id=f"{name}-presenter")
        marks = () if name in LESSON_PANEL_PAGES else (pytest.mark.slow,)
        yield pytest.param(name, True, True, id=f"{name}-presenter-lesson", marks=marks)


@pytest.mark.parametrize("name,present,lesson", list(_cases()))
def test_at_1280x720_everything_fits_and_nothing_is_cut(page, app_url, name, present, lesson):
    """At 1280×720, without scrolling, the page's main controls and main figure are fully visible; no button,
    label or metric is cut short (also with the lesson panel open in the sidebar, in presenter mode, where the
    text is largest); every displayed equation fits its box or scrolls inside it; in presenter mode chart text is
    enlarged, slider values sit above their thumbs; axe-core finds no serious or critical violation, in either
    mode, as the projector shows the page."""
    query = "&".join(q for q, on in (("present=1", present), ("lesson=12", lesson)) if on)
    _open(page, f"{app_url}/{PAGES[name]}" + (f"?{query}" if query else ""))
    clipped = page.evaluate(_CLIPPED_JS)
    assert clipped == [], f"cut short: {clipped}"
    assert page.evaluate(_VALUES_ON_THUMBS_JS) == [], "a slider's value sits on its thumb"
    if lesson:  # the panel's page is another one: the rest was checked without it, but not the panel's contrast
        assert axe_violations(page) == []
        return
    eqs = _player_equations(page)
    if name == "Explorer":
        assert eqs is not None and eqs["lines"] >= 3, eqs  # the default view's h_1 with its numbers
    if eqs is not None:
        assert eqs["cut"] == [], f"the player's equations run out of the panel: {eqs['cut']}"
    boxes = page.evaluate(_BOXES_JS)
    if name in NO_CHART_UNTIL_ACTION:  # a chart before the action (Train's truncated-BPTT picture) is not the main one
        boxes = [b for b in boxes if b["what"] != "main figure"]
    if name not in NO_CHART_UNTIL_ACTION:
        assert any(b["what"] == "main figure" for b in boxes), "no chart on the page"
    assert boxes, "neither a chart nor a control in the main area"
    assert _outside(boxes) == []
    bad = [e for e in page.evaluate(_EQUATIONS_JS) if not e["fits"] or e["right"] > WIDTH + 1]
    assert bad == []
    ticks = page.evaluate(_TICK_SIZES_JS)
    if present and ticks:  # Streamlit's chart theme draws ticks at 12 px; presenter mode scales them by 1.25
        assert min(ticks) >= 14, ticks
    assert axe_violations(page) == []
