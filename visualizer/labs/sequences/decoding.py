"""Decoding with a trained encoder–decoder: teacher forcing vs free running, greedy vs beam search.

The decoder is the cell of seqnets.py: h_0 = s_S (the encoder's last state), then at every step

    h_t = tanh(W_hh h_{t-1} + W_xh onehot(y_{t-1}) + b_h),   p_t = softmax(W_hy h_t + b_y)
    (with attention: p_t = softmax(W_hy tanh(W_c [c_t; h_t] + b_c) + b_y), c_t = sum_s alpha_ts s_s)

and y_0 = <start>. What differs is the word y_{t-1} it reads:

    teacher forcing   the reference word (what training does: every step sees the true previous word)
    free running      its own previous choice (what inference does: a mistake is read back in, and the steps
                      after it are conditioned on a sentence the model never saw in training)

Greedy decoding takes argmax p_t at each step. Beam search of width k keeps the k prefixes with the highest
log-probability log P(y_1..y_t | x) = sum_t log p_t[y_t]; a prefix that writes <end> is finished and competes
with the open ones on that same score. Width 1 is greedy. A wider beam usually finds a translation at least as probable;
beam search does not promise it in general (a prefix that looks better early can push out one that ends
better), so the page compares the scores it measured rather than asserting it.
Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.data.encoding import one_hot
from visualizer.labs.sequences.seqnets import END, START, TaskModel
from visualizer.nn import attention, rnn

MAX_WIDTH = 5  # the widest beam the page offers
MAX_DECODE = 20  # a translation stops here if <end> never comes


# ---------------------------------------------------------------------------- one decoder step


@dataclass(frozen=True)
class Encoded:
    """What the decoder needs from the encoder: its start state and (for attention) every encoder state."""

    h0: np.ndarray  # (H,) the context: the encoder's last state
    states: np.ndarray  # (S, H) every encoder state s_1..s_S


def encode(model: TaskModel, src: np.ndarray) -> Encoded:
    """Run the encoder over the word ids `src` (S,)."""
    if model.kind != "encoder_decoder" or model.dec is None:
        raise ValueError("decoding needs an encoder–decoder model")
    tr = rnn.forward(model.enc, one_hot(np.asarray(src, dtype=np.int64), len(model.vocab_in)))
    return Encoded(tr.hs[-1], tr.hs[1:])


def step(model: TaskModel, enc: Encoded, h: np.ndarray, prev: int) -> tuple[np.ndarray, np.ndarray]:
    """One decoder step from state h after reading word id `prev`: (h_t (H,), p_t (V,))."""
    assert model.dec is not None, "an encoder–decoder has a decoder"
    _, h_new, _, p = rnn.step(model.dec, h, one_hot(int(prev), len(model.vocab_out)))
    if model.att is not None:
        p = attention.forward(model.att, enc.states, h_new[None]).probs[0]
    return h_new, p


def _log(p: float) -> float:
    return float(np.log(p)) if p > 0 else float("-inf")


# ---------------------------------------------------------------------------- teacher forcing vs free running


@dataclass(frozen=True)
class Pass:
    """One decoding pass, step by step (step t writes the t-th output word)."""

    reads: tuple[int, ...]  # (N,) the word id read at each step (<start>, then reference or own words)
    writes: tuple[int, ...]  # (N,) the argmax word id written at each step
    p_written: tuple[float, ...]  # (N,) its probability
    p_reference: tuple[float, ...]  # (N,) the probability of the reference word at that step (nan past its end)


def teacher_forced(model: TaskModel, src: np.ndarray, reference: np.ndarray) -> Pass:
    """Each step reads the reference's previous word; `reference` ends with <end> (ids)."""
    enc, start = encode(model, src), model.vocab_out.index[START]
    reads = [start, *(int(r) for r in reference[:-1])]
    h, writes, p_w, p_r = enc.h0, [], [], []
    for t, prev in enumerate(reads):
        h, p = step(model, enc, h, prev)
        writes.append(int(np.argmax(p)))
        p_w.append(float(p.max()))
        p_r.append(float(p[int(reference[t])]))
    return Pass(tuple(reads), tuple(writes), tuple(p_w), tuple(p_r))


