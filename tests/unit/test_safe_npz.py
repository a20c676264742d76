"""Hostile .npz files: each is refused with a ValueError before its arrays are read into memory."""

from __future__ import annotations

import contextlib
import io
import pickle
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.data import safe_npz
from visualizer.labs.training import train
from visualizer.data import trained_model

LIMIT = 1_000_000


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _zip(members: dict[str, bytes], method=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _npy_header(descr, shape: tuple, fortran: bool = False) -> bytes:
    """A hand-written .npy version 1.0 header that declares any shape, whatever data follows."""
    text = repr({"descr": descr, "fortran_order": fortran, "shape": shape}).encode("latin1")
    text += b" " * (63 - (10 + len(text)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text


def test_plain_arrays_round_trip():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    f = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    out = safe_npz.read_npz(_npz(a=a, f=f, t=np.array(["x", "yz"]), n=np.int64(5)), max_bytes=LIMIT)
    assert set(out) == {"a", "f", "t", "n"}
    np.testing.assert_array_equal(out["a"], a)
    np.testing.assert_array_equal(out["f"], f)
    assert list(out["t"]) == ["x", "yz"] and int(out["n"]) == 5
    assert out["a"].flags.writeable  # a fresh array, not a view of the upload


def test_huge_declared_shape_in_a_tiny_file_is_refused_without_allocating():
    # 26 bytes of data behind a header that declares 10^12 float64 values (8 TB).
    data = _zip({"W.npy": _npy_header("<f8", (10**6, 10**6)) + b"x" * 26})
    assert len(data) < 400
    tracemalloc.start()
    with pytest.raises(ValueError, match="declares"):
        safe_npz.read_npz(data, max_bytes=LIMIT)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000


def test_declared_shape_larger_than_the_data_is_refused():
    data = _zip({"W.npy": _npy_header("<f8", (100,)) + b"\0" * 80})
    with pytest.raises(ValueError, match="damaged or truncated"):
        safe_npz.read_npz(data, max_bytes=LIMIT)


def test_lying_zip_size_is_refused():
    """The zip directory says the member is small, so it is never read past that."""
    data = bytearray(_zip({"W.npy": _npy_header("<f8", (1000,)) + b"\0" * 8000}))
    # Patch the central directory's uncompressed size of the one member down to 200 bytes.
    cd = data.rindex(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = struct.pack("<I", 200)
    with pytest.raises(ValueError):
        safe_npz.read_npz(bytes(data), max_bytes=LIMIT)


def test_zip_bomb_is_refused_before_inflating():
    bomb = _zip({"W.npy": _npy_header("<f8", (5_000_000,)) + b"\0" * 40_000_000}, zipfile.ZIP_DEFLATED)
    assert len(bomb) < 100_000
    with pytest.raises(ValueError, match="unpacks to"):
        safe_npz.read_npz(bomb, max_bytes=LIMIT)


@pytest.mark.parametrize(
    "members, message",
    [
        ({"evil.pkl": pickle.dumps({"a": 1})}, "not an array"),
        ({"../../etc/passwd.npy": b"x"}, "not an array"),
        ({"dir/W.npy": b"x"}, "not an array"),
        ({"readme.txt": b"hello"}, "not an array"),
        ({"W.npy": b"not an npy header at all"}, "not a valid .npy"),
        ({"W.npy": _npy_header("|O", (2,)) + pickle.dumps([1, 2])}, "Python objects"),
        ({"W.npy": _npy_header([("a", "<f8")], (2,)) + b"\0" * 16}, "only plain numbers"),
        ({"W.npy": _npy_header("|V8", (2,)) + b"\0" * 16}, "only plain numbers"),
        ({"W.npy": _npy_header("<f8", (1, 1, 1, 1, 1)) + b"\0" * 8}, "shape"),
    ],
)
def test_members_that_are_not_plain_arrays_are_refused(members, message):
    with pytest.raises(ValueError, match=message):
        safe_npz.read_npz(_zip(members), max_bytes=LIMIT)


def test_pickled_object_array_from_numpy_is_refused():
    data = _npz(vocab=np.array([{"a": 1}, None], dtype=object))
    with pytest.raises(ValueError, match="Python objects"):
        safe_npz.read_npz(data, max_bytes=LIMIT)


def test_too_many_members_are_refused():
    data = _npz(**{f"a{i}": np.zeros(1) for i in range(safe_npz.MAX_MEMBERS + 1)})
    with pytest.raises(ValueError, match="entries"):
        safe_npz.read_npz(data, max_bytes=LIMIT)


def test_total_declared_array_bytes_are_bounded():
    data = _npz(a=np.zeros(60_000), b=np.zeros(60_000))  # 480 KB each, 960 KB together
    safe_npz.read_npz(data, max_bytes=LIMIT)
    with pytest.raises(ValueError, match="limit"):
        safe_npz.read_npz(data, max_bytes=700_000)


@pytest.mark.parametrize("cut", [1, 10, 100, 0.5, 0.9, -1, -22, -30])
def test_truncated_files_are_refused(cut):
    data = _npz(a=np.arange(1000.0), b=np.arange(10))
    n = int(len(data) * cut) if isinstance(cut, float) else cut % len(data)
    with pytest.raises(ValueError):
        safe_npz.read_npz(data[:n], max_bytes=LIMIT)


def test_corrupted_data_fails_the_crc_check():
    data = bytearray(_npz(a=np.arange(1000.0)))
    data[500] ^= 0xFF
    with pytest.raises(ValueError, match="damaged|truncated|CRC"):
        safe_npz.read_npz(bytes(data), max_bytes=LIMIT)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600), st.integers(0, 2000), st.integers(0, 255))
def test_no_other_exception_type_escapes(noise, where, byte):
    """Random bytes, and a real model file with one byte changed or cut, only ever give ValueError."""
    base = bytearray(_npz(W=np.arange(50.0).reshape(5, 10), t=np.array(["ab", "c"])))
    base[where % len(base)] = byte
    for data in (noise, bytes(base), bytes(base[: where % len(base)])):
        with contextlib.suppress(ValueError):
            safe_npz.read_npz(data, max_bytes=LIMIT)


def test_model_loader_uses_the_safe_reader():
    data = _zip({"W.npy": _npy_header("<f8", (10**6, 10**6)) + b"x" * 26})
    with pytest.raises(ValueError, match="not a model file saved by this page"):
        trained_model.load_npz(data)
