"""A trained task network run on what the user types: which words it knows, what it reads at every step, and
what it answers in its own output space, with probabilities.

A word outside the task's vocabulary is read as <unk> (the network has a vector for <unk>, learned or not) and
is named in `Reading.unknown`, so the page can say so. One-to-one and one-to-many read only the first word.
Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.data.encoding import UNK
from visualizer.labs.sequences import seqnets, seqtypes
from visualizer.labs.sequences.seqnets import END, START, TaskModel, TaskRun
from visualizer.labs.sequences.seqtasks import GENDERED, MAX_WORDS, Reach, neighbours, words

MAX_GENERATED = 20  # generators stop here if <end> never comes


@dataclass(frozen=True)
class Reading:
    """The typed text as the network reads it."""

    words: tuple[str, ...]  # the words read (lower-case), in order
    ids: np.ndarray  # (S,) their ids; unknown words have the id of <unk>
    unknown: tuple[str, ...]  # distinct words read that the task never saw
    ignored: int  # typed words not read at all (one-to-one, one-to-many read one word)

    @property
    def labels(self) -> tuple[str, ...]:
        """Each word as the network sees it: itself, or <unk>."""
        return tuple(UNK if w in self.unknown else w for w in self.words)


def read(model: TaskModel, text: str) -> Reading:
    """Words -> ids over the model's input vocabulary; ValueError (fit to show) for empty or too long input."""
    typed = words(text if isinstance(text, str) else "")
    if not typed:
        raise ValueError("Type at least one word (letters or digits).")
    if len(typed) > MAX_WORDS:
        raise ValueError(f"The text has {len(typed)} words; these small tasks read at most {MAX_WORDS}.")
    keep = typed[:1] if model.kind in ("one_to_one", "one_to_many") else typed
    idx = model.vocab_in.index
    unknown = tuple(dict.fromkeys(w for w in keep if w not in idx))
    ids = model.vocab_in.encode(keep, unknown="unk")
    return Reading(tuple(keep), ids, unknown, len(typed) - len(keep))


@dataclass(frozen=True)
class Answer:
    """One run of a task network on typed text, step by step."""

    reading: Reading
    run: TaskRun
    layout: seqtypes.Layout  # which steps read what and which emit (the diagram's shape)
    in_labels: tuple[str, ...]  # (N,) what each step reads: a typed word, <unk>, a fed-back word, <start>
    out_labels: tuple[str | None, ...]  # (N,) what each step emits (None: nothing)
    out_probs: tuple[np.ndarray | None, ...]  # (N,) its distribution over the output space (None: nothing)

    @property
    def outputs(self) -> list[str]:
        return [o for o in self.out_labels if o is not None]

    @property
    def text(self) -> str:
        """The answer in words: a label, tags, or the generated phrase without <end>."""
        return " ".join(o for o in self.outputs if o != END)


def answer(model: TaskModel, text: str, *, max_len: int = MAX_GENERATED) -> Answer:
    """Run the network on text; see `Answer`."""
    reading = read(model, text)
    r = seqnets.run(model, reading.ids, max_len=max_len)
    outs = tuple(model.vocab_out.decode(r.out_ids))
    kind, S, N_out = model.kind, len(reading.ids), len(r.out_ids)
    lay = seqtypes.layout(kind, S, max(N_out, 1))
    ins: tuple[str, ...]
    out_labels: tuple[str | None, ...]
    out_probs: tuple[np.ndarray | None, ...]
    if kind in ("one_to_one", "many_to_many"):
        ins, out_labels, out_probs = reading.labels, outs, tuple(r.probs)
    elif kind == "many_to_one":  # computed at every step, emitted only at the last
        ins = reading.labels
        out_labels = (None,) * (S - 1) + (outs[-1],)
        out_probs = (None,) * (S - 1) + (r.probs[-1],)
    elif kind == "one_to_many":
        ins, out_labels, out_probs = reading.labels + outs[:-1], outs, tuple(r.probs)
    else:
        ins = reading.labels + (START,) + outs[:-1]
        out_labels, out_probs = (None,) * S + outs, (None,) * S + tuple(r.probs)
    return Answer(reading, r, lay, tuple(ins), tuple(out_labels), tuple(out_probs))


def top(model: TaskModel, p: np.ndarray, k: int = 3) -> list[tuple[str, float]]:
    """The k most probable outputs and their probabilities, most probable first."""
    order = np.argsort(-p, kind="stable")[:k]
    return [(model.vocab_out.tokens[i], float(p[i])) for i in order]


