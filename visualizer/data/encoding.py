"""Turn typed text into the vectors x_t an RNN reads.

Three tokenisers (characters, words, numbers), a vocabulary, one-hot vectors o_w and a dense
embedding e_w = E o_w (seeds 000 and 003: a word is the position of a 1 in a long vector of 0s,
or a short learned vector picked out of E by that one-hot).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

MODES = ("chars", "words", "numbers")
REPRESENTATIONS = ("onehot", "embedding")

MAX_TEXT_CHARS = 5000  # longer pasted text is refused before tokenising
MAX_TOKENS = 300  # the step-by-step views stay readable and fast up to here
UNK = "<unk>"

_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_NUMBER_SPLIT = re.compile(r"[,\s]+")


def _check_text(text: str, max_chars: int | None) -> str:
    if not isinstance(text, str):
        raise ValueError("the sequence must be text")
    if not text.strip():
        raise ValueError("The sequence is empty. Type a few characters, words or numbers.")
    if max_chars is not None and len(text) > max_chars:
        raise ValueError(f"The text has {len(text):,} characters; the limit is {max_chars:,}. Shorten it.")
    # One canonical form, so 'é' typed two ways is one token.
    return unicodedata.normalize("NFC", text)


def tokenize(
    text: str, mode: str = "chars", *, max_tokens: int | None = MAX_TOKENS, max_chars: int | None = MAX_TEXT_CHARS
) -> list[str]:
    """Split text into tokens: the one tokenizer of the app. Raises ValueError with a message fit to show a student.

    chars: every character (spaces and inner newlines included); words: runs of letters/digits and single
    punctuation marks; numbers: values separated by commas and/or spaces, each checked to be a finite number.
    The bounds suit typed text; a training corpus passes max_tokens=None, max_chars=None (no bound).
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    text = _check_text(text, max_chars)
    if mode == "chars":
        tokens = list(text.strip("\n"))
    elif mode == "words":
        tokens = _WORD.findall(text)
    else:
        tokens = [p for p in _NUMBER_SPLIT.split(text.strip()) if p]
        for i, tok in enumerate(tokens, start=1):
            parse_number(tok, i)
    if not tokens:
        raise ValueError("No tokens found: the text holds only spaces or separators.")
    if max_tokens is not None and len(tokens) > max_tokens:
        raise ValueError(f"The sequence has {len(tokens):,} tokens; the limit is {max_tokens:,}. Shorten it.")
    return tokens


def parse_number(tok: str, position: int) -> float:
    """A finite float from a token, or a ValueError naming the token and its 1-based position."""
    try:
        value = float(tok)
    except ValueError:
        raise ValueError(
            f"Token {position} ({tok!r}) is not a number. In number mode separate values by commas or spaces."
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"Token {position} ({tok!r}) is not a finite number.")
    return value


# ---------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Vocab:
    """Tokens in first-seen order; index[tok] is the position of tok's 1 in its one-hot vector."""

    tokens: tuple[str, ...]

    @classmethod
    def build(cls, tokens, *, add_unk: bool = False) -> Vocab:
        seen = dict.fromkeys(tokens)
        if add_unk and UNK not in seen:
            seen[UNK] = None
        return cls(tuple(seen))

    @property
    def index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, tokens, *, unknown: str = "error") -> np.ndarray:
        """Token ids, (T,). unknown='error' raises naming the tokens; 'unk' maps them to <unk>."""
        idx = self.index
        missing = [t for t in tokens if t not in idx]
        if missing:
            if unknown == "unk" and UNK in idx:
                return np.array([idx.get(t, idx[UNK]) for t in tokens], dtype=np.int64)
            shown = ", ".join(repr(t) for t in dict.fromkeys(missing))
            raise ValueError(f"Unknown token(s) not in the vocabulary: {shown}")
        return np.array([idx[t] for t in tokens], dtype=np.int64)

    def decode(self, ids) -> list[str]:
        return [self.tokens[int(i)] for i in ids]


# ---------------------------------------------------------------------------- vectors


def one_hot(ids, size: int, dtype: DTypeLike = np.float64) -> np.ndarray:
    """Ids of any shape (...) -> (..., size): rows o_w with a single 1 ((T,) -> (T, size); one id -> (size,))."""
    ids = np.asarray(ids, dtype=np.int64)
    out = np.zeros((*ids.shape, size), dtype)
    # Fancy indexing, not np.put_along_axis: the same ones (out-of-range ids raise IndexError too) at a fraction of
    # the cost for the one-token calls of sampling (~20 µs of Python per call there).
    out.reshape(-1, size)[np.arange(ids.size), ids.reshape(-1)] = 1.0
    return out


