"""Streamlit views of the proof of memory, shared by Home and Train: the weights a page runs on, memoryless
baselines against the network, contrast prompts side by side, and which earlier tokens matter (occlusion).

The numbers come from visualizer.labs.memory_proof.proof / memory (pure NumPy); the pictures from visualizer.plots.
"""

from __future__ import annotations

from concurrent.futures import Future

import numpy as np
import streamlit as st

from visualizer.data import pretrained, trained_model
from visualizer.labs.memory_proof import memory, proof
from visualizer.plots import memory_figures
from visualizer.serving.workers import ProofWorkers
from visualizer.ui.compute import CACHE, weights_fingerprint
from visualizer.ui.show import show_fig
from visualizer.ui.text import md_escape, show_error

# ---------------------------------------------------------------------------- cached compute


def model_key(model: trained_model.TrainedModel) -> str:
    """A cache key for a model's weights (shipped or the student's, which changes while training)."""
    return f"{model.cell}:{model.level}:{len(model.vocab)}:" + weights_fingerprint(model.params)


MEASURES_KEPT = 64  # proofs of students' models remembered by this process (oldest dropped first)


@st.cache_resource(show_spinner=False)
def proof_workers() -> ProofWorkers:
    """A niced worker process for the proof of memory (it takes up to ~1 s on a character model)."""
    return ProofWorkers()


@st.cache_resource(show_spinner=False)
def _measuring() -> dict[str, Future]:
    """Proofs measured (or being measured) in the background, by model key; shared by every session."""
    return {}


def proofs_pending() -> int:
    """Proofs still being measured on this server (a class that pressed Stop together: up to one per student)."""
    return sum(not f.done() for f in list(_measuring().values()))


def proof_ready(model: trained_model.TrainedModel) -> bool:
    """Start measuring `model`'s proof in the background (once per model); True when it is ready.

    A class pressing Stop together: each Stop answers at once, the proofs queue in the niced worker
    and each is shown when ready."""
    key, futures = model_key(model), _measuring()
    if (future := futures.get(key)) is None:
        futures[key] = future = proof_workers().submit(proof.measure, model)
        for old in list(futures)[:-MEASURES_KEPT]:
            futures.pop(old, None)
    return future.done()


@st.cache_data(**CACHE, show_spinner="Measuring the model against memoryless baselines…")
def proof_cached(key: str, _model: trained_model.TrainedModel) -> proof.Proof:
    if (future := _measuring().get(key)) is not None:  # measured in the background already
        return future.result(timeout=120)
    return proof_workers().call(proof.measure, _model)


@st.cache_data(**CACHE, show_spinner=False)
def contrast_cached(key: str, index: int, _model: trained_model.TrainedModel) -> proof.Contrast:
    return proof.contrast(_model, proof.pairs()[index])  # a few ms: here, not behind a class's proofs


def _occlusion(model: trained_model.TrainedModel, prompt: str, answer: str, other: str) -> memory.Occlusion:
    """Occlusion for the token where `answer` and `other` part (not a space every answer starts with)."""
    ids, _ = pretrained.read_prompt(model, prompt)
    shared, target = memory.decisive_token(model.level, model.vocab, answer, other)
    ids = np.concatenate([ids, shared]).astype(np.int64)
    return memory.occlusion(model, ids, target, replace_with=memory.neutral_token(model))


@st.cache_data(**CACHE, show_spinner=False)
def occlusion_cached(
    key: str, prompt: str, answer: str, other: str, _model: trained_model.TrainedModel
) -> memory.Occlusion:
    return _occlusion(_model, prompt, answer, other)  # a few ms: here, not behind a class's proofs


# ---------------------------------------------------------------------------- views


def proof_metrics(model: trained_model.TrainedModel, *, where=None) -> proof.Proof:
    """Two numbers that show memory: held-out loss against the bigram, contrast accuracy against chance."""
    where = where or st
    p = proof_cached(model_key(model), model)
    left, right = where.columns(2)
    left.metric(
        "Loss on held-out story text",
        f"{p.heldout_loss:.2f} nats/token",
        delta=f"{p.heldout_loss - p.baseline('bigram'):+.2f} vs a bigram (no memory)",
        delta_color="inverse",
        help="Average surprise, −log P(true next token), in nats (natural log: e^(−loss) is the typical probability "
        "given to the true next token), on paragraphs the model never trained on. "
        f"Memoryless models on the same text: unigram {p.baseline('unigram'):.2f}, bigram "
        f"{p.baseline('bigram'):.2f}, last 3 tokens {p.baseline('last 3 tokens'):.2f}.",
    )
    right.metric(
        "Contrast prompts answered right",
        f"{p.network.accuracy:.0%}",
        delta=f"{(p.network.accuracy - p.bigram.accuracy) * 100:+.0f} points vs a bigram",
        help=f"{len(p.pairs)} held-out pairs of prompts that end with the same words and differ earlier. A model "
        "without memory sees the same last words, gives both the same answer, and so is right half the time.",
    )
    return p


def pair_label(pair: memory.ContrastPair) -> str:
    """Where the two prompts of a pair differ, in a few words: 'Mexico / France'."""
    a, b = pair.prompt_a.split(), pair.prompt_b.split()
    diff_a = [x for x, y in zip(a, b) if x != y]
    diff_b = [y for x, y in zip(a, b) if x != y]
    return f"{' '.join(diff_a)} / {' '.join(diff_b)} → …{' '.join(a[-3:])}"


