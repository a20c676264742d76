"""Accessibility of every page, checked by axe-core in real Chromium: no serious or critical violations.

axe-core comes from the npm registry into .cache/axe (`make browser-deps`) and is injected into the
page with Playwright's add_script_tag. Pages come from the page table (visualizer/pages.py), so
a new page is checked without editing this file.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_page
from tests.conftest import ROOT
from tools.loadtest import page_names

AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = page_names()  # {"Home": "", "Explorer": "Explorer", ...}


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core on the page: one line per violation of the given impacts (rule, impact, where)."""
    if not AXE.exists():
        pytest.fail(f"axe-core missing at {AXE}: run `make browser-deps` (npm install --prefix .cache/axe axe-core)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:4])}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def open_page(page, app_url: str, name: str) -> None:
    page.goto(f"{app_url}/{PAGES[name]}")
    wait_for_page(page)


@pytest.mark.slow  # `make test` runs axe on every page where the projector test opens it (1280×720, both modes)
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(page, app_url, name):
    """axe-core finds no serious or critical violation (contrast, headings, labels, names) on the page, opened
    in a tall window (everything on screen at once)."""
    open_page(page, app_url, name)
    assert axe_violations(page) == []


# Every page, in normal and presenter mode, is checked by axe where a projector shows it, at 1280×720:
# tests/browser/test_projector.py.


@pytest.mark.slow  # `make test`: axe on the lesson panel in presenter mode at 1280×720 (test_projector.py)
def test_the_lesson_panel_has_no_serious_accessibility_violation(page, app_url):
    """With a lesson stop open (its panel, shortcut labels and question in the sidebar), axe finds nothing serious."""
    page.goto(f"{app_url}/?lesson=1")
    wait_for_page(page)
    assert axe_violations(page) == []
