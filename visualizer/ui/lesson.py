"""The guided lesson's views: the panel every page draws while the lesson is on, and the Lesson page's list.

The panel sits at the top of the sidebar (so the page's figure keeps its place at 1280×720): progress,
the stop's narration, what to notice, the question with its check, and Previous/Next (PageUp/PageDown,
the keys a presentation clicker sends). Moving to a stop writes its preset into the session's settings
and opens its page with the stop's link, so the address bar always reproduces the stop.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from visualizer import lesson_stops
from visualizer.content.glossary import GLOSSARY
from visualizer.lesson import Stop, show_answer
from visualizer.ui import compat, lesson_files
from visualizer.ui.binding import change, control, current, hidden, store
from visualizer.ui.links import page_link, page_url
from visualizer.ui.text import md_escape

NEXT_KEY, PREV_KEY = "PageDown", "PageUp"
# Our own constant CSS: presenter mode enlarges all text for the room; the narrow panel keeps a reading size.
_PANEL_CSS = compat.panel_css("lesson_panel")


def go(number: int) -> None:
    """Open stop `number` (0 ends the lesson): its preset settings, its page, its link."""
    if number <= 0:
        change(lesson=0)
        st.session_state.pop("w_lesson", None)
        st.rerun()
    store(lesson_stops.preset(number, keep=current()))
    for key in [k for k in st.session_state if isinstance(k, str) and (k.startswith("w_") or k.endswith("_show"))]:
        del st.session_state[key]  # widgets (and panels' switches) show the stop's state, not what was left before
    st.session_state["_notices"] = []
    query = current().to_query()
    try:
        st.switch_page(lesson_stops.STOPS[number - 1].page.script, query_params=query)
    except StreamlitAPIException:
        # The page is not registered (a page run as its own entry script, as AppTest does): stay here.
        st.query_params.from_dict(query)
        st.rerun()


def opens(page_key: str, part: str) -> bool:
    """True when the lesson's current stop is on page `page_key` and its narration names `part` of it
    (e.g. "fold"): the page then opens that part, in view."""
    number = current().lesson
    if not number or number > len(lesson_stops.STOPS):
        return False
    stop = lesson_stops.STOPS[number - 1]
    return stop.page.key == page_key and part in stop.opens


def panel() -> None:
    """The lesson panel in the sidebar, when the `lesson` setting names a stop."""
    number = current().lesson
    if not number:
        return
    stops = lesson_stops.STOPS
    number = min(number, len(stops))
    change(lesson=number)
    stop = stops[number - 1]
    if current().present:
        st.markdown(_PANEL_CSS, unsafe_allow_html=True)
    path = lesson_stops.path_stops(current().lesson_path)
    place = path.index(number) + 1 if number in path else sum(n < number for n in path) or 1
    progress = f"🎓 Lesson · stop {place} of {len(path)}" + (" (10-minute demo)" if len(path) < len(stops) else "")
    if hidden("sidebar"):
        # A classroom link without the sidebar: one compact row above the page, the rest folded away.
        with st.container(key="lesson_panel"):
            info, back, forward = st.columns([3, 1, 1], vertical_alignment="bottom")
            info.progress(place / len(path), text=f"{progress}: **{stop.title}**")
            _buttons(number, back, forward)
            with st.expander("What this stop shows, and its question"):
                _body(stop, number)
        return
    with st.sidebar.container(border=True, key="lesson_panel"):
        st.progress(place / len(path), text=progress)
        forward, back = st.container(), st.container()  # Next above Back, both first: no scrolling for them
        _buttons(number, back, forward)
        st.markdown(f"**{stop.title}**")
        _body(stop, number)


def _buttons(number: int, back, forward) -> None:
    """Next (PageDown) and Back (PageUp) along the chosen path, each in its own slot."""
    before, after = lesson_stops.neighbours(current().lesson_path, number)
    if forward.button(
        "Next ▶", key="lesson_next", shortcut=NEXT_KEY, type="primary", disabled=after is None, width="stretch"
    ):
        go(after or number)
    if back.button("◀ Back", key="lesson_prev", shortcut=PREV_KEY, disabled=before is None, width="stretch"):
        go(before or number)


def _body(stop: Stop, number: int) -> None:
    """The narration, what to notice, the question, and the way out."""
    st.markdown(stop.text)
    st.markdown(f"👀 **What to notice:** {stop.notice}")
    _question(stop, number)
    if st.button("✕ End the lesson", key="lesson_end", type="tertiary"):
        go(0)
    st.caption("Every stop is a link: copy the address bar to share it.")


def _question(stop: Stop, number: int) -> None:
    """The check-your-understanding question, checked against the library on submit."""
    q = stop.question
    try:
        settings = current()
        prompt, options = q.text(settings), q.choices(settings)
    except (ValueError, KeyError) as err:
        st.caption(f"The question needs a sequence this page can read: {md_escape(str(err))}")
        return
    with st.form(key=f"lesson_form_{number}", border=False):
        label = f"❓ {prompt}"
        key = f"lesson_answer_{number}"
        if q.kind == "choice":
            given: Any = st.radio(label, options, index=None, key=key)
        elif q.kind == "steps":
            given = st.pills(label, options, selection_mode="multi", key=key)
        else:
            given = st.text_input(label, key=key, placeholder="a number")
        checked = st.form_submit_button("Check", key=f"lesson_check_{number}")
    if not checked:
        return
    try:
        settings = current()
        right = q.check(settings, given)
        answer = q.answer(settings)
    except (ValueError, KeyError) as err:
        st.warning(f"Could not check against this page's settings: {md_escape(str(err))}")
        return
    if right:
        st.success(f"Right. {q.reason(settings)}", icon="✅")
    elif given in (None, "", []):
        st.info("Pick or type an answer first.", icon="✍️")
    else:
        st.error(f"Not quite. {q.feedback(given)}", icon="🔁")
        with st.expander("Show the answer"):
            st.markdown(f"**{md_escape(show_answer(answer))}**. {q.reason(settings)}")


# ---------------------------------------------------------------------------- the Lesson page


def index() -> None:
    """Every stop as a link that opens its page in its preset state, plus the links to copy for slides."""
    stops = lesson_stops.STOPS
    path = control("lesson_path", st.radio, "Path", format_func=lesson_stops.PATH_LABELS.get, horizontal=True)
    numbers = lesson_stops.path_stops(path)
    if st.button("▶ Start the lesson", type="primary", key="lesson_start"):
        go(numbers[0])
    lines = []
    for number in numbers:
        stop = stops[number - 1]
        query = lesson_stops.query(number, keep=current())
        label = f"{number}. {stop.title} · {stop.page.label}"
        page_link(stop.page, label, icon="📍", query_params=query)
        lines.append(f"{number:>2}. {page_url(stop.page) or '/' + stop.page.url_path}?{urlencode(query)}")
    with st.expander("Links to every stop (for slides or a course page)"):
        st.code("\n".join(lines), language=None, wrap_lines=True)
    lesson_files.downloads(numbers)


def glossary() -> None:
    """Every technical term the app uses, defined in plain language (the pages show the same text as tooltips)."""
    st.subheader("Glossary", anchor="glossary")
    for term, meaning in GLOSSARY.items():
        st.markdown(f"**{term}** — {meaning}")
