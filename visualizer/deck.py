"""The guided lesson as one offline HTML file (a slide deck), and the printable exercise sheet.

Deck: for every stop of the chosen path, a question slide (the stop's narration, what to notice, a figure drawn
as inline SVG from the same library the page draws with, the question and its options) and an answer slide (the
answer and its reason, computed by the question's own `solve` and `reason` for the stop's preset settings, as
the Lesson panel checks them). A stop whose page is not available, or whose numbers cannot be computed, becomes
one note slide. Everything is inline (CSS, SVG, a few lines of JavaScript for the arrow keys): the file fetches
nothing. Print CSS puts one slide per page.

Sheet: the exercises of content/exercises.py with the answers on a separate page.
Pure: no Streamlit here. Every piece of text is HTML-escaped before the few Markdown marks of the lesson's
prose (**bold**, *italic*, `code`) are turned into tags.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

from visualizer import ASSETS, lesson, lesson_stops, pages
from visualizer.content import deck_notes as notes
from visualizer.content import exercises
from visualizer.data import corpus
from visualizer.labs.long_lags import longlag
from visualizer.labs.sequences import seqtasks, seqtypes
from visualizer.labs.training import tbptt
from visualizer.labs.units import annotate, finder
from visualizer.lesson import Stop
from visualizer.nn import cells
from visualizer.plots import svg
from visualizer.settings import Settings

ALL_PAGES = frozenset(pages.BY_KEY)


# ---------------------------------------------------------------------------- text


def inline(text: str) -> str:
    """Escaped text with the lesson's Markdown marks (**bold**, *italic*, `code`) as tags."""
    out = escape(text, quote=True)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", out)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", out)


# ---------------------------------------------------------------------------- one figure per stop


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _heatmap(run, title: str) -> str:
    hs = np.asarray(run.trace.hs[1:])  # (T, H)
    return svg.heatmap(
        hs.T.tolist(),
        [f"{t}. {tok}" for t, tok in enumerate(run.enc.tokens, 1)],
        [f"h{i + 1}" for i in range(hs.shape[1])],
        title=title,
        xtitle="time step t (the token read)",
        ytitle="hidden unit",
    )


