"""Load test: N concurrent sessions driven over Streamlit's own websocket protocol.

Run on demand (`make loadtest`, or `.venv/bin/python tools/loadtest.py --sessions 10 50 100 --page Explorer`);
it is not part of the default test run.

For every (page, N) the tool
1. starts a fresh `streamlit run app.py` on a free port (fresh, so the peak memory belongs to this N;
   no file watcher, as deployed) and polls `/_stcore/health` — or, with `--replicas R`, R replicas
   behind nginx (tools/serve.py), connecting through the balancer as a browser does (page first, for
   the route cookie; then the websocket, which must reach the same replica); then, unless
   `--no-warmup`, opens the page once per server, as the lecturer does before class;
2. opens N websocket sessions on `/_stcore/stream` at once (a lecture hall opening one link). Each
   session sends a `BackMsg.rerun_script` carrying its own sequence in the query string
   (`?text=zq007w0+zq007w1+...&step=1`) and the page's name, exactly as the browser does on load;
3. then makes `--steps` interactions, each a rerun with one changed widget state: the step widget
   (`w_step`) if the page has one, else a "Next" button, else one more word typed into `w_text`;
   a think time (`--think` s, jittered ±50 %) separates them, as a student reads between clicks;
4. measures interaction latency = time from sending the rerun to receiving `script_finished`;
5. checks isolation: every run's deltas must contain the session's own marker (`zq007`) and never
   another session's; an exception element, an error alert or a timeout counts as an error;
6. samples the server's resident memory (VmRSS of the process and its children) every 0.1 s.

Output: one JSON line per (page, N) on stdout, then a table on stderr. The exit status is 1 when a
session errored or saw another session's state.

Percentiles interpolate linearly between closest ranks: for sorted x_0 ≤ … ≤ x_(n-1) and
r = q/100 · (n-1), k = ⌊r⌋:  p(q) = x_k + (x_(k+1) − x_k)(r − k).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the app's settings table importable
    sys.path.insert(0, str(ROOT))

from visualizer import pages, state  # noqa: E402
from visualizer.ui import compat  # noqa: E402
from visualizer.ui.compat import ForwardMsg, WidgetState, widget_key  # noqa: E402
from visualizer.ui.compat import rerun_message as build_rerun  # noqa: E402  (the one settings table <-> URL

TARGET = {"sessions": 50, "p95_ms": 1000.0, "rss_mb": 1024.0}  # issue 8, on this 2-core machine
MARKER = re.compile(rb"zq(\d{3})w")  # every session's tokens carry its own 3-digit marker
HOME = "Home"
MAX_SESSIONS = 999  # the marker has three digits


# ---------------------------------------------------------------------------- pure helpers


def percentile(values: Sequence[float], q: float) -> float:
    """q-th percentile (0..100) with linear interpolation; NaN for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be between 0 and 100, got {q}")
    if not values:
        return math.nan
    xs = sorted(values)
    r = q / 100 * (len(xs) - 1)
    k = math.floor(r)
    if k + 1 >= len(xs):
        return float(xs[-1])
    return float(xs[k] + (xs[k + 1] - xs[k]) * (r - k))


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


def page_names() -> dict[str, str]:
    """Selectable pages -> the page name the browser sends ('' for Home): the url paths of the page table."""
    return {page.url_path or HOME: page.url_path for page in pages.PAGES}


def resolve_pages(requested: Sequence[str], available: dict[str, str]) -> list[str]:
    """Canonical page names for the request ('all' = every page); ValueError names the choices."""
    lower = {name.lower(): name for name in available}
    out: list[str] = []
    for req in requested:
        picked = list(available) if req.lower() == "all" else [lower.get(req.lower().replace(" ", "_"))]
        if picked == [None]:
            raise ValueError(f"unknown page {req!r}; choose from {', '.join(available)} or all")
        out += [p for p in picked if p not in out]
    return out


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
    if "w_text" in widgets:
        prefix = re.match(r"zq\d{3}", tokens[0]).group(0) if tokens else "zq000"  # type: ignore[union-attr]
        words = list(tokens)
        plan: list[tuple[Widget, object]] = []
        for k in range(steps):
            words.append(f"{prefix}w{len(tokens) + k}")
            plan.append((widgets["w_text"], " ".join(words)))
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


_EXC_LINE = re.compile(r"^(?:[\w.]+\.)?\w*(?:Error|Exception|Exit)\b.*$", re.M)


def log_errors(log: str, limit: int = 5) -> list[str]:
    """The distinct exception lines ('ValueError: …') of a server log, first ones first."""
    seen: list[str] = []
    for line in _EXC_LINE.findall(log):
        if line not in seen:
            seen.append(line)
    return seen[:limit]


