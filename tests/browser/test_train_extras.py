"""Train page in real Chromium: truncated BPTT drawn from the settings and the trainer, perplexity beside the loss."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import rerun, wait_for_page

TBPTT = """() => {
  const div = [...document.querySelectorAll('.js-plotly-plot')]
    .find(d => (d.layout?.title?.text || '').includes('Truncated BPTT'));
  if (!div) return null;
  return {title: div.layout.title.text.replace(/<[^>]+>/g, ''), rows: div.layout.yaxis.ticktext,
          stops: div.querySelectorAll('.shapelayer path').length,
          words: [...div.querySelectorAll('.textpoint')].length};
}"""
STEP = re.compile(r"Step ([\d,]+) ·")


def test_windows_follow_the_setting_and_move_on_with_training(page, app_url):
    """The picture uses the window of the link; after training, its first row is the trainer's next step, and
    the perplexity line sits under the loss caption."""
    page.goto(f"{app_url}/Train?window=8&speed=fast")
    wait_for_page(page)
    drawn = page.evaluate(TBPTT)
    assert drawn["title"].startswith("Truncated BPTT: the text cut into windows of T = 8 (stream 1 of 16)")
    assert drawn["rows"][0].startswith("step 1<br>tokens 1–8") and len(drawn["rows"]) == 3
    assert drawn["words"] == 3 * 8 and drawn["stops"] >= 3  # every token drawn; a window box and stop bar each
    expect(page.get_by_text(re.compile(r"Window T = 8 characters"))).to_be_visible()

    page.get_by_role("button", name="Train").click()
    expect(page.get_by_text(re.compile(r"Perplexity exp\(mean L_t\) = \d"))).to_be_visible(timeout=30_000)
    expect(
        page.get_by_text(re.compile(r"as unsure of the next character as a uniform choice among \d+"))
    ).to_be_visible()
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_role("button", name="Resume")).to_be_enabled(timeout=30_000)
    rerun(page)
    step = int(STEP.search(page.get_by_text(STEP).first.inner_text()).group(1).replace(",", ""))
    drawn = page.evaluate(TBPTT)
    assert drawn["rows"][0].startswith(f"step {step + 1}<br>")
    expect(page.get_by_text(re.compile(f"carried over from step {step}"))).to_be_visible()
