"""The equations' LaTeX (equations.py, tex.py) as MathML Core, which the browser draws itself: no KaTeX to load.

Only the small subset the app's own builders write is understood (groups, sub/superscripts, \\frac, \\hat,
\\left…\\right, one `array`, \\text, \\mathrm, Greek letters and a few symbols); `UnknownTeX` is raised for
anything else, so a builder that starts writing a new command fails its unit test instead of drawing it wrong.
Every piece of text is XML-escaped here: user tokens reach MathML only as escaped <mtext>. Pure: no Streamlit.
"""

from __future__ import annotations

import re
from html import escape

# \name → the character it draws (an operator unless noted in _IDENT)
_SYMBOLS = {
    "vdots": "⋮",
    "cdots": "⋯",
    "ddots": "⋱",
    "langle": "⟨",
    "rangle": "⟩",
    "partial": "∂",
    "odot": "⊙",
    "top": "⊤",
    "delta": "δ",
    "Delta": "Δ",
    "sigma": "σ",
    "sum": "∑",
    "lVert": "‖",
    "rVert": "‖",
    "mid": "∣",
    "times": "×",
    "infty": "∞",
    "cdot": "·",
    "approx": "≈",
    "leq": "≤",
    "geq": "≥",
    "to": "→",
}
_IDENT = {"delta", "Delta", "sigma", "partial", "infty", "top"}
_FUNCTIONS = {"tanh", "exp", "log", "max", "min"}
_SPACES = {",": "0.17em", " ": "0.25em", "quad": "1em", "qquad": "2em", ";": "0.28em", ":": "0.22em"}
_IGNORED = {"!", "Big", "big", "Bigg", "textstyle", "displaystyle"}
_TEXT_ESCAPES = {
    "textbackslash": "\\",
    "textasciicircum": "^",
    "textasciitilde": "~",
    "textless": "<",
    "textgreater": ">",
}
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[0-9]+(?:\.[0-9]+)?|\s+|.", re.S)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _text(s: str) -> str:
    """Text for MathML: escaped, control characters (which XML cannot hold) dropped, and spaces at either end
    kept as no-break spaces (MathML trims a token's surrounding white space; "a one-hot " would lose its gap)."""
    s = _CONTROL.sub("", s)
    core = s.strip(" ")
    if not core:
        return "\u00a0" * len(s)
    lead, trail = len(s) - len(s.lstrip(" ")), len(s) - len(s.rstrip(" "))
    return "\u00a0" * lead + escape(core) + "\u00a0" * trail


class UnknownTeX(ValueError):
    """The LaTeX uses a command this converter does not know."""


