"""The units lab: the text's properties, the unit finder, switching units off (and what it equals exactly), and
attributions (gradient x input against finite differences, occlusion against the memory lab's)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.gradcheck import numeric_grad, rel_error
from tools import make_story
from visualizer.data import corpus
from visualizer.data.encoding import UNK, Vocab
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.units import activity, annotate, attribution, clamp, finder
from visualizer.nn import cells

WORDS = (
    "<unk>",
    "ana",
    "tom",
    "grew",
    "up",
    "in",
    "france",
    "japan",
    "speaks",
    "french",
    "japanese",
    ".",
    '"',
    "(",
    ")",
)


def small_model(cell: str, seed: int = 1, hidden: int = 5) -> TrainedModel:
    V = len(WORDS)
    params = cells.CELLS[cell].init(V, hidden, V, seed=seed, dtype=np.float64)
    scaled = type(params)(**{k: v * 1.5 + 0.1 * (k.startswith("b")) for k, v in params.as_dict().items()})
    return TrainedModel(cell, "words", Vocab(WORDS), scaled)


def ids_of(*words: str) -> np.ndarray:
    return Vocab(WORDS).encode(list(words))


# ---------------------------------------------------------------------------- annotations


def test_people_countries_and_nouns_are_the_story_generators():
    assert annotate.NOUNS == make_story.NOUNS
    assert {n: ("f" if n in annotate.WOMEN else "m") for n in (*annotate.WOMEN, *annotate.MEN)} == make_story.PEOPLE
    assert dict(zip(annotate.COUNTRIES, annotate.LANGUAGES)) == make_story.COUNTRIES


def test_properties_after_each_character_of_a_crafted_text():
    text = 'Ana (in Japan) said: " hi ". Tom grew up in France.\nLeo'
    a = annotate.annotate_chars(text).values
    q1, q2 = text.index('"'), text.rindex('"')
    assert a["quote"][q1] == 1 and a["quote"][q1 + 2] == 1 and a["quote"][q2] == 0 and a["quote"][q1 - 1] == 0
    open_, close = text.index("("), text.index(")")
    assert a["bracket"][open_] == 1 and a["bracket"][close - 1] == 1 and a["bracket"][close] == 0
    assert np.isnan(a["gender"][0]) and np.isnan(a["gender"][1]) and a["gender"][2] == 1  # "Ana" ends at 2
    tom = text.index("Tom") + 2
    assert a["gender"][tom - 1] == 1 and a["gender"][tom] == 0
    japan, france = text.index("Japan") + 4, text.index("France") + 5
    assert np.isnan(a["country"][japan - 1]) and a["country"][japan] == annotate.COUNTRIES.index("Japan")
    assert a["country"][france] == annotate.COUNTRIES.index("France")
    newline = text.index("\n")
    assert np.isnan(a["gender"][newline]) and np.isnan(a["country"][newline])  # a new paragraph forgets
    assert a["gender"][-1] == 0  # Leo
    assert a["position"][0] == 1 and a["position"][text.index("Tom")] == 1  # a new sentence after ". "
    assert a["position"][text.index("Japan")] == 3


def test_the_united_states_is_one_country_at_any_case():
    a = annotate.annotate_tokens("she grew up in the united states of america .", "words")
    assert a["country"][-2] == annotate.COUNTRIES.index("the United States of America")
    assert np.isnan(a["country"][4])  # "the": not yet a country


def test_a_plural_subject_waits_for_its_verb():
    text = "The stones that Ana found by the sea are blue. The key that Tom found by the park is old."
    a = annotate.annotate_chars(text).values["plural"]
    stones, are = text.index("stones") + 5, text.index(" are")
    assert np.isnan(a[stones - 1]) and a[stones] == 1 and a[are] == 1 and np.isnan(a[are + 1])
    key, is_ = text.index("key") + 2, text.index(" is old")
    assert a[key] == 0 and a[is_] == 0 and np.isnan(a[is_ + 1])
    assert np.isnan(a[0]) and np.isnan(a[-1])


def test_agreement_pairs_put_each_noun_in_both_numbers():
    from visualizer.labs.units import contrast

    text = "Leo grew up in Japan. The keys that Mia found by the river are heavy.\nThe book that Ken found by the sea is old."
    pairs = contrast.agreement_pairs(text)
    assert [(p.prompt_a, p.answer_a, p.prompt_b, p.answer_b) for p in pairs] == [
        ("The key that Mia found by the river", "is", "The keys that Mia found by the river", "are"),
        ("The book that Ken found by the sea", "is", "The books that Ken found by the sea", "are"),
    ]
    assert len(contrast.pairs("agreement")) >= 20 and len(contrast.pairs("language")) == 40
    with pytest.raises(ValueError, match="unknown contrast set"):
        contrast.pairs("nonsense")


def test_annotations_follow_the_tokenizers_canonical_form():
    text = 'Lea said: " cafe\u0301 "'  # e + a combining accent: one character once read
    for level in corpus.LEVELS:
        tokens = corpus.corpus_tokens(text, level)
        assert all(v.size == len(tokens) for v in annotate.annotate_tokens(text, level).values())


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet='ab .,"()\nÁé', min_size=1, max_size=40), st.sampled_from(corpus.LEVELS))
def test_token_ends_align_with_the_tokenizer(text, level):
    try:
        tokens = corpus.corpus_tokens(text, level)
    except ValueError:  # nothing but spaces or separators: the page refuses it before annotating
        return
    ends = annotate.token_ends(text, level)
    assert len(ends) == len(tokens)
    assert all(text[e] == tok[-1] for e, tok in zip(ends, tokens))


# ---------------------------------------------------------------------------- the finder


def test_the_finder_finds_the_planted_unit_and_beats_both_baselines():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 500).astype(float)
    states = rng.standard_normal((500, 6))
    states[:, 4] += 2.0 * labels  # unit 4 tracks the property
    untrained = rng.standard_normal((500, 6))
    prop = annotate.PROPERTIES["quote"]
    r = finder.rank(states, untrained, labels, prop, "h")
    assert r.best == 4 and r.beats_baselines(4)
    assert r.scores[4] > 0.5 and np.all(np.delete(r.scores, 4) < 0.2)
    r2 = finder.rank(untrained, states, labels, prop, "h")  # swap: the "untrained" one now holds the planted unit
    assert not r2.beats_baselines(r2.best)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 60))
def test_eta_equals_abs_r_for_two_values_and_scores_stay_in_0_1(seed, n):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3))
    y = rng.integers(0, 2, n).astype(float)
    eta, r = finder.correlation_ratio(x, y.astype(int)), finder.pearson_abs(x, y)
    if np.unique(y).size == 2:
        assert np.allclose(eta, r, atol=1e-9)
    assert np.all((r >= 0) & (r <= 1)) and np.all((eta >= 0) & (eta <= 1))


def test_constant_units_and_undefined_labels_score_zero():
    x = np.ones((10, 2))
    assert np.all(finder.scores(x, np.arange(10.0), "number") == 0)
    assert np.all(finder.scores(np.random.default_rng(0).random((10, 2)), np.full(10, np.nan), "binary") == 0)


def test_shuffled_labels_keep_their_values_and_their_gaps():
    v = np.array([1.0, np.nan, 2.0, 3.0, np.nan, 4.0])
    s = finder.shuffled(v, seed=3)
    assert np.array_equal(np.isnan(s), np.isnan(v)) and sorted(s[~np.isnan(s)]) == [1, 2, 3, 4]
    assert np.array_equal(finder.shuffled(v, seed=3), s, equal_nan=True)  # seeded


# ---------------------------------------------------------------------------- switching units off


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("units", [(0,), (1, 3)])
def test_holding_h_at_zero_equals_zeroing_the_units_outgoing_weights(cell, units):
    """Exactly: h_t[k] := 0 at every step gives the logits of the ordinary forward pass whose recurrent matrix
    (every gate block) and W_hy have column k zeroed; the other units' h_t agree too."""
    m = small_model(cell)
    X = activity.one_hot(m, ids_of("ana", "grew", "up", "in", "japan", ".", "ana", "speaks"))
    held = clamp.run(m, X, clamp.Clamp(units, (0.0,) * len(units), "h"))
    zeroed = clamp.outgoing_zeroed(m, units).params
    plain = cells.CELLS[cell].forward(zeroed, X)
    assert np.allclose(held.logits, plain.logits, rtol=0, atol=1e-12)
    others = [u for u in range(m.hidden_size) if u not in units]
    assert np.allclose(held.hs[:, others], plain.hs[1:, others], rtol=0, atol=1e-12)
    assert not np.allclose(held.logits, cells.CELLS[cell].forward(m.params, X).logits)  # the clamp did something


