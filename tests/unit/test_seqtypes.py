"""Sequence types: the cell run in each mode, and the diagram drawn for each type and length."""

import numpy as np
import plotly.graph_objects as go
import pytest

from visualizer.data import encoding
from visualizer.nn import rnn
from visualizer.labs.sequences import seqtypes
from visualizer.plots.seqtype_figures import (
    TRACE_FEEDBACK,
    TRACE_HIDDEN,
    TRACE_INPUT,
    TRACE_OUTPUT,
    TRACE_START,
    type_diagram,
    visible_steps,
)
from visualizer.content import seqtype_gallery

TEXT = "a girl who likes football went home"


def _setup(text=TEXT, mode="words", representation="onehot", hidden=5, seed=3):
    enc = encoding.encode_text(text, mode, representation, embed_dim=4, seed=seed)
    params = rnn.init_params(enc.X.shape[1], hidden, len(enc.vocab), seed=seed)
    return enc, params


def _trace(fig: go.Figure, name: str):
    (tr,) = [t for t in fig.data if t.name == name]
    return tr


# ---------------------------------------------------------------------------- layout


@pytest.mark.parametrize(
    "kind,T,outlen,n_in,n_out,n_steps",
    [
        ("one_to_one", 5, 3, 1, 1, 1),
        ("one_to_many", 5, 3, 1, 3, 3),
        ("many_to_one", 5, 3, 5, 1, 5),
        ("many_to_many", 5, 3, 5, 5, 5),
        ("encoder_decoder", 4, 3, 4, 3, 7),
    ],
)
def test_layout_counts(kind, T, outlen, n_in, n_out, n_steps):
    lay = seqtypes.layout(kind, T, outlen)
    assert (lay.n_inputs, lay.n_outputs, lay.n_steps) == (n_in, n_out, n_steps)


def test_layout_rejects_unknown_type_and_empty():
    with pytest.raises(ValueError, match="unknown sequence type"):
        seqtypes.layout("two_to_two", 3, 3)
    with pytest.raises(ValueError, match="at least 1"):
        seqtypes.layout("many_to_one", 0, 3)


def test_encoder_decoder_layout_marks_context_and_decoder():
    lay = seqtypes.layout("encoder_decoder", 4, 3)
    assert lay.context_step == 3
    assert lay.decoder == (False,) * 4 + (True,) * 3
    assert lay.source[4] == seqtypes.START and lay.source[5:] == (seqtypes.FEEDBACK,) * 2
    assert lay.emits == (False,) * 4 + (True,) * 3


# ---------------------------------------------------------------------------- running the cell


def test_many_to_one_output_is_forwards_last_output():
    enc, params = _setup()
    res = seqtypes.run("many_to_one", enc, params)
    tr = rnn.forward(params, enc.X)
    np.testing.assert_array_equal(res.probs[-1], tr.probs[-1])
    np.testing.assert_array_equal(res.hs, tr.hs)
    assert res.outputs == [enc.vocab.tokens[int(np.argmax(tr.probs[-1]))]]
    assert list(res.out_ids[:-1]) == [-1] * (len(enc.tokens) - 1)


def test_aligned_many_to_many_equals_forward():
    enc, params = _setup()
    res = seqtypes.run("many_to_many", enc, params, activation="sigmoid")
    tr = rnn.forward(params, enc.X, activation="sigmoid")
    np.testing.assert_array_equal(res.hs, tr.hs)
    np.testing.assert_array_equal(res.probs, tr.probs)
    assert res.outputs == enc.vocab.decode(np.argmax(tr.probs, axis=-1))
    assert res.in_labels == enc.tokens


def test_one_to_one_reads_only_the_first_token():
    enc, params = _setup()
    res = seqtypes.run("one_to_one", enc, params)
    _, h1, _, p1 = rnn.step(params, np.zeros(params.hidden_size), enc.X[0])
    assert res.in_labels == ("a",)
    np.testing.assert_array_equal(res.hs[1], h1)
    np.testing.assert_array_equal(res.probs[0], p1)


@pytest.mark.parametrize("representation", ["onehot", "embedding"])
def test_one_to_many_feeds_its_output_back_deterministically(representation):
    enc, params = _setup(representation=representation)
    a = seqtypes.run("one_to_many", enc, params, outlen=8, seed=11)
    b = seqtypes.run("one_to_many", enc, params, outlen=8, seed=11)
    assert a.outputs == b.outputs and len(a.outputs) == 8
    np.testing.assert_array_equal(a.hs, b.hs)
    # Each step after the first reads the token emitted just before, as its vector.
    assert a.in_labels[1:] == tuple(a.outputs[:-1])
    for t in range(1, 8):
        np.testing.assert_array_equal(a.X[t], seqtypes.token_vector(enc, int(a.out_ids[t - 1])))
    # Replaying the recurrence by hand with the same inputs gives the same states.
    h = np.zeros(params.hidden_size)
    for t in range(8):
        _, h, _, _ = rnn.step(params, h, a.X[t])
        np.testing.assert_array_equal(a.hs[t + 1], h)


