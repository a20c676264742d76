"""The exercise sheet's answers, checked against the library's own arrays and a second computation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from visualizer.content import exercises, seqtype_gallery
from visualizer.labs.sequences import seqtypes
from visualizer.nn import cells


@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 12), st.sampled_from(sorted(exercises.BLOCKS)))
def test_counts_and_shapes_are_those_of_the_cells_actual_arrays(D, H, V, cell):
    arrays = cells.CELLS[cell].init(D, H, V, seed=0).as_dict()
    assert exercises.parameter_count(cell, D, H, V) == sum(a.size for a in arrays.values())
    assert exercises.shapes(cell, D, H, V) == {name: a.shape for name, a in arrays.items()}


def test_the_parameters_answer_names_every_cell_with_its_count():
    ex = exercises.parameters_exercise(10, 16, 10)
    assert "D = 10" in ex.question and "H = 16" in ex.question and "V = 10" in ex.question
    rnn_count = 16 * 10 + 16 * 16 + 16 + 10 * 16 + 10
    assert f"vanilla RNN: W_xh 16×10, W_hh 16×16, b_h 16, W_hy 10×16, b_y 10; {rnn_count:,} parameters." in ex.answer
    assert "LSTM: W_x 64×10, W_h 64×16, b 64" in ex.answer[1]
    assert f"{4 * (160 + 256 + 16) + 170:,} parameters" in ex.answer[1]
    assert "GRU: W_x 48×10" in ex.answer[2]
    with pytest.raises(ValueError):
        exercises.parameters_exercise(0, 4, 4)


def test_the_forward_step_answer_is_the_cells_step_and_a_second_computation():
    ex = exercises.forward_step_exercise()
    a = exercises.STEP_W_HH @ exercises.STEP_H0 + exercises.STEP_W_XH @ exercises.STEP_X1 + exercises.STEP_B_H
    h = np.tanh(a)
    z = exercises.STEP_W_HY @ h + exercises.STEP_B_Y
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    fmt = lambda v: "[" + ", ".join(f"{x:g}" for x in np.round(v, 3)) + "]"  # noqa: E731
    assert ex.answer == (
        f"a_1 = {fmt(a)}",
        f"h_1 = tanh(a_1) = {fmt(h)}",
        f"z_1 = {fmt(z)}",
        f"ŷ_1 = softmax(z_1) = {fmt(p)}",
    )
    assert a.tolist() == [0.75, -0.25]  # small numbers: the by-hand arithmetic is short
    assert any("W_xh = [0.5 -1; 0.25 0.5]" in g for g in ex.given)


def test_the_shape_answers_come_from_the_gallery():
    ex = exercises.shape_exercise()
    gallery = {a.name: a for a in seqtype_gallery.GALLERY}
    for i, name in enumerate(exercises.SHAPE_APPS):
        assert ex.answer[i].startswith(f"{i + 1}. {name}: {seqtypes.LABELS[gallery[name].kind]}")
        assert name in ex.given[i]
    with pytest.raises(ValueError):
        exercises.shape_exercise(("not an application",))
