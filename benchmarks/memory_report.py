"""Numbers for the closing note of 'show what a trained RNN remembers': ``python -m benchmarks.memory_report``.

For every shipped model: held-out loss vs the memoryless baselines (unigram, bigram, last 3 tokens) and
contrast-pair accuracy vs the bigram baseline; then the size of the shipped files. One JSON line per model.
"""

from __future__ import annotations

import json
import sys

from visualizer.maths import memory, pretrained, train


def report(name: str) -> dict:
    model = pretrained.load_shipped(name)
    corpus = pretrained.training_corpus(model.level)
    held = train.build_corpus(pretrained.heldout_text(), model.level, vocab=model.vocab)
    base = memory.baselines(corpus.ids, len(model.vocab), held.ids)
    pairs = memory.read_pairs(pretrained.PAIRS_PATH.read_text(encoding="utf-8"))
    rnn = memory.evaluate_pairs(lambda p, a: memory.continuation_logprob(model, p, a), pairs)
    bigram = memory.fit_kgram(corpus.ids, len(model.vocab), 1)
    bi = memory.evaluate_pairs(lambda p, a: memory.kgram_logprob(bigram, model.level, model.vocab, p, a), pairs)
    return {
        "model": name,
        "vocab": len(model.vocab),
        "heldout_loss": round(train.mean_loss(model, held.ids), 3),
        "train_loss": round(train.mean_loss(model, corpus.ids), 3),
        **{f"heldout_{k.replace(' ', '_')}": round(v, 3) for k, v in zip(base.names, base.heldout or ())},
        "pairs": len(pairs),
        "pair_accuracy": round(rnn.accuracy, 3),
        "pair_accuracy_bigram": round(bi.accuracy, 3),
        "bytes": (pretrained.MODELS_DIR / f"{name}.npz").stat().st_size,
    }


def main() -> int:
    total = 0
    for name in pretrained.SHIPPED:
        row = report(name)
        total += row["bytes"]
        sys.stdout.write(json.dumps(row) + "\n")
    sys.stdout.write(json.dumps({"total_bytes": total}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
