"""The words of the offline lecture deck around the lesson's own stops (visualizer/deck.py builds the HTML)."""

from __future__ import annotations

DECK_TITLE = "Recurrent neural networks: a guided lesson"
DECK_SUBTITLE = (
    "Exported from the RNN Visualizer. Every figure, question and answer was computed by the app's library for "
    "the settings of its stop; the file needs no network."
)
KEYS = "→ / PageDown / Space: next slide · ← / PageUp: back · Home / End: first / last"
QUESTION = "Question"
ANSWER = "Answer"
NOTICE = "What to notice in the app"
OPEN_IN_APP = "In the app: the {page} page."
END_TITLE = "End of the lesson"
END_TEXT = "Open the app to run every stop live, change its settings and check answers of your own."


def skipped(number: int, title: str, reason: str) -> str:
    """The note a deck shows for a stop it could not include."""
    return f"Stop {number}, “{title}”, is not in this deck: {reason}."


def page_missing(page: str) -> str:
    return f"its page ({page}) is not available in this app"


def failed(err: Exception) -> str:
    return f"its figure or answer could not be computed ({err})"


def path_note(count: int, total: int, path: str) -> str:
    return f"{count} of the lesson's {total} stops ({path})."
