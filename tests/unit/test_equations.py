"""The explorer's LaTeX: escaping, number formatting, slicing, and that the numbers are the unroll's."""

import re

import numpy as np
import pytest

from visualizer.data import encoding
from visualizer.nn import rnn
from visualizer.plots import equations as eq
from visualizer.plots import tex as tx


@pytest.fixture(scope="module")
def small():
    enc = encoding.encode_text("the united states of america", "words", "onehot")
    params = rnn.init_params(enc.X.shape[1], 4, len(enc.vocab), seed=1)
    return enc, params, rnn.forward(params, enc.X)


def _numbers(tex: str) -> list[float]:
    return [float(x) for x in re.findall(r"(?<![\w{])-?\d+\.\d+", tex)]


def test_tex_text_escapes_every_special_character():
    out = tx.tex_text("<script>alert('x')</script> $\\{}&#%_^~", max_len=100)
    body = out[len("\\text{") : -1]
    for name in ("textless", "textgreater", "textbackslash", "textasciicircum", "textasciitilde"):
        body = body.replace(f"\\{name}{{}}", "")
    body = re.sub(r"\\[{}$&#%_]", "", body)  # the escaped single characters
    assert not set(body) & set("<>\\{}$&#%_^~"), body
    assert out.startswith("\\text{\\textless{}script\\textgreater{}")
    # Braces balance, so a token can never close the \text{...} group early.
    body = out.replace("\\{", "").replace("\\}", "")
    assert body.count("{") == body.count("}")


def test_tex_text_shortens_and_shows_whitespace():
    assert tx.tex_text(" ") == "\\text{␣}"
    assert tx.tex_text("x" * 40, max_len=5) == "\\text{xxxx…}"


def test_num_formats():
    assert tx.num(0.123456) == "0.12"
    assert tx.num(-0.001) == "0"  # no '-0.00'
    assert tx.num(float("nan")) == "\\text{NaN}"
    assert tx.num(float("-inf")) == "-\\infty"
    assert "10^{5}" in tx.num(123456.0)


def test_pick_slices_and_keeps_the_hot_index():
    assert tx.pick(5, 7) == [0, 1, 2, 3, 4]
    assert tx.pick(20, 7) == [0, 1, 2, 3, 4, None, 19]
    assert tx.pick(20, 7, keep=12) == [0, 1, 2, None, 12, None, 19]
    assert tx.pick(20, 7, keep=18) == [0, 1, 2, None, 18, 19]
    assert tx.pick(20, 7, keep=2) == [0, 1, 2, 3, 4, None, 19]
    for keep in range(20):
        shown = tx.pick(20, 7, keep=keep)
        assert keep in shown and len(shown) <= 7


def test_matrix_shows_all_numbers_when_small_and_dots_when_large():
    M = np.arange(6.0).reshape(2, 3)
    tex = tx.matrix(M, digits=0)
    assert tex == "\\left[\\begin{array}{ccc}0 & 1 & 2 \\\\ 3 & 4 & 5\\end{array}\\right]"
    big = tx.matrix(np.zeros((30, 30)))
    assert "\\vdots" in big and "\\cdots" in big and "\\ddots" in big
    assert big.count("\\\\") == tx.MAX_SHOWN - 1  # MAX_SHOWN rows shown, one of them the ⋮ row


def test_stacked_matrix_has_a_seam_and_the_vector_a_rule():
    cols, seam = tx.stacked_columns(3, 2)
    assert cols == [0, 1, 2, 3, 4] and seam == 3
    tex = tx.matrix(np.zeros((3, 5)), cols=cols, split=seam)
    assert "{ccc|cc}" in tex
    assert "\\hline" in tx.matrix(np.zeros(5), rows=cols, row_split=seam)


