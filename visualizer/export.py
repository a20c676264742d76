"""Exports of the current computation: the trace as CSV and JSON, and share links.

Pure: returns strings; the page hands them to a download button.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import numpy as np

from visualizer import state


def _num(x: float) -> float | str | None:
    """JSON has no inf/NaN: write them as strings so an overflow stays visible."""
    x = float(x)
    return x if math.isfinite(x) else ("NaN" if math.isnan(x) else ("inf" if x > 0 else "-inf"))


def trace_table(
    tokens,
    X: np.ndarray,
    hs: np.ndarray,
    probs: np.ndarray,
    vocab_tokens,
    dh: np.ndarray | None = None,
    *,
    notation: str = "h",
    cs: np.ndarray | None = None,
    outputs: str = "p",
) -> tuple[list[str], list[list[Any]]]:
    """One row per time step: t, token, x_t, h_t ([c_t]), p_t (and dL/dh_t when given).

    Args:
        X: (T, D) inputs; hs: (T+1, H) with h_0 first; probs: (T, V); dh: (T, H) or None.
        notation: "h" names the state columns h[j], dL/dh[j]; "a" names them a[j], dL/da[j].
        cs: (T+1, H) LSTM memory cells, written as c[j]. outputs: "p" (probabilities) or "yhat" (values).
    """
    T, D = X.shape
    H = hs.shape[1]
    s = "a" if notation == "a" else "h"
    header = ["t", "token"] + [f"x[{i}]" for i in range(D)] + [f"{s}[{j}]" for j in range(H)]
    if cs is not None:
        header += [f"c[{j}]" for j in range(H)]
    header += [f"p({tok})" for tok in vocab_tokens] if outputs == "p" else ["yhat (next value)"]
    if dh is not None:
        header += [f"dL/d{s}[{j}]" for j in range(H)]
    rows = []
    for t in range(T):
        row: list[Any] = [t + 1, tokens[t], *X[t].tolist(), *hs[t + 1].tolist()]
        row += cs[t + 1].tolist() if cs is not None else []
        row += probs[t].tolist()
        if dh is not None:
            row += dh[t].tolist()
        rows.append(row)
    return header, rows


def trace_csv(*args, **kwargs) -> str:
    """The trace table as CSV text."""
    return table_csv(*trace_table(*args, **kwargs))


def trace_json(
    tokens,
    X,
    hs,
    probs,
    vocab_tokens,
    dh=None,
    settings: Mapping[str, Any] | None = None,
    *,
    notation: str = "h",
    cs=None,
    outputs: str = "p",
) -> str:
    """The trace as JSON: settings, vocabulary, and per-step arrays (h_0 included), keys in the notation."""

    def arr(a):
        return [[_num(v) for v in row] for row in np.asarray(a).reshape(len(a), -1)]

    s = "a" if notation == "a" else "h"
    doc = {
        "settings": dict(settings or {}),
        "tokens": list(tokens),
        "vocab": list(vocab_tokens),
        "x": arr(X),
        s: arr(hs),
        "probs" if outputs == "p" else "yhat": arr(probs),
    }
    if cs is not None:
        doc["c"] = arr(cs)
    if dh is not None:
        doc[f"dL_d{s}"] = arr(dh)
    return json.dumps(doc, ensure_ascii=False, indent=1)


def explorer_trace(u, notation: str = "h") -> dict[str, Any]:
    """Keyword arguments for trace_csv/trace_json from an explore.Unroll: its states, outputs and ∂L/∂h_t
    (next-item loss), with columns named in the notation; LSTM memory cells and regression values included."""
    enc = u.enc
    regression = enc.regression
    return dict(
        tokens=enc.tokens,
        X=u.trace.X,
        hs=u.trace.hs,
        probs=u.trace.logits if regression else u.trace.probs,
        vocab_tokens=() if regression else enc.vocab.tokens,
        dh=None if u.trace.overflowed else u.dh,
        notation=notation,
        cs=u.cs,
        outputs="yhat" if regression else "p",
    )


def next_token_trace(tokens, ids, params, trace, vocab_tokens) -> dict[str, Any]:
    """Keyword arguments for trace_csv/trace_json, with dL/dh_t for next-token prediction
    (the loss of predicting token t+1 from h_t, summed over the steps that have a next token)."""
    from visualizer.nn import rnn

    T = len(tokens)
    dh = None
    if T > 1 and not trace.overflowed:
        targets = np.append(np.asarray(ids[1:]), 0)
        mask = np.r_[np.ones(T - 1), 0.0]
        _, dlogits = rnn.cross_entropy(trace.probs, targets, mask)
        dh = rnn.backward(params, trace, dlogits).dh
    return dict(tokens=tokens, X=trace.X, hs=trace.hs, probs=trace.probs, vocab_tokens=vocab_tokens, dh=dh)


def gradient_table(exp) -> tuple[list[str], list[list[Any]]]:
    """One row per step of a gradients.Experiment: ‖dL/dh_t‖ per cell, and for the vanilla cell
    log10 ‖dh_T/dh_t‖ and log10 of the Pascanu bound (logs, because both leave float64's range)."""
    names = list(exp.cells)
    header = ["t", "token"] + [f"|dL/dh_t| {n}" for n in names]
    if exp.jacobian is not None:
        header += ["log10 |dh_T/dh_t|", "log10 bound"]
    rows = []
    for t in range(exp.T):
        row: list[Any] = [t + 1, exp.tokens[t]] + [float(exp.cells[n].dh_norm[t]) for n in names]
        if exp.jacobian is not None:
            row += [float(exp.jacobian.log10_norm[t]), float(exp.jacobian.log10_bound[t])]
        rows.append(row)
    return header, rows


def table_csv(header: list[str], rows: list[list[Any]]) -> str:
    """A header and rows as CSV text, quoted properly so any token is safe."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def table_json(header: list[str], rows: list[list[Any]], settings: Mapping[str, Any] | None = None) -> str:
    """The same table as JSON records; inf/NaN written as strings so they stay visible."""
    records = [{h: (_num(v) if isinstance(v, float) else v) for h, v in zip(header, row)} for row in rows]
    return json.dumps({"settings": dict(settings or {}), "steps": records}, ensure_ascii=False, indent=1)


def share_url(base: str | None, settings: Mapping[str, Any]) -> str:
    """The address that reopens this exact view: the page URL plus the non-default settings."""
    query = urlencode(state.to_query(settings))
    base = base or ""
    return f"{base}?{query}" if query else base
