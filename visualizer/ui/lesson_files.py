"""The Lesson page's offline files: the chosen path as an HTML slide deck, and the printable exercise sheet."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from visualizer import deck, lesson_stops
from visualizer.ui.binding import change, current
from visualizer.ui.text import show_error

DECK_FILE, SHEET_FILE = "rnn-lesson-deck.html", "rnn-exercises.html"


def _chip(number: int, most: int = 20) -> str:
    """A stop as a short chip: its number and the start of its title (fifteen chips fit in three rows)."""
    title = lesson_stops.STOPS[number - 1].title
    return f"{number}. {title if len(title) <= most else title[: most - 1].rstrip() + '…'}"


def deck_stops(path_numbers: Sequence[int]) -> tuple[int, ...]:
    """The stops the deck exports: the path's, or those picked here (kept in the `deck_stops` setting)."""
    path = tuple(path_numbers)
    key = f"w_deck_stops_{current().lesson_path}"  # a new path starts from its own stops
    if key not in st.session_state:
        st.session_state[key] = list(lesson_stops.parse_stops(current().deck_stops, path))
    picked = st.multiselect(
        "Stops in the deck",
        options=list(range(1, len(lesson_stops.STOPS) + 1)),
        format_func=_chip,
        key=key,
        help="the stops of the path chosen above; remove or add any",
    )
    numbers = tuple(sorted(picked)) or path
    change(deck_stops="" if numbers == path else ",".join(map(str, numbers)))
    return numbers


def downloads(path_numbers: Sequence[int]) -> None:
    """The stops to export, then two download buttons; each file is built only when its button is clicked."""
    st.subheader("Take it offline")
    numbers = deck_stops(path_numbers)
    settings = current()
    try:
        D, H, V = deck.sheet_sizes(settings)
    except ValueError as err:  # a text the network cannot read: the sheet needs its sizes
        show_error(err)
        return
    left, right = st.columns(2)
    with left:
        st.download_button(
            f"⬇ Lecture deck ({len(numbers)} stops, one HTML file)",
            lambda: deck.deck_html(tuple(numbers), keep=settings).encode("utf-8"),
            file_name=DECK_FILE,
            mime="text/html",
            on_click="ignore",
            key="lesson_deck",
        )
        st.caption(
            "Opens in any browser without a network: ← / → move between slides, each question's answer is on the "
            "slide after it, computed by the app. Print it for handouts (one slide per page)."
        )
    with right:
        st.download_button(
            "⬇ Exercise sheet (printable HTML)",
            lambda: deck.sheet_html(D, H, V).encode("utf-8"),
            file_name=SHEET_FILE,
            mime="text/html",
            on_click="ignore",
            key="lesson_sheet",
        )
        st.caption(
            f"Weight shapes and counts for D = {D}, H = {H}, V = {V} (the network these settings describe), one "
            "forward step by hand, and which sequence type fits; the answers, computed by the app, on the last page."
        )