def test_holding_the_lstm_cell_state_at_zero_equals_the_same_weight_edit():
    m = small_model("lstm")
    X = activity.one_hot(m, ids_of("tom", "grew", "up", "in", "france", ".", "tom", "speaks"))
    held = clamp.run(m, X, clamp.Clamp((2,), (0.0,), "c"))
    plain = cells.CELLS["lstm"].forward(clamp.outgoing_zeroed(m, (2,)).params, X)
    assert np.allclose(held.logits, plain.logits, rtol=0, atol=1e-12)


def test_holding_a_vanilla_unit_at_a_value_equals_a_zeroed_column_and_shifted_biases():
    m = small_model("rnn")
    X = activity.one_hot(m, ids_of("ana", "grew", "up", "in", "france"))
    k, v = 3, 0.37
    held = clamp.run(m, X, clamp.Clamp((k,), (v,), "h"))
    p = m.params
    edited = clamp.outgoing_zeroed(m, (k,)).params
    shifted = type(p)(**{**edited.as_dict(), "b_h": p.b_h + p.W_hh[:, k] * v, "b_y": p.b_y + p.W_hy[:, k] * v})
    assert np.allclose(held.logits, cells.CELLS["rnn"].forward(shifted, X).logits, rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_an_empty_clamp_is_the_cells_own_forward_pass(cell):
    m = small_model(cell)
    X = activity.one_hot(m, ids_of("ana", "grew", "up", "in", "japan"))
    assert np.allclose(clamp.run(m, X).logits, cells.CELLS[cell].forward(m.params, X).logits, rtol=0, atol=1e-12)


def test_the_c_state_is_refused_for_cells_without_one():
    with pytest.raises(ValueError, match="Only the LSTM"):
        clamp.run(
            small_model("gru"), activity.one_hot(small_model("gru"), ids_of("ana")), clamp.Clamp((0,), (0.0,), "c")
        )


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_padded_batch_scores_equal_one_prompt_at_a_time(cell):
    m = small_model(cell)
    items = [(ids_of("ana", "grew", "up", "in", "japan", "."), ids_of("ana", "speaks")), (ids_of("tom"), ids_of("up"))]
    got = clamp.score_batch(m, items)
    for (p, a), g in zip(items, got):
        X = activity.one_hot(m, np.concatenate([p, a])[:-1])
        probs = cells.CELLS[cell].forward(m.params, X).probs
        assert g == pytest.approx(
            float(np.sum(np.log(probs[np.arange(len(p) - 1, len(p) - 1 + len(a)), a]))), abs=1e-10
        )


def test_random_control_units_are_seeded_and_avoid_the_chosen():
    a = clamp.random_units(10, 3, exclude=(1, 2), seed=0)
    assert a == clamp.random_units(10, 3, exclude=(1, 2), seed=0) and not set(a) & {1, 2} and len(a) == 3


# ---------------------------------------------------------------------------- attributions


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_gradient_x_input_matches_float64_finite_differences(cell):
    m = small_model(cell, seed=2)
    ids = ids_of("ana", "grew", "up", "in", "japan", ".", "speaks")
    T = ids.size
    y = np.arange(T) % len(WORDS)
    G = attribution.grad_x_input(m, ids, y)
    X = activity.one_hot(m, ids)
    for t in range(T):

        def score(t=t):
            return float(cells.CELLS[cell].forward(m.params, X).logits[t, y[t]])

        num = numeric_grad(score, X)  # (T, V)
        expected = np.array([num[j, ids[j]] if j <= t else 0.0 for j in range(T)])
        assert rel_error(G[t], expected) < 1e-7, (cell, t)
    assert np.all(np.triu(G, 1) == 0)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_occlusion_for_every_output_matches_rerunning_with_each_token_replaced(cell):
    m = small_model(cell)
    ids = ids_of("tom", "grew", "up", "in", "france", ".", "tom", "speaks")
    a = attribution.attribute(m, ids)
    unk = Vocab(WORDS).index[UNK]
    forward = cells.CELLS[cell].forward
    full = forward(m.params, activity.one_hot(m, ids)).logits
    for t in range(ids.size):
        y = Vocab(WORDS).index[a.targets[t]]
        assert y == int(np.argmax(full[t]))  # each output is explained for its top prediction
        for j in range(t + 1):
            edited = ids.copy()
            edited[j] = unk
            z = forward(m.params, activity.one_hot(m, edited)).logits[t, y]
            assert a.occlusion[t, j] == pytest.approx(full[t, y] - z, abs=1e-10)
        assert np.all(a.occlusion[t, t + 1 :] == 0)


def test_half_life_of_a_known_decay():
    d = np.arange(20.0)
    assert attribution.half_life(0.5 ** (d / 3.0)) == pytest.approx(3.0)
    assert attribution.half_life(0.5 ** (d / 2.5)) == pytest.approx(2.5, abs=0.1)
    assert attribution.half_life(np.ones(10)) is None
    assert attribution.half_life(np.array([1.0, 0.2, 0.9])) == pytest.approx(0.625)  # the first crossing


def test_reach_is_normalised_and_seeded():
    m = small_model("lstm")
    ids = np.random.default_rng(0).integers(0, len(WORDS), 200)
    r1 = attribution.reach(m, ids, window=12, windows=16, seed=4)
    r2 = attribution.reach(m, ids, window=12, windows=16, seed=4)
    assert r1.curve[0] == 1.0 and r1.curve.size == 12 and np.array_equal(r1.curve, r2.curve)
    with pytest.raises(ValueError, match="shorter"):
        attribution.reach(m, ids[:10], window=12)


def test_reading_refuses_characters_a_char_model_never_saw():
    V = ("a", "b", " ")
    params = cells.CELLS["rnn"].init(3, 4, 3, seed=0)
    m = TrainedModel("rnn", "chars", Vocab(V), params)
    with pytest.raises(ValueError, match="never saw"):
        activity.read(m, "ab <script>")
    a = activity.read(m, "ab ba")
    assert a.h.shape == (5, 4) and a.c is None and a.tokens == tuple("ab ba")
    with pytest.raises(ValueError, match="Only the LSTM"):
        a.states("c")


# ---------------------------------------------------------------------------- the encoder–decoder


def test_switching_encoder_units_off_holds_them_at_zero_from_the_first_word():
    """Zeroed incoming weights and bias: h_t[k] = tanh(0) = 0 at every step, the other units as a clamped loop gives."""
    from visualizer.data.encoding import one_hot
    from visualizer.labs.sequences import seqnets, seqtasks
    from visualizer.labs.units import translation
    from visualizer.nn import rnn

    vin, vout = Vocab(("a", "boy", "girl", "went", UNK)), Vocab(("<end>", "<start>", "šel", "šla"))
    model = seqnets.init_model("encoder_decoder", vin, vout, 6, attend=True, seed=3)
    off = translation.switched_off(model, (1, 4))
    src = ("a", "girl", "went")
    states = translation.encoder_states(off, src)
    assert np.all(states[:, [1, 4]] == 0.0)
    h = np.zeros(6)  # the same run as a loop that holds the units after every step
    X = one_hot(vin.encode(list(src)), len(vin))
    for t in range(len(src)):
        _, h, _, _ = rnn.step(model.enc, h, X[t])
        h = h.copy()
        h[[1, 4]] = 0.0
        assert np.allclose(states[t], h, rtol=0, atol=1e-15)
    assert translation.translate(off, "a girl went") == " ".join(
        off.vocab_out.decode(seqtasks.predict_ids(off, ["a", "girl", "went"]))
    )


def test_gender_changes_pairs_words_whose_gender_flipped():
    from visualizer.labs.units import translation

    assert translation.gender_changes("dívka která šla domů", "dívka která šel domů") == [("šla", "šel")]
    assert translation.gender_changes("dívka šla", "dívka šla") == []
    assert translation.gender_changes("šla domů", "domů šla") == []  # not a gendered word at both places
