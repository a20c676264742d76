"""The gradients lab: W_hh tools and their URL form, the presets' promises, the rho-is-not-enough
counterexample, and what the figures promise (one floor, decade ticks, a bound that never hides)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from visualizer import gradient_presets as gp
from visualizer import state
from visualizer.labs.gradients import inputs as gi
from visualizer.labs.gradients import measure as gradients
from visualizer.labs.gradients import whh
from visualizer.nn import rnn
from visualizer.plots import gradient_figures as gf

matrices = st.integers(1, 6).flatmap(
    lambda n: hnp.arrays(np.float64, (n, n), elements=st.floats(-5, 5, allow_nan=False, allow_infinity=False))
)


# ---------------------------------------------------------------------------- W_hh tools


@settings(max_examples=150, deadline=None)
@given(W=matrices)
def test_rho_never_exceeds_sigma_max_and_normal_edits_close_the_gap(W):
    assert rnn.spectral_radius(W) <= whh.sigma_max(W) * (1 + 1e-9) + 1e-12
    S = whh.symmetrise(W)
    np.testing.assert_allclose(S, S.T)
    assert rnn.spectral_radius(S) == pytest.approx(whh.sigma_max(S), rel=1e-7, abs=1e-9)
    assert whh.non_normality(S) == pytest.approx(0.0, abs=1e-9)
    Q = whh.orthogonalise(W)
    np.testing.assert_allclose(Q @ Q.T, np.eye(len(W)), atol=1e-9)
    assert whh.sigma_max(Q) == pytest.approx(1.0) and rnn.spectral_radius(Q) == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(W=matrices, target=st.floats(0.1, 3.0), kind=st.sampled_from(whh.RKINDS))
def test_rescale_hits_the_target_unless_the_measure_is_zero(W, target, kind):
    measure = rnn.spectral_radius if kind == "spectral" else whh.sigma_max
    out = whh.rescale(W, target, kind)
    if measure(W) > 1e-6 * max(1.0, float(np.abs(W).max())):
        assert measure(out) == pytest.approx(target, rel=1e-6)
        assert whh.non_normality(out) == pytest.approx(whh.non_normality(W), rel=1e-6, abs=1e-12)


def test_nilpotent_matrix_cannot_be_scaled_to_a_radius():
    W = gp.COUNTER_W_HH
    np.testing.assert_array_equal(W @ W, np.zeros((2, 2)))
    np.testing.assert_array_equal(whh.rescale(W, 1.0, "spectral"), W)  # rho = 0: nothing to scale
    assert whh.sigma_max(whh.rescale(W, 1.0, "singular")) == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(W=matrices)
def test_url_form_round_trips_to_ten_significant_digits(W):
    text = whh.encode(W)
    assert all(c.isalnum() or c in "-._" for c in text)  # nothing a URL would escape
    back = whh.decode_matrix(text)
    np.testing.assert_allclose(back, W, rtol=5e-10, atol=1e-300)
    assert whh.encode(back) == text  # canonical: one matrix, one link


@pytest.mark.parametrize(
    "text,why",
    [
        ("1_2_3", "H×H"),
        ("a_b_c_d", "numbers"),
        ("1_nan_2_3", "finite"),
        ("1_inf_2_3", "finite"),
        ("1_1e9_2_3", "beyond"),
        ("_".join(["1"] * 81), "H×H"),  # 9 x 9: too big to edit
        ("1,2,3,4", "numbers"),
    ],
)
def test_malformed_matrices_are_refused_with_a_reason(text, why):
    with pytest.raises(ValueError, match=why):
        whh.decode_matrix(text)


def test_hand_edits_check_b_h_against_the_size():
    W, b, notes = whh.hand_edits("2_2_-2_-2", "-2_2", hidden=6)
    assert W.shape == (2, 2) and b.tolist() == [-2.0, 2.0] and not notes
    W, b, notes = whh.hand_edits("2_2_-2_-2", "1_2_3", hidden=6)
    assert b is None and "2 hidden units" in notes[0]
    W, b, notes = whh.hand_edits("oops", "", hidden=6)
    assert W is None and "random W_hh" in notes[0]
    W, b, notes = whh.hand_edits("", "1_2_3_4_5_6", hidden=6)
    assert W is None and b.size == 6 and not notes


def test_state_table_round_trips_an_edited_matrix_and_refuses_a_malformed_one():
    W = np.array([[0.5, -1.25], [3.0, 1e-4]])
    query = state.to_query({**state.defaults(), "w_hh": whh.encode(W), "b_h": "1_-1"})
    assert query == {"whh": "0.5_-1.25_3_0.0001", "bh": "1_-1"}
    values, notices = state.parse(query)
    assert not notices
    np.testing.assert_allclose(whh.decode_matrix(values["w_hh"]), W)
    values, notices = state.parse({"whh": "1_2_3", "bh": "x_y"})
    assert values == {} and "random W_hh" in notices[0] and "b_h = 0" in notices[1]


# ---------------------------------------------------------------------------- presets


def _run_preset(preset: gp.Preset, seed: int | None = None):
    s = preset.settings
    seed = s["seed"] if seed is None else seed
    seq = gi.sequence_for("generated", length=s["seq_length"], seed=seed)
    W, b, notes = whh.hand_edits(s["w_hh"], s["b_h"], s["hidden"])
    assert not notes
    return gradients.run(
        seq.X,
        seq.tokens,
        seq.target,
        hidden=s["hidden"],
        seed=seed,
        radius=s["radius"],
        rkind=s["radius_kind"],
        activation=s["grad_activation"],
        cell_names=gi.parse_cells(s["cells"]),
        output_size=seq.V,
        W_hh=W,
        b_h=b,
        input_scale=s["input_scale"],
    )


@pytest.mark.parametrize("key", list(gp.PRESETS))
@pytest.mark.parametrize("seed", [None, 1, 2])
def test_every_preset_keeps_its_promise(key, seed):
    preset = gp.PRESETS[key]
    exp = _run_preset(preset, seed)
    assert gradients.regime(exp.cells["rnn"].rate()) == preset.regime
    assert not any(n.kind == "saturated" for n in exp.range_notes)
    if key == "vanishing":
        assert exp.jacobian.gamma * exp.sigma_max < 1  # the bound guarantees it
    if key == "orthogonal":
        assert exp.spectral_radius == pytest.approx(1.0, abs=1e-3) and exp.sigma_max == pytest.approx(1.0, abs=1e-3)
        np.testing.assert_allclose(exp.jacobian.log10_norm, exp.jacobian.log10_bound, atol=0.05)  # tight


def test_default_view_is_a_preset_with_one_line_exploding_and_others_vanishing():
    preset = gp.active(state.defaults())
    assert preset is not None and preset.key == "exploding"  # the page opens on it: one explodes, two vanish
    exp = _run_preset(preset)
    regimes = {n: gradients.regime(r.rate()) for n, r in exp.cells.items()}
    assert regimes["rnn"] == "exploding" and "vanishing" in {regimes["lstm"], regimes["gru"]}
    up, down = exp.cells["rnn"].dh_norm, exp.cells["gru"].dh_norm
    assert np.log10(up[0] / up[-1]) > 3 and np.log10(down[-1] / down[0]) > 3  # visibly: 3+ decades each way


def test_counterexample_doubles_every_step_with_spectral_radius_zero():
    """rho(W_hh) = 0 yet ||dh_T/dh_t|| doubles per step back; sigma_max = 4 satisfies Pascanu et al.'s condition."""
    exp = _run_preset(gp.PRESETS["counter"])
    assert exp.spectral_radius < 1e-12 and exp.sigma_max == pytest.approx(4.0)
    assert exp.cells["rnn"].rate() == pytest.approx(2.0, rel=0.01)
    steps = np.diff(exp.jacobian.log10_norm[:-1])  # log10 ratio between neighbouring steps, away from T
    np.testing.assert_allclose(steps, -np.log10(2.0), atol=1e-12)  # exactly x2 per step back
    np.testing.assert_array_equal(exp.rnn_params.W_hh @ exp.rnn_params.W_hh, np.zeros((2, 2)))
    # the linear RNN with the same nilpotent W_hh forgets after two steps: the eigenvalue story holds there
    W = exp.rnn_params.W_hh
    assert np.linalg.norm(W @ W) == 0.0


