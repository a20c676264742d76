"""The Train page's sentences on perplexity and on truncated BPTT, each built from the numbers it states."""

from __future__ import annotations

import math

UNITS = {"chars": ("character", "characters"), "words": ("word", "words")}

TBPTT_CAPTION = (
    "How to read this: each row is one window the trainer back-propagates through, one step of training, cut "
    "from the text in order. Blue arrows: the hidden state at the end of a window is carried into the next one "
    "as its h_0. Red arrows: the gradient ∂L/∂h flows back through the window's steps and stops at the red bar, "
    "the window's start; no gradient reaches an earlier window (truncated BPTT, Williams & Peng, 1990). Hover "
    "a token for its position in the text."
)


def unit(level: str, n: int = 2) -> str:
    """'character' / 'characters' or 'word' / 'words' for n tokens."""
    one, many = UNITS[level]
    return one if n == 1 else many


def heldout_perplexity(ppl: float) -> str:
    return f"On the held-out text it never trains on: {ppl:.1f}."


def perplexity_sentence(ppl: float, level: str, vocab_size: int) -> str:
    """What a perplexity means: as unsure as a uniform choice among round(ppl) tokens, against the vocabulary."""
    if not math.isfinite(ppl):
        return "Perplexity is infinite: the loss is not a finite number (training diverged)."
    n = max(1, round(ppl))
    one = unit(level, 1)
    if n == 1:
        return f"Perplexity exp(mean L_t) = {ppl:.2f}: the model is almost certain of every next {one}."
    head = (
        f"Perplexity exp(mean L_t) = {ppl:.1f}: on average the model is as unsure of the next {one} as a uniform choice among "
        f"{n} {unit(level, n)}"
    )
    if n >= vocab_size:
        return f"{head}, no better than guessing uniformly among all {vocab_size} in its vocabulary."
    return f"{head}, out of the {vocab_size} in its vocabulary."


def tbptt_sentence(window: int, batch: int, n_tokens: int, level: str, passes: int, step: int) -> str:
    """The numbers of the truncated-BPTT picture: window, streams, steps per pass, where h_0 comes from."""
    u = unit(level, window)
    start = (
        "The first window starts from h_0 = 0."
        if step <= 1
        else f"Its first window starts from the hidden state carried over from step {step - 1}."
    )
    return (
        f"Window T = {window} {u}: each step back-propagates through at most {window} steps. {batch} streams read "
        f"the text at once, each from its own place (shown: stream 1); together they read the {n_tokens:,} "
        f"{unit(level, n_tokens)} once every {passes:,} step{'s' if passes != 1 else ''}. {start}"
    )
