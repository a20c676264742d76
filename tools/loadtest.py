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
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the app's settings table importable
    sys.path.insert(0, str(ROOT))

from tools.loadtest_report import TARGET, format_table, log_errors, replica_figures, summarize  # noqa: E402
from tools.loadtest_server import RssSampler, _children, cpu_seconds, rss_kb, serve  # noqa: E402
from tools.loadtest_session import (  # noqa: E402
    MAX_SESSIONS,
    Session,
    SessionResult,
    initial_query,
    run_session,
    session_tokens,
)
from visualizer import pages  # noqa: E402

HOME = "Home"


# ---------------------------------------------------------------------------- pure helpers


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
    p.add_argument(
        "--train-speed",
        choices=("watch", "fast"),
        default="watch",
        help="the Train page's Speed for every trainer (default: watch, the page's default)",
    )
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
            kids0 = {k: cpu_seconds(k) for p in procs for k in _children(p.pid)}  # training and proof workers
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
            kids1 = {k: cpu_seconds(k) for p in procs for k in _children(p.pid)}
            row["worker_cpu_s"] = round(sum(c - kids0.get(k, 0.0) for k, c in kids1.items()), 2)
            row["load_avg_1min_end"] = round(os.getloadavg()[0], 2)
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
                f"  {args.train_speed}: first step max {r['trainer_first_progress_max_ms']:.0f} ms; loss fell within "
                f"5 s for {r['trainers_loss_fell_within_5s']}/{r['trainers']} (latest {r['trainer_loss_fall_max_ms']:.0f}"
                f" ms); steps/s total {r['trainer_steps_per_s_total']}, fastest/slowest "
                f"{r['trainer_fastest_over_slowest']}, steps per student max deviation from the mean "
                f"{r['trainer_steps_max_dev_from_mean']:.1%}; Stop p50 {r['trainer_stop_p50_ms']:.0f} ms p95 "
                f"{r['trainer_stop_p95_ms']:.0f} ms max {r['trainer_stop_max_ms']:.0f} ms, stopped exactly "
                f"{r['trainers_stopped_exactly']}/{r['trainers']}; CPU s server {r['server_cpu_s']} workers "
                f"{r['worker_cpu_s']} over {r['wall_s']} s; load average {r['load_avg_1min']} -> "
                f"{r['load_avg_1min_end']}",
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
