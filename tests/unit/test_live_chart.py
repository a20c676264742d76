"""The live chart component's files, its look, and what a click on the chain asks for."""

import json
import math
import re

import plotly
import plotly.graph_objects as go
from hypothesis import given
from hypothesis import strategies as st

from visualizer.ui import live_chart
from visualizer.ui.explorer import clicked_step


def test_served_directory_holds_the_page_its_script_its_look_and_plotly():
    out = live_chart.served_dir()
    for name in (*live_chart.FILES, "plotly.min.js"):
        assert (out / name).is_file(), name
    assert (out / "plotly.min.js").read_bytes() == live_chart.PLOTLY_JS.read_bytes()
    for name in ("index.html", "look.json"):  # copies of the package's files, byte for byte
        assert (out / name).read_bytes() == (live_chart.FRONTEND / name).read_bytes()
    script = (out / "main.js").read_text()  # ... and the script, told Plotly's version (its cache key)
    assert "__PLOTLY_VERSION__" not in script and f'"{plotly.__version__}"' in script
    assert live_chart.served_dir() == out  # made once, then found


def test_the_page_loads_its_script_and_the_script_fetches_plotly_next_to_it():
    html = (live_chart.FRONTEND / "index.html").read_text()
    assert re.findall(r'<script src="([^"]+)"', html) == ["main.js"]
    js = (live_chart.FRONTEND / "main.js").read_text()
    assert 'new URL("plotly.min.js", location.href)' in js  # relative: nothing from the internet
    assert "caches.open" in js and "__rnnvisPlotly" in js  # once per browser, shared by the page's charts


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
