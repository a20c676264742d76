"""The encoder–decoder's decoding view (Sequence types, trained) in real Chromium."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import after_run, wait_for_page

# The kept prefixes of the beam tree as drawn: Plotly keeps the data it drew on its div.
TREE = """() => {
  const div = [...document.querySelectorAll('.js-plotly-plot')]
    .find(d => (d.layout?.title?.text || '').replace(/<[^>]+>/g, '').startsWith('Beam search'));
  if (!div) return null;
  const kept = div.data.find(t => t.name === 'prefixes kept');
  return {title: div.layout.title.text.replace(/<[^>]+>/g, ''), ranks: Math.max(...kept.y.map(y => -y)) + 1, nodes: kept.x.length,
          drawn: div.querySelectorAll('.scatterlayer .point').length};
}"""


def test_beam_width_redraws_the_tree(page, app_url):
    """Widening the beam from 3 to 5 with the keyboard redraws the tree with five ranks; 1 is greedy."""
    page.goto(f"{app_url}/Sequence_types?seqtype=encoder_decoder")
    wait_for_page(page)
    section = page.get_by_role("heading", name=re.compile("Decoding: teacher forcing vs free running"))
    section.scroll_into_view_if_needed()
    expect(page.get_by_text(re.compile(r"Running free, its first mistake is word \d+"))).to_be_visible()
    tree = page.evaluate(TREE)
    assert tree["title"].startswith("Beam search, width 3") and tree["ranks"] == 3 and tree["drawn"] > 0

    thumb = page.get_by_test_id("stSlider").filter(has_text="Beam width").get_by_role("slider")
    thumb.focus()
    after_run(page, lambda: thumb.press("ArrowRight"), timeout=60_000)
    after_run(page, lambda: thumb.press("ArrowRight"), timeout=60_000)
    tree = page.evaluate(TREE)
    assert tree["title"].startswith("Beam search, width 5") and tree["ranks"] == 5
    assert tree["drawn"] >= tree["nodes"]  # every kept prefix has its point in the SVG
    expect(page).to_have_url(re.compile(r"beam=5"))

    after_run(page, lambda: thumb.press("Home"), timeout=60_000)
    tree = page.evaluate(TREE)
    assert tree["title"].startswith("Beam search, width 1") and tree["ranks"] == 1
    expect(page.get_by_text(re.compile("this is greedy decoding"))).to_be_visible()
