"""Write the five small sequence-type datasets under assets/seqtasks/ (run once; the files are committed).

``python tools/make_seqtask_data.py``: seeded, so the same command writes the same files. Each file is
tab-separated ``split<TAB>input<TAB>output`` (split: train or test). The outputs are a category (one-to-one),
a phrase (one-to-many), a verdict (many-to-one), one tag per input word (many-to-many) or a Czech sentence
(encoder–decoder, whose verbs and adjectives agree with the gender of the subject read several words earlier).
The encoder–decoder file has a fourth column, ``form``: a whole ``sentence`` or a ``fragment`` such as the
article's "a boy who likes" -> "chlapec který rád"; each form has its own held-out share.
"""

from __future__ import annotations

import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "assets" / "seqtasks"
HEADER = "split\tinput\toutput\n"


def write(name: str, rows: list[tuple[str, ...]]) -> None:
    header = HEADER if len(rows[0]) == 3 else HEADER.replace("\n", "\tform\n")
    (OUT / f"{name}.tsv").write_text(header + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")


def split(items: list[tuple[str, str]], rng: random.Random, test_share: float) -> list[tuple[str, str, str]]:
    items = sorted(set(items))
    rng.shuffle(items)
    n_test = round(len(items) * test_share)
    return [("test" if i < n_test else "train", a, b) for i, (a, b) in enumerate(items)]


# ---------------------------------------------------------------------------- one-to-one: word -> category

CATEGORIES = {
    "person": [
        "anna",
        "tom",
        "maria",
        "peter",
        "eva",
        "john",
        "lucy",
        "david",
        "sarah",
        "paul",
        "emma",
        "jakub",
        "petra",
        "martin",
        "alice",
        "oscar",
        "nina",
        "adam",
    ],
    "place": [
        "paris",
        "london",
        "prague",
        "rome",
        "berlin",
        "vienna",
        "madrid",
        "tokyo",
        "brno",
        "oslo",
        "lisbon",
        "dublin",
        "boston",
        "cairo",
        "lima",
        "warsaw",
    ],
    "animal": [
        "dog",
        "cat",
        "horse",
        "cow",
        "bird",
        "fish",
        "mouse",
        "lion",
        "tiger",
        "sheep",
        "goat",
        "rabbit",
        "fox",
        "wolf",
        "bear",
        "duck",
        "owl",
    ],
    "verb": [
        "run",
        "eat",
        "sleep",
        "read",
        "write",
        "swim",
        "sing",
        "jump",
        "walk",
        "talk",
        "cook",
        "drive",
        "fly",
        "build",
        "draw",
        "climb",
        "think",
    ],
}


def one_to_one() -> list[tuple[str, str, str]]:
    # A lookup table: every word is trained on; there is no held-out word (an unseen word has no vector).
    return [("train", w, c) for c, words in CATEGORIES.items() for w in words]


# ---------------------------------------------------------------------------- one-to-many: start word -> phrase

PHRASES = {
    "dog": "the dog runs after the ball",
    "cat": "the cat runs after the mouse",
    "boy": "the boy runs after the bus",
    "fox": "the fox runs after the rabbit",
    "bird": "the bird sings in the tree",
    "girl": "the girl sings in the choir",
    "baby": "the baby sleeps in the cot",
    "fish": "the fish swims in the lake",
    "duck": "the duck swims in the pond",
    "horse": "the horse eats in the field",
    "cow": "the cow eats in the field",
    "man": "the man reads in the garden",
    "woman": "the woman reads in the library",
    "chef": "the chef cooks in the kitchen",
    "pilot": "the pilot flies over the sea",
    "owl": "the owl flies over the forest",
    "child": "the child plays with the dog",
    "king": "the king sits on the throne",
    "train": "the train stops at the station",
    "ship": "the ship sails across the sea",
}


def one_to_many() -> list[tuple[str, str, str]]:
    return [("train", w, p) for w, p in PHRASES.items()]


# ---------------------------------------------------------------------------- many-to-one: review -> verdict

THINGS = ["film", "movie", "food", "service", "story", "music", "hotel", "acting", "ending", "plot"]
GOOD = ["good", "great", "excellent", "fun", "lovely", "wonderful", "amazing", "brilliant"]
BAD = ["bad", "awful", "boring", "terrible", "poor", "dull", "horrible", "weak"]
INTENSIFIERS = ["", "very", "really", "quite", "so"]


def _clause(rng: random.Random) -> tuple[str, int]:
    thing, positive = rng.choice(THINGS), rng.random() < 0.5
    adj = rng.choice(GOOD if positive else BAD)
    negated = rng.random() < 0.3
    verb = rng.choice(["was", "is"])
    words = ["the", thing, verb] + (["not"] if negated else []) + [w for w in [rng.choice(INTENSIFIERS)] if w] + [adj]
    return " ".join(words), int(positive != negated)


def many_to_one(rng: random.Random) -> list[tuple[str, str, str]]:
    items = []
    while len(items) < 360:
        text, pos = _clause(rng)
        if rng.random() < 0.35:  # "X but Y": the verdict follows the clause after "but"
            text2, pos = _clause(rng)
            text = f"{text} but {text2}"
        items.append((text, "positive" if pos else "negative"))
        items = sorted(set(items))
    return split(items, rng, 0.25)


# ---------------------------------------------------------------------------- many-to-many: a tag per word

PEOPLE = [
    "anna",
    "tom",
    "maria",
    "peter",
    "eva",
    "john",
    "lucy",
    "david",
    "sarah",
    "paul",
    "emma",
    "jakub",
    "jordan",
    "georgia",
    "florence",
]
PLACES = ["paris", "london", "prague", "rome", "berlin", "vienna", "madrid", "brno", "jordan", "georgia", "florence"]
CITIES = [p for p in PLACES if p not in PEOPLE]  # places that are never a name
# P: a person, L: a place (either may be a name that is also a place: jordan, georgia, florence), C: a city that is
# never a name. Every sentence used to start with a person (or "the", "in", "yesterday"), so a tagger that reads left
# to right learned "first word -> person" and tagged "london is big" as person: the C templates put a place first,
# alone, and after words a person also follows.
TEMPLATES = [
    "C",
    "P",
    "C is a big city",
    "C was cold",
    "C and C are far apart",
    "from C P flew to L",
    "P loves C",
    "we went to C",
    "we met P in C",
    "P visited L",
    "P lives in L",
    "P and P went to L",
    "P met P in L",
    "yesterday P flew to L",
    "P came from L with P",
    "the cat sat in the garden",
    "P likes the old town of L",
    "P called P from L",
    "in L P met P",
    "P wrote to P",
    "the train to L was late",
    "P and the dog walked to L",
]


def many_to_many(rng: random.Random) -> list[tuple[str, str, str]]:
    items = []
    while len(items) < 360:
        words, tags = [], []
        for w in rng.choice(TEMPLATES).split():
            if w == "P":
                words.append(rng.choice(PEOPLE)), tags.append("person")
            elif w == "L":
                words.append(rng.choice(PLACES)), tags.append("place")
            elif w == "C":
                words.append(rng.choice(CITIES)), tags.append("place")
            else:
                words.append(w), tags.append("other")
        items.append((" ".join(words), " ".join(tags)))
        items = sorted(set(items))
    return split(items, rng, 0.25)


# ---------------------------------------------------------------------------- encoder–decoder: English -> Czech

# (English, Czech, gender)
SUBJECTS = [
    ("he", "on", "m"),
    ("she", "ona", "f"),
    ("the boy", "chlapec", "m"),
    ("the girl", "dívka", "f"),
    ("a boy", "chlapec", "m"),  # Czech has no articles: "a boy" and "the boy" are both "chlapec"
    ("a girl", "dívka", "f"),
    ("my brother", "můj bratr", "m"),
    ("my sister", "moje sestra", "f"),
    ("the man", "muž", "m"),
    ("the woman", "žena", "f"),
    ("a man", "muž", "m"),
    ("a woman", "žena", "f"),
    ("the king", "král", "m"),
    ("the queen", "královna", "f"),
]
FROM = [("", ""), ("from prague", "z prahy"), ("from brno", "z brna"), ("from london", "z londýna")]
# English, Czech masculine, Czech feminine
CLAUSES = [
    ("", "", ""),
    ("who likes football", "který má rád fotbal", "která má ráda fotbal"),
    ("who likes music", "který má rád hudbu", "která má ráda hudbu"),
    ("who likes dogs", "který má rád psy", "která má ráda psy"),
]
# A fragment may stop right after "who likes", as in the article this app follows: "a boy who likes" -> "chlapec
# který rád", "a girl who likes" -> "dívka která ráda" (the liking is still to come; "rád" waits for its verb).
OPEN_CLAUSE = ("who likes", "který rád", "která ráda")
PREDICATES = [
    ("went home", "šel domů", "šla domů"),
    ("was tired", "byl unavený", "byla unavená"),
    ("was happy", "byl šťastný", "byla šťastná"),
    ("was at home", "byl doma", "byla doma"),
    ("went to school", "šel do školy", "šla do školy"),
    ("slept", "spal", "spala"),
    ("read a book", "četl knihu", "četla knihu"),
    ("came late", "přišel pozdě", "přišla pozdě"),
]
WHEN = [("", ""), ("yesterday", "včera"), ("today", "dnes")]


def _subject_phrase(rng: random.Random, clauses: list[tuple[str, str, str]]) -> tuple[list[str], list[str], str]:
    """A subject with an optional "from …" and an optional relative clause, in English and in agreeing Czech."""
    en_s, cs_s, g = rng.choice(SUBJECTS)
    en_f, cs_f = rng.choice(FROM[1:]) if rng.random() < 0.5 else FROM[0]
    en_c, cs_cm, cs_cf = rng.choice(clauses) if rng.random() < 0.5 else CLAUSES[0]
    return [en_s, en_f, en_c], [cs_s, cs_f, cs_cm if g == "m" else cs_cf], g


def encoder_decoder(rng: random.Random) -> list[tuple[str, str, str, str]]:
    """Whole sentences and fragments (a subject phrase with no predicate), each split train/test on its own, so
    held-out accuracy can be reported for both; the fourth column says which ("sentence" or "fragment")."""
    sentences: list[tuple[str, str]] = []
    while len(sentences) < 400:
        # Each optional part is left out half the time, so input lengths spread from 2 to 11 words.
        en, cs, g = _subject_phrase(rng, CLAUSES[1:])
        en_p, cs_pm, cs_pf = rng.choice(PREDICATES)
        en_w, cs_w = rng.choice(WHEN[1:]) if rng.random() < 0.5 else WHEN[0]
        en, cs = en + [en_p, en_w], cs + [cs_pm if g == "m" else cs_pf, cs_w]
        sentences.append((" ".join(w for w in en if w), " ".join(w for w in cs if w)))
        sentences = sorted(set(sentences))
    fragments: list[tuple[str, str]] = []
    while len(fragments) < 240:  # of 16 x 4 x 5 = 320 possible subject phrases
        en, cs, _ = _subject_phrase(rng, CLAUSES[1:] + [OPEN_CLAUSE, OPEN_CLAUSE, OPEN_CLAUSE])
        fragments.append((" ".join(w for w in en if w), " ".join(w for w in cs if w)))
        fragments = sorted(set(fragments))
    return [(*r, "sentence") for r in split(sentences, rng, 0.25)] + [
        (*r, "fragment") for r in split(fragments, rng, 0.25)
    ]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261125)
    write("one_to_one", one_to_one())
    write("one_to_many", one_to_many())
    write("many_to_one", many_to_one(rng))
    write("many_to_many", many_to_many(rng))
    write("encoder_decoder", encoder_decoder(rng))


if __name__ == "__main__":
    main()
