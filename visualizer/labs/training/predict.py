"""What a trained language model predicts: next-token probabilities, the probability of a continuation, its mean
loss on a text, and sampling p = softmax(z / temperature) one token at a time.

    P(next_1..K | prompt) = prod_k p(next_k | prompt, next_<k)          (one teacher-forced pass)
    loss = -1/N sum_t log p(ids[t] | ids before t)                        (nats per token)

Pure NumPy, no Streamlit.
"""

from __future__ import annotations

import numpy as np

from visualizer.data import encoding
from visualizer.data.corpus import join_tokens
from visualizer.data.trained_model import TrainedModel, encode_prompt
from visualizer.nn import deep, rnn


def _run(model: TrainedModel, ids, state=None):
    dtype = next(iter(model.params.as_dict().values())).dtype
    X = encoding.one_hot(ids, len(model.vocab), dtype)  # (P, V)
    return deep.run(model.cell, model.params, X, state, fused_input=True)  # one layer or a stacked network


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
    probs = deep.run(model.cell, model.params, X, None, fused_input=True).probs
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