def free_running(model: TaskModel, src: np.ndarray, reference: np.ndarray, *, max_len: int = MAX_DECODE) -> Pass:
    """Each step reads the model's own previous word (greedy), until <end> or `max_len` words."""
    enc, end = encode(model, src), model.vocab_out.index[END]
    prev, h = model.vocab_out.index[START], enc.h0
    reads, writes, p_w, p_r = [], [], [], []
    for t in range(max_len):
        h, p = step(model, enc, h, prev)
        reads.append(prev)
        prev = int(np.argmax(p))
        writes.append(prev)
        p_w.append(float(p.max()))
        p_r.append(float(p[int(reference[t])]) if t < len(reference) else float("nan"))
        if prev == end:
            break
    return Pass(tuple(reads), tuple(writes), tuple(p_w), tuple(p_r))


def first_mistake(written, reference) -> int | None:
    """0-based position of the first written word that differs from the reference (a missing or extra word
    counts), or None when the two are equal."""
    written, reference = list(written), list(reference)
    for t, (a, b) in enumerate(zip(written, reference)):
        if a != b:
            return t
    return None if len(written) == len(reference) else min(len(written), len(reference))


def mistakes(written, reference) -> tuple[int, ...]:
    """0-based positions where the written word differs from the reference word at the same position
    (positions past the shorter sequence count as mistakes)."""
    written, reference = list(written), list(reference)
    return tuple(
        t
        for t in range(max(len(written), len(reference)))
        if t >= min(len(written), len(reference)) or written[t] != reference[t]
    )


@dataclass(frozen=True)
class Comparison:
    """The same sentence decoded both ways against its reference."""

    reference: tuple[int, ...]  # (N,) ids, ending with <end>
    forced: Pass
    free: Pass

    @property
    def forced_mistakes(self) -> tuple[int, ...]:
        return mistakes(self.forced.writes, self.reference)

    @property
    def free_mistakes(self) -> tuple[int, ...]:
        return mistakes(self.free.writes, self.reference)

    @property
    def first_free_mistake(self) -> int | None:
        return first_mistake(self.free.writes, self.reference)

    @property
    def propagated(self) -> tuple[int, ...]:
        """Positions after the first free-running mistake that are wrong running free but right under teacher
        forcing: errors that come from reading its own earlier mistake, not from the model's knowledge."""
        first = self.first_free_mistake
        if first is None:
            return ()
        forced_wrong = set(self.forced_mistakes)
        return tuple(t for t in self.free_mistakes if t > first and t not in forced_wrong)


def compare(model: TaskModel, src: np.ndarray, reference: np.ndarray) -> Comparison:
    """Teacher forcing and free running on one sentence; `reference` are the target ids ending with <end>."""
    reference = np.asarray(reference, dtype=np.int64)
    return Comparison(
        tuple(int(r) for r in reference), teacher_forced(model, src, reference), free_running(model, src, reference)
    )


# ---------------------------------------------------------------------------- beam search


@dataclass(frozen=True)
class Node:
    """One prefix kept in the beam after a step."""

    step: int  # 1-based: the number of words written
    word: int  # the word id written last
    score: float  # log P(y_1..y_step | x)
    parent: int  # index of the parent in the previous step's list (-1: the root, <start>)
    rank: int  # 0 = the best prefix kept at this step
    finished: bool  # the word is <end>


@dataclass(frozen=True)
class Beam:
    """A beam search: the prefixes kept at every step (a tree) and the best finished translation."""

    width: int
    levels: tuple[tuple[Node, ...], ...]  # levels[t-1]: the nodes kept after step t, best first
    best: tuple[int, ...]  # word ids of the best translation, ending with <end> if it finished
    best_score: float  # its log-probability
    best_path: tuple[tuple[int, int], ...]  # (step, index in that level) of each of its nodes

    def words(self, model: TaskModel) -> list[str]:
        return model.vocab_out.decode(list(self.best))


