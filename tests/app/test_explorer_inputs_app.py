"""AppTest of the step-through explorer's inputs and extras: numbers as values, embeddings, typing, bad input,
links, the fold, trained weights, downloads and how to read the page."""

import pytest

from tests.app.explorer_page import PAGE, RANDOM, _chart, player, players
from visualizer.data import encoding
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.explorer import explore

# ---------------------------------------------------------------------------- inputs


def test_numbers_are_values_and_the_task_is_regression(run_page):
    at = run_page(PAGE, {**RANDOM, "mode": "numbers", "text": "1, 3, 2, 5, 4", "repr": "embedding", "step": "2"})
    assert not at.exception and not at.error
    d = player(at)
    y = "".join(d["steps"][1]["eq"]["y"])
    assert "softmax" not in y and "scaled" in "".join(d["steps"][1]["eq"]["x"])
    assert any("regression" in c.value for c in at.caption)
    assert d["regression"] and d["steps"][1]["top"][0][1] is None  # a guessed value, not a probability
    assert "½" in d["labels"]["loss"]


def test_embedding_explains_its_size(run_page):
    at = run_page(PAGE, {**RANDOM, "repr": "embedding"})
    assert "<mi>E</mi><mspace" in "".join(player(at)["steps"][0]["eq"]["x"])  # x_t = E o_w
    assert any("V = 5" in c.value and "3 numbers" in c.value for c in at.caption)
    at = run_page(PAGE, {**RANDOM, "repr": "embedding", "emb": "8"})
    assert any("saves nothing" in c.value for c in at.caption)


def test_embedding_view_pairs_similar_tokens(run_page):
    at = run_page(PAGE, RANDOM)
    assert not [c for c in at.get("plotly_chart") if "Each token's vector" in c.proto.spec]  # not built until asked
    at.toggle(key="explorer_embedding_show").set_value(True).run()
    assert at.toggle(key="explorer_embedding_show").label.startswith("Which tokens get similar vectors")
    assert _chart(at, "Each token's vector")
    (table,) = [m.value for m in at.markdown if m.value.startswith("| token | most similar token")]
    assert "| the |" in table


@pytest.mark.parametrize(
    "mode,text,tokens",
    [("chars", "abca", ["a", "b", "c", "a"]), ("numbers", "1, 2.5, 2.5", ["1", "2.5", "2.5"])],
)
def test_modes(run_page, mode, text, tokens):
    at = run_page(PAGE, {**RANDOM, "mode": mode, "text": text, "step": str(len(tokens))})
    assert not at.exception and not at.error
    assert player(at)["tokens"] == tokens


@pytest.mark.parametrize(
    "params,message",
    [
        ({"text": "   "}, "empty"),
        ({"mode": "words", "text": "a " * 400}, "limit"),
    ],
)
def test_bad_input_shows_a_message(run_page, params, message):
    at = run_page(PAGE, params)
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert not at.get("plotly_chart") and not players(at)


def test_emoji_and_markup_are_shown_literally(run_page):
    at = run_page(PAGE, {**RANDOM, "text": "<script>alert(1)</script> 🙂", "mode": "words", "step": "99"})
    assert not at.exception and not at.error
    x = player(at)["tokens"]
    assert x[:3] == ["<", "script", ">"] and "🙂" in x
    at = run_page(PAGE, {**RANDOM, "text": "<script>alert(1)</script> 🙂", "mode": "words"})
    d = player(at)
    assert d["steps"][0]["rest"] == "the network reads x_1 = “<” and should predict “script” next."  # text, not markup
    assert "<mtext>&lt;</mtext>" in "".join(d["steps"][0]["eq"]["x"])  # escaped inside the equations
    for md in at.markdown:
        assert not (md.proto.allow_html and "script" in md.value)


def test_compare_draws_side_by_side_and_difference(run_page):
    at = run_page(PAGE, {**RANDOM, "compare": "the united kingdom of great britain", "step": "3"})
    assert not at.exception
    heat = player(at)["heat"]
    assert len(heat["h"]) == 5 and len(heat["b"]["h"]) == 6 and heat["b"]["tokens"][2] == "kingdom"


# ---------------------------------------------------------------------------- the fold


