"""Static SVG figures drawn directly from the data, for the offline lecture deck (no Plotly, no kaleido, no network).

Each builder returns one self-contained <svg> string with a title, labelled axes and a native tooltip (<title>)
on every mark, so a value can be read by hovering in any browser. Every piece of text is XML-escaped.
Colours are the app's (plots/style.py). No Streamlit here.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from html import escape

from visualizer.plots.style import ALERT, FEEDBACK_COLOUR, H_COLOUR, HIGHLIGHT, X_COLOUR, Y_COLOUR

W, H = 720, 360  # the viewBox of every figure; the deck scales it to the slide
FONT = "font-family='Segoe UI, Helvetica, Arial, sans-serif'"


def _t(text: object) -> str:
    return escape(str(text), quote=True)


def _uid(title: str) -> str:
    """A prefix for a figure's marker ids, from its title: many figures share one HTML page."""
    return f"m{zlib.crc32(title.encode()):08x}"


def _frame(body: list[str], title: str, width: int = W, height: int = H) -> str:
    return (
        f"<svg viewBox='0 0 {width} {height}' role='img' "
        f"aria-label='{_t(title)}' {FONT} font-size='13'>"
        f"<title>{_t(title)}</title>"
        f"<text x='{width / 2}' y='20' text-anchor='middle' font-weight='600' font-size='15'>{_t(title)}</text>"
        + "".join(body)
        + "</svg>"
    )


def _diverging(v: float, vmax: float) -> str:
    """Blue (negative) – white – red (positive), as the app's heatmaps."""
    a = 0.0 if vmax <= 0 or not math.isfinite(v) else max(-1.0, min(1.0, v / vmax))
    if a >= 0:
        r, g, b = 255, int(255 - 180 * a), int(255 - 200 * a)
    else:
        r, g, b = int(255 + 200 * a), int(255 + 150 * a), 255
    return f"rgb({r},{g},{b})"


def heatmap(
    z: Sequence[Sequence[float]],
    xlabels: Sequence[str],
    ylabels: Sequence[str],
    *,
    title: str,
    xtitle: str,
    ytitle: str,
) -> str:
    """z[i][j] is row i (ylabels[i]) at column j (xlabels[j]); a diverging colour scale centred at 0."""
    rows, cols = len(z), len(xlabels)
    vmax = max((abs(v) for row in z for v in row if math.isfinite(v)), default=1.0) or 1.0
    left, top, right, bottom = 90, 40, 20, 80
    cw, ch = (W - left - right) / max(cols, 1), (H - top - bottom) / max(rows, 1)
    body = []
    for i, row in enumerate(z):
        for j, v in enumerate(row):
            x, y = left + j * cw, top + i * ch
            body.append(
                f"<rect x='{x:.1f}' y='{y:.1f}' width='{cw:.1f}' height='{ch:.1f}' fill='{_diverging(v, vmax)}' "
                f"stroke='white'><title>{_t(ylabels[i])}, {_t(xlabels[j])}: {v:.3f}</title></rect>"
            )
            if cw > 34 and ch > 14:
                body.append(
                    f"<text x='{x + cw / 2:.1f}' y='{y + ch / 2 + 4:.1f}' text-anchor='middle' "
                    f"font-size='11'>{v:.2f}</text>"
                )
    for j, lab in enumerate(xlabels):
        x = left + (j + 0.5) * cw
        body.append(f"<text x='{x:.1f}' y='{top + rows * ch + 16:.1f}' text-anchor='middle'>{_t(lab)}</text>")
    every = max(1, math.ceil(rows / 16))  # at most ~16 row labels: each needs ~14 px
    for i, lab in enumerate(ylabels):
        if i % every:
            continue
        y = top + (i + 0.5) * ch + 4
        body.append(f"<text x='{left - 6}' y='{y:.1f}' text-anchor='end'>{_t(lab)}</text>")
    body.append(f"<text x='{left + (W - left - right) / 2}' y='{H - 30}' text-anchor='middle'>{_t(xtitle)}</text>")
    body.append(
        f"<text x='16' y='{top + rows * ch / 2}' text-anchor='middle' "
        f"transform='rotate(-90 16 {top + rows * ch / 2})'>{_t(ytitle)}</text>"
    )
    body.append(
        f"<text x='{W - right}' y='{H - 10}' text-anchor='end' font-size='11' fill='#555'>red positive, "
        f"blue negative; largest |value| {vmax:.3g}</text>"
    )
    return _frame(body, title)


