"""Every sentence of the gradients lab that judges numbers is computed from them: each claim built on both sides
of its comparison and at equality (content.gradient_claims), and the presets' notes never contradict it."""

from __future__ import annotations

import numpy as np
import pytest

from visualizer import gradient_presets as gp
from visualizer.content import gradient_claims as claims
from visualizer.content import presets as preset_text
from visualizer.labs.gradients import measure, whh
from visualizer.labs.gradients.measure import JacobianProfile
from visualizer.nn import rnn
from visualizer.plots import gradient_figures as gf

TOL = claims.REL_TOL


# ---------------------------------------------------------------------------- the comparison and its printing


@pytest.mark.parametrize(
    "a,b,rel",
    [
        (1.0, 1.0, "="),
        (1.0, 1.0 + 0.1 * TOL, "="),  # inside the stated tolerance
        (1.0, 1.0 + 10 * TOL, "<"),  # just outside it
        (1.0 + 10 * TOL, 1.0, ">"),
        (0.0, 0.0, "="),
        (float("nan"), 1.0, "?"),
    ],
)
def test_relation_uses_the_stated_relative_tolerance(a, b, rel):
    assert claims.relation(a, b) == rel


@pytest.mark.parametrize("x", [1.00007, 1 + 1e-6, 0.99999, 1 - 1e-8])
def test_numbers_judged_different_print_differently(x):
    """Never "γ·σ_max = 1 > 1": a number judged different from 1 prints unlike 1."""
    assert claims.number(x, 1.0) != claims.number(1.0, x)


def test_numbers_judged_equal_print_alike_and_round_off_prints_zero():
    assert claims.number(1 + 1e-12, 1.0) == claims.number(1.0, 1 + 1e-12) == "1"
    assert claims.number(3e-17, 4.0) == "0"  # a nilpotent W_hh's rho beside sigma_max = 4


# ---------------------------------------------------------------------------- rho against sigma_max


def test_rho_below_sigma_max_says_non_normal():
    W = np.array([[0.5, 1.0], [0.0, 0.5]])  # a Jordan block: rho = 0.5 < sigma_max
    c = claims.rho_sigma(rnn.spectral_radius(W), whh.sigma_max(W), whh.non_normality(W))
    assert c.kind == "less" and "ρ = 0.5 < σ_max" in c.text and "non-normal" in c.text


def test_rho_equal_sigma_max_for_a_normal_matrix_says_normal():
    W = whh.orthogonalise(np.random.default_rng(0).standard_normal((5, 5)))
    c = claims.rho_sigma(rnn.spectral_radius(W), whh.sigma_max(W), whh.non_normality(W))
    assert c.kind == "equal_normal" and "ρ = σ_max = 1" in c.text and "non-normal" not in c.text


def test_rho_equal_sigma_max_of_a_non_normal_matrix_says_both():
    W = np.diag([1.0, 0.1, 0.1])
    W[1, 2] = 0.5  # a non-normal block whose stretch (< 1) stays under the eigenvalue 1
    rho, smax, nn = rnn.spectral_radius(W), whh.sigma_max(W), whh.non_normality(W)
    assert nn > TOL and claims.relation(rho, smax) == "="
    c = claims.rho_sigma(rho, smax, nn)
    assert c.kind == "equal_non_normal" and "although W_hh is non-normal" in c.text


def test_a_rounded_orthogonal_matrix_is_told_apart_with_enough_digits():
    """The old preset's 4-digit orthogonal W_hh: rho = 1.00003, sigma_max = 1.00007, both once printed as 1."""
    Q = whh.orthogonalise(np.random.default_rng(0).standard_normal((6, 6)))
    W = np.vectorize(lambda x: float(f"{x:.4g}"))(Q)  # the old 4-digit URL form
    c = claims.rho_sigma(rnn.spectral_radius(W), whh.sigma_max(W), whh.non_normality(W))
    assert c.kind == "less" and "ρ = 1 <" not in c.text and "σ_max = 1 " not in c.text


def test_rho_above_sigma_max_is_named_round_off():
    assert claims.rho_sigma(1.1, 1.0, 0.5).kind == "rounding"


# ---------------------------------------------------------------------------- the bound


@pytest.mark.parametrize(
    "gamma,smax,kind,says",
    [
        (1.0, 0.9, "vanishing", "vanishing is guaranteed"),
        (0.25, 4.0, "flat", "the bound is flat"),
        (1.0, 1 + 0.1 * TOL, "flat", "the bound is flat"),
        (1.0, 1 + 1e-6, "upper_limit", "only an upper limit"),
        (1.0, 1 - 1e-6, "vanishing", "vanishing is guaranteed"),
        (1.0, 1.4, "upper_limit", "only an upper limit"),
    ],
)
def test_bound_verdict_flips_at_one_and_names_the_vanilla_rnn(gamma, smax, kind, says):
    c = claims.bound_rate(gamma, smax)
    assert c.kind == kind and says in c.text
    assert c.text.startswith("For the vanilla RNN") and "does not apply to the LSTM or the GRU" in c.text
    assert "= 1 > 1" not in c.text and "= 1 < 1" not in c.text


