"""Plain-text labels in the chosen notation: h/W_hh (d2l, Karpathy) or a/W_aa (the notation many courses use).

Figures, captions and download headers are written once in the h-notation; `translate` rewrites
our own text (never user tokens) into the a-notation:

    h_t → a⟨t⟩    h_(t-1) → a⟨t-1⟩    h_3 → a⟨3⟩    x_t → x⟨t⟩    ŷ_t → ŷ⟨t⟩    c_t → c⟨t⟩
    W_hh → W_aa   W_xh → W_ax   W_hy → W_ya   W_h → W_a   b_h → b_a   h[j] → a[j]   dL/dh → dL/da

LaTeX lives in equations.py (`NOTATIONS`); this module is for Plotly labels and Streamlit text.
"""

from __future__ import annotations

import re
from functools import lru_cache

NOTATION_KEYS = ("h", "a")
NOTATION_LABELS = {"h": "h, W_hh (as in d2l and Karpathy)", "a": "a, W_aa (the notation used in many courses)"}

_WORDS = (
    (re.compile(r"\bW_hh\b"), "W_aa"),
    (re.compile(r"\bW_xh\b"), "W_ax"),
    (re.compile(r"\bW_hy\b"), "W_ya"),
    (re.compile(r"\bW_h\b"), "W_a"),
    (re.compile(r"\bb_h\b"), "b_a"),
    (re.compile(r"dL/dh\b"), "dL/da"),
    (re.compile(r"∂L/∂h\b"), "∂L/∂a"),
    (re.compile(r"h₀"), "a⟨0⟩"),
    (re.compile(r"\bh\["), "a["),
    (re.compile(r"‖h‖"), "‖a‖"),
    (re.compile(r"\bh value\b"), "a value"),
)
# letter_subscript, the subscript being t, t±1, a number, a (parenthesised) or {braced} expression
_SUB = re.compile(r"(?<!\w)(ŷ|[hxcy])_(\(([^()]*)\)|\{([^{}]*)\}|%\{[^{}]*\}|[tTs](?:[+-]\d+)?\b|\d+\b)")


def _sub(m: re.Match) -> str:
    letter = "a" if m.group(1) == "h" else m.group(1)
    inner = m.group(3) if m.group(3) is not None else m.group(4) if m.group(4) is not None else m.group(2)
    return f"{letter}⟨{inner}⟩"


@lru_cache(maxsize=4096)
def translate(text: str, notation: str = "h") -> str:
    """Our own h-notation text in the chosen notation (identity for 'h'). Never pass user text."""
    if notation == "h":
        return text
    for pattern, repl in _WORDS:
        text = pattern.sub(repl, text)
    return _SUB.sub(_sub, text)


def at(base: str, t: int | str, notation: str = "h") -> str:
    """A state at time t as plain text: h_3 / h_(t-1), or a⟨3⟩ / a⟨t-1⟩."""
    if notation == "a":
        return f"{'a' if base == 'h' else base}⟨{t}⟩"
    t = str(t)
    return f"{base}_{t}" if len(t) == 1 or t.isdigit() else f"{base}_({t})"
