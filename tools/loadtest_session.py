"""One load-test session over Streamlit's websocket protocol (tools/loadtest.py drives many at once).

A session opens the page as the browser does (a `BackMsg.rerun_script` carrying its own sequence in the
query string), finds the widgets it can drive in the page's deltas, makes its interactions, and checks
every run: its own marker present, no other session's, no exception, the URL in step with the widget.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the app importable
    sys.path.insert(0, str(ROOT))

from visualizer import state  # noqa: E402  (the one settings table <-> URL)
from visualizer.ui import compat  # noqa: E402
from visualizer.ui.compat import ForwardMsg, WidgetState, widget_key  # noqa: E402
from visualizer.ui.compat import rerun_message as build_rerun  # noqa: E402

MARKER = re.compile(rb"zq(\d{3})w")  # every session's tokens carry its own 3-digit marker
MAX_SESSIONS = 999  # the marker has three digits

# The text box the sessions type into: the sequence pages' box, and Home's one-line box.
TEXT_KEYS = ("w_text", "w_text_line")


def session_tokens(index: int, count: int) -> list[str]:
    """The words session `index` types: zq007w0, zq007w1, … (unique to the session)."""
    if not 0 <= index <= MAX_SESSIONS:
        raise ValueError(f"session index must be between 0 and {MAX_SESSIONS}")
    return [f"zq{index:03d}w{j}" for j in range(count)]


def initial_query(tokens: Sequence[str]) -> str:
    """The query string a session opens the page with: its sequence, at step 1."""
    return urllib.parse.urlencode({"text": " ".join(tokens), "step": 1})


def markers(data: bytes) -> set[int]:
    """Session indices whose marker occurs in a message's bytes."""
    return {int(m) for m in MARKER.findall(data)}


@dataclass(frozen=True)
class Widget:
    """A widget found in the page's deltas: its id, element kind and what its state needs."""

    id: str
    kind: str  # the Element oneof name: slider, number_input, text_input, button, ...
    label: str
    is_int: bool = False
    hi: float | None = None
    fragment_id: str = ""  # set when the widget lives in an st.fragment: changing it reruns only that

    @property
    def key(self) -> str:
        """The user key of a keyed widget ('$$ID-<hash>-w_step' -> 'w_step'), else ''."""
        return widget_key(self.id)


def widget_from_element(element, fragment_id: str = "") -> Widget | None:
    """The widget an Element proto describes (drawn by the fragment given, if any), or None."""
    kind = element.WhichOneof("type")
    if kind is None:
        return None
    body = getattr(element, kind)
    wid = getattr(body, "id", "")
    if not isinstance(wid, str) or not wid:
        return None
    label = getattr(body, "label", "")
    is_int = getattr(body, "data_type", None) == compat.INT_DATA_TYPE
    hi = getattr(body, "max", None) if kind in ("slider", "number_input") else None
    return Widget(
        id=wid,
        kind=kind,
        label=str(label),
        is_int=is_int,
        hi=None if hi is None else float(hi),
        fragment_id=fragment_id,
    )


def widget_state(widget: Widget, value: object) -> WidgetState:
    """The WidgetState the browser sends for `widget` set to `value` (a button: a click)."""
    return compat.widget_state(widget.id, widget.kind, value, is_int=widget.is_int)


def plan_interactions(widgets: dict[str, Widget], tokens: Sequence[str], steps: int) -> list[tuple[Widget, object]]:
    """The (widget, value) changes a session makes after the first load.

    Step widget present: walk the steps 2, 3, …, T, 1, 2, … . Else a Next button: click it.
    Else type one more of the session's words into the text box each time (the new word must
    then show up on the page: see `expected_word`).
    """
    if "w_step" in widgets:
        step = widgets["w_step"]
        top = len(tokens) if step.hi is None else max(1, min(len(tokens), int(step.hi)))
        return [(step, k % top + 1) for k in range(1, steps + 1)]
    nxt = [w for w in widgets.values() if w.kind == "button" and "next" in (w.key + " " + w.label).lower()]
    if nxt:
        return [(nxt[0], True)] * steps
    box = next((widgets[k] for k in TEXT_KEYS if k in widgets), None)
    if box is not None:
        prefix = re.match(r"zq\d{3}", tokens[0]).group(0) if tokens else "zq000"  # type: ignore[union-attr]
        words = list(tokens)
        plan: list[tuple[Widget, object]] = []
        for k in range(steps):
            words.append(f"{prefix}w{len(tokens) + k}")
            plan.append((box, " ".join(words)))
        return plan
    raise ValueError("the page has no step widget (w_step), Next button or text box (w_text) to drive")


