"""The explorer's step views, drawn inside its step fragment: the chain, the forward views (equations or
the gated cell gate by gate, input and output, the states over time, the embedding) and the backward
views (BPTT's equations with numbers, the error per step and the running gradient norm).

Every label goes through the chosen notation (h/W_hh or a/W_aa); the future is hidden while stepping
forward (steps after t are empty), so each step is a real reveal.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from visualizer.content import explorer_notes, gate_notes
from visualizer.labs.explorer import embedding as embedding_lab
from visualizer.labs.explorer import explore, gates
from visualizer.plots import chain as chain_fig
from visualizer.plots import equations, figures, step_figures
from visualizer.plots.notation import at, translate
from visualizer.ui.live_chart import live_fig
from visualizer.ui.live_math import live_latex
from visualizer.ui.show import show_fig
from visualizer.ui.text import md_escape


def _caption(text: str, n: str) -> None:
    st.caption(translate(text, n))


def _latex(lines: list[str]) -> None:
    """Several display equations as one block, kept on the page between steps (only numbers change)."""
    live_latex("\\begin{gathered}" + " \\\\[10pt] ".join(lines) + "\\end{gathered}", key="explorer_equations")


# ---------------------------------------------------------------------------- the chain


def chain(u: explore.Unroll, t: int, n: str, backward: bool):
    """The unrolled chain at step t: forward reveals 1..t; backward shows the error flowing from T to t."""
    T = u.T
    back = None
    if backward:
        back = chain_fig.ChainBackward(u.dh_norm, u.loss_norm, reached=t)
    return chain_fig.unrolled_chain(
        u.enc.tokens,
        u.trace.hs,
        u.trace.probs,
        u.enc.vocab.tokens,
        step=t,
        window=chain_fig.chain_window(T, t),
        X=u.trace.X,
        reveal=None if backward else t,
        backward=back,
        notation=n,
        cs=u.cs,
        predictions=u.predictions(),
    )


def how_to_read(u: explore.Unroll, u_b: explore.Unroll | None, n: str, backward: bool, trained: bool) -> list[str]:
    """How to read each step view, one sentence group per view, in the chosen notation.

    Drawn once per page run beside the player, not inside the step fragment: the text does not
    change with the step, and every markdown element re-sent on a step is redrawn by the browser."""
    out: list[str] = []
    if backward:
        path = "through W_hh" if u.cell == "rnn" else "through the cell's gates and W_h"
        out.append(
            "**The chain.** Back-propagation through time runs right to left. At each step the error of the "
            "prediction, ŷ_t − y_t, enters through W_hy (red arrow down into h_t) and joins what flows back from "
            f"step t+1 {path} (red arrow h_t → h_(t-1)). The number on each h_t and the arrow's width are "
            "‖∂L/∂h_t‖; the last step predicts nothing, so no error enters there. Click a column to jump there."
        )
        if u.steps is not None:
            out.append(
                "**The equations.** δ_t = ∂L/∂h_t has two sources, the step's own error (through W_hy) and the "
                "error from all later steps (through W_hh and f′). What step t adds to each weight gradient is an "
                "outer product; the gradient used to train is the sum over all steps. These numbers are the "
                "library's own backward pass."
            )
        else:
            out.append(
                "**The equations.** ∂L/∂h_t again has the step's own error plus what flows back from step t+1, "
                "here through the gates."
                + (
                    " The memory cell has its own path: ∂L/∂c_(t-1) = f_t ⊙ ∂L/∂c_t + …, scaled only by the forget "
                    "gate."
                    if u.cs is not None
                    else ""
                )
            )
        weight = "W_hh" if u.cell == "rnn" else "W_h"
        out.append(
            f"**The error per step.** Red bars are ‖∂L/∂h_t‖ for the steps reached so far; the black line is "
            f"‖∂L/∂{weight}‖ summed over those steps, building up as the pass moves back. Where the bars shrink "
            "towards the first steps, the gradient is vanishing."
        )
        return [translate(text, n) for text in out]
    memory = " The purple squares are the LSTM's memory cells c_t." if u.cs is not None else ""
    out.append(
        "**The chain.** One column per step, left to right; columns not read yet are empty. Green diamonds are "
        "the inputs, blue boxes the hidden state, yellow circles the predictions. Blue arrows carry h_(t-1) into "
        f"h_t: that is the memory.{memory} A long sequence turns half a view at a time; a faded first column is "
        "the step carried in from before the view. Click a column to jump there; ← → Home End step with the "
        "keyboard."
    )
    if u.cell == "rnn":
        out.append(
            "**The equations.** The first product carries the memory forward, the second brings in the new "
            "input; their sum z_t (plus the bias) goes through f. Large matrices show their first and last rows "
            "and columns."
        )
    untrained = "" if trained else " The weights are random (untrained), so the guesses are not yet good."
    if u.predicted_values() is not None and u.enc.raw_values is not None:
        out.append(
            "**The series.** The green line is the series read so far; each open circle is the network's guess "
            "for the next value, made at the step before it." + untrained
        )
    else:
        if u.enc.E is not None:
            out.append("**The input.** The one-hot o_w picks one column of E: x_t is that short, dense vector.")
        out.append(
            "**The prediction.** The bars are ŷ_t, the network's guess for the next token; the orange bar is the "
            "token that really comes next. "
            + (
                "These are trained weights: a good model puts its tallest bar on the orange one."
                if trained
                else "The weights are random (untrained), so the guesses are arbitrary: watch how they change "
                "with the memory, not whether they are right."
            )
        )
    out.append(
        "**The hidden states.** Each column is h_t, the whole memory after reading that token; each row is one "
        "hidden unit (red positive, blue negative, white zero). Columns not read yet are empty."
        + (" With two sequences the difference is white while they agree." if u_b is not None else "")
    )
    return [translate(text, n) for text in out]


# ---------------------------------------------------------------------------- forward


def forward(u: explore.Unroll, u_b: explore.Unroll | None, t: int, n: str, trained: bool) -> None:
    """The forward views at step t: the step's maths, its input and prediction, the states so far."""
    if u.cell == "rnn":
        _vanilla_equations(u, t, n)
    else:
        cell_view(u, t, n)
    # One frame for the prediction and the states: each frame costs the browser one copy of Plotly.
    memory = " (and the memory c_t)" if u.cs is not None else ""
    st.subheader(translate(f"The prediction at step {t}, and the hidden state h_t over time{memory}", n))
    live_fig([_input_and_output(u, t), *_states(u, u_b, t, n)], key="explorer_views")