def answer_table(model: TaskModel, ans: Answer) -> list[dict]:
    """One row per step: what it reads, what it emits with p, and the runner-up (text columns, '—' where none)."""
    lay = ans.layout
    rows = []
    for t in range(lay.n_steps):
        p = ans.out_probs[t]
        best = top(model, p, 2) if p is not None else []
        row = {
            "step": t + 1,
            "reads": ans.in_labels[t],
            "emits": best[0][0] if best else "—",
            "p(emitted)": f"{best[0][1]:.3f}" if best else "—",
            "runner-up": f"{best[1][0]} ({best[1][1]:.3f})" if len(best) > 1 else "—",
        }
        if model.kind == "encoder_decoder":
            row = {
                "step": t + 1,
                "part": "decoder" if lay.decoder[t] else "encoder",
                **{k: row[k] for k in row if k != "step"},
            }
        rows.append(row)
    return rows


def verdict_drift(model: TaskModel, ans: Answer) -> np.ndarray:
    """Many-to-one: p(each label) after every prefix, (S, V). The last row is the answer; the earlier rows
    are what the same output layer says about the hidden state so far (computed, not emitted)."""
    return np.asarray(ans.run.probs)


# ---------------------------------------------------------------------------- how far to trust a translation

CONFIDENT = 0.5  # a word written with p below this is a guess: the other words together were as likely


@dataclass(frozen=True)
class Doubt:
    """Why a translation may be wrong, measured on this input and output; nothing found when `found` is False."""

    cue_genders: tuple[str, ...]  # genders the typed words mark ("boy" m, "she" f), from the training data
    output_genders: tuple[str, ...]  # genders of the gendered words written (byl / byla, který / která, …)
    unsure: tuple[tuple[int, str, float], ...]  # (position from 1, word, p) of each word written with p < CONFIDENT
    new_pairs: tuple[tuple[str, str], ...]  # neighbouring typed words never neighbours in training ("": start/end)
    too_long: int  # the longest training input, if the typed one is longer; else 0
    weak_length: tuple[int, int, float] | None = None  # (lo, hi, accuracy) if held-out sentences of this length
    # were translated exactly less often than CONFIDENT

    @property
    def gender_guessed(self) -> bool:
        """Nothing typed marks a gender, yet the translation has one."""
        return not self.cue_genders and bool(self.output_genders)

    @property
    def mixed(self) -> bool:
        """The translation has masculine and feminine forms: the agreement the task is about failed."""
        return len(self.output_genders) > 1

    @property
    def disagrees(self) -> bool:
        """The typed subject has one gender and the translation's forms the other."""
        return len(self.cue_genders) == 1 and len(self.output_genders) == 1 and self.cue_genders != self.output_genders

    @property
    def found(self) -> bool:
        return bool(
            len(self.cue_genders) > 1
            or self.gender_guessed
            or self.mixed
            or self.disagrees
            or self.unsure
            or self.new_pairs
            or self.too_long
            or self.weak_length
        )


def _genders(ws) -> tuple[str, ...]:
    return tuple(g for g, forms in GENDERED.items() if forms & set(ws))


def doubt(ans: Answer, reach: Reach, by_length: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> Doubt:
    """How far to trust an encoder–decoder's answer, from its own probabilities and from what it was trained on.

    Args:
        by_length: (lo, hi, accuracy) per length bin, (B,) each: this model's exact accuracy on held-out sentences.
    """
    typed = ans.reading.words
    written = [w for w in ans.outputs if w != END]
    emitted = [(o, p) for o, p in zip(ans.out_labels, ans.out_probs) if o is not None and p is not None]
    unsure = tuple((k + 1, o, float(p.max())) for k, (o, p) in enumerate(emitted) if p.max() < CONFIDENT)
    known = set(ans.reading.unknown)  # unknown words are named by their own notice
    new_pairs = tuple(
        dict.fromkeys(
            pair
            for pair, role in zip(neighbours(typed), neighbours(typed, reach.cues))
            if role not in reach.pairs and not known & set(pair)
        )
    )
    return Doubt(
        tuple(g for g in ("m", "f") if g in {reach.cues.get(w) for w in typed}),
        _genders(written),
        unsure,
        new_pairs,
        reach.longest if len(typed) > reach.longest else 0,
        _weak_length(len(typed), by_length),
    )


def _weak_length(n: int, by_length) -> tuple[int, int, float] | None:
    if by_length is None:
        return None
    for lo, hi, acc in zip(*by_length):
        if lo <= n <= hi and acc < CONFIDENT:
            return int(lo), int(hi), float(acc)
    return None
