"""The shareable-settings table and its URL round trip."""

from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer import state
from visualizer.nn import optim


def test_defaults_give_an_empty_query():
    assert state.to_query(state.defaults()) == {}


def test_round_trip_of_changed_values():
    vals = {**state.defaults(), "text": "a <b> 🙂", "hidden": 12, "scale": 0.35, "clip": True, "activation": "relu"}
    parsed, notices = state.parse(state.to_query(vals))
    assert notices == []
    assert {**state.defaults(), **parsed} == vals


def test_bad_values_fall_back_with_notices():
    parsed, notices = state.parse({"hidden": "999", "act": "cube", "scale": "nan", "clip": "maybe", "zzz": "1"})
    assert parsed == {}
    assert len(notices) == 5
    assert any("hidden" in n and "between 2 and 64" in n for n in notices)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(list(state.SETTINGS) + ["junk"]), st.text(max_size=30), max_size=6))
def test_parse_never_raises_and_values_are_in_range(params):
    parsed, _ = state.parse(params)
    for name, value in parsed.items():
        s = state.SETTINGS[name]
        if s.kind in ("int", "float"):
            assert s.lo <= value <= s.hi
        if s.kind == "choice":
            assert value in s.choices


def test_only_ui_imports_streamlit():
    """The core stays pure: maths and figure builders never import Streamlit."""
    from tests.conftest import ROOT

    importers = sorted(
        str(p.relative_to(ROOT / "visualizer").parent)
        for p in (ROOT / "visualizer").rglob("*.py")
        if "import streamlit" in p.read_text() or "from streamlit" in p.read_text()
    )
    assert importers and set(importers) == {"ui"}


def test_unsafe_html_only_carries_constant_css():
    """unsafe_allow_html is used only for our own CSS constants, never for anything built from input."""
    import re

    from tests.conftest import ROOT

    calls = []
    for path in [ROOT / "app.py", *(ROOT / "views").glob("*.py"), *(ROOT / "visualizer").rglob("*.py")]:
        for line in path.read_text().splitlines():
            if "unsafe_allow_html=True" in line:
                calls.append(line.strip())
    assert calls, "expected the presenter-mode CSS"
    for line in calls:
        # A constant, or one of a dict of constants (chosen by flags, never keyed by input text).
        assert re.fullmatch(r"st\.markdown\(_[A-Z_]+_CSS(\[[a-z_(), \"]+\])?, unsafe_allow_html=True\)", line), line


def test_code_names_map_to_short_link_names_once():
    """Code reads settings.seq_length; links keep the short 'glen' (old links still open)."""
    query = state.to_query({**state.defaults(), "seq_length": 50, "train_hidden": 32})
    assert query == {"glen": "50", "thidden": "32"}
    parsed, notices = state.parse(query)
    assert notices == [] and parsed == {"seq_length": 50, "train_hidden": 32}
    assert state.hidden_controls({"hide": "act,seed"}) == {"activation", "seed"}


def test_choices_come_from_the_library_tables():
    from visualizer.nn import cells, rnn

    assert state.SETTINGS["activation"].choices == rnn.ACTIVATIONS
    assert state.SETTINGS["cell"].choices == tuple(cells.CELLS)
    assert state.SETTINGS["optimizer"].choices == optim.OPTIMIZERS
