"""Fetch KaTeX (script, style sheet, fonts) for the explorer's live equations (`make run` and `make test` call it).

The explorer's equations with numbers change with every step. Drawn by `st.latex`, each step's block is
typeset again and handed to the page as ~1,500–4,000 new elements (~50–65 ms of the browser's main thread
per step). The live equations (visualizer/ui/live_math.py) typeset in their own frame with KaTeX and,
when a step changes only numbers, rewrite those numbers in place.

KaTeX is downloaded from the npm registry at the version Streamlit itself ships (so both look the same),
checked against the registry's sha512 integrity, and only the files the frame needs are read from the
archive (each one's size declared in the tar header checked before reading): katex.min.js,
katex.min.css and the fonts in woff2. Without them (offline, or a fetch that fails) the explorer's
equations fall back to `st.latex`: slower steps, same equations.

    python tools/fetch_katex.py [--dest .cache/katex]
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import sys
import tarfile
from pathlib import Path

from tools.fetch_plotly_bundle import REGISTRY, ROOT, _get, check_integrity

DEST = ROOT / ".cache" / "katex"
PACKAGE = "katex"
VERSION = "0.18.10"  # the KaTeX inside Streamlit's frontend (tests/unit/test_fetch_katex.py checks it)
MAX_ARCHIVE = 8 * 2**20  # the 0.18 archive is 1.5 MB
MAX_FILE = 2 * 2**20  # katex.min.js is 0.3 MB
FILES = re.compile(r"package/dist/(katex\.min\.js|katex\.min\.css|fonts/KaTeX_[A-Za-z0-9_-]+\.woff2)")


def kept(version: str = VERSION, dest: Path = DEST) -> Path:
    """The directory KaTeX `version` is kept in."""
    return dest / version


def is_complete(folder: Path) -> bool:
    """The script, the style sheet and at least the main fonts are there."""
    return all(
        (folder / name).is_file() for name in ("katex.min.js", "katex.min.css", "fonts/KaTeX_Main-Regular.woff2")
    )


def extract(archive: bytes) -> dict[str, bytes]:
    """The frame's files from the package archive, by path under dist/; sizes checked before reading."""
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member in tar.getmembers():
            match = FILES.fullmatch(member.name)
            if not match:
                continue
            if not member.isfile() or member.size > MAX_FILE:
                raise ValueError(f"{member.name}: not a file of at most {MAX_FILE} bytes")
            handle = tar.extractfile(member)
            if handle is None:
                raise ValueError(f"{member.name}: unreadable")
            out[match.group(1)] = handle.read(MAX_FILE + 1)
    return out


def fetch(version: str = VERSION, dest: Path = DEST, registry: str = REGISTRY) -> Path:
    """Download, check and keep KaTeX `version`; a complete kept copy is reused."""
    out = kept(version, dest)
    if is_complete(out):
        return out
    meta = json.loads(_get(f"{registry}/{PACKAGE}/{version}", 2**20))
    archive = _get(meta["dist"]["tarball"], MAX_ARCHIVE)
    check_integrity(archive, meta["dist"]["integrity"])
    files = extract(archive)
    if f'version:"{version}"' not in files.get("katex.min.js", b"").decode("utf-8", "replace"):
        raise ValueError(f"katex.min.js does not say it is KaTeX {version}")
    staging = out.with_name(out.name + ".part")
    for name, data in files.items():
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if not is_complete(staging):
        raise ValueError("the archive lacks katex.min.js, katex.min.css or its fonts")
    shutil.rmtree(out, ignore_errors=True)  # an incomplete copy left by an interrupted run
    staging.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dest", type=Path, default=DEST)
    args = ap.parse_args(argv)
    try:
        out = fetch(VERSION, args.dest)
    except (OSError, ValueError, KeyError, tarfile.TarError) as err:
        print(f"KaTeX not fetched ({err}): the explorer's equations use st.latex.", file=sys.stderr)
        return 0  # not fatal: the app works without it
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} ({size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
