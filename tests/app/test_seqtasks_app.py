"""AppTest of the Sequence types page with trained weights: each shape answers in its own output space."""

import json

import numpy as np
import pytest

from visualizer.labs.sequences import seqtasks

PAGE = "views/sequence_types.py"


def _charts(at) -> dict[str, dict]:
    """Plotly specs by title."""
    out = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        out[spec["layout"].get("title", {}).get("text", "")] = spec
    return out


def _chart(at, prefix: str) -> dict:
    (spec,) = [s for t, s in _charts(at).items() if t.startswith(prefix)]
    return spec


def _z(trace: dict) -> np.ndarray:
    z = trace["z"]
    if isinstance(z, dict):  # NumPy arrays travel as base64 typed arrays
        import base64

        return np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(
            [int(n) for n in str(z["shape"]).split(",")]
        )
    return np.array(z)


def _page_text(at) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)


def test_trained_is_the_default_and_random_is_one_click_away(run_page):
    at = run_page(PAGE)
    assert not at.exception
    (radio,) = [r for r in at.radio if r.label == "Weights"]
    assert radio.value == "trained"
    assert _chart(at, "p(tag) at every word")  # the default shape, many-to-many, tags
    radio.set_value("random").run()
    assert not at.exception
    assert _chart(at, "Hidden state at every step (columns labelled")  # the untrained view
    assert at.query_params["net"] == "random"


def test_one_to_one_answers_a_category_and_says_it_is_feed_forward(run_page):
    at = run_page(PAGE, {"seqtype": "one_to_one"})
    bars = _chart(at, "p(category | word)")["data"][0]
    assert bars["y"] == ["animal", "person", "place", "verb"]
    assert bars["marker"]["color"][2] != "#bab0ac"  # "prague" -> place, highlighted
    assert "feed-forward net in disguise" in _page_text(at)


def test_one_to_many_writes_a_phrase_until_end(run_page):
    at = run_page(PAGE, {"seqtype": "one_to_many", "in": "cat"})
    table = at.dataframe[0].value
    assert list(table["emits"]) == ["the", "cat", "runs", "after", "the", "mouse", "<end>"]
    assert all(0 < float(p) <= 1 for p in table["p(emitted)"])
    assert "runs after the mouse" in _page_text(at)
    # Steps 2 and 6 both read "the" but write "cat" and "mouse": the note says the hidden state did it.
    assert "Steps 2 and 6 both read “the”" in _page_text(at)


def test_many_to_one_shows_the_verdict_and_its_drift(run_page):
    at = run_page(PAGE, {"seqtype": "many_to_one"})  # the example: "… good but the service was awful"
    verdict = _chart(at, "The verdict")["data"][0]
    assert verdict["y"] == ["negative", "positive"]
    drift = _chart(at, "p(positive) after each word")["data"][0]
    assert len(drift["x"]) == len(seqtasks.SPECS["many_to_one"].example.split())


def test_many_to_many_tags_every_word(run_page):
    at = run_page(PAGE, {"seqtype": "many_to_many", "in": "jordan met anna in georgia"})
    heat = _chart(at, "p(tag) at every word")["data"][0]
    assert heat["y"] == ["other", "person", "place"]
    assert _z(heat).shape == (3, 5)
    assert list(at.dataframe[0].value["emits"]) == ["person", "other", "person", "other", "place"]
    assert "100% of the tags right in 90 held-out sentences" in _page_text(at)


def test_encoder_decoder_attention_heatmap_is_output_by_input(run_page):
    at = run_page(PAGE, {"seqtype": "encoder_decoder", "in": "she was tired yesterday"})
    assert not at.exception
    heat = _chart(at, "Attention")["data"][0]
    assert _z(heat).shape == (5, 4)  # ona byla unavená včera <end>  x  she was tired yesterday
    assert "ona byla unavená včera" in _page_text(at)
    diagram = _chart(at, "Encoder–decoder")
    assert any(t.get("name") == "attention α" for t in diagram["data"])
    assert _chart(at, "Held-out sentences translated exactly")


def test_encoder_decoder_without_attention(run_page):
    at = run_page(PAGE, {"seqtype": "encoder_decoder", "att": "0"})
    assert not at.exception
    assert not [t for t in _charts(at) if t.startswith("Attention")]
    assert list(at.dataframe[0].value["emits"])[-1] == "<end>"
    assert _chart(at, "Held-out sentences translated exactly")


