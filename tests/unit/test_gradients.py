"""Gradients through time: Jacobian products vs explicit products, the Pascanu bound, overflow,
clipping, the per-cell measurements and the figures built from them."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.content import gradient_notes
from visualizer.data import encoding, trained_model
from visualizer.labs.gradients import inputs as gi
from visualizer.labs.gradients import measure as gradients
from visualizer.labs.gradients import whh
from visualizer.nn import cells, rnn
from visualizer.plots import gradient_figures as gf

D, H, V = 3, 5, 4


def _rnn(seed=0, radius=1.0, rkind="spectral", hidden=H, bias=0.3):
    p = gradients.scaled_params("rnn", D, hidden, V, seed=seed, radius=radius, rkind=rkind)
    b = np.random.default_rng(seed).normal(0, bias, hidden)
    return rnn.RNNParams(**{**p.as_dict(), "b_h": b})


def _X(T, seed=0, scale=1.0):
    return np.random.default_rng(seed + 7).standard_normal((T, D)) * scale


def _explicit(params, trace, t):
    """dh_T/dh_t as an explicit product J_T ... J_{t+1} (identity when t = T)."""
    J = gradients.step_jacobians(params, trace)
    mats = [J[k - 1] for k in range(trace.T, t, -1)]
    if not mats:
        return np.eye(params.hidden_size)
    return mats[0] if len(mats) == 1 else np.linalg.multi_dot(mats)


# ---------------------------------------------------------------------------- W_hh


@pytest.mark.parametrize("radius", [0.1, 0.95, 1.0, 2.0])
@pytest.mark.parametrize("rkind", whh.RKINDS)
def test_rescale_sets_radius_or_sigma_exactly(radius, rkind):
    p = _rnn(seed=3, radius=radius, rkind=rkind, hidden=12)
    measured = rnn.spectral_radius(p.W_hh) if rkind == "spectral" else whh.sigma_max(p.W_hh)
    assert measured == pytest.approx(radius, rel=1e-12)
    # sigma_max >= spectral radius always; a random matrix is non-normal, so strictly here.
    assert whh.sigma_max(p.W_hh) > rnn.spectral_radius(p.W_hh) * 1.01


def test_rescale_rejects_unknown_kind_and_keeps_zero_matrix():
    with pytest.raises(ValueError, match="unknown kind"):
        whh.rescale(np.eye(2), 1.0, "frobenius")
    np.testing.assert_array_equal(whh.rescale(np.zeros((3, 3)), 2.0), np.zeros((3, 3)))


def test_gated_cells_get_the_same_recurrent_scale_and_open_keep_gate():
    for name, n in (("lstm", 4), ("gru", 3)):
        p = gradients.scaled_params(name, D, H, V, seed=1, radius=0.7, rkind="singular")
        for k in range(n):
            assert whh.sigma_max(p.W_h[k * H : (k + 1) * H]) == pytest.approx(0.7, rel=1e-12)
        np.testing.assert_array_equal(p.b[H : 2 * H], gradients.KEEP_BIAS)


def test_eigenvalues_match_numpy_and_radius():
    p = _rnn(radius=1.3)
    eig = whh.eigenvalues(p.W_hh)
    assert eig.shape == (H,)
    assert np.max(np.abs(eig)) == pytest.approx(1.3, rel=1e-12)


# ---------------------------------------------------------------------------- Jacobian products


@pytest.mark.parametrize("activation", rnn.ACTIVATIONS)
@pytest.mark.parametrize("radius", [0.5, 1.0, 1.8])
def test_jacobian_norms_equal_explicit_product(activation, radius):
    """||J_T ... J_{t+1}||_2 from the incremental, renormalised product vs multi_dot then norm 2."""
    p = _rnn(seed=2, radius=radius, bias=0.5 if activation == "relu" else 0.3)
    T = 12
    tr = rnn.forward(p, _X(T, 2), activation=activation)
    prof = gradients.jacobian_norms(p, tr)
    assert prof.log10_norm.shape == (T,) and prof.log10_bound.shape == (T,)
    for t in range(1, T + 1):
        expected = np.linalg.norm(_explicit(p, tr, t), 2)
        got = prof.norm[t - 1]
        if expected == 0:
            assert got == 0
        else:
            assert got == pytest.approx(expected, rel=1e-10), t
    assert prof.norm[-1] == 1.0 and prof.bound[-1] == 1.0


def test_step_jacobian_is_the_derivative_of_one_step():
    """J_k = dh_k/dh_{k-1}, checked against central differences of one step."""
    p = _rnn(seed=5)
    X = _X(3, 5)
    tr = rnn.forward(p, X, activation="tanh")
    J = gradients.step_jacobians(p, tr)[1]  # J_2
    eps = 1e-6
    num = np.zeros((H, H))
    for j in range(H):
        e = np.zeros(H)
        e[j] = eps
        plus = rnn.step(p, tr.hs[1] + e, X[1], "tanh")[1]
        minus = rnn.step(p, tr.hs[1] - e, X[1], "tanh")[1]
        num[:, j] = (plus - minus) / (2 * eps)
    np.testing.assert_allclose(J, num, rtol=1e-7, atol=1e-9)


@settings(max_examples=120, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    radius=st.floats(0.1, 2.0),
    rkind=st.sampled_from(whh.RKINDS),
    activation=st.sampled_from(rnn.ACTIVATIONS),
    T=st.integers(1, 40),
    hidden=st.integers(2, 8),
    xscale=st.floats(0.0, 5.0),
    bias=st.floats(0.0, 2.0),
)
def test_measured_norm_never_exceeds_the_bound(seed, radius, rkind, activation, T, hidden, xscale, bias):
    """||dh_T/dh_t||_2 <= (gamma sigma_max)^(T - t), for every t, within 1e-9 relative."""
    p = _rnn(seed=seed % 1000, radius=radius, rkind=rkind, hidden=hidden, bias=bias)
    tr = rnn.forward(p, _X(T, seed % 997, xscale), activation=activation)
    prof = gradients.jacobian_norms(p, tr)
    finite = np.isfinite(prof.log10_norm)
    slack = np.log10(1 + 1e-9)
    assert np.all(prof.log10_norm[finite] <= prof.log10_bound[finite] + slack)


def test_linear_orthogonal_makes_the_bound_tight():
    """For W_hh = c Q (Q orthogonal) and f linear, ||(cQ)^k|| = c^k: the measured norm equals the bound."""
    Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((H, H)))
    base = gradients.scaled_params("rnn", D, H, V, seed=0, radius=1.0)
    p = rnn.RNNParams(**{**base.as_dict(), "W_hh": 0.8 * Q})
    tr = rnn.forward(p, _X(30), activation="linear")
    prof = gradients.jacobian_norms(p, tr)
    np.testing.assert_allclose(prof.log10_norm, prof.log10_bound, atol=1e-10)
    assert prof.log10_norm[0] == pytest.approx(29 * np.log10(0.8), rel=1e-10)


def test_overflow_beyond_float64_is_exact_in_log_and_flagged_never_raised():
    """W_hh = 50 Q, linear, 400 steps: the product reaches 50^399 ~ 1e678; shown as inf, flagged."""
    Q, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((H, H)))
    base = gradients.scaled_params("rnn", D, H, V, seed=0, radius=1.0)
    p = rnn.RNNParams(**{**base.as_dict(), "W_hh": 50.0 * Q})
    tr = rnn.forward(p, _X(400), activation="linear")
    assert tr.overflowed
    prof = gradients.jacobian_norms(p, tr)
    assert prof.out_of_range
    assert prof.log10_norm[0] == pytest.approx(399 * np.log10(50.0), rel=1e-10)
    assert np.isinf(prof.norm[0]) and np.isinf(prof.bound[0])
    res, _ = gradients.cell_gradients("rnn", p, _X(400), 0, activation="linear")
    assert res.overflowed
    notes = [gradient_notes.range_note(n) for n in gradients.range_notes({"rnn": res}, prof)]
    assert any("overflowed float64" in n for n in notes) and any("exceeds float64" in n for n in notes)


def test_dead_relu_and_nan_traces_do_not_crash():
    p = _rnn(seed=0, radius=1.0, bias=0.0)
    p = rnn.RNNParams(**{**p.as_dict(), "b_h": np.full(H, -100.0)})  # every unit off: f' = 0
    tr = rnn.forward(p, _X(6), activation="relu")
    prof = gradients.jacobian_norms(p, tr)
    assert np.all(prof.log10_norm[:-1] == -np.inf) and prof.norm[0] == 0.0
    bad = rnn.RNNTrace(
        X=tr.X,
        pre=np.full_like(tr.pre, np.nan),
        hs=np.full_like(tr.hs, np.nan),
        logits=tr.logits,
        probs=tr.probs,
        activation="tanh",
    )
    prof = gradients.jacobian_norms(p, bad)
    assert np.all(np.isnan(prof.log10_norm[:-1]))


# ---------------------------------------------------------------------------- per-cell gradients


@pytest.mark.parametrize("activation", rnn.ACTIVATIONS)
def test_vanilla_dh_is_the_jacobian_product_applied_to_the_last_gradient(activation):
    """dL/dh_t = (dh_T/dh_t)^T dL/dh_T when only the last step has a loss."""
    p = _rnn(seed=4, radius=0.9, bias=0.5 if activation == "relu" else 0.3)
    X = _X(10, 4)
    res, tr = gradients.cell_gradients("rnn", p, X, target=2, activation=activation)
    for t in range(1, 11):
        expected = _explicit(p, tr, t).T @ res.dh[-1]
        np.testing.assert_allclose(res.dh[t - 1], expected, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(res.dh_norm, np.linalg.norm(res.dh, axis=1))


def test_last_step_loss_only_counts_the_last_step():
    probs = rnn.softmax(np.random.default_rng(0).standard_normal((5, V)))
    loss, dl = gradients.last_step_cross_entropy(probs, 1)
    assert loss == pytest.approx(-np.log(probs[-1, 1]))
    assert np.all(dl[:-1] == 0) and np.any(dl[-1] != 0)


@pytest.mark.parametrize("cell", list(cells.CELLS))
def test_clipping_caps_the_norm_and_leaves_small_gradients_alone(cell):
    p = gradients.scaled_params(cell, D, H, V, seed=0, radius=1.5)
    X = _X(20, 1, 3.0)
    free, _ = gradients.cell_gradients(cell, p, X, 1, activation="linear")
    small = free.grad_norm / 10
    clipped, _ = gradients.cell_gradients(cell, p, X, 1, activation="linear", clip_norm=small)
    assert clipped.grad_norm == pytest.approx(free.grad_norm)
    assert clipped.clipped_norm == pytest.approx(small, rel=1e-9)
    np.testing.assert_array_equal(clipped.dh, free.dh)  # clipping changes the update, not dL/dh_t
    roomy, _ = gradients.cell_gradients(cell, p, X, 1, activation="linear", clip_norm=free.grad_norm * 10)
    assert roomy.clip_scale == 1.0 and roomy.clipped_norm == pytest.approx(free.grad_norm)


def test_growth_rate_and_regimes():
    steps = np.arange(50)
    assert gradients.growth_rate(0.5 ** steps[::-1]) == pytest.approx(0.5)
    assert gradients.regime(gradients.growth_rate(0.5 ** steps[::-1])) == "vanishing"
    assert gradients.regime(gradients.growth_rate(np.ones(50))) == "holding"
    assert gradients.regime(gradients.growth_rate(1.5 ** steps[::-1])) == "exploding"
    assert gradients.regime(gradients.growth_rate(np.zeros(50))) == "not measurable"


def test_gated_cells_keep_the_gradient_alive_longer():
    """The teaching claim, measured: at radius 1 with tanh over 150 steps, LSTM and GRU lose far less."""
    X, ids, toks = gi.generated_sequence(150, 0)
    exp = gradients.run(X, toks, int(ids[0]), hidden=16, seed=0, radius=1.0, rkind="spectral", activation="tanh")
    first = {name: np.log10(r.dh_norm[0]) for name, r in exp.cells.items()}
    assert first["lstm"] > first["rnn"] + 3 and first["gru"] > first["rnn"] + 3
    assert exp.cells["rnn"].rate() < exp.cells["lstm"].rate()


@pytest.mark.parametrize("radius,expected", [(0.1, "vanishing"), (0.5, "vanishing")])
def test_small_radius_vanishes_for_every_activation(radius, expected):
    X, ids, toks = gi.generated_sequence(60, 1)
    for act in rnn.ACTIVATIONS:
        exp = gradients.run(
            X, toks, int(ids[0]), hidden=8, seed=1, radius=radius, rkind="spectral", activation=act, cell_names=("rnn",)
        )
        assert gradients.regime(exp.cells["rnn"].rate()) == expected, act


def test_relu_radius_two_explodes_and_warns_about_float32():
    X, ids, toks = gi.generated_sequence(400, 0)
    exp = gradients.run(
        X, toks, int(ids[0]), hidden=64, seed=0, radius=2.0, rkind="spectral", activation="relu", cell_names=("rnn",)
    )
    assert gradients.regime(exp.cells["rnn"].rate()) == "exploding"
    assert any("float32" in gradient_notes.range_note(n) for n in exp.range_notes)


def test_saturated_softmax_is_explained_and_the_jacobian_still_explodes():
    """relu, radius 2, H = 16: h_T ~ 1e54 and the softmax puts exactly 1.0 on the target, so dL/dh = 0."""
    X, ids, toks = gi.generated_sequence(300, 0)
    exp = gradients.run(
        X, toks, int(ids[0]), hidden=16, seed=0, radius=2.0, rkind="spectral", activation="relu", cell_names=("rnn",)
    )
    assert np.all(exp.cells["rnn"].dh_norm == 0) and not exp.cells["rnn"].overflowed
    said = [gradient_notes.range_note(n) for n in exp.range_notes]
    assert any("saturated" in w for w in said) and any("forward pass itself" in w for w in said)
    assert exp.jacobian.log10_norm[0] > 20  # the product of Jacobians has exploded all the same


def test_run_rejects_bad_cells_and_activation():
    X, ids, toks = gi.generated_sequence(10, 0)
    with pytest.raises(ValueError, match="unknown cell"):
        gradients.run(X, toks, 0, hidden=4, seed=0, radius=1, rkind="spectral", activation="tanh", cell_names=("xyz",))
    with pytest.raises(ValueError, match="unknown activation"):
        gradients.run(X, toks, 0, hidden=4, seed=0, radius=1, rkind="spectral", activation="cube")
    with pytest.raises(ValueError):
        gi.generated_sequence(0, 0)


def test_single_step_sequence_is_handled():
    X, ids, toks, Vv = gi.user_sequence("hello world", "words")
    X, ids, toks = X[:1], ids[:1], toks[:1]
    exp = gradients.run(
        X, toks, int(ids[0]), hidden=4, seed=0, radius=1.0, rkind="spectral", activation="tanh", output_size=Vv
    )
    assert exp.T == 1 and exp.jacobian.norm.tolist() == [1.0]
    assert gradients.regime(exp.cells["rnn"].rate()) == "not measurable"


def test_same_settings_same_numbers():
    X, ids, toks = gi.generated_sequence(50, 3)
    a = gradients.run(X, toks, int(ids[0]), hidden=6, seed=3, radius=1.2, rkind="singular", activation="tanh")
    b = gradients.run(X, toks, int(ids[0]), hidden=6, seed=3, radius=1.2, rkind="singular", activation="tanh")
    for name in a.cells:
        np.testing.assert_array_equal(a.cells[name].dh, b.cells[name].dh)
    np.testing.assert_array_equal(gi.generated_sequence(50, 3)[1], ids)
    assert not np.array_equal(gi.generated_sequence(50, 4)[1], ids)


# ---------------------------------------------------------------------------- inputs from the page


def test_parse_cells_keeps_known_names_in_order():
    assert gi.parse_cells("gru, RNN,xyz") == ("rnn", "gru")
    assert gi.parse_cells("") == ()


def test_user_sequence_with_and_without_a_trained_vocab():
    X, ids, toks, Vv = gi.user_sequence("a b a c", "words")
    assert X.shape == (4, 3) and Vv == 3 and toks == ("a", "b", "a", "c")
    vocab = encoding.Vocab.build(["a", "b"], add_unk=True)
    X, ids, toks, Vv = gi.user_sequence("a b zz", "words", vocab)
    assert Vv == 3 and vocab.decode(ids) == ["a", "b", encoding.UNK]


def _model(cell="rnn", H_=6, V_=5, **over):
    vocab = encoding.Vocab.build([chr(97 + i) for i in range(V_)])
    params = cells.CELLS[cell].init(V_, H_, V_, seed=0, dtype=np.float32)
    return trained_model.TrainedModel(**{"cell": cell, "params": params, "vocab": vocab, "level": "chars", **over})


def test_trained_vanilla_accepts_a_good_model_and_refuses_anything_else():
    got = gi.trained_vanilla(_model())
    assert got is not None and got.params.W_hh.dtype == np.float64 and got.level == "chars"
    assert gi.trained_vanilla(_model("lstm")) is None
    assert gi.trained_vanilla(_model(vocab=encoding.Vocab.build(["x"]))) is None
    assert gi.trained_vanilla(_model(params="nonsense")) is None
    assert gi.trained_vanilla(_model(level="bytes")) is None
    assert gi.trained_vanilla({"cell": "rnn"}) is None
    assert gi.trained_vanilla(None) is None
    p = _model().params
    broken = rnn.RNNParams(**{**p.as_dict(), "W_hh": np.full((6, 6), np.nan)})
    assert gi.trained_vanilla(_model(params=broken)) is None


# ---------------------------------------------------------------------------- figures


def _exp(T=40, act="tanh", radius=1.5, clip=None, hidden=6):
    X, ids, toks = gi.generated_sequence(T, 0)
    return gradients.run(
        X, toks, int(ids[0]), hidden=hidden, seed=0, radius=radius, rkind="spectral", activation=act, clip_norm=clip
    )


def test_norms_figure_has_a_line_per_cell_the_jacobian_and_the_bound():
    exp = _exp()
    fig = gf.gradient_norms(exp)
    names = [tr.name for tr in fig.data]
    assert [n for n in names if n.startswith("‖∂L/∂h_t‖")] == [
        "‖∂L/∂h_t‖ vanilla RNN",
        "‖∂L/∂h_t‖ LSTM",
        "‖∂L/∂h_t‖ GRU",
    ]
    assert "‖∂h_T/∂h_t‖₂ vanilla RNN (Jacobian product)" in names
    assert names[-1].startswith(
        "bound, vanilla RNN only: (γ·σ_max)^(T−t) = 3.46^(T−t)"
    )  # drawn last: on top of every line
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.xaxis.title.text.startswith("time step t")
    line = fig.data[0]
    assert len(line.x) == 40 and np.allclose(np.asarray(line.y, float), exp.cells["rnn"].dh_norm)
    only = gf.gradient_norms(exp, ("gru",))
    assert [tr.name for tr in only.data if tr.name.startswith("‖∂L")] == ["‖∂L/∂h_t‖ GRU"]


def test_norms_figure_frames_measured_lines_and_marks_where_a_runaway_bound_leaves():
    fig = gf.gradient_norms(_exp(T=200, radius=1.8))
    lo, hi = fig.layout.yaxis.range
    assert hi < 20  # the bound reaches ~10^120, far above the measured lines: it runs off the top
    notes = [a for a in fig.layout.annotations if "bound goes on above" in a.text]
    assert notes and notes[0].showarrow and "at t = 1" in notes[0].text
    assert notes[0].y == pytest.approx(hi - 0.4)  # the arrow points at the top edge, where the bound leaves


def test_clipping_adds_a_scaled_line_with_the_same_shape():
    exp = _exp(T=60, act="relu", radius=2.0, clip=1.0)
    fig = gf.gradient_norms(exp)
    clipped = [tr for tr in fig.data if "after clipping" in tr.name]
    assert clipped and clipped[0].name.startswith("vanilla RNN after clipping")
    r = exp.cells["rnn"]
    np.testing.assert_allclose(np.asarray(clipped[0].y, float), r.dh_norm * r.clip_scale, rtol=1e-9)
    lo, hi = fig.layout.yaxis.range  # the clipped line is inside the frame
    assert lo <= np.log10(np.min(r.dh_norm * r.clip_scale)) and hi >= np.log10(np.max(r.dh_norm))


def test_out_of_range_points_become_capped_markers_not_crashes():
    Q, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((H, H)))
    X, ids, toks = gi.generated_sequence(400, 0, D)
    base = gradients.scaled_params("rnn", D, H, D, seed=0, radius=1.0)
    p = rnn.RNNParams(**{**base.as_dict(), "W_hh": 50.0 * Q})
    exp = gradients.run(
        X,
        toks,
        int(ids[0]),
        hidden=H,
        seed=0,
        radius=1,
        rkind="spectral",
        activation="linear",
        cell_names=("rnn",),
        rnn_params=p,
    )
    fig = gf.gradient_norms(exp)
    capped = [tr for tr in fig.data if tr.mode == "markers"]
    assert capped and all(tr.marker.symbol in ("triangle-up", "triangle-down-open") for tr in capped)
    assert all(np.all(np.asarray(tr.y, float) <= 10.0**gf.LOG10_CAP) for tr in capped)


def test_heatmap_is_units_by_steps_in_log10():
    exp = _exp(T=30, hidden=7)
    dh = exp.cells["rnn"].dh
    fig = gf.gradient_heatmap(dh, exp.tokens)
    hm = fig.data[0]
    assert hm.type == "heatmap" and np.asarray(hm.z).shape == (7, 30)
    np.testing.assert_allclose(np.asarray(hm.z, float), np.log10(np.abs(dh)).T)
    assert np.asarray(hm.customdata).shape == (7, 30, 2)
    assert "log₁₀" in hm.colorbar.title.text
    assert fig.layout.yaxis.title.text == "hidden unit j" and len(hm.y) == 7


def test_eigenvalue_plane_has_unit_circle_rho_sigma_and_every_eigenvalue():
    exp = _exp(radius=1.5, hidden=9)
    fig = gf.eigenvalue_plane(exp.eigenvalues, exp.sigma_max)
    circle, rho, sigma, pts = fig.data
    assert circle.name.startswith("unit circle") and sigma.name.startswith("σ_max")
    np.testing.assert_allclose(np.hypot(circle.x, circle.y), 1.0)
    np.testing.assert_allclose(np.hypot(rho.x, rho.y), 1.5)
    np.testing.assert_allclose(np.hypot(sigma.x, sigma.y), exp.sigma_max)
    assert len(pts.x) == 9
    np.testing.assert_allclose(np.asarray(pts.x) + 1j * np.asarray(pts.y), exp.eigenvalues)
    assert fig.layout.xaxis.title.text == "real part" and fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.xaxis.range[1] >= exp.sigma_max  # every circle is in the frame


def test_sequence_for_each_source():
    seq = gi.sequence_for("generated", length=30, seed=2)
    assert seq.X.shape == (30, gi.GENERATED_VOCAB) and seq.V == gi.GENERATED_VOCAB and seq.tokens[0].startswith("s")
    assert seq.task == "recall" and seq.target == seq.ids[0]
    vocab = encoding.Vocab.build(list("xyz"))
    seq = gi.sequence_for("generated", length=12, seed=2, vocab=vocab)
    assert seq.X.shape == (12, 3) and set(seq.tokens) <= set("xyz")
    with pytest.raises(ValueError, match="unknown source"):
        gi.sequence_for("radio")


def test_my_text_reads_all_but_the_last_token_and_predicts_it():
    """'to be or not to be': read 'to be or not to', predict 'be', the text's own next token."""
    seq = gi.sequence_for("user", text="to be or not to be", mode="words")
    assert seq.tokens == ("to", "be", "or", "not", "to") and seq.V == 4 and seq.X.shape == (5, 4)
    assert seq.task == "next" and seq.target_token == "be"
    assert seq.target == seq.ids[1]  # the id of 'be', as the text's vocabulary numbers it
    with pytest.raises(ValueError, match="at least two tokens"):
        gi.sequence_for("user", text="hello", mode="words")