def summarize(
    page: str,
    sessions: int,
    results: Sequence[SessionResult],
    rss_kb: Sequence[int],
    *,
    idle_kb: int = 0,
    wall_s: float = 0.0,
    cpu_s: float = 0.0,
    client_cpu_s: float = 0.0,
    think_s: float = 0.0,
    load_avg: float = 0.0,
) -> dict:
    """One JSON-able row of figures for a (page, N) run."""
    lat = [x for r in results for x in r.latencies_ms]
    loads = [r.load_ms for r in results if r.load_ms is not None]
    peak_mb = max(rss_kb, default=0) / 1024
    p95 = percentile(lat, 95)
    row = {
        "page": page,
        "sessions": sessions,
        "interactions": len(lat),
        "fragment_runs": sum(r.fragment_runs for r in results),
        "p50_ms": round(percentile(lat, 50), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(lat, default=math.nan), 1),
        "load_p50_ms": round(percentile(loads, 50), 1),
        "load_p95_ms": round(percentile(loads, 95), 1),
        "idle_rss_mb": round(idle_kb / 1024, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "server_cpu_s": round(cpu_s, 2),
        "client_cpu_s": round(client_cpu_s, 2),  # this tool shares the machine with the server
        "load_avg_1min": round(load_avg, 2),  # the machine's load when the run started (others' work too)
        "wall_s": round(wall_s, 1),
        "think_s": think_s,
        "errors": sum(len(r.errors) for r in results),
        "isolation_violations": sum(len(r.leaks) for r in results),
        "first_error": next((e for r in results for e in r.errors), ""),
    }
    row["meets_target"] = bool(
        p95 < TARGET["p95_ms"] and peak_mb < TARGET["rss_mb"] and not row["errors"] and not row["isolation_violations"]
    )
    return row


def format_table(rows: Sequence[dict]) -> str:
    """A small fixed-width table of the rows."""
    head = ("page", "N", "runs", "p50 ms", "p95 ms", "max ms", "load p95", "peak RSS MB", "errors", "leaks", "target")
    lines = [head]
    for r in rows:
        lines.append(
            (
                r["page"],
                str(r["sessions"]),
                str(r["interactions"]),
                f"{r['p50_ms']:.0f}",
                f"{r['p95_ms']:.0f}",
                f"{r['max_ms']:.0f}",
                f"{r['load_p95_ms']:.0f}",
                f"{r['peak_rss_mb']:.0f}",
                str(r["errors"]),
                str(r["isolation_violations"]),
                "yes" if r["meets_target"] else "no",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = [
        "  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths)))
        for line in lines
    ]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=f"Target (issue 8): {TARGET['sessions']} sessions with p95 < "
        f"{TARGET['p95_ms']:.0f} ms and RSS < {TARGET['rss_mb']:.0f} MB.",
    )
    p.add_argument(
        "--sessions",
        type=int,
        nargs="+",
        default=[10, 50, 100],
        metavar="N",
        help="numbers of concurrent sessions, one server run each (default: 10 50 100)",
    )
    p.add_argument(
        "--page",
        nargs="+",
        default=[HOME],
        metavar="PAGE",
        help="Home, a page by its address (Explorer, Gradients, …) or all (default: Home)",
    )
    p.add_argument("--steps", type=int, default=8, help="interactions per session after the first load (default: 8)")
    p.add_argument("--tokens", type=int, default=8, help="words in each session's sequence (default: 8)")
    p.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="seconds a student pauses between interactions, jittered ±50%% (default: 1.0)",
    )
    p.add_argument(
        "--ramp",
        type=float,
        default=0.0,
        help="spread the session starts over this many seconds (default: 0, all at once)",
    )
    p.add_argument(
        "--replicas",
        type=int,
        default=0,
        help="run this many replicas behind nginx (tools/serve.py) and connect through it (default: 0, one process)",
    )
    p.add_argument(
        "--trainers",
        type=int,
        default=0,
        help="also open this many Train-page sessions that press Train at once (default: 0)",
    )
    p.add_argument(
        "--warmup",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="open each page once per server before measuring, as a lecturer does before class (default: on)",
    )
    p.add_argument("--train-seconds", type=float, default=20.0, help="how long each trainer trains before Stop")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one script run (default: 120)")
    p.add_argument("--seed", type=int, default=0, help="seed of the think-time jitter")
    p.add_argument("--app", default="app.py", help="entry script, relative to --root (default: app.py)")
    p.add_argument("--root", type=Path, default=ROOT, help="directory the server runs in (default: the repo)")
    p.add_argument("--out", type=Path, help="also append the JSON lines to this file")
    p.add_argument(
        "--server-arg",
        action="append",
        default=[],
        metavar="FLAG",
        help="extra `streamlit run` flag, e.g. --server-arg=--runner.postScriptGC=false (repeatable)",
    )
    args = p.parse_args(argv)
    low = 0 if args.trainers > 0 else 1  # only trainers: no steppers needed
    if any(not low <= n <= MAX_SESSIONS - args.trainers for n in args.sessions):
        p.error(f"--sessions (plus --trainers) must be between {low} and {MAX_SESSIONS}")
    if args.replicas < 0 or args.trainers < 0 or args.train_seconds <= 0:
        p.error("--replicas and --trainers must be >= 0, --train-seconds > 0")
    if args.steps < 1 or args.tokens < 2:
        p.error("--steps must be >= 1 and --tokens >= 2")
    if args.think < 0 or args.ramp < 0 or args.timeout <= 0:
        p.error("--think and --ramp must be >= 0, --timeout > 0")
    return args


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


# ---------------------------------------------------------------------------- the server and its memory


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(
    root: Path, app: str, log_path: Path, timeout: float = 60.0, extra: Sequence[str] = ()
) -> Iterator[tuple[subprocess.Popen, str]]:
    """Run `streamlit run <app>` on a free port until the block ends: yields (process, base url)."""
    port = free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                app,
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                *extra,
            ],  # as deployed: edits must not reload modules mid-test
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_path}")
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not become healthy within {timeout:g} s; see {log_path}")
            time.sleep(0.2)
        yield proc, url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _children(pid: int) -> list[int]:
    """Direct and indirect child processes of pid, from /proc/*/stat."""
    parent: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        kids = [c for c, p in parent.items() if p in frontier]
        found += kids
        frontier = kids
    return found


