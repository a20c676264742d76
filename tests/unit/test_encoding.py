"""Tokenisers, vocabulary, one-hot and embedding."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.data import encoding as enc


def test_chars_words_numbers():
    assert enc.tokenize("ab c", "chars") == ["a", "b", " ", "c"]
    assert enc.tokenize("He grew up, in the U.S.", "words") == [
        "He",
        "grew",
        "up",
        ",",
        "in",
        "the",
        "U",
        ".",
        "S",
        ".",
    ]
    assert enc.tokenize("1, 2.5 -3\n4e1", "numbers") == ["1", "2.5", "-3", "4e1"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_text_has_clear_message(text):
    with pytest.raises(ValueError, match="empty"):
        enc.tokenize(text, "words")


def test_too_many_tokens_names_the_limit():
    with pytest.raises(ValueError, match=f"limit is {enc.MAX_TOKENS}"):
        enc.tokenize("a " * (enc.MAX_TOKENS + 1), "words")
    with pytest.raises(ValueError, match="characters"):
        enc.tokenize("a" * (enc.MAX_TEXT_CHARS + 1), "chars")


def test_non_number_names_token_and_position():
    with pytest.raises(ValueError, match=r"Token 3 \('x'\) is not a number"):
        enc.tokenize("1, 2, x, 4", "numbers")
    with pytest.raises(ValueError, match="finite"):
        enc.tokenize("1 nan", "numbers")


def test_unicode_and_markup_are_plain_tokens():
    toks = enc.tokenize("🙂 <script>alert(1)</script> é", "words")
    assert "🙂" in toks and "script" in toks and "é" in toks
    assert enc.tokenize("e\u0301", "chars") == ["é"]  # NFC: one character


def test_unknown_tokens_error_or_unk():
    v = enc.Vocab.build(["a", "b"], add_unk=True)
    with pytest.raises(ValueError, match="'z'"):
        v.encode(["a", "z"])
    np.testing.assert_array_equal(v.encode(["a", "z"], unknown="unk"), [0, 2])


def test_one_hot_and_embedding_pick_a_column():
    ids = np.array([2, 0, 2])
    onehot = enc.one_hot(ids, 4)
    assert onehot.shape == (3, 4) and np.all(onehot.sum(1) == 1) and onehot[0, 2] == 1
    E = enc.embedding_matrix(4, 3, seed=1)
    np.testing.assert_allclose(enc.embed(ids, E), onehot @ E.T)  # e_w = E o_w


def test_encode_text_shapes_and_numbers_mode():
    e = enc.encode_text("the cat the", "words")
    assert e.X.shape == (3, 2) and e.vocab.tokens == ("the", "cat")
    n = enc.encode_text("1, 2.0, 1", "numbers", "embedding")
    assert n.X.shape == (3, 1) and len(n.vocab) == 2 and n.regression
    # Values, scaled to mean 0 and standard deviation 1; the raw numbers come back exactly.
    assert abs(float(n.X.mean())) < 1e-12 and abs(float(n.X.std()) - 1.0) < 1e-12
    np.testing.assert_allclose(n.raw_values, [1.0, 2.0, 1.0])
    assert not enc.encode_text("1, 2", "numbers", "onehot").regression
    const = enc.encode_text("5 5 5", "numbers", "embedding")
    assert const.X.tolist() == [[0.0], [0.0], [0.0]]  # a constant series: std taken as 1, no division by 0
    w = enc.encode_text("a b", "words", "embedding", embed_dim=5, seed=3)
    assert w.X.shape == (2, 5)
    np.testing.assert_array_equal(w.X, enc.encode_text("a b", "words", "embedding", embed_dim=5, seed=3).X)


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=200).filter(lambda s: s.strip()))
def test_chars_round_trip(text):
    import unicodedata

    norm = unicodedata.normalize("NFC", text).strip("\n")
    toks = enc.tokenize(text, "chars", max_tokens=10_000)
    assert enc.detokenize(toks, "chars") == norm
    v = enc.Vocab.build(toks)
    assert v.decode(v.encode(toks)) == toks


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=50))
def test_numbers_round_trip(values):
    text = ", ".join(repr(v) for v in values)
    toks = enc.tokenize(text, "numbers")
    assert [float(t) for t in toks] == values
    assert enc.tokenize(enc.detokenize(toks, "numbers"), "numbers") == toks


@settings(max_examples=100, deadline=None)
@given(st.lists(st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True), min_size=1, max_size=40))
def test_words_round_trip(words):
    assert enc.tokenize(enc.detokenize(words, "words"), "words") == words


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(enc.MODES))
def test_any_text_gives_tokens_or_value_error(text, mode):
    try:
        toks = enc.tokenize(text, mode)
    except ValueError as err:
        assert str(err)
    else:
        assert 1 <= len(toks) <= enc.MAX_TOKENS