def test_preset_sentence_shows_only_while_its_settings_hold():
    values = {**state.defaults(), **gp.PRESETS["vanishing"].settings}
    assert gp.active(values).key == "vanishing"
    assert gp.active({**values, "radius": 0.8}) is None
    for p in gp.PRESETS.values():  # every preset value is a legal value of the state table
        for k, v in p.settings.items():
            assert state.SETTINGS[k].clamp(v) == v and state.SETTINGS[k].parse(state.SETTINGS[k].format(v)) == v, k


# ---------------------------------------------------------------------------- figures


def test_one_floor_for_lines_and_heatmap_and_decade_ticks_only():
    exp = _run_preset(gp.PRESETS["vanishing"])
    floor = gf.shared_floor(exp)
    fig = gf.gradient_norms(exp, floor=floor)
    heat = gf.gradient_heatmap(exp.cells["rnn"].dh, exp.tokens, floor=floor)
    assert heat.data[0].zmin == floor and fig.layout.yaxis.range[0] == pytest.approx(floor - 0.4)
    assert fig.layout.yaxis.dtick >= 1 and float(fig.layout.yaxis.dtick).is_integer()  # whole decades only
    assert fig.layout.yaxis.minor.ticks == "" and fig.layout.yaxis.exponentformat == "power"
    below = [tr for tr in fig.data if tr.mode == "markers" and "below the floor" in tr.name]
    assert below and all(np.allclose(np.asarray(tr.y, float), 10.0**floor) for tr in below)