def figure(stop: Stop, s: Settings) -> str:
    """The stop's figure as inline SVG, computed for settings `s` as the stop's page computes it."""
    key = stop.page.key
    if key == "home" or (key == "explorer" and s.weights == "story"):
        return _heatmap(lesson._story_run(s), "Hidden state h_t of the network trained on the story")
    if key == "explorer":
        return _heatmap(lesson._run(s), f"Hidden state h_t, random weights (seed {s.seed})")
    if key == "seqtypes" and s.seqtype == "encoder_decoder":  # the stop is about the bottleneck: its chart
        t = seqtasks.load_shipped("encoder_decoder", attend=True).extra
        if not {"len_lo", "len_hi", "acc_plain", "acc_attention"} <= set(t):
            raise ValueError("the shipped translator has no accuracy-by-length table")
        mid = [(float(lo) + float(hi)) / 2 for lo, hi in zip(t["len_lo"], t["len_hi"])]
        return svg.lines(
            mid,
            {"without attention": t["acc_plain"].tolist(), "with attention": t["acc_attention"].tolist()},
            title="Held-out sentences translated exactly, by input length",
            xtitle="input length (words, middle of each bin)",
            ytitle="share exactly right",
            ylim=(0.0, 1.0),
        )
    if key == "seqtypes":
        tokens = lesson._run(s).enc.tokens
        lay = seqtypes.layout(s.seqtype, len(tokens), s.output_length)
        reads = iter(tokens)
        labels = [next(reads, "x") if src == "input" else "<start>" if src == "start" else "ŷ" for src in lay.source]
        return svg.sequence_layout(
            [True] * lay.n_steps,
            lay.emits,
            lay.decoder,
            title=f"{seqtypes.LABELS[s.seqtype]}: {_count(lay.n_inputs, 'input')} → {_count(lay.n_outputs, 'output')}",
            in_labels=labels,
        )
    if key == "gradients":
        exp = lesson._experiment(s)
        first = next(iter(exp.cells.values()))
        T = len(first.dh_norm)
        return svg.lines(
            list(range(1, T + 1)),
            {cells.CELLS[name].label: g.dh_norm.tolist() for name, g in exp.cells.items()},
            title="‖∂L/∂h_t‖ at every step: the gradient reaching back from the loss at the end",
            xtitle="time step t",
            ytitle="‖∂L/∂h_t‖",
            log=True,
        )
    if key == "train":
        text = corpus.build_corpus(corpus.default_corpus(), s.level)
        wins = tbptt.windows(text.ids, text.vocab.tokens, s.window, count=3)
        return svg.windows(
            [(w.step, w.start, [t.replace(" ", "␣").replace("\n", "↵") for t in w.tokens]) for w in wins],
            title=f"Truncated BPTT on the story: windows of T = {s.window} {s.level}",
        )
    if key == "limits":
        sweep = longlag.load_sweep(ASSETS / "models" / longlag.SWEEP_FILE)
        if sweep is None:
            raise ValueError("the shipped long-lag sweep is missing")
        data = sweep["first"]
        series = {cells.CELLS[c].label: v["best"] for c, v in data["cells"].items()}
        series["chance"] = data["baseline"]
        return svg.lines(
            data["lags"],
            series,
            title="Recall the first symbol after L steps: best accuracy reached",
            xtitle="lag L (steps)",
            ytitle="accuracy",
            ylim=(0.0, 1.0),
        )
    if key == "units":  # the page's main picture: the story coloured by the unit shown, as one row
        _, trained, state, ranking = lesson.units_ranking(s)
        unit, _ = finder.chosen_units(ranking, s.unit, 0)
        n = min(40, len(trained.tokens))
        values = trained.states(state)[:n, unit]
        prop = annotate.PROPERTIES[s.unit_prop]
        return svg.heatmap(
            [values.tolist()],
            [f"{t}. {tok}" for t, tok in enumerate(trained.tokens[:n], 1)],
            [f"{state}_t[{unit}]"],
            title=f"Unit {unit} of {state}_t over the held-out story ({ranking.score_name} "
            f"{ranking.scores[unit]:.2f} with {prop.label})",
            xtitle="token of the held-out story",
            ytitle="unit",
        )
    raise ValueError(f"no figure for the {stop.page.label} page")


# ---------------------------------------------------------------------------- slides


@dataclass(frozen=True)
class Slide:
    kind: str  # "title", "question", "answer", "skipped", "end"
    html: str  # the slide's inner HTML


def stop_slides(number: int, keep: Settings | None = None, available: Collection[str] = ALL_PAGES) -> list[Slide]:
    """The question slide and the answer slide of stop `number` (1-based), or one note slide if it is skipped."""
    stop = lesson_stops.STOPS[number - 1]
    head = f"<p class='kicker'>Stop {number} · {escape(stop.page.label)}</p><h2>{escape(stop.title)}</h2>"
    if stop.page.key not in available:
        return [
            Slide(
                "skipped",
                head
                + f"<p class='note'>{escape(notes.skipped(number, stop.title, notes.page_missing(stop.page.label)))}</p>",
            )
        ]
    s = lesson_stops.preset(number, keep)
    q = stop.question
    try:
        fig = figure(stop, s)
        prompt, options = q.text(s), q.choices(s)
        answer, reason = q.answer(s), q.reason(s)
    except (FileNotFoundError, ValueError, KeyError) as err:
        return [
            Slide(
                "skipped", head + f"<p class='note'>{escape(notes.skipped(number, stop.title, notes.failed(err)))}</p>"
            )
        ]
    opts = ""
    if q.kind == "choice":
        opts = "<ol class='options' type='A'>" + "".join(f"<li>{escape(o)}</li>" for o in options) + "</ol>"
    elif q.kind == "steps":
        opts = f"<p class='options'>Steps: {escape(', '.join(options))}</p>"
    question = (
        head
        + "<div class='cols'><div class='text'>"
        + f"<p>{inline(stop.text)}</p><p class='notice'><strong>{notes.NOTICE}:</strong> {inline(stop.notice)}</p>"
        + f"<div class='question'><strong>{notes.QUESTION}:</strong> {inline(prompt)}{opts}</div>"
        + f"<p class='where'>{escape(notes.OPEN_IN_APP.format(page=stop.page.label))}</p>"
        + f"</div><figure>{fig}</figure></div>"
    )
    answer_html = (
        head
        + f"<div class='question'><strong>{notes.QUESTION}:</strong> {inline(prompt)}</div>"
        + f"<p class='answer'><strong>{notes.ANSWER}:</strong> <span class='value'>{escape(lesson.show_answer(answer))}</span></p>"
        + f"<p>{inline(reason)}</p>"
    )
    return [Slide("question", question), Slide("answer", answer_html)]


