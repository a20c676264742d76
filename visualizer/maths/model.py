"""What training produces, and what can be done with it: the TrainedModel, next-token probabilities,
sampling p = softmax(z / temperature) one token at a time, and safe .npz save/load.

Pure NumPy, no Streamlit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from visualizer.nn import cells
from visualizer.data import encoding
from visualizer.nn import rnn
from visualizer.data import safe_npz
from visualizer.data.corpus import LEVELS, MAX_CHAR_VOCAB, MAX_WORD_VOCAB, folds_case, join_tokens, corpus_tokens
from visualizer.data.encoding import Vocab

MAX_HIDDEN = 512
MAX_MODEL_BYTES = 20_000_000  # uncompressed size of an uploaded .npz
MODEL_FORMAT = "rnn-visualizer-model/1"

# ---------------------------------------------------------------------------- model


@dataclass(frozen=True)
class TrainedModel:
    """What training produces: a cell's parameters over a vocabulary, at a token level."""

    cell: str
    level: str
    vocab: Vocab
    params: Any  # the cell's params dataclass

    @property
    def hidden_size(self) -> int:
        return _hidden_size(self.params)

    def as_float64(self) -> TrainedModel:
        """The same model in float64: the form the other pages read (exact maths, finite-difference checks)."""
        p64 = type(self.params)(**{k: v.astype(np.float64) for k, v in self.params.as_dict().items()})
        return TrainedModel(self.cell, self.level, self.vocab, p64)


def _hidden_size(params) -> int:
    return (
        int(params.hidden_size)
        if hasattr(params, "hidden_size")
        else int(next(iter(params.as_dict().values())).shape[0])
    )


def _expected_shapes(cell: str, V: int, H: int) -> dict[str, tuple[int, ...]]:
    spec = cells.CELLS[cell]
    return {k: v.shape for k, v in spec.init(V, H, V, seed=0).as_dict().items()}


# ---------------------------------------------------------------------------- inference


def prompt_tokens(model: TrainedModel, prompt: str) -> list[str]:
    """The prompt's tokens as the model reads them (lower-cased for a lower-case word vocabulary)."""
    tokens = corpus_tokens(prompt, model.level) if prompt else []
    return [t.lower() for t in tokens] if folds_case(model.vocab, model.level) else tokens


def encode_prompt(model: TrainedModel, prompt: str) -> np.ndarray:
    """Prompt -> ids (P,); tokens the model never saw become <unk> when it has one, else ValueError naming them."""
    return model.vocab.encode(prompt_tokens(model, prompt), unknown="unk")


def _run(model: TrainedModel, ids, state=None):
    spec = cells.CELLS[model.cell]
    dtype = next(iter(model.params.as_dict().values())).dtype
    X = encoding.one_hot(ids, len(model.vocab), dtype)  # (P, V)
    return spec.forward(model.params, X, state, fused_input=True)


def next_token_probs(model: TrainedModel, prompt: str) -> np.ndarray:
    """P(next token | prompt), (V,) in float64. An empty prompt gives the uniform distribution."""
    ids = encode_prompt(model, prompt)
    if ids.size == 0:
        return np.full(len(model.vocab), 1.0 / len(model.vocab))
    p = np.asarray(_run(model, ids).probs[-1], dtype=np.float64)
    return p / p.sum()


def continuation_probability(model: TrainedModel, prompt_ids, next_ids) -> float:
    """P(next_ids | prompt_ids) = prod_k p(next_k | prompt, next_<k), one teacher-forced pass."""
    seq = list(prompt_ids) + list(next_ids)
    probs = np.asarray(_run(model, seq[:-1]).probs, dtype=np.float64)  # (P+K-1, V)
    start = len(prompt_ids) - 1
    picked = probs[np.arange(start, len(seq) - 1), np.asarray(next_ids)]
    return float(np.exp(np.sum(np.log(np.maximum(picked, 1e-300)))))


