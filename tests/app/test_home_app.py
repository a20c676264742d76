"""AppTest of the Home page."""

import json


def test_home_renders_example_and_links(run_page):
    at = run_page("app.py")
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    spec = json.loads(charts[1].proto.spec)
    assert spec["data"][0]["type"] == "heatmap"
    assert "america" in " ".join(spec["data"][0]["x"])


def test_home_empty_text_shows_message(run_page):
    at = run_page("app.py")
    at.text_input[0].set_value("   ").run()
    assert not at.exception
    assert any("empty" in e.value for e in at.error)
    assert len(at.get("plotly_chart")) == 0


def test_home_bad_url_falls_back_with_notice(run_page):
    at = run_page("app.py", {"hidden": "abc", "bogus": "1"})
    assert not at.exception
    assert any("defaults" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 2
