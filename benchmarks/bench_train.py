"""Training throughput: the project's batched trainer against a naive per-step NumPy loop.

    python -m benchmarks.bench_train --hidden 100 --seq-len 25 --batch 32 --steps 50

prints one JSON line. Both run forward, backward, clipping and an update on the same random
token stream (vocabulary 65, as in a Shakespeare character model) in the same process:

- chars_per_s: visualizer.train.Trainer (time-first (T, B, V) arrays, input and output layers as
  one matrix product per window, only the recurrence looped, float32);
- naive_chars_per_s: the classic tutorial loop (column vectors, a one-hot vector and a dict entry
  built at every step, float64, one sequence at a time).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

if __name__ == "__main__":
    # Small matrices run fastest on one BLAS thread, above all on a shared machine. The count is
    # read when NumPy loads, so it is set here, before the import; the environment can override it.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from visualizer.labs.training import train  # noqa: E402
from visualizer.data.encoding import Vocab  # noqa: E402
from visualizer.data import corpus as corpus_module
from visualizer.nn import optim

VOCAB = 65


def synthetic_corpus(n_tokens: int, vocab_size: int = VOCAB, seed: int = 0) -> corpus_module.Corpus:
    """A random token stream over vocab_size symbols: throughput does not depend on the text."""
    rng = np.random.default_rng(seed)
    vocab = Vocab(tuple(chr(0x21 + i) for i in range(vocab_size)))
    ids = rng.integers(0, vocab_size, n_tokens)
    return corpus_module.Corpus(text="", level="chars", vocab=vocab, ids=ids)


# ---------------------------------------------------------------------------- the naive loop


class NaiveRNN:
    """The per-time-step loop of the classic tutorials, kept as the baseline to beat."""

    def __init__(self, V: int, H: int, lr: float = 0.1, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.Wxh = rng.standard_normal((H, V)) * 0.01
        self.Whh = rng.standard_normal((H, H)) * 0.01
        self.Why = rng.standard_normal((V, H)) * 0.01
        self.bh, self.by = np.zeros((H, 1)), np.zeros((V, 1))
        self.mem = [np.zeros_like(p) for p in self.weights()]
        self.V, self.H, self.lr = V, H, lr

    def weights(self):
        return [self.Wxh, self.Whh, self.Why, self.bh, self.by]

    def step(self, inputs, targets, hprev):
        """Forward, backward, clip to [-5, 5] and an Adagrad update on one sequence."""
        xs, hs, ps = {}, {}, {}
        hs[-1] = np.copy(hprev)
        loss = 0.0
        for t in range(len(inputs)):
            xs[t] = np.zeros((self.V, 1))
            xs[t][inputs[t]] = 1
            hs[t] = np.tanh(self.Wxh @ xs[t] + self.Whh @ hs[t - 1] + self.bh)
            y = self.Why @ hs[t] + self.by
            e = np.exp(y - np.max(y))
            ps[t] = e / np.sum(e)
            loss += -np.log(ps[t][targets[t], 0])
        dWxh, dWhh, dWhy = np.zeros_like(self.Wxh), np.zeros_like(self.Whh), np.zeros_like(self.Why)
        dbh, dby = np.zeros_like(self.bh), np.zeros_like(self.by)
        dhnext = np.zeros_like(hs[0])
        for t in reversed(range(len(inputs))):
            dy = np.copy(ps[t])
            dy[targets[t]] -= 1
            dWhy += dy @ hs[t].T
            dby += dy
            dh = self.Why.T @ dy + dhnext
            dhraw = (1 - hs[t] * hs[t]) * dh
            dbh += dhraw
            dWxh += dhraw @ xs[t].T
            dWhh += dhraw @ hs[t - 1].T
            dhnext = self.Whh.T @ dhraw
        grads = [dWxh, dWhh, dWhy, dbh, dby]
        for g in grads:
            np.clip(g, -5, 5, out=g)
        for p, g, m in zip(self.weights(), grads, self.mem):
            m += g * g
            p -= self.lr * g / np.sqrt(m + 1e-8)
        return loss, hs[len(inputs) - 1]


def _seconds(step, steps: int) -> float:
    """Wall time of `steps` calls of step()."""
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - t0


class _NaiveRun:
    """The naive model reading the corpus one window after another."""

    def __init__(self, corpus: corpus_module.Corpus, hidden: int, seq_len: int):
        self.model, self.ids, self.T, self.H = NaiveRNN(len(corpus.vocab), hidden), corpus.ids, seq_len, hidden
        self.h, self.p = np.zeros((hidden, 1)), 0

    def step(self) -> None:
        if self.p + self.T + 1 >= len(self.ids):
            self.p, self.h = 0, np.zeros((self.H, 1))
        _, self.h = self.model.step(
            self.ids[self.p : self.p + self.T], self.ids[self.p + 1 : self.p + self.T + 1], self.h
        )
        self.p += self.T


def run(
    hidden: int = 100,
    seq_len: int = 25,
    batch: int = 32,
    steps: int = 50,
    opt: str = "adagrad",
    cell: str = "rnn",
    rounds: int = 3,
) -> dict:
    """Measure both loops with the same H, T and vocabulary, in alternating rounds; best round counts.

    Alternating and keeping the best round of each makes the ratio robust to other processes
    sharing the CPU (the usual practice of timeit).
    """
    corpus = synthetic_corpus(max(20_000, 4 * seq_len * batch + seq_len + 1))
    config = train.TrainConfig(
        cell=cell, hidden=hidden, window=seq_len, batch=batch, opt=opt, lr=0.1, clip=True, clipnorm=5.0
    )
    naive, trainer = _NaiveRun(corpus, hidden, seq_len), train.Trainer(corpus, config)
    naive.step()  # warm-up: buffers allocated, caches filled
    trainer.step()
    naive_s, ours_s = float("inf"), float("inf")
    for _ in range(rounds):
        naive_s = min(naive_s, _seconds(naive.step, steps))
        ours_s = min(ours_s, _seconds(trainer.step, steps))
    naive_rate, ours_rate = steps * seq_len / naive_s, steps * seq_len * batch / ours_s
    return {
        "vocab": VOCAB,
        "hidden": hidden,
        "seq_len": seq_len,
        "batch": batch,
        "steps": steps,
        "rounds": rounds,
        "cell": cell,
        "opt": opt,
        "dtype": config.dtype,
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "chars_per_s": round(ours_rate),
        "naive_chars_per_s": round(naive_rate),
        "ratio": round(ours_rate / naive_rate, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hidden", type=int, default=100)
    ap.add_argument("--seq-len", type=int, default=25)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--opt", choices=optim.OPTIMIZERS, default="adagrad")
    ap.add_argument("--cell", default="rnn")
    ap.add_argument("--rounds", type=int, default=3, help="alternating timed rounds; the best of each counts")
    args = ap.parse_args(argv)
    result = run(args.hidden, args.seq_len, args.batch, args.steps, args.opt, args.cell, args.rounds)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
