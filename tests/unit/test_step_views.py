"""The explorer's stepped views: hidden future, backward arrows, notation, backward equations, gate views."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io.json
import pytest

from visualizer.data import encoding
from visualizer.labs.explorer import bptt, embedding, gates
from visualizer.nn import cells, rnn
from visualizer.plots import chain, equations, figures, step_figures, tex
from visualizer.plots.notation import at, translate


def _valid(fig: go.Figure) -> go.Figure:
    go.Figure(fig.to_dict())
    return fig


@pytest.fixture(scope="module")
def run():
    enc = encoding.encode_text("the united states of america", "words", "onehot")
    params = rnn.init_params(enc.X.shape[1], 6, len(enc.vocab), seed=0)
    trace = rnn.forward(params, enc.X)
    steps = bptt.backward_steps(params, trace, bptt.next_token_loss(trace, enc.ids).dout)
    return enc, params, trace, steps


def _json(obj):
    """A figure part as JSON data (arrays as lists, keys in any order), to compare two figures by."""
    return json.loads(plotly.io.json.to_json_plotly(obj))


def _named(fig, prefix):
    (tr,) = [t for t in fig.data if (t.name or "").startswith(prefix)]
    return tr


# ---------------------------------------------------------------------------- notation


def test_translate_rewrites_every_symbol_and_leaves_h_notation_alone():
    text = "h_t = f(W_hh h_(t-1) + W_xh x_t + b_h), ŷ_t = softmax(W_hy h_t), h₀, h[2], ∂L/∂h_t, dL/dh[0]"
    a = translate(text, "a")
    for old in ("W_hh", "W_xh", "W_hy", "b_h", "h_t", "h_(t-1)", "h₀", "h[", "∂h_t", "dL/dh"):
        assert old not in a, old
    assert "a⟨t-1⟩" in a and "W_aa" in a and "W_ax" in a and "W_ya" in a and "ŷ⟨t⟩" in a
    assert translate(text, "h") == text
    assert at("h", 3, "a") == "a⟨3⟩" and at("h", "t-1") == "h_(t-1)" and at("c", 2) == "c_2"


# ---------------------------------------------------------------------------- chain


def _labels(fig, prefix: str) -> list[str]:
    """The labels a live chart shows on a row of the chain ("x_t" tokens, "ŷ_t" predictions), column by
    column: "" outside the figure's revealed x range (the frame hides those, as it hides their hover)."""
    trace = _named(fig, prefix)
    _, hi = fig.layout.meta["revealed_x"]
    return [text if x <= hi else "" for x, text in zip(trace.x, trace.text)]


def test_forward_phase_hides_the_future(run):
    enc, _, trace, _ = run
    fig = _valid(chain.unrolled_chain(enc.tokens, trace.hs, trace.probs, enc.vocab.tokens, step=2, reveal=2))
    assert _labels(fig, "x_t") == ["the", "united", "", "", ""]  # the future's tokens are not shown
    assert _labels(fig, "ŷ_t")[2:] == ["", "", ""] and _labels(fig, "ŷ_t")[0].startswith("→ ")
    (cover,) = [s for s in fig.layout.shapes if s.name == "not reached yet"]
    assert cover.x0 == 2.5 and cover.layer == "above" and cover.fillcolor == fig.layout.plot_bgcolor
    outlines = [s for s in fig.layout.shapes if s.name == "not read yet"]  # drawn over the cover
    assert sorted({s.xanchor for s in outlines}) == [3, 4, 5] and len(outlines) == 9
    assert all(s.fillcolor == chain.FUTURE for s in outlines)
    assert fig.layout.meta == {"revealed_x": [-1.0, 2.5]}  # no hover under the cover
    (now,) = [s for s in fig.layout.shapes if s.name == "current state"]
    assert (now.xanchor, now.yanchor, now.fillcolor) == (2, 1, chain.HIGHLIGHT)


