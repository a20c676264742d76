"""Training: corpus checks, optimisers against hand-computed values, the fast kernel against the
generic cell path and finite differences, chunked determinism, sampling, and .npz round trips."""

import io
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import bench_train as bench
from tests.unit.gradcheck import numeric_grad, rel_error
from visualizer.data import corpus as corpus_module
from visualizer.data import trained_model
from visualizer.data.encoding import Vocab
from visualizer.labs.training import predict, train
from visualizer.nn import cells, optim, rnn
from visualizer.plots import train_figures as tf


@pytest.fixture(scope="module")
def corpus():
    return corpus_module.build_corpus(corpus_module.default_corpus(), "chars")


def small_config(**kw):
    return train.TrainConfig(**{"hidden": 32, "window": 16, "batch": 8, "seed": 3, **kw})


# ---------------------------------------------------------------------------- corpus


def test_default_corpus_holds_the_seed_sentence():
    text = corpus_module.default_corpus()
    assert 10_000 <= len(text.encode()) <= 100_000
    assert text.count("He grew up in the United States of America") >= 2
    assert text.count("United States of America") >= 5


@pytest.mark.parametrize(
    "data, message",
    [
        ("", "empty"),
        ("  \n\t ", "empty"),
        (b"", "empty"),
        (b"hello\x00world" * 3, "binary"),
        (b"\xff\xfe\xfa caf\xe9", "not UTF-8"),
        ("ok" + "\x01\x02\x03\x04" * 20, "binary"),
        ("x" * 201, "limit"),
        (b"x" * 201, "limit"),
    ],
)
def test_bad_corpus_is_refused_with_a_reason(data, message):
    with pytest.raises(ValueError, match=message):
        corpus_module.read_corpus(data, max_bytes=200)


def test_corpus_bytes_are_decoded_and_normalised():
    text = corpus_module.read_corpus("\ufeffline one\r\nline two\rcafe\u0301".encode("utf-8"))
    assert text == "line one\nline two\ncafé"


def test_word_vocabulary_is_capped_with_unk(monkeypatch):
    monkeypatch.setattr(corpus_module, "MAX_WORD_VOCAB", 4)  # the corpus module reads its own limit
    c = corpus_module.build_corpus("a a a b b c d e", "words")
    assert set(c.vocab.tokens) == {"a", "b", "c", "<unk>"} or set(c.vocab.tokens) == {"a", "b", "d", "<unk>"}
    assert c.unknown == 2 and len(c) == 8


def test_too_short_corpus_names_the_window(corpus):
    short = corpus_module.build_corpus("abc def", "chars")
    with pytest.raises(ValueError, match="window of 25 needs at least 26"):
        train.Trainer(short, train.TrainConfig(window=25))


def test_join_tokens_puts_no_space_before_punctuation():
    assert corpus_module.join_tokens(["Hello", ",", "world", "."], "words") == "Hello, world."
    assert corpus_module.join_tokens(list("ab c"), "chars") == "ab c"


# ---------------------------------------------------------------------------- optimisers


def test_sgd_matches_hand_computation():
    opt = optim.SGD(lr=0.1)
    p = {"w": np.array([1.0, 2.0])}
    new = opt.update(p, {"w": np.array([0.5, -1.0])})
    np.testing.assert_allclose(new["w"], [0.95, 2.1], rtol=0, atol=1e-15)
    np.testing.assert_array_equal(p["w"], [1.0, 2.0])  # the input is not modified


def test_adagrad_matches_hand_computation():
    opt = optim.Adagrad(lr=0.1, eps=0.0)
    p = {"w": np.array([1.0])}
    p = opt.update(p, {"w": np.array([0.5])})  # G = 0.25: step 0.1 * 0.5 / 0.5
    np.testing.assert_allclose(p["w"], [0.9], atol=1e-15)
    p = opt.update(p, {"w": np.array([-1.0])})  # G = 1.25: step 0.1 * -1 / sqrt(1.25)
    np.testing.assert_allclose(p["w"], [0.9 + 0.1 / math.sqrt(1.25)], atol=1e-15)
    np.testing.assert_allclose(p["w"], [0.98944272], atol=1e-8)