def slides(numbers: Sequence[int], keep: Settings | None = None, available: Collection[str] = ALL_PAGES) -> list[Slide]:
    """The whole deck: a title slide, every stop's slides, an end slide."""
    total = len(lesson_stops.STOPS)
    path = "the whole lesson" if list(numbers) == list(range(1, total + 1)) else "stops " + ", ".join(map(str, numbers))
    out = [
        Slide(
            "title",
            f"<h1>{escape(notes.DECK_TITLE)}</h1><p>{escape(notes.DECK_SUBTITLE)}</p>"
            f"<p>{escape(notes.path_note(len(numbers), total, path))}</p><p class='keys'>{escape(notes.KEYS)}</p>",
        )
    ]
    for n in numbers:
        if not 1 <= n <= total:
            raise ValueError(f"there is no stop {n}: the lesson has {total}")
        out += stop_slides(n, keep, available)
    out.append(Slide("end", f"<h2>{escape(notes.END_TITLE)}</h2><p>{escape(notes.END_TEXT)}</p>"))
    return out


# ---------------------------------------------------------------------------- HTML

CSS = """
*{box-sizing:border-box} body{margin:0;font-family:'Segoe UI',Helvetica,Arial,sans-serif;color:#222;background:#f4f4f2}
.slide{display:none;width:100vw;min-height:100vh;padding:3vh 5vw 7vh;background:#fff;flex-direction:column;gap:1vh}
.slide.current{display:flex} h1{font-size:2.6rem;margin:20vh 0 1rem} h2{font-size:clamp(1.4rem,4vh,2rem);margin:.2rem 0 .6rem}
.kicker{color:#888;margin:0;text-transform:uppercase;letter-spacing:.05em;font-size:.9rem}
p,li{font-size:clamp(.85rem,2.3vh,1.15rem);line-height:1.45} .cols{display:flex;gap:3vw;align-items:flex-start}
.cols .text{flex:1 1 40%} figure{flex:1 1 55%;margin:0} figure svg{width:100%;height:auto;max-height:70vh}
.notice{background:#fff6e8;border-left:4px solid #f58518;padding:.4rem .8rem}
.question{background:#eef3f8;border-left:4px solid #4c78a8;padding:.5rem .9rem;font-size:clamp(.85rem,2.3vh,1.15rem)}
.question ol{margin:.3rem 0}
.answer{font-size:1.5rem} .answer .value{color:#1a7f37} .note{font-size:1.3rem;color:#8a4b00}
.where,.keys{color:#777;font-size:.95rem} code{background:#f0f0f0;padding:0 .2em}
#bar{position:fixed;bottom:0;left:0;right:0;display:flex;justify-content:space-between;padding:.4rem 1rem;
font-size:.9rem;color:#666;background:rgba(255,255,255,.9)}
@media print{.slide{display:flex!important;min-height:auto;height:auto;page-break-after:always;width:auto}
#bar{display:none} body{background:#fff}}
"""