def _vanilla_equations(u: explore.Unroll, t: int, n: str) -> None:
    st.subheader(f"The equations at step {t}, with their numbers")
    enc = u.enc
    eqs = equations.step_equations(
        u.params,
        u.trace,
        t,
        notation=n,
        tokens=enc.tokens,
        vocab_tokens=() if u.regression else enc.vocab.tokens,
        ids=enc.ids,
        E=enc.E,
        values=enc.values,
    )
    _latex(eqs.symbolic[:1] + eqs.input + eqs.hidden + eqs.output)
    # A toggle, not an expander: a collapsed expander still renders its KaTeX on every step.
    if st.toggle(
        translate("Show the stacked form: one matrix [W_hh | W_xh] times one vector [h_(t-1); x_t]", n),
        key="explorer_stacked",
    ):
        for line in eqs.symbolic[2:] + eqs.stacked:
            st.latex(line)


def cell_view(u: explore.Unroll, t: int, n: str) -> None:
    """The gated cell at step t, gate by gate: equation with numbers, a bar per unit, a plain sentence."""
    step = gates.cell_step(u.cell, u.trace, t)
    name = "LSTM" if u.cell == "lstm" else "GRU"
    with st.expander(f"Inside the {name} cell at step {t}, gate by gate", expanded=True):
        if u.cell == "gru":
            st.caption("This is " + translate(gate_notes.GRU_VARIANT, n) + ".")
        live_fig(step_figures.gate_bars(step, notation=n), key="explorer_gates")
        eqs = equations.gate_equations(step, notation=n)
        names = {"h_prev": at("h", "t-1", n), "h": at("h", "t", n), "c_prev": at("c", "t-1", n), "c": at("c", "t", n)}
        said = gate_notes.gate_sentences(step, names)
        order = ("f", "i", "g", "o", "c", "h") if u.cell == "lstm" else ("r", "u", "n", "h")
        _latex([eqs[key] for key in order])
        st.markdown("\n".join(f"- {said[key]}" for key in order if key in said))


def _input_and_output(u: explore.Unroll, t: int) -> list:
    """The row of step t's input (for an embedding) and prediction charts."""
    enc, T = u.enc, u.T
    guesses = u.predicted_values()
    if guesses is not None and enc.raw_values is not None:
        return [step_figures.value_predictions(enc.raw_values, guesses, step=t, reveal=t)]
    probs = u.trace.probs
    bars = figures.output_bars(
        probs[t - 1],
        enc.vocab.tokens,
        step=t,
        next_token=enc.tokens[t] if t < T else None,
        ymax=min(1.0, float(np.nanmax(probs)) * 1.1) if np.all(np.isfinite(probs)) else None,
    )
    if enc.E is None:
        return [bars]
    w = int(enc.ids[t - 1])
    vector = figures.input_vector(u.trace.X[t - 1], enc.vocab.tokens, step=t, token=enc.tokens[t - 1], E=enc.E, w=w)
    return [vector, bars]


