"""The live chart component's files, its look, and what a click on the chain asks for."""

import json
import math

import plotly
import plotly.graph_objects as go
from hypothesis import given
from hypothesis import strategies as st

from visualizer.ui import live_chart
from visualizer.ui.explorer import clicked_step


def test_served_directory_holds_the_page_and_plotly():
    out = live_chart.served_dir()
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "plotly.min.js"]
    assert (out / "plotly.min.js").read_bytes() == live_chart.plotly_bundle().read_bytes()
    assert (out / "index.html").read_text() == live_chart.page_html()
    assert live_chart.served_dir() == out  # made once, then found


def test_the_page_carries_its_script_and_look_and_fetches_plotly_next_to_it():
    html = live_chart.page_html()
    assert "<script src=" not in html and "__PLOTLY_VERSION__" not in html  # one request per frame
    assert f'const PLOTLY_VERSION = "{plotly.__version__}"' in html  # the key of its cached Plotly
    look, _ = json.JSONDecoder().raw_decode(html.split("const LOOK = ", 1)[1])
    assert look == live_chart.look()
    assert 'new URL("plotly.min.js", location.href)' in html  # relative: nothing from the internet
    assert "caches.open" in html and "__rnnvisPlotly" in html  # once per browser, shared by the page's charts


def test_the_script_speaks_streamlits_component_protocol():
    js = (live_chart.FRONTEND / "main.js").read_text()
    for message in (
        "streamlit:componentReady",
        "streamlit:render",
        "streamlit:setFrameHeight",
        "streamlit:setComponentValue",
    ):
        assert message in js
    assert "Plotly.react" in js and "Plotly.newPlot" not in js  # redrawn in place, never rebuilt
    assert "innerHTML" not in js  # nothing the page is sent is written as HTML


def test_the_look_is_a_valid_plotly_template_with_streamlits_fonts_and_colours():
    look = json.loads((live_chart.FRONTEND / "look.json").read_text())
    template = go.layout.Template(look)  # raises on anything Plotly does not know
    assert "Source Sans" in template.layout.font.family
    assert template.layout.title.font.size > template.layout.font.size  # titles stand out as in st.plotly_chart
    assert template.layout.paper_bgcolor.upper() == "#FFFFFF"


@given(st.integers(min_value=1, max_value=500), st.floats(allow_nan=True, allow_infinity=True))
def test_a_click_asks_for_a_step_inside_the_sequence(T, x):
    step = clicked_step({"x": x, "click": 1}, T)
    if math.isfinite(x):
        assert step is not None and 1 <= step <= T
        if 1 <= round(x) <= T:
            assert step == round(x)
    else:
        assert step is None


@given(st.one_of(st.none(), st.text(), st.lists(st.integers()), st.dictionaries(st.text(), st.text())))
def test_anything_else_from_the_browser_is_not_a_click(value):
    assert clicked_step(value, 10) is None


def test_h0_and_booleans():
    assert clicked_step({"x": 0}, 7) == 1  # h₀'s column: the first step
    assert clicked_step({"x": True}, 7) is None


def test_the_cartesian_bundle_is_chosen_when_fetched_else_the_full_one(tmp_path, monkeypatch):
    from plotly.offline import get_plotlyjs_version

    monkeypatch.setattr(live_chart, "CARTESIAN_DIR", tmp_path)
    assert live_chart.plotly_bundle() == live_chart.PLOTLY_JS
    bundle = tmp_path / f"plotly-cartesian-{get_plotlyjs_version()}.min.js"
    bundle.write_text("/* plotly.js (cartesian - minified) */")
    assert live_chart.plotly_bundle() == bundle