def test_stepping_forward_changes_the_layout_only(run):
    """Every step of the forward pass draws the same traces: the browser redraws shapes and labels."""
    enc, _, trace, _ = run
    T = len(enc.tokens)
    figs = [
        chain.unrolled_chain(enc.tokens, trace.hs, trace.probs, enc.vocab.tokens, step=t, reveal=t) for t in (1, 3, T)
    ]
    assert all(_json(f.to_plotly_json()["data"]) == _json(figs[0].to_plotly_json()["data"]) for f in figs)
    assert not [s for s in figs[-1].layout.shapes if s.name in ("not reached yet", "not read yet")]


def test_a_long_sequence_draws_a_block_of_columns_and_slides_the_view():
    T = 100
    tokens = [f"w{i}" for i in range(T)]
    hs, probs = np.zeros((T + 1, 3)), np.full((T, 2), 0.5)
    data, ranges = set(), []
    for t in range(20, 45):
        first, last = chain.chain_window(T, t)
        b0, b1 = chain.chain_block(T, first)
        assert b0 <= first - 1 and last <= b1 <= b0 + 4 * chain.CHAIN_WINDOW - 1  # the view and the column before
        fig = chain.unrolled_chain(tokens, hs, probs, ["a", "b"], step=t, window=(first, last), reveal=t)
        data.add(json.dumps(_json(fig.to_plotly_json()["data"])))
        ranges.append(tuple(fig.layout.xaxis.range))
        assert ranges[-1] == pytest.approx((first - 1.6, last + 0.6))
    assert len(set(ranges)) == 5 and len(data) <= 2  # the view turns every 6 steps; the data change once at most
    names = [s.name for s in fig.layout.shapes]
    assert "before the view" in names  # the step carried in, faded
    back = chain.ChainBackward(np.ones(T), np.ones(T), reached=40)
    fig = chain.unrolled_chain(tokens, hs, probs, ["a", "b"], step=40, window=chain.chain_window(T, 40), backward=back)
    (edge,) = [s for s in fig.layout.shapes if s.name == "out of view"]  # nothing peeks in from the right
    assert edge.x0 == chain.chain_window(T, 40)[1] + 0.5 and fig.layout.meta["revealed_x"][1] == edge.x0


def test_backward_phase_draws_arrows_by_norm_right_to_left(run):
    enc, params, trace, steps = run
    loss_norm = np.linalg.norm(steps.from_output, axis=1)
    back = chain.ChainBackward(steps.dh_norm, loss_norm, reached=3)
    fig = _valid(chain.unrolled_chain(enc.tokens, trace.hs, trace.probs, enc.vocab.tokens, step=3, backward=back))
    red = [t for t in fig.data if t.line is not None and t.line.color == chain.BACK and t.mode == "lines"]
    segments = [(x0, x1) for t in red for x0, x1, _ in zip(t.x[::3], t.x[1::3], t.x[2::3])]
    # Steps 3, 4, 5 are done: three h_t -> h_(t-1) arrows (pointing left) and three loss arrows (vertical).
    assert sum(1 for a, b in segments if b < a) == 3 and sum(1 for a, b in segments if a == b) == 3
    widths = {t.line.width for t in red}
    assert len(widths) >= 2  # widths follow the norms
    hs = _named(fig, "h_t")
    assert list(hs.text[:2]) == ["", ""] and hs.text[2] == f"{steps.dh_norm[2]:.2g}"
    assert "right to left" in fig.layout.title.text


def test_chain_notation_a_has_no_h_symbols(run):
    enc, _, trace, _ = run
    fig = chain.unrolled_chain(enc.tokens, trace.hs, trace.probs, enc.vocab.tokens, step=1, notation="a")
    layout = str(fig.layout.to_plotly_json()) + str([t.hovertemplate for t in fig.data])
    assert "h_t" not in layout and "a⟨t⟩" in layout and "h_%" not in layout