# Arrow keys, PageUp/PageDown (a clicker), Space, Home/End; the slide number stays in the address (#3).
JS = """
const slides = [...document.querySelectorAll('.slide')];
let current = 0;
function show(n) {
  current = Math.max(0, Math.min(slides.length - 1, n));
  slides.forEach((s, k) => s.classList.toggle('current', k === current));
  document.getElementById('counter').textContent = (current + 1) + ' / ' + slides.length;
  try { history.replaceState(null, '', '#' + (current + 1)); } catch (e) {}
}
document.addEventListener('keydown', (e) => {
  if (['ArrowRight', 'PageDown', ' ', 'ArrowDown'].includes(e.key)) { show(current + 1); e.preventDefault(); }
  else if (['ArrowLeft', 'PageUp', 'ArrowUp'].includes(e.key)) { show(current - 1); e.preventDefault(); }
  else if (e.key === 'Home') show(0);
  else if (e.key === 'End') show(slides.length - 1);
});
show((parseInt(location.hash.slice(1), 10) || 1) - 1);
"""


def _page(title: str, body: str, css: str, script: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{css}</style></head><body>{body}"
        + (f"<script>{script}</script>" if script else "")
        + "</body></html>"
    )


def deck_html(numbers: Sequence[int], keep: Settings | None = None, available: Collection[str] = ALL_PAGES) -> str:
    """The deck as one self-contained HTML file (UTF-8 text)."""
    body = "".join(
        f"<section class='slide kind-{s.kind}' data-kind='{s.kind}' id='slide-{i}'>{s.html}</section>"
        for i, s in enumerate(slides(numbers, keep, available), 1)
    )
    bar = f"<div id='bar'><span>{escape(notes.DECK_TITLE)}</span><span id='counter'></span></div>"
    return _page(notes.DECK_TITLE, body + bar, CSS, JS)


SHEET_CSS = """
body{font-family:'Segoe UI',Helvetica,Arial,sans-serif;max-width:46rem;margin:2rem auto;color:#222;line-height:1.5}
h1{font-size:1.8rem} h2{font-size:1.25rem;margin-top:1.6rem} pre{background:#f6f6f6;padding:.6rem;white-space:pre-wrap}
.space{height:7rem;border-bottom:1px dashed #bbb} .answers{margin-top:3rem}
@media print{body{margin:0} .answers{page-break-before:always} pre{background:none;border:1px solid #ccc}}
"""


def sheet_html(D: int, H: int, V: int) -> str:
    """The exercise sheet for a network of sizes D, H, V, with the computed answers on their own page."""
    items = exercises.sheet(D, H, V)
    parts = [f"<h1>{escape(exercises.SHEET_TITLE)}</h1><p>{escape(exercises.SHEET_INTRO)}</p>"]
    for i, ex in enumerate(items, 1):
        given = f"<pre>{escape(chr(10).join(ex.given))}</pre>" if ex.given else ""
        parts.append(
            f"<section class='exercise'><h2>{i}. {escape(ex.title)}</h2><p>{escape(ex.question)}</p>{given}"
            "<div class='space'></div></section>"
        )
    parts.append("<section class='answers'><h1>Answers</h1>")
    for i, ex in enumerate(items, 1):
        parts.append(
            f"<h2>{i}. {escape(ex.title)}</h2><ul>" + "".join(f"<li>{escape(a)}</li>" for a in ex.answer) + "</ul>"
        )
    parts.append("</section>")
    return _page(exercises.SHEET_TITLE, "".join(parts), SHEET_CSS)


def sheet_sizes(s: Settings) -> tuple[int, int, int]:
    """(D, H, V) of the network the settings describe: one-hot inputs over the text's vocabulary, H = hidden."""
    run = lesson._run(s)
    return int(run.enc.X.shape[1]), int(s.hidden), len(run.enc.vocab)
