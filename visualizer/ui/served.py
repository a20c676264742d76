"""A component's files as Streamlit serves them: one directory under the system's temporary directory.

A Streamlit component is served from a directory. The live charts and the live equations each need a
page written at run time (their script and look inlined) next to files from elsewhere (Plotly's bundle,
KaTeX and its fonts), and the installed packages may be read-only, so the directory is made once per
content: named by a hash of every file's content or identity, built in a staging directory and moved
into place atomically (another process may be doing the same).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path


def served_copy(name: str, pages: dict[str, str], files: dict[str, Path]) -> Path:
    """The directory holding `pages` (path -> text) and copies of `files` (path -> source file or folder).

    Sources are identified by path and size (they are versioned files, not edited in place)."""
    digest = hashlib.sha256()
    for path, text in sorted(pages.items()):
        digest.update(f"{path}\n{text}\n".encode())
    for path, source in sorted(files.items()):
        size = (
            sum(p.stat().st_size for p in source.rglob("*") if p.is_file())
            if source.is_dir()
            else source.stat().st_size
        )
        digest.update(f"{path} {source} {size}\n".encode())
    out = Path(tempfile.gettempdir()) / f"rnnvis-{name}-{digest.hexdigest()[:16]}"
    if out.is_dir():
        return out
    staging = Path(tempfile.mkdtemp(prefix=f"rnnvis-{name}-"))
    for path, text in pages.items():
        (staging / path).write_text(text)
    for path, source in files.items():
        if source.is_dir():
            shutil.copytree(source, staging / path)
        else:
            shutil.copyfile(source, staging / path)
    try:
        os.replace(staging, out)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # another process won: use its copy
    return out
