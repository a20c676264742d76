"""The package graph of `visualizer` is acyclic and layered.

Every module under visualizer/ is parsed with `ast` (no import), and each `import` / `from … import`
naming a visualizer module is an edge, wherever it sits (a function-level, lazy import counts too).
The layers: the maths (and nn, data, labs, content) never import plots, ui, Streamlit, Plotly or
Altair; plots never import ui; only ui imports Streamlit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "visualizer"
PURE = ("visualizer.maths", "visualizer.nn", "visualizer.data", "visualizer.labs", "visualizer.content")
DRAWING = ("streamlit", "plotly", "altair")


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path = PACKAGE) -> list[tuple[str, tuple[str, ...]]]:
    """What `path` imports, at any depth of the file: (module, names taken from it) per statement, with
    relative imports resolved (`import a.b` is ("a.b", ()); `from a import b, c` is ("a", ("b", "c")))."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.append((base, tuple(alias.name for alias in node.names)))
    return out


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """visualizer module -> the visualizer modules it imports: `from pkg import mod` is an edge to pkg.mod
    when that is a module, else to pkg."""
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    edges: dict[str, set[str]] = {}
    for name, path in files.items():
        targets: set[str] = set()
        for base, names in imports(path, root):
            subs = {f"{base}.{n}" for n in names} & files.keys()
            targets |= subs if subs else {base} & files.keys()
            if subs and len(subs) < len(names) and base in files:
                targets.add(base)  # other names come from the package itself
        edges[name] = targets - {name}
    return edges


def external(root: Path = PACKAGE) -> dict[str, set[str]]:
    """visualizer module -> the top-level names of everything it imports."""
    return {
        module_name(p, root): {base.split(".")[0] for base, _ in imports(p, root)} for p in sorted(root.rglob("*.py"))
    }


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as [a, b, …, a], or None (depth-first search, three colours)."""
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if colour.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in colour and (found := visit(nxt)):
                return found
        stack.pop()
        colour[node] = 2
        return None

    for node in sorted(edges):
        if node not in colour and (found := visit(node)):
            return found
    return None


def _under(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def layer_violations(edges: dict[str, set[str]], ext: dict[str, set[str]]) -> list[str]:
    """Each import that crosses a layer the wrong way, as 'importer -> imported (rule)'."""
    bad = []
    for mod, targets in sorted(edges.items()):
        for t in sorted(targets):
            if _under(mod, ("visualizer.plots",)) and _under(t, ("visualizer.ui",)):
                bad.append(f"{mod} -> {t} (plots never import ui)")
            if _under(mod, PURE) and _under(t, ("visualizer.plots", "visualizer.ui")):
                bad.append(f"{mod} -> {t} (maths/nn/data/labs/content never import plots or ui)")
    for mod, names in sorted(ext.items()):
        if "streamlit" in names and not _under(mod, ("visualizer.ui",)):
            bad.append(f"{mod} -> streamlit (only visualizer.ui imports Streamlit)")
        if _under(mod, PURE):
            bad += [f"{mod} -> {n} (maths/nn/data/labs/content never draw)" for n in sorted(names & set(DRAWING))]
    return bad


# ---------------------------------------------------------------------------- the project


def test_the_import_graph_is_acyclic():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_layers_hold():
    bad = layer_violations(graph(), external())
    assert not bad, "imports across layers:\n" + "\n".join(bad)


def test_the_graph_sees_the_layers():
    """The parser finds what it must: ui imports plots and Streamlit, lazy imports included."""
    edges, ext = graph(), external()
    assert "visualizer.plots.style" in edges["visualizer.ui.show"]
    assert "streamlit" in ext["visualizer.ui.shell"]
    assert any(_under(m, PURE) for m in edges)


# ---------------------------------------------------------------------------- the checker itself


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "visualizer"
    for rel, text in {"__init__.py": "", **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_a_lazy_import_cycle_is_found_and_named(tmp_path):
    root = _package(
        tmp_path,
        {
            "ui/__init__.py": "",
            "ui/a.py": "from visualizer.ui import b\n",
            "ui/b.py": "def f():\n    from visualizer.ui.a import x\n",
        },
    )
    assert find_cycle(graph(root)) == ["visualizer.ui.a", "visualizer.ui.b", "visualizer.ui.a"]


def test_a_relative_import_counts(tmp_path):
    root = _package(tmp_path, {"plots/__init__.py": "", "plots/a.py": "from . import b\n", "plots/b.py": ""})
    assert graph(root)["visualizer.plots.a"] == {"visualizer.plots.b"}


def test_layer_violations_name_the_edge(tmp_path):
    root = _package(
        tmp_path,
        {
            "maths/__init__.py": "",
            "maths/m.py": "import plotly.graph_objects as go\nfrom visualizer.plots import p\n",
            "plots/__init__.py": "",
            "plots/p.py": "def f():\n    from visualizer.ui import v\n",
            "ui/__init__.py": "",
            "ui/v.py": "import streamlit as st\n",
            "state.py": "import streamlit\n",
        },
    )
    bad = layer_violations(graph(root), external(root))
    assert bad == [
        "visualizer.maths.m -> visualizer.plots.p (maths/nn/data/labs/content never import plots or ui)",
        "visualizer.plots.p -> visualizer.ui.v (plots never import ui)",
        "visualizer.maths.m -> plotly (maths/nn/data/labs/content never draw)",
        "visualizer.state -> streamlit (only visualizer.ui imports Streamlit)",
    ]


# ---------------------------------------------------------------------------- which layer each pure package may use

PURE_PACKAGES = ("nn", "data", "labs", "content")
FORBIDDEN_IMPORTS = ("streamlit", "plotly", "altair", "visualizer.plots", "visualizer.ui")
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


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_packages_import_no_framework_and_only_the_layers_below(package):
    files = sorted((ROOT / "visualizer" / package).rglob("*.py"))
    assert files
    for path in files:
        for name in _imports(path):
            assert not name.startswith(FORBIDDEN_IMPORTS), f"{path.relative_to(ROOT)} imports {name}"
            if name.startswith("visualizer.") and not name.startswith(f"visualizer.{package}"):
                ok = name in ("visualizer.ASSETS", "visualizer.ROOT") or name.startswith(ALLOWED[package])
                assert ok, f"{path.relative_to(ROOT)} imports {name}"


def test_every_preset_has_its_words_and_every_text_a_preset():
    from visualizer import gradient_presets as presets
    from visualizer.content import presets as preset_text

    assert list(preset_text.TEXT) == list(presets.PRESETS)
    assert all(t.label and t.notice for t in preset_text.TEXT.values())


def test_the_old_flat_maths_package_is_gone():
    assert not (ROOT / "visualizer" / "maths").exists()
