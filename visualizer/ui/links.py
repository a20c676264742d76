"""Links to the pages of the page table (visualizer/pages.py).

When a page runs as its own entry script (AppTest does this) the other pages are not registered with
st.navigation; a link then shows as plain text (or not at all), instead of failing the page.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import streamlit as st
from streamlit.errors import StreamlitAPIException

from visualizer.pages import PAGES, Page
from visualizer.ui.text import md_escape


def page_link(page: Page, label: str, *, icon: str | None = None, where=None, **kwargs) -> bool:
    """A link to `page` (in the container `where`); False, after drawing `label` as text, if it is not registered."""
    where = where if where is not None else st
    try:
        where.page_link(page.script, label=label, icon=icon or page.icon, **kwargs)
        return True
    except StreamlitAPIException:
        where.markdown(f"{icon or page.icon} {md_escape(label)}")
        return False


def page_url(page: Page) -> str:
    """The address of `page` on the server this session came from ('' when unknown, as under AppTest)."""
    return page_address(st.context.url or "", page.url_path)


def page_address(here: str, url_path: str) -> str:
    """The page `url_path` beside the address `here` (its last path segment replaced; query and fragment dropped).
    Home's address may have no path at all ('http://host:8501'): the server's root then."""
    if not here:
        return ""
    parts = urlsplit(here)
    head = parts.path.rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{head}/{url_path}", "", ""))


def site_map() -> None:
    """Links to every page of the page table in the sidebar (none when the pages are not registered)."""
    for page in PAGES:
        try:
            st.sidebar.page_link(page.script, label=page.label, icon=page.icon)
        except StreamlitAPIException:
            return
