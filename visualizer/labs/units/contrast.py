"""The contrast prompts the units page switches units off on: the shipped pairs (the language after "speaks", which
needs the country named earlier) and is/are pairs re-derived from the held-out story's agreement sentences.

An agreement sentence "The shell that Ana found by the park is old." gives the pair
("The shell that Ana found by the park", "is") / ("The shells that Ana found by the park", "are"): both prompts end
with the same clause, so only a memory of the noun's number decides the verb. Pure Python.
"""

from __future__ import annotations

from visualizer.data import pretrained
from visualizer.labs.memory_proof import memory, proof
from visualizer.labs.units import annotate

SETS = ("language", "agreement")
LABELS = {"language": "the language after “speaks”", "agreement": "is / are after a clause"}


def agreement_pairs(text: str) -> list[memory.ContrastPair]:
    """One is/are pair per agreement sentence of `text` (its own noun in both numbers), in text order."""
    singular = {one: one for one, _ in annotate.NOUNS} | {many: one for one, many in annotate.NOUNS}
    plural = {one: many for one, many in annotate.NOUNS} | {many: many for _, many in annotate.NOUNS}
    pairs = []
    for m in annotate.AGREEMENT.finditer(text):
        noun, name, place, _ = m.groups()
        key = noun.lower()
        if key not in singular:
            continue
        tail = f" that {name} found by the {place}"
        pairs.append(memory.ContrastPair(f"The {singular[key]}{tail}", "is", f"The {plural[key]}{tail}", "are"))
    return pairs


def pairs(which: str) -> list[memory.ContrastPair]:
    """The contrast set `which` (one of SETS)."""
    if which == "agreement":
        return agreement_pairs(pretrained.heldout_text())
    if which == "language":
        return proof.pairs()
    raise ValueError(f"unknown contrast set {which!r}; choose one of {', '.join(SETS)}")
