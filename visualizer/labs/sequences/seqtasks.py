"""Five small tasks, one per sequence type, with their data, shipped models and what they say about typed text.

    one_to_one       a word -> its category (person, place, animal, verb)                 assets/seqtasks/*.tsv
    one_to_many      a start word -> a phrase ("dog" -> "the dog runs after the ball")
    many_to_one      a short review -> positive / negative
    many_to_many     a sentence -> one tag per word (person, place, other), as in named-entity recognition
    encoder_decoder  English -> Czech, where the verb and adjective agree with the subject's gender
                     ("he was tired" -> "on byl unavený", "she was tired" -> "ona byla unavená")

The networks and their training are in seqnets.py (attention in nn/attention.py). `PRETRAIN_JOBS` trains each
task on its train split with a fixed seed and writes `assets/models/seqtask_<kind>.npz` with the held-out
accuracy; the encoder–decoder is trained twice, without and with attention, and the attention file also holds
the accuracy of both by input length. Files are loaded with allow_pickle=False and every shape is checked.
Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from visualizer import ASSETS
from visualizer.data.encoding import UNK, Vocab
from visualizer.data.pretrained import MODELS_DIR
from visualizer.labs.sequences import seqnets
from visualizer.labs.sequences.seqnets import END, START, Batch, TaskModel

DATA_DIR = ASSETS / "seqtasks"
FORMAT = "rnn-visualizer-seqtask/1"
MAX_WORDS = 30  # typed input longer than this is refused
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class TaskRecipe:
    """How a task is trained; the numbers were chosen to train in a few seconds on one core."""

    kind: str
    hidden: int
    epochs: int
    lr: float = 0.02
    batch: int = 32
    example: str = ""  # what the page types in first
    metric: str = "exact"  # "exact": the whole output right; "tokens": share of tags right


SPECS: dict[str, TaskRecipe] = {
    "one_to_one": TaskRecipe("one_to_one", 16, 60, example="prague"),
    "one_to_many": TaskRecipe("one_to_many", 24, 150, batch=20, example="dog"),
    "many_to_one": TaskRecipe("many_to_one", 24, 40, example="the food was good but the service was awful"),
    "many_to_many": TaskRecipe("many_to_many", 24, 30, example="jordan met anna in georgia", metric="tokens"),
    "encoder_decoder": TaskRecipe(
        "encoder_decoder", 64, 120, lr=0.005, batch=16, example="the girl who likes football went home"
    ),
}


# ---------------------------------------------------------------------------- data


@dataclass(frozen=True)
class TaskExample:
    src: tuple[str, ...]
    tgt: tuple[str, ...]
    form: str = "sentence"  # encoder–decoder: "sentence", or "fragment" (a subject phrase, e.g. "a boy who likes")


@dataclass(frozen=True)
class Dataset:
    kind: str
    train: tuple[TaskExample, ...]
    test: tuple[TaskExample, ...]


def words(text: str) -> list[str]:
    """Lower-case words (letters and digits, accents kept); punctuation is dropped."""
    return re.findall(r"\w+", text.lower())


def load_dataset(kind: str, data_dir: Path = DATA_DIR) -> Dataset:
    """The task's examples from its .tsv (split, input, output, and for the encoder–decoder the form)."""
    parts: dict[str, list[TaskExample]] = {"train": [], "test": []}
    lines = (data_dir / f"{kind}.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for line in lines:
        split, src, tgt, *form = line.split("\t")
        parts[split].append(TaskExample(tuple(words(src)), tuple(tgt.split()), *form))
    return Dataset(kind, tuple(parts["train"]), tuple(parts["test"]))


def vocabularies(data: Dataset) -> tuple[Vocab, Vocab]:
    """(input words + <unk>, output space) from the train split only, in sorted order."""
    vin = Vocab(tuple(sorted({w for ex in data.train for w in ex.src})) + (UNK,))
    outs = sorted({w for ex in data.train for w in ex.tgt})
    if data.kind == "one_to_many":
        outs += [END]
    if data.kind == "encoder_decoder":
        outs = [START, END] + outs
    return vin, Vocab(tuple(outs))


def _targets(model: TaskModel, ex: TaskExample) -> list[str]:
    return list(ex.tgt) + ([END] if model.kind in ("one_to_many", "encoder_decoder") else [])


def make_batches(model: TaskModel, examples, size: int) -> list[Batch]:
    """Batches of examples with equal input length; shorter outputs are padded and masked."""
    by_len: dict[int, list[TaskExample]] = {}
    for ex in examples:
        by_len.setdefault(len(ex.src), []).append(ex)
    batches = []
    for _, group in sorted(by_len.items()):
        for i in range(0, len(group), size):
            chunk = group[i : i + size]
            src = np.array([model.vocab_in.encode(ex.src, unknown="unk") for ex in chunk]).T  # (S, B)
            outs = [model.vocab_out.encode(_targets(model, ex)) for ex in chunk]
            T = max(len(o) for o in outs)
            if model.kind == "many_to_one":  # one verdict, counted at the last word
                T = src.shape[0]
                outs = [np.full(T, o[0]) for o in outs]
            tgt, mask = np.zeros((T, len(chunk)), np.int64), np.zeros((T, len(chunk)))
            for b, o in enumerate(outs):
                tgt[: len(o), b], mask[: len(o), b] = o, 1.0
            if model.kind == "many_to_one":
                mask[:-1] = 0.0
            batches.append(Batch(src, tgt, mask))
    return batches


# ---------------------------------------------------------------------------- accuracy


def predict_ids(model: TaskModel, src_words) -> list[int]:
    """The network's answer for a list of words: label id(s), tag ids, or generated ids without <end>."""
    r = seqnets.run(model, model.vocab_in.encode(list(src_words), unknown="unk"))
    if model.kind in ("one_to_one", "many_to_one"):
        return [int(r.out_ids[-1])]
    ids = [int(i) for i in r.out_ids]
    end = model.vocab_out.index.get(END)
    return ids[: ids.index(end)] if end in ids else ids


def accuracy(model: TaskModel, examples, metric: str = "exact") -> float:
    """Share of examples answered exactly right, or (metric='tokens') share of tags right."""
    right = total = 0
    for ex in examples:
        want = list(model.vocab_out.encode(ex.tgt))
        got = predict_ids(model, ex.src)
        if metric == "tokens":
            right += sum(int(a == b) for a, b in zip(got, want))
            total += len(want)
        else:
            right += int(got == want)
            total += 1
    return right / max(total, 1)


# Czech word forms that carry the subject's gender (masculine, feminine), for the agreement measure.
GENDERED = {
    "m": frozenset(["byl", "šel", "spal", "četl", "přišel", "který", "rád", "unavený", "šťastný"]),
    "f": frozenset(["byla", "šla", "spala", "četla", "přišla", "která", "ráda", "unavená", "šťastná"]),
}


def agreement(model: TaskModel, examples) -> float:
    """Share of translations whose gendered words (byl/byla, který/která, …) all have the reference's gender,
    among the examples whose reference has such a word (a fragment like "the king from london" has none)."""
    right = counted = 0
    for ex in examples:
        want = {g for g, forms in GENDERED.items() if forms & set(ex.tgt)}
        if not want:
            continue
        got_words = set(model.vocab_out.decode(predict_ids(model, ex.src)))
        got = {g for g, forms in GENDERED.items() if forms & got_words}
        right += int(got == want)
        counted += 1
    return right / max(counted, 1)


@dataclass(frozen=True)
class Reach:
    """What the encoder–decoder was trained on, for judging a typed input: which English words mark a gender,
    and the longest input."""

    cues: dict[str, str]  # {"boy": "m", "she": "f", …}: words seen only in examples of one gender
    longest: int  # words in the longest training input
    pairs: frozenset[tuple[str, str]]  # neighbouring words in training inputs (see `neighbours`)


def reach(examples, least: int = 5) -> Reach:
    """Words that came, in at least `least` examples, only with one gender's Czech forms; the longest input; and
    which words came next to which.

    A word like "who" or "from" comes with both genders and marks neither; a rarer word is left out rather than
    guessed from a handful of examples."""
    seen: dict[str, set[str]] = {}
    count: dict[str, int] = {}
    for ex in examples:
        genders = {g for g, forms in GENDERED.items() if forms & set(ex.tgt)}
        for w in set(ex.src):
            seen.setdefault(w, set()).update(genders)
            count[w] = count.get(w, 0) + bool(genders)
    cues = {w: next(iter(g)) for w, g in seen.items() if len(g) == 1 and count[w] >= least}
    pairs = frozenset(pair for ex in examples for pair in neighbours(ex.src, cues))
    return Reach(cues, max((len(ex.src) for ex in examples), default=0), pairs)


EDGE = ""  # the start or end of an input, in `neighbours`
SUBJECT = "<subject>"  # any word that marks a gender, in `neighbours`


def neighbours(src, cues: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Each pair of neighbouring words, the first word after EDGE and the last before it; with `cues`, every
    gender-marking word reads as SUBJECT, so "he slept" counts as seen if any subject was followed by "slept"."""
    padded = [EDGE, *(SUBJECT if cues and w in cues else w for w in src), EDGE]
    return list(zip(padded[:-1], padded[1:]))


FORMS = ("sentence", "fragment")


def by_form(examples, form: str) -> list[TaskExample]:
    """The examples of one form: whole sentences, or fragments such as "a boy who likes"."""
    return [ex for ex in examples if ex.form == form]


def form_scores(model: TaskModel, examples) -> dict[str, np.ndarray]:
    """Exact accuracy, gender agreement and count on each form separately (the extras `acc_sentence`, …)."""
    out = {}
    for form in FORMS:
        chosen = by_form(examples, form)
        out[f"acc_{form}"] = np.array(accuracy(model, chosen) if chosen else np.nan)
        out[f"agreement_{form}"] = np.array(agreement(model, chosen) if chosen else np.nan)
        out[f"n_{form}"] = np.array(len(chosen), np.int64)
    return out


LENGTH_BINS = ((2, 4), (5, 6), (7, 8), (9, 11))


def accuracy_by_length(model: TaskModel, examples, bins=LENGTH_BINS) -> tuple[np.ndarray, np.ndarray]:
    """(exact-match accuracy, number of examples) per input-length bin (inclusive bounds)."""
    acc, count = [], []
    for lo, hi in bins:
        chosen = [ex for ex in examples if lo <= len(ex.src) <= hi]
        acc.append(accuracy(model, chosen) if chosen else np.nan)
        count.append(len(chosen))
    return np.array(acc), np.array(count, dtype=np.int64)


# ---------------------------------------------------------------------------- training jobs


@dataclass(frozen=True)
class ShippedTask:
    """A loaded task model with what was measured when it was trained."""

    model: TaskModel
    heldout: float  # accuracy on the test split (train split for the lookup tasks, which have no test split)
    n_eval: int
    evaluated_on: str  # "test" or "train"
    extra: dict[str, np.ndarray] = field(default_factory=dict)  # e.g. accuracy by input length


def fit(kind: str, *, attend: bool = False, seed: int = 0, data_dir: Path = DATA_DIR) -> ShippedTask:
    """Train a task's network on its train split; measure it on the test split (or train, if there is none)."""
    spec, data = SPECS[kind], load_dataset(kind, data_dir)
    vin, vout = vocabularies(data)
    model = seqnets.init_model(kind, vin, vout, spec.hidden, attend=attend, seed=seed)
    model, _ = seqnets.train(
        model, make_batches(model, data.train, spec.batch), epochs=spec.epochs, lr=spec.lr, seed=seed
    )
    on = "test" if data.test else "train"
    examples = data.test or data.train
    return ShippedTask(model, accuracy(model, examples, spec.metric), len(examples), on)


def model_path(kind: str, attend: bool = False, models_dir: Path = MODELS_DIR) -> Path:
    return models_dir / f"seqtask_{kind}{'_attention' if attend else ''}.npz"


def _job(kind: str) -> Callable[[Path], list[Path]]:
    def job(out: Path) -> list[Path]:
        if kind != "encoder_decoder":
            shipped = fit(kind)
            path = model_path(kind, models_dir=out)
            path.write_bytes(save_npz(shipped))
            return [path]
        plain, att = fit(kind), fit(kind, attend=True)
        test = load_dataset(kind).test
        sentences = by_form(test, "sentence")  # the bottleneck is about sentence length
        a_plain, n = accuracy_by_length(plain.model, sentences)
        a_att, _ = accuracy_by_length(att.model, sentences)
        table = _length_table(a_plain, a_att, n)
        plain = replace(
            plain, extra={"agreement": np.array(agreement(plain.model, test)), **form_scores(plain.model, test)}
        )
        att = replace(
            att, extra={**table, "agreement": np.array(agreement(att.model, test)), **form_scores(att.model, test)}
        )
        paths = [model_path(kind, models_dir=out), model_path(kind, True, models_dir=out)]
        paths[0].write_bytes(save_npz(plain))
        paths[1].write_bytes(save_npz(att))
        return paths

    return job


def _length_table(a_plain: np.ndarray, a_att: np.ndarray, n: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "len_lo": np.array([b[0] for b in LENGTH_BINS], np.int64),
        "len_hi": np.array([b[1] for b in LENGTH_BINS], np.int64),
        "acc_plain": a_plain,
        "acc_attention": a_att,
        "n": n,
    }


PRETRAIN_JOBS: dict[str, Callable[[Path], list[Path]]] = {f"seqtask_{k}": _job(k) for k in SPECS}


# ---------------------------------------------------------------------------- save / load


def save_npz(shipped: ShippedTask) -> bytes:
    """A task model as .npz bytes: only numeric arrays and unicode strings, no pickles."""
    m = shipped.model
    buf = io.BytesIO()
    payload: dict[str, Any] = {
        "format": np.array(FORMAT),
        "kind": np.array(m.kind),
        "attention": np.array(m.att is not None),
        "hidden": np.array(m.hidden_size, np.int64),
        "vocab_in": np.array(m.vocab_in.tokens, dtype=str),
        "vocab_out": np.array(m.vocab_out.tokens, dtype=str),
        "heldout": np.array(shipped.heldout),
        "n_eval": np.array(shipped.n_eval, np.int64),
        "evaluated_on": np.array(shipped.evaluated_on),
        **{f"p_{k}": v for k, v in m.arrays().items()},
        **{f"x_{k}": v for k, v in shipped.extra.items()},
    }
    np.savez(buf, **payload)
    return buf.getvalue()


def _scalar(arrays: dict[str, np.ndarray], key: str, kinds: str):
    a = arrays.get(key)
    if a is None or a.shape != () or a.dtype.kind not in kinds:
        raise ValueError(f"The task model file has no valid '{key}' entry.")
    return a.item()


def _vocab(arrays: dict[str, np.ndarray], key: str) -> Vocab:
    a = arrays.get(key)
    if a is None or a.ndim != 1 or a.dtype.kind != "U" or not 1 <= a.size <= 5000:
        raise ValueError(f"The task model file has no valid '{key}'.")
    tokens = tuple(str(t) for t in a)
    if len(set(tokens)) != len(tokens) or "" in tokens:
        raise ValueError(f"'{key}' must hold distinct, non-empty words.")
    return Vocab(tokens)


def load_npz(data: bytes) -> ShippedTask:
    """A task model from .npz bytes, validated (format, kind, vocabularies, every array's shape, finite values)."""
    if len(data) > MAX_FILE_BYTES:
        raise ValueError("The task model file is too large.")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as err:
        raise ValueError(f"This is not a task model file (.npz): {err}") from None
    if _scalar(arrays, "format", "U") != FORMAT:
        raise ValueError(f"Unknown task model format; expected {FORMAT}.")
    kind = _scalar(arrays, "kind", "U")
    if kind not in SPECS:
        raise ValueError(f"Unknown sequence type '{kind}'.")
    attend, hidden = bool(_scalar(arrays, "attention", "b")), int(_scalar(arrays, "hidden", "iu"))
    if not 1 <= hidden <= 256:
        raise ValueError("The hidden size must be between 1 and 256.")
    vin, vout = _vocab(arrays, "vocab_in"), _vocab(arrays, "vocab_out")
    template = seqnets.init_model(kind, vin, vout, hidden, attend=attend and kind == "encoder_decoder")
    expected = template.arrays()
    given = {k[2:]: v for k, v in arrays.items() if k.startswith("p_")}
    if set(given) != set(expected):
        raise ValueError(f"The weights do not match a {kind} network: expected {', '.join(sorted(expected))}.")
    for name, ref in expected.items():
        a = given[name]
        if a.shape != ref.shape or a.dtype.kind != "f":
            raise ValueError(f"{name} has shape {a.shape} ({a.dtype}); expected {ref.shape} floats.")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} contains NaN or infinite values.")
    model = template.with_arrays({k: v.astype(np.float64) for k, v in given.items()})
    extra = {k[2:]: v for k, v in arrays.items() if k.startswith("x_") and v.dtype.kind in "fiu"}
    return ShippedTask(
        model,
        float(_scalar(arrays, "heldout", "f")),
        int(_scalar(arrays, "n_eval", "iu")),
        str(_scalar(arrays, "evaluated_on", "U")),
        extra,
    )


def load_shipped(kind: str, attend: bool = False, models_dir: Path = MODELS_DIR) -> ShippedTask:
    """The shipped model of a task; FileNotFoundError says which command makes it."""
    path = model_path(kind, attend, models_dir)
    if not path.exists():
        raise FileNotFoundError(f"{path.name} is missing: run `python -m visualizer.pretrain seqtask_{kind}`.")
    return load_npz(path.read_bytes())