def _states(u: explore.Unroll, u_b: explore.Unroll | None, t: int, n: str) -> list[list]:
    """Rows of charts of the states up to step t: h_t (beside the second sequence's, and their difference,
    when comparing), then the LSTM's memory c_t."""
    act = getattr(u.trace, "activation", "tanh")
    hs = u.trace.hs[1:]
    rows: list[list] = []
    if u_b is None:
        rows.append([figures.hidden_heatmap(hs, u.enc.tokens, step=t, activation=act, reveal=t, notation=n)])
    else:
        zrange = figures.shared_range(act, hs, u_b.trace.hs[1:])
        rows.append(
            [
                figures.hidden_heatmap(
                    states, tokens, step=t, activation=act, zrange=zrange, title=title, reveal=t, notation=n
                )
                for states, tokens, title in (
                    (hs, u.enc.tokens, "A: your sequence"),
                    (u_b.trace.hs[1:], u_b.enc.tokens, "B: the second sequence"),
                )
            ]
        )
        b_hs = u_b.trace.hs[1 : t + 1]
        rows.append(
            [figures.difference_heatmap(hs[:t], u.enc.tokens[:t], b_hs, u_b.enc.tokens[:t], step=t, activation=act)]
        )
    if u.cs is not None:
        cells = figures.hidden_heatmap(
            u.cs[1:],
            u.enc.tokens,
            step=t,
            activation="linear",
            reveal=t,
            notation=n,
            title="Memory cell c_t over time",
            colorbar_title="c value",
            row_name="c",
            row_title="memory unit",
        )
        rows.append([cells])
    return rows


def embedding(u: explore.Unroll, n: str, trained: bool) -> None:
    """Similar tokens, similar vectors: the embedding (or, for one-hot inputs, the input weights' columns).
    Drawn outside the step fragment: it does not change with the step."""
    vectors = explore.embedding_vectors(u)
    if vectors is None or len(u.enc.vocab) < 3:
        return
    source = "the embedding matrix E" if u.enc.E is not None else translate("the input weights W_xh", n)
    # A toggle, not an expander: nothing is computed or sent until a student asks for it.
    if not st.toggle(f"Which tokens get similar vectors? (from {source})", key="explorer_embedding_show"):
        return
    with st.container(border=True):
        vocab = u.enc.vocab.index
        typed = [w for w in dict.fromkeys(u.enc.tokens) if w in vocab][:8]  # unknown words have no vector
        pairs = [(w, *embedding_lab.nearest(vectors, u.enc.vocab.tokens, w, k=1)[0]) for w in typed]
        # A large vocabulary: name only your tokens and their nearest neighbours (hover shows the rest).
        named = None if len(vocab) <= 40 else {w for w, _, _ in pairs} | {v for _, v, _ in pairs}
        fig = step_figures.embedding_map(vectors, u.enc.vocab.tokens, labelled=named)
        show_fig(fig, key="explorer_embedding")
        rows = [f"| {md_escape(w)} | {md_escape(v)} | {c:.2f} |" for w, v, c in pairs]  # tokens shown literally
        st.markdown("\n".join(["| token | most similar token | cosine similarity |", "|---|---|---|", *rows]))
        chance = embedding_lab.chance_nearest(*vectors.shape)
        kept = embedding_lab.project(vectors).kept
        _caption(explorer_notes.embedding_caption(kept, vectors.shape[1], chance, pairs, trained), n)


# ---------------------------------------------------------------------------- backward


def backward(u: explore.Unroll, t: int, n: str) -> None:
    """The backward step at t: its equations with numbers, then the error per step and the running total."""
    st.subheader(f"Back-propagation through time at step {t}, with its numbers")
    if u.steps is not None:
        _latex(equations.backward_symbolic(n) + equations.backward_equations(u.params, u.steps, t, notation=n))
    else:
        _latex(equations.gated_backward_equations(u.gated, t, notation=n))
    weight = "W_hh" if u.cell == "rnn" else "W_h"
    gated = u.gated
    live_fig(
        step_figures.backward_norms(
            u.dh_norm,
            u.running,
            t,
            dc_norm=None if gated is None else gated.dc_norm,
            notation=n,
            weight=weight,
        ),
        key="explorer_back_norms",
    )
