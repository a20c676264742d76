"""AppTest of the encoder–decoder's decoding view on the Sequence types page (trained weights)."""

import json

from visualizer.labs.sequences import decoding, seqtasks
from visualizer.labs.sequences.seqnets import END

PAGE = "views/sequence_types.py"
ED = {"seqtype": "encoder_decoder"}


def _figure(at, title: str) -> dict:
    (spec,) = [
        s
        for s in (json.loads(n.proto.spec) for n in at.get("plotly_chart"))
        if s["layout"]["title"]["text"].startswith(title)
    ]
    return spec


def _text(at) -> str:
    return " ".join(m.value for m in [*at.markdown, *at.caption]).replace("\\", "")


def test_the_default_sentence_is_the_first_the_translator_gets_wrong(run_page):
    at = run_page(PAGE, ED)
    assert not at.exception
    model = seqtasks.load_shipped("encoder_decoder", True).model
    examples = seqtasks.load_dataset("encoder_decoder").test
    held = decoding.held_out(model, examples)
    first = held.wrong[0]
    text = _text(at)
    assert f"held-out sentence {first + 1}, “{' '.join(examples[first].src)}”, the first one it gets wrong" in text
    passes = _figure(at, "The same sentence decoded two ways")
    (heat,) = passes["data"]
    ref_row = heat["text"][list(heat["y"]).index("reference")]
    assert [w for w in ref_row if w][-1] == END
    box, *dashed = passes["layout"]["shapes"]  # the first mistake is outlined, the words it made wrong dashed
    src = model.vocab_in.encode(list(examples[first].src), unknown="unk")
    comp = decoding.compare(model, src, model.vocab_out.encode([*examples[first].tgt, END]))
    assert box["x0"] == comp.first_free_mistake + 0.5 and "dash" not in box["line"]
    assert [d["x0"] for d in dashed] == [t + 0.55 for t in comp.propagated]
    assert f"its first mistake is word {comp.first_free_mistake + 1}" in text


def test_changing_the_beam_width_redraws_the_tree(run_page):
    at = run_page(PAGE, ED)
    tree = _figure(at, "Beam search, width 3")
    nodes = next(t for t in tree["data"] if t["name"] == "prefixes kept")
    assert max(-y for y in nodes["y"]) <= 2  # at most three kept per step
    (slider,) = [s for s in at.slider if s.label == "Beam width"]
    slider.set_value(1).run()
    assert not at.exception
    tree = _figure(at, "Beam search, width 1")
    nodes = next(t for t in tree["data"] if t["name"] == "prefixes kept")
    assert set(nodes["y"]) == {0}
    assert "this is greedy decoding" in _text(at)
    assert at.query_params.get("beam") == ["1"] or at.query_params.get("beam") == "1"


def test_a_chosen_sentence_and_no_attention(run_page):
    at = run_page(PAGE, {**ED, "pair": "3", "att": "0"})
    assert not at.exception
    examples = seqtasks.load_dataset("encoder_decoder").test
    assert f"held-out sentence 3, “{' '.join(examples[2].src)}”." in _text(at)
    assert _figure(at, "The same sentence decoded two ways")


def test_a_bad_pair_in_the_link_falls_back_with_a_notice(run_page):
    at = run_page(PAGE, {**ED, "pair": "abc", "beam": "9"})
    assert not at.exception
    assert _figure(at, "Beam search, width 3")  # the default width
    assert "the first one it gets wrong" in _text(at)


def test_a_sentence_beyond_the_held_out_set_falls_back_and_says_so(run_page):
    total = len(seqtasks.load_dataset("encoder_decoder").test)
    at = run_page(PAGE, {**ED, "pair": "500"})
    assert not at.exception
    assert any(f"held-out sentence 500, but there are {total}" in i.value for i in at.info)
    assert "the first one it gets wrong" in _text(at)
    ok = run_page(PAGE, {**ED, "pair": str(total)})
    assert not any("but there are" in i.value for i in ok.info)
