"""The training text: reading it safely, the one tokenizer at character or word level, and the corpus as ids.

Pure Python and NumPy, no Streamlit.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np

from visualizer import ASSETS
from visualizer.data import encoding
from visualizer.data.encoding import UNK, Vocab

LEVELS = ("chars", "words")
DEFAULT_CORPUS_PATH = ASSETS / "corpus.txt"

MAX_CORPUS_BYTES = 200_000  # pasted or uploaded text larger than this is refused
MAX_CHAR_VOCAB = 300  # more distinct characters than this is not prose
MAX_WORD_VOCAB = 2000  # rarer words share the <unk> token

# ---------------------------------------------------------------------------- corpus


def default_corpus() -> str:
    """The embedded corpus written for this project (assets/corpus.txt)."""
    return DEFAULT_CORPUS_PATH.read_text(encoding="utf-8")


def read_corpus(data: str | bytes, *, max_bytes: int = MAX_CORPUS_BYTES) -> str:
    """Pasted text or an uploaded file's bytes -> clean text; ValueError with a reason otherwise.

    Refuses empty input, input over max_bytes, bytes that are not UTF-8 and binary data
    (NUL bytes or many control characters). Line ends become '\\n'; text is NFC-normalised.
    """
    if isinstance(data, (bytes, bytearray)):
        size = len(data)
        if size > max_bytes:
            raise ValueError(
                f"The file is {size / 1000:,.1f} KB; the limit is {max_bytes / 1000:,.0f} KB. Use a shorter text."
            )
        if b"\x00" in data:
            raise ValueError("The file looks binary (it contains NUL bytes). Upload a plain-text .txt file.")
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ValueError(
                f"The file is not UTF-8 text (undecodable byte at position {err.start}). Save it as UTF-8 plain text."
            ) from None
    elif isinstance(data, str):
        text = data
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise ValueError(
                f"The text is {size / 1000:,.1f} KB; the limit is {max_bytes / 1000:,.0f} KB. Use a shorter text."
            )
    else:
        raise ValueError("The corpus must be text or the bytes of a .txt file.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValueError("The text is empty. Paste or upload a few paragraphs.")
    control = [c for c in text if unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t"]
    if len(control) > max(2, len(text) // 100):
        raise ValueError("The text looks like binary data (many control characters). Use plain prose.")
    if control:
        text = "".join(c for c in text if c not in set(control))
    return unicodedata.normalize("NFC", text)


def tokenize(text: str, level: str) -> list[str]:
    """Characters (spaces and inner newlines included) or words and punctuation marks: encoding.tokenize, unbounded."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    return encoding.tokenize(text, level, max_tokens=10**9, max_chars=10**9)


def join_tokens(tokens, level: str) -> str:
    """Inverse of tokenize: characters concatenate; words get spaces, none before punctuation."""
    if level == "chars":
        return "".join(tokens)
    out = ""
    for tok in tokens:
        glue = "" if not out or tok in ".,;:!?)]}'\"" or out[-1] in "([{" else " "
        out += glue + tok
    return out


@dataclass(frozen=True)
class Corpus:
    """A text as one sequence of token ids over a vocabulary."""

    text: str
    level: str
    vocab: Vocab
    ids: np.ndarray  # (N,)
    unknown: int = 0  # tokens mapped to <unk> (or skipped, for a model's fixed vocabulary)

    def __len__(self) -> int:
        return int(self.ids.size)


def build_corpus(text: str, level: str, *, vocab: Vocab | None = None) -> Corpus:
    """Tokenise text and encode it. Without a vocab, one is built (rare words -> <unk>).

    With a given vocab (a loaded model's), unknown tokens become <unk> if it has one, else are skipped.
    """
    tokens = tokenize(text, level)
    if not tokens:
        raise ValueError("The text has no tokens.")
    unknown = 0
    if vocab is None:
        if level == "chars":
            vocab = Vocab.build(tokens)
            if len(vocab) > MAX_CHAR_VOCAB:
                raise ValueError(
                    f"The text has {len(vocab)} distinct characters; the limit is {MAX_CHAR_VOCAB}. Use plain prose."
                )
        else:
            counts = Counter(tokens)
            if len(counts) > MAX_WORD_VOCAB:
                keep = {w for w, _ in counts.most_common(MAX_WORD_VOCAB - 1)}
                unknown = sum(n for w, n in counts.items() if w not in keep)
                tokens = [t if t in keep else UNK for t in tokens]
            vocab = Vocab.build(tokens)
    else:
        if folds_case(vocab, level):
            tokens = [t.lower() for t in tokens]
        idx = vocab.index
        missing = sum(1 for t in tokens if t not in idx)
        if missing:
            unknown = missing
            tokens = [t if t in idx else UNK for t in tokens] if UNK in idx else [t for t in tokens if t in idx]
    ids = vocab.encode(tokens)
    return Corpus(text=text, level=level, vocab=vocab, ids=ids, unknown=unknown)


def folds_case(vocab: Vocab, level: str) -> bool:
    """True for a word vocabulary without capital letters: text read by it is lower-cased first."""
    return level == "words" and not any(t != t.lower() for t in vocab.tokens)
