"""The five shipped task models: held-out accuracy, reproducible training, safe loading, and typed input."""

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.data.encoding import UNK
from visualizer.labs.sequences import seqinfer, seqnets, seqtasks

# kind, attention, metric, the accuracy each shipped model must reach on its evaluation split
STATED = [
    ("one_to_one", False, "exact", 1.0),  # a lookup: every word is trained on (no held-out word exists)
    ("one_to_many", False, "exact", 1.0),  # likewise: one phrase per start word
    ("many_to_one", False, "exact", 0.9),
    ("many_to_many", False, "tokens", 0.9),
    ("encoder_decoder", True, "exact", 0.9),
]


@pytest.fixture(scope="module")
def shipped():
    return {(k, a): seqtasks.load_shipped(k, a) for k, a, *_ in STATED + [("encoder_decoder", False, "", 0)]}


@pytest.mark.parametrize("kind,attend,metric,least", STATED)
def test_shipped_model_reaches_its_stated_accuracy(shipped, kind, attend, metric, least):
    s = shipped[(kind, attend)]
    data = seqtasks.load_dataset(kind)
    examples = data.test or data.train
    assert s.evaluated_on == ("test" if data.test else "train") and s.n_eval == len(examples)
    measured = seqtasks.accuracy(s.model, examples, metric)
    assert measured == pytest.approx(s.heldout)  # the number the page shows is the one measured here
    assert measured >= least
    if data.test:  # held out: no test input is also a training input
        assert not {ex.src for ex in data.test} & {ex.src for ex in data.train}


def test_attention_removes_the_bottleneck(shipped):
    """Without attention the agreement survives but the sentence does not, and long sentences suffer most."""
    plain, att = shipped[("encoder_decoder", False)], shipped[("encoder_decoder", True)]
    test = seqtasks.load_dataset("encoder_decoder").test
    assert plain.extra["agreement"] == pytest.approx(seqtasks.agreement(plain.model, test))
    assert plain.extra["agreement"] >= 0.9
    table = att.extra
    acc_plain, n = seqtasks.accuracy_by_length(plain.model, seqtasks.by_form(test, "sentence"))
    np.testing.assert_allclose(table["acc_plain"], acc_plain)
    np.testing.assert_array_equal(table["n"], n)
    assert np.all(table["acc_attention"] > table["acc_plain"])
    assert table["acc_plain"][0] > table["acc_plain"][-1]  # longer input, worse without attention
    assert plain.extra["acc_sentence"] < 0.5 <= 0.9 <= att.extra["acc_sentence"]


@pytest.mark.parametrize("attend", [False, True])
def test_fragments_and_sentences_are_held_out_and_scored_apart(shipped, attend):
    """The file stores exact accuracy and agreement on held-out fragments and on whole sentences, as measured here."""
    s = shipped[("encoder_decoder", attend)]
    data = seqtasks.load_dataset("encoder_decoder")
    for form in seqtasks.FORMS:
        train, test = seqtasks.by_form(data.train, form), seqtasks.by_form(data.test, form)
        assert len(test) >= 40 and len(train) >= 3 * len(test) * 0.9  # a quarter held out
        assert not {ex.src for ex in test} & {ex.src for ex in data.train}
        assert s.extra[f"n_{form}"] == len(test)
        assert s.extra[f"acc_{form}"] == pytest.approx(seqtasks.accuracy(s.model, test))
        assert s.extra[f"agreement_{form}"] == pytest.approx(seqtasks.agreement(s.model, test))
    assert s.extra["n_sentence"] + s.extra["n_fragment"] == s.n_eval
    if attend:
        assert s.extra["acc_fragment"] >= 0.9 and s.extra["acc_sentence"] >= 0.9
        assert s.extra["agreement_fragment"] == s.extra["agreement_sentence"] == 1.0
    else:  # the bottleneck costs whole sentences far more than short fragments
        assert s.extra["acc_fragment"] > s.extra["acc_sentence"]
        assert s.extra["agreement_fragment"] >= 0.9


# Retraining (bit for bit on the platform that made the files, by quality elsewhere): test_reproducible.py.