def nice_ticks(lo: float, hi: float, *, integer: bool = False, most: int = 6) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten apart) inside [lo, hi], at most `most` of them."""
    span = hi - lo
    if span <= 0 or not math.isfinite(span):
        return [lo]
    raw = span / (most - 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    if integer:
        step = max(1.0, round(step))
    first = math.ceil(lo / step) * step
    return [first + k * step for k in range(int((hi - first) / step + 1e-9) + 1)]


COLOURS = (H_COLOUR, HIGHLIGHT, X_COLOUR, ALERT, FEEDBACK_COLOUR)


def lines(
    x: Sequence[float],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    xtitle: str,
    ytitle: str,
    log: bool = False,
    colours: Mapping[str, str] | None = None,
    ylim: tuple[float, float] | None = None,
) -> str:
    """One line per series over x; a log10 y axis when `log` (non-positive values are left out)."""
    left, top, right, bottom = 80, 40, 150, 60

    def f(v: float) -> float | None:
        if not math.isfinite(v) or (log and v <= 0):
            return None
        return math.log10(v) if log else v

    vals = [f(v) for ys in series.values() for v in ys]
    finite = [v for v in vals if v is not None] or [0.0, 1.0]
    lo, hi = (min(finite), max(finite)) if ylim is None else ylim
    if hi - lo < 1e-12:
        lo, hi = lo - 1, hi + 1
    x0, x1 = min(x), max(x)
    x1 = x1 if x1 > x0 else x0 + 1
    pw, ph = W - left - right, H - top - bottom
    px = lambda v: left + (v - x0) / (x1 - x0) * pw  # noqa: E731
    py = lambda v: top + (hi - v) / (hi - lo) * ph  # noqa: E731
    body = [f"<rect x='{left}' y='{top}' width='{pw}' height='{ph}' fill='none' stroke='#bbb'/>"]
    for v in nice_ticks(lo, hi, integer=log):  # y ticks (decades on a log axis)
        label = f"1e{v:.0f}" if log else f"{v:.3g}"
        body.append(
            f"<line x1='{left - 4}' x2='{left}' y1='{py(v):.1f}' y2='{py(v):.1f}' stroke='#555'/>"
            f"<text x='{left - 6}' y='{py(v) + 4:.1f}' text-anchor='end' font-size='11'>{label}</text>"
        )
    for v in nice_ticks(x0, x1, integer=all(float(a).is_integer() for a in x)):  # x ticks
        body.append(f"<text x='{px(v):.1f}' y='{top + ph + 16}' text-anchor='middle' font-size='11'>{v:g}</text>")
    for n, (name, ys) in enumerate(series.items()):
        colour = (colours or {}).get(name, COLOURS[n % len(COLOURS)])
        pts = [(px(a), py(fb)) for a, b in zip(x, ys) if (fb := f(b)) is not None]
        if pts:
            path = " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)
            body.append(f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='2.5'/>")
        every = max(1, math.ceil(len(x) / 60))  # a tooltip marker on at most ~60 points per line
        for k, (a, b) in enumerate(zip(x, ys)):
            if k % every == 0 and (fb := f(b)) is not None:
                body.append(
                    f"<circle cx='{px(a):.1f}' cy='{py(fb):.1f}' r='3' fill='{colour}'>"
                    f"<title>{_t(name)}: {_t(xtitle)} {a:g} → {b:.4g}</title></circle>"
                )
        ly = top + 14 + 20 * n
        body.append(
            f"<line x1='{W - right + 12}' x2='{W - right + 34}' y1='{ly}' y2='{ly}' stroke='{colour}' "
            f"stroke-width='3'/><text x='{W - right + 40}' y='{ly + 4}'>{_t(name)}</text>"
        )
    body.append(f"<text x='{left + pw / 2}' y='{H - 18}' text-anchor='middle'>{_t(xtitle)}</text>")
    body.append(
        f"<text x='18' y='{top + ph / 2}' text-anchor='middle' "
        f"transform='rotate(-90 18 {top + ph / 2})'>{_t(ytitle + (' (log scale)' if log else ''))}</text>"
    )
    return _frame(body, title)


def sequence_layout(
    reads: Sequence[bool],
    emits: Sequence[bool],
    decoder: Sequence[bool],
    *,
    title: str,
    in_labels: Sequence[str] = (),
    out_labels: Sequence[str] = (),
) -> str:
    """One column per step of the cell: an input below where it reads, an output above where it emits; the
    hidden states in a row, joined by the recurrent arrow (decoder states in the decoder's colour)."""
    n = len(reads)
    uid = _uid(title)
    left, right = 90, 20
    step = (W - left - right) / max(n, 1)
    yin, yh, yout = 290, 190, 90
    body = [
        f"<text x='{left - 10}' y='{yout + 4}' text-anchor='end'>output ŷ_t</text>",
        f"<text x='{left - 10}' y='{yh + 4}' text-anchor='end'>hidden h_t</text>",
        f"<text x='{left - 10}' y='{yin + 4}' text-anchor='end'>input x_t</text>",
    ]
    for t in range(n):
        cx = left + (t + 0.5) * step
        if t:
            body.append(
                f"<line x1='{cx - step + 14:.1f}' x2='{cx - 16:.1f}' y1='{yh}' y2='{yh}' stroke='{H_COLOUR}' "
                f"stroke-width='2' marker-end='url(#{uid}a)'/>"
            )
        colour = FEEDBACK_COLOUR if decoder[t] else H_COLOUR
        body.append(
            f"<rect x='{cx - 14:.1f}' y='{yh - 14}' width='28' height='28' fill='{colour}'>"
            f"<title>step {t + 1}: h_{t + 1}</title></rect>"
        )
        if reads[t]:
            lab = in_labels[t] if t < len(in_labels) else f"x_{t + 1}"
            body.append(
                f"<line x1='{cx:.1f}' x2='{cx:.1f}' y1='{yin - 14}' y2='{yh + 16}' stroke='#777' "
                f"marker-end='url(#{uid}a)'/><circle cx='{cx:.1f}' cy='{yin}' r='13' fill='{X_COLOUR}'>"
                f"<title>step {t + 1} reads {_t(lab)}</title></circle>"
                f"<text x='{cx:.1f}' y='{yin + 32}' text-anchor='middle' font-size='12'>{_t(lab)}</text>"
            )
        if emits[t]:
            lab = out_labels[t] if t < len(out_labels) else f"ŷ_{t + 1}"
            body.append(
                f"<line x1='{cx:.1f}' x2='{cx:.1f}' y1='{yh - 14}' y2='{yout + 15}' stroke='#777' "
                f"marker-end='url(#{uid}a)'/><circle cx='{cx:.1f}' cy='{yout}' r='13' fill='{Y_COLOUR}'>"
                f"<title>step {t + 1} emits {_t(lab)}</title></circle>"
                f"<text x='{cx:.1f}' y='{yout - 20}' text-anchor='middle' font-size='12'>{_t(lab)}</text>"
            )
        body.append(f"<text x='{cx:.1f}' y='{H - 12}' text-anchor='middle' font-size='11' fill='#555'>{t + 1}</text>")
    defs = (
        f"<defs><marker id='{uid}a' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='6' markerHeight='6' "
        "orient='auto-start-reverse'><path d='M 0 0 L 10 5 L 0 10 z' fill='#555'/></marker></defs>"
    )
    body.append(
        f"<text x='{left + (W - left - right) / 2}' y='42' text-anchor='middle' font-size='12'>"
        "one column per step of the cell; brown squares use the decoder's own weights</text>"
        if any(decoder)
        else ""
    )
    return _frame([defs, *body], title)


def windows(rows: Sequence[tuple[int, int, Sequence[str]]], *, title: str) -> str:
    """Truncated BPTT: rows of (step, first position, tokens); the carried state and the stopped gradient."""
    uid = _uid(title)
    left, right, top = 110, 30, 50
    T = max((len(r[2]) for r in rows), default=1)
    cw = (W - left - right) / T
    rh = (H - top - 30) / max(len(rows), 1)
    body = []
    for k, (step, start, toks) in enumerate(rows):
        y = top + k * rh
        body.append(
            f"<text x='{left - 12}' y='{y + 18}' text-anchor='end' font-size='12'>step {step}</text>"
            f"<text x='{left - 12}' y='{y + 33}' text-anchor='end' font-size='11' fill='#555'>"
            f"tokens {start + 1}–{start + len(toks)}</text>"
        )
        body.append(
            f"<rect x='{left}' y='{y + 4}' width='{cw * len(toks):.1f}' height='26' fill='#eef3f8' stroke='#999'/>"
        )
        for t, tok in enumerate(toks):
            fits = max(1, int(cw / 7))
            lab = tok if len(tok) <= fits else tok[: max(1, fits - 1)] + "…"
            body.append(
                f"<text x='{left + (t + 0.5) * cw:.1f}' y='{y + 22}' text-anchor='middle' font-size='11' "
                f"font-family='monospace'>{_t(lab)}<title>token {start + t + 1}: {_t(tok)}</title></text>"
            )
        body.append(
            f"<line x1='{left}' x2='{left}' y1='{y}' y2='{y + 50}' stroke='{ALERT}' stroke-width='5'/>"
            f"<line x1='{left + cw * len(toks) - 4:.1f}' x2='{left + 8}' y1='{y + 42}' y2='{y + 42}' "
            f"stroke='{ALERT}' stroke-width='2' marker-end='url(#{uid}r)'/>"
            f"<text x='{left + cw * len(toks) / 2:.1f}' y='{y + 56}' text-anchor='middle' font-size='11' "
            f"fill='{ALERT}'>∂L/∂h back through {len(toks)} steps, stopped at the window's start</text>"
        )
        if k + 1 < len(rows):
            yb, yn = y + rh - 12, y + rh + 17
            xe = left + cw * len(toks)
            body.append(
                f"<polyline points='{xe:.1f},{y + 17} {xe + 14:.1f},{y + 17} {xe + 14:.1f},{yb:.1f} "
                f"{left - 16},{yb:.1f} {left - 16},{yn:.1f} {left - 3},{yn:.1f}' fill='none' "
                f"stroke='{H_COLOUR}' stroke-width='2' marker-end='url(#{uid}b)'/>"
                f"<text x='{left + cw * len(toks) / 2:.1f}' y='{yb - 4:.1f}' text-anchor='middle' "
                f"font-size='11' fill='{H_COLOUR}'>h carried into step {step + 1}</text>"
            )
    defs = (
        "<defs>"
        + "".join(
            f"<marker id='{uid}{name}' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='6' markerHeight='6' "
            f"orient='auto-start-reverse'><path d='M 0 0 L 10 5 L 0 10 z' fill='{c}'/></marker>"
            for name, c in (("r", ALERT), ("b", H_COLOUR))
        )
        + "</defs>"
    )
    return _frame([defs, *body], title)
