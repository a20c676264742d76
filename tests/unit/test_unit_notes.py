"""The units page's sentences flip with their numbers, and its figures hold what they say."""

from __future__ import annotations

import json

import numpy as np

from visualizer.content import unit_notes
from visualizer.labs.memory_proof.memory import ContrastResult
from visualizer.labs.units import annotate
from visualizer.labs.units.attribution import Reach
from visualizer.labs.units.clamp import ContrastEffect
from visualizer.labs.units.finder import Ranking
from visualizer.plots import unit_figures

PROP = annotate.PROPERTIES["country"]


def ranking(scores, untrained, shuffled) -> Ranking:
    return Ranking(PROP, "c", np.array(scores), np.array(untrained), np.array(shuffled), n=100)


def test_finder_verdict_flips_with_the_baselines():
    beats = unit_notes.finder_verdict(ranking([0.2, 0.8], [0.5, 0.1], [0.1, 0.1]), 1)
    assert "better than any unit of the untrained network (best 0.50)" in beats and "rank 1 of 2" in beats
    assert "Unit 1 of c_t scores η = 0.80" in beats
    below = unit_notes.finder_verdict(ranking([0.2, 0.4], [0.5, 0.1], [0.1, 0.1]), 1)
    assert "no better than the best unit of the untrained network (0.50)" in below and "Training made" not in below
    chance = unit_notes.finder_verdict(ranking([0.2, 0.4], [0.3, 0.1], [0.45, 0.1]), 1)
    assert "within what chance gives" in chance and "Training made" not in chance


def test_a_lead_over_the_baselines_smaller_than_the_margin_is_only_a_weak_sign():
    """rnn-words' country unit: η 0.153 against 0.128 untrained and 0.142 shuffled is no proof that training taught it."""
    m = unit_notes.CLEAR_MARGIN
    weak = unit_notes.finder_verdict(ranking([0.0, 0.142 + m - 0.001], [0.128, 0.0], [0.142, 0.0]), 1)
    assert "only slightly above" in weak and "weak sign" in weak and "Training made" not in weak
    clear = unit_notes.finder_verdict(ranking([0.0, 0.142 + m + 0.001], [0.128, 0.0], [0.142, 0.0]), 1)
    assert "Training made it track this" in clear and "weak sign" not in clear


def effect(before: float, after: float, n: int = 10) -> ContrastEffect:
    """n pairs whose margins are +1 (right) before; `after` of them stay right."""

    def result(share: float) -> ContrastResult:
        s = np.zeros((n, 2, 2))
        right = int(round(share * n))
        s[:right, 0, 0], s[:right, 1, 1] = 1.0, 1.0  # own answer higher on `right` pairs
        s[right:, 0, 1], s[right:, 1, 0] = 1.0, 1.0
        return ContrastResult(s)

    return ContrastEffect(result(before), result(after))


def test_clamp_verdict_states_before_after_n_and_compares_with_random_units():
    text = unit_notes.clamp_verdict(effect(1.0, 0.5), effect(1.0, 0.9), (3,), "h", "zero")
    assert "from 100% to 50% (-50.0 points) over 20 prompts" in text and "unit 3 of h_t at 0" in text
    assert "these units matter more than a random few" in text and "10 prompts answered right" in text
    same = unit_notes.clamp_verdict(effect(1.0, 0.9), effect(1.0, 0.5), (3, 4), "c", "mean")
    assert "not evidence that these units matter more" in same and "units 3, 4 of c_t at their means" in same
    none = unit_notes.clamp_verdict(effect(0.8, 0.8), None, (1,), "h", "mean")
    assert "leaves contrast prompts answered right at 80%" in none and "random" not in none


def reach(cell: str, half: float | None, W: int = 10) -> Reach:
    d = np.arange(W, dtype=float)
    curve = np.ones(W) if half is None else 0.5 ** (d / half)
    return Reach(cell, curve, 8)


def test_reach_verdict_names_the_cell_that_looks_furthest_back():
    gated = unit_notes.reach_verdict({"rnn": reach("rnn", 1.0), "lstm": reach("lstm", 4.0), "gru": reach("gru", 2.0)})
    assert "vanilla RNN 1.0 steps, LSTM 4.0 steps, GRU 2.0 steps" in gated
    assert "The LSTM looks furthest back" in gated and "does not forget faster" not in gated
    vanilla = unit_notes.reach_verdict({"rnn": reach("rnn", None), "lstm": reach("lstm", 4.0)})
    assert "vanilla RNN more than 9 steps" in vanilla and "does not forget faster than the gated cells" in vanilla
    tie = unit_notes.reach_verdict({"rnn": reach("rnn", 2.0), "lstm": reach("lstm", 2.0)})
    assert "No cell looks further back" in tie


