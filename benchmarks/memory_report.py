"""Numbers for the closing note of 'show what a trained RNN remembers': ``python -m benchmarks.memory_report``.

For every shipped model: held-out loss vs the memoryless baselines (unigram, bigram, last 3 tokens) and
contrast-pair accuracy vs the bigram baseline; then the size of the shipped files. One JSON line per model.
"""

from __future__ import annotations

import json
import sys

from visualizer.data import pretrained
from visualizer.labs.memory_proof import proof


def report(name: str) -> dict:
    model = pretrained.load_shipped(name)
    p = proof.measure(model)
    return {
        "model": name,
        "vocab": len(model.vocab),
        "heldout_loss": round(p.heldout_loss, 3),
        "train_loss": round(p.train_loss, 3),
        **{f"heldout_{k.replace(' ', '_')}": round(v, 3) for k, v in zip(p.baselines.names, p.baselines.heldout or ())},
        "pairs": len(p.pairs),
        "pair_accuracy": round(p.network.accuracy, 3),
        "pair_accuracy_bigram": round(p.bigram.accuracy, 3),
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
