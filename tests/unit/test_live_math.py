"""The live equations' frame as served, and the fallback without KaTeX."""

from visualizer.ui import live_math


def test_served_directory_holds_the_page_its_script_and_katex():
    out = live_math.served_dir()
    for name in ("index.html", "main.js", "keys.js", "katex.min.js", "katex.min.css", "fonts/KaTeX_Main-Regular.woff2"):
        assert (out / name).is_file(), name
    assert (out / "main.js").read_text() == (live_math.FRONTEND / "main.js").read_text()
    assert live_math.served_dir() == out  # made once, then found


def test_the_frame_never_writes_html_from_a_string():
    """The LaTeX comes from the server (with the user's tokens in it): KaTeX builds elements, and the
    numbers rewritten in place are text nodes; nothing is parsed as HTML."""
    script = (live_math.FRONTEND / "main.js").read_text()
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "renderToString"):
        assert risky not in script
    # KaTeX is trusted with one command only: the class names that mark the numbers
    assert 'trust: (context) => context.command === "\\\\htmlClass"' in script


def test_without_katex_the_equations_fall_back_to_st_latex(monkeypatch):
    shown = []
    monkeypatch.setattr(live_math, "COMPONENT", None)
    monkeypatch.setattr(live_math.st, "latex", shown.append)
    live_math.live_latex("x_{1} = 0.5", key="k")
    assert shown == ["x_{1} = 0.5"]
