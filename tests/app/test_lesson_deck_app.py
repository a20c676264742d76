"""AppTest of the Lesson page's paths (the 10-minute demo) and its offline downloads."""

from visualizer import lesson_stops

DEMO = lesson_stops.PATHS["demo"]


def test_the_demo_path_lists_its_five_stops_and_offers_both_files(run_page):
    at = run_page("views/lesson.py", {"path": "demo"})
    assert not at.exception
    rows = [m.value for m in at.markdown if m.value.startswith("📍")]
    assert len(rows) == len(DEMO) == 5
    assert all(lesson_stops.STOPS[n - 1].title.split(":")[0].split("“")[0][:10] in r for n, r in zip(DEMO, rows))
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["⬇ Lecture deck (5 stops, one HTML file)", "⬇ Exercise sheet (printable HTML)"]
    captions = " ".join(c.value for c in at.caption)
    assert "D = 5, H = 6, V = 5" in captions  # the default sentence's network
    (code,) = [c for c in at.code if "lesson=" in c.value]
    assert code.value.count("lesson=") == 5 and "path=demo" in code.value


def test_the_whole_lesson_is_the_default_path(run_page):
    at = run_page("views/lesson.py")
    assert [b.label for b in at.get("download_button")][0].startswith(f"⬇ Lecture deck ({len(lesson_stops.STOPS)}")
    (radio,) = [r for r in at.radio if r.label == "Path"]
    radio.set_value("demo").run()
    assert not at.exception
    assert at.get("download_button")[0].label.startswith("⬇ Lecture deck (5 stops")
    assert at.query_params.get("path") in ("demo", ["demo"])


def test_next_and_back_follow_the_demo_path(run_page):
    at = run_page("views/explorer.py", {**lesson_stops.query(DEMO[1]), "path": "demo"})
    assert not at.exception
    assert "stop 2 of 5 (10-minute demo)" in at.get("progress")[0].proto.text
    at.button(key="lesson_next").click().run()  # stop 8 is on the Train page: AppTest stays, the setting moves
    assert at.session_state["_settings"].lesson == DEMO[2]
    assert at.session_state["_settings"].lesson_path == "demo"


def test_the_ends_of_the_demo_path_disable_back_and_next(run_page):
    first = run_page("views/home.py", {**lesson_stops.query(DEMO[0]), "path": "demo"})
    assert first.button(key="lesson_prev").disabled and not first.button(key="lesson_next").disabled
    last = run_page("views/gradients.py", {**lesson_stops.query(DEMO[-1]), "path": "demo"})
    assert last.button(key="lesson_next").disabled and not last.button(key="lesson_prev").disabled
    assert "stop 5 of 5" in last.get("progress")[0].proto.text


def test_a_chosen_subset_of_stops_goes_into_the_deck_and_the_link(run_page):
    at = run_page("views/lesson.py", {"deck": "9,2,3,99,x"})  # out of range and malformed parts are dropped
    assert not at.exception
    picker = at.multiselect(key="w_deck_stops_full")
    assert picker.value == [2, 3, 9]
    assert at.get("download_button")[0].label == "⬇ Lecture deck (3 stops, one HTML file)"
    picker.set_value([1, 15]).run()
    picker = at.multiselect(key="w_deck_stops_full")
    assert at.get("download_button")[0].label == "⬇ Lecture deck (2 stops, one HTML file)"
    assert at.query_params.get("deck") in ("1,15", ["1,15"])
    at.multiselect(key="w_deck_stops_full").set_value(
        list(lesson_stops.PATHS["full"])
    ).run()  # the path's own stops: no parameter needed
    assert "deck" not in at.query_params
