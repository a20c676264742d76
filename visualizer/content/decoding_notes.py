"""The sentences of the decoding view, each built from the numbers it states (visualizer/labs/sequences/decoding.py).

Words are plain text: the page escapes them for Markdown.
"""

from __future__ import annotations

import math

TEACHER_FORCING = (
    "**Teacher forcing** (training): every step reads the *true* previous word of the reference, so one wrong "
    "word cannot lead the next step astray. **Free running** (inference): every step reads the model's *own* "
    "previous word, as it must when there is no reference. (Teacher forcing: Williams & Zipser, 1989.)"
)
BEAM = (
    "**Greedy** decoding writes the single most probable word at every step. **Beam search** keeps the k most "
    "probable beginnings (the beam) and extends each by every word, scoring a translation by its log-probability "
    "log P(y | x) = Σ_t log p_t(y_t) (Sutskever, Vinyals & Le, 2014, decode with a beam this way)."
)
TREE_CAPTION = (
    "How to read this: one column per word written, one dot per beginning kept in the beam, labelled with its "
    "last word and its log-probability so far (hover for the whole beginning). Lines join a beginning to the one "
    "it extends; the thick orange path is the translation the beam returns; a square marks a beginning that "
    "ended with <end>, carried on unchanged while the others are extended."
)
COMPARISON_CAPTION = (
    "How to read this: top row, the reference translation; middle, what the decoder writes at each step when "
    "it reads the true previous word; bottom, when it reads its own previous word. Green: the reference word; "
    "red: another word; the outlined cell is the first mistake running free, dashed outlines the later words it made "
    "wrong (right when the true word is read). Hover for p(written word)."
)


def pick_note(sentence: str, index: int, wrong: int, total: int, automatic: bool) -> str:
    """Which held-out sentence is shown and why (index is 1-based)."""
    exact = f"Running free, the model translates {total - wrong} of the {total} held-out sentences exactly."
    if not automatic:
        return f"{exact} Shown: held-out sentence {index}, “{sentence}”."
    if wrong == 0:
        return f"{exact} It gets none wrong, so there is no mistake to follow; shown: the first, “{sentence}”."
    return f"{exact} Shown: held-out sentence {index}, “{sentence}”, the first one it gets wrong."


def comparison(
    first: int | None,
    wrote: str,
    wanted: str,
    propagated: int,
    after: int,
    forced_wrong: int,
    total: int,
) -> str:
    """What the two passes did to the sentence: the first free-running mistake and how it propagated.

    Args:
        first: 0-based position of the first free-running mistake (None: none).
        wrote, wanted: the word written there and the reference word.
        propagated: later words wrong running free but right under teacher forcing.
        after: reference words after the first mistake.
        forced_wrong, total: teacher forcing's wrong words and the reference's length (with <end>).
    """
    tf = (
        "Teacher-forced, it writes every word of the reference."
        if forced_wrong == 0
        else f"Teacher-forced, it gets {forced_wrong} of {total} words wrong."
    )
    if first is None:
        return f"{tf} Running free, it writes the reference exactly: there is no mistake to propagate."
    head = f"{tf} Running free, its first mistake is word {first + 1}: “{wrote}” instead of “{wanted}”."
    if propagated == 0:
        return f"{head} It reads that word back in, yet no later word goes wrong because of it."
    return (
        f"{head} From there it reads its own words: {propagated} of the {after} word(s) after it are wrong "
        "running free but right when the true previous word is read, so the first mistake made them."
    )


def beam_result(width: int, beam_words: str, beam_score: float, greedy_words: str, greedy_score: float) -> str:
    """The beam's translation against greedy's, on the model's own log-probability."""
    if width == 1:
        return f"Width 1 keeps only the most probable word at each step: this is greedy decoding, log P = {beam_score:.2f}."
    if beam_words == greedy_words:
        return f"The beam of width {width} returns the same translation as greedy decoding (log P = {beam_score:.2f})."
    ratio = math.exp(beam_score - greedy_score)
    if beam_score > greedy_score:
        return (
            f"The beam of width {width} returns “{beam_words}”, log P = {beam_score:.2f}, above greedy's "
            f"“{greedy_words}” ({greedy_score:.2f}): {ratio:.3g} times as probable under the model."
        )
    return (
        f"The beam of width {width} returns “{beam_words}”, log P = {beam_score:.2f}, below greedy's "
        f"“{greedy_words}” ({greedy_score:.2f}): beam search does not promise a more probable answer."
    )


def pair_fallback(asked: int, total: int) -> str:
    """A link asked for a held-out sentence that does not exist."""
    return (
        f"The link asks for held-out sentence {asked}, but there are {total}: showing the first one the model "
        "gets wrong instead."
    )
