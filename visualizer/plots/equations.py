"""LaTeX for the RNN's equations at one time step, filled in with that step's numbers. Pure: no Streamlit.

    h_t = f(W_hh h_{t-1} + W_xh x_t + b_h)          many courses write a<t> = g(W_aa a<t-1> + W_ax x<t> + b_a)
    ŷ_t = softmax(W_hy h_t + b_y)                              ŷ<t> = g(W_ya a<t> + b_y)
    h_t = f([W_hh | W_xh] [h_{t-1}; x_t] + b_h)     the stacked form: one matrix acting on one long vector

Notation, escaping, numbers and matrix slices come from tex.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from visualizer.content import explorer_notes
from visualizer.plots.tex import (
    ACT_TEX,
    NOTATIONS,
    hidden_mass,
    matrix,
    num,
    pick,
    prob,
    stacked_columns,
    tex_text,
    vector_rows,
)

# ---------------------------------------------------------------------------- the step's equations


@dataclass(frozen=True)
class StepEquations:
    """LaTeX lines for one step. Each is a complete display equation."""

    symbolic: list[str]  # the equations with symbols only
    hidden: list[str]  # the recurrence, term by term, with numbers
    output: list[str]  # the prediction with numbers
    stacked: list[str]  # the stacked form with numbers
    input: list[str]  # what x_t is


def symbolic(notation: str = "h") -> list[str]:
    """The three equations with symbols only."""
    n = NOTATIONS[notation]
    ht, hp, xt = n.at(n.h, "t"), n.at(n.h, "t-1"), n.at("x", "t")
    return [
        f"{ht} = {n.f}\\left({n.W_hh}\\,{hp} + {n.W_xh}\\,{xt} + {n.b_h}\\right)",
        f"{n.yhat('t')} = \\mathrm{{softmax}}\\left({n.W_hy}\\,{ht} + b_y\\right)",
        f"{ht} = {n.f}\\left({n.W_stack}\\,[{hp};\\,{xt}] + {n.b_h}\\right), \\quad "
        f"{n.W_stack} = [\\,{n.W_hh} \\mid {n.W_xh}\\,]",
    ]


def step_equations(
    params,
    trace,
    t: int,
    *,
    notation: str = "h",
    tokens=(),
    vocab_tokens=(),
    ids=None,
    E: np.ndarray | None = None,
    digits: int = 2,
    values=None,
) -> StepEquations:
    """The equations at 1-based step t with the numbers of this unroll.

    With `values` (an encoding.ValueScale) the numbers are read as values: x_t is the scaled value and
    ŷ_t = W_hy h_t + b_y is the predicted next value (regression, no softmax), shown unscaled too.

    Args:
        params: RNNParams (W_xh (H, D), W_hh (H, H), W_hy (V, H), b_h (H,), b_y (V,)).
        trace: RNNTrace of a single sequence: X (T, D), pre (T, H), hs (T+1, H), logits/probs (T, V).
        tokens: the T input tokens; vocab_tokens: the V output labels; ids: (T,) token ids.
        E: (dim, V) embedding matrix when x_t = E o_w.
    """
    n = NOTATIONS[notation]
    T = trace.X.shape[0]
    if not 1 <= t <= T:
        raise ValueError(f"step {t} is outside 1..{T}")
    f = ACT_TEX.get(trace.activation, trace.activation)
    x, h_prev, a, h = trace.X[t - 1], trace.hs[t - 1], trace.pre[t - 1], trace.hs[t]  # (D,) (H,) (H,) (H,)
    z, p = trace.logits[t - 1], trace.probs[t - 1]  # (V,)
    H, D = params.W_hh.shape[0], params.W_xh.shape[1]
    onehot = E is None and len(vocab_tokens) == D and ids is not None
    hot = int(ids[t - 1]) if onehot else None
    ht, hp, xt = n.at(n.h, t), n.at(n.h, t - 1), n.at("x", t)
    with np.errstate(over="ignore", invalid="ignore"):
        hh = params.W_hh @ h_prev  # (H,)
        xh = params.W_xh @ x  # (H,)
    m: dict[str, Any] = dict(digits=digits)
    xcols = pick(D, keep=hot)

    hidden = [
        f"{n.W_hh}\\,{hp} = {matrix(params.W_hh, **m)}{matrix(h_prev, **m)} = {matrix(hh, **m)}",
        f"{n.W_xh}\\,{xt} = {matrix(params.W_xh, cols=xcols, **m)}{matrix(x, rows=xcols, **m)} = {matrix(xh, **m)}",
    ]
    if onehot and hot is not None:
        hidden.append(
            f"\\text{{a one-hot }}{xt}\\text{{ picks column {hot + 1} of }}{n.W_xh}"
            f"\\text{{, the column of “}}{tex_text(vocab_tokens[hot])}\\text{{”}}"
        )
    hidden += [
        f"{n.at('z', t)} = {n.W_hh}\\,{hp} + {n.W_xh}\\,{xt} + {n.b_h} = "
        f"{matrix(hh, **m)} + {matrix(xh, **m)} + {matrix(params.b_h, **m)} = {matrix(a, **m)}",
        f"{ht} = {f}\\left({n.at('z', t)}\\right) = {matrix(h, **m)}",
    ]

    vrows = vector_rows(p)  # the most likely token always in view
    label = ""
    if len(p) and len(vocab_tokens) == len(p) and np.all(np.isfinite(p)):
        best = int(np.argmax(p))
        label = f"\\quad\\text{{most likely next: }}{tex_text(vocab_tokens[best])}\\ (p = {prob(p[best])})"
    output = [
        f"{n.yhat(t)} = \\mathrm{{softmax}}\\left({n.W_hy}\\,{ht} + b_y\\right) = "
        f"\\mathrm{{softmax}}{matrix(z, rows=vrows, **m)} = {matrix(p, rows=vrows, digits=3, tiny=True)}{label}",
    ]
    if mass := hidden_mass(p, vrows):  # a line of its own: the equation above is already wide
        output.append(mass)
    if values is not None:
        guess = float(values.unscale(z[0]))
        output = [
            f"{n.yhat(t)} = {n.W_hy}\\,{ht} + b_y = {num(z[0], 3)}"
            f"\\quad\\text{{(scaled; the predicted next value is }}{num(guess, 3)}\\text{{)}}"
        ]

    cols, seam = stacked_columns(H, D, keep_x=hot)
    W = np.hstack([params.W_hh, params.W_xh])  # (H, H + D)
    v = np.concatenate([h_prev, x])  # (H + D,)
    stacked = [
        f"{n.W_stack} = [\\,{n.W_hh} \\mid {n.W_xh}\\,] = {matrix(W, cols=cols, split=seam, **m)}",
        f"{ht} = {f}\\left({matrix(W, cols=cols, split=seam, **m)}{matrix(v, rows=cols, row_split=seam, **m)}"
        f" + {matrix(params.b_h, **m)}\\right) = {matrix(h, **m)}",
    ]

    tok = tex_text(tokens[t - 1]) if len(tokens) >= t else ""
    # An unknown word is read as the vocabulary's <unk>: name the token the 1 stands for, and the word.
    index = int(ids[t - 1]) if E is not None else hot
    known, unknown = tok, ""
    if index is not None and index < len(vocab_tokens) and len(tokens) >= t and vocab_tokens[index] != tokens[t - 1]:
        known = tex_text(vocab_tokens[index])
        unknown = "\\text{ (“}" + tok + "\\text{” is not in the vocabulary)}"
    if E is not None:
        w = int(ids[t - 1])
        ecols = pick(E.shape[1], keep=w)
        o = np.zeros(E.shape[1])
        o[w] = 1.0
        inp = [
            f"{xt} = E\\,o_w = {matrix(E, cols=ecols, **m)}{matrix(o, rows=ecols, digits=0)} = {matrix(x, **m)}"
            f"\\quad w = {known}{unknown}"
        ]
    elif onehot and hot is not None:
        inp = [
            f"{xt} = o_w = {matrix(x, rows=xcols, digits=0)}"
            f"\\quad\\text{{a 1 at position {hot + 1}: “}}{known}\\text{{”}}{unknown}"
        ]
    elif values is not None:
        inp = [
            f"{xt} = \\frac{{{tok} - {num(values.mean, 3)}}}{{{num(values.std, 3)}}} = {matrix(x, digits=3)}"
            "\\quad\\text{(the value, scaled to mean 0 and spread 1)}"
        ]
    else:
        inp = [f"{xt} = {matrix(x, **m)}\\quad\\text{{(the value itself) }}{tok}"]
    return StepEquations(symbolic(notation), hidden, output, stacked, inp)


# ---------------------------------------------------------------------------- the backward step


def backward_symbolic(notation: str = "h") -> list[str]:
    """BPTT's equations with symbols only: δ_t's two sources and the three weight gradients."""
    n = NOTATIONS[notation]
    d, dn = n.at("\\delta", "t"), n.at("\\delta", "t+1")
    zn, zt = n.at("z", "t+1"), n.at("z", "t")
    yt, hp, ht, xt = n.at("y", "t"), n.at(n.h, "t-1"), n.at(n.h, "t"), n.at("x", "t")
    return [
        f"{d} = \\frac{{\\partial L}}{{\\partial {ht}}} = {n.W_hy}^\\top ({n.yhat('t')} - {yt}) "
        f"+ {n.W_hh}^\\top \\left({n.f}'({zn}) \\odot {dn}\\right)",
        f"\\frac{{\\partial L}}{{\\partial {n.W_hh}}} \\mathrel{{+}}= ({n.f}'({zt}) \\odot {d})\\,{hp}^\\top, \\quad "
        f"\\frac{{\\partial L}}{{\\partial {n.W_xh}}} \\mathrel{{+}}= ({n.f}'({zt}) \\odot {d})\\,{xt}^\\top, \\quad "
        f"\\frac{{\\partial L}}{{\\partial {n.W_hy}}} \\mathrel{{+}}= ({n.yhat('t')} - {yt})\\,{ht}^\\top",
    ]


def backward_equations(params, steps, t: int, *, notation: str = "h", digits: int = 2) -> list[str]:
    """The backward step at 1-based t with this sequence's numbers (bptt.BackwardSteps of the vanilla cell).

    Lines: the error at the output, its share sent into h_t, the share arriving from step t+1, δ_t, and
    the three contributions added to the weight gradients at this step (sliced like the forward matrices).
    """
    n = NOTATIONS[notation]
    T = steps.T
    if not 1 <= t <= T:
        raise ValueError(f"step {t} is outside 1..{T}")
    k = t - 1
    m: dict[str, Any] = dict(digits=digits)
    d, dn = n.at("\\delta", t), n.at("\\delta", t + 1)
    yt, ht, hp, xt = n.at("y", t), n.at(n.h, t), n.at(n.h, t - 1), n.at("x", t)
    e = steps.e[k]
    vrows = vector_rows(e, keep=int(np.argmin(e)) if np.any(e < 0) else None)  # the true token's −(1 − ŷ) in view
    lines = [
        f"{n.yhat(t)} - {yt} = {matrix(e, rows=vrows, digits=3, tiny=True)}"
        + ("\\quad\\text{(the last step predicts nothing: no loss enters here)}" if t == T else ""),
        f"{n.W_hy}^\\top ({n.yhat(t)} - {yt}) = {matrix(steps.from_output[k], **m)}",
    ]
    if t < T:
        lines.append(
            f"{n.W_hh}^\\top \\left({n.f}'({n.at('z', t + 1)}) \\odot {dn}\\right) = "
            f"{matrix(params.W_hh.T, **m)}\\left({matrix(steps.fprime[k + 1], **m)} \\odot "
            f"{matrix(steps.dh[k + 1], **m)}\\right) = {matrix(steps.from_future[k], **m)}"
        )
    else:
        lines.append(f"\\text{{{explorer_notes.later_source(t, T)}}}")
    lines.append(
        f"{d} = {matrix(steps.from_output[k], **m)} + {matrix(steps.from_future[k], **m)} = {matrix(steps.dh[k], **m)}"
        f",\\quad \\lVert {d} \\rVert = {num(float(np.linalg.norm(steps.dh[k])), 3)}"
    )
    c = steps.contribution(t)
    # A one-hot x_t makes one column of ΔW_xh non-zero, and ŷ_t − y_t is largest at the true token: keep
    # that column and that row of ΔW_hy in view (a slice of zeros would read as "no gradient").
    xcols = pick(c["dW_xh"].shape[1], keep=int(np.argmax(np.abs(c["dW_xh"]).sum(axis=0))))
    lines += [
        f"\\Delta\\frac{{\\partial L}}{{\\partial {n.W_hh}}} = ({n.f}'({n.at('z', t)}) \\odot {d})\\,{hp}^\\top = "
        f"{matrix(steps.dz[k], **m)}{matrix(steps.hs[k][None, :], **m)} = {matrix(c['dW_hh'], **m)}",
        f"\\Delta\\frac{{\\partial L}}{{\\partial {n.W_xh}}} = ({n.f}'({n.at('z', t)}) \\odot {d})\\,{xt}^\\top = "
        f"{matrix(c['dW_xh'], cols=xcols, **m)}",
        f"\\Delta\\frac{{\\partial L}}{{\\partial {n.W_hy}}} = ({n.yhat(t)} - {yt})\\,{ht}^\\top = "
        f"{matrix(c['dW_hy'], rows=vrows, **m)}",
        f"\\Big\\lVert \\textstyle\\sum_{{s={t}}}^{{{T}}} \\Delta\\frac{{\\partial L}}{{\\partial {n.W_hh}}}"
        f"\\Big\\rVert = {num(steps.running_W_hh[k], 3)}" + ("\\quad\\text{(the whole gradient)}" if t == 1 else ""),
    ]
    return lines


def gated_backward_equations(back, t: int, *, notation: str = "h", digits: int = 2) -> list[str]:
    """The backward step of a gated cell at 1-based t: ∂L/∂h_t (and ∂L/∂c_t) with numbers (bptt.GatedBackward)."""
    n = NOTATIONS[notation]
    k = t - 1
    ht = n.at(n.h, t)
    lines = [
        f"\\frac{{\\partial L}}{{\\partial {ht}}} = {n.W_hy}^\\top ({n.yhat(t)} - {n.at('y', t)}) + "
        f"\\text{{({explorer_notes.later_source(t, back.dh.shape[0])})}} = {matrix(back.from_output[k], digits=digits)} + "
        f"{matrix(back.dh[k] - back.from_output[k], digits=digits)} = {matrix(back.dh[k], digits=digits)}",
        f"\\lVert \\partial L/\\partial {ht} \\rVert = {num(back.dh_norm[k], 3)}",
    ]
    if back.dc is not None:
        ct = n.at("c", t)
        lines.append(
            f"\\frac{{\\partial L}}{{\\partial {ct}}} = {matrix(back.dc[k], digits=digits)},\\quad "
            f"\\lVert \\partial L/\\partial {ct} \\rVert = {num(back.dc_norm[k], 3)}"
            "\\quad\\text{(the memory path: only the forget gate scales it from step to step)}"
        )
    lines.append(
        f"\\Big\\lVert \\textstyle\\sum_{{s={t}}}^{{T}} \\Delta\\frac{{\\partial L}}{{\\partial {n.W_stack}}}\\Big\\rVert"
        f" = {num(back.running_W_h[k], 3)}"
    )
    return lines


# ---------------------------------------------------------------------------- the gates of a gated cell


def gate_equations(step, *, notation: str = "h", digits: int = 2) -> dict[str, str]:
    """One LaTeX line per gate of a gates.CellStep, with the step's values, keyed like the gates."""
    n = NOTATIONS[notation]
    t = step.t
    hp, ht, xt = n.at(n.h, t - 1), n.at(n.h, t), n.at("x", t)
    stack = f"[{hp};\\,{xt}]"

    def v(key: str) -> str:
        return matrix(step.gate(key).values, digits=digits)

    def g(key: str) -> str:
        return n.at(key, t)

    if step.cell == "lstm":
        cp, ct = n.at("c", t - 1), n.at("c", t)
        return {
            "f": f"{g('f')} = \\sigma(W_f\\,{stack} + b_f) = {v('f')}",
            "i": f"{g('i')} = \\sigma(W_i\\,{stack} + b_i) = {v('i')}",
            "g": f"{g('g')} = \\tanh(W_g\\,{stack} + b_g) = {v('g')}",
            "o": f"{g('o')} = \\sigma(W_o\\,{stack} + b_o) = {v('o')}",
            "c": f"{ct} = {g('f')} \\odot {cp} + {g('i')} \\odot {g('g')} = {v('f')} \\odot "
            f"{matrix(step.c_prev, digits=digits)} + {v('i')} \\odot {v('g')} = {matrix(step.c, digits=digits)}",
            "h": f"{ht} = {g('o')} \\odot \\tanh({ct}) = {matrix(step.h, digits=digits)}",
        }
    return {
        "r": f"{g('r')} = \\sigma(W_r\\,{stack} + b_r) = {v('r')}",
        "u": f"{g('u')} = \\sigma(W_u\\,{stack} + b_u) = {v('u')}",
        "n": f"{g('n')} = \\tanh(W_{{xn}}\\,{xt} + W_{{{n.h}n}}\\,({g('r')} \\odot {hp}) + b_n) = {v('n')}",
        "h": f"{ht} = {g('u')} \\odot {hp} + (1 - {g('u')}) \\odot {g('n')} = {v('u')} \\odot "
        f"{matrix(step.h_prev, digits=digits)} + (1 - {v('u')}) \\odot {v('n')} = {matrix(step.h, digits=digits)}",
    }
