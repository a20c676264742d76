"""Switching units off in the encoder–decoder (visualizer.labs.sequences): which encoder units carry the subject's
gender, and what the translation does without them (šel / šla, který / která).

The encoder is a vanilla tanh cell, h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h). Zeroing row k of W_xh, of W_hh and
b_h[k] makes the pre-activation of unit k zero at every step, so h_t[k] = tanh(0) = 0 exactly: the unit is held at
0 from the first word on, and the decoder (its h_0 and, with attention, every encoder state it reads) sees 0.

Finder: |r| between each unit's last encoder state (what the decoder starts from) and the subject's gender
(1 feminine, 0 masculine, read from the reference translation's gendered words, seqtasks.GENDERED), over the test
sentences that have such a word. Effect: the share of those translations whose gendered words all have the
reference's gender (seqtasks.agreement), before and after; the same number of random units as a control.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from visualizer.data.encoding import one_hot
from visualizer.labs.sequences import seqnets, seqtasks
from visualizer.labs.sequences.seqnets import TaskModel
from visualizer.labs.units import finder
from visualizer.nn import rnn

ARTICLE_SENTENCE = seqtasks.SPECS["encoder_decoder"].example  # "the girl who likes football went home"


def gendered(examples) -> tuple[list[seqtasks.TaskExample], np.ndarray]:
    """The examples whose reference has a gendered word, and their gender (1 feminine, 0 masculine)."""
    kept = [ex for ex in examples if any(forms & set(ex.tgt) for forms in seqtasks.GENDERED.values())]
    return kept, np.array([1.0 if seqtasks.GENDERED["f"] & set(ex.tgt) else 0.0 for ex in kept])


def encoder_states(model: TaskModel, src_words) -> np.ndarray:
    """The encoder's states h_1..h_S for a sentence, (S, H)."""
    ids = model.vocab_in.encode(list(src_words), unknown="unk")
    return rnn.forward(model.enc, one_hot(ids, len(model.vocab_in))).hs[1:]


def gender_scores(model: TaskModel, examples) -> np.ndarray:
    """|r| of every encoder unit's last state with the subject's gender, (H,)."""
    kept, gender = gendered(examples)
    last = np.array([encoder_states(model, ex.src)[-1] for ex in kept])
    return finder.pearson_abs(last, gender)


def switched_off(model: TaskModel, units) -> TaskModel:
    """The model with encoder units `units` held at 0 at every step (their incoming weights and bias zeroed)."""
    enc = model.enc
    W_xh, W_hh, b_h = enc.W_xh.copy(), enc.W_hh.copy(), enc.b_h.copy()
    idx = list(units)
    W_xh[idx], W_hh[idx], b_h[idx] = 0.0, 0.0, 0.0
    return replace(model, enc=replace(enc, W_xh=W_xh, W_hh=W_hh, b_h=b_h))


def untrained(model: TaskModel, seed: int = 0) -> TaskModel:
    """The same encoder–decoder shape with random weights from `seed`, never trained."""
    return seqnets.init_model(
        model.kind, model.vocab_in, model.vocab_out, model.hidden_size, attend=model.att is not None, seed=seed
    )


def gender_changes(before: str, after: str) -> list[tuple[str, str]]:
    """Gendered words that changed gender at the same position of two translations (e.g. ("šla", "šel"))."""
    out = []
    for a, b in zip(before.split(), after.split()):
        ga = [g for g, forms in seqtasks.GENDERED.items() if a in forms]
        gb = [g for g, forms in seqtasks.GENDERED.items() if b in forms]
        if ga and gb and ga != gb:
            out.append((a, b))
    return out


def translate(model: TaskModel, sentence: str) -> str:
    return " ".join(model.vocab_out.decode(seqtasks.predict_ids(model, seqtasks.words(sentence))))


@dataclass(frozen=True)
class GenderEffect:
    units: tuple[int, ...]
    scores: tuple[float, ...]  # each unit's |r| with the gender
    before: float  # agreement as trained
    after: float  # with the units off
    control_units: tuple[int, ...]
    control: float  # agreement with as many random units off
    n: int  # translations counted
    untrained_best: float  # the best |r| of any unit of an untrained encoder (same shape, seed 0)
    sentence: str
    translation_before: str
    translation_after: str


def gender_effect(model: TaskModel, examples, k: int, *, seed: int = 0) -> GenderEffect:
    """Switch off the k encoder units that track the gender best; agreement before, after and for random units."""
    kept, _ = gendered(examples)
    scores = gender_scores(model, kept)
    units = tuple(int(u) for u in np.argsort(-scores, kind="stable")[:k])
    pool = np.setdiff1d(np.arange(scores.size), units)
    control_units = tuple(sorted(int(u) for u in np.random.default_rng(seed).choice(pool, size=k, replace=False)))
    off = switched_off(model, units)
    return GenderEffect(
        units=units,
        scores=tuple(float(scores[u]) for u in units),
        before=seqtasks.agreement(model, kept),
        after=seqtasks.agreement(off, kept),
        control_units=control_units,
        control=seqtasks.agreement(switched_off(model, control_units), kept),
        n=len(kept),
        untrained_best=float(gender_scores(untrained(model), kept).max()),
        sentence=ARTICLE_SENTENCE,
        translation_before=translate(model, ARTICLE_SENTENCE),
        translation_after=translate(off, ARTICLE_SENTENCE),
    )
