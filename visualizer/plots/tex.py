"""LaTeX building blocks for the equations: the two notations, escaped text, numbers, and matrices that
stay readable at any size. Pure: no Streamlit.

Matrices larger than the display limit are shown as a readable slice (first rows and columns, an
ellipsis, the last one), always keeping the entry that matters (the 1 of a one-hot x_t).
User tokens only ever enter LaTeX through `tex_text`, which escapes every character KaTeX reads as markup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_SHOWN = 5  # rows / columns of a matrix shown before slicing: first three, ⋮, last (a one-hot keeps its 1)


# ---------------------------------------------------------------------------- notation


@dataclass(frozen=True)
class Notation:
    """Symbol names for one notation: the d2l / Karpathy 'h' or the 'a' notation many courses use."""

    key: str
    h: str  # letter of the hidden state
    W_hh: str
    W_xh: str
    W_hy: str
    b_h: str
    W_stack: str  # [W_hh | W_xh]
    f: str  # the activation as an unnamed function

    def at(self, base: str, t: int | str) -> str:
        """base at time t: h_{3} or a^{<3>}."""
        if self.key == "h":
            return f"{base}_{{{t}}}"
        return f"{base}^{{\\langle {t} \\rangle}}"

    def yhat(self, t: int | str) -> str:
        return self.at("\\hat{y}", t)


NOTATIONS: dict[str, Notation] = {
    "h": Notation("h", "h", "W_{hh}", "W_{xh}", "W_{hy}", "b_h", "W_h", "f"),
    "a": Notation("a", "a", "W_{aa}", "W_{ax}", "W_{ya}", "b_a", "W_a", "g"),
}

ACT_TEX = {"tanh": "\\tanh", "sigmoid": "\\sigma", "relu": "\\mathrm{ReLU}", "linear": "\\mathrm{id}"}


# ---------------------------------------------------------------------------- text and numbers

_TEX_ESCAPES = {
    "\\": "\\textbackslash{}",
    "{": "\\{",
    "}": "\\}",
    "$": "\\$",
    "&": "\\&",
    "#": "\\#",
    "%": "\\%",
    "_": "\\_",
    "^": "\\textasciicircum{}",
    "~": "\\textasciitilde{}",
    "<": "\\textless{}",
    ">": "\\textgreater{}",
    " ": "␣",
    "\n": "↵",
    "\t": "⇥",
    "\r": "",
}


def tex_text(s: str, max_len: int = 16) -> str:
    """User text as a KaTeX \\text{...}: every special character escaped, long tokens shortened."""
    s = str(s)
    if len(s) > max_len:
        s = s[: max_len - 1] + "…"
    return "\\text{" + "".join(_TEX_ESCAPES.get(c, c) for c in s) + "}"


def num(x: float, digits: int = 2) -> str:
    """A number for display: fixed point, scientific from 10^4 up (exploding states), NaN/∞ named."""
    x = float(x)
    if math.isnan(x):
        return "\\text{NaN}"
    if math.isinf(x):
        return "\\infty" if x > 0 else "-\\infty"
    if abs(x) >= 1e4:
        mant, exp = f"{x:.{digits}e}".split("e")
        return f"{mant}\\!\\times\\!10^{{{int(exp)}}}"
    out = f"{x:.{digits}f}"
    return "0" if float(out) == 0 else out  # no '-0.00'


def prob(x: float, digits: int = 3) -> str:
    """A probability (or an error ŷ − y) for display: fixed point, but a tiny non-zero value in scientific
    notation (2.1×10⁻⁵), never "0": a row of rounded-away entries would read as a vector summing to 0."""
    x = float(x)
    if x == 0 or not math.isfinite(x) or abs(x) >= 0.5 * 10.0**-digits:
        return num(x, digits)
    mant, exp = f"{x:.1e}".split("e")
    return f"{mant}\\!\\times\\!10^{{{int(exp)}}}"


def vector_rows(v: np.ndarray, *, keep: int | None = None) -> list[int | None]:
    """Rows of a probability vector to show: `pick`'s slice, always with the largest entry (or `keep`)."""
    v = np.asarray(v, dtype=float)
    if keep is None and v.size and np.all(np.isfinite(v)):
        keep = int(np.argmax(v))
    return pick(len(v), keep=keep)


def hidden_mass(p: np.ndarray, rows: list[int | None]) -> str:
    """LaTeX naming what the elided entries of a probability vector add up to ('' when none is elided)."""
    p = np.asarray(p, dtype=float)
    shown = [i for i in rows if i is not None]
    rest = len(p) - len(shown)
    if rest <= 0 or not np.all(np.isfinite(p)):
        return ""
    mass = max(0.0, 1.0 - float(np.sum(p[shown])))
    return f"\\text{{the {rest} entries of }}\\hat{{y}}\\text{{ not shown (}}\\vdots\\text{{) sum to }}{prob(mass)}"


def pick(n: int, k: int = MAX_SHOWN, keep: int | None = None) -> list[int | None]:
    """Indices to show out of n, at most k entries, None marking an ellipsis.

    The last index is always shown; `keep` (e.g. the hot index of a one-hot) is shown too.
    """
    if n <= k:
        return list(range(n))
    default = list(range(k - 2)) + [None, n - 1]
    if keep is None or keep < k - 2 or keep == n - 1:
        return default
    head = list(range(k - 4))
    tail = [None, n - 1] if keep < n - 2 else [n - 1]
    return head + [None, keep] + tail


# ---------------------------------------------------------------------------- matrices


def _cell(M: np.ndarray, i: int | None, j: int | None, digits: int, tiny: bool = False) -> str:
    if i is None and j is None:
        return "\\ddots"
    if i is None:
        return "\\vdots"
    if j is None:
        return "\\cdots"
    return prob(M[i, j], digits) if tiny else num(M[i, j], digits)


def matrix(
    M: np.ndarray,
    *,
    rows: list[int | None] | None = None,
    cols: list[int | None] | None = None,
    split: int | None = None,
    row_split: int | None = None,
    digits: int = 2,
    tiny: bool = False,
) -> str:
    """A bracketed LaTeX matrix; a 1-D array is a column vector.

    Args:
        rows, cols: indices to show (None = ellipsis); by default `pick` of each size.
        split: draw a vertical bar before this position in `cols` (the [W_hh | W_xh] seam).
        row_split: draw a horizontal rule before this position in `rows` ([h_{t-1}; x_t]).
        tiny: write tiny non-zero entries in scientific notation (`prob`), not as 0.
    """
    M = np.asarray(M, dtype=float)
    if M.ndim == 1:
        M = M[:, None]
    rows = pick(M.shape[0]) if rows is None else rows
    cols = pick(M.shape[1]) if cols is None else cols
    spec = "".join(("|c" if split is not None and j == split and j > 0 else "c") for j in range(len(cols)))
    lines = []
    for r, i in enumerate(rows):
        line = " & ".join(_cell(M, i, j, digits, tiny) for j in cols)
        lines.append(("\\hline " if row_split is not None and r == row_split and r > 0 else "") + line)
    return "\\left[\\begin{array}{" + spec + "}" + " \\\\ ".join(lines) + "\\end{array}\\right]"


def stacked_columns(H: int, D: int, k: int = 5, keep_x: int | None = None) -> tuple[list[int | None], int]:
    """Columns of [W_hh | W_xh] to show (each block sliced on its own) and the seam's position."""
    left = pick(H, k)
    right = [None if j is None else H + j for j in pick(D, k, keep=keep_x)]
    return left + right, len(left)
