"""The framework touchpoints in visualizer/ui/compat.py: the theme read from the config, CSS on Streamlit's
test ids, the widget-id format and the protobuf messages the load tools speak, the pinned Streamlit."""

import re

import streamlit

from tests.conftest import ROOT
from visualizer.ui import compat


def test_the_theme_comes_from_the_config_file():
    text = (ROOT / ".streamlit" / "config.toml").read_text()
    assert f'textColor = "{compat.TEXT_COLOR}"' in text
    assert re.fullmatch(r"#[0-9a-f]{6}", compat.TEXT_COLOR)


def test_theme_of_another_config(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[theme]\ntextColor = "#222222"\n')
    assert compat.theme(cfg) == {"textColor": "#222222"}
    cfg.write_text("[server]\nheadless = true\n")
    assert compat.theme(cfg) == {}


def test_css_selectors_and_constant_blocks():
    assert compat.testid("stSidebar") == "[data-testid='stSidebar']"
    assert compat.key_class("lesson_panel") == ".st-key-lesson_panel"
    for css in (compat.BASE_CSS, compat.PRESENT_CSS, compat.NO_SIDEBAR_CSS, compat.panel_css("x")):
        assert css.startswith("<style>") and css.endswith("</style>") and "{{" not in css
    assert "header[data-testid='stHeader']" in compat.PRESENT_CSS
    assert "[data-testid='stSidebar']" in compat.NO_SIDEBAR_CSS


def test_widget_key_reads_streamlits_widget_ids():
    assert compat.widget_key("$$ID-abc123-w_step") == "w_step"
    assert compat.widget_key("$$ID-abc123-lesson-next") == "lesson-next"  # a key may hold dashes
    assert compat.widget_key("$$ID-abc123-None") == ""  # an unkeyed widget
    assert compat.widget_key("abc") == ""


def test_protocol_messages_round_trip():
    msg = compat.BackMsg()
    msg.rerun_script.query_string = "text=a"
    msg.rerun_script.widget_states.widgets.append(compat.WidgetState(id="$$ID-1-w_step", int_value=3))
    back = compat.BackMsg.FromString(msg.SerializeToString())
    assert back.rerun_script.widget_states.widgets[0].int_value == 3
    assert compat.ForwardMsg.FINISHED_EARLY_FOR_RERUN != compat.ForwardMsg.FINISHED_SUCCESSFULLY


def test_the_pinned_streamlit_is_the_one_installed():
    """requirements.txt pins one minor version: the one these touchpoints were checked on."""
    (line,) = [x for x in (ROOT / "requirements.txt").read_text().splitlines() if x.startswith("streamlit")]
    lo, hi = re.match(r"streamlit>=(\d+\.\d+),<(\d+\.\d+)", line).groups()
    installed = tuple(int(p) for p in streamlit.__version__.split(".")[:2])
    assert tuple(int(p) for p in lo.split(".")) <= installed < tuple(int(p) for p in hi.split("."))