def mean_loss(model: TrainedModel, ids, *, streams: int = 8) -> float:
    """Mean -log p(ids[t] | ids before t) in nats/token, the text cut into `streams` pieces read at once.

    Each piece starts from the zero state (one batched forward pass), so the first tokens of each piece are
    predicted with less context than the whole text would give; with pieces of hundreds of tokens the
    difference is small.
    """
    ids = np.asarray(ids, dtype=np.int64)
    if ids.size < 2:
        raise ValueError("need at least two tokens")
    B = max(1, min(streams, (ids.size - 1) // 16))
    T = (ids.size - 1) // B
    inputs = ids[: T * B].reshape(B, T).T  # (T, B)
    targets = ids[1 : T * B + 1].reshape(B, T).T  # (T, B)
    dtype = next(iter(model.params.as_dict().values())).dtype
    X = encoding.one_hot(inputs.ravel(), len(model.vocab), dtype).reshape(T, B, -1)  # (T, B, V)
    probs = cells.CELLS[model.cell].forward(model.params, X, None, fused_input=True).probs
    p = np.take_along_axis(np.asarray(probs, np.float64), targets[..., None], axis=-1)[..., 0]  # (T, B)
    return float(-np.mean(np.log(np.maximum(p, 1e-300))))


def top_k(model: TrainedModel, probs: np.ndarray, k: int = 10) -> list[tuple[str, float]]:
    """The k most probable tokens with their probabilities, most probable first (ties by id)."""
    order = np.argsort(-probs, kind="stable")[:k]
    return [(model.vocab.tokens[i], float(probs[i])) for i in order]


def sample(model: TrainedModel, prompt: str, n: int = 200, *, temperature: float = 1.0, seed: int = 0) -> str:
    """Continue the prompt by n tokens drawn from softmax(z / temperature). Same seed, same text.

    An empty prompt starts from a token drawn uniformly with the same generator.
    """
    if not temperature > 0:
        raise ValueError("the temperature must be positive")
    rng = np.random.default_rng(seed)
    ids = list(encode_prompt(model, prompt))
    if not ids:
        ids = [int(rng.integers(len(model.vocab)))]
    trace = _run(model, ids)
    state, z = trace.final_state, np.asarray(trace.logits[-1], np.float64)
    out: list[int] = []
    for _ in range(n):
        p = rnn.softmax(z / temperature)
        nxt = int(rng.choice(p.size, p=p / p.sum()))
        out.append(nxt)
        trace = _run(model, [nxt], state)
        state, z = trace.final_state, np.asarray(trace.logits[-1], np.float64)
    return join_tokens(model.vocab.decode(out), model.level)


# ---------------------------------------------------------------------------- save / load


def save_npz(model: TrainedModel) -> bytes:
    """The model as .npz bytes: no pickles, only numeric arrays and unicode strings."""
    arrays = {f"p_{k}": v for k, v in model.params.as_dict().items()}
    buf = io.BytesIO()
    np.savez(
        buf,
        format=np.array(MODEL_FORMAT),
        cell=np.array(model.cell),
        level=np.array(model.level),
        hidden=np.array(model.hidden_size, dtype=np.int64),
        vocab=np.array(model.vocab.tokens, dtype=str),
        **arrays,
    )
    return buf.getvalue()


def load_npz(data: bytes, *, max_bytes: int = MAX_MODEL_BYTES) -> TrainedModel:
    """A model from .npz bytes, validated; ValueError with a message fit to show a student.

    safe_npz checks what the file declares before reading it (size, member names, .npy headers, no
    objects, truncation); then: format tag, known cell and level, the vocabulary, exactly the cell's
    parameter names, their shapes, float dtype, finite values.
    """
    try:
        arrays = safe_npz.read_npz(data, max_bytes=max_bytes)
    except ValueError as err:
        raise ValueError(f"This is not a model file saved by this page: {err}") from None
    return _model_from_arrays(arrays)


def _text(arrays: dict[str, np.ndarray], key: str) -> str:
    a = arrays.get(key)
    if a is None or a.shape != () or a.dtype.kind != "U":
        raise ValueError(f"The model file has no valid '{key}' entry.")
    return str(a)


def _model_from_arrays(arrays: dict[str, np.ndarray]) -> TrainedModel:
    if _text(arrays, "format") != MODEL_FORMAT:
        raise ValueError(f"Unknown model format; expected {MODEL_FORMAT}.")
    cell, level = _text(arrays, "cell"), _text(arrays, "level")
    if cell not in cells.CELLS:
        raise ValueError(f"The model uses the cell '{cell}', which this app does not have ({', '.join(cells.CELLS)}).")
    if level not in LEVELS:
        raise ValueError(f"The model's level '{level}' is not one of {', '.join(LEVELS)}.")
    hidden = arrays.get("hidden")
    if hidden is None or hidden.shape != () or hidden.dtype.kind not in "iu" or not 1 <= int(hidden) <= MAX_HIDDEN:
        raise ValueError(f"The model's hidden size must be a whole number from 1 to {MAX_HIDDEN}.")
    vocab_arr = arrays.get("vocab")
    if vocab_arr is None or vocab_arr.ndim != 1 or vocab_arr.dtype.kind != "U" or vocab_arr.size == 0:
        raise ValueError("The model file has no valid vocabulary.")
    tokens = tuple(str(t) for t in vocab_arr)
    limit = MAX_CHAR_VOCAB if level == "chars" else MAX_WORD_VOCAB
    if len(tokens) > limit or len(set(tokens)) != len(tokens) or "" in tokens:
        raise ValueError(f"The vocabulary must hold 1 to {limit} distinct, non-empty tokens.")
    V, H = len(tokens), int(hidden)
    expected = _expected_shapes(cell, V, H)
    given = {k[2:]: v for k, v in arrays.items() if k.startswith("p_")}
    if set(given) != set(expected):
        missing, extra = sorted(set(expected) - set(given)), sorted(set(given) - set(expected))
        raise ValueError(
            f"The weights do not match a {cell} cell (missing: {', '.join(missing) or 'none'}; unexpected: {', '.join(extra) or 'none'})."
        )
    for name, shape in expected.items():
        a = given[name]
        if a.dtype.kind != "f" or a.dtype.itemsize not in (4, 8):
            raise ValueError(f"{name} has dtype {a.dtype}; expected float32 or float64.")
        if a.shape != shape:
            raise ValueError(f"{name} has shape {a.shape}, expected {shape} for H={H} and a vocabulary of {V}.")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} contains NaN or infinite values.")
    params = cells.CELLS[cell].params_type(**{k: given[k] for k in expected})
    return TrainedModel(cell=cell, level=level, vocab=Vocab(tokens), params=params)
