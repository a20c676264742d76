"""Memoryless baselines, contrast pairs and occlusion (visualizer.labs.memory_proof.memory)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.data import corpus, trained_model
from visualizer.data.encoding import Vocab
from visualizer.labs.memory_proof import memory
from visualizer.labs.training import predict
from visualizer.nn import cells

ids_strategy = st.lists(st.integers(0, 4), min_size=2, max_size=60)


@settings(max_examples=40, deadline=None)
@given(ids=ids_strategy, k=st.integers(0, 3), ctx=st.lists(st.integers(0, 4), max_size=4))
def test_kgram_is_a_distribution(ids, k, ctx):
    kg = memory.fit_kgram(ids, 5, k)
    p = np.array([kg.prob(ctx, w) for w in range(kg.V)])  # P_k(. | ctx)
    assert np.all(p > 0)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(ids=ids_strategy)
def test_bigram_only_sees_the_last_token(ids):
    kg = memory.fit_kgram(ids, 5, 1)
    for w in range(5):
        assert kg.prob([0, 1, 2, 3], w) == kg.prob([4, 4, 3], w)


def test_unigram_by_hand():
    # counts 0:3, 1:1 over V=3; u = 2 types seen: P(w) = (n(w) + 2/3) / (4 + 2)
    kg = memory.fit_kgram([0, 0, 1, 0], 3, 0)
    assert kg.prob([], 0) == pytest.approx((3 + 2 / 3) / 6)
    assert kg.prob([], 2) == pytest.approx((0 + 2 / 3) / 6)


def test_bigram_by_hand():
    # after 0: 0 once, 1 once -> n(c)=2, u(c)=2; interpolated with the unigram above
    kg = memory.fit_kgram([0, 0, 1, 0], 3, 1)
    uni = memory.fit_kgram([0, 0, 1, 0], 3, 0)
    assert kg.prob([0], 1) == pytest.approx((1 + 2 * uni.prob([], 1)) / 4)
    # a context never seen falls back to the unigram
    assert kg.prob([2], 1) == pytest.approx(uni.prob([], 1))


def test_longer_context_fits_training_text_better():
    rng = np.random.default_rng(0)
    # a text where the token two back decides the next one: 0 x 1 or 2 x 3, x random
    ids = []
    for _ in range(300):
        a = int(rng.integers(2)) * 2
        ids += [a, 4 + int(rng.integers(2)), a + 1]
    b = memory.baselines(ids, 6, ids[:300], table={"uni": 0, "bi": 1, "tri": 2})
    assert b.train[0] > b.train[1] > b.train[2]
    assert b.heldout is not None and b.heldout[2] < b.heldout[1]


def test_cross_entropy_of_uniform_is_log_v():
    kg = memory.KGram(k=0, V=7, follow={})
    assert kg.cross_entropy([1, 2, 3]) == pytest.approx(np.log(7))


# ---------------------------------------------------------------------------- contrast pairs


def _tiny_model(cell="rnn", level="words", seed=0):
    vocab = Vocab(("Ana", "grew", "up", "in", "Mexico", "France", ".", "she", "speaks", "Spanish", "French", "<unk>"))
    params = cells.CELLS[cell].init(len(vocab), 8, len(vocab), seed=seed)
    return trained_model.TrainedModel(cell=cell, level=level, vocab=vocab, params=params)


def test_bigram_is_at_chance_on_pairs():
    model = _tiny_model()
    text = "Ana grew up in Mexico . she speaks Spanish . Ana grew up in France . she speaks French ."
    ids = model.vocab.encode(corpus.corpus_tokens(text, "words"))
    kg = memory.fit_kgram(ids, len(model.vocab), 1)
    pairs = [
        memory.ContrastPair(
            "Ana grew up in Mexico . she speaks", "Spanish", "Ana grew up in France . she speaks", "French"
        )
    ]
    res = memory.evaluate_pairs(lambda p, a: memory.kgram_logprob(kg, "words", model.vocab, p, a), pairs)
    assert res.accuracy == 0.5
    # a 3-gram still ends on "she speaks": chance as well
    kg3 = memory.fit_kgram(ids, len(model.vocab), 2)
    res3 = memory.evaluate_pairs(lambda p, a: memory.kgram_logprob(kg3, "words", model.vocab, p, a), pairs)
    assert res3.accuracy == 0.5


def test_pair_scoring_counts_own_answer_higher():
    s = np.array([[[-1.0, -2.0], [-3.0, -0.5]], [[-1.0, -1.0], [-2.0, -1.0]], [[-5.0, -1.0], [-1.0, -2.0]]])
    res = memory.ContrastResult(scores=s)
    assert res.correct.tolist() == [[1.0, 1.0], [0.5, 1.0], [0.0, 0.0]]
    assert res.accuracy == pytest.approx(3.5 / 6)


def test_continuation_logprob_matches_the_forward_pass():
    model = _tiny_model()
    prompt = "Ana grew up in Mexico . she speaks"
    p = predict.next_token_probs(model, prompt)
    expected = np.log(p[model.vocab.index["Spanish"]])
    assert memory.continuation_logprob(model, prompt, "Spanish") == pytest.approx(expected, rel=1e-9)


def test_read_pairs_refuses_bad_lines():
    assert memory.read_pairs("h\na\tb\tc\td\n") == [memory.ContrastPair("a", "b", "c", "d")]
    with pytest.raises(ValueError, match="line 2"):
        memory.read_pairs("h\na\tb\n")


# ---------------------------------------------------------------------------- occlusion


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_occlusion_matches_rerunning_one_by_one(cell):
    model = _tiny_model(cell, seed=3)
    ids = model.vocab.encode(corpus.corpus_tokens("Ana grew up in Mexico . she speaks", "words"))
    target = model.vocab.index["Spanish"]
    occ = memory.occlusion(model, ids, target)
    assert occ.strength.shape == (ids.size,)
    full = np.log(predict.next_token_probs(model, "Ana grew up in Mexico . she speaks")[target])
    assert occ.logp == pytest.approx(full, rel=1e-9)
    for j in range(ids.size):
        dropped = corpus.join_tokens(model.vocab.decode(np.delete(ids, j)), "words")
        expected = full - np.log(predict.next_token_probs(model, dropped)[target])
        assert occ.strength[j] == pytest.approx(expected, rel=1e-7, abs=1e-10)


def test_occlusion_replace_changes_one_token():
    model = _tiny_model(seed=5)
    ids = model.vocab.encode(["Ana", "grew", "up"])
    unk = model.vocab.index["<unk>"]
    occ = memory.occlusion(model, ids, 3, replace_with=unk)
    for j in range(3):
        seq = ids.copy()
        seq[j] = unk
        p = float(predict._run(model, seq).probs[-1, 3])
        assert occ.strength[j] == pytest.approx(occ.logp - np.log(p), rel=1e-7, abs=1e-10)


def test_occlusion_of_a_token_the_model_ignores_is_zero():
    model = _tiny_model(seed=1)
    # W_xh column of "grew" zero and zero state: reading "grew" first leaves h at tanh(b_h) = 0 -> no effect.
    p = model.params
    W_xh = p.W_xh.copy()
    W_xh[:, model.vocab.index["grew"]] = 0.0
    params = type(p)(**{**p.as_dict(), "W_xh": W_xh, "b_h": np.zeros_like(p.b_h)})
    m = trained_model.TrainedModel("rnn", "words", model.vocab, params)
    ids = m.vocab.encode(["grew", "Ana", "up"])
    occ = memory.occlusion(m, ids, 4)
    assert occ.strength[0] == pytest.approx(0.0, abs=1e-12)
    assert abs(occ.strength[1]) > 1e-6


def test_mean_loss_of_one_stream_is_the_plain_loss():
    model = _tiny_model()
    ids = np.arange(11) % len(model.vocab)
    probs = predict._run(model, ids[:-1]).probs
    expected = -np.mean(np.log(probs[np.arange(10), ids[1:]]))
    assert predict.mean_loss(model, ids, streams=1) == pytest.approx(expected, rel=1e-12)


def test_occlusion_explains_the_token_where_the_answers_part_not_the_space_before_them():
    """A character model predicts the space before any answer with p ≈ 1: the token to explain is the first one
    where the pair's answers differ (" Spanish" / " English": 'S'; " Spain" / " Sweden": 'p' after " S")."""
    from visualizer.data.encoding import Vocab

    vocab = Vocab.build(list(" SpanishEnglwde"))
    shared, target = memory.decisive_token("chars", vocab, "Spanish", "English")
    assert vocab.decode(shared) == [" "] and vocab.tokens[target] == "S"
    shared, target = memory.decisive_token("chars", vocab, "Spain", "Sweden")
    assert vocab.decode(shared) == [" ", "S"] and vocab.tokens[target] == "p"
    words = Vocab.build(["is", "are", "the"])
    shared, target = memory.decisive_token("words", words, "is", "are")
    assert shared.size == 0 and words.tokens[target] == "is"