@pytest.mark.parametrize(
    "smax,says", [(0.9, "vanishing guaranteed"), (1.0, "cannot grow"), (1.0001, "an upper limit only")]
)
def test_the_bound_legend_is_the_vanilla_rnns_and_says_what_the_verdict_says(smax, says):
    name = gf.bound_name(1.0, smax)
    assert name.startswith("bound, vanilla RNN only") and says in name


def _profile(log10_norm, log10_bound) -> JacobianProfile:
    return JacobianProfile(np.asarray(log10_norm, float), np.asarray(log10_bound, float), 1.0, 1.0)


def test_tightness_flips_between_tight_and_below():
    steps = np.arange(9, -1, -1.0)
    assert claims.tightness(_profile(np.zeros(10), np.zeros(10))).kind == "tight"
    assert claims.tightness(_profile(np.full(10, 1e-12), np.zeros(10))).kind == "tight"  # round-off
    below = claims.tightness(_profile(-0.1 * steps, np.zeros(10)))
    assert below.kind == "below" and "0.13 × the bound" in below.text and "not tight" in below.text
    far = claims.tightness(_profile(-2.0 * steps, np.zeros(10)))
    assert far.kind == "below" and "10⁻¹⁸ × the bound" in far.text
    assert claims.tightness(_profile(np.r_[-np.inf, np.zeros(9)], np.zeros(10))).kind == "below"


# ---------------------------------------------------------------------------- the presets agree with the claims


def _run(key: str) -> measure.Experiment:
    s = gp.PRESETS[key].settings
    from visualizer.labs.gradients import inputs as gi

    seq = gi.sequence_for("generated", text="", mode="words", length=s["seq_length"], seed=s["seed"])
    W, b, _ = whh.hand_edits(s["w_hh"], s["b_h"], s["hidden"])
    return measure.run(
        seq.X,
        seq.tokens,
        seq.target,
        hidden=s["hidden"],
        seed=s["seed"],
        radius=s["radius"],
        rkind=s["radius_kind"],
        activation=s["grad_activation"],
        cell_names=tuple(s["cells"].split(",")),
        output_size=seq.V,
        W_hh=W,
        b_h=b,
        input_scale=s["input_scale"],
    )


def test_orthogonal_preset_is_orthogonal_in_its_url_form_so_every_claim_agrees():
    """Issue 27 item 6: 'ρ < σ_max because non-normal' and 'γ·σ_max = 1 > 1' beside ρ = σ_max = 1."""
    exp = _run("orthogonal")
    j = exp.jacobian
    assert claims.rho_sigma(exp.spectral_radius, j.sigma_max, exp.non_normality).kind == "equal_normal"
    assert claims.bound_rate(j.gamma, j.sigma_max).kind == "flat"
    assert claims.tightness(j).kind == "tight"


@pytest.mark.parametrize("key", list(gp.PRESETS))
def test_preset_notes_state_no_measured_outcome(key):
    """A preset's note says what it sets up; the judgements (tight, guaranteed, grows, fades) are computed."""
    notice = preset_text.TEXT[key].notice.lower()
    for word in ("tight", "guaranteed", "upper limit", "fades", "grows", "doubles", "non-normal", "exactly"):
        assert word not in notice, (key, word)


def test_vanishing_preset_bound_is_computed_to_guarantee_it():
    exp = _run("vanishing")
    assert claims.bound_rate(exp.jacobian.gamma, exp.jacobian.sigma_max).kind == "vanishing"
    assert claims.tightness(exp.jacobian).kind == "below"


@pytest.mark.parametrize("H", [2, 6, 8])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_editors_tools_keep_their_property_through_the_link(H, seed):
    """orthogonalise / symmetrise give rho = sigma_max, and rescale its target, after the URL form (whh.encode)."""
    W = np.random.default_rng(seed).standard_normal((H, H))
    for tool in (whh.orthogonalise, whh.symmetrise):
        back = whh.decode_matrix(whh.encode(tool(W)))
        c = claims.rho_sigma(rnn.spectral_radius(back), whh.sigma_max(back), whh.non_normality(back))
        assert c.kind == "equal_normal", (tool.__name__, c.text)
    back = whh.decode_matrix(whh.encode(whh.rescale(W, 0.5, "singular")))
    assert claims.relation(whh.sigma_max(back), 0.5) == "="


def test_gradient_figure_legends_sit_at_the_bottom_edge_not_on_the_axis_title():
    exp = _run("orthogonal")
    for fig in (gf.gradient_norms(exp), gf.eigenvalue_plane(exp.eigenvalues, exp.sigma_max)):
        legend = fig.layout.legend
        assert legend.yref == "container" and legend.y == 0 and legend.yanchor == "bottom"


@pytest.mark.parametrize(
    "rate,says",
    [
        (1 - measure.REGIME_TOL - 1e-6, "vanishing"),
        (1 - measure.REGIME_TOL + 1e-6, "holding"),
        (1.0, "holding"),
        (1 + measure.REGIME_TOL - 1e-6, "holding"),
        (1 + measure.REGIME_TOL + 1e-6, "exploding"),
        (float("nan"), "not measurable"),
    ],
)
def test_regime_words_flip_at_the_stated_tolerance(rate, says):
    assert measure.regime(rate) == says