def test_tick_labels_are_thinned_and_flat():
    steps, labels = gf.thinned_ticks([f"w{i}" for i in range(200)])
    assert len(steps) <= gf.MAX_TICK_LABELS and steps[0] == 1 and labels[0] == "1<br>w0"
    heat = gf.gradient_heatmap(np.ones((200, 3)), [f"w{i}" for i in range(200)])
    assert heat.layout.xaxis.tickangle == 0 and len(heat.layout.xaxis.tickvals) <= gf.MAX_TICK_LABELS


@pytest.mark.parametrize("key,says", [("vanishing", "vanishing guaranteed"), ("edge", "an upper limit only")])
def test_bound_says_what_it_is_made_of_and_whether_it_is_informative(key, says):
    exp = _run_preset(gp.PRESETS[key])
    fig = gf.gradient_norms(exp)
    bound = fig.data[-1]
    assert bound.name.startswith("bound") and says in bound.name
    assert f"{exp.jacobian.gamma * exp.sigma_max:.3g}" in bound.name
    assert bound.line.width > max(tr.line.width or 0 for tr in fig.data[:-1] if tr.mode == "lines")


def test_counterexample_figures_draw_rho_zero_inside_sigma_max():
    exp = _run_preset(gp.PRESETS["counter"])
    fig = gf.eigenvalue_plane(exp.eigenvalues, exp.sigma_max)
    assert fig.layout.xaxis.range[1] >= 4.0
    assert rnn.activation("relu").gamma * exp.sigma_max == pytest.approx(4.0)


def test_an_exploding_line_keeps_its_foot_above_the_floor():
    """rho = 1.8 over 200 steps spans ~50 decades: the floor stays below where every line starts (t = T)."""
    seq = gi.sequence_for("generated", length=200, seed=0)
    exp = gradients.run(
        seq.X, seq.tokens, seq.target, hidden=6, seed=0, radius=1.8, rkind="spectral", activation="linear"
    )
    floor = gf.shared_floor(exp)
    assert all(np.log10(r.dh_norm[-1]) > floor for r in exp.cells.values())
    fig = gf.gradient_norms(exp, floor=floor)
    assert not any("below the plot" in a.text for a in fig.layout.annotations)
    assert not any(tr.mode == "markers" and tr.name.startswith("‖∂L/∂h_t‖ vanilla") for tr in fig.data)


def test_the_floor_reaches_the_smallest_unit_gradient_within_its_span():
    """A unit's |dL/dh_t[j]| is often far below the norm: the heatmap must not lose it to a floor set by the lines."""
    seq = gi.sequence_for("user", text="the cat sat on the mat and the dog sat on the log", mode="words")
    exp = gradients.run(
        seq.X, seq.tokens, seq.target, hidden=6, seed=0, radius=1.1, rkind="spectral", activation="tanh",
        output_size=seq.V,
    )  # fmt: skip
    floor = gf.shared_floor(exp)
    smallest = min(float(np.log10(np.abs(r.dh)[np.abs(r.dh) > 0]).min()) for r in exp.cells.values())
    assert floor <= smallest and floor == np.floor(floor)
    heat = gf.gradient_heatmap(exp.cells["rnn"].dh, exp.tokens, floor=floor)
    assert heat.data[0].zmin == floor
