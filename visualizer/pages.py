"""The one table of pages: what app.py registers with st.navigation, and what every link reads.

The site map, Home's page list, the share panel, the guided lesson's stops and the load tool all read
this table; nothing else names a page's script or address. Pure: no Streamlit here (app.py builds an
`st.Page` from each entry).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page of the app."""

    key: str  # the page's id in the session (a new visit re-reads the URL)
    script: str  # path from the project root
    url_path: str  # the address: /Explorer ('' for Home, the default page)
    label: str  # the site map's name (and st.navigation's title)
    icon: str
    title: str  # the browser tab's title, before " · RNN Visualizer"
    blurb: str  # one line on the Home page

    @property
    def is_home(self) -> bool:
        return not self.url_path


HOME = Page("home", "views/home.py", "", "Home", "🏠", "Home", "What an RNN is, with a live example.")
EXPLORER = Page(
    "explorer",
    "views/explorer.py",
    "Explorer",
    "Step-through explorer",
    "🔍",
    "Step-through explorer",
    "Watch the RNN read your sequence one step at a time: loop, chain, equations, heatmap.",
)
SEQTYPES = Page(
    "seqtypes",
    "views/sequence_types.py",
    "Sequence_types",
    "Sequence types",
    "🔀",
    "Sequence types",
    "One-to-one, one-to-many, many-to-one, many-to-many and encoder–decoder, running.",
)
GRADIENTS = Page(
    "gradients",
    "views/gradients.py",
    "Gradients",
    "Vanishing & exploding gradients",
    "📉",
    "Gradients",
    "Back-propagation through time, measured, beside the theory; LSTM and GRU.",
)
TRAIN = Page(
    "train",
    "views/train.py",
    "Train",
    "Train live",
    "🏋️",
    "Train live",
    "Train a small RNN on text and watch it learn to predict the next token.",
)
LIMITS = Page(
    "limits",
    "views/limits_of_memory.py",
    "Limits_of_memory",
    "Limits of memory",
    "🧠",
    "Limits of memory",
    "Vanilla RNN, LSTM and GRU raced on a long-lag task, and why an RNN is slow.",
)
UNITS = Page(
    "units",
    "views/units.py",
    "Units",
    "What a unit remembers",
    "🔬",
    "What a unit remembers",
    "Hidden units on the story's text, a unit switched off, and what each prediction looked back at.",
)
LESSON = Page(
    "lesson",
    "views/lesson.py",
    "Lesson",
    "Guided lesson",
    "🎓",
    "Guided lesson",
    "A narrated path through every page, with checked questions.",
)

PAGES: tuple[Page, ...] = (HOME, EXPLORER, SEQTYPES, GRADIENTS, TRAIN, LIMITS, UNITS, LESSON)
BY_SCRIPT: dict[str, Page] = {p.script: p for p in PAGES}
BY_KEY: dict[str, Page] = {p.key: p for p in PAGES}
BY_URL: dict[str, Page] = {p.url_path: p for p in PAGES}