def expected_word(widget: Widget, value: object) -> bytes | None:
    """The word a run must render after typing `value` into a text box (its last word), else None."""
    if widget.kind in ("text_input", "text_area") and str(value).split():
        return str(value).split()[-1].encode()
    return None


def url_mismatch(widget: Widget, value: object, query_string: str) -> str | None:
    """Why the page's URL does not show a widget change (every page writes its settings back), or None.

    A widget keyed w_<setting> must leave <setting> in the URL formatted from the new value, or
    absent when the value is the default.
    """
    name = widget.key[2:] if widget.key.startswith("w_") else ""
    spec = state.SETTINGS.get(name)
    if spec is None or widget.kind == "button":
        return None
    want = state.to_query({name: spec.clamp(value)}).get(name)
    got = urllib.parse.parse_qs(query_string, keep_blank_values=True).get(name, [None])[-1]
    return None if got == want else f"URL has {name}={got!r}, expected {want!r}"


# ---------------------------------------------------------------------------- one session


@dataclass
class RunOutput:
    """What one script run sent back to a session."""

    status: int = -1
    seen: set[int] = field(default_factory=set)  # session markers in the run's deltas
    expect: bytes | None = None  # a word the run must render
    found: bool = False
    widgets: dict[str, Widget] = field(default_factory=dict)  # by user key
    errors: list[str] = field(default_factory=list)


@dataclass
class SessionResult:
    index: int
    replica: str = ""  # the replica that served the session (X-Replica from the balancer), "" without one
    load_ms: float | None = None
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    fragment_runs: int = 0  # interactions the server answered with a fragment-only run


class Session:
    """One browser tab, spoken for over the websocket: holds the page hash and the query string."""

    def __init__(self, ws, page_name: str, query_string: str, timeout: float) -> None:
        self.ws = ws
        self.page_name = page_name
        self.page_script_hash = ""
        self.query_string = query_string
        self.timeout = timeout
        self.states: dict[str, WidgetState] = {}

    async def rerun(
        self, change: WidgetState | None = None, expect: bytes | None = None, fragment_id: str = ""
    ) -> tuple[float, RunOutput]:
        """Send a rerun (with the widget change) and read until script_finished: (ms, output).

        A change to a widget inside a fragment reruns only that fragment, as in the browser.
        """
        if change is not None:
            self.states[change.id] = change
        payload = build_rerun(
            self.query_string,
            page_script_hash=self.page_script_hash,
            page_name="" if self.page_script_hash else self.page_name,
            fragment_id=fragment_id,
            widgets=self.states.values(),
        )
        # A button's click is a trigger: the browser sends it once, then forgets it.
        self.states = {k: v for k, v in self.states.items() if not v.trigger_value}
        out = RunOutput(expect=expect)
        start = time.perf_counter()
        await self.ws.send(payload)
        await asyncio.wait_for(self._read_run(out), self.timeout)
        return (time.perf_counter() - start) * 1000, out

    async def _read_run(self, out: RunOutput) -> None:
        while True:
            data = await self.ws.recv()
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "navigation":  # names the page that is running (new_session's hash does not)
                self.page_script_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta":
                out.seen |= markers(data)
                out.found = out.found or (out.expect is not None and out.expect in data)
                if msg.delta.WhichOneof("type") == "new_element":
                    self._inspect(msg.delta.new_element, msg.delta.fragment_id, out)
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the page asked for a rerun (st.rerun): wait for that one
                out.status = msg.script_finished
                return

    @staticmethod
    def _inspect(element, fragment_id: str, out: RunOutput) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            out.errors.append(f"exception: {element.exception.type}: {element.exception.message[:200]}")
        elif kind == "alert" and element.alert.format == 1:  # Alert.ERROR
            out.errors.append(f"error message: {element.alert.body[:200]}")
        widget = widget_from_element(element, fragment_id)
        if widget is not None and widget.key:
            out.widgets[widget.key] = widget


