"""Truncated BPTT as the trainer (train.py) runs it, laid out for a picture; and perplexity.

The trainer reads B streams of the corpus ids (N,) at once; stream b starts at p_b = floor(b N / B) and every
step reads the next window of T tokens (inputs ids[p + t], targets ids[p + t + 1], t = 0..T-1), wrapping at the
end of the text. The hidden state at the end of a window is the next window's h_0 (carried forward), but the
gradient of a window's loss stops at its first step: no ∂L/∂h reaches an earlier window.

Perplexity is exp of the mean per-token loss: PP = exp(1/N Σ_t L_t), L_t = -log p_t(x_{t+1}). A model that
spreads its probability uniformly over k tokens has PP = k, so PP reads as "as unsure as a uniform choice
among PP tokens". Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def stream_starts(n_tokens: int, batch: int) -> np.ndarray:
    """(B,) where each stream starts reading, as the Trainer places them: floor(b N / B)."""
    return (np.arange(batch, dtype=np.int64) * n_tokens) // batch


@dataclass(frozen=True)
class Window:
    """One truncated-BPTT window of one stream: the tokens it reads, where it starts, the step that reads it."""

    step: int  # 1-based training step
    start: int  # position in the text of its first input token
    tokens: tuple[str, ...]  # (T,) the inputs read (each one's target is the next token)


def windows(
    ids: np.ndarray, names: Sequence[str], window: int, *, start: int = 0, count: int = 3, first_step: int = 1
) -> list[Window]:
    """The next `count` windows of length `window` of the stream at position `start` of the text `ids` (N,),
    wrapping at the end as the trainer does; `names[i]` is how token id i is shown."""
    n = len(ids)
    if window < 1 or n < 2:
        raise ValueError("a window needs at least one step and the text at least two tokens")
    out = []
    for k in range(count):
        p = (start + k * window) % n
        at = (p + np.arange(window)) % n  # (T,) positions read
        out.append(Window(first_step + k, p, tuple(names[int(i)] for i in ids[at])))
    return out


def steps_per_pass(n_tokens: int, window: int, batch: int) -> int:
    """Training steps until the B streams together have read the whole text once."""
    return max(1, math.ceil(n_tokens / (window * batch)))


def perplexity(mean_loss: float) -> float:
    """exp(mean L_t), the mean loss in nats per token; inf when the loss is not finite."""
    return math.exp(mean_loss) if math.isfinite(mean_loss) and mean_loss < 700 else float("inf")
