"""Text uploads: size and encoding are checked before the text is used; only ValueError comes out."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.labs.training import train
from visualizer.data import corpus


@pytest.mark.parametrize(
    "data, message",
    [
        (b"a" * (corpus.MAX_CORPUS_BYTES + 1), "limit"),
        ("é" * (corpus.MAX_CORPUS_BYTES // 2 + 1), "limit"),  # counted in UTF-8 bytes, not characters
        ("hello".encode("utf-16"), "binary|UTF-8"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 32)) * 20, "binary|control|UTF-8"),
        (b"   \n\t  ", "empty"),
        (b"", "empty"),
    ],
)
def test_hostile_text_uploads_are_refused(data, message):
    with pytest.raises(ValueError, match=message):
        corpus.read_corpus(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_text_or_a_value_error(data):
    with contextlib.suppress(ValueError):
        assert isinstance(corpus.read_corpus(data), str)
