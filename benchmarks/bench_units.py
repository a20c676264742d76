"""How long the "What a unit remembers" page takes to open: each cached computation cold (the first visitor after
a start), and the page's AppTest run cold and warm (every later visitor: the caches answer).

    .venv/bin/python -m benchmarks.bench_units

Prints CPU seconds per computation of the default view (LSTM words, c_t, country) and, for the page, the cold and
warm run times and their ratio. Figures, not a pass/fail test: they depend on the machine and its load.
"""

from __future__ import annotations

import time

from visualizer import ROOT  # importing the library puts BLAS on one thread
from visualizer.data import pretrained
from visualizer.labs.memory_proof import proof
from visualizer.labs.sequences import seqtasks
from visualizer.labs.units import activity, annotate, attribution, clamp, finder, translation
from visualizer.state import DEFAULT_ATTR_TEXT


def timed(label: str, fn):
    t0 = time.process_time()
    out = fn()
    print(f"{label:38s} {time.process_time() - t0:6.3f} s CPU")
    return out


def computations() -> None:
    text = pretrained.heldout_text()
    m = timed("load the LSTM word model", lambda: activity.float64(pretrained.load_shipped("lstm-words")))
    a = timed("read the held-out story (trained)", lambda: activity.read(m, text))
    u = timed("read it (untrained)", lambda: activity.read(activity.untrained(m), text))
    prop = annotate.PROPERTIES["country"]
    r = timed("rank the units", lambda: finder.rank(a.states("c"), u.states("c"), a.props["country"], prop, "c"))
    for units, label in (((r.best,), "contrast prompts, best unit off"), ((40,), "contrast prompts, random unit off")):
        timed(
            label, lambda units=units: clamp.contrast_effect(m, proof.pairs(), clamp.clamp_for(a, units, "zero", "c"))
        )
    for cell in ("rnn", "lstm", "gru"):
        mm = activity.float64(pretrained.load_shipped(f"{cell}-words"))
        ids = pretrained.read_prompt(mm, DEFAULT_ATTR_TEXT)[0]
        timed(f"attributions, {cell}", lambda mm=mm, ids=ids: attribution.attribute(mm, ids))
        held = pretrained.read_prompt(mm, text)[0]
        timed(f"reach curve, {cell}", lambda mm=mm, held=held: attribution.reach(mm, held, window=30, windows=256))
    sm = seqtasks.load_shipped("encoder_decoder", attend=True).model
    test = seqtasks.load_dataset("encoder_decoder").test
    timed("translation, 5 gender units off", lambda: translation.gender_effect(sm, test, 5))


def page() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/units.py")
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t0
    print(f"page run, cold caches: {cold:.2f} s; warm: {warm:.3f} s; cold / warm = {cold / warm:.0f}x")


if __name__ == "__main__":
    computations()
    page()
