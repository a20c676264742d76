"""Long-lag tasks, the last-step readout and the three-cell race."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.gradcheck import numeric_grad, rel_error
from visualizer.nn import cells
from visualizer.labs.long_lags import lagtasks
from visualizer.labs.long_lags import longlag
from visualizer.labs.long_lags import seqlimit
from visualizer.content import race_notes

# ---------------------------------------------------------------------------- generators


@given(lag=st.integers(2, 40), n=st.integers(1, 30), seed=st.integers(0, 2**16))
@settings(max_examples=40, deadline=None)
def test_first_symbol_shapes_and_labels(lag, n, seed):
    b = lagtasks.first_symbol(lag, n, np.random.default_rng(seed))
    K, M = lagtasks.CLASSES, lagtasks.DISTRACTORS
    assert b.X.shape == (lag + 1, n, K + M) and b.y.shape == (n,)
    assert (b.T, len(b)) == (lag + 1, n)
    assert np.all(b.X.sum(-1) == 1)  # one-hot at every step
    assert np.array_equal(b.X[0].argmax(-1), b.y)  # the first symbol is the class
    assert np.all(b.X[1:].argmax(-1) >= K)  # every later symbol is a distractor
    assert np.all((b.y >= 0) & (b.y < K))


@given(T=st.integers(2, 60), n=st.integers(1, 30), seed=st.integers(0, 2**16))
@settings(max_examples=40, deadline=None)
def test_adding_shapes_and_labels(T, n, seed):
    b = lagtasks.adding(T, n, np.random.default_rng(seed))
    assert b.X.shape == (T, n, 2) and b.y.shape == (n,)
    values, marks = b.X[..., 0].astype(np.float64), b.X[..., 1]
    assert np.all((values >= 0) & (values <= 1))
    assert np.all(marks.sum(0) == 2)  # exactly two markers per sequence
    half = T // 2
    assert np.all(marks[:half].sum(0) == 1) and np.all(marks[half:].sum(0) == 1)  # one in each half
    np.testing.assert_allclose(b.y, (values * marks).sum(0), atol=1e-6)


def test_same_seed_same_batch_and_unknown_task():
    a = lagtasks.make_batch("first", 10, 8, np.random.default_rng(3))
    b = lagtasks.make_batch("first", 10, 8, np.random.default_rng(3))
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    with pytest.raises(ValueError, match="unknown task"):
        lagtasks.make_batch("copy", 10, 8, np.random.default_rng(0))
    with pytest.raises(ValueError, match="lag"):
        lagtasks.check_lag(1)


def test_baselines_from_the_data():
    rng = np.random.default_rng(0)
    train, test = (lagtasks.make_batch("adding", 50, 20000, rng) for _ in range(2))
    mse = lagtasks.baseline("adding", train.y, test.y)
    assert mse == pytest.approx(1 / 6, abs=0.01)  # Var(v1 + v2) = 2/12 for uniform [0, 1] values
    assert mse == pytest.approx(np.mean((test.y - train.y.mean()) ** 2))
    train, test = (lagtasks.make_batch("first", 5, 20000, rng) for _ in range(2))
    acc = lagtasks.baseline("first", train.y, test.y)
    assert acc == pytest.approx(1 / lagtasks.CLASSES, abs=0.02)
    # The best constant answer on the test set: its most frequent class.
    assert lagtasks.baseline("first", np.array([1, 1, 1]), np.array([2, 0, 2, 3])) == 0.5
    y = test.y
    assert acc == max(np.mean(y == k) for k in range(lagtasks.CLASSES))


def test_score_and_solved():
    logits = np.zeros((3, 4, lagtasks.CLASSES))
    logits[-1, np.arange(4), [0, 1, 2, 0]] = 5.0
    assert lagtasks.score("first", logits, np.array([0, 1, 2, 3])) == 0.75
    assert lagtasks.solved("first", 0.95, 0.25) and not lagtasks.solved("first", 0.94, 0.25)
    reg = np.zeros((3, 2, 1))
    reg[-1, :, 0] = [1.0, 2.0]
    assert lagtasks.score("adding", reg, np.array([1.0, 1.0])) == 0.5
    assert lagtasks.solved("adding", 0.01, 0.167) and not lagtasks.solved("adding", 0.05, 0.167)


# ---------------------------------------------------------------------------- the readout, exact


@pytest.mark.parametrize("task", lagtasks.TASKS)
def test_last_step_loss_gradient_matches_finite_differences(task):
    rng = np.random.default_rng(1)
    V = lagtasks.SPECS[task].output_size
    logits = rng.standard_normal((4, 5, V))
    y = rng.integers(0, V, 5) if task == "first" else rng.random(5) * 2
    _, grad = lagtasks.last_step_loss(task, logits, y)
    num = numeric_grad(lambda: lagtasks.last_step_loss(task, logits, y)[0], logits)
    assert rel_error(grad, num) < 1e-8
    assert np.all(grad[:-1] == 0)  # only the last step carries a loss


@pytest.mark.parametrize("task", lagtasks.TASKS)
@pytest.mark.parametrize("cell", longlag.CELL_NAMES)
def test_cell_gradients_through_the_readout(task, cell):
    """The gradients the race trains on: exact against float64 central differences."""
    cfg = longlag.LagConfig(task=task, lag=4, hidden=3)
    params = longlag.init_cell(cell, cfg, np.float64)
    batch = lagtasks.make_batch(task, 4, 3, np.random.default_rng(2), np.float64)
    _, grads, _ = longlag.loss_and_grads(cell, params, batch, task)
    arrays = params.as_dict()
    for name, value in arrays.items():
        num = numeric_grad(lambda: longlag.loss_and_grads(cell, type(params)(**arrays), batch, task)[0], value)
        assert rel_error(grads[name], num) < 1e-6, name


# ---------------------------------------------------------------------------- the race


def test_small_lag_every_cell_learns():
    cfg = longlag.LagConfig(lag=3, hidden=16, batch=32, lr=0.01, steps=300, eval_every=25, eval_size=256)
    race = longlag.Race(cfg, stop_solved=True)
    while not race.done:
        race.advance(50)
    for name, run in race.runs.items():
        assert run.solved_at is not None, (name, run.eval_values)
        assert run.best(True) >= lagtasks.SOLVED_ACCURACY
    assert "L = 3" in race_notes.summary(race)


def test_race_is_deterministic_and_chunk_size_free():
    cfg = longlag.LagConfig(lag=5, hidden=8, batch=8, steps=20, eval_every=5, eval_size=32)
    a, b = longlag.Race(cfg), longlag.Race(cfg)
    a.advance(20)
    for _ in range(4):
        b.advance(5)
    for name in longlag.CELL_NAMES:
        for k, v in a.runs[name].params.as_dict().items():
            assert np.array_equal(v, b.runs[name].params.as_dict()[k]), (name, k)
        assert a.runs[name].eval_values == b.runs[name].eval_values
    assert a.done and a.step_count == 20


def test_race_budget_and_bad_config():
    race = longlag.Race(longlag.LagConfig(task="adding", lag=6, hidden=4, batch=4, steps=7, eval_every=5, eval_size=8))
    race.advance(100)
    assert race.step_count == 7 and race.done
    assert [s for s in race.runs["rnn"].eval_steps] == [0, 5, 7]
    assert race.baseline > 0 and "MSE" in race_notes.summary(race) or "mean" in race_notes.summary(race)
    with pytest.raises(ValueError, match="hidden"):
        longlag.Race(longlag.LagConfig(hidden=0))
    with pytest.raises(ValueError, match="lag"):
        longlag.Race(longlag.LagConfig(lag=500))


def test_start_gradient_vanishes_for_the_vanilla_cell():
    """||dL/dh_1|| at initialisation falls with the lag, far faster for the vanilla cell than the LSTM."""
    short, long = longlag.LagConfig(lag=5), longlag.LagConfig(lag=60)
    rnn_drop = longlag.start_gradient("rnn", short) / longlag.start_gradient("rnn", long)
    lstm_drop = longlag.start_gradient("lstm", short) / longlag.start_gradient("lstm", long)
    assert rnn_drop > 100 * lstm_drop


def test_start_gradient_is_dL_dh1_of_one_sequence():
    """n = 1: the probe equals the norm of the backward's dh[0] for that sequence's loss."""
    cfg = longlag.LagConfig(lag=6, hidden=5)
    batch = lagtasks.make_batch("first", 6, 1, np.random.default_rng(cfg.seed), np.float64)
    params = longlag.init_cell("gru", cfg, np.float64)
    trace = cells.CELLS["gru"].forward(params, batch.X, fused_input=True)
    _, dlogits = lagtasks.last_step_loss("first", trace.logits, batch.y)
    expected = np.linalg.norm(cells.CELLS["gru"].backward(params, trace, dlogits).dh[0])
    assert longlag.start_gradient("gru", cfg, n=1) == pytest.approx(expected)


# ---------------------------------------------------------------------------- sweep file and timing


def test_sweep_round_trip(tmp_path):
    cfg = longlag.LagConfig(hidden=4, batch=4, steps=10, eval_every=5, eval_size=16)
    result = longlag.sweep(cfg, lags=(2, 4), gradient_lags=(2, 3))
    assert result["lags"] == [2, 4] and len(result["cells"]["lstm"]["best"]) == 2
    assert len(result["gradient"]["rnn"]) == 2 and result["seconds"] >= 0
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"first": result}))
    assert longlag.load_sweep(path)["first"]["lags"] == [2, 4]
    assert set(longlag.largest_solved(result)) == set(longlag.CELL_NAMES)
    path.write_text("{not json")
    assert longlag.load_sweep(path) is None
    assert longlag.load_sweep(tmp_path / "missing.json") is None


def test_shipped_sweep_is_readable():
    from visualizer import ASSETS

    data = longlag.load_sweep(ASSETS / "models" / longlag.SWEEP_FILE)
    assert data is not None and set(data) == set(lagtasks.TASKS)
    for result in data.values():
        assert len(result["baseline"]) == len(result["lags"])
        assert all(len(row["best"]) == len(result["lags"]) for row in result["cells"].values())


def test_timing_loop_and_product_agree_in_shape():
    rng = np.random.default_rng(0)
    X, W = rng.standard_normal((7, 4)), rng.standard_normal((4, 4))
    hs = seqlimit.recurrent_forward(X, W, np.zeros((4, 4)), np.zeros(4))
    # With W_hh = 0 the recurrence has no memory and equals the position-wise layer.
    np.testing.assert_allclose(hs, seqlimit.positionwise_forward(X, W, np.zeros(4)))
    t = seqlimit.measure((4, 8), hidden=4, repeats=1)
    assert t.lengths == (4, 8) and len(t.loop_seconds) == 2 and all(s > 0 for s in t.product_seconds)
    assert t.per_step_us > 0 and t.ratio > 0


def test_balanced_test_set_has_chance_exactly_one_in_k():
    b = lagtasks.make_batch("first", 7, 40, np.random.default_rng(0), balanced=True)
    assert np.array_equal(np.bincount(b.y), [40 // lagtasks.CLASSES] * lagtasks.CLASSES)
    assert lagtasks.baseline("first", b.y, b.y) == 1 / lagtasks.CLASSES
    race = longlag.Race(longlag.LagConfig(lag=4, hidden=4, batch=4, steps=1, eval_size=64))
    assert race.baseline == 1 / lagtasks.CLASSES


@given(B=st.integers(1, 8), V=st.integers(2, 6), seed=st.integers(0, 2**16))
@settings(max_examples=30, deadline=None)
def test_cross_entropy_readout_properties(B, V, seed):
    """Loss >= 0; each sequence's gradient over the classes sums to zero; a confident right answer costs ~0."""
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((3, B, V))  # the readout takes V from the logits
    y = rng.integers(0, V, B)
    loss, grad = lagtasks.last_step_loss("first", logits, y)
    assert loss >= 0 and np.allclose(grad[-1].sum(-1), 0)
    logits[-1, np.arange(B), y] = 50.0
    assert lagtasks.last_step_loss("first", logits, y)[0] < 1e-15


def test_summary_sentence_names_each_outcome():
    race = longlag.Race(longlag.LagConfig(lag=30, hidden=4, batch=4, steps=10, eval_size=64))
    race.step_count = 10
    race.runs["rnn"].eval_values[:] = [0.25, 0.27]
    race.runs["lstm"].eval_values[:] = [0.25, 0.99]
    race.runs["gru"].diverged = True
    text = race_notes.summary(race)
    assert text == (
        "At L = 30, after 10 steps, the vanilla RNN stayed near chance (best 27%, chance 25%), "
        "the LSTM reached 99% and the GRU diverged."
    )
