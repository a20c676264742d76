"""AppTest: what the explorer says is what its numbers show (issue 27, items 7, 8, 9 and 13): the top entry of ŷ
in the equations, the backward pass opening on the last step with a loss, the embedding caption computed from the
spread its map keeps, and numbers mode drawing an example (not an empty page) while the text is words."""

import re

from tests.app.conftest import figure_specs, latex_blocks
from visualizer.content import explorer_notes
from visualizer.labs.explorer import explore

PAGE = "views/explorer.py"
RANDOM = {"weights": "random"}


def _step_text(at) -> str:
    (md,) = [m.value for m in at.markdown if m.value.startswith("**Step ")]
    return md


def _button(at, label):
    (b,) = [b for b in at.button if b.label == label]
    return b


def _titles(at) -> list[str]:
    return [s["layout"].get("title", {}).get("text", "") for s in figure_specs(at)]


def _phase(at, value: str):
    (seg,) = [w for w in at.get("button_group") if w.proto.label == "Pass"]
    return seg.set_value(value).run()


def test_the_trained_equations_show_the_most_likely_entry_of_y_hat(run_page):
    at = run_page(PAGE, {})  # the default: trained on the story, a peaked ŷ_1
    assert not at.exception
    tex = " ".join(latex_blocks(at))
    (line,) = [b for b in tex.split("\\\\[10pt]") if "most likely next" in b]
    p = re.search(r"\(p = ([0-9.]+)\)", line).group(1)
    probs = line.split("\\quad")[0].split("\\right] = ")[-1]  # the softmax's output, as typeset
    entries = [e.strip() for e in re.split(r"\\\\|\{c\}|\\end", probs) if re.match(r"\s*[0-9]", e)]
    assert p in entries and set(entries) != {"0"}  # the top entry is in the vector, which cannot read as zeros
    assert "not shown (}\\vdots\\text{) sum to" in tex


def test_the_backward_pass_opens_on_the_last_step_with_a_loss(run_page):
    at = run_page(PAGE, {**RANDOM, "step": "2"})
    _phase(at, "backward")
    assert not at.exception
    said = _step_text(at)
    assert said.startswith("**Step 4 of 5, backward:**") and "step 6" not in said
    assert "nothing flows back from step 5: it has no loss" in said
    assert _button(at, "|◀ First").disabled and _button(at, "◀ Back").disabled  # step 4 is where it opens
    _button(at, "Next ▶").click().run()
    assert _step_text(at).startswith(
        "**Step 3 of 5, backward:**"
    ) and "joins what flows back from step 4" in _step_text(at)
    _button(at, "|◀ First").click().run()
    assert _step_text(at).startswith("**Step 4 of 5, backward:**")


def test_the_empty_last_step_says_so_and_names_no_later_step(run_page):
    at = run_page(PAGE, {**RANDOM, "phase": "backward", "step": "5"})  # reachable by link and slider
    assert not at.exception
    said = _step_text(at)
    assert "step 5 predicts nothing" in said and "The error starts at step 4" in said
    assert "step 6" not in said and "step 6" not in " ".join(latex_blocks(at))
    assert _button(at, "◀ Back").disabled
    _button(at, "Next ▶").click().run()
    assert _step_text(at).startswith("**Step 4 of 5, backward:**")


def test_numbers_mode_with_words_draws_an_example_and_says_how_to_type_numbers(run_page):
    at = run_page(PAGE, {"mode": "numbers"})  # the default text is words
    assert not at.exception and not at.error
    (warning,) = [w.value for w in at.warning]
    assert "'the'" in warning and "not a number" in warning and explore.NUMBERS_EXAMPLE in warning
    assert any(t.startswith("The unrolled chain") for t in _titles(at))
    assert _step_text(at).startswith("**Step 1 of 8:**")


def test_the_series_title_says_the_predicted_value(run_page):
    at = run_page(PAGE, {**RANDOM, "mode": "numbers", "text": "1, 3, 2, 5, 4", "repr": "embedding", "step": "3"})
    assert not at.exception
    (title,) = [t for t in _titles(at) if t.startswith("ŷ_3")]
    chain = [s for s in figure_specs(at) if s["layout"]["title"]["text"].startswith("The unrolled chain")][0]
    (yhat,) = [tr for tr in chain["data"] if tr.get("name", "").startswith("ŷ_t")]
    guess = yhat["text"][2].removeprefix("→ ")  # the chain's label at step 3
    assert title == f"ŷ_3 = {guess}: the guess for value 4 of the series"


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
