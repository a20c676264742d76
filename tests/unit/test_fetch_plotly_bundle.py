"""The Plotly bundle fetcher, offline: integrity check, archive reading with declared sizes, reuse."""

import base64
import hashlib
import io
import tarfile

import pytest

from tools import fetch_plotly_bundle as fetcher


def _archive(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fake_registry(monkeypatch, module, archive: bytes) -> list[str]:
    """`module`'s downloads answered offline: the package's metadata, then `archive`. Returns the URLs asked."""
    calls: list[str] = []

    def fake_get(url, limit):
        calls.append(url)
        if url.endswith(".tgz"):
            return archive
        return f'{{"dist": {{"tarball": "https://r/p.tgz", "integrity": "{_integrity(archive)}"}}}}'.encode()

    monkeypatch.setattr(module, "_get", fake_get)
    return calls


def test_integrity_must_match():
    data = b"archive bytes"
    fetcher.check_integrity(data, _integrity(data))
    with pytest.raises(ValueError):
        fetcher.check_integrity(data + b"!", _integrity(data))
    with pytest.raises(ValueError):
        fetcher.check_integrity(data, "sha1-" + _integrity(data)[7:])


def test_extract_reads_the_one_bundle_file():
    bundle = b"/* plotly.js (cartesian - minified) v9.9.9 */"
    assert fetcher.extract(_archive({fetcher.MEMBER: bundle, "package/README.md": b"x"})) == bundle
    with pytest.raises(KeyError):
        fetcher.extract(_archive({"package/other.js": bundle}))


def test_extract_refuses_a_member_declared_too_large(monkeypatch):
    monkeypatch.setattr(fetcher, "MAX_FILE", 10)
    with pytest.raises(ValueError):
        fetcher.extract(_archive({fetcher.MEMBER: b"x" * 11}))


def test_fetch_checks_and_keeps_the_bundle_then_reuses_it(tmp_path, monkeypatch):
    version = "9.9.9"
    bundle = f"/**\n* plotly.js (cartesian - minified) v{version}\n*/".encode()
    archive = _archive({fetcher.MEMBER: bundle})
    calls = fake_registry(monkeypatch, fetcher, archive)
    out = fetcher.fetch(version, tmp_path)
    assert out == fetcher.bundle_path(version, tmp_path) and out.read_bytes() == bundle
    assert fetcher.fetch(version, tmp_path) == out and len(calls) == 2  # kept: no second download
    with pytest.raises(ValueError):  # another version's bundle is not accepted for this one
        fetcher.fetch("1.0.0", tmp_path)
