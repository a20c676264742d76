"""Proof of memory: what a trained RNN predicts that a memoryless model cannot.

Memoryless baselines ("last k tokens"), fitted by counting on the training ids and scored on any ids.
P_k(w | c) for the context c of the last k tokens, with Witten-Bell interpolation (Witten & Bell, 1991):

    P_k(w | c) = (n(c, w) + u(c) P_{k-1}(w | c')) / (n(c) + u(c))       c' = c without its oldest token
    P_{-1}(w) = 1 / V                                                    (uniform)

n(c, w) counts c followed by w, n(c) = sum_w n(c, w), u(c) = the number of distinct w seen after c.
k = 0 is the unigram model, k = 1 the bigram. Cross-entropy, in nats per token, over the targets ids[1:]:

    CE = -1/(N-1) sum_{t>=1} log P(ids[t] | ids[max(0, t-k) : t])

Contrast pairs: two prompts that end with the same words and differ earlier, with answers a != b. For each
prompt a model scores both answers, s(x) = log P(x | prompt), and is right when its own answer scores higher
(a tie counts half). A k-gram model with k no longer than the shared ending gives both prompts the same
scores, so it is right on exactly one of the two: 50 %, chance, by construction.

Occlusion: for a prediction y after the prompt x_1..x_P, strength_j = log p(y | x) - log p(y | x without x_j)
(or with x_j replaced by another token). Positive: token j made y more likely.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from visualizer.data import corpus, trained_model
from visualizer.data.encoding import UNK
from visualizer.labs.training import predict
from visualizer.nn import deep

# ---------------------------------------------------------------------------- k-gram baselines


@dataclass(frozen=True)
class KGram:
    """Counts of every context of up to k tokens and what followed it, over a vocabulary of V ids."""

    k: int
    V: int
    follow: dict[tuple[int, ...], Counter]  # context (oldest first) -> Counter of next ids
    totals: dict[tuple[int, ...], tuple[int, int]] = field(default_factory=dict)  # context -> (n(c), u(c))

    def __post_init__(self):
        if not self.totals and self.follow:
            self.totals.update({c: (sum(n.values()), len(n)) for c, n in self.follow.items()})

    def prob(self, context, w: int) -> float:
        """P_k(w | the last k ids of context), interpolated down to the uniform distribution."""
        ctx = tuple(int(i) for i in context)[-self.k :] if self.k else ()
        p = 1.0 / self.V
        for n in range(len(ctx) + 1):  # from the empty context up to the full one
            c = ctx[len(ctx) - n :]
            counts = self.follow.get(c)
            if counts is None:
                break
            total, types = self.totals[c]
            p = (counts.get(w, 0) + types * p) / (total + types)
        return p

    def cross_entropy(self, ids) -> float:
        """Mean -log P(ids[t] | ids before t) over t >= 1, in nats per token."""
        ids = [int(i) for i in ids]
        if len(ids) < 2:
            raise ValueError("need at least two tokens")
        nll = [-np.log(self.prob(ids[max(0, t - self.k) : t], ids[t])) for t in range(1, len(ids))]
        return float(np.mean(nll))


def fit_kgram(ids, V: int, k: int) -> KGram:
    """Count every context of 0..k tokens in ids and the token after it."""
    if k < 0:
        raise ValueError("k must be 0 or more")
    ids = [int(i) for i in ids]
    follow: dict[tuple[int, ...], Counter] = defaultdict(Counter)
    for t, w in enumerate(ids):
        for n in range(min(k, t) + 1):
            follow[tuple(ids[t - n : t])][w] += 1
    return KGram(k=k, V=V, follow=dict(follow))


BASELINES = {"unigram": 0, "bigram": 1, "last 3 tokens": 3}


@dataclass(frozen=True)
class Baselines:
    """Cross-entropy (nats/token) of each memoryless model on the training and held-out ids."""

    names: tuple[str, ...]
    train: tuple[float, ...]
    heldout: tuple[float, ...] | None


def baselines(
    train_ids, V: int, heldout_ids=None, table: dict[str, int] | None = None, *, on_train: bool = True
) -> Baselines:
    """Fit each 'last k tokens' model on train_ids; score it on train_ids (unless on_train is off) and heldout_ids."""
    table = table or BASELINES
    models = {name: fit_kgram(train_ids, V, k) for name, k in table.items()}
    tr = tuple(m.cross_entropy(train_ids) for m in models.values()) if on_train else ()
    held = None
    if heldout_ids is not None and len(heldout_ids) >= 2:
        held = tuple(m.cross_entropy(heldout_ids) for m in models.values())
    return Baselines(names=tuple(table), train=tr, heldout=held)


# ---------------------------------------------------------------------------- the network's loss


def _run(model: trained_model.TrainedModel, X: np.ndarray):
    return deep.run(model.cell, model.params, X, None, fused_input=True)  # one layer or a stacked network


# ---------------------------------------------------------------------------- contrast pairs


@dataclass(frozen=True)
class ContrastPair:
    prompt_a: str
    answer_a: str
    prompt_b: str
    answer_b: str


def read_pairs(text: str) -> list[ContrastPair]:
    """Pairs from tab-separated lines prompt_a, answer_a, prompt_b, answer_b (first line: header)."""
    pairs = []
    for n, line in enumerate(text.splitlines()[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 4:
            raise ValueError(f"line {n}: expected 4 tab-separated fields, got {len(parts)}")
        pairs.append(ContrastPair(*parts))
    return pairs


def _ids(level: str, vocab, text: str) -> np.ndarray:
    return vocab.encode(corpus.tokens_read_by(vocab, text, level), unknown="unk")


def answer_ids(model_level: str, vocab, answer: str) -> np.ndarray:
    """The tokens of an answer as it follows a prompt (a space first, at character level)."""
    return _ids(model_level, vocab, " " + answer if model_level == "chars" else answer)


def decisive_token(model_level: str, vocab, answer: str, other: str) -> tuple[np.ndarray, int]:
    """Where two answers to a contrast pair part: the answer's tokens before that point (read after the prompt)
    and the first token that differs, the one whose prediction needs memory.

    At character level both answers start with a space (and may share letters): predicting those takes no
    memory, so explaining them would explain nothing. Returns (shared ids, decisive id).
    """
    a, b = answer_ids(model_level, vocab, answer), answer_ids(model_level, vocab, other)
    k = 0
    while k < min(a.size, b.size) - 1 and a[k] == b[k]:
        k += 1
    return a[:k], int(a[k])


def continuation_logprob(model: trained_model.TrainedModel, prompt: str, answer: str) -> float:
    """log P(answer | prompt) under the network (chain rule over the answer's tokens)."""
    p = predict.continuation_probability(
        model, trained_model.encode_prompt(model, prompt), answer_ids(model.level, model.vocab, answer)
    )
    return float(np.log(max(p, 1e-300)))


def kgram_logprob(kg: KGram, level: str, vocab, prompt: str, answer: str) -> float:
    """log P(answer | prompt) under a k-gram model."""
    ctx = [int(i) for i in _ids(level, vocab, prompt)]
    total = 0.0
    for w in answer_ids(level, vocab, answer):
        total += np.log(kg.prob(ctx, int(w)))
        ctx.append(int(w))
    return float(total)


@dataclass(frozen=True)
class ContrastResult:
    """Scores s[i, j, m]: pair i, prompt j (0 = a, 1 = b), answer m (0 = a's, 1 = b's)."""

    scores: np.ndarray  # (n, 2, 2) log-probabilities

    @property
    def correct(self) -> np.ndarray:
        """(n, 2) 1 when a prompt's own answer scores higher, 0.5 on a tie, else 0."""
        s = self.scores
        own = np.stack([s[:, 0, 0], s[:, 1, 1]], axis=1)
        other = np.stack([s[:, 0, 1], s[:, 1, 0]], axis=1)
        return np.where(own > other, 1.0, np.where(own == other, 0.5, 0.0))

    @property
    def accuracy(self) -> float:
        return float(self.correct.mean()) if self.scores.size else float("nan")


def evaluate_pairs(score, pairs: list[ContrastPair]) -> ContrastResult:
    """score(prompt, answer) -> log-probability, for both answers after both prompts of every pair."""
    s = np.array(
        [
            [[score(p.prompt_a, p.answer_a), score(p.prompt_a, p.answer_b)]]
            + [[score(p.prompt_b, p.answer_a), score(p.prompt_b, p.answer_b)]]
            for p in pairs
        ]
    ).reshape(len(pairs), 2, 2)
    return ContrastResult(scores=s)


# ---------------------------------------------------------------------------- occlusion


@dataclass(frozen=True)
class Occlusion:
    """How much each earlier token moved log p(target) at the end of the prompt."""

    tokens: tuple[str, ...]  # the prompt's tokens
    target: str  # the predicted token
    logp: float  # log p(target | whole prompt)
    strength: np.ndarray  # (P,) logp - log p(target | prompt with token j dropped or replaced)


def occlusion(model: trained_model.TrainedModel, ids, target: int, *, replace_with: int | None = None) -> Occlusion:
    """Drop (or replace) each token of the prompt ids in turn, re-run, compare log p(target).

    All P occluded prompts run as one batch: dropping gives P sequences of length P-1.
    """
    ids = np.asarray(ids, dtype=np.int64)
    P, V = ids.size, len(model.vocab)
    if P == 0:
        raise ValueError("the prompt is empty")
    dtype = next(iter(model.params.as_dict().values())).dtype
    full = np.zeros((P, 1, V), dtype)
    full[np.arange(P), 0, ids] = 1.0
    logp = float(np.log(max(float(_run(model, full).probs[-1, 0, target]), 1e-300)))
    if replace_with is None:
        keep = ~np.eye(P, dtype=bool)  # row j: every position but j
        seqs = np.stack([ids[k] for k in keep]).T if P > 1 else np.zeros((0, 1), np.int64)  # (P-1, P)
    else:
        seqs = np.tile(ids[:, None], (1, P))  # (P, P): column j has token j replaced
        seqs[np.arange(P), np.arange(P)] = replace_with
    if seqs.shape[0] == 0:  # dropping the only token leaves nothing to read: the uniform guess
        occluded = np.full(P, -np.log(V))
    else:
        X = np.zeros((*seqs.shape, V), dtype)
        np.put_along_axis(X, seqs[..., None], 1.0, axis=-1)
        p = np.asarray(_run(model, X).probs[-1, :, target], np.float64)  # (P,)
        occluded = np.log(np.maximum(p, 1e-300))
    return Occlusion(
        tokens=tuple(model.vocab.decode(ids)),
        target=model.vocab.tokens[target],
        logp=logp,
        strength=logp - occluded,
    )


def neutral_token(model: trained_model.TrainedModel) -> int | None:
    """The token that stands in for an occluded one: `<unk>` (word models), else a space; None: drop instead."""
    idx = model.vocab.index
    for tok in (UNK, " "):
        if tok in idx:
            return idx[tok]
    return None