# ---------------------------------------------------------------------------- files


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _arrays(shipped, key=("many_to_one", False)) -> dict:
    with np.load(io.BytesIO(seqtasks.save_npz(shipped[key])), allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def test_save_load_round_trip(shipped):
    for s in shipped.values():
        back = seqtasks.load_npz(seqtasks.save_npz(s))
        assert back.model.vocab_out == s.model.vocab_out and back.heldout == s.heldout
        for name, a in s.model.arrays().items():
            np.testing.assert_array_equal(back.model.arrays()[name], a)


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda a: a.update(format=np.array("other/1")), "format"),
        (lambda a: a.update(kind=np.array("two_to_two")), "sequence type"),
        (lambda a: a.update({"p_enc.W_hh": a["p_enc.W_hh"][:, :-1]}), "shape"),
        (lambda a: a.update({"p_enc.b_h": a["p_enc.b_h"] * np.nan}), "NaN"),
        (lambda a: a.pop("p_enc.W_xh"), "do not match"),
        (lambda a: a.update(vocab_out=np.array(["a", "a"])), "distinct"),
    ],
)
def test_bad_files_are_refused_with_a_reason(shipped, change, message):
    arrays = _arrays(shipped)
    change(arrays)
    with pytest.raises(ValueError, match=message):
        seqtasks.load_npz(_npz(**arrays))


def test_pickled_objects_are_refused(shipped):
    arrays = _arrays(shipped)
    arrays["vocab_in"] = np.array([{"evil": 1}], dtype=object)
    with pytest.raises(ValueError):
        seqtasks.load_npz(_npz(**arrays))
    with pytest.raises(ValueError, match="not a task model"):
        seqtasks.load_npz(b"not a zip file")


# ---------------------------------------------------------------------------- typed input


def test_unknown_words_are_named_and_read_as_unk(shipped):
    model = shipped[("many_to_many", False)].model
    r = seqinfer.read(model, "Anna flew to Ostrava, then Zlín!")
    assert r.words == ("anna", "flew", "to", "ostrava", "then", "zlín")
    assert r.unknown == ("ostrava", "then", "zlín")
    assert r.labels[3] == UNK and list(r.ids[3:]) == [model.vocab_in.index[UNK]] * 3
    ans = seqinfer.answer(model, "anna flew to ostrava")
    assert ans.outputs == ["person", "other", "other", "place"]  # the place is known from its context


def _only_places(data) -> list[str]:
    """Words the tagger's training data tags as a place and never as a person (london, not georgia)."""
    tags: dict[str, set[str]] = {}
    for ex in data.train + data.test:
        for w, t in zip(ex.src, ex.tgt):
            tags.setdefault(w, set()).add(t)
    return sorted(w for w, t in tags.items() if t == {"place"})


def test_place_names_are_places_wherever_they_stand(shipped):
    """A place first in a sentence, or alone, is a place: the tagger once said "london" -> person, because every
    training sentence then began with a person."""
    model = shipped[("many_to_many", False)].model
    places = _only_places(seqtasks.load_dataset("many_to_many"))
    assert {"london", "paris", "prague", "brno"} <= set(places)
    for w in places:
        assert seqinfer.answer(model, w).text == "place", w
        assert seqinfer.answer(model, f"{w} is a big city").outputs[0] == "place", w
        assert seqinfer.answer(model, f"we went to {w}").outputs[-1] == "place", w
        assert seqinfer.answer(model, f"tom visited {w}").outputs == ["person", "other", "place"], w
    assert seqinfer.answer(model, "paris and london are far apart").outputs[:3] == ["place", "other", "place"]
    assert seqinfer.answer(model, "anna").text == "person"


def test_one_word_shapes_read_only_the_first_word(shipped):
    model = shipped[("one_to_one", False)].model
    r = seqinfer.read(model, "Prague is lovely")
    assert r.words == ("prague",) and r.ignored == 2
    assert seqinfer.answer(model, "prague").text == "place"


@pytest.mark.parametrize("text", ["", "   ", "!!! ??", "word " * 31])
def test_bad_typed_input_gives_a_message(shipped, text):
    with pytest.raises(ValueError):
        seqinfer.read(shipped[("many_to_one", False)].model, text)