def test_adam_matches_hand_computation_with_bias_correction():
    lr, b1, b2 = 0.1, 0.9, 0.999
    opt = optim.Adam(lr=lr, beta1=b1, beta2=b2, eps=0.0)
    p = {"w": np.array([1.0])}
    # Step 1: m = 0.05, v = 0.00025; corrected m^ = 0.5, v^ = 0.25, so the step is exactly lr.
    p = opt.update(p, {"w": np.array([0.5])})
    np.testing.assert_allclose(p["w"], [0.9], atol=1e-15)
    # Step 2 with g = -1, written out by hand.
    m = b1 * 0.05 + (1 - b1) * -1.0  # -0.055
    v = b2 * 0.00025 + (1 - b2) * 1.0  # 0.00124975
    expected = 0.9 - lr * (m / (1 - b1**2)) / math.sqrt(v / (1 - b2**2))
    p = opt.update(p, {"w": np.array([-1.0])})
    np.testing.assert_allclose(p["w"], [expected], atol=1e-14)
    np.testing.assert_allclose(p["w"], [0.936610], atol=1e-6)
    assert opt.k == 2


def test_make_optimizer_refuses_bad_input():
    with pytest.raises(ValueError, match="unknown optimiser"):
        optim.make_optimizer("rmsprop", 0.1)
    with pytest.raises(ValueError, match="positive"):
        optim.make_optimizer("sgd", 0.0)


def test_clip_by_global_norm_keeps_direction_and_reports_norm():
    g = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    clipped, norm = rnn.clip_arrays(g, 1.0)
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose(clipped["a"], [0.6, 0.0])
    np.testing.assert_allclose(clipped["b"], [[0.8]])
    same, norm = rnn.clip_arrays(g, 10.0)
    assert same is g and norm == pytest.approx(5.0)


# ---------------------------------------------------------------------------- fast kernel == generic path


@pytest.mark.parametrize("batch", [1, 3])
def test_vanilla_kernel_equals_generic_cell_path(corpus, batch):
    cfg = small_config(batch=batch, dtype="float64")
    fast, slow = train.Trainer(corpus, cfg), train.Trainer(corpus, train.TrainConfig(**{**cfg.__dict__, "fast": False}))
    for _ in range(3):  # also after updates, with a carried state
        inputs, targets = fast._window()
        lf, gf, sf = fast.loss_and_grads(inputs, targets)
        ls, gs, ss = slow.loss_and_grads(inputs, targets)
        assert lf == pytest.approx(ls, rel=1e-12)
        for k in gs:
            assert rel_error(gf[k], gs[k]) < 1e-12, k
        np.testing.assert_allclose(sf, ss, atol=1e-14)
        fast.step()
        slow.step()


def test_vanilla_kernel_gradient_matches_finite_differences():
    T, B, H, V = 4, 2, 5, 6
    rng = np.random.default_rng(1)
    params = rnn.init_params(V, H, V, seed=2)
    inputs, targets = rng.integers(0, V, (T, B)), rng.integers(0, V, (T, B))
    h0 = rng.standard_normal((B, H)) * 0.5
    kernel = train.VanillaKernel(T, B, H, V, np.float64)
    _, grads, _ = kernel.loss_and_grads(params, inputs, targets, h0)
    arrays = params.as_dict()

    def mean_loss():
        p = rnn.RNNParams(**arrays)
        X = np.eye(V)[inputs]
        trace = rnn.forward(p, X, h0, fused_input=True)
        return rnn.cross_entropy(trace.probs, targets)[0] / targets.size

    for name, a in arrays.items():
        assert rel_error(grads[name], numeric_grad(mean_loss, a)) < 1e-6, name


# ---------------------------------------------------------------------------- training


