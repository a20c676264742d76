"""AppTest of the Limits-of-memory page: start, a chunk, stop, resume, reset, the sweep and bad links."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGE = "views/limits_of_memory.py"


def open_limits(params: dict | None = None) -> AppTest:
    """The page reached from the entry script, as a browser reaches it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()  # st.navigation registers the pages
    at.switch_page(PAGE)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label.endswith(label))


def test_page_opens_with_the_sweep_and_the_timing():
    at = open_limits()
    assert not at.exception
    assert any("Press **Train**" in c.value for c in at.caption)
    charts = at.get("plotly_chart")
    assert len(charts) == 3  # success vs lag, gradient vs lag, time to the output at T
    specs = [c.proto.spec for c in charts]
    assert "Best test accuracy within the budget" in specs[0] and "before training" in specs[1]
    assert "output at position T" in specs[2] and "an equivalent of the RNN" in specs[2]
    assert any("The layer with no memory" in c.value for c in at.caption)
    assert any("Largest lag solved" in c.value for c in at.caption)
    assert any("Bengio, Simard & Frasconi (1994)" in c.value for c in at.caption)
    assert any("attention" in m.value for m in at.markdown)
    assert button(at, "Stop").disabled and button(at, "Reset").disabled


def test_train_runs_a_chunk_stop_keeps_the_race_and_reset_clears_it():
    at = open_limits({"lag": "5", "lsteps": "5000", "lhidden": "8"})
    button(at, "Train").click().run()
    assert not at.exception
    race = at.session_state["lim_race"]
    assert race.config.lag == 5 and race.config.hidden == 8
    assert race.step_count > 0 and at.session_state["lim_running"]
    assert len(at.get("plotly_chart")) == 4  # the race curve joins the page
    assert any("So far: At L = 5" in m.value for m in at.markdown)
    button(at, "Stop").click().run()
    assert not at.session_state["lim_running"]
    steps = at.session_state["lim_race"].step_count
    at.run()
    assert at.session_state["lim_race"].step_count == steps  # nothing trains after Stop
    assert not button(at, "Resume").disabled
    button(at, "Reset").click().run()
    assert "lim_race" not in at.session_state
    assert any("Press **Train**" in c.value for c in at.caption)


def test_a_finished_short_race_states_the_result_and_adds_the_live_point():
    at = open_limits({"lag": "3", "lsteps": "100", "lhidden": "8", "ltask": "adding"})
    button(at, "Train").click().run()
    for _ in range(40):
        if not at.session_state["lim_running"]:
            break
        at.run()
    race = at.session_state["lim_race"]
    assert race.done and race.step_count == 100
    assert any(m.value.startswith("**At L = 3, after 100 steps") for m in at.markdown)
    sweep = next(c.proto.spec for c in at.get("plotly_chart") if "within the budget" in c.proto.spec)
    assert "your run" in sweep


def test_changed_settings_offer_a_new_run():
    at = open_limits({"lag": "4", "lsteps": "5000", "lhidden": "8"})
    button(at, "Train").click().run()
    button(at, "Stop").click().run()
    at.slider(key="w_lag").set_value(10).run()
    assert any("settings changed" in i.value for i in at.info)
    assert button(at, "Train").label == "Train"


def test_bad_link_values_fall_back_with_a_notice():
    at = open_limits({"lag": "500", "ltask": "copy", "llr": "nan"})
    assert not at.exception
    warning = at.warning[0].value
    assert "lag" in warning and "ltask" in warning and "llr" in warning
    assert at.slider(key="w_lag").value == 60
