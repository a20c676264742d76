"""AppTest of the Sequence types page with random weights: every type, links, and bad input."""

import json

import pytest

from visualizer.content import seqtype_gallery
from visualizer.labs.explorer import explore
from visualizer.labs.sequences import seqtypes

PAGE = "views/sequence_types.py"
RANDOM = {"net": "random"}  # the untrained view; the trained one is tested in test_seqtasks_app.py


def _diagram(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _trace(spec: dict, prefix: str) -> dict:
    (tr,) = [t for t in spec["data"] if t.get("name", "").startswith(prefix)]
    return tr


def _type_radio(at):
    (radio,) = [r for r in at.radio if r.label == "Sequence type"]
    return radio


@pytest.mark.parametrize(
    "kind,n_in,n_out",
    [
        ("one_to_one", 1, 1),
        ("one_to_many", 1, 5),
        ("many_to_one", 5, 1),
        ("many_to_many", 5, 5),
        ("encoder_decoder", 5, 5),
    ],
)
def test_every_type_runs_on_the_default_sequence(run_page, kind, n_in, n_out):
    at = run_page(PAGE, RANDOM)
    _type_radio(at).set_value(kind).run()
    assert not at.exception
    spec = _diagram(at)
    assert spec["layout"]["title"]["text"].startswith(seqtypes.LABELS[kind])
    assert len(_trace(spec, "x_t: your token")["x"]) == n_in
    assert len(_trace(spec, "ŷ_t: output")["x"]) == n_out
    # The heatmap has one column per step of the cell.
    heat = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]
    assert heat["type"] == "heatmap" and len(heat["x"]) == seqtypes.layout(kind, 5, 5).n_steps
    # The table lists every step; the examples for the type are shown.
    table = at.dataframe[0].value
    assert len(table) == seqtypes.layout(kind, 5, 5).n_steps
    assert (table["emits"] != "—").sum() == n_out
    page_text = " ".join(m.value for m in at.markdown)
    assert seqtype_gallery.EXAMPLES[kind][0].title in page_text
    # The link reproduces the view: only non-default values are written.
    assert at.query_params.get("seqtype") == (None if kind == "many_to_many" else kind)
    assert at.query_params.get("net") == "random"


def test_output_length_only_for_generating_types(run_page):
    at = run_page(PAGE, {**RANDOM, "seqtype": "many_to_one"})
    assert not [s for s in at.slider if s.label.startswith("Output length")]
    at = run_page(PAGE, {**RANDOM, "seqtype": "one_to_many", "outlen": "7"})
    (slider,) = [s for s in at.slider if s.label.startswith("Output length")]
    assert slider.value == 7
    assert len(_trace(_diagram(at), "ŷ_t: output")["x"]) == 7
    slider.set_value(3).run()
    assert len(_trace(_diagram(at), "ŷ_t: output")["x"]) == 3
    assert at.query_params["outlen"] == "3"


def test_url_opens_encoder_decoder(run_page):
    at = run_page(PAGE, {**RANDOM, "seqtype": "encoder_decoder", "outlen": "3", "text": "a girl went home"})
    assert not at.exception
    assert _type_radio(at).value == "encoder_decoder"
    spec = _diagram(at)
    assert "4 inputs → 3 outputs" in spec["layout"]["title"]["text"]
    assert "context c" in [a.get("text") for a in spec["layout"]["annotations"]]
    assert any("il est allé" in m.value for m in at.markdown)


def test_same_settings_same_tokens(run_page):
    params = {**RANDOM, "seqtype": "one_to_many", "outlen": "6", "seed": "4"}
    a, b = run_page(PAGE, params), run_page(PAGE, params)
    assert list(a.dataframe[0].value["emits"]) == list(b.dataframe[0].value["emits"])


def test_empty_text_shows_message(run_page):
    at = run_page(PAGE, RANDOM)
    at.text_area[0].set_value("   ").run()
    assert not at.exception
    assert any("empty" in e.value for e in at.error)
    assert len(at.get("plotly_chart")) == 0
    # The teaching content stays.
    assert any("fixed input size" in m.value.lower() for m in at.markdown)


def test_bad_url_param_falls_back_with_notice(run_page):
    at = run_page(PAGE, {**RANDOM, "seqtype": "two_to_two", "outlen": "999"})
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "seqtype" in notices and "outlen" in notices
    assert _type_radio(at).value == "many_to_many"
    assert len(at.get("plotly_chart")) == 2


def test_gallery_and_feedforward_panel(run_page):
    at = run_page(PAGE, {**RANDOM, "seqtype": "many_to_one"})
    (gallery,) = [m.value for m in at.markdown if m.value.startswith("| | application")]
    rows = gallery.replace("\\", "").splitlines()[2:]  # drop Markdown escapes
    names = {r.split(" | ")[1].strip("* ") for r in rows}
    assert names >= {"Speech recognition", "DNA sequence analysis", "Named-entity recognition"}
    marked = {r.split(" | ")[1].strip("* ") for r in rows if r.startswith("| ▶")}
    assert marked == {"Sentiment classification", "Video activity recognition"}
    assert all(len(r.split(" | ")) == 6 for r in rows)  # every row has its "why"
    labels = [m.label for m in at.metric]
    assert any("RNN weights" in lbl for lbl in labels) and any("exactly 5 tokens" in lbl for lbl in labels)


def test_numbers_mode_with_words_draws_an_example_and_says_how_to_type_numbers(run_page):
    """Numbers mode with the default words: the views read an example of numbers and say why (issue 27, item 13)."""
    at = run_page(PAGE, {**RANDOM, "mode": "numbers"})
    assert not at.exception and not at.error
    (warning,) = [w.value for w in at.warning]
    assert "not a number" in warning and explore.NUMBERS_EXAMPLE in warning
    tokens = _trace(_diagram(at), "x_t: your token")["text"]
    assert ", ".join(tokens) == explore.NUMBERS_EXAMPLE  # the diagram reads the example it names


def test_numbers_mode_with_numbers_reads_them_without_a_notice(run_page):
    at = run_page(PAGE, {**RANDOM, "mode": "numbers", "text": "1, 3, 2"})
    assert not at.exception and not at.error and not at.warning
