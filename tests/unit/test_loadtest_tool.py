"""The load-test tool's pure parts: percentiles, arguments, pages, messages, interaction plans.

No server here, except the one test marked slow (3 real sessions against the Home page).
"""

import asyncio
import concurrent.futures
import math
import urllib.parse

import numpy as np
import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tools import loadtest as lt
from tools import loadtest_report as lr
from tools import loadtest_session as ls
from visualizer import state

# ---------------------------------------------------------------------------- percentiles


def _run_async(coro):
    """asyncio.run in a fresh thread: the Playwright fixtures of the browser tests may already run
    an event loop in the main thread when these tests come after them in one pytest process."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.mark.parametrize("q", [0, 5, 50, 90, 95, 99, 100])
def test_percentile_matches_numpy_linear(q):
    values = list(np.random.default_rng(3).exponential(100.0, size=37))
    assert lr.percentile(values, q) == pytest.approx(np.percentile(values, q))


def test_percentile_small_cases():
    assert lr.percentile([4.0], 95) == 4.0
    assert lr.percentile([1.0, 3.0], 50) == 2.0
    assert lr.percentile([10.0, 0.0, 5.0], 100) == 10.0  # unsorted input
    assert lr.percentile([1, 2, 3, 4], 95) == pytest.approx(3.85)
    assert math.isnan(lr.percentile([], 50))
    with pytest.raises(ValueError, match="between 0 and 100"):
        lr.percentile([1.0], 101)


# ---------------------------------------------------------------------------- sequences and markers


def test_session_tokens_are_unique_and_carry_the_marker():
    a, b = lt.session_tokens(7, 5), lt.session_tokens(12, 5)
    assert a[0] == "zq007w0" and len(set(a)) == 5 and not set(a) & set(b)
    assert ls.markers(" ".join(a + b).encode()) == {7, 12}
    assert ls.markers(b"zq7w0 zq0070 plain text") == set()  # needs three digits then 'w'
    with pytest.raises(ValueError):
        lt.session_tokens(1000, 3)


def test_initial_query_is_a_valid_link_for_the_app():
    tokens = lt.session_tokens(3, 4)
    query = lt.initial_query(tokens)
    params = {k: v[-1] for k, v in urllib.parse.parse_qs(query).items()}
    values, notices = state.parse(params)
    assert values == {"text": " ".join(tokens), "step": 1} and notices == []


# ---------------------------------------------------------------------------- arguments and pages


def test_parse_args_defaults_and_values():
    args = lt.parse_args([])
    assert args.sessions == [10, 50, 100] and args.page == ["Home"] and args.steps >= 1
    args = lt.parse_args(["--sessions", "10", "50", "--page", "Explorer", "--think", "0", "--steps", "3"])
    assert args.sessions == [10, 50] and args.page == ["Explorer"] and args.think == 0 and args.steps == 3
    args = lt.parse_args(["--server-arg=--runner.postScriptGC=true", "--server-arg=--logger.level=info"])
    assert args.server_arg == ["--runner.postScriptGC=true", "--logger.level=info"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--sessions", "0"],
        ["--sessions", "1000"],
        ["--steps", "0"],
        ["--think", "-1"],
        ["--tokens", "1"],
        ["--sessions", "ten"],
    ],
)
def test_parse_args_rejects_bad_values(argv, capsys):
    with pytest.raises(SystemExit):
        lt.parse_args(argv)
    assert "error" in capsys.readouterr().err


def test_page_names_follow_the_page_table():
    names = lt.page_names()
    assert list(names)[:3] == ["Home", "Explorer", "Sequence_types"]
    assert names["Home"] == "" and names["Explorer"] == "Explorer"
    names = {k: names[k] for k in ("Home", "Explorer", "Sequence_types")}
    assert lt.resolve_pages(["explorer", "HOME", "Sequence types"], names) == ["Explorer", "Home", "Sequence_types"]
    assert lt.resolve_pages(["all", "Home"], names) == ["Home", "Explorer", "Sequence_types"]
    with pytest.raises(ValueError, match="Home, Explorer, Sequence_types"):
        lt.resolve_pages(["Gradients"], names)


# ---------------------------------------------------------------------------- widgets and messages


def _element(kind: str, **fields) -> Element:
    el = Element()
    body = getattr(el, kind)
    for name, value in fields.items():
        setattr(body, name, value)
    return el


def test_widgets_are_found_in_elements_with_their_keys():
    step = ls.widget_from_element(_element("slider", id="$$ID-abc123-w_step", label="Step", max=9, data_type=0))
    assert step == ls.Widget(id="$$ID-abc123-w_step", kind="slider", label="Step", is_int=True, hi=9.0)
    assert step.key == "w_step"
    text = ls.widget_from_element(_element("text_input", id="$$ID-ff-w_text", label="Type"))
    assert text.kind == "text_input" and text.key == "w_text" and text.hi is None
    assert ls.widget_from_element(_element("markdown", body="zq001w0")) is None
    in_fragment = ls.widget_from_element(_element("slider", id="$$ID-abc123-w_step", label="Step"), "frag-1")
    assert in_fragment.fragment_id == "frag-1" and step.fragment_id == ""
    assert ls.Widget(id="$$ID-ff-None", kind="button", label="Go").key == ""
    assert ls.Widget(id="plain", kind="button", label="Go").key == ""


def test_widget_states_use_the_browser_wire_format():
    assert list(ls.widget_state(ls.Widget("s", "slider", "Step", is_int=True), 3).double_array_value.data) == [3.0]
    assert ls.widget_state(ls.Widget("n", "number_input", "Seed", is_int=True), 7).WhichOneof("value") == "int_value"
    assert ls.widget_state(ls.Widget("n", "number_input", "Scale"), 0.5).double_value == 0.5
    assert ls.widget_state(ls.Widget("t", "text_area", "Text"), "a b").string_value == "a b"
    assert ls.widget_state(ls.Widget("b", "button", "Next"), True).trigger_value is True
    assert ls.widget_state(ls.Widget("c", "checkbox", "Clip"), 1).bool_value is True
    with pytest.raises(ValueError, match="multiselect"):
        ls.widget_state(ls.Widget("m", "multiselect", "Pick"), ["a"])


def test_build_rerun_round_trips():
    ws = ls.widget_state(ls.Widget("$$ID-1-w_step", "slider", "Step"), 4)
    msg = BackMsg()
    msg.ParseFromString(ls.build_rerun("text=a+b&step=1", page_name="Explorer", widgets=[ws]))
    rerun = msg.rerun_script
    assert rerun.fragment_id == ""
    assert msg.WhichOneof("type") == "rerun_script"
    assert rerun.query_string == "text=a+b&step=1" and rerun.page_name == "Explorer" and rerun.page_script_hash == ""
    assert [w.id for w in rerun.widget_states.widgets] == ["$$ID-1-w_step"]
    assert list(rerun.widget_states.widgets[0].double_array_value.data) == [4.0]
    msg.ParseFromString(ls.build_rerun("", page_script_hash="h1", fragment_id="frag-1", widgets=[ws]))
    assert msg.rerun_script.fragment_id == "frag-1" and msg.rerun_script.page_script_hash == "h1"


# ---------------------------------------------------------------------------- interaction plans and checks


def test_plan_walks_the_step_widget_and_wraps_at_its_maximum():
    step = ls.Widget("$$ID-1-w_step", "slider", "Step", is_int=True, hi=4)
    plan = ls.plan_interactions(
        {"w_step": step, "w_text": ls.Widget("$$ID-2-w_text", "text_area", "T")}, lt.session_tokens(1, 8), steps=6
    )
    assert [v for _, v in plan] == [2, 3, 4, 1, 2, 3] and {w.key for w, _ in plan} == {"w_step"}


def test_plan_clicks_next_or_types_words():
    nxt = ls.Widget("$$ID-3-explorer_next", "button", "Next ▶")
    assert ls.plan_interactions({"explorer_next": nxt}, lt.session_tokens(0, 3), 2) == [(nxt, True), (nxt, True)]
    text = ls.Widget("$$ID-2-w_text", "text_input", "Type")
    plan = ls.plan_interactions({"w_text": text}, lt.session_tokens(5, 2), 3)
    assert [v for _, v in plan] == [
        "zq005w0 zq005w1 zq005w2",
        "zq005w0 zq005w1 zq005w2 zq005w3",
        "zq005w0 zq005w1 zq005w2 zq005w3 zq005w4",
    ]
    assert ls.expected_word(text, plan[-1][1]) == b"zq005w4"
    assert ls.expected_word(nxt, True) is None
    with pytest.raises(ValueError, match="no step widget"):
        ls.plan_interactions({}, lt.session_tokens(0, 3), 2)


def test_url_mismatch_checks_the_setting_was_written_back():
    step = ls.Widget("$$ID-1-w_step", "slider", "Step", is_int=True)
    assert ls.url_mismatch(step, 3, "text=a&step=3") is None
    assert ls.url_mismatch(step, 1, "text=a") is None  # the default is left out of links
    assert "expected '3'" in ls.url_mismatch(step, 3, "text=a")
    assert ls.url_mismatch(ls.Widget("$$ID-9-other", "slider", "x"), 3, "") is None


class _FakeSocket:
    """Replays ForwardMsgs and records what the session sent."""

    def __init__(self, msgs):
        self.incoming = [m.SerializeToString() for m in msgs]
        self.sent = []

    async def send(self, data):
        self.sent.append(data)

    async def recv(self):
        return self.incoming.pop(0)


def _fwd(**kw) -> ForwardMsg:
    msg = ForwardMsg()
    for name, value in kw.items():
        if name == "element":
            msg.delta.new_element.CopyFrom(value)
        elif name == "fragment":
            msg.delta.fragment_id = value
        elif name == "nav_hash":
            msg.navigation.page_script_hash = value
        elif name == "query":
            msg.page_info_changed.query_string = value
        else:
            setattr(msg, name, value)
    return msg


def test_session_reads_one_run_and_follows_page_and_url():
    msgs = [
        _fwd(nav_hash="h-explorer"),
        _fwd(element=_element("slider", id="$$ID-1-w_step", label="Step", max=5), fragment="frag-9"),
        _fwd(element=_element("markdown", body="token zq004w1 and zq009w0")),
        _fwd(element=_element("alert", body="boom", format=1)),
        _fwd(query="text=zq004w0&step=2"),
        _fwd(script_finished=ForwardMsg.FINISHED_EARLY_FOR_RERUN),  # a st.rerun: keep reading
        _fwd(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY),
    ]
    sock = _FakeSocket(msgs)
    session = lt.Session(sock, "Explorer", "text=zq004w0", timeout=5)
    ms, out = _run_async(session.rerun())
    sent = BackMsg()
    sent.ParseFromString(sock.sent[0])
    assert sent.rerun_script.page_name == "Explorer" and sent.rerun_script.query_string == "text=zq004w0"
    assert session.page_script_hash == "h-explorer" and session.query_string == "text=zq004w0&step=2"
    assert out.status == ForwardMsg.FINISHED_SUCCESSFULLY and not sock.incoming and ms >= 0
    assert out.seen == {4, 9} and out.widgets["w_step"].fragment_id == "frag-9"
    assert out.errors == ["error message: boom"]
    result = lt.SessionResult(4)
    ls._check(result, out, "load")
    assert result.leaks == ["load: saw sessions [9]"] and len(result.errors) == 1


def test_check_accepts_fragment_runs_and_flags_missing_or_failed_runs():
    ok = ls.RunOutput(status=ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY, seen={2})
    result = lt.SessionResult(2)
    ls._check(result, ok, "step")
    assert result.errors == [] and result.leaks == []
    ls._check(result, ls.RunOutput(status=ForwardMsg.FINISHED_WITH_COMPILE_ERROR, seen=set()), "next")
    assert result.errors == [
        "next: script finished with status 1",
        "next: the session's own sequence is missing from the page",
    ]
    ls._check(result, ls.RunOutput(status=0, seen={2}, expect=b"zq002w9"), "type")
    assert result.errors[-1] == "type: the page does not show the typed word 'zq002w9'"


def test_summarize_and_table():
    ok = lt.SessionResult(0, load_ms=900.0, latencies_ms=[100.0, 200.0, 300.0])
    bad = lt.SessionResult(1, load_ms=800.0, latencies_ms=[400.0], errors=["timeout"], leaks=["saw 0"])
    row = lt.summarize("Home", 2, [ok, bad], [100 * 1024, 300 * 1024], idle_kb=70 * 1024)
    assert row["interactions"] == 4 and row["p50_ms"] == 250.0 and row["max_ms"] == 400.0
    assert row["peak_rss_mb"] == 300.0 and row["idle_rss_mb"] == 70.0 and row["load_p50_ms"] == 850.0
    assert row["errors"] == 1 and row["isolation_violations"] == 1 and row["meets_target"] is False
    assert lt.summarize("Home", 1, [ok], [1024])["meets_target"] is True
    table = lt.format_table([row]).splitlines()
    assert table[0].split()[:3] == ["page", "N", "runs"] and table[2].split()[:5] == ["Home", "2", "4", "250", "385"]


def test_log_errors_picks_distinct_exception_lines():
    log = (
        'Traceback (most recent call last):\n  File "x.py", line 1\n'
        "AttributeError: partially initialized module 'pandas' has no attribute 'Series'\n"
        "  Stopping...\nAttributeError: partially initialized module 'pandas' has no attribute 'Series'\n"
        "streamlit.errors.StreamlitAPIException: bad key\nValueError\n"
    )
    assert lt.log_errors(log) == [
        "AttributeError: partially initialized module 'pandas' has no attribute 'Series'",
        "streamlit.errors.StreamlitAPIException: bad key",
        "ValueError",
    ]
    assert lt.log_errors("all good\n") == []


# ---------------------------------------------------------------------------- a real server (slow)


@pytest.mark.slow
def test_three_real_sessions_against_home():
    args = lt.parse_args(["--sessions", "3", "--steps", "2", "--think", "0.1"])
    # The tool owns its event loop (asyncio.run). In the opt-in tier a browser test may have run first on this
    # worker, and Playwright's sync API leaves a loop running in the main thread: measure in a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        row = pool.submit(lt.measure, "Home", 3, args, "").result()
    assert row["errors"] == 0, row.get("first_error")
    assert row["isolation_violations"] == 0 and row["interactions"] == 6
    assert row["p95_ms"] > 0 and row["peak_rss_mb"] > 30
