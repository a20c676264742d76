"""Write the built-in training story, its held-out part and the held-out contrast pairs.

``python -m tools.make_story`` rewrites ``assets/corpus.txt``, ``assets/corpus_heldout.txt`` and
``assets/contrast_pairs.tsv`` from the sentence patterns below (seeded, so the files are reproducible).

The story is built so that memory is necessary: the word after "speaks" (the language) is decided by the
country named several words earlier, a closing bracket or quote by the opening one, "is"/"are" by a noun
before a clause, and "He"/"She" by the person's name. The last word alone (a bigram model) cannot tell.
The held-out paragraphs are combinations of person, place and pattern that never occur in the training part.
"""

from __future__ import annotations

import random
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[1] / "assets"

COUNTRIES = {
    "Mexico": "Spanish",
    "the United States of America": "English",
    "France": "French",
    "Brazil": "Portuguese",
    "Japan": "Japanese",
    "Germany": "German",
}
PEOPLE = {
    "Ana": "f",
    "Tom": "m",
    "Mia": "f",
    "Leo": "m",
    "Sara": "f",
    "Omar": "m",
    "Rosa": "f",
    "Ken": "m",
    "Lea": "f",
    "Hugo": "m",
}
THINGS = ("town", "family", "school", "garden", "grandmother", "friends")
FAMILY = ("mother", "father", "sister", "brother", "friends", "children")
PLACES = ("sea", "river", "market", "park")
TIMES = ("morning", "evening", "summer", "winter")
ACTIVITIES = (
    "walks to the {place}",
    "reads a book by the {place}",
    "cooks dinner for {s} {family}",
    "plays music with {s} {family}",
    "writes a letter to {s} {family}",
)
NOUNS = (("book", "books"), ("letter", "letters"), ("stone", "stones"), ("key", "keys"), ("shell", "shells"))
ADJECTIVES = ("old", "small", "blue", "heavy", "beautiful")

# One paragraph per person. {L} is the word that needs memory; everything between {C} and {L} is
# shared by people from every country, so the words just before {L} say nothing about it.
PATTERNS = (
    "{N} grew up in {C}. {P} is proud of {s} {thing}. At home {p} speaks {L}.",
    "{N} was born in {C}, and {p} still speaks {L} with {s} {family}.",
    "When {N} was small, {p} lived in {C}. {P} {activity}. Now {p} teaches {L} at a school by the {place}.",
    '{N} said: " I grew up in {C}, so I speak {L}. "',
    "{N} (who grew up in {C}) writes letters in {L}.",
    "{N} grew up in {C}. Every {time} {p} {activity}, and {p} sings songs in {L}.",
    "Where did {N} grow up? {P} grew up in {C}, and {p} speaks {L}.",
)
# Prefixes of these patterns end with the same words for every country: the contrast prompts.
CONTRAST_PATTERNS = (0, 1, 2, 5, 6)
AGREEMENT = (
    "The {one} that {N} found by the {place} is {adj}.",
    "The {many} that {N} found by the {place} are {adj}.",
)
HEADER = (
    "A story about people, where they grew up and what they speak. "
    "Read it one word at a time and you must remember where each person grew up."
)


def _fill(pattern: str, rng: random.Random, name: str, country: str) -> tuple[str, dict[str, str]]:
    male = PEOPLE[name] == "m"
    slots = {
        "N": name,
        "C": country,
        "L": COUNTRIES[country],
        "P": "He" if male else "She",
        "p": "he" if male else "she",
        "s": "his" if male else "her",
        "thing": rng.choice(THINGS),
        "family": rng.choice(FAMILY),
        "place": rng.choice(PLACES),
        "time": rng.choice(TIMES),
    }
    slots["activity"] = rng.choice(ACTIVITIES).format(**slots)
    return pattern.format(**slots), slots


def _agreement(rng: random.Random) -> str:
    one, many = rng.choice(NOUNS)
    pattern = rng.choice(AGREEMENT)
    return pattern.format(
        one=one, many=many, N=rng.choice(list(PEOPLE)), place=rng.choice(PLACES), adj=rng.choice(ADJECTIVES)
    )


def _paragraphs(combos, rng: random.Random) -> list[str]:
    out = []
    for k, (name, country, pattern) in enumerate(combos):
        text, _ = _fill(PATTERNS[pattern], rng, name, country)
        if k % 3 == 2:
            text += " " + _agreement(rng)
        out.append(text)
    return out


def build(seed: int = 12) -> tuple[str, str, list[tuple[str, str, str, str]]]:
    """(training text, held-out text, contrast pairs (prompt_a, answer_a, prompt_b, answer_b))."""
    rng = random.Random(seed)
    combos = [(n, c, p) for n in PEOPLE for c in COUNTRIES for p in range(len(PATTERNS))]
    rng.shuffle(combos)
    n_held = len(combos) // 6
    held, train = combos[:n_held], combos[n_held:]
    again = train[:]
    rng.shuffle(again)  # every training person twice, with other details: more text, the same people
    train_text = HEADER + "\n\n" + "\n".join(_paragraphs(train + again, rng)) + "\n"
    held_text = "\n".join(_paragraphs(held, rng)) + "\n"
    pairs = []
    countries = list(COUNTRIES)
    for name, country, pattern in held:
        if pattern not in CONTRAST_PATTERNS or len(pairs) >= 40:
            continue
        other = rng.choice([c for c in countries if c != country])
        _, slots = _fill(PATTERNS[pattern], rng, name, country)
        cut = PATTERNS[pattern].index("{L}")
        prefix = PATTERNS[pattern][:cut].rstrip()
        keep = {k: v for k, v in slots.items() if k not in ("C", "L")}
        prompt_a = prefix.format(C=country, L="", **keep)
        prompt_b = prefix.format(C=other, L="", **keep)
        pairs.append((prompt_a, COUNTRIES[country], prompt_b, COUNTRIES[other]))
    return train_text, held_text, pairs


def main() -> None:
    train_text, held_text, pairs = build()
    (ASSETS / "corpus.txt").write_text(train_text, encoding="utf-8")
    (ASSETS / "corpus_heldout.txt").write_text(held_text, encoding="utf-8")
    lines = ["prompt_a\tanswer_a\tprompt_b\tanswer_b"] + ["\t".join(p) for p in pairs]
    (ASSETS / "contrast_pairs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