def rss_kb(pid: int) -> int:
    """VmRSS of one process in kB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RssSampler(threading.Thread):
    """Samples the RSS of a process tree every `interval` seconds until stopped."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[int] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        tree: list[int] = []
        tick = 0
        while not self._stop_event.is_set():
            if tick % 20 == 0:  # rescanning /proc is the costly part: every 2 s is enough
                tree = [self.pid, *_children(self.pid)]
            self.samples.append(sum(rss_kb(p) for p in tree))
            tick += 1
            self._stop_event.wait(self.interval)

    def stop(self) -> list[int]:
        self._stop_event.set()
        self.join()
        return self.samples


# ---------------------------------------------------------------------------- driver


async def _run_sessions(url: str, page_name: str, n: int, args: argparse.Namespace) -> list[SessionResult]:
    return await asyncio.gather(
        *(run_session(url, i, page_name, args, start_delay=args.ramp * i / n) for i in range(n))
    )


async def warm_up(urls: Sequence[str], page_names_: Sequence[str], timeout: float) -> None:
    """Open each page once on each server, as the lecturer does before class: imports and caches are warm."""
    import websockets

    for url in urls:
        for name in page_names_:
            async with websockets.connect(
                f"{url.replace('http', 'ws', 1)}/_stcore/stream", subprotocols=["streamlit"], max_size=None
            ) as ws:
                session = Session(ws, name, initial_query(session_tokens(MAX_SESSIONS, 4)), timeout)
                await session.rerun()


async def _run_all(
    url: str, page_name: str, n: int, args: argparse.Namespace, train_page: str
) -> tuple[list[SessionResult], list]:
    """n steppers on the page and args.trainers sessions pressing Train, all at once."""
    from tools.loadtest_train import run_trainer

    steppers = _run_sessions(url, page_name, n, args)
    trainers = asyncio.gather(
        *(
            run_trainer(url, n + i, train_page, args, start_delay=args.ramp * i / max(1, args.trainers))
            for i in range(args.trainers)
        )
    )
    results, trained = await asyncio.gather(steppers, trainers)
    return list(results), list(trained)


@contextmanager
def _servers(args: argparse.Namespace, log_path: Path) -> Iterator[tuple[str, list[subprocess.Popen], list[str]]]:
    """One `streamlit run` (no --replicas), or replicas behind nginx: (url, processes, replica names)."""
    if not args.replicas:
        with serve(args.root, args.app, log_path, extra=args.server_arg) as (proc, url):
            yield url, [proc], [""]
        return
    from tools.serve import cluster

    with (
        open(log_path, "wb") as log,
        cluster(args.replicas, root=args.root, app=args.app, extra=args.server_arg, log=log) as c,
    ):
        yield c.url, c.replicas, [u.removeprefix("http://") for u in c.replica_urls]