def beam_search(model: TaskModel, src: np.ndarray, width: int, *, max_len: int = MAX_DECODE) -> Beam:
    """Beam search of `width` (1..MAX_WIDTH) over the decoder; ties go to the lower word id, as argmax does.

    A finished prefix stays in the beam (it competes on its score and is not extended); the search stops
    when every kept prefix is finished or after `max_len` words. The answer is the best finished prefix, or
    the best open one if none finished."""
    if not 1 <= width <= MAX_WIDTH:
        raise ValueError(f"the beam width must be between 1 and {MAX_WIDTH}")
    enc, end, V = encode(model, src), model.vocab_out.index[END], len(model.vocab_out)
    # Each open entry: (score, state h, last word, finished, index in the previous level)
    beam: list[tuple[float, np.ndarray, int, bool, int]] = [(0.0, enc.h0, model.vocab_out.index[START], False, -1)]
    levels: list[tuple[Node, ...]] = []
    for t in range(1, max_len + 1):
        cands: list[tuple[float, int, int, np.ndarray]] = []  # (score, parent index, word, state)
        for i, (score, h, word, done, _) in enumerate(beam):
            if done:
                cands.append((score, i, word, h))
                continue
            h_new, p = step(model, enc, h, word)
            logp = np.log(np.maximum(p, 1e-300))
            for w in range(V):
                cands.append((score + float(logp[w]), i, w, h_new))
        # best first; ties: the earlier parent, then the lower word id (argmax's choice)
        order = sorted(range(len(cands)), key=lambda k: (-cands[k][0], cands[k][1], cands[k][2]))[:width]
        new_beam, level = [], []
        for rank, k in enumerate(order):
            score, parent, word, h = cands[k]
            done = beam[parent][3] or word == end  # a finished prefix is carried on unchanged
            new_beam.append((score, h, word, done, parent))
            level.append(Node(t, word, score, parent, rank, done))
        levels.append(tuple(level))
        beam = new_beam
        if all(b[3] for b in beam):
            break
    finished = [i for i, b in enumerate(beam) if b[3]]
    pick = finished[0] if finished else 0  # the beam is sorted best first
    path, ids = [], []
    i = pick
    for t in range(len(levels), 0, -1):
        node = levels[t - 1][i]
        path.append((t, i))
        i = node.parent
    # a finished prefix carried to later levels repeats its last word: keep each written word once
    for t, i in reversed(path):
        node = levels[t - 1][i]
        parent_node = levels[t - 2][node.parent] if t > 1 else None
        if parent_node is not None and parent_node.finished:
            continue
        ids.append(node.word)
    path = [(t, i) for t, i in reversed(path)]
    return Beam(width, tuple(levels), tuple(ids), float(beam[pick][0]), tuple(path))


def sequence_logprob(model: TaskModel, src: np.ndarray, ids) -> float:
    """log P(ids | src) under the model, teacher-forcing the ids (the score beam search ranks by)."""
    enc = encode(model, src)
    h, prev, total = enc.h0, model.vocab_out.index[START], 0.0
    for w in ids:
        h, p = step(model, enc, h, prev)
        total += _log(float(p[int(w)]))
        prev = int(w)
    return total


def prefixes(beam: Beam, model: TaskModel) -> list[list[list[str]]]:
    """Per step, per kept node: the whole prefix it stands for, as words (a carried finished prefix once)."""
    out: list[list[list[str]]] = []
    for t, level in enumerate(beam.levels):
        row = []
        for node in level:
            before = out[t - 1][node.parent] if t > 0 else []
            carried = t > 0 and beam.levels[t - 1][node.parent].finished
            row.append(before if carried else [*before, model.vocab_out.tokens[node.word]])
        out.append(row)
    return out


# ---------------------------------------------------------------------------- which sentence to show


@dataclass(frozen=True)
class HeldOut:
    """Every held-out sentence decoded both ways: which are wrong running free, and the one to show."""

    wrong: tuple[int, ...]  # 0-based indices of the sentences with a free-running mistake
    total: int

    def pick(self, chosen: int) -> tuple[int, bool]:
        """(0-based index to show, chosen automatically): `chosen` is 1-based, 0 = the first wrong one."""
        if 1 <= chosen <= self.total:
            return chosen - 1, False
        return (self.wrong[0] if self.wrong else 0), True


def held_out(model: TaskModel, examples) -> HeldOut:
    """Decode every example (src words, tgt words) running free and note which ones differ from the reference."""
    wrong = []
    for i, ex in enumerate(examples):
        src = model.vocab_in.encode(list(ex.src), unknown="unk")
        ref = model.vocab_out.encode([*ex.tgt, END]) if _known(model, ex.tgt) else None
        if ref is None or first_mistake(free_running(model, src, ref).writes, ref) is not None:
            wrong.append(i)
    return HeldOut(tuple(wrong), len(examples))


def _known(model: TaskModel, words) -> bool:
    return all(w in model.vocab_out.index for w in words)