def _check(result: SessionResult, out: RunOutput, what: str) -> None:
    result.errors += [f"{what}: {e}" for e in out.errors]
    if out.status not in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
        result.errors.append(f"{what}: script finished with status {out.status}")
    if result.index not in out.seen:
        result.errors.append(f"{what}: the session's own sequence is missing from the page")
    if out.expect is not None and not out.found:
        result.errors.append(f"{what}: the page does not show the typed word {out.expect.decode()!r}")
    others = sorted(out.seen - {result.index})
    if others:
        result.leaks.append(f"{what}: saw sessions {others}")


async def http_head(url: str, path: str = "/", cookie: str = "", timeout: float = 30.0) -> dict[str, str]:
    """The response headers of GET url+path (lower-case names), read without the body."""
    parts = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, parts.port or 80), timeout)
    try:
        extra = f"Cookie: {cookie}\r\n" if cookie else ""
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n{extra}Connection: close\r\n\r\n".encode())
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    finally:
        writer.close()
    headers = {}
    for line in head.decode("latin1").split("\r\n")[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return headers


async def open_ws(url: str, args: argparse.Namespace):
    """A websocket on url's /_stcore/stream, opened as a browser does: (connection, replica).

    Behind the balancer (args.replicas > 0) the page is fetched first for its route cookie, and the
    websocket must reach the replica that served the page (sticky sessions), else RuntimeError.
    """
    import websockets

    cookie, page_replica = "", ""
    if getattr(args, "replicas", 0):
        headers = await http_head(url, timeout=args.timeout)
        cookie = headers.get("set-cookie", "").split(";", 1)[0]
        page_replica = headers.get("x-replica", "")
        if not cookie:
            raise RuntimeError("the balancer set no route cookie")
    ws = await websockets.connect(
        f"{url.replace('http', 'ws', 1)}/_stcore/stream",
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=args.timeout,
        ping_interval=None,
        additional_headers={"Cookie": cookie} if cookie else None,
    )
    replica = ws.response.headers.get("X-Replica", "") if ws.response else ""
    if page_replica and replica != page_replica:
        await ws.close()
        raise RuntimeError(f"not sticky: the page came from {page_replica}, the websocket went to {replica}")
    return ws, replica


async def run_session(
    url: str, index: int, page_name: str, args: argparse.Namespace, start_delay: float = 0.0
) -> SessionResult:
    """Open the page with this session's sequence, then step through it; never raises."""

    result = SessionResult(index)
    rng = random.Random(args.seed * 100_003 + index)
    tokens = session_tokens(index, args.tokens)
    await asyncio.sleep(start_delay)
    try:
        ws, result.replica = await open_ws(url, args)
        async with ws:
            session = Session(ws, page_name, initial_query(tokens), args.timeout)
            ms, out = await session.rerun()
            result.load_ms = ms
            _check(result, out, "load")
            plan = plan_interactions(out.widgets, tokens, args.steps)
            for k, (widget, value) in enumerate(plan, start=1):
                await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
                ms, out = await session.rerun(
                    widget_state(widget, value), expected_word(widget, value), fragment_id=widget.fragment_id
                )
                result.latencies_ms.append(ms)
                result.fragment_runs += out.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                what = f"interaction {k} ({widget.key or widget.label}={value!r})"
                _check(result, out, what)
                wrong_url = url_mismatch(widget, value, session.query_string)
                if wrong_url:
                    result.errors.append(f"{what}: the change did not reach the page: {wrong_url}")
    except TimeoutError:
        result.errors.append(f"a script run took longer than {args.timeout:g} s")
    except Exception as err:  # a load test reports every failure instead of stopping
        result.errors.append(f"{type(err).__name__}: {err}")
    return result