def test_lstm_chain_shows_the_memory_cells():
    spec = cells.CELLS["lstm"]
    p = spec.init(3, 4, 3, seed=0)
    X = encoding.one_hot(np.array([0, 1, 2, 1]), 3)
    tr = spec.forward(p, X)
    fig = _valid(chain.unrolled_chain(list("abcb"), tr.hs, tr.probs, list("abc"), step=2, reveal=2, cs=tr.cs))
    assert list(_named(fig, "c_t").x) == [1.3, 2.3, 3.3, 4.3]  # steps 3 and 4 under the cover
    assert fig.layout.meta == {"revealed_x": [-1.0, 2.5]}
    assert "memory c_t" in list(fig.layout.yaxis.ticktext)


def test_heatmap_reveal_covers_the_future_and_names_none_of_its_tokens(run):
    enc, _, trace, _ = run
    fig = _valid(figures.hidden_heatmap(trace.hs[1:], enc.tokens, step=2, reveal=2, notation="a"))
    (cover,) = [s for s in fig.layout.shapes if s.name == "not reached yet"]
    # opaque, above the cells, over steps 3..5 (category indices 2..4) and the plot's whole height
    assert (cover.x0, cover.x1, cover.yref, cover.y0, cover.y1) == (1.5, 4.5, "paper", 0, 1)
    assert cover.layer == "above" and cover.fillcolor == fig.layout.plot_bgcolor and cover.line.width == 0
    assert cover.opacity in (None, 1)
    assert list(fig.layout.xaxis.ticktext[2:]) == ["3. ·", "4. ·", "5. ·"]  # the future's tokens unnamed
    assert list(fig.layout.xaxis.tickvals) == list(fig.data[0].x)  # a name for every column
    assert fig.layout.meta == {"revealed_x": [-0.5, 1.5]}  # no hover under the cover (live chart)
    assert "h_t" not in fig.layout.title.text and fig.data[0].y[0] == "a[0]"


def test_heatmap_steps_share_their_data_only_the_layout_moves(run):
    """Every step's heatmap holds the same cells, so the browser redraws only the cover and outline."""
    enc, _, trace, _ = run
    two, three = (figures.hidden_heatmap(trace.hs[1:], enc.tokens, step=t, reveal=t) for t in (2, 3))
    assert _json(two.to_plotly_json()["data"]) == _json(three.to_plotly_json()["data"])
    assert two.layout.shapes != three.layout.shapes
    # fixed ranges: a moved shape on an autoranged axis would make Plotly draw the whole chart again
    assert tuple(two.layout.xaxis.range) == (-0.5, 4.5) and tuple(two.layout.yaxis.range) == (5.5, -0.5)
    whole = figures.hidden_heatmap(trace.hs[1:], enc.tokens, step=5, reveal=5)  # nothing left to cover
    assert not [s for s in whole.layout.shapes if s.name == "not reached yet"] and whole.layout.meta is None


# ---------------------------------------------------------------------------- equations


