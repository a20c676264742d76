"""The guided lesson in AppTest: every stop's link opens its page with no fallback notice and the panel
showing that stop; Next/Previous move the stop; a checked answer gets its verdict; the Lesson page lists all."""

import pytest

from tests.app.explorer_page import player
from visualizer import lesson_stops

STOPS = lesson_stops.STOPS
FALLBACK = "could not be used"


def _panel_text(at) -> str:
    return " ".join(m.value for m in at.sidebar.markdown)


@pytest.mark.parametrize("number", range(1, len(STOPS) + 1))
def test_every_stop_link_opens_its_page_without_a_fallback_notice(run_page, number):
    stop = STOPS[number - 1]
    at = run_page(stop.page.script, lesson_stops.query(number))
    assert not at.exception
    assert not [w.value for w in at.warning if FALLBACK in w.value]
    (progress,) = at.get("progress")
    assert f"stop {number} of {len(STOPS)}" in progress.proto.text
    assert stop.title in _panel_text(at)
    assert at.query_params["lesson"] in (str(number), [str(number)])


def test_no_panel_without_the_lesson(run_page):
    at = run_page("views/explorer.py")
    assert not at.get("progress") and not [b for b in at.button if b.key == "lesson_next"]


def test_next_and_previous_on_the_same_page_move_the_stop_and_apply_its_preset(run_page):
    """Stop 2 (fold 1) → Next → stop 3 (fold 5) on the explorer; Previous goes back to fold 1."""
    at = run_page("views/explorer.py", lesson_stops.query(2))
    assert at.session_state["_settings"].fold == 1
    at.button(key="lesson_next").click().run()
    assert not at.exception
    assert at.session_state["_settings"].lesson == 3 and at.session_state["_settings"].fold == 5
    assert "stop 3 of" in at.get("progress")[0].proto.text
    at.button(key="lesson_prev").click().run()
    assert at.session_state["_settings"].lesson == 2 and at.session_state["_settings"].fold == 1


def test_a_checked_answer_gets_its_verdict(run_page):
    number = next(i for i, s in enumerate(STOPS, 1) if s.question.kind == "steps")
    at = run_page(STOPS[number - 1].page.script, lesson_stops.query(number))
    at.button_group(key=f"lesson_answer_{number}").set_value(["3"])  # in a form: sent with the Check click
    at.button(key=f"lesson_check_{number}").click().run()
    assert at.sidebar.error and not at.sidebar.success
    assert "steps 3, 4, 5" in " ".join(m.value for m in at.sidebar.expander[0].markdown)
    at.button_group(key=f"lesson_answer_{number}").set_value(["3", "4", "5"])
    at.button(key=f"lesson_check_{number}").click().run()
    assert at.sidebar.success and "Right" in at.sidebar.success[0].value


def test_end_the_lesson_removes_the_panel(run_page):
    at = run_page("views/home.py", lesson_stops.query(1))
    at.button(key="lesson_end").click().run()
    assert not at.get("progress") and "lesson" not in at.query_params


def test_lesson_page_lists_every_stop(run_page):
    at = run_page("views/lesson.py")
    assert not at.exception
    # as its own entry script (AppTest) the other pages are not registered: each stop is a plain line
    rows = [m.value for m in at.markdown if m.value.startswith("📍")]
    assert len(rows) == len(STOPS) and "LSTM and GRU" in " ".join(rows)
    (code,) = [c for c in at.code if "lesson=" in c.value]
    assert code.value.count("lesson=") == len(STOPS)


def test_panel_moves_above_the_page_when_a_classroom_link_hides_the_sidebar(run_page):
    at = run_page("views/explorer.py", {**lesson_stops.query(5), "hide": "sidebar"})
    assert not at.exception
    assert "stop 5 of" in at.main.get("progress")[0].proto.text
    assert not at.sidebar.get("progress")


def test_a_stop_about_the_fold_opens_it_first_and_a_wrong_answer_names_the_misconception(run_page):
    """Stop 2 narrates "the faint grey picture" of the fold: the player opens its fold (above the chain) at the
    stop's move; a wrong count of extra weights gets a hint about the feed-forward net, not just "look again"."""
    number = next(i for i, s in enumerate(STOPS, 1) if "grey picture" in s.notice)
    at = run_page("views/explorer.py", lesson_stops.query(number))
    assert not at.exception
    d = player(at)
    assert d["fold_open"] and d["fold_stage"] == STOPS[number - 1].settings.get("fold", 1)
    at.text_input(key=f"lesson_answer_{number}").set_value("12")
    at.button(key=f"lesson_check_{number}").click().run()
    (error,) = at.sidebar.error
    assert "feed-forward" in error.value and "look at the figure again" not in error.value.lower()


def test_without_the_lesson_the_fold_stays_folded(run_page):
    at = run_page("views/explorer.py")
    assert not player(at)["fold_open"]


def test_the_lesson_page_defines_every_term_in_its_glossary(run_page):
    from visualizer.content.glossary import GLOSSARY

    at = run_page("views/lesson.py")
    assert not at.exception
    assert any(s.value == "Glossary" for s in at.subheader)
    shown = " ".join(m.value for m in at.markdown)
    assert "(#glossary)" in shown  # the introduction links to it
    for term, meaning in GLOSSARY.items():
        assert f"**{term}** — {meaning}" in shown