@given(text=st.text(max_size=80))
@settings(max_examples=60, deadline=None)
def test_any_text_either_runs_or_says_why(text):
    model = seqtasks.load_shipped("many_to_many").model
    try:
        ans = seqinfer.answer(model, text)
    except ValueError:
        return
    assert len(ans.outputs) == len(ans.reading.words)
    assert set(ans.outputs) <= set(model.vocab_out.tokens)


def test_each_shape_answers_in_its_own_output_space(shipped):
    cases = {
        "one_to_one": ("tiger", "animal"),
        "one_to_many": ("dog", "the dog runs after the ball"),
        "many_to_one": ("the food was good but the service was awful", "negative"),
        "many_to_many": ("jordan met anna in georgia", "person other person other place"),
    }
    for kind, (text, want) in cases.items():
        model = shipped[(kind, False)].model
        ans = seqinfer.answer(model, text)
        assert ans.text == want
        assert set(ans.outputs) <= set(model.vocab_out.tokens)
        assert all(p is None or abs(p.sum() - 1) < 1e-9 for p in ans.out_probs)
        rows = seqinfer.answer_table(model, ans)
        assert len(rows) == ans.layout.n_steps
        assert all(v is not None and v != "None" for row in rows for v in row.values())


@pytest.mark.parametrize("attend", [False, True])
def test_the_articles_fragments_translate_as_the_article_writes_them(shipped, attend):
    """ "a boy who likes" -> "… který rád", "a girl who likes" -> "… která ráda", with or without attention."""
    model = shipped[("encoder_decoder", attend)].model
    assert seqinfer.answer(model, "a boy who likes").text == "chlapec který rád"
    assert seqinfer.answer(model, "a girl who likes").text == "dívka která ráda"


@pytest.mark.parametrize(
    "text,want",
    [
        ("she who likes", "ona která ráda"),
        ("the boy who likes", "chlapec který rád"),
        ("my sister who likes", "moje sestra která ráda"),
        ("a man from prague who likes", "muž z prahy který rád"),
        ("a woman who likes music", "žena která má ráda hudbu"),
        ("the king from london", "král z londýna"),
        ("a girl who likes music went home", "dívka která má ráda hudbu šla domů"),
        ("a boy who likes dogs was tired", "chlapec který má rád psy byl unavený"),
    ],
)
def test_short_fragments_and_sentences_keep_the_gender(shipped, text, want):
    model = shipped[("encoder_decoder", True)].model
    assert seqinfer.answer(model, text).text == want


def test_translation_agrees_with_the_gender_read_earlier(shipped):
    model = shipped[("encoder_decoder", True)].model
    he = seqinfer.answer(model, "the boy who likes football went home").text
    she = seqinfer.answer(model, "the girl who likes football went home").text
    assert he == "chlapec který má rád fotbal šel domů"
    assert she == "dívka která má ráda fotbal šla domů"


def test_attention_weights_are_output_by_input_and_sum_to_one(shipped):
    model = shipped[("encoder_decoder", True)].model
    ans = seqinfer.answer(model, "she was tired yesterday")
    W = ans.run.weights
    assert W.shape == (len(ans.outputs), 4)  # output words (with <end>) x input words
    np.testing.assert_allclose(W.sum(1), 1.0, atol=1e-12)
    assert ans.outputs[-1] == seqnets.END
    plain = seqinfer.answer(shipped[("encoder_decoder", False)].model, "she was tired yesterday")
    assert plain.run.weights is None


def test_one_to_one_training_never_changed_the_loop_weights(shipped):
    """What the page says: with h_0 = 0, W_hh gets a zero gradient, so it is still its random start."""
    m = shipped[("one_to_one", False)].model
    start = seqnets.init_model("one_to_one", m.vocab_in, m.vocab_out, m.hidden_size, seed=0)
    np.testing.assert_array_equal(m.enc.W_hh, start.enc.W_hh)
    assert not np.array_equal(m.enc.W_xh, start.enc.W_xh)