def test_unknown_words_are_named(run_page):
    at = run_page(PAGE, {"seqtype": "many_to_many", "in": "anna flew to ostrava"})
    notice = " ".join(w.value for w in at.warning)
    assert "ostrava" in notice and "<unk>" in notice
    assert list(at.dataframe[0].value["reads"]) == ["anna", "flew", "to", "<unk>"]


def test_typing_markdown_is_shown_literally(run_page):
    at = run_page(PAGE, {"seqtype": "one_to_one", "in": "**bold**"})
    assert not at.exception
    assert any("bold" in w.value and "\\*" not in w.value.replace("\\*", "") for w in at.warning)


def test_switching_shape_starts_from_its_example(run_page):
    at = run_page(PAGE, {"seqtype": "one_to_one", "in": "tiger"})
    assert at.text_input[0].value == "tiger"
    [r for r in at.radio if r.label == "Sequence type"][0].set_value("many_to_one").run()
    assert at.text_input[0].value == seqtasks.SPECS["many_to_one"].example
    assert "in" not in at.query_params


def test_empty_input_gives_a_message(run_page):
    at = run_page(PAGE, {"seqtype": "many_to_one"})
    at.text_input[0].set_value("  !! ").run()
    assert not at.exception
    assert any("Type at least one word" in e.value for e in at.error)


@pytest.mark.parametrize("kind", seqtasks.SPECS)
def test_every_shape_runs_with_an_unknown_word(run_page, kind):
    at = run_page(PAGE, {"seqtype": kind, "in": "zzz"})
    assert not at.exception
    assert any("zzz" in w.value for w in at.warning)


def _focus_box(at):
    (box,) = [s for s in at.selectbox if s.label == "Arrows for output word"]
    return box


def test_the_arrows_box_follows_the_current_output(run_page):
    """A new translation gets its own box: its words, and the automatic gendered word, not the old pick."""
    at = run_page(PAGE, {"seqtype": "encoder_decoder"})  # "the girl who likes football went home"
    box = _focus_box(at)
    assert box.options[1] == "2. která" and box.value == 1  # the automatic focus: the first gendered word
    box.set_value(5).run()
    assert _focus_box(at).value == 5 and at.query_params["focus"] == "6"
    at.text_input[0].set_value("the boy who likes football went home").run()
    box = _focus_box(at)
    assert box.options[:3] == ["1. chlapec", "2. který", "3. má"]
    assert box.value == 1 and "focus" not in at.query_params  # back to automatic, on the new word "který"
    diagram = _chart(at, "Encoder–decoder")
    assert "který" in json.dumps(diagram, ensure_ascii=False) and "která" not in json.dumps(diagram, ensure_ascii=False)


@pytest.mark.parametrize(
    "text,want", [("a boy who likes", "chlapec který rád"), ("a girl who likes", "dívka která ráda")]
)
def test_the_articles_fragments_translate_without_a_doubt(run_page, text, want):
    at = run_page(PAGE, {"seqtype": "encoder_decoder", "in": text})
    assert not at.exception
    assert f"Translation: {want}" in _page_text(at)
    assert not [w for w in at.warning if "may be wrong" in w.value]
    labels = [m.label for m in at.metric]
    assert labels.count("Sentences, exact") == labels.count("Fragments, exact") == 2
    shipped = seqtasks.load_shipped("encoder_decoder", True).extra
    fragments = [m.value for m in at.metric if m.label == "Fragments, exact"]
    assert fragments[1] == f"{float(shipped['acc_fragment']):.0%}"
    assert f"of {int(shipped['n_fragment'])} held-out fragments" in _page_text(at)


@pytest.mark.parametrize("att", ["1", "0"])
def test_a_doubtful_translation_says_why(run_page, att):
    at = run_page(PAGE, {"seqtype": "encoder_decoder", "in": "who likes", "att": att})
    (warning,) = [w.value for w in at.warning if "may be wrong" in w.value]
    assert "is a guess" in warning and "no training input started with “who”" in warning


def test_london_is_a_place_even_first(run_page):
    at = run_page(PAGE, {"seqtype": "many_to_many", "in": "london is a big city"})
    assert list(at.dataframe[0].value["emits"]) == ["place", "other", "other", "other", "other"]