def test_one_to_many_seed_changes_the_draws_and_greedy_is_argmax():
    enc, params = _setup(text="one two three four five six seven eight nine ten", hidden=8)
    draws = {tuple(seqtypes.run("one_to_many", enc, params, outlen=10, seed=s).outputs) for s in range(5)}
    assert len(draws) > 1
    g = seqtypes.run("one_to_many", enc, params, outlen=6, greedy=True)
    assert list(g.out_ids) == [int(np.argmax(p)) for p in g.probs]


def test_encoder_decoder_starts_from_encoders_final_state():
    enc, params = _setup()
    T = len(enc.tokens)
    res = seqtypes.run("encoder_decoder", enc, params, outlen=4, seed=2)
    tr = rnn.forward(params, enc.X)
    np.testing.assert_array_equal(res.hs[: T + 1], tr.hs)  # the encoder is the plain forward pass
    np.testing.assert_array_equal(res.context, tr.hs[-1])
    dec = seqtypes.decoder_params(params, seed=2)
    assert not np.allclose(dec.W_hh, params.W_hh)  # a separate weight set
    _, h, _, p = rnn.step(dec, tr.hs[-1], np.zeros(params.input_size))  # <start> from the context
    np.testing.assert_array_equal(res.hs[T + 1], h)
    np.testing.assert_array_equal(res.probs[T], p)
    assert res.in_labels[T] == seqtypes.START_LABEL
    assert len(res.outputs) == 4 and (res.out_ids[:T] == -1).all()


def test_encoder_decoder_context_changes_the_decoder():
    """Swap 'girl' for 'boy' early on: the context differs, so the decoder's first state differs."""
    a_enc, a_params = _setup(text="a girl who likes football went home")
    vocab = encoding.Vocab.build(a_enc.tokens + ("boy",))
    encs = [
        encoding.encode_text(t, "words", "onehot", vocab=vocab)
        for t in ("a girl who likes football went home", "a boy who likes football went home")
    ]
    params = rnn.init_params(len(vocab), 5, len(vocab), seed=1)
    r = [seqtypes.run("encoder_decoder", e, params, outlen=3) for e in encs]
    assert not np.allclose(r[0].context, r[1].context)
    assert not np.allclose(r[0].hs[-3], r[1].hs[-3])


def test_numbers_mode_feeds_values_back():
    enc, params = _setup(text="1, 2, 3, 2", mode="numbers", representation="embedding")
    res = seqtypes.run("one_to_many", enc, params, outlen=4, greedy=True)
    assert res.X.shape == (4, 1)
    assert res.X[1, 0] == float(res.outputs[0])


def test_emitted_table_rows():
    enc, params = _setup()
    rows = seqtypes.emitted_table(seqtypes.run("encoder_decoder", enc, params, outlen=2))
    assert len(rows) == len(enc.tokens) + 2
    assert rows[0]["part"] == "encoder" and rows[0]["emits"] == "—" and rows[0]["p(emitted)"] == "—"
    assert rows[-2]["part"] == "decoder" and rows[-2]["reads"] == "<start>"
    assert 0 < float(rows[-1]["p(emitted)"]) <= 1
    # No step of any type shows the text "None", and only the encoder–decoder has a "part" column.
    for kind in seqtypes.SEQTYPES:
        table = seqtypes.emitted_table(seqtypes.run(kind, enc, params, outlen=2))
        assert all(v is not None and v != "None" for row in table for v in row.values())
        assert ("part" in table[0]) == (kind == "encoder_decoder")


def test_parameter_counts_grow_with_length_only_for_feedforward():
    a, b = seqtypes.parameter_counts(5, 10, 6, 10), seqtypes.parameter_counts(50, 10, 6, 10)
    assert a["rnn"] == b["rnn"] == 6 * 10 + 36 + 6 + 10 * 6 + 10
    assert b["feedforward"] > 9 * a["feedforward"]


def test_content_covers_every_type_and_seed_applications():
    assert set(seqtype_gallery.EXAMPLES) == set(seqtypes.SEQTYPES)
    text = " ".join(e.title + e.emits + e.note for exs in seqtype_gallery.EXAMPLES.values() for e in exs)
    for word in (
        "Image classification",
        "captioning",
        "Sentiment",
        "Named-entity",
        "translation",
        "Music",
        "Subtitles",
        "il est allé",
        "elle est allée",
    ):
        assert word in text
    names = {a.name for a in seqtype_gallery.GALLERY}
    assert names == {
        "Speech recognition",
        "Music generation",
        "Sentiment classification",
        "DNA sequence analysis",
        "Machine translation",
        "Video activity recognition",
        "Named-entity recognition",
    }
    assert all(a.kind in seqtypes.SEQTYPES for a in seqtype_gallery.GALLERY)
    heads = " ".join(h for h, _ in seqtype_gallery.WHY_NOT_FEEDFORWARD)
    assert "fixed input size" in heads.lower() and "shared" in heads