class _Parser:
    def __init__(self, tex: str) -> None:
        self.toks = _TOKEN.findall(tex)  # spaces are kept for \text{…} and skipped everywhere else
        self.raw = tex
        self.i = 0

    def _skip(self) -> None:
        while self.i < len(self.toks) and self.toks[self.i].isspace():
            self.i += 1

    def peek(self) -> str | None:
        self._skip()
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> str:
        self._skip()
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def take_raw(self) -> str:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, tok: str) -> None:
        if self.peek() != tok:
            raise UnknownTeX(f"expected {tok!r} at token {self.i} of {self.raw!r}")
        self.i += 1

    # ------------------------------------------------------------------------ groups and atoms

    def row(self, stops: tuple[str, ...] = ()) -> str:
        """Atoms (with their scripts) up to a stop token or the end, as the inside of an <mrow>."""
        out: list[str] = []
        while (tok := self.peek()) is not None and tok not in stops:
            if tok in ("\\right", "\\end"):
                break
            out.append(self.scripted())
        return "".join(out)

    def group(self) -> str:
        """A {…} group or a single atom, as one MathML element."""
        if self.peek() == "{":
            self.take()
            inner = self.row(("}",))
            self.expect("}")
            return f"<mrow>{inner}</mrow>"
        return self.atom()

    def raw_group(self) -> str:
        """The literal text of a {…} group (for \\text, \\mathrm, \\begin), escape commands resolved."""
        self.expect("{")
        depth, out = 1, list[str]()
        while True:
            tok = self.take_raw()
            if tok == "{":
                depth += 1
            elif tok == "}":
                depth -= 1
                if depth == 0:
                    return "".join(out)
            elif tok.startswith("\\") and len(tok) == 2:
                out.append(tok[1])  # \{ \} \$ \& \# \% \_
                continue
            elif tok[1:] in _TEXT_ESCAPES and tok.startswith("\\"):
                out.append(_TEXT_ESCAPES[tok[1:]])
                if self.peek() == "{":  # \textless{}
                    self.take()
                    self.expect("}")
                continue
            if depth:
                out.append(tok)

    def scripted(self) -> str:
        base = self.atom()
        sub = sup = None
        while self.peek() in ("_", "^"):
            if self.take() == "_":
                sub = self.group()
            else:
                sup = self.group()
        if sub is not None and sup is not None:
            return f"<msubsup>{base}{sub}{sup}</msubsup>"
        if sub is not None:
            return f"<msub>{base}{sub}</msub>"
        if sup is not None:
            return f"<msup>{base}{sup}</msup>"
        return base

    def atom(self) -> str:
        tok = self.take()
        if tok == "{":
            self.i -= 1
            return self.group()
        if tok[0].isdigit():
            return f"<mn>{tok}</mn>"
        if tok.isalpha():
            return f"<mi>{escape(tok)}</mi>"
        if not tok.startswith("\\"):
            if tok in ("_", "^", "}"):
                return ""
            # a bracket written without \left … \right keeps its size, as in LaTeX
            fixed = ' stretchy="false"' if tok in "()[]|" else ""
            return f"<mo{fixed}>{escape(tok)}</mo>"
        name = tok[1:]
        if name in _SYMBOLS:
            tag = "mi" if name in _IDENT else "mo"
            return f"<{tag}>{_SYMBOLS[name]}</{tag}>"
        if name in _FUNCTIONS:
            return f'<mi mathvariant="normal">{name}</mi>'
        if name in _SPACES:
            return f'<mspace width="{_SPACES[name]}"></mspace>'
        if name in _IGNORED:
            return ""
        if len(name) == 1:  # \{ \} \$ …
            return f"<mo>{escape(name)}</mo>"
        if name == "text":
            return f"<mtext>{_text(self.raw_group())}</mtext>"
        if name == "mathrm":
            return f'<mi mathvariant="normal">{_text(self.raw_group())}</mi>'
        if name == "mathrel":
            return self.group()
        if name == "hat":
            return f'<mover accent="true">{self.group()}<mo>^</mo></mover>'
        if name == "frac":
            return f"<mfrac>{self.group()}{self.group()}</mfrac>"
        if name == "left":
            return self.fenced()
        if name == "begin":
            return self.array()
        if name in _TEXT_ESCAPES:
            return f"<mo>{escape(_TEXT_ESCAPES[name])}</mo>"
        raise UnknownTeX(f"unknown LaTeX command \\{name} in {self.raw!r}")

    def delimiter(self) -> str:
        tok = self.take()
        if tok == ".":
            return ""
        if tok.startswith("\\") and tok[1:] in _SYMBOLS:
            tok = _SYMBOLS[tok[1:]]
        return f'<mo stretchy="true">{escape(tok)}</mo>'

    def fenced(self) -> str:
        left = self.delimiter()
        inner = self.row()
        self.expect("\\right")
        return f"<mrow>{left}{inner}{self.delimiter()}</mrow>"

    def array(self) -> str:
        env = self.raw_group()
        if env != "array":
            raise UnknownTeX(f"unknown environment {env!r} in {self.raw!r}")
        spec = self.raw_group()
        bars, col = set(), 0  # columns with a bar before them: the [W_hh | W_xh] seam
        for ch in spec:
            if ch == "|":
                bars.add(col)
            elif ch in "lcr":
                col += 1
        rows: list[str] = []
        ruled = False
        cells: list[str] = []
        while True:
            if self.peek() == "\\hline":
                self.take()
                ruled = True
            cell = self.row(("&", "\\\\"))
            k = len(cells)
            cls = ' class="seam"' if k in bars else ""
            cells.append(f"<mtd{cls}>{cell}</mtd>")
            tok = self.take()
            if tok == "&":
                continue
            attrs = ' class="ruled"' if ruled else ""
            rows.append(f"<mtr{attrs}>{''.join(cells)}</mtr>")
            cells, ruled = [], False
            if tok == "\\end":
                self.raw_group()
                return f"<mtable>{''.join(rows)}</mtable>"
            if tok != "\\\\":
                raise UnknownTeX(f"unexpected {tok!r} in an array of {self.raw!r}")


def to_mathml(tex: str, *, display: bool = True) -> str:
    """One LaTeX equation as a <math> element (MathML Core). Raises UnknownTeX on a command it does not know."""
    p = _Parser(tex)
    inner = p.row()
    if p.peek() is not None:
        raise UnknownTeX(f"unbalanced {p.peek()!r} in {tex!r}")
    mode = ' display="block"' if display else ""
    return f"<math{mode}><mrow>{inner}</mrow></math>"
