"""The KaTeX fetcher, offline: the files it keeps, sizes declared in the archive, version, reuse."""

import re
from pathlib import Path

import pytest
import streamlit

from tests.unit.test_fetch_plotly_bundle import _archive, fake_registry
from tools import fetch_katex as fetcher
from visualizer.ui import live_math

SCRIPT = b'var katex={version:"9.9.9",render:function(){}};'
FILES = {
    "package/dist/katex.min.js": SCRIPT,
    "package/dist/katex.min.css": b".katex{font:normal 1.21em KaTeX_Main}",
    "package/dist/fonts/KaTeX_Main-Regular.woff2": b"wOF2",
    "package/dist/fonts/KaTeX_Main-Regular.ttf": b"not kept",
    "package/README.md": b"not kept",
}


def test_extract_keeps_the_script_the_style_sheet_and_the_woff2_fonts():
    files = fetcher.extract(_archive(FILES))
    assert sorted(files) == ["fonts/KaTeX_Main-Regular.woff2", "katex.min.css", "katex.min.js"]
    assert files["katex.min.js"] == SCRIPT


def test_extract_refuses_a_file_declared_too_large(monkeypatch):
    monkeypatch.setattr(fetcher, "MAX_FILE", 10)
    with pytest.raises(ValueError):
        fetcher.extract(_archive(FILES))


def test_fetch_checks_and_keeps_katex_then_reuses_it(tmp_path, monkeypatch):
    calls = fake_registry(monkeypatch, fetcher, _archive(FILES))
    out = fetcher.fetch("9.9.9", tmp_path)
    assert out == tmp_path / "9.9.9" and fetcher.is_complete(out) and live_math.katex_ready(out)
    assert (out / "katex.min.js").read_bytes() == SCRIPT and not (out / "README.md").exists()
    assert fetcher.fetch("9.9.9", tmp_path) == out and len(calls) == 2  # kept: no second download
    with pytest.raises(ValueError):  # a script that is not the version asked for is refused
        fetcher.fetch("1.0.0", tmp_path)
    assert not (tmp_path / "1.0.0").exists()


def test_fetch_refuses_an_archive_that_does_not_match_its_checksum(tmp_path, monkeypatch):
    archive = _archive(FILES)
    fake_registry(monkeypatch, fetcher, archive)
    monkeypatch.setattr(fetcher, "check_integrity", lambda data, integrity: (_ for _ in ()).throw(ValueError("x")))
    with pytest.raises(ValueError):
        fetcher.fetch("9.9.9", tmp_path)
    assert not fetcher.is_complete(tmp_path / "9.9.9")


def test_the_version_is_the_one_streamlit_ships_and_the_app_expects():
    """Both draw KaTeX: the same version looks the same (Streamlit's copy is inside its frontend bundle)."""
    static = Path(streamlit.__file__).parent / "static" / "static" / "js"
    versions = {
        m.group(1)
        for path in static.glob("katex*.js")
        for m in re.finditer(r"version:[`\"](\d+\.\d+\.\d+)[`\"]", path.read_text(errors="replace"))
    }
    assert versions == {fetcher.VERSION}
    assert live_math.KATEX_VERSION == fetcher.VERSION