# ---------------------------------------------------------------------------- diagram


@pytest.mark.parametrize(
    "kind,T,outlen,n_in,n_out,n_fb",
    [
        ("one_to_one", 5, 3, 1, 1, 0),
        ("one_to_many", 5, 4, 1, 4, 3),
        ("many_to_one", 5, 3, 5, 1, 0),
        ("many_to_many", 6, 3, 6, 6, 0),
        ("encoder_decoder", 4, 3, 4, 3, 2),
    ],
)
def test_diagram_node_counts_match_type_and_length(kind, T, outlen, n_in, n_out, n_fb):
    fig = type_diagram(seqtypes.layout(kind, T, outlen))
    assert len(_trace(fig, TRACE_INPUT).x) == n_in
    assert len(_trace(fig, TRACE_OUTPUT).x) == n_out
    assert len(_trace(fig, TRACE_FEEDBACK).x) == n_fb
    assert len(_trace(fig, TRACE_HIDDEN).x) == seqtypes.layout(kind, T, outlen).n_steps
    assert f"{n_in} input" in fig.layout.title.text and f"{n_out} output" in fig.layout.title.text


def test_diagram_many_to_one_output_sits_on_the_last_step():
    fig = type_diagram(seqtypes.layout("many_to_one", 5, 1))
    assert list(_trace(fig, TRACE_OUTPUT).x) == [max(_trace(fig, TRACE_HIDDEN).x)]
    assert list(_trace(fig, TRACE_INPUT).x) == list(_trace(fig, TRACE_HIDDEN).x)


def test_diagram_encoder_decoder_draws_context_and_start():
    fig = type_diagram(seqtypes.layout("encoder_decoder", 4, 3))
    texts = [a.text for a in fig.layout.annotations]
    assert "context c" in texts
    assert any("decoder" in t for t in texts) and any("encoder" in t for t in texts)
    start = _trace(fig, TRACE_START)
    assert list(start.x) == [5] and list(start.text) == ["<start>"]
    # The context label and the thick orange arrow sit between the encoder's last h (x=4) and the decoder's first.
    (ctx,) = [a for a in fig.layout.annotations if a.text == "context c"]
    assert 4 < ctx.x < 5
    (seam,) = [a for a in fig.layout.annotations if a.showarrow and a.y == 1 and a.ay == 1 and a.arrowwidth == 3]
    assert seam.ax < 4.5 < seam.x


def test_diagram_hidden_flow_arrows_and_labels():
    enc, params = _setup()
    res = seqtypes.run("many_to_many", enc, params)
    fig = type_diagram(res.layout, in_labels=res.in_labels, out_labels=res.out_labels)
    assert list(_trace(fig, TRACE_INPUT).text) == list(enc.tokens)
    assert list(_trace(fig, TRACE_OUTPUT).text) == res.outputs
    horizontal = [a for a in fig.layout.annotations if a.y == 1 and a.ay == 1 and a.showarrow]
    assert len(horizontal) == len(enc.tokens) - 1  # h_{t-1} -> h_t between consecutive steps


def test_diagram_folds_long_sequences():
    lay = seqtypes.layout("encoder_decoder", 200, 30)
    fig = type_diagram(lay, max_cols=24)
    assert len(_trace(fig, TRACE_HIDDEN).x) <= 30
    assert "200 inputs → 30 outputs" in fig.layout.title.text
    assert any("⋯" in (a.text or "") for a in fig.layout.annotations)
    assert "context c" in [a.text for a in fig.layout.annotations]  # the seam is always drawn


def test_visible_steps():
    assert visible_steps(5, 24) == [0, 1, 2, 3, 4]
    v = visible_steps(100, 10, keep=[50])
    assert v[0] == 0 and v[-1] == 99 and {49, 50, 51} <= set(v) and len(v) < 20


@pytest.mark.parametrize("kind", ["one_to_one", "one_to_many", "many_to_one", "many_to_many", "encoder_decoder"])
def test_diagram_is_a_valid_plotly_figure(kind):
    """Built from plain dicts without validation for speed: Plotly's validator must still accept it."""
    import plotly.graph_objects as go

    fig = type_diagram(seqtypes.layout(kind, 40, 6), max_cols=24)
    go.Figure(fig.to_dict())  # raises on any invalid property
