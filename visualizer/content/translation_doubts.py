"""The sentences that say why a translation on the Sequence types page may be wrong, and its fragment accuracy.

Built from the measurements of visualizer.labs.sequences.seqinfer.Doubt (what the typed words and the written
words are, and how sure the network was); pure Python: every sentence here follows from those numbers.
"""

from __future__ import annotations

from visualizer.labs.sequences.seqinfer import CONFIDENT, Doubt

GENDER = {"m": "masculine", "f": "feminine"}
FORMS = {"m": "byl, šel, který, rád", "f": "byla, šla, která, ráda"}


def _pair(a: str, b: str) -> str:
    if not a:
        return f"no training input started with “{b}”"
    if not b:
        return f"no training input ended with “{a}”"
    return f"“{a}” was never followed by “{b}”"


def _genders(gs: tuple[str, ...]) -> str:
    return " and ".join(GENDER[g] for g in gs)


def doubt_notes(d: Doubt) -> list[str]:
    """One sentence per reason to doubt the translation, in the order a reader would check them."""
    notes = []
    if len(d.cue_genders) > 1:
        notes.append(
            "Your input has both a male and a female subject; every example it learned from has one subject, "
            "so it can agree with only one of them."
        )
    if d.gender_guessed:
        notes.append(
            f"Nothing you typed says whether the subject is male or female, yet the translation uses "
            f"{_genders(d.output_genders)} forms: that gender is a guess."
        )
    if d.mixed:
        notes.append("The translation mixes masculine and feminine forms: the agreement this task is about failed.")
    if d.disagrees:
        (want,), (got,) = d.cue_genders, d.output_genders
        notes.append(
            f"The subject you typed is {GENDER[want]}, but the translation uses {GENDER[got]} forms "
            f"({FORMS[got]}): the gender was lost."
        )
    if d.new_pairs:
        pairs = "; ".join(_pair(a, b) for a, b in d.new_pairs)
        notes.append(f"This word order is outside what it was trained on: {pairs}.")
    if d.too_long:
        notes.append(f"Your input is longer than any it was trained on ({d.too_long} words).")
    if d.weak_length:
        lo, hi, acc = d.weak_length
        notes.append(
            f"On held-out sentences of {lo}–{hi} words this network was exactly right only {acc:.0%} of the time."
        )
    if d.unsure:
        words = ", ".join(f"word {k} “{w}” (p = {p:.2f})" for k, w, p in d.unsure)
        notes.append(f"It was unsure of {words}: below {CONFIDENT}, the other words together were at least as likely.")
    return notes


def form_accuracy(acc: float, n: int, form: str) -> str:
    """'92% of 40 held-out fragments (subject phrases with no verb)': the exact-match score on one form."""
    what = "fragments (subject phrases with no verb)" if form == "fragment" else "whole sentences"
    return f"{acc:.0%} of {n} held-out {what}"