def test_loss_falls_on_default_corpus(corpus):
    t = train.Trainer(corpus, train.TrainConfig(seed=0))
    t.train(150)
    first, last = t.losses.values[0], t.loss_estimate
    assert first == pytest.approx(math.log(len(corpus.vocab)), abs=0.15)  # uniform guess at the start
    assert last < 2.0 < first
    assert t.step_count == 150 and t.tokens_seen == 150 * 25 * 16


def test_model_learns_america_after_the_prompt(corpus):
    t = train.Trainer(corpus, train.TrainConfig(seed=0))
    before = t.watch_probability()
    t.train(300)
    model = t.model()
    p = predict.next_token_probs(model, "He grew up in the United States of ")
    assert p.sum() == pytest.approx(1.0)
    assert model.vocab.tokens[int(np.argmax(p))] == "A"
    assert t.watch.values[-1] > 0.3 > before


def test_chunked_training_equals_one_go(corpus):
    a, b = train.Trainer(corpus, small_config()), train.Trainer(corpus, small_config())
    a.train(7)
    a.train(13)
    b.train(20)
    for k, v in a.params.as_dict().items():
        np.testing.assert_array_equal(v, b.params.as_dict()[k])
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_array_equal(a.state, b.state)
    assert a.losses.values == b.losses.values and a.step_count == b.step_count == 20


