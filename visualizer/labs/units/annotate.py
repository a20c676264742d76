"""Properties of the story's text, per token, re-derived from the text itself (deterministic, any text).

The story generator (tools/make_story.py) knows what each sentence is about; rather than ship its internal
state, the same facts are read back from the text with one left-to-right scan, so they exist for the held-out
story and for a student's own text alike. After reading token t (the value a unit would hold at step t):

    quote      1 inside a quotation ("…"), else 0; a paragraph (newline) closes it
    bracket    the depth of round brackets ( … )
    gender     1 when the person named last in the paragraph is a woman, 0 a man; undefined before any name
    country    the country named last in the paragraph (0..5); undefined before any country
    position   how many words of the current sentence have been read (1 = its first word)
    plural     1 while a plural subject waits for its verb ("The stones that Ana found … are"), 0 for a singular
               one ("The stone … is"), from the noun up to the verb; undefined elsewhere

`gender` and `country` are undefined (masked) until the paragraph names someone or somewhere. Pure Python.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from visualizer.data import encoding

# The story's people and countries (tools/make_story.py: PEOPLE, COUNTRIES; tests/unit/test_units.py checks them).
WOMEN = ("Ana", "Mia", "Sara", "Rosa", "Lea")
MEN = ("Tom", "Leo", "Omar", "Ken", "Hugo")
COUNTRIES = ("Mexico", "the United States of America", "France", "Brazil", "Japan", "Germany")
LANGUAGES = ("Spanish", "English", "French", "Portuguese", "Japanese", "German")
NOUNS = (("book", "books"), ("letter", "letters"), ("stone", "stones"), ("key", "keys"), ("shell", "shells"))

_NUMBER = {one: 0.0 for one, _ in NOUNS} | {many: 1.0 for _, many in NOUNS}
# "The <noun> that <Name> found by the <place> is|are": the agreement sentences of the story.
AGREEMENT = re.compile(r"\bThe (\w+) that (\w+) found by the (\w+) (is|are)\b", re.IGNORECASE)

_NAME = {n.lower(): 1.0 for n in WOMEN} | {n.lower(): 0.0 for n in MEN}
_COUNTRY = re.compile("|".join(rf"\b{re.escape(c)}\b" for c in COUNTRIES), re.IGNORECASE)
_SENTENCE_END = ".?!"


@dataclass(frozen=True)
class Property:
    """One property a unit might track."""

    key: str
    label: str  # how the page names it
    kind: str  # "binary" | "number" | "category": decides the score (see finder)
    classes: tuple[str, ...] = ()  # names of the values of a binary or categorical property


PROPERTIES: dict[str, Property] = {
    p.key: p
    for p in (
        Property("quote", "inside a quotation", "binary", ("outside", "inside")),
        Property("bracket", "inside brackets", "number"),
        Property("gender", "the person is a woman", "binary", ("man", "woman")),
        Property("country", "the country named earlier", "category", COUNTRIES),
        Property("position", "word position in the sentence", "number"),
        Property("plural", "the subject waiting for its verb is plural", "binary", ("singular", "plural")),
    )
}


@dataclass(frozen=True)
class Annotations:
    """Each property's value after every character of a text; NaN where it is undefined."""

    text: str
    values: dict[str, np.ndarray]  # key -> (len(text),)


def annotate_chars(text: str) -> Annotations:
    """Scan `text` once, left to right, and record every property after each character."""
    n = len(text)
    out = {key: np.full(n, np.nan) for key in PROPERTIES}
    # Where a name or country ends, its value starts to hold (from its last character on).
    name_at = {m.end() - 1: _NAME[m.group().lower()] for m in re.finditer(r"\w+", text) if m.group().lower() in _NAME}
    country_at = {m.end() - 1: float(_country_index(m.group())) for m in _COUNTRY.finditer(text)}
    word_start = {m.start() for m in re.finditer(r"\w+", text)}
    quote, depth, gender, country, position = 0.0, 0.0, np.nan, np.nan, 0.0
    for i, ch in enumerate(text):
        if ch == "\n":  # a new paragraph: a new person, nothing open
            quote, depth, gender, country, position = 0.0, 0.0, np.nan, np.nan, 0.0
        elif ch == '"':
            quote = 1.0 - quote
        elif ch == "(":
            depth += 1.0
        elif ch == ")":
            depth = max(depth - 1.0, 0.0)
        if i in word_start:
            position += 1.0
        gender = name_at.get(i, gender)
        country = country_at.get(i, country)
        out["quote"][i], out["bracket"][i], out["gender"][i] = quote, depth, gender
        out["country"][i], out["position"][i] = country, position
        if ch in _SENTENCE_END:  # the next word starts a new sentence
            position = 0.0
    for m in AGREEMENT.finditer(text):  # from the noun's last character up to the verb
        number = _NUMBER.get(m.group(1).lower())
        if number is not None:
            out["plural"][m.end(1) - 1 : m.start(4)] = number
    return Annotations(text=text, values=out)


def _country_index(name: str) -> int:
    return [c.lower() for c in COUNTRIES].index(name.lower())


def token_ends(text: str, level: str) -> list[int]:
    """The index in `text` of each token's last character, for the tokens corpus.corpus_tokens reads.

    `text` must be in NFC, as the tokenizer reads it (annotate_tokens normalises it first)."""
    if level == "chars":
        start = len(text) - len(text.lstrip("\n"))
        return list(range(start, start + len(text.strip("\n"))))
    return [m.end() - 1 for m in encoding._WORD.finditer(text)]


def annotate_tokens(text: str, level: str) -> dict[str, np.ndarray]:
    """Every property after each token of `text` read at `level`: key -> (N,), NaN where undefined."""
    text = unicodedata.normalize("NFC", text)  # the tokenizer's canonical form: 'é' typed two ways is one token
    ends = np.asarray(token_ends(text, level), dtype=np.int64)
    chars = annotate_chars(text)
    return {key: v[ends] if ends.size else np.zeros(0) for key, v in chars.values.items()}
