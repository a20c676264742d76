"""Benchmark (a script, not a test): how long a "Next" click takes to update every step view in Chromium, how many
websocket messages the server sends per click, and how long a first full render of Home and the Explorer takes.

Starts `streamlit run app.py` on a free port, opens the explorer in headless Chromium (Debian's binary),
and for each click measures click → every step view shows the new step, read from what the browser has
drawn. Two kinds of explorer are understood, so an older checkout can be measured beside this one
(`--root`, `--compare`): the player (one frameless component: its sentence, the chain's current column, the
heatmap's cursor and the panel's title) and the Plotly step views before it (the chain's outlined column, the
step sentence, the equations' subscripts, the heatmap's outline, the gates and the running gradient chart).
Prints one JSON line per checkout: median and p90 in ms per cell and phase, the browser main thread's busy time
per click (Chrome's TaskDuration), websocket frames received per click, and the first full render (median over
fresh browser contexts); with --compare, the ratios this checkout / the other.

    python -m benchmarks.bench_explorer_browser [--clicks 20] [--tokens 30] [--cells rnn,lstm] [--compare DIR]
        [--render-only] [--no-play] [--url http://127.0.0.1:8601 --url ...]

The first render is broken down (when the last script arrived, the main thread's busy time, the JavaScript
fetched, Plotly and syntax-highlighter chunks, anything fetched twice), and the player is played for 3 s at
10 steps/s (steps shown per second, gaps between animation frames, dropped frames, long tasks).

Targets (issue 28): Next → painted median <= 30 ms (LSTM, 30 tokens); first full render <= 1.5 s;
at most 3 messages while stepping 10 clicks.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The step every step view shows, or null while they disagree (some view not updated yet).
SHOWN = """() => {
  const host = [...document.querySelectorAll("[data-testid='stBidiComponentIsolated']")].find((h) => (h.shadowRoot || h).querySelector('.player'));
  const root = host && (host.shadowRoot || host);
  if (root && root.querySelector('.player')) {  // the player: every view is drawn by one render
    const head = root.querySelector('.sentence .head').textContent;
    const here = root.querySelector('.chain .col.here');
    if (!here || !head.startsWith('Step ')) return null;
    const step = parseInt(head.slice(5));
    if (+here.dataset.col !== step) return null;
    const title = root.querySelector('.panel-title').textContent;
    if (![`_${step}`, `⟨${step}⟩`, `step ${step}`].some(end => title.endsWith(end))) return null;
    return step;
  }
  const title = gd => ((gd.layout && gd.layout.title && gd.layout.title.text) || '').replace(/<[^>]+>/g, '');
  const inFrames = [...document.querySelectorAll('iframe')].flatMap(f => {
    try { return [...f.contentDocument.querySelectorAll('.js-plotly-plot')]; } catch (e) { return []; }
  });
  const plots = [...document.querySelectorAll('.js-plotly-plot'), ...inFrames];
  const chain = plots.find(gd => /^(The unrolled chain|Backward)/.test(title(gd)));
  if (!chain || !chain.layout.shapes || !chain.layout.shapes.length) return null;
  const box = chain.layout.shapes[0];
  const step = Math.round((box.x0 + box.x1) / 2);
  const md = [...document.querySelectorAll('[data-testid="stMarkdownContainer"] strong')]
    .map(e => e.textContent).find(t => t.startsWith('Step '));
  if (!md || parseInt(md.slice(5)) !== step) return null;
  const heat = plots.find(gd => title(gd).startsWith('Hidden state'));
  if (heat && heat.layout.shapes && heat.layout.shapes.length && Math.round(heat.layout.shapes[0].x0 + 1.5) !== step)
    return null;
  const back = plots.find(gd => title(gd).startsWith('The error per step'));
  if (back && parseInt(title(back).split('back to step ')[1]) !== step) return null;
  const gates = plots.find(gd => title(gd).startsWith('The gates at step'));
  if (gates && parseInt(title(gates).split('at step ')[1]) !== step) return null;
  // the equations with numbers: their LaTeX (KaTeX keeps it in the page) names the step as a subscript
  const framed = [...document.querySelectorAll('iframe')].flatMap(f => {
    try { return [...f.contentDocument.querySelectorAll('[data-tex]')].map(e => e.dataset.tex); } catch (e) { return []; }
  });
  const tex = [...document.querySelectorAll('annotation[encoding="application/x-tex"]')].map(a => a.textContent)
    .concat(framed);
  if (!tex.some(t => t.includes(`_{${step}}`))) return null;
  return step;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` (in checkout `root`) on a free port, once /_stcore/health answers."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    cmd += ["--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("streamlit did not become healthy")


def wait_step(page, step: int, timeout_s: float = 30.0) -> None:
    """Return once every step view shows `step` (checked on every animation frame)."""
    page.wait_for_function(f"() => ({SHOWN})() === {step}", timeout=timeout_s * 1000, polling="raf")


def _task_ms(cdp) -> float:
    """Main-thread busy time of the page so far (Chrome's TaskDuration), in ms: the browser's own work,
    less sensitive than wall time to other processes on a shared machine."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["TaskDuration"] * 1000


# In the page: the time from the click on "Next ▶" (the event's own timestamp, when the browser dispatched
# it) to the first animation frame after every view shows the new step (so that frame has been painted).
NEXT_BUTTON = """() => {
  const host = [...document.querySelectorAll("[data-testid='stBidiComponentIsolated']")].find((h) => (h.shadowRoot || h).querySelector('.player'));
  const root = host && (host.shadowRoot || host);
  const player = root && root.querySelector('[data-move=next]');
  return player || [...document.querySelectorAll('button')].find(b => b.textContent.includes('Next'));
}"""

WATCH = """(step) => { window.__nextClick = null; new Promise((resolve) => {
  const button = (NEXT_BUTTON)();
  let clicked = null, seen = false;
  button.addEventListener('click', (e) => { clicked = e.timeStamp; }, { capture: true, once: true });
  const tick = (now) => {
    if (seen) return resolve(now - clicked);
    if (clicked !== null && (SHOWN)() === step) seen = true;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}).then((ms) => { window.__nextClick = ms; }); }""".replace("SHOWN", SHOWN).replace("NEXT_BUTTON", NEXT_BUTTON)

# A first full render: the script has run, no element's code is still loading, every Plotly chart (in the page
# or in a frame) is drawn, a live-chart frame has marked itself drawn, and the player (if any) shows its step.
RENDERED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector("[data-testid='stSkeleton']")) return false;
  if ([...document.querySelectorAll("[data-testid='stPlotlyChart']")].some(e => !e.querySelector('.main-svg'))) return false;
  let drawn = document.querySelectorAll('.js-plotly-plot .main-svg').length;
  for (const f of document.querySelectorAll('iframe')) {
    let d = null;
    try { d = f.contentDocument; } catch (e) { continue; }
    if (!d || d.readyState !== 'complete') return false;
    const charts = d.getElementById('charts');
    if (charts && !charts.dataset.drawn) return false;
    const math = d.getElementById('math');
    if (math && !math.dataset.tex) return false;
    drawn += d.querySelectorAll('.js-plotly-plot .main-svg').length;
  }
  const host = [...document.querySelectorAll("[data-testid='stBidiComponentIsolated']")].find((h) => (h.shadowRoot || h).querySelector('.player'));
  const root = host && (host.shadowRoot || host);
  if (host) {
    const head = root.querySelector('.sentence .head');
    if (!head || !head.textContent.startsWith('Step ')) return false;
    drawn += 1;
  }
  return drawn > 0;
}"""


def measure(page, url: str, query: str, clicks: int, start: int, backward: bool) -> dict[str, list[float]]:
    """Click 'Next ▶' `clicks` times from step `start`. Returns, per click, the ms from the click event to
    the painted frame where every view shows the new step ("page"), the same seen from this script
    (from asking Playwright to click, which first waits for the button to be still for two frames, to
    its answer: "wall"), and the browser main thread's busy ms in that time ("busy")."""
    frames: list[float] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda _: frames.append(time.perf_counter())))
    page.goto(f"{url}/Explorer?{query}")
    page.wait_for_selector("[data-testid='stApp']")
    wait_step(page, start, 120)
    time.sleep(1.0)  # let the first render's late work (fonts, KaTeX) finish
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    button = (
        page.locator("[data-move=next]")
        if page.locator(".player").count()
        else page.get_by_role("button", name="Next ▶")
    )
    out: dict[str, list[float]] = {"page": [], "wall": [], "busy": [], "messages": []}
    step = start
    for _ in range(clicks):
        step += -1 if backward else 1
        page.evaluate(WATCH, step)
        t0, b0 = time.perf_counter(), _task_ms(cdp)
        button.click()
        wait_step(page, step)
        out["wall"].append((time.perf_counter() - t0) * 1000)
        out["busy"].append(_task_ms(cdp) - b0)
        page.wait_for_function("() => window.__nextClick !== null", polling="raf")
        out["page"].append(page.evaluate("() => window.__nextClick"))
        out["messages"].append(sum(t >= t0 for t in frames))
        time.sleep(0.2)  # the next click starts from a quiet page, as a person's would (the player reports
        # its step to the server only after 0.7 s without a click: not within this loop)
    cdp.detach()
    return out


# What the page fetched: JavaScript files and bytes (decoded: Streamlit's own server does not compress; the
# transfer size shows what a compressing proxy saves), when the last script arrived, and the chunks issue 28 names.
RESOURCES = """() => {
  const all = performance.getEntriesByType('resource');
  const js = all.filter(e => e.name.split('?')[0].endsWith('.js'));
  const names = all.map(e => e.name);
  return {
    files: all.length, js_files: js.length,
    js_mb: js.reduce((a, e) => a + e.decodedBodySize, 0) / 1e6,
    js_transfer_mb: js.reduce((a, e) => a + e.transferSize, 0) / 1e6,
    js_done_s: Math.max(0, ...js.map(e => e.responseEnd)) / 1000,
    plotly: names.filter(n => /plotly/i.test(n)).length,
    highlighter: names.filter(n => /highlighter/i.test(n)).length,
    twice: names.length - new Set(names).size,
  };
}"""


def first_render(browser, url: str, path: str, runs: int) -> dict:
    """Median seconds from navigation to a first full render (RENDERED), each in a fresh browser context (no
    cached JavaScript), as a student's first visit, with its breakdown (medians): when the last script arrived,
    the browser main thread's busy time, and what was fetched. One untimed visit first: the server's own first
    run (imports, shipped models) is not the browser's."""
    times: list[float] = []
    busy: list[float] = []
    fetched: list[dict] = []
    for k in range(runs + 1):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Performance.enable")
        t0 = time.perf_counter()
        page.goto(f"{url}/{path}")
        page.wait_for_function(RENDERED, timeout=120_000, polling="raf")
        if k:
            times.append(time.perf_counter() - t0)
            busy.append(_task_ms(cdp) / 1000)
            fetched.append(page.evaluate(RESOURCES))
        ctx.close()
    med = lambda key: round(statistics.median(f[key] for f in fetched), 2)  # noqa: E731
    return {
        "s": round(statistics.median(times), 2),
        "main_thread_busy_s": round(statistics.median(busy), 2),
        "last_js_arrived_s": med("js_done_s"),
        "js_files": med("js_files"),
        "js_mb": med("js_mb"),
        "js_transfer_mb": med("js_transfer_mb"),
        "plotly_requests": med("plotly"),
        "highlighter_requests": med("highlighter"),
        "fetched_twice": med("twice"),
    }


# Play at 10 steps/s for PLAY_S seconds: every animation frame's timestamp, the frames where the shown step
# changed, and the long tasks (> 50 ms) the browser reports, all read in the page.
PLAY_WATCH = """(seconds) => new Promise((resolve) => {
  const frames = [], steps = [], long = [];
  const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) long.push(e.duration); });
  try { obs.observe({entryTypes: ['longtask']}); } catch (e) { /* not offered */ }
  let last = (SHOWN)();
  const t0 = performance.now();
  const tick = (now) => {
    frames.push(now);
    const step = (SHOWN)();
    if (step !== null && step !== last) { steps.push(now); last = step; }
    if (now - t0 < seconds * 1000) return requestAnimationFrame(tick);
    obs.disconnect();
    resolve({frames, steps, long});
  };
  requestAnimationFrame(tick);
  (NEXT_BUTTON)().closest('.bar').querySelector('[data-move=play]').click();
})""".replace("SHOWN", SHOWN).replace("NEXT_BUTTON", NEXT_BUTTON)
PLAY_S = 3.0


def play(page, url: str, query: str) -> dict:
    """Press Play on the player (10 steps/s) and watch PLAY_S seconds: steps shown per second, the gaps between
    animation frames (a gap over 2 × 16.7 ms is a dropped frame at 60 Hz) and long tasks."""
    page.goto(f"{url}/Explorer?{query}")
    wait_step(page, 1, 120)
    time.sleep(1.0)  # the first render's late work done
    got = page.evaluate(PLAY_WATCH, PLAY_S)
    gaps = [b - a for a, b in zip(got["frames"], got["frames"][1:], strict=False)]
    step_gaps = [b - a for a, b in zip(got["steps"], got["steps"][1:], strict=False)]
    page.keyboard.press("Space")  # pause
    return {
        "steps_per_s": round(len(got["steps"]) / PLAY_S, 1),
        "step_interval_ms_median": round(statistics.median(step_gaps), 1) if step_gaps else None,
        "frames": len(got["frames"]),
        "frame_gap_ms_median": round(statistics.median(gaps), 1),
        "frame_gap_ms_max": round(max(gaps), 1),
        "frames_dropped": sum(g > 2 * 1000 / 60 for g in gaps),
        "long_tasks": len(got["long"]),
        "long_task_ms_max": round(max(got["long"], default=0.0), 1),
    }


def bench(root: Path, args, text: str, url: str | None = None) -> dict:
    """Every figure for the checkout at `root`, its own server started and stopped here (or, with `url`, the
    server already running there, e.g. `make serve`'s nginx)."""
    proc, url = (None, url) if url else serve(root)
    results: dict = {"root": str(root) if proc else url}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for name, path in (("home", ""), ("explorer", "Explorer")):
                fr = first_render(browser, url, path, args.renders)
                results[f"first_render_{name}_s"] = fr.pop("s")
                results[f"first_render_{name}"] = fr
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            if args.play:
                for cell in args.cells.split(","):
                    query = f"text={text}&cell={cell}&weights={args.weights}"
                    results[f"play_{cell}"] = play(page, url, query)
            for cell in args.cells.split(",") if not args.render_only else []:
                for phase in args.phases.split(","):
                    start = args.tokens - 1 if phase == "backward" else 1  # BPTT opens on the last step with a loss
                    query = f"text={text}&cell={cell}&phase={phase}&step={start}&weights={args.weights}"
                    got = measure(page, url, query, args.clicks, start, phase == "backward")
                    results[f"{cell}_{phase}"] = {
                        "median_ms": round(statistics.median(got["page"]), 1),
                        "p90_ms": round(statistics.quantiles(got["page"], n=10)[-1], 1),
                        "playwright_wall_median_ms": round(statistics.median(got["wall"]), 1),
                        "browser_busy_ms_median": round(statistics.median(got["busy"]), 1),
                        "messages_per_click_median": statistics.median(got["messages"]),
                    }
            browser.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clicks", type=int, default=20)
    ap.add_argument("--tokens", type=int, default=30)
    ap.add_argument("--cells", default="rnn,lstm")
    ap.add_argument("--phases", default="forward,backward")
    ap.add_argument("--weights", default="story", help="story (the shipped model of each cell) or random")
    ap.add_argument("--renders", type=int, default=3, help="fresh contexts per first-render figure")
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout to serve")
    ap.add_argument("--compare", type=Path, default=None, help="another checkout, measured in the same run")
    ap.add_argument("--url", action="append", default=[], help="measure a running server (repeatable), not --root")
    ap.add_argument("--no-play", dest="play", action="store_false", help="skip the 3 s of play at 10 steps/s")
    ap.add_argument("--render-only", action="store_true", help="first renders (and play) only, no Next clicks")
    args = ap.parse_args()
    if args.clicks >= args.tokens:
        raise SystemExit("--clicks must be smaller than --tokens")
    text = "+".join(f"w{i % 11}" for i in range(args.tokens))  # '+' is a space in a query string
    if args.url:
        runs = [bench(args.root, args, text, url.rstrip("/")) for url in args.url]
    else:
        runs = [bench(args.root, args, text)]
        if args.compare is not None:
            runs.append(bench(args.compare, args, text))
    head = {
        "bench": "explorer_next_click_browser",
        "tokens": args.tokens,
        "weights": args.weights,
        "load_avg_1min": round(os.getloadavg()[0], 1),
        "targets": {"median_ms": 30, "first_render_s": 1.5, "messages_per_10_clicks": 3},
    }
    for r in runs:
        print(json.dumps({**head, **r}))
    if len(runs) == 2:
        mine, other = runs
        ratios = {
            k: round(mine[k]["median_ms"] / other[k]["median_ms"], 3)
            for k in mine
            if isinstance(mine[k], dict) and "median_ms" in mine[k] and k in other
        }
        ratios.update(
            {
                k: round(mine[k] / other[k], 3)
                for k in mine
                if k.endswith("_s") and k.startswith("first_render") and other.get(k)
            }
        )
        print(json.dumps({"bench": "ratios (root / compare)", **ratios}))


if __name__ == "__main__":
    main()
