"""Trace exports and share links."""

import csv
import io
import json
from urllib.parse import parse_qs, urlsplit

import numpy as np

from visualizer import export, state
from visualizer.data import encoding
from visualizer.nn import rnn


def _trace(text="a <b> 🙂 a"):
    enc = encoding.encode_text(text, "words")
    p = rnn.init_params(enc.X.shape[1], 3, len(enc.vocab), seed=1)
    return enc, rnn.forward(p, enc.X)


def test_csv_has_one_row_per_step_and_round_trips_values():
    enc, tr = _trace()
    rows = list(csv.reader(io.StringIO(export.trace_csv(enc.tokens, enc.X, tr.hs, tr.probs, enc.vocab.tokens))))
    header, body = rows[0], rows[1:]
    assert len(body) == len(enc.tokens)
    assert header[:2] == ["t", "token"] and "h[2]" in header
    assert [r[1] for r in body] == list(enc.tokens)
    j = header.index("h[0]")
    np.testing.assert_allclose([float(r[j]) for r in body], tr.hs[1:, 0])


def test_json_keeps_overflow_visible_and_unicode():
    enc, tr = _trace()
    hs = tr.hs.copy()
    hs[2, 1] = np.inf
    doc = json.loads(
        export.trace_json(enc.tokens, enc.X, hs, tr.probs, enc.vocab.tokens, dh=tr.hs[1:], settings={"seed": "1"})
    )
    assert doc["h"][2][1] == "inf"
    assert "🙂" in doc["tokens"] and len(doc["h"]) == len(enc.tokens) + 1
    assert doc["settings"] == {"seed": "1"} and len(doc["dL_dh"]) == len(enc.tokens)


def test_share_url_reopens_the_same_settings():
    vals = {**state.defaults(), "text": "he & she = ?", "step": 4, "activation": "relu"}
    url = export.share_url("http://host/Explorer", vals)
    parts = urlsplit(url)
    assert parts.path == "/Explorer"
    parsed, notices = state.parse({k: v[-1] for k, v in parse_qs(parts.query).items()})
    assert notices == [] and {**state.defaults(), **parsed} == vals
    assert export.share_url("http://host/", state.defaults()) == "http://host/"


def test_next_token_trace_gradients_match_backward():
    enc, tr = _trace("the cat the dog")
    p = rnn.init_params(enc.X.shape[1], 3, len(enc.vocab), seed=1)
    kw = export.next_token_trace(enc.tokens, enc.ids, p, tr, enc.vocab.tokens)
    loss, dl = rnn.cross_entropy(tr.probs[:-1], enc.ids[1:])
    g = rnn.backward(p, rnn.forward(p, enc.X[:-1]), dl)
    # Dropping the last step's (masked) output leaves every earlier dh unchanged.
    np.testing.assert_allclose(kw["dh"][:-1], g.dh, rtol=1e-12, atol=1e-15)
    assert np.all(kw["dh"][-1] == 0)
    header, rows = export.trace_table(**kw)
    assert "dL/dh[0]" in header and len(rows) == 4


def test_gradient_table_has_a_row_per_step_and_logs_of_the_bound():
    from visualizer.labs.gradients import inputs as gradient_inputs
    from visualizer.labs.gradients import measure as gradients

    seq = gradient_inputs.sequence_for("generated", length=30, seed=2)
    exp = gradients.run(
        seq.X,
        seq.tokens,
        seq.target,
        hidden=5,
        seed=2,
        radius=1.5,
        rkind="spectral",
        activation="tanh",
        cell_names=("rnn", "lstm"),
        output_size=seq.V,
    )
    header, rows = export.gradient_table(exp)
    assert header[:4] == ["t", "token", "|dL/dh_t| rnn", "|dL/dh_t| lstm"] and header[-1] == "log10 bound"
    assert len(rows) == 30
    np.testing.assert_allclose([r[2] for r in rows], exp.cells["rnn"].dh_norm)
    assert rows[-1][-1] == 0.0  # the bound is (γσ)^0 = 1 at t = T
    doc = json.loads(export.table_json(header, rows, settings={"radius": "1.5"}))
    assert len(doc["steps"]) == 30 and doc["settings"] == {"radius": "1.5"}
    assert list(csv.reader(io.StringIO(export.table_csv(header, rows))))[0] == header


def test_explorer_trace_names_columns_in_the_notation():
    from visualizer.data import encoding
    from visualizer.labs.explorer import explore

    enc = encoding.encode_text("the cat sat", "words", "onehot")
    u = explore.unroll("lstm", enc, explore.make_params("lstm", enc, 3, seed=0))
    header = export.trace_csv(**export.explorer_trace(u, "a")).splitlines()[0]
    assert "a[0]" in header and "dL/da[2]" in header and "c[0]" in header and "h[" not in header
    doc = json.loads(export.trace_json(**export.explorer_trace(u, "a")))
    assert "a" in doc and "dL_da" in doc and "h" not in doc
    nums = encoding.encode_text("1 2 4", "numbers", "embedding")
    r = explore.unroll("rnn", nums, explore.make_params("rnn", nums, 3))
    assert "yhat (next value)" in export.trace_csv(**export.explorer_trace(r)).splitlines()[0]
