"""Pure Plotly builders for the trained sequence-type tasks: each shape's own output space. No Streamlit here.

label_bars          one distribution over a task's labels (one-to-one category, many-to-one verdict)
tag_heatmap         tags x words, p(tag | words so far) in every cell, the chosen tag outlined (many-to-many)
verdict_drift       p(positive) after each word of a review: the hidden state drifting toward the verdict
attention_heatmap   output word x input word, α_ts (each row sums to 1)
length_accuracy     exact translations by input length, without and with attention (the bottleneck)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from visualizer.plots.style import FEEDBACK_COLOUR, H_COLOUR, HIGHLIGHT, figure, heading, short

PLAIN_COLOUR, ATTENTION_COLOUR = FEEDBACK_COLOUR, H_COLOUR
PROB_SCALE = [[0.0, "#f7fbff"], [0.5, "#6baed6"], [1.0, "#08306b"]]


def _labels(tokens: Sequence[str]) -> list[str]:
    """Unique category labels for a row/column axis: 't. word'."""
    return [f"{i}. {short(t)}" for i, t in enumerate(tokens, start=1)]


def label_bars(labels: Sequence[str], probs: np.ndarray, *, title: str, height: int = 220):
    """Horizontal bars of p(label), the chosen (most probable) label in orange, values written on the bars."""
    probs = np.asarray(probs, dtype=float)
    best = int(np.argmax(probs))
    colours = [HIGHLIGHT if i == best else "#bab0ac" for i in range(len(labels))]
    trace = dict(
        type="bar",
        orientation="h",
        x=probs,
        y=list(labels),
        marker=dict(color=colours),
        text=[f"{p:.1%}" for p in probs],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: p = %{x:.4f}<extra></extra>",
        name="p(label)",
    )
    return figure(
        [trace],
        dict(
            title=heading(title),
            xaxis=dict(title=heading("probability"), range=[0, 1.15], tickformat=".0%"),
            yaxis=dict(autorange="reversed", type="category"),
            height=height,
            margin=dict(l=90, r=20, t=40, b=45),
            showlegend=False,
        ),
    )


def tag_heatmap(words: Sequence[str], tags: Sequence[str], P: np.ndarray, *, height: int = 240):
    """Tags down the side, words along the bottom; cell = p(tag) at that word. P is (T, n_tags)."""
    P = np.asarray(P, dtype=float)
    T, K = P.shape
    x = _labels(words)
    trace = dict(
        type="heatmap",
        z=P.T,  # (K, T)
        x=x,
        y=list(tags),
        zmin=0.0,
        zmax=1.0,
        colorscale=PROB_SCALE,
        text=[[f"{P[t, k]:.2f}" for t in range(T)] for k in range(K)],
        texttemplate="%{text}",
        colorbar=dict(title=heading("p"), tickvals=[0, 0.5, 1], thickness=12),
        hovertemplate="word %{x}<br>tag %{y}<br>p = %{z:.4f}<extra></extra>",
        name="p(tag)",
    )
    best = P.argmax(1)
    shapes = [
        dict(type="rect", x0=t - 0.5, x1=t + 0.5, y0=b - 0.5, y1=b + 0.5, line=dict(color=HIGHLIGHT, width=3))
        for t, b in enumerate(best)
    ]
    return figure(
        [trace],
        dict(
            title=heading("p(tag) at every word; the chosen tag outlined"),
            shapes=shapes,
            xaxis=dict(title=heading("word read"), type="category", tickangle=-30 if T > 6 else 0),
            yaxis=dict(title=heading("tag"), type="category", autorange="reversed"),
            height=height,
            margin=dict(l=70, r=20, t=40, b=70),
        ),
    )


def verdict_drift(words: Sequence[str], p_positive: np.ndarray, *, height: int = 240):
    """p(positive) after each word: the same output layer read from every hidden state h_t."""
    p = np.asarray(p_positive, dtype=float)
    x = _labels(words)
    colours = ["#54a24b" if v >= 0.5 else "#e45756" for v in p]
    traces = [
        dict(
            type="scatter",
            x=x,
            y=p,
            mode="lines+markers+text",
            line=dict(color="#888", width=2),
            marker=dict(color=colours, size=11, line=dict(width=1, color="#333")),
            text=[f"{v:.0%}" for v in p],
            textposition="top center",
            cliponaxis=False,
            hovertemplate="after %{x}<br>p(positive) = %{y:.4f}<extra></extra>",
            name="p(positive)",
        )
    ]
    return figure(
        traces,
        dict(
            title=heading("p(positive) after each word (only the last one is the answer)"),
            shapes=[dict(type="line", xref="paper", x0=0, x1=1, y0=0.5, y1=0.5, line=dict(color="#999", dash="dot"))],
            xaxis=dict(title=heading("words read so far"), type="category", tickangle=-30 if len(x) > 6 else 0),
            yaxis=dict(title=heading("p(positive)"), range=[-0.05, 1.12], tickformat=".0%", dtick=0.25),
            height=height,
            margin=dict(l=60, r=20, t=40, b=70),
            showlegend=False,
        ),
    )


def attention_heatmap(in_words: Sequence[str], out_words: Sequence[str], W: np.ndarray, *, height: int = 300):
    """α_ts: one row per output word, one column per input word; each row sums to 1. W is (T_out, S)."""
    W = np.asarray(W, dtype=float)
    T, S = W.shape
    trace = dict(
        type="heatmap",
        z=W,
        x=_labels(in_words),
        y=_labels(out_words),
        zmin=0.0,
        zmax=1.0,
        colorscale=PROB_SCALE,
        text=[[f"{W[t, s]:.2f}" if W[t, s] >= 0.05 else "" for s in range(S)] for t in range(T)],
        texttemplate="%{text}",
        colorbar=dict(title=heading("α"), tickvals=[0, 0.5, 1], thickness=12),
        hovertemplate="writing %{y}<br>looks at %{x}<br>α = %{z:.4f}<extra></extra>",
        name="attention",
    )
    return figure(
        [trace],
        dict(
            title=heading("Attention: where each output word looks (rows sum to 1)"),
            xaxis=dict(title=heading("input word (encoder state s_s)"), type="category", tickangle=-30),
            yaxis=dict(title=heading("output word"), type="category", autorange="reversed"),
            height=height,
            margin=dict(l=110, r=20, t=40, b=80),
        ),
    )


def length_accuracy(
    lo: Sequence[int] | np.ndarray,
    hi: Sequence[int] | np.ndarray,
    acc_plain: np.ndarray,
    acc_attention: np.ndarray,
    n: Sequence[int] | np.ndarray,
):
    """Grouped bars: exact translations per input-length bin, without and with attention."""
    x = [f"{a}–{b} words<br>({k} sentences)" for a, b, k in zip(lo, hi, n)]
    traces = [
        dict(
            type="bar",
            x=x,
            y=np.asarray(acc, dtype=float),
            name=name,
            marker=dict(color=colour),
            text=[f"{v:.0%}" for v in acc],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=name + "<br>%{x}<br>exact: %{y:.1%}<extra></extra>",
        )
        for acc, name, colour in (
            (acc_plain, "without attention (one context vector)", PLAIN_COLOUR),
            (acc_attention, "with attention", ATTENTION_COLOUR),
        )
    ]
    return figure(
        traces,
        dict(
            title=heading("Held-out sentences translated exactly, by input length"),
            barmode="group",
            xaxis=dict(title=heading("input length"), type="category"),
            yaxis=dict(title=heading("exactly right"), range=[0, 1.15], tickformat=".0%"),
            height=300,
            margin=dict(l=60, r=20, t=40, b=60),
            legend=dict(orientation="h", y=-0.35),
        ),
    )