def test_the_fold_is_sent_with_the_run_on_the_tokens(run_page):
    """The five moves travel in the payload (the player draws and plays them): the unrolled stage carries the
    tokens, and nothing after the last one."""
    d = player(run_page(PAGE, {**RANDOM, "text": "the cat sat", "fold": "2"}))
    fold = d["fold"]
    assert [m[0] for m in fold["moves"]][:2] == ["squash the layers", "merge the arrows"]
    assert len(fold["scenes"]) == 6 and d["fold_stage"] == 2 and not d["fold_open"]
    labels = [text for _, _, text in fold["scenes"][5]["labels"]]
    assert "x_3 sat" in labels and not any(lab.strip().startswith("x_4") for lab in labels)
    assert fold["scenes"][4]["loop"]  # move 4 adds the temporal loop


# ---------------------------------------------------------------------------- weights and downloads


def test_trained_weights_of_any_cell_are_offered_and_used(run_page):
    at = run_page(PAGE, RANDOM)
    vocab = encoding.Vocab.build(list("the united states of america"))
    model = TrainedModel("gru", "chars", vocab, explore.cells.CELLS["gru"].init(len(vocab), 8, len(vocab), seed=3))
    at.session_state["trained_model"] = model
    at.run()
    (radio,) = [r for r in at.radio if r.label == "Weights"]
    radio.set_value("trained").run()
    assert not at.exception and not at.error
    assert any("your model from the Train page" in i.value and "GRU" in i.value for i in at.info)
    d = player(at)
    assert d["tokens"][:3] == ["t", "h", "e"] and d["cell"] == "gru"  # the model's character level and cell
    assert [g["key"] for g in d["steps"][2]["gates"]] == ["r", "u", "n"]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_default_weights_are_the_story_model_of_the_chosen_cell(run_page, cell):
    at = run_page(PAGE, {"cell": cell, "step": "3"})
    assert not at.exception and not at.error
    kind = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}[cell]
    assert any("trained on the story" in i.value and kind in i.value for i in at.info)
    d = player(at)
    assert d["step"] == 3 and d["cell"] == cell and bool(d["steps"][2]["gates"]) == (cell != "rnn")


def test_unknown_words_are_named(run_page):
    at = run_page(PAGE, {"text": "the zyxwv of america"})
    assert any("zyxwv" in i.value for i in at.info)


def test_trace_downloads_offered(run_page):
    at = run_page(PAGE, RANDOM)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "⬇ Trace as CSV" in labels and "⬇ Trace as JSON" in labels


def test_how_to_read_names_both_passes_in_the_notation(run_page):
    at = run_page(PAGE, {**RANDOM, "cell": "lstm", "notation": "a"})
    (howto,) = [m.value for m in at.markdown if m.value.startswith("**The chain.**")]
    assert "**The backward pass.**" in howto and "right to left" in howto and "memory cells c⟨t⟩" in howto
    assert "W_aa" in howto and "W_hh" not in howto and "**The loss over time.**" in howto


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_with_trained_weights_the_split_picks_a_model_that_reads_it(run_page, cell):
    """'Split into: characters' with the story weights runs the character-level story model of that cell (it
    used to be ignored: "hello world" still read as two words)."""
    at = run_page(PAGE, {"cell": cell, "mode": "chars", "text": "hello world", "step": "3"})
    assert not at.exception and not at.error
    assert player(at)["tokens"][:5] == ["h", "e", "l", "l", "o"]
    assert any("trained on the story" in i.value and "characters" in i.value for i in at.info)
    words = run_page(PAGE, {"cell": cell, "text": "hello world"})
    assert player(words)["tokens"] == ["hello", "world"]


def test_with_trained_weights_the_input_choice_is_disabled_with_the_reason(run_page):
    """A trained model reads one-hot vectors of its vocabulary: 'x_t is' is shown disabled, the embedding size
    slider is not offered, and a link asking for an embedding still draws the one-hot equations."""
    at = run_page(PAGE, {"repr": "embedding", "step": "2"})
    assert not at.exception
    (radio,) = [r for r in at.radio if r.label == "x_t is"]
    assert radio.disabled and "own vocabulary" in radio.help
    assert not [s for s in at.slider if s.label == "Embedding size"]
    random = run_page(PAGE, {**RANDOM, "repr": "embedding", "step": "2"})
    (radio,) = [r for r in random.radio if r.label == "x_t is"]
    assert not radio.disabled and [s for s in random.slider if s.label == "Embedding size"]
