"""The equations' LaTeX as MathML: every line the builders write converts, user text stays text."""

import itertools
import xml.dom.minidom

import pytest
from hypothesis import given
from hypothesis import strategies as st

from visualizer.data import encoding
from visualizer.labs.explorer import explore, gates
from visualizer.plots import equations, mathml, tex


def _lines(cell: str, n: str, mode: str, rep: str, text: str) -> list[str]:
    enc = encoding.encode_text(text, mode, rep, embed_dim=3, seed=0)
    u = explore.unroll(cell, enc, explore.make_params(cell, enc, 7, seed=1))
    out: list[str] = []
    for t in range(1, u.T + 1):
        if cell == "rnn":
            e = equations.step_equations(
                u.params, u.trace, t, notation=n, tokens=enc.tokens,
                vocab_tokens=() if u.regression else enc.vocab.tokens, ids=enc.ids, E=enc.E, values=enc.values,
            )  # fmt: skip
            out += e.symbolic + e.input + e.hidden + e.output + e.stacked
            out += equations.backward_symbolic(n) + equations.backward_equations(u.params, u.steps, t, notation=n)
        else:
            out += list(equations.gate_equations(gates.cell_step(cell, u.trace, t), notation=n).values())
            out += equations.gated_backward_equations(u.gated, t, notation=n)
    return out


CASES = [
    (cell, n, mode, rep, text)
    for cell, n in itertools.product(("rnn", "lstm", "gru"), ("h", "a"))
    for mode, rep, text in (
        ("words", "onehot", "the cat & the <dog> {x}"),
        ("words", "embedding", "a b a c"),
        ("numbers", "embedding", "1, 3, 2, 5"),
        ("chars", "onehot", "a_b^c%$#~\\"),
    )
]


@pytest.mark.parametrize(("cell", "n", "mode", "rep", "text"), CASES)
def test_every_equation_line_converts_to_wellformed_mathml(cell, n, mode, rep, text):
    for line in _lines(cell, n, mode, rep, text):
        out = mathml.to_mathml(line)
        xml.dom.minidom.parseString(out)  # well-formed: every tag closed, every text escaped
        assert "\\" not in out.replace("<mtext>\\</mtext>", ""), line  # no LaTeX command left over


def test_user_text_is_escaped_text():
    out = mathml.to_mathml(tex.tex_text("<script>&x") + " = 1")
    assert "<script>" not in out
    assert "&lt;script&gt;&amp;x" in out
    doc = xml.dom.minidom.parseString(out)
    assert doc.getElementsByTagName("mtext")[0].firstChild.data == "<script>&x"


def test_structures():
    out = mathml.to_mathml(
        r"\hat{y}_{3} = \frac{\partial L}{\partial h_{t}} \left[\begin{array}{c|c}1 & 2 \\ \hline 3 & 4\end{array}\right]"
    )
    assert '<mover accent="true"><mrow><mi>y</mi></mrow><mo>^</mo></mover>' in out
    assert "<mfrac>" in out
    assert out.count("<mtr") == 2 and 'class="ruled"' in out and 'class="seam"' in out
    assert out.count('stretchy="true"') == 2  # \left[ … \right] stretch
    assert 'stretchy="false">(' in mathml.to_mathml("f(x)")  # a plain bracket keeps its size


def test_text_keeps_its_spaces():
    assert "<mtext>a one-hot\u00a0</mtext>" in mathml.to_mathml(r"\text{a one-hot } x")  # MathML trims a plain space


@pytest.mark.parametrize("bad", [r"\unknowncommand x", r"\begin{matrix}1\end{matrix}", r"x \right)"])
def test_unknown_latex_raises(bad):
    with pytest.raises(mathml.UnknownTeX):
        mathml.to_mathml(bad)


@given(st.text(max_size=30))
def test_any_token_as_text_is_wellformed(s):
    out = mathml.to_mathml(tex.tex_text(s, max_len=40))
    xml.dom.minidom.parseString(out)