def test_truncated_bptt_carries_state_between_windows(corpus):
    t = train.Trainer(corpus, small_config())
    t.train(1)
    assert t.state is not None and np.abs(t.state).max() > 0
    assert np.all(t.positions == (np.arange(8) * len(corpus)) // 8 + 16)


@pytest.mark.parametrize("opt", optim.OPTIMIZERS)
def test_every_optimiser_lowers_the_loss(corpus, opt):
    lr = {"sgd": 1.0, "adagrad": 0.1, "adam": 0.01}[opt]
    t = train.Trainer(corpus, small_config(opt=opt, lr=lr))
    t.train(60)
    assert t.loss_estimate < t.losses.values[0] - 0.3


@pytest.mark.parametrize("cell", list(cells.CELLS))
def test_every_available_cell_trains(corpus, cell):
    t = train.Trainer(corpus, small_config(cell=cell))
    t.train(30)
    assert np.isfinite(t.loss_estimate) and t.loss_estimate < t.losses.values[0]


def test_clipping_is_reported_and_bounds_the_update(corpus):
    t = train.Trainer(corpus, small_config(opt="sgd", lr=1.0, clip=True, clipnorm=1e-3))
    before = t.params.as_dict()
    result = t.step()
    assert result.clipped and result.grad_norm > 1e-3
    delta = {k: v - before[k] for k, v in t.params.as_dict().items()}
    assert rnn.global_norm(delta.values()) == pytest.approx(1e-3, rel=1e-3)


def test_non_finite_weights_stop_training(corpus):
    t = train.Trainer(corpus, small_config())
    t.params = type(t.params)(**{**t.params.as_dict(), "W_hy": np.full_like(t.params.W_hy, np.nan)})
    results = t.train(5)
    assert t.diverged and len(results) == 1 and t.step_count == 0


def test_history_is_bounded_and_keeps_its_span():
    h = train.History(max_points=100)
    for step in range(1, 10_001):
        h.add(step, 1.0 / step)
    assert 50 <= len(h) <= 100
    assert h.steps[0] == 1 and h.steps[-1] > 9_000
    assert h.steps == sorted(h.steps)


@given(st.integers(1, 5_000), st.integers(4, 60))
@settings(max_examples=40, deadline=None)
def test_history_always_ends_at_the_newest_point(n, max_points):
    h = train.History(max_points=max_points)
    for step in range(1, n + 1):
        h.add(step, float(step))
        assert h.steps[-1] == step and h.values[-1] == float(step)  # the chart ends at the step shown
    assert len(h) <= max_points and h.steps == sorted(set(h.steps))


def test_word_level_training_watches_america():
    c = corpus_module.build_corpus(corpus_module.default_corpus(), "words")
    t = train.Trainer(c, train.TrainConfig(level="words", window=8, hidden=32))
    t.train(20)
    assert len(t.watch) == 1 and 0 <= t.watch.values[0] <= 1
    assert "America" in c.vocab.tokens


# ---------------------------------------------------------------------------- sampling


@pytest.fixture(scope="module")
def trained(corpus):
    t = train.Trainer(corpus, train.TrainConfig(seed=0))
    t.train(200)
    return t


def test_sampling_is_seeded_and_continues_the_prompt(trained):
    model = trained.model()
    a = predict.sample(model, "He grew", 60, temperature=0.8, seed=5)
    assert a == predict.sample(model, "He grew", 60, temperature=0.8, seed=5)
    assert a != predict.sample(model, "He grew", 60, temperature=0.8, seed=6)
    assert len(a) == 60 and set(a) <= set(model.vocab.tokens)
    assert len(predict.sample(model, "", 10, seed=1)) == 10


def test_low_temperature_is_nearly_greedy(trained):
    model = trained.model()
    text = predict.sample(model, "He grew up in the United States of", 8, temperature=0.05, seed=0)
    assert text.startswith(" Americ")


def test_bad_prompt_and_temperature_give_messages(trained):
    model = trained.model()
    with pytest.raises(ValueError, match="Unknown token"):
        predict.next_token_probs(model, "Zürich")
    with pytest.raises(ValueError, match="temperature"):
        predict.sample(model, "He", 5, temperature=0.0)


def test_top_k_is_sorted(trained):
    model = trained.model()
    top = predict.top_k(model, predict.next_token_probs(model, "the "), 5)
    probs = [p for _, p in top]
    assert len(top) == 5 and probs == sorted(probs, reverse=True)


def test_model_for_other_pages_is_float64(trained):
    model = trained.model()
    d = model.as_float64()
    assert (d.cell, d.level, d.vocab) == (model.cell, model.level, model.vocab)
    assert d.params.W_hh.dtype == np.float64 and isinstance(d.vocab, Vocab)
    np.testing.assert_array_equal(d.params.W_hh, model.params.W_hh.astype(np.float64))


# ---------------------------------------------------------------------------- save / load


def test_save_load_round_trips_exactly(trained):
    model = trained.model()
    loaded = trained_model.load_npz(trained_model.save_npz(model))
    assert (loaded.cell, loaded.level, loaded.vocab) == (model.cell, model.level, model.vocab)
    for k, v in model.params.as_dict().items():
        w = loaded.params.as_dict()[k]
        assert w.dtype == v.dtype
        np.testing.assert_array_equal(w, v)
    assert predict.sample(loaded, "He", 30, seed=2) == predict.sample(model, "He", 30, seed=2)


def test_loaded_model_continues_training_on_new_text(trained):
    loaded = trained_model.load_npz(trained_model.save_npz(trained.model()))
    t = train.trainer_from_model(loaded, corpus_module.default_corpus() + " ¶¶", train.TrainConfig(hidden=8))
    assert t.config.hidden == 64 and t.corpus.vocab == loaded.vocab and t.corpus.unknown == 2
    t.train(3)
    assert t.step_count == 3


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _arrays(model) -> dict:
    return dict(np.load(io.BytesIO(trained_model.save_npz(model)), allow_pickle=False))


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda a: a.update(vocab=np.array(list(a["vocab"]), dtype=object)), "Python objects"),
        (lambda a: a.update(p_W_hh=a["p_W_hh"][:, :-1]), "W_hh has shape"),
        (lambda a: a.update(p_W_hy=np.where(True, np.nan, a["p_W_hy"])), "NaN"),
        (lambda a: a.update(p_b_h=a["p_b_h"].astype(np.int64)), "dtype"),
        (lambda a: a.pop("p_b_y"), "missing: b_y"),
        (lambda a: a.update(cell=np.array("transformer")), "does not have"),
        (lambda a: a.update(level=np.array("bytes")), "level"),
        (lambda a: a.update(hidden=np.array(10**6)), "hidden size"),
        (lambda a: a.update(format=np.array("something else")), "format"),
        (lambda a: a.update(vocab=np.array(["a", "a"] + list(a["vocab"])[2:])), "distinct"),
    ],
)
def test_bad_model_files_are_refused(trained, mutate, message):
    arrays = _arrays(trained.model())
    mutate(arrays)
    with pytest.raises(ValueError, match=message):
        trained_model.load_npz(_npz(**arrays))