# ---------------------------------------------------------------------------- figures


def test_text_figure_colours_each_token_and_never_passes_markup():
    tokens = ["<b>", "x", "&", "y", "z"]
    fig = unit_figures.text_figure(
        tokens, np.array([0.5, -0.2, 0.0, 1.0, -1.0]), np.array([1, 0, np.nan, 1, 0]), per_row=3,
        title="t", prop_label="p", value_name="h[0]",
    )  # fmt: skip
    trace = fig.to_dict()["data"][0]
    assert np.array(trace["z"], dtype=float).shape == (2, 3)
    assert trace["text"][0][0] == "&lt;b&gt;" and trace["text"][0][2] == "&amp;"
    assert "undefined" in trace["customdata"][0][2] and "h[0] = +0.500" in trace["customdata"][0][0]
    assert trace["zmin"] == -1.0 and trace["zmax"] == 1.0


def test_attribution_figure_has_both_methods_for_every_cell_up_to_the_output():
    T = 6
    rows = {c: (np.arange(T, dtype=float), -np.arange(T, dtype=float), "x", 0.5) for c in ("rnn", "lstm", "gru")}
    spec = json.loads(json.dumps(unit_figures.attribution_figure(list("abcdef"), rows, 3).to_dict()))
    g, o = spec["data"]
    assert np.array(g["z"]).shape == (3, 4) and np.array(o["z"]).shape == (3, 4)
    assert g["colorbar"]["title"]["text"] == "gradient × input" and o["colorbar"]["title"]["text"] == "occlusion"
    assert spec["layout"]["yaxis"]["title"]["text"] == "gradient × input"
    assert "3 steps back" in g["customdata"][0][0]


def test_reach_and_ranking_figures_carry_axis_titles_and_markers():
    fig = unit_figures.reach_figure({"rnn": (0.5 ** np.arange(5.0), 1.0), "lstm": (np.ones(5), None)}, "words")
    spec = fig.to_dict()
    assert spec["layout"]["xaxis"]["title"]["text"] == "distance back (words)"
    assert [t["name"] for t in spec["data"]] == ["vanilla RNN", "vanilla RNN half-life 1.0", "LSTM"]
    rank = unit_figures.ranking_figure(np.array([0.1, 0.9, 0.3]), 0.4, 0.05, 2, "η").to_dict()
    assert rank["data"][0]["x"] == ["u1", "u2", "u0"] and rank["data"][0]["marker"]["color"][1] == "#f58518"
    assert rank["layout"]["yaxis"]["title"]["text"] == "η"


def test_text_figure_hover_names_a_property_class():
    fig = unit_figures.text_figure(
        ["a", "b"], np.array([0.1, 0.2]), np.array([2.0, np.nan]), per_row=2, title="t",
        prop_label="the country named earlier", value_name="c_t[3]", classes=annotate.COUNTRIES,
    )  # fmt: skip
    hover = fig.to_dict()["data"][0]["customdata"][0]
    assert "the country named earlier: France" in hover[0] and "undefined" in hover[1]


def test_random_units_label_agrees_in_number():
    assert unit_notes.random_metric_label(1) == "… with 1 random unit off instead"
    assert unit_notes.random_metric_label(3) == "… with 3 random units off instead"


def gender_effect(after: float, translation_after: str, untrained_best: float = 0.2):
    from visualizer.labs.units.translation import GenderEffect

    return GenderEffect(
        units=(5, 2), scores=(0.9, 0.7), before=1.0, after=after, control_units=(1, 3), control=0.99, n=147,
        untrained_best=untrained_best, sentence="the girl went home",
        translation_before="dívka šla domů", translation_after=translation_after,
    )  # fmt: skip


def test_gender_verdict_names_the_flip_only_when_the_translation_changed():
    flipped = unit_notes.gender_verdict(gender_effect(0.9, "dívka šel domů"))
    assert "from 100% to 90% (147 test sentences); as many random units: 99%" in flipped
    assert "becomes “dívka šel domů” (was “dívka šla domů”): šla → šel, the gender changed." in flipped
    assert "all above the untrained encoder's best, 0.20" in flipped and "units 5, 2" in flipped
    same = unit_notes.gender_verdict(gender_effect(1.0, "dívka šla domů", untrained_best=0.8))
    assert "leaves the translations whose gendered words match the reference at 100%" in same
    assert "still becomes “dívka šla domů”" in same and "not all above" in same
