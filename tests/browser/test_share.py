"""Shared links in real Chromium: a URL opens the exact view; a bad URL shows the notice."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app
from visualizer.pages import PAGES

PAGE_PATHS = [page.url_path for page in PAGES]
# In `make test` on three pages (every page's notice is an AppTest: tests/app/test_fuzz_pages.py); every page in
# the opt-in tier, which CI also runs.
BAD_LINK_PAGES = {"", "Explorer", "Gradients"}


def test_home_link_reopens_the_view(page, app_url):
    """The sequence in the link is the one the example figure reads."""
    page.goto(f"{app_url}/?text=cats+chase+mice")
    wait_for_app(page)
    expect(page.locator(".player.heat-only svg.heat")).to_contain_text("“mice”", timeout=30_000)
    expect(page.get_by_text("could not be used")).to_have_count(0)


@pytest.mark.parametrize(
    "path", [pytest.param(p, marks=() if p in BAD_LINK_PAGES else (pytest.mark.slow,)) for p in PAGE_PATHS]
)
def test_bad_link_shows_notice_not_traceback(page, app_url, path):
    """Malformed parameters fall back to the defaults with a visible notice on every page."""
    page.goto(f"{app_url}/{path}?hidden=abc&act=cube&step=-4&zzz=%3Cscript%3E")
    wait_for_app(page)
    expect(page.get_by_text("could not be used", exact=False)).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(page.locator("script:has-text('alert')")).to_have_count(0)


def test_link_written_back_reopens_same_view(page, app_url, context):
    """Change a setting, copy the address bar into a fresh tab: the same view opens."""
    page.goto(app_url)
    wait_for_app(page)
    box = page.get_by_label("A sequence (split into words)", exact=True).and_(page.locator("input"))
    box.fill("one two three four")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"text=one"), timeout=30_000)
    other = context.new_page()
    other.goto(page.url)
    wait_for_app(other)
    expect(other.locator(".player.compact svg.chain")).to_contain_text("“four”", timeout=30_000)


def test_presenter_mode_and_hidden_sidebar(page, app_url):
    """present=1 drops the header; hide=sidebar removes the sidebar for a classroom link."""
    page.goto(f"{app_url}/?present=1&hide=sidebar")
    wait_for_app(page)
    expect(page.locator(".player svg.chain").first).to_be_visible(timeout=30_000)
    expect(page.locator("header[data-testid='stHeader']")).to_be_hidden()
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    assert float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")) >= 40


def test_explorer_link_opens_at_the_step_it_names(page, app_url):
    """text and step in the link: the explorer opens on that step of that sequence."""
    page.goto(f"{app_url}/Explorer?text=red+green+blue+gold&step=3&notation=a")
    wait_for_app(page)
    expect(page.get_by_text("Step 3 of 4", exact=False)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("“blue”", exact=False).first).to_be_visible()
    expect(page.get_by_role("radio", name="a, W_aa (the notation used in many courses)")).to_be_checked(timeout=30_000)


def test_sequence_types_link_opens_the_type_it_names(page, app_url):
    page.goto(f"{app_url}/Sequence_types?seqtype=many_to_one&text=good+film+overall")
    wait_for_app(page)
    expect(page.get_by_role("radio", name="Many-to-one")).to_be_checked(timeout=30_000)
    expect(page.locator(".js-plotly-plot").first).to_contain_text("Many-to-one", timeout=30_000)


def test_train_link_restores_training_settings(page, app_url):
    page.goto(f"{app_url}/Train?opt=sgd&window=10&level=words")
    wait_for_app(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_role("slider", name="Truncated-BPTT window T")).to_have_value("10", timeout=30_000)
    expect(sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Optimiser").locator("input")).to_have_value(
        "SGD"
    )
    expect(sidebar.get_by_role("radio", name="word", exact=True)).to_be_checked()


def test_explorer_trace_downloads_as_csv(page, app_url):
    """The trace download is a real CSV with one row per step and the gradient columns."""
    page.goto(f"{app_url}/Explorer?text=one+two+three")
    wait_for_app(page)
    button = page.get_by_role("button", name="Trace as CSV")
    expect(button).to_be_enabled(timeout=30_000)  # the sidebar is drawn before the step views settle
    with page.expect_download(timeout=60_000) as info:  # the CSV is built on the click, on the server
        button.click()
    text = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert text[0].startswith("t,token,") and "dL/dh[0]" in text[0]
    assert [line.split(",")[1] for line in text[1:]] == ["one", "two", "three"]


def test_gradients_link_restores_regime(page, app_url):
    """radius, activation and clipping in the link are the page's settings."""
    page.goto(f"{app_url}/Gradients?radius=0.5&gact=sigmoid&clip=1&glen=50")
    wait_for_app(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_role("slider", name="Scale of W_hh")).to_have_value("0.5", timeout=30_000)
    expect(sidebar).to_contain_text("Activation f")
    activation = sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Activation f").locator("input")
    expect(activation).to_have_value(re.compile("sigmoid"))  # the activation box shows the link's choice
    expect(sidebar.get_by_role("switch", name="Clip the gradient by norm")).to_be_checked()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()


def test_share_panel_gives_a_copyable_link(browser, app_url):
    """The share panel shows this view's link in a read-only box; Copy puts exactly that link on the clipboard,
    and the link opens the same view in a new tab."""
    ctx = browser.new_context(
        viewport={"width": 1400, "height": 1000}, permissions=["clipboard-read", "clipboard-write"]
    )
    try:
        tab = ctx.new_page()
        tab.goto(f"{app_url}/Explorer?text=red+green+blue+gold&step=3")
        wait_for_app(tab)
        tab.get_by_text("Share & present", exact=False).click()
        box = tab.get_by_role("textbox", name="Link to this view")
        expect(box).to_be_visible(timeout=30_000)
        expect(box).to_have_attribute("readonly", "")
        link = box.input_value()
        assert link.startswith(f"{app_url}/Explorer?") and "text=red" in link and "step=3" in link
        tab.get_by_role("button", name="Copy: Link to this view").click()
        expect(tab.get_by_text("Copied to the clipboard.")).to_be_visible()
        assert tab.evaluate("() => navigator.clipboard.readText()") == link
        other = ctx.new_page()
        other.goto(link)
        wait_for_app(other)
        expect(other.locator(".player .sentence")).to_contain_text("Step 3 of 4", timeout=30_000)
    finally:
        ctx.close()