def test_step_equations_carry_the_unrolls_numbers(small):
    enc, params, trace = small
    t = 3
    s = eq.step_equations(params, trace, t, tokens=enc.tokens, vocab_tokens=enc.vocab.tokens, ids=enc.ids)
    h_line = s.hidden[-1]
    assert h_line.startswith("h_{3} = \\tanh")
    np.testing.assert_allclose(_numbers(h_line), np.round(trace.hs[t], 2), atol=0.006)
    z_line = s.hidden[-2]
    np.testing.assert_allclose(_numbers(z_line)[-4:], np.round(trace.pre[t - 1], 2), atol=0.006)
    np.testing.assert_allclose(_numbers(s.output[0])[-6:-1], np.round(trace.probs[t - 1], 3), atol=0.0006)
    assert "picks column 3" in " ".join(s.hidden) and "\\text{states}" in " ".join(s.hidden)
    assert "a 1 at position 3" in s.input[0]
    assert "{cccc|ccccc}" in s.stacked[0]  # [W_hh | W_xh] with H = 4, D = 5


def test_notation_switches_every_symbol(small):
    enc, params, trace = small
    a = eq.step_equations(params, trace, 2, notation="a", tokens=enc.tokens, vocab_tokens=enc.vocab.tokens, ids=enc.ids)
    text = " ".join(a.symbolic + a.hidden + a.output + a.stacked)
    for sym in ("W_{aa}", "W_{ax}", "W_{ya}", "a^{\\langle 2 \\rangle}", "W_a", "b_a"):
        assert sym in text
    for sym in ("W_{hh}", "W_{xh}", "h_{2}"):
        assert sym not in text
    assert eq.symbolic("h")[0] == "h_{t} = f\\left(W_{hh}\\,h_{t-1} + W_{xh}\\,x_{t} + b_h\\right)"


def test_large_hidden_size_is_sliced(small):
    enc, _, _ = small
    params = rnn.init_params(enc.X.shape[1], 64, len(enc.vocab), seed=0)
    trace = rnn.forward(params, enc.X)
    s = eq.step_equations(params, trace, 1, tokens=enc.tokens, vocab_tokens=enc.vocab.tokens, ids=enc.ids)
    assert all(line.count("\\\\") < 60 for line in s.hidden + s.stacked)
    assert "\\vdots" in s.hidden[-1]


def test_embedding_input_shows_E_times_one_hot():
    enc = encoding.encode_text("a b c a", "words", "embedding", embed_dim=3)
    params = rnn.init_params(3, 2, len(enc.vocab), seed=0)
    trace = rnn.forward(params, enc.X)
    s = eq.step_equations(params, trace, 4, tokens=enc.tokens, vocab_tokens=enc.vocab.tokens, ids=enc.ids, E=enc.E)
    assert s.input[0].startswith("x_{4} = E\\,o_w")
    np.testing.assert_allclose(_numbers(s.input[0])[-3:], np.round(enc.X[3], 2), atol=0.006)


def test_hostile_tokens_stay_inside_text(small):
    enc = encoding.encode_text("<script> $x$ \\end{array}", "words", "onehot")
    params = rnn.init_params(enc.X.shape[1], 2, len(enc.vocab), seed=0)
    trace = rnn.forward(params, enc.X)
    for t in range(1, len(enc.tokens) + 1):
        s = eq.step_equations(params, trace, t, tokens=enc.tokens, vocab_tokens=enc.vocab.tokens, ids=enc.ids)
        text = " ".join(s.hidden + s.output + s.input)
        assert "<script" not in text and "\\end{array}}" not in text.replace("\\textbackslash{}", "")


def test_step_out_of_range(small):
    enc, params, trace = small
    with pytest.raises(ValueError):
        eq.step_equations(params, trace, 0)


def test_an_unknown_word_is_named_as_the_token_it_is_read_as(small):
    """A word the vocabulary lacks is read as <unk>: the input line names <unk> as the 1's token, then the word."""
    enc, params, trace = small
    vocab = list(enc.vocab.tokens)
    unk = vocab.index("states")
    vocab[unk] = "<unk>"  # as if "states" were not in the vocabulary: its id is <unk>'s
    s = eq.step_equations(params, trace, 3, tokens=enc.tokens, vocab_tokens=vocab, ids=enc.ids)
    line = " ".join(s.input)
    assert f"a 1 at position {unk + 1}: “}}" in line and "\\textless{}unk\\textgreater{}" in line
    assert "is not in the vocabulary" in line and "states" in line
    known = eq.step_equations(params, trace, 3, tokens=enc.tokens, vocab_tokens=enc.vocab.tokens, ids=enc.ids)
    assert "not in the vocabulary" not in " ".join(known.input)
