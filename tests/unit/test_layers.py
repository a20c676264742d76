"""The library's layers: nn, data, labs and content import nothing of the pictures, the pages or their frameworks."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

PURE = ("nn", "data", "labs", "content")
FORBIDDEN = ("streamlit", "plotly", "altair", "visualizer.plots", "visualizer.ui")
# What each pure package may import from the library (besides itself and the top-level `visualizer`).
ALLOWED = {
    "nn": (),
    "data": ("visualizer.nn", "visualizer.labs.training.train"),  # a shipped model's row holds its TrainConfig
    "labs": ("visualizer.nn", "visualizer.data"),
    "content": ("visualizer.nn", "visualizer.data", "visualizer.labs"),  # turns the labs' numbers into words
}


def _imports(path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return out


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_no_framework_and_only_the_layers_below(package):
    files = sorted((ROOT / "visualizer" / package).rglob("*.py"))
    assert files
    for path in files:
        for name in _imports(path):
            assert not name.startswith(FORBIDDEN), f"{path.relative_to(ROOT)} imports {name}"
            if name.startswith("visualizer.") and not name.startswith(f"visualizer.{package}"):
                ok = name in ("visualizer.ASSETS", "visualizer.ROOT") or name.startswith(ALLOWED[package])
                assert ok, f"{path.relative_to(ROOT)} imports {name}"


def test_every_preset_has_its_words_and_every_text_a_preset():
    from visualizer.content import presets as preset_text
    from visualizer.labs.gradients import presets

    assert list(preset_text.TEXT) == list(presets.PRESETS)
    assert all(t.label and t.notice for t in preset_text.TEXT.values())


def test_the_old_flat_maths_package_is_gone():
    assert not (ROOT / "visualizer" / "maths").exists()
