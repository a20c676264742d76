"""Training the language models shipped with the app (their registry: visualizer.data.pretrained.SHIPPED).

Each job trains one registry row with the Trainer on the story, seeded, and writes ``assets/models/<name>.npz``;
``python -m visualizer.pretrain`` runs them (on one BLAS thread, so the same command gives the same weights).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from visualizer.data import corpus, pretrained, trained_model
from visualizer.data.encoding import Vocab
from visualizer.labs.training import train


def training_corpus(level: str) -> corpus.Corpus:
    """The story tokenised at `level`; word level adds `<unk>` to the vocabulary."""
    text = corpus.default_corpus()
    if level == "words":  # lower case: a student may type "mexico" or "Mexico"
        vocab = Vocab.build(corpus.corpus_tokens(text.lower(), "words"), add_unk=True)
        return corpus.build_corpus(text, level, vocab=vocab)
    return corpus.build_corpus(text, level)


def trainer_for(name: str, *, steps: int | None = None) -> train.Trainer:
    """A trainer for shipped model `name`, advanced by its steps (or `steps`)."""
    spec = pretrained.SHIPPED[name]
    trainer = train.Trainer(training_corpus(spec.config.level), replace(spec.config))
    trainer.train(spec.steps if steps is None else steps)
    return trainer


def _job(name: str) -> Callable[[Path], list[Path]]:
    def job(out_dir: Path) -> list[Path]:
        model = trainer_for(name).model()
        path = out_dir / f"{name}.npz"
        path.write_bytes(trained_model.save_npz(model))
        return [path]

    return job


PRETRAIN_JOBS: dict[str, Callable[[Path], list[Path]]] = {name: _job(name) for name in pretrained.SHIPPED}
