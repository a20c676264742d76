"""The one page table: every page's script exists, addresses stay as shared links know them, each view
sets itself up with its own entry, and nothing else names a page's script."""

import ast
import re

from tests.conftest import ROOT
from visualizer import pages

# The addresses links out there already use: they must keep working.
ADDRESSES = ("", "Explorer", "Sequence_types", "Gradients", "Train", "Limits_of_memory", "Units", "Lesson")


def test_addresses_keys_and_scripts_are_unique_and_stable():
    assert tuple(p.url_path for p in pages.PAGES) == ADDRESSES
    assert len(pages.BY_KEY) == len(pages.BY_SCRIPT) == len(pages.PAGES)
    assert [p for p in pages.PAGES if p.is_home] == [pages.HOME]


def test_every_script_exists_and_no_folder_is_named_pages():
    for page in pages.PAGES:
        assert (ROOT / page.script).is_file(), page.script
    # st.navigation with a folder named pages/ breaks deep links on a fresh server (Streamlit runs the
    # page file without the entry script).
    assert not list((ROOT / "pages").glob("*.py"))


def test_each_view_sets_itself_up_with_its_own_entry():
    for page in pages.PAGES:
        calls = [
            node
            for node in ast.walk(ast.parse((ROOT / page.script).read_text()))
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "page_setup"
        ]
        assert len(calls) == 1, page.script
        (arg,) = calls[0].args
        assert isinstance(arg, ast.Attribute) and getattr(pages, arg.attr) is page, page.script


def test_only_the_table_names_a_script():
    named = re.compile(r"views/\w+\.py")
    for path in [ROOT / "app.py", *(ROOT / "visualizer").rglob("*.py"), *(ROOT / "views").glob("*.py")]:
        if path.name != "pages.py":
            assert not named.search(path.read_text()), path
