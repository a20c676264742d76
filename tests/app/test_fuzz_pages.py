"""Fuzz every script through AppTest: hostile URLs, arbitrary Unicode, widgets at their bounds,
random sequences of widget changes. Nothing may reach the user as an exception, and user text
must never be rendered as HTML.

A fast slice runs by default; `pytest --slow` runs the long one (500+ query strings per script).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tests.app.conftest import new_app
from visualizer import pages, state

PAGES = [page.script for page in pages.PAGES]
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** [link](javascript:alert(1)) $x^2$ :smile:",
    "🙂👍🏽 नमस्ते 你好 e\u0301 \u202eRTL\u0000",
    "1, 2, three",
    " ",
    "a" * 6000,
]

FAST, SLOW = 6, 520  # the fast tier samples; the opt-in tier (CI runs it too) searches


def _assert_clean(at: AppTest, payloads=()):
    assert not at.exception, [e.message for e in at.exception]
    # Only our own constant CSS may use unsafe_allow_html; user text never does.
    for md in at.get("markdown"):
        if md.proto.allow_html:
            for p in payloads:
                if "<" in p:  # markup payloads: their text must never reach an HTML block
                    assert p not in md.proto.body


def _query_strings():
    names = st.sampled_from(list(state.SETTINGS) + ["junk", "", "step[]", "<b>"])
    values = st.one_of(
        st.text(max_size=40),
        st.sampled_from(["-1", "0", "1", "1e309", "nan", "inf", "999999999999", "0.5", "true", "tanh", "x" * 3000]),
        st.integers(-(10**12), 10**12).map(str),
    )
    return st.dictionaries(names, values, max_size=6)


def _fuzz_urls(script, n):
    @settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(params=_query_strings())
    def run(params):
        at = new_app(script, params).run()
        _assert_clean(at)

    run()


@pytest.mark.parametrize("script", PAGES)
def test_fuzz_query_strings_fast(script):
    _fuzz_urls(script, FAST)


@pytest.mark.slow
@pytest.mark.parametrize("script", PAGES)
def test_fuzz_query_strings_long(script):
    _fuzz_urls(script, SLOW)


# The pages with a text box on opening (Limits of memory and the Lesson have none until a stop asks a question).
TEXT_PAGES = [p for p in PAGES if any(n in p for n in ("home", "explorer", "sequence_types", "train"))]


@pytest.mark.parametrize("script", TEXT_PAGES)
def test_hostile_text_is_shown_literally(script):
    """Every payload typed into every text box: no exception, never rendered as HTML."""
    at = new_app(script).run()
    assert len(at.text_area) + len(at.text_input) > 0, f"{script} should have a text box to type into"
    for payload in PAYLOADS:
        for i in range(len(at.text_area)):
            spec = at.text_area[i]
            at.text_area[i].set_value(payload[: spec.max_chars or None]).run()
            _assert_clean(at, PAYLOADS)
        for i in range(len(at.text_input)):
            spec = at.text_input[i]
            at.text_input[i].set_value(payload[: spec.max_chars or None]).run()
            _assert_clean(at, PAYLOADS)


def _raw_options(w) -> list:
    """Raw values of a keyed selectbox/radio: from the settings table for w_<setting> widgets,
    else the labels themselves when there is no format_func mapping them."""
    spec = state.SETTINGS.get((w.key or "")[2:]) if (w.key or "").startswith("w_") else None
    raw = list(spec.choices) if spec is not None and spec.choices else list(w.options)
    out = []
    for v in raw:
        try:
            if str(w.format_func(v)) in w.options:
                out.append(v)
        except Exception:  # a format_func that only knows its own values
            continue
    return out


def _random_change(at: AppTest, rng: random.Random) -> None:
    """Set one random widget to a random or boundary value."""
    kinds = [
        k
        for k in (
            "slider",
            "number_input",
            "selectbox",
            "radio",
            "toggle",
            "checkbox",
            "text_area",
            "text_input",
            "button",
        )
        if len(at.get(k))
    ]
    if not kinds:
        return
    kind = rng.choice(kinds)
    w = rng.choice(list(at.get(kind)))
    if getattr(w, "disabled", False):
        return
    if kind == "slider":
        v = w.value
        lo, hi = w.min, w.max
        if isinstance(v, tuple):
            w.set_value((lo, hi))
        else:
            w.set_value(rng.choice([lo, hi, v]))
    elif kind == "number_input":
        lo = w.min if w.min is not None else -1000
        hi = w.max if w.max is not None else 1000
        w.set_value(rng.choice([lo, hi]))
    elif kind in ("selectbox", "radio"):
        # AppTest lists the labels, not the values; find the raw values whose label is offered.
        candidates = _raw_options(w)
        if candidates:
            w.set_value(rng.choice(candidates))
    elif kind in ("toggle", "checkbox"):
        w.set_value(not w.value)
    elif kind in ("text_area", "text_input"):
        w.set_value(rng.choice(PAYLOADS + ["the cat sat", "1 2 3 4"])[: w.max_chars or None])
    else:
        w.click()


def _fuzz_widgets(script, n_sequences, length):
    @settings(max_examples=n_sequences, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(seed=st.integers(0, 2**32 - 1))
    def run(seed):
        rng = random.Random(seed)
        at = new_app(script).run()
        _assert_clean(at)
        for _ in range(length):
            _random_change(at, rng)
            at.run()
            _assert_clean(at, PAYLOADS)

    run()


@pytest.mark.parametrize("script", PAGES)
def test_fuzz_widget_sequences_fast(script):
    _fuzz_widgets(script, 2, 6)


@pytest.mark.slow
@pytest.mark.parametrize("script", PAGES)
def test_fuzz_widget_sequences_long(script):
    _fuzz_widgets(script, 40, 15)
