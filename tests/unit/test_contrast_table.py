"""Home's contrast pair as a Markdown table of text bars (visualizer/ui/memory.py): bars and ✓ computed from the
numbers."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from visualizer.labs.memory_proof.memory import ContrastPair
from visualizer.labs.memory_proof.proof import Contrast
from visualizer.ui.memory import BAR_CELLS, contrast_table, text_bar


def _cells(bar: str) -> float:
    """A text bar's length in cells (an eighth block is 1/8 of a cell)."""
    eighths = " ▏▎▍▌▋▊▉"
    return sum(1.0 if ch == "█" else eighths.index(ch) / 8 for ch in bar)


def test_text_bar_ends():
    assert text_bar(0.0) == ""
    assert text_bar(1.0) == "█" * BAR_CELLS
    assert text_bar(0.5) == "█" * (BAR_CELLS // 2)
    assert text_bar(1.7) == text_bar(1.0) and text_bar(-0.2) == ""  # clipped to [0, 1]


@given(st.floats(0, 1), st.floats(0, 1))
def test_text_bar_is_monotone_and_within_an_eighth(p, q):
    assert abs(_cells(text_bar(p)) - p * BAR_CELLS) <= 1 / 16 + 1e-9
    if p <= q:
        assert _cells(text_bar(p)) <= _cells(text_bar(q))


def _pair(a: str, b: str) -> ContrastPair:
    fields = ContrastPair.__dataclass_fields__
    values = {"prompt_a": "in paris they speak", "prompt_b": "in berlin they speak", "answer_a": a, "answer_b": b}
    return ContrastPair(**{k: values.get(k, "") for k in fields})


def test_contrast_table_marks_the_right_answer_and_flips_with_it():
    c = Contrast(
        candidates=("french", "german"),
        network_a=np.array([0.8, 0.1]),
        network_b=np.array([0.2, 0.7]),
        bigram=np.array([0.5, 0.4]),
    )
    rows = contrast_table(c, _pair("french", "german")).splitlines()
    assert rows[0] == "| next word | network after A | network after B | bigram, after A or B |"
    french, german = rows[2], rows[3]
    assert french.split("|")[2].strip() == f"`{text_bar(0.8)}` 0.80 ✓"  # right after A
    assert "✓" not in french.split("|")[3] and german.split("|")[3].strip().endswith("0.70 ✓")
    assert "✓" not in french.split("|")[4] + german.split("|")[4]  # the bigram has no right answer of its own
    # the case where it flips: the other answers put the ✓ in the other rows
    flipped = contrast_table(c, _pair("german", "french")).splitlines()
    assert flipped[2].split("|")[3].strip().endswith("0.20 ✓") and "✓" not in flipped[2].split("|")[2]


def test_contrast_table_escapes_candidates():
    c = Contrast(candidates=("a|b*",), network_a=np.array([1.0]), network_b=np.array([0.0]), bigram=np.array([0.5]))
    row = contrast_table(c, _pair("", "")).splitlines()[2]
    assert row.startswith("| a\\|b\\* |") and row.count("|") == 5 + 1  # the name's bar is escaped
    assert "| 0.00 |" in row  # p = 0: no bar, no empty code span
