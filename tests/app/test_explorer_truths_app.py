"""AppTest: what the explorer says is what its numbers show (issue 27, items 7, 8, 9 and 13): the top entry of ŷ
in the equations, the backward pass opening on the last step with a loss, the embedding caption computed from the
spread its map keeps, and numbers mode drawing an example (not an empty page) while the text is words."""

import re

from tests.app.conftest import figure_specs
from tests.app.explorer_page import player
from visualizer.content import explorer_notes
from visualizer.labs.explorer import explore

PAGE = "views/explorer.py"
RANDOM = {"weights": "random"}


def _titles(at) -> list[str]:
    return [s["layout"].get("title", {}).get("text", "") for s in figure_specs(at)]


def test_the_trained_equations_show_the_most_likely_entry_of_y_hat(run_page):
    at = run_page(PAGE, {})  # the default: trained on the story, a peaked ŷ_1
    assert not at.exception
    d = player(at)
    y = "".join(d["steps"][0]["eq"]["y"])
    p = re.search(r"<mi>p</mi><mo>=</mo><mn>([0-9.]+)</mn>", y)
    assert p is not None and "most likely next" in y
    entries = re.findall(r"<mtd><mn>([0-9.]+)</mn></mtd>", y)
    assert p.group(1) in entries and set(entries) != {"0"}  # the top entry is in the vector, not read as zeros
    assert "not shown (" in y and "sum to" in y


def test_the_backward_pass_opens_on_the_last_step_with_a_loss(run_page):
    d = player(run_page(PAGE, {**RANDOM, "step": "2"}))
    assert d["backward_start"] == 4
    s4, s3 = d["steps"][3], d["steps"][2]
    assert s4["back_head"] == "Step 4 of 5, backward:" and "step 6" not in s4["back_rest"]
    assert "nothing flows back from step 5: it has no loss" in s4["back_rest"]
    assert "joins what flows back from step 4" in s3["back_rest"]


def test_the_empty_last_step_says_so_and_names_no_later_step(run_page):
    d = player(run_page(PAGE, {**RANDOM, "phase": "backward", "step": "5"}))  # reachable by link
    s5 = d["steps"][4]
    assert "step 5 predicts nothing" in s5["back_rest"] and "The error starts at step 4" in s5["back_rest"]
    assert "step 6" not in s5["back_rest"] and "step 6" not in "".join(s5["eq"]["back"])
    assert d["step"] == 5 and d["phase"] == "backward"


def test_numbers_mode_with_words_draws_an_example_and_says_how_to_type_numbers(run_page):
    at = run_page(PAGE, {"mode": "numbers"})  # the default text is words
    assert not at.exception and not at.error
    (warning,) = [w.value for w in at.warning]
    assert "'the'" in warning and "not a number" in warning and explore.NUMBERS_EXAMPLE in warning
    d = player(at)
    assert d["steps"][0]["head"] == "Step 1 of 8:"


def test_the_chain_says_the_predicted_value(run_page):
    at = run_page(PAGE, {**RANDOM, "mode": "numbers", "text": "1, 3, 2, 5, 4", "repr": "embedding", "step": "3"})
    assert not at.exception
    d = player(at)
    guess = d["steps"][2]["top"][0][0]
    assert float(guess) == float(guess) and d["steps"][2]["next"] == "5"


def test_the_embedding_caption_states_the_spread_its_map_keeps(run_page):
    at = run_page(PAGE, {})
    at.toggle(key="explorer_embedding_show").set_value(True).run()
    assert not at.exception
    (title,) = [t for t in _titles(at) if t.startswith("Each token's vector")]
    kept = re.search(r"(\d+) %", title).group(1)
    (caption,) = [c.value for c in at.caption if "of the spread" in c.value]
    assert f"{kept} %" in caption and "end up close together" not in caption
    assert ("rough shadow" in caption) == (int(kept) < 100 * explorer_notes.MAP_FAITHFUL)
    assert "than chance" in caption
