"""Read an untrusted .npz (a zip of .npy members) without trusting anything it declares.

A model file comes from a student's upload or from assets/models/. A tiny file can declare an
enormous array in its .npy header, hold members that are not arrays (pickles, nested folders,
other files), be truncated, or be a zip bomb. Every check below runs on what the file *declares*,
before any array data is read into memory:

1. the bytes: non-empty, at most ``max_bytes``, a zip (a bare .npy is refused);
2. the zip's members: at most ``max_members``, names ``<identifier>.npy`` (no folders, no ``..``),
   stored or deflated, not encrypted, declared uncompressed total at most ``max_bytes``;
3. each member's .npy header (read with ``numpy.lib.format``, version 1 or 2, bounded header size):
   dtype a plain number or text kind (no object dtype, no structured or void dtype), at most
   ``MAX_NDIM`` dimensions, and ``prod(shape) * itemsize`` equal to what the zip says follows the
   header; the declared array bytes of all members together at most ``max_bytes``;
4. only then the data, read with an exact byte count (a short read means a truncated file; the zip
   layer also checks each member's CRC), into a fresh array.

Every failure is a ValueError with a message fit to show a student; no other exception type
leaves ``read_npz``. Pure Python and NumPy.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
import zlib

import numpy as np

MAX_MEMBERS = 64
MAX_NDIM = 4
MAX_HEADER_BYTES = 10_000  # numpy's own default bound for a .npy header
ALLOWED_KINDS = "biufU"  # bool, ints, unsigned, float, unicode text: never object, bytes-void or structured
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\.npy")
_NPY_MAGIC = b"\x93NUMPY"


def _fail(message: str) -> ValueError:
    return ValueError(message)


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.1f} KB"


def _header(fp, name: str) -> tuple[tuple[int, ...], bool, np.dtype]:
    """(shape, fortran_order, dtype) from a member's .npy header; ValueError if not a plain array."""
    try:
        version = np.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp, max_header_size=MAX_HEADER_BYTES)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp, max_header_size=MAX_HEADER_BYTES)
        else:
            raise _fail(f"uses .npy format version {version}; only versions 1 and 2 are read")
    except ValueError as err:  # numpy's own header checks: bad magic, bad dict, bad descr, huge header
        raise _fail(f"The entry '{name}' is not a valid .npy array: {str(err)[:160]}") from None
    if dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None or dtype.kind not in ALLOWED_KINDS:
        raise _fail(
            f"The entry '{name}' holds {dtype} data; only plain numbers and text are accepted (no Python objects)."
        )
    if len(shape) > MAX_NDIM or any(not isinstance(d, int) or d < 0 for d in shape):
        raise _fail(f"The entry '{name}' declares the shape {shape}, which no model has.")
    return tuple(shape), bool(fortran), dtype


def _check_members(zf: zipfile.ZipFile, max_bytes: int, max_members: int) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if not infos:
        raise _fail("The file is an empty archive: it holds no arrays.")
    if len(infos) > max_members:
        raise _fail(f"The file holds {len(infos)} entries; a model has at most {max_members}.")
    seen: set[str] = set()
    for info in infos:
        if not _NAME.fullmatch(info.filename):
            raise _fail(f"The file holds an entry named {info.filename[:60]!r}, which is not an array (.npy).")
        if info.filename in seen:
            raise _fail(f"The file holds the entry '{info.filename}' twice.")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise _fail(f"The entry '{info.filename}' is encrypted.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _fail(f"The entry '{info.filename}' uses an unsupported compression method.")
    declared = sum(info.file_size for info in infos)
    if declared > max_bytes:
        raise _fail(f"The file unpacks to {_mb(declared)}; the limit is {_mb(max_bytes)}.")
    return infos


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> tuple[np.ndarray, int]:
    """One member as a fresh array and the bytes it used; checks its header before reading data."""
    name = info.filename
    with zf.open(info) as fp:
        shape, fortran, dtype = _header(fp, name)
        header_len = fp.tell()
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes > budget:
            raise _fail(f"The entry '{name}' declares {_mb(nbytes)} of data; the limit is {_mb(budget)} in all.")
        if nbytes != info.file_size - header_len:
            raise _fail(
                f"The entry '{name}' declares {nbytes:,} bytes of data but holds "
                f"{max(0, info.file_size - header_len):,}: the file is damaged or truncated."
            )
        data = fp.read(nbytes)
        if len(data) != nbytes or fp.read(1):
            raise _fail(f"The entry '{name}' is truncated.")
    arr = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return arr.copy(), nbytes


def read_npz(data: bytes, *, max_bytes: int, max_members: int = MAX_MEMBERS) -> dict[str, np.ndarray]:
    """The arrays of an untrusted .npz, by member name without '.npy'; ValueError says what is wrong.

    Args:
        data: the file's bytes.
        max_bytes: bound on the file size, on the declared unpacked size and on the declared array bytes.
        max_members: bound on the number of entries.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) == 0:
        raise _fail("The file is empty.")
    if len(data) > max_bytes:
        raise _fail(f"The file is {_mb(len(data))}; the limit is {_mb(max_bytes)}.")
    raw = bytes(data)
    if raw.startswith(_NPY_MAGIC):
        raise _fail("This is a single .npy array, not a model file (.npz).")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = _check_members(zf, max_bytes, max_members)
            arrays: dict[str, np.ndarray] = {}
            budget = max_bytes
            for info in infos:
                arr, used = _read_member(zf, info, budget)
                budget -= used
                arrays[info.filename[: -len(".npy")]] = arr
    except ValueError:
        raise
    except zipfile.BadZipFile as err:
        raise _fail(f"This is not a model file (.npz), or it is damaged or truncated: {err}") from None
    except (OSError, EOFError, zlib.error, NotImplementedError, RuntimeError, OverflowError, KeyError) as err:
        raise _fail(f"The file is damaged or truncated ({type(err).__name__}: {err}).") from None
    except Exception as err:  # an untrusted file must never raise past this boundary
        raise _fail(f"The file could not be read ({type(err).__name__}).") from None
    return arrays