def embedding_matrix(vocab_size: int, dim: int, *, seed: int = 0) -> np.ndarray:
    """E, (dim, V): column w is the dense vector of token w. Seeded, so reruns agree."""
    rng = np.random.default_rng(seed + 7919)  # offset: not the same stream as the RNN weights
    return rng.standard_normal((dim, vocab_size)) / np.sqrt(dim)


def embed(ids: np.ndarray, E: np.ndarray) -> np.ndarray:
    """e_w = E o_w for each id: (T,) -> (T, dim). Same as one_hot(ids) @ E.T, without the zeros."""
    return E[:, np.asarray(ids, dtype=np.int64)].T.copy()


@dataclass(frozen=True)
class ValueScale:
    """Numbers as values: z = (v − mean) / std, so any range of numbers lands near [-2, 2] (std 1 if constant)."""

    mean: float
    std: float

    @classmethod
    def fit(cls, values) -> ValueScale:
        v = np.asarray(values, dtype=float)
        std = float(np.std(v))
        return cls(float(np.mean(v)), std if std > 0 else 1.0)

    def scale(self, values) -> np.ndarray:
        return (np.asarray(values, dtype=float) - self.mean) / self.std

    def unscale(self, z) -> np.ndarray:
        return np.asarray(z, dtype=float) * self.std + self.mean


@dataclass(frozen=True)
class Encoded:
    """A tokenised sequence ready for the RNN."""

    tokens: tuple[str, ...]
    vocab: Vocab
    ids: np.ndarray  # (T,)
    X: np.ndarray  # (T, D)
    mode: str
    representation: str
    E: np.ndarray | None = None  # (dim, V) when representation == "embedding"
    values: ValueScale | None = None  # numbers read as values: X is (T, 1), the scaled value

    @property
    def regression(self) -> bool:
        """True when the numbers are values and the task is to predict the next value (squared error)."""
        return self.values is not None

    @property
    def raw_values(self) -> np.ndarray | None:
        """(T,) the numbers as typed, in regression mode."""
        return None if self.values is None else self.values.unscale(self.X[:, 0])


def encode_text(
    text: str,
    mode: str = "chars",
    representation: str = "onehot",
    *,
    embed_dim: int = 8,
    seed: int = 0,
    vocab: Vocab | None = None,
    max_tokens: int = MAX_TOKENS,
) -> Encoded:
    """Tokenise, build (or reuse) a vocabulary and produce X.

    In numbers mode a one-hot input has one slot per distinct value (numbers as categories); the
    'embedding' choice there reads each number as a value: x_t is the scaled value, one input unit,
    and the task is regression (predict the next value).
    """
    if representation not in REPRESENTATIONS:
        raise ValueError(f"unknown representation {representation!r}")
    tokens = tokenize(text, mode, max_tokens=max_tokens)
    if mode == "numbers":
        tokens = [_canonical_number(t) for t in tokens]
    vocab = vocab or Vocab.build(tokens)
    ids = vocab.encode(tokens)
    E, scale = None, None
    if representation == "onehot":
        X = one_hot(ids, len(vocab))
    elif mode == "numbers":
        raw = [float(t) for t in tokens]
        scale = ValueScale.fit(raw)
        X = scale.scale(raw)[:, None]  # (T, 1)
    else:
        E = embedding_matrix(len(vocab), embed_dim, seed=seed)
        X = embed(ids, E)
    return Encoded(tuple(tokens), vocab, ids, X, mode, representation, E, scale)


def _canonical_number(tok: str) -> str:
    """'1.0', '1' and '+1' are the same value, hence the same token."""
    v = float(tok)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def encode_pair(
    text: str, other: str, mode: str = "chars", representation: str = "onehot", *, embed_dim: int = 8, seed: int = 0
) -> tuple[Encoded, Encoded]:
    """Two sequences over one vocabulary that covers both (so one network can read either).

    Raises ValueError naming the sequence at fault ("Second sequence: ...").
    """
    try:
        enc_b = encode_text(other, mode, representation, embed_dim=embed_dim, seed=seed)
    except ValueError as err:
        raise ValueError(f"Second sequence: {err}") from None
    enc_a = encode_text(text, mode, representation, embed_dim=embed_dim, seed=seed)
    vocab = Vocab.build(enc_a.tokens + enc_b.tokens)
    return (
        encode_text(text, mode, representation, embed_dim=embed_dim, seed=seed, vocab=vocab),
        encode_text(other, mode, representation, embed_dim=embed_dim, seed=seed, vocab=vocab),
    )
