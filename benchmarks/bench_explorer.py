"""Benchmark (a script, not a test): the server-side rerun of one step on the explorer.

Clicks "Next ▶" on the real page (forward phase, vanilla cell) through AppTest and times each rerun,
against a baseline page script that draws the same figures (chain with the future hidden, the
step's equations, the prediction bars, the heatmap, the embedding map and the fold diagram) from
data precomputed once (no widgets, no settings, no URL, nothing cached per step). AppTest reruns the
whole page for a click inside the step fragment, so `ratio` times the whole page; the browser reruns
only the fragment, so `fragment_ratio` times the step fragment alone against a baseline drawing only
the step views (chain, equations, bars, heatmap). Clicks alternate between the two, so both see the same
machine load. The times are the scripts' own execution on the server (widgets, compute, figure
JSON); AppTest's round trip, which also parses every element, is reported beside them.
Prints one JSON line with the medians and their ratio.
Target: ratio <= 2.

    python benchmarks/bench_explorer.py [--n 40] [--hidden 32] [--tokens 60]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit.delta_generator as _dg  # noqa: E402
import streamlit.runtime.scriptrunner.script_runner as _runner  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from visualizer import pages  # noqa: E402
from visualizer.ui import explorer as explorer_ui  # noqa: E402

# The sidebar site map links to the entry script, which AppTest does not know when it runs a page
# file on its own; both scripts skip it alike.
_dg.DeltaGenerator.page_link = lambda self, *a, **k: None

# Server side: the script's own execution (widgets, compute, figure JSON), without AppTest's
# parsing of the result. The runner calls this once per rerun.
_SCRIPT_MS: list[float] = []
_exec = _runner.exec_func_with_error_handling


def _timed_exec(*args, **kwargs):
    t0 = time.perf_counter()
    try:
        return _exec(*args, **kwargs)
    finally:
        _SCRIPT_MS.append((time.perf_counter() - t0) * 1000)


_runner.exec_func_with_error_handling = _timed_exec

# The step fragment on its own: what a Next click reruns in the browser (AppTest reruns the whole page).
_FRAGMENT_MS: list[float] = []
_step_views = explorer_ui._step_views


def _timed_step_views(*args, **kwargs):
    t0 = time.perf_counter()
    try:
        return _step_views(*args, **kwargs)
    finally:
        _FRAGMENT_MS.append((time.perf_counter() - t0) * 1000)


explorer_ui._step_views = _timed_step_views

BASELINE = """
import streamlit as st
from visualizer.data import encoding
from visualizer.labs.explorer import explore
from visualizer.plots import chain, diagrams, equations, figures, step_figures
from visualizer.plots.style import PLOTLY_CONFIG

TEXT, H = {text!r}, {hidden}


@st.cache_resource
def data():
    enc = encoding.encode_text(TEXT, "words", "onehot")
    u = explore.unroll("rnn", enc, explore.make_params("rnn", enc, H, seed=0))
    fold = diagrams.fold_figure(5, enc.tokens, animated=False)
    return enc, u, fold, step_figures.embedding_map(explore.embedding_vectors(u), enc.vocab.tokens)


enc, u, fold, emb = data()
trace, T, tokens, vocab = u.trace, u.T, enc.tokens, enc.vocab.tokens
if st.button("Next ▶"):
    st.session_state["t"] = st.session_state.get("t", 1) % T + 1
t = st.session_state.get("t", 1)
show = lambda fig: st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG)
show(chain.unrolled_chain(tokens, trace.hs, trace.probs, vocab, step=t, window=chain.chain_window(T, t), X=trace.X,
                          reveal=t))
eqs = equations.step_equations(u.params, trace, t, tokens=tokens, vocab_tokens=vocab, ids=enc.ids)
for line in eqs.symbolic[:1] + eqs.input + eqs.hidden + eqs.output:
    st.latex(line)
show(figures.output_bars(trace.probs[t - 1], vocab, step=t, next_token=tokens[t] if t < T else None))
show(figures.hidden_heatmap(trace.hs[1:], tokens, step=t, reveal=t))
if {extras}:
    show(emb)
    show(fold)
"""


def _click_next(at: AppTest) -> tuple[float, float]:
    """(script ms, round-trip ms) for one 'Next ▶' click and the rerun it causes."""
    (button,) = [b for b in at.button if b.label == "Next ▶"]
    _SCRIPT_MS.clear()
    _FRAGMENT_MS.clear()
    t0 = time.perf_counter()
    button.click().run()
    dt = time.perf_counter() - t0
    assert not at.exception, [e.message for e in at.exception]
    return sum(_SCRIPT_MS), dt * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40, help="timed clicks per script")
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--tokens", type=int, default=60)
    args = ap.parse_args()
    text = " ".join(f"w{i % 17}" for i in range(args.tokens))

    page = AppTest.from_file(str(ROOT / pages.EXPLORER.script), default_timeout=60)
    page.query_params.update({"text": text, "hidden": str(args.hidden)})
    page_ms, base_ms, page_rt, base_rt, frag_ms, step_ms = [], [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        script, steps_only = Path(tmp) / "baseline.py", Path(tmp) / "baseline_steps.py"
        script.write_text(BASELINE.format(text=text, hidden=args.hidden, extras=True))
        steps_only.write_text(BASELINE.format(text=text, hidden=args.hidden, extras=False))
        base = AppTest.from_file(str(script), default_timeout=60)
        base_steps = AppTest.from_file(str(steps_only), default_timeout=60)
        page.run(), base.run(), base_steps.run()
        for i in range(args.n + 3):  # interleaved, so all see the same machine load; 3 warm-up clicks
            (p, p_rt), frag = _click_next(page), sum(_FRAGMENT_MS)
            (b, b_rt), (bs, _) = _click_next(base), _click_next(base_steps)
            if i >= 3:
                page_ms.append(p)
                base_ms.append(b)
                page_rt.append(p_rt)
                base_rt.append(b_rt)
                frag_ms.append(frag)
                step_ms.append(bs)

    page_med, base_med = statistics.median(page_ms), statistics.median(base_ms)
    frag_med, step_med = statistics.median(frag_ms), statistics.median(step_ms)
    print(
        json.dumps(
            {
                "bench": "explorer_step",
                "tokens": args.tokens,
                "hidden": args.hidden,
                "clicks": args.n,
                "page_ms_median": round(page_med, 2),
                "baseline_ms_median": round(base_med, 2),
                "page_ms_p90": round(statistics.quantiles(page_ms, n=10)[-1], 2),
                "baseline_ms_p90": round(statistics.quantiles(base_ms, n=10)[-1], 2),
                "ratio": round(page_med / base_med, 3),
                "target_ratio": 2.0,
                # What the browser reruns on a click: the step fragment, against a page drawing its figures.
                "fragment_ms_median": round(frag_med, 2),
                "step_views_baseline_ms_median": round(step_med, 2),
                "fragment_ratio": round(frag_med / step_med, 3),
                "apptest_roundtrip_ms_median": {
                    "page": round(statistics.median(page_rt), 2),
                    "baseline": round(statistics.median(base_rt), 2),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