@pytest.mark.parametrize("data, message", [(b"", "empty"), (b"not a zip file at all", "not a model file")])
def test_garbage_model_files_are_refused(data, message):
    with pytest.raises(ValueError, match=message):
        trained_model.load_npz(data)


def test_oversized_model_file_is_refused(trained):
    data = trained_model.save_npz(trained.model())
    with pytest.raises(ValueError, match="limit"):
        trained_model.load_npz(data, max_bytes=len(data) - 1)


def test_single_npy_is_refused():
    buf = io.BytesIO()
    np.save(buf, np.zeros(3))
    with pytest.raises(ValueError, match="single .npy"):
        trained_model.load_npz(buf.getvalue())


# ---------------------------------------------------------------------------- figures


def test_loss_chart_has_curve_and_uniform_guess():
    spec = tf.loss_chart([1, 2, 3], [3.7, 3.1, float("nan")], 40).to_dict()
    guess, _labels, line = spec["layer"]
    assert guess["mark"]["type"] == "rule" and tf.rows_of(spec, guess)[0]["y"] == pytest.approx(math.log(40))
    assert line["mark"]["type"] == "line" and len(tf.rows_of(spec, line)) == 2  # NaN dropped
    assert line["encoding"]["y"]["title"] == "loss (nats per token)"
    assert line["encoding"]["x"]["title"] == "training step"
    assert spec["description"] == "Loss while training, steps 1 to 2: from 3.700 to 3.100 nats per token."
    assert tf.loss_description([], []) == "Loss while training: no step yet."


def test_next_token_chart_shows_visible_spaces_in_rank_order():
    spec = tf.next_token_chart([(" ", 0.6), ("A", 0.3), ("\n", 0.1)], highlight="A").to_dict()
    values = tf.rows_of(spec)
    assert [v["token"] for v in values] == ["␣", "A", "↵"]
    assert [v["hit"] for v in values] == [False, True, False]
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["x"]["scale"]["domain"] == [0, 1]


def test_watch_chart_axis_names_the_probability():
    spec = tf.watch_chart([10, 20], [0.1, 0.5], "' America'").to_dict()
    assert spec["title"] == "P(next is ' America') as training goes on"
    assert spec["encoding"]["y"]["title"] == "P(' America')" and spec["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert len(tf.rows_of(spec)) == 2
    assert spec["encoding"]["x"]["scale"]["domain"] == [0, 20]
    one = tf.watch_chart([1], [0.0], "'A'", until=21)  # measured at step 1 only so far: the axis spans the run
    assert one["encoding"]["x"]["scale"]["domain"] == [0, 21]


def test_live_charts_reuse_their_structure_and_never_share_data():
    """The structure is built once per shape; each spec carries its own data, and changing one never
    changes another or the kept structure."""
    a = tf.loss_chart([1, 2], [3.0, 2.0], 40)
    b = tf.loss_chart([1, 2, 3], [3.0, 2.0, 1.5], 40)
    assert [r["step"] for r in tf.rows_of(b, b["layer"][2])] == [1, 2, 3]
    a["layer"][2]["mark"]["type"] = "changed"
    assert tf.loss_chart([1], [1.0], 40)["layer"][2]["mark"]["type"] == "line"
    assert len(tf.rows_of(a, a["layer"][2])) == 2


# ---------------------------------------------------------------------------- bench


def test_bench_prints_one_json_line(capsys):
    assert bench.main(["--hidden", "8", "--seq-len", "5", "--batch", "2", "--steps", "2", "--rounds", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["vocab"] == 65 and result["batch"] == 2
    assert result["chars_per_s"] > 0 and result["naive_chars_per_s"] > 0
    assert result["ratio"] == pytest.approx(result["chars_per_s"] / result["naive_chars_per_s"], rel=0.01)
