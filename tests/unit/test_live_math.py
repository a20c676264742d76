"""The live equations' frame as served, and the fallback without KaTeX (what its script does in the browser:
tests/browser/test_live_frames.py)."""

from visualizer.ui import live_math


def test_served_directory_holds_the_page_its_script_and_katex():
    out = live_math.served_dir()
    for name in ("index.html", "main.js", "keys.js", "katex.min.js", "katex.min.css", "fonts/KaTeX_Main-Regular.woff2"):
        assert (out / name).is_file(), name
    assert (out / "main.js").read_text() == (live_math.FRONTEND / "main.js").read_text()
    assert live_math.served_dir() == out  # made once, then found


def test_without_katex_the_equations_fall_back_to_st_latex(monkeypatch):
    shown = []
    monkeypatch.setattr(live_math, "COMPONENT", None)
    monkeypatch.setattr(live_math.st, "latex", shown.append)
    live_math.live_latex("x_{1} = 0.5", key="k")
    assert shown == ["x_{1} = 0.5"]
