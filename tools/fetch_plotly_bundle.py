"""Fetch Plotly's "cartesian" browser bundle for the explorer's live charts (`make run` and `make test` call it).

The live charts (visualizer/ui/live_chart.py) each run Plotly in their own frame, so every chart on a
page evaluates the bundle once. The full bundle the plotly package ships (4.6 MB: maps, 3-D, every trace
type) takes ~270 ms of the browser's main thread to evaluate per chart; the cartesian bundle (1.5 MB:
scatter, bar, heatmap and the other 2-D traces, all the live charts draw) about a third of that.

It is downloaded from the npm registry at the plotly.js version the installed plotly package was built
with, checked against the registry's sha512 integrity, and only its one file is read from the archive
(size declared in the tar header checked before reading). Without it (offline, or a fetch that fails) the
live charts use the full bundle: slower to open, same charts.

    python tools/fetch_plotly_bundle.py [--dest .cache/plotly]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / ".cache" / "plotly"
PACKAGE = "plotly.js-cartesian-dist-min"
MEMBER = "package/plotly-cartesian.min.js"
REGISTRY = "https://registry.npmjs.org"
MAX_ARCHIVE = 20 * 2**20  # the 4.1 archive is 0.5 MB
MAX_FILE = 10 * 2**20  # its bundle 1.5 MB


def bundle_path(version: str, dest: Path = DEST) -> Path:
    """Where the bundle for plotly.js `version` is kept."""
    return dest / f"plotly-cartesian-{version}.min.js"


def plotlyjs_version() -> str:
    """The plotly.js version inside the installed plotly package."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def _get(url: str, limit: int) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        declared = response.headers.get("Content-Length")
        if declared is not None and int(declared) > limit:
            raise ValueError(f"{url}: {declared} bytes, more than {limit}")
        data = response.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{url}: more than {limit} bytes")
    return data


def check_integrity(data: bytes, integrity: str) -> None:
    """Raise ValueError unless `data` matches an npm "sha512-<base64>" integrity string."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise ValueError(f"unsupported integrity {algorithm!r}")
    if base64.b64encode(hashlib.sha512(data).digest()).decode() != expected:
        raise ValueError("the archive does not match the registry's sha512")


def extract(archive: bytes) -> bytes:
    """The bundle file from the package archive; its declared size is checked before it is read."""
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        member = tar.getmember(MEMBER)
        if not member.isfile() or member.size > MAX_FILE:
            raise ValueError(f"{MEMBER}: not a file of at most {MAX_FILE} bytes")
        handle = tar.extractfile(member)
        if handle is None:
            raise ValueError(f"{MEMBER}: unreadable")
        return handle.read(MAX_FILE + 1)


def fetch(version: str, dest: Path = DEST, registry: str = REGISTRY) -> Path:
    """Download, check and keep the bundle for `version`; a kept one is reused."""
    out = bundle_path(version, dest)
    if out.is_file():
        return out
    meta = json.loads(_get(f"{registry}/{PACKAGE}/{version}", 2**20))
    archive = _get(meta["dist"]["tarball"], MAX_ARCHIVE)
    check_integrity(archive, meta["dist"]["integrity"])
    bundle = extract(archive)
    head = bundle[:400].decode("utf-8", "replace")
    if "plotly.js (cartesian" not in head or f" v{version}" not in head:
        raise ValueError(f"the bundle does not say it is plotly.js v{version}")
    dest.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(bundle)
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dest", type=Path, default=DEST)
    args = ap.parse_args(argv)
    version = plotlyjs_version()
    try:
        out = fetch(version, args.dest)
    except (OSError, ValueError, KeyError, tarfile.TarError) as err:
        print(f"Plotly's cartesian bundle not fetched ({err}): the live charts use the full bundle.", file=sys.stderr)
        return 0  # not fatal: the app works without it
    print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