def measure(page: str, n: int, args: argparse.Namespace, page_name: str, train_page: str = "Train") -> dict:
    """Start a server (or replicas behind the balancer), run the sessions, return the figures."""
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        log = Path(tmp) / "server.log"
        with _servers(args, log) as (url, procs, names):
            time.sleep(0.5)
            if args.warmup:
                warm = [page_name] + ([train_page] if args.trainers else [])
                asyncio.run(warm_up([f"http://{n}" for n in names] if args.replicas else [url], warm, args.timeout))
            idle = sum(rss_kb(p.pid) for p in procs)
            cpu0, client0, load_avg = sum(cpu_seconds(p.pid) for p in procs), time.process_time(), os.getloadavg()[0]
            samplers = [RssSampler(p.pid) for p in procs]
            for sampler in samplers:
                sampler.start()
            t0 = time.perf_counter()
            try:
                results, trained = asyncio.run(_run_all(url, page_name, n, args, train_page))
            finally:
                samples = [sampler.stop() for sampler in samplers]
            row = summarize(
                page,
                n,
                results,
                [max(s, default=0) for s in samples],  # the busiest process: the target is per process
                idle_kb=idle,
                wall_s=time.perf_counter() - t0,
                cpu_s=sum(cpu_seconds(p.pid) for p in procs) - cpu0,
                client_cpu_s=time.process_time() - client0,
                think_s=args.think,
                load_avg=load_avg,
            )
        row["warmup"] = args.warmup
        row.update(replica_figures(names, samples, [r.replica for r in results] + [r.replica for r in trained]))
        if trained:
            from tools.loadtest_train import summarize_trainers

            row.update(summarize_trainers(trained))
            row["meets_target"] = bool(
                row["meets_target"] and row["trainers_feedback_in_time"] == len(trained) and not row["trainer_errors"]
            )
        if row["errors"] or row["isolation_violations"] or row.get("trainer_errors"):
            row["server_errors"] = log_errors(log.read_text(errors="replace"))
    return row


def replica_figures(names: Sequence[str], samples: Sequence[Sequence[int]], served: Sequence[str]) -> dict:
    """Per-replica spread of sessions and peak RSS (empty for a single process)."""
    if len(names) < 2:
        return {}
    return {
        "replicas": len(names),
        "replica_sessions": {name: sum(1 for s in served if s == name) for name in names},
        "replica_peak_rss_mb": {name: round(max(s, default=0) / 1024, 1) for name, s in zip(names, samples)},
        "unrouted_sessions": sum(1 for s in served if s not in names),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        pages = resolve_pages(args.page, page_names())
    except ValueError as err:
        print(f"loadtest: {err}", file=sys.stderr)
        return 2
    names = page_names()
    rows = []
    for page in pages:
        for n in args.sessions:
            row = measure(page, n, args, names[page], train_page=names.get("Train", "Train"))
            rows.append(row)
            line = json.dumps(row, ensure_ascii=False)
            print(line, flush=True)
            if args.out:
                with open(args.out, "a", encoding="utf-8") as f:
                    f.write(line + "\n")
    print("\n" + format_table(rows), file=sys.stderr)
    for r in rows:
        if "replicas" in r:
            print(
                f"{r['page']} N={r['sessions']}: sessions per replica {r['replica_sessions']}, "
                f"peak RSS per replica (MB) {r['replica_peak_rss_mb']}",
                file=sys.stderr,
            )
        if r.get("trainers"):
            print(
                f"{r['page']} N={r['sessions']} + {r['trainers']} trainers: first progress or queue position "
                f"p95 {r['trainer_feedback_p95_ms']:.0f} ms (max {r['trainer_feedback_max_ms']:.0f}), "
                f"{r['trainers_feedback_in_time']}/{r['trainers']} within 2 s; {r['trainers_progressed']} trained, "
                f"{r['trainers_queued']} queued (at most {r['trainer_queue_max_ahead']} ahead); steps/s per trainer "
                f"min {r['trainer_steps_per_s_min']} median {r['trainer_steps_per_s_median']} "
                f"max {r['trainer_steps_per_s_max']}; errors {r['trainer_errors']}",
                file=sys.stderr,
            )
    print(
        f"target: {TARGET['sessions']} sessions with p95 < {TARGET['p95_ms']:.0f} ms and peak RSS < "
        f"{TARGET['rss_mb']:.0f} MB; think time {args.think:g} s ±50 %, {args.steps} interactions per session",
        file=sys.stderr,
    )
    return 1 if any(r["errors"] or r["isolation_violations"] or r.get("trainer_errors") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
