"""The decoding view's sentences (each flips with its numbers) and figures (what they contain)."""

import math

from visualizer.content import decoding_notes as notes
from visualizer.plots import decoding_figures as df


def test_pick_note_says_which_sentence_and_why():
    auto = notes.pick_note("my brother read a book", 75, 1, 160, automatic=True)
    assert "159 of the 160" in auto and "75" in auto and "the first one it gets wrong" in auto
    none_wrong = notes.pick_note("the king slept", 1, 0, 160, automatic=True)
    assert "none wrong" in none_wrong and "first one it gets wrong" not in none_wrong
    chosen = notes.pick_note("the king slept", 3, 5, 160, automatic=False)
    assert "held-out sentence 3" in chosen and "gets wrong" not in chosen


def test_comparison_flips_with_the_mistakes():
    exact = notes.comparison(None, "", "", 0, 0, 0, 5)
    assert "writes every word" in exact and "no mistake to propagate" in exact
    forced_wrong = notes.comparison(None, "", "", 0, 0, 2, 5)
    assert "2 of 5 words wrong" in forced_wrong
    made = notes.comparison(2, "z", "četl", 1, 2, 1, 5)
    assert "word 3: “z” instead of “četl”" in made and "1 of the 2 word(s)" in made and "made them" in made
    isolated = notes.comparison(2, "z", "četl", 0, 2, 1, 5)
    assert "no later word goes wrong" in isolated and "made them" not in isolated


def test_beam_result_compares_the_scores_it_is_given():
    assert "greedy decoding" in notes.beam_result(1, "a b", -1.0, "a b", -1.0)
    assert "same translation" in notes.beam_result(3, "a b", -1.0, "a b", -1.0)
    better = notes.beam_result(3, "b", -1.0, "a c", -2.0)
    assert "above greedy's" in better and f"{math.e:.3g} times as probable" in better
    worse = notes.beam_result(3, "b", -2.0, "a c", -1.0)
    assert "below greedy's" in worse and "does not promise" in worse


def test_passes_colours_right_and_wrong_and_outlines_the_first_mistake():
    fig = df.passes(["a", "b", "<end>"], ["a", "c", "<end>"], ["a", "c", "d"], [0.9, 0.5, 0.8], [0.9, 0.5, 0.4], 1)
    spec = fig.to_dict()
    (heat,) = spec["data"]
    assert list(heat["y"]) == ["free running", "teacher forcing", "reference"]
    z = [list(r) for r in heat["z"]]
    assert z[1] == [df.RIGHT_Z, df.WRONG_Z, df.RIGHT_Z]  # teacher forcing
    assert z[0] == [df.RIGHT_Z, df.WRONG_Z, df.WRONG_Z]  # free running
    assert z[2] == [df.NONE_Z] * 3
    assert "p(written) = 0.400" in heat["hovertext"][0][2]
    (box,) = spec["layout"]["shapes"]  # on the free-running row (index 0), at step 2
    assert (box["x0"], box["x1"], box["y0"], box["y1"]) == (1.5, 2.5, -0.5, 0.5)
    assert spec["layout"]["xaxis"]["title"]["text"]
    assert df.passes(["a"], ["a"], ["a"], [1.0], [1.0], None).to_dict()["layout"]["shapes"] == []
    marked = df.passes(
        ["a", "b", "<end>"], ["x", "b", "<end>"], ["x", "c", "d"], [1.0] * 3, [1.0] * 3, 0, propagated=(1, 2)
    )
    shapes = marked.to_dict()["layout"]["shapes"]
    assert [s["line"].get("dash") for s in shapes] == [None, "dash", "dash"]
    assert "own mistake" in marked.to_dict()["data"][0]["hovertext"][0][1]


def test_beam_tree_draws_every_kept_prefix_and_the_returned_path():
    levels = [
        [("a", -0.1, -1, False), ("b", -0.5, -1, False)],
        [("<end>", -0.3, 0, True), ("c", -0.9, 1, False)],
        [("<end>", -0.3, 0, True), ("<end>", -1.0, 1, True)],
    ]
    prefixes = [[["a"], ["b"]], [["a", "<end>"], ["b", "c"]], [["a", "<end>"], ["b", "c", "<end>"]]]
    spec = df.beam_tree(levels, [(1, 0), (2, 0), (3, 0)], prefixes, width=2).to_dict()
    nodes = next(t for t in spec["data"] if t["name"] == "prefixes kept")
    assert len(nodes["x"]) == 6
    words = next(t for t in spec["data"] if t["name"] == "last word")
    assert words["text"][0] == "a" and words["text"][4] == "="  # a finished prefix carried on
    scores = next(t for t in spec["data"] if t["name"] == "log P so far")
    assert scores["text"][0] == "-0.10" and scores["text"][4] == ""
    assert list(nodes["marker"]["symbol"]).count("square") == 3
    assert "b c &lt;end&gt;" in nodes["hovertext"][5] or "b c <end>" in nodes["hovertext"][5]
    best = next(t for t in spec["data"] if t["name"] == "returned translation")
    assert [x for x in best["x"] if x is not None] == [0, 1, 1, 2, 2, 3]
    assert "width 2" in spec["layout"]["title"]["text"]
    assert spec["layout"]["xaxis"]["title"]["text"] == "words written"