def test_backward_equations_show_the_library_numbers(run):
    _, params, trace, steps = run
    ref = rnn.backward(params, trace, bptt.next_token_loss(trace, run[0].ids).dout)
    lines = equations.backward_equations(params, steps, 2)
    delta = [ln for ln in lines if ln.startswith("\\delta_{2} =")][0]
    shown = [i for i in tex.pick(len(ref.dh[1])) if i is not None]  # a long vector shows a slice
    assert len(shown) >= 4
    for i in shown:
        assert tex.num(ref.dh[1][i]) in delta
    assert "\\Delta\\frac{\\partial L}{\\partial W_{hh}}" in "".join(lines)
    last = equations.backward_equations(params, steps, steps.T)
    assert any("no loss enters here" in ln for ln in last)
    assert any(tex.num(steps.running_W_hh[0], 3) in ln for ln in equations.backward_equations(params, steps, 1))
    a = "".join(equations.backward_equations(params, steps, 2, notation="a") + equations.backward_symbolic("a"))
    assert "W_{hh}" not in a and "W_{aa}" in a


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gate_equations_and_gated_backward_lines(cell):
    spec = cells.CELLS[cell]
    p = spec.init(3, 4, 3, seed=1)
    X = encoding.one_hot(np.array([0, 1, 2, 1]), 3)
    tr = spec.forward(p, X)
    step = gates.cell_step(cell, tr, 3)
    eqs = equations.gate_equations(step, notation="a")
    assert set(eqs) >= {g.key for g in step.gates} | {"h"}
    first = step.gates[0]
    assert tex.num(first.values[0]) in eqs[first.key]
    back = bptt.gated_backward(cell, p, tr, bptt.next_token_loss(tr, np.array([0, 1, 2, 1])).dout)
    lines = equations.gated_backward_equations(back, 2)
    assert ("c_{2}" in "".join(lines)) == (cell == "lstm")


# ---------------------------------------------------------------------------- small figures


def test_embedding_map_and_nearest():
    vecs = np.array([[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.0, 0.0, 1.0]])
    fig = _valid(step_figures.embedding_map(vecs, ["king", "queen", "apple"], highlight="king"))
    assert list(fig.data[0].text) == ["king", "queen", "apple"]
    assert embedding.nearest(vecs, ["king", "queen", "apple"], "king", k=1)[0][0] == "queen"


def test_regression_equations_have_no_softmax():
    from visualizer.labs.explorer import explore

    enc = encoding.encode_text("1 3 2 5", "numbers", "embedding")
    u = explore.unroll("rnn", enc, explore.make_params("rnn", enc, 3))
    e = equations.step_equations(u.params, u.trace, 2, tokens=enc.tokens, ids=enc.ids, values=enc.values)
    assert "softmax" not in "".join(e.output) and tex.num(u.predicted_values()[1], 3) in e.output[0]
    assert "scaled" in e.input[0]


def test_the_output_error_keeps_the_true_token_in_view():
    """ŷ_t − y_t is zero-ish everywhere but at the true next token: that entry is never sliced away."""
    enc = encoding.encode_text("a b c d e f g h i j k a c e g i k", "words", "onehot")  # V = 11: sliced
    params = rnn.init_params(enc.X.shape[1], 6, len(enc.vocab), seed=0)
    trace = rnn.forward(params, enc.X)
    steps = bptt.backward_steps(params, trace, bptt.next_token_loss(trace, enc.ids).dout)
    assert len(enc.vocab) > tex.MAX_SHOWN
    for t in range(1, steps.T):
        e = steps.e[t - 1]
        line = equations.backward_equations(params, steps, t)[0]
        assert tex.num(e[int(np.argmin(e))], 3) in line


def test_backward_equations_keep_the_non_zero_column_and_row_in_view():
    """With a one-hot input only one column of ΔW_xh is non-zero: the slice shown must include it (and
    the true token's row of ΔW_hy), or the student reads a matrix of zeros as "no gradient"."""
    text = " ".join(f"w{i}" for i in range(12))
    enc = encoding.encode_text(text, "words", "onehot")
    params = rnn.init_params(enc.X.shape[1], 6, len(enc.vocab), seed=0)
    trace = rnn.forward(params, enc.X)
    steps = bptt.backward_steps(params, trace, bptt.next_token_loss(trace, enc.ids).dout)
    t = 8  # its token's column is neither among the first three nor the last
    hot = int(enc.ids[t - 1])
    assert 3 <= hot < len(enc.vocab) - 1
    (line,) = [ln for ln in equations.backward_equations(params, steps, t) if "\\partial W_{xh}" in ln]
    shown = steps.contribution(t)["dW_xh"][:, hot]
    assert np.any(shown != 0) and tex.num(float(shown[np.argmax(np.abs(shown))])) in line