def contrast_view(model: trained_model.TrainedModel, *, key: str, default: int = 0) -> tuple[memory.ContrastPair, int]:
    """Pick a held-out contrast pair; draw the network after both prompts and the bigram beside them.

    Returns the pair and its index.
    """
    pairs = proof.pairs()
    index = st.selectbox(
        "Contrast pair (held out: never trained on)",
        range(len(pairs)),
        index=min(default, len(pairs) - 1),
        format_func=lambda i: pair_label(pairs[i]),
        key=f"{key}_pair",
    )
    pair = pairs[index]
    c = contrast_cached(model_key(model), index, model)
    st.markdown(f"**A:** {md_escape(pair.prompt_a)} …  \n**B:** {md_escape(pair.prompt_b)} …")
    chart = _contrast_chart(c, pair)
    st.altair_chart(chart, width="content")
    st.caption(
        "How to read this: the bars are P(next word) for each language; orange is the right one. Both prompts "
        "end with the same words, so a bigram model (it sees only the last word) gives the same bars for both "
        "and must be wrong on one of them. Only a network that remembers the country can get both right."
    )
    return pair, index


def occlusion_view(model: trained_model.TrainedModel, prompt: str, answer: str, other: str) -> None:
    """Which earlier tokens matter for predicting `answer` after `prompt` (at the token where it parts from
    `other`, the pair's other answer), as a strength per chain column."""
    try:
        occ = occlusion_cached(model_key(model), prompt, answer, other, model)
    except ValueError as err:
        show_error(err)
        return
    show_fig(memory_figures.occlusion_figure(occ.tokens, occ.strength, occ.target, occ.logp))
    stand_in = "the token <unk>" if model.level == "words" else "a space"
    st.caption(
        f"How to read this (occlusion): each bar is how much log P(“{occ.target}”), the first token where "
        f"“{answer}” and “{other}” differ, falls when that one earlier token is replaced "
        f"by {stand_in} and the network reads the prompt again. A tall orange bar far back is memory at work: "
        "the network still uses that token many steps later. Blue bars made the answer less likely."
    )


def memory_section(model: trained_model.TrainedModel | None, *, key: str) -> None:
    """The full proof (Train page): metrics, contrast pair side by side, occlusion on the chain."""
    if model is None:
        st.info("Random weights remember nothing useful: choose a trained model to see what it remembers.")
        return
    proof_metrics(model)
    pair, _ = contrast_view(model, key=key)
    occlusion_view(model, pair.prompt_a, pair.answer_a, pair.answer_b)


def compact_proof(model: trained_model.TrainedModel) -> None:
    """Home's short version: the two numbers, then one held-out contrast pair side by side (as a table of text
    bars: Home loads no chart library; the Train page draws the same numbers as a chart)."""
    proof_metrics(model)
    pair = proof.pairs()[0]
    c = contrast_cached(model_key(model), 0, model)
    st.markdown(f"**A:** {md_escape(pair.prompt_a)} …  \n**B:** {md_escape(pair.prompt_b)} …")
    st.markdown(contrast_table(c, pair))
    st.caption(
        "How to read this: P(next word) after each prompt, as a number and a bar (a full bar is 1); ✓ marks the "
        "right language. The prompts end with the same words, so a model without memory (a bigram reads only the "
        "last word) gives both the same answer. The Train page measures this on every held-out pair and shows "
        "which earlier words the network used."
    )


BAR_CELLS = 10  # a probability of 1 fills ten character cells
_EIGHTHS = " ▏▎▍▌▋▊▉"


def text_bar(p: float) -> str:
    """p in [0, 1] as a bar of block characters, BAR_CELLS wide at p = 1, to an eighth of a cell."""
    eighths = round(min(1.0, max(0.0, float(p))) * BAR_CELLS * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def _bar_cell(p: float) -> str:
    bar = text_bar(p)
    return (f"`{bar}` " if bar else "") + f"{p:.2f}"  # an empty code span would show its backticks


def contrast_table(c: proof.Contrast, pair: memory.ContrastPair) -> str:
    """The contrast pair as a Markdown table: one row per candidate; P(candidate) after A, after B and by the
    bigram, each with a text bar; ✓ on the right answer after each prompt."""
    cols = [("network after A", c.network_a, pair.answer_a), ("network after B", c.network_b, pair.answer_b)]
    cols.append(("bigram, after A or B", c.bigram, ""))
    head = "| next word | " + " | ".join(name for name, _, _ in cols) + " |"
    rows = [head, "|---|" + "---|" * len(cols)]
    for i, cand in enumerate(c.candidates):
        cells = [_bar_cell(float(ps[i])) + (" ✓" if cand == right else "") for _, ps, right in cols]
        rows.append(f"| {md_escape(cand)} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _contrast_chart(c: proof.Contrast, pair: memory.ContrastPair):
    return memory_figures.contrast_chart(
        list(c.candidates),
        {
            "network after A": list(c.network_a),
            "network after B": list(c.network_b),
            "bigram, after A or B": list(c.bigram),
        },
        {"network after A": pair.answer_a, "network after B": pair.answer_b},
    )
