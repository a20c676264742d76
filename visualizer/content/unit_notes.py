"""Every sentence the "What a unit remembers" page says about its numbers, built from those numbers.

The finder's verdict (does a unit track a property better than the baselines?), the effect of switching units
off (contrast prompts before -> after, against as many random units), and how far back each cell looks (the
half-lives, compared). tests/unit/test_unit_notes.py builds the cases where each sentence flips.
"""

from __future__ import annotations

from visualizer.labs.units.attribution import Reach
from visualizer.labs.units.clamp import ContrastEffect
from visualizer.labs.units.finder import Ranking
from visualizer.labs.units.translation import GenderEffect, gender_changes
from visualizer.nn import cells

SCORE_HELP = (
    "Score of a unit: |r|, the absolute Pearson correlation between the unit's state and the property, over every "
    "token of the held-out story where the property is defined; for the country (six values) η, the correlation "
    "ratio (the share of the unit's variance explained by which country was named, square-rooted). For a property "
    "with two values η = |r|. 0: no linear relation; 1: the unit is a function of the property."
)
BASELINE_HELP = (
    "Untrained: the best score of any unit of a network with the same cell, shape and seed, never trained — "
    "what random weights already give. Shuffled: the best score of the trained units after the property's values "
    "are shuffled among the tokens — what chance gives with this many units."
)
STATE_NAMES = {"h": "h_t", "c": "c_t"}
NO_CELL_STATE = "Only the LSTM has a cell state c_t; the vanilla RNN and the GRU keep everything in h_t."
CITATIONS = (
    "Units on the text after Karpathy, Johnson & Fei-Fei (2015), *Visualizing and Understanding Recurrent "
    "Networks*, and Strobelt et al. (2018), *LSTMVis*. Switching units off after Lakretz et al. (2019), *The "
    "emergence of number and syntax units in LSTM language models*. Gradient × input after Shrikumar et al. (2016); "
    "occlusion after Zeiler & Fergus (2014); why the two differ: Ancona et al. (2018). How far back a cell looks "
    "after Madsen (2019), *Visualizing memorization in RNNs* (Distill)."
)


def unit_name(unit: int, state: str) -> str:
    return f"unit {unit} of {STATE_NAMES[state]}"


# How far above both baselines a score must be before the page says training made the unit track the property:
# the baselines are one untrained network and one shuffle, so a smaller lead could be the luck of that draw.
CLEAR_MARGIN = 0.05


def finder_verdict(ranking: Ranking, unit: int) -> str:
    """Whether `unit` tracks the property better than every untrained unit and every unit on shuffled labels."""
    s = float(ranking.scores[unit])
    name, prop = unit_name(unit, ranking.state), ranking.prop.label
    rank = int(list(ranking.order).index(unit)) + 1
    head = (
        f"{name.capitalize()} scores {ranking.score_name} = {s:.2f} for *{prop}* (rank {rank} of {ranking.scores.size})"
    )
    untrained, shuffled = ranking.untrained_best, ranking.shuffled_best
    if ranking.beats_baselines(unit) and s - max(untrained, shuffled) < CLEAR_MARGIN:
        return (
            f"{head}: only slightly above the best unit of the untrained network ({untrained:.2f}) and on shuffled "
            f"labels ({shuffled:.2f}), by less than {CLEAR_MARGIN:.2f}: a weak sign that training taught it "
            "(one untrained network and one shuffle are the baselines)."
        )
    if ranking.beats_baselines(unit):
        return (
            f"{head}: better than any unit of the untrained network (best {untrained:.2f}) and than any unit on "
            f"shuffled labels (best {shuffled:.2f}). Training made it track this."
        )
    if s <= untrained:
        return (
            f"{head}: no better than the best unit of the untrained network ({untrained:.2f}). Random weights "
            "already give a unit this close to the property, so this is not evidence that training taught it."
        )
    return (
        f"{head}: above the untrained network's best ({untrained:.2f}) but not above the best unit on shuffled "
        f"labels ({shuffled:.2f}): within what chance gives."
    )


def units_phrase(units: tuple[int, ...], state: str) -> str:
    if len(units) == 1:
        return unit_name(units[0], state)
    return f"units {', '.join(str(u) for u in units)} of {STATE_NAMES[state]}"


def clamp_verdict(
    effect: ContrastEffect, control: ContrastEffect | None, units: tuple[int, ...], state: str, to: str
) -> str:
    """Contrast accuracy before -> after holding `units`, compared with holding as many random units."""
    held = "at 0" if to == "zero" else "at its mean" if len(units) == 1 else "at their means"
    before, after = effect.before.accuracy, effect.after.accuracy
    change = (after - before) * 100
    who = f"Holding {units_phrase(units, state)} {held}"
    if abs(change) < 0.05:
        text = f"{who} leaves contrast prompts answered right at {before:.0%} "
    else:
        text = f"{who} moves contrast prompts answered right from {before:.0%} to {after:.0%} ({change:+.1f} points) "
    text += (
        f"over {effect.n_prompts} prompts; the margin log P(right answer) − log P(the other prompt's answer) "
        f"changes by {effect.margin_change:+.2f} nats on average, and {effect.flipped} prompts answered right "
        "before are not any more."
    )
    if control is not None:
        c_change = (control.after.accuracy - control.before.accuracy) * 100
        if change < c_change:
            text += (
                f" As many units picked at random cost less ({c_change:+.1f} points): these units matter more than "
                "a random few."
            )
        else:
            text += (
                f" As many units picked at random cost as much or more ({c_change:+.1f} points): this is not "
                "evidence that these units matter more than others."
            )
    return text


def _half(r: Reach, window: int) -> str:
    h = r.half_life
    return f"more than {window - 1} steps" if h is None else f"{h:.1f} steps"


def reach_verdict(reaches: dict[str, Reach]) -> str:
    """Each cell's half-life, and which cell's attribution falls slowest (ties and 'never' handled)."""
    window = min(r.curve.size for r in reaches.values())
    parts = [f"{cells.CELLS[name].label} {_half(r, window)}" for name, r in reaches.items()]
    key = {name: (float("inf") if r.half_life is None else r.half_life) for name, r in reaches.items()}
    order = sorted(key, key=lambda n: -key[n])
    first, second = order[0], order[1] if len(order) > 1 else None
    text = "Half-life of the attribution (where it falls to half its value at distance 0): " + ", ".join(parts) + "."
    if second is None:
        return text
    if key[first] == key[second]:
        return text + " No cell looks further back than every other on this text."
    text += f" The {cells.CELLS[first].label} looks furthest back on this text."
    if first == "rnn":
        text += " By this measure the vanilla RNN does not forget faster than the gated cells on this text."
    return text


# ---------------------------------------------------------------------------- captions and labels of the page

TRANSLATION_HEADING = (
    "**In the translation network.** The encoder–decoder with attention of the *Sequence types* page translates "
    "English into Czech, where the verb agrees with the subject's gender (šel / šla, který / která). Which encoder "
    "units carry the gender, and what does the translation do without them?"
)
INTRO = (
    "A trained network remembers, but **what** does it keep, and **where**? Colour the story by one hidden unit, "
    "find the units that track a property of the text, switch them off, and see which earlier words each "
    "prediction leaned on."
)
ATTRIBUTION_HELP = (
    "**Gradient × input**: the exact back-propagated derivative of the predicted token's logit (its score before "
    "the softmax) with respect to each one-hot input, times that input: a first-order estimate. **Occlusion**: the "
    "actual drop of that logit when the input is replaced by a neutral token (<unk> for words, a space for "
    "characters). The two need not agree. The logit, not log p: a confident prediction (p near 1) would make log p "
    "flat, as if nothing had counted."
)


def too_many_units(hidden: int) -> str:
    return f"This model has {hidden} units (0–{hidden - 1}); showing the finder's best instead."


def too_long(n: int, limit: int) -> str:
    return f"The sentence has {n} tokens; this view explains at most {limit}. Shorten it."


def scored_over(n: int, prop_label: str) -> str:
    return f"Scored over the {n:,} tokens of the held-out story where *{prop_label}* is defined. " + BASELINE_HELP


def random_metric_label(k: int) -> str:
    return f"… with {k} random unit{'s' if k != 1 else ''} off instead"


def reach_caption(windows: int, window: int, unit: str) -> str:
    return (
        f"Averaged over {windows} windows of {window} {unit} of the held-out story (window starts drawn with seed 0); "
        "each window's last output is explained for the logit of the true next token."
    )


def text_title(unit: int, state: str, source: str) -> str:
    return f"{unit_name(unit, state).capitalize()} after each token of {source} (red +, blue −)"


def gender_verdict(e: GenderEffect) -> str:
    """The encoder–decoder's gender units switched off: agreement before -> after, the control, the article's
    sentence."""
    units = ", ".join(str(u) for u in e.units)
    lo, hi = min(e.scores), max(e.scores)
    above = "all above" if lo > e.untrained_best else "not all above"
    text = (
        f"Switching off encoder unit{'s' if len(e.units) > 1 else ''} {units} (|r| with the subject's gender "
        f"{hi:.2f}" + (f" to {lo:.2f}" if len(e.units) > 1 else "") + f", {above} the untrained encoder's best, "
        f"{e.untrained_best:.2f}) "
    )
    if abs(e.after - e.before) < 1e-12:
        text += f"leaves the translations whose gendered words match the reference at {e.before:.0%}"
    else:
        text += f"moves the translations whose gendered words match the reference from {e.before:.0%} to {e.after:.0%}"
    text += f" ({e.n} test sentences); as many random units: {e.control:.0%}. "
    changes = gender_changes(e.translation_before, e.translation_after)
    if e.translation_after == e.translation_before:
        text += f"The article's sentence “{e.sentence}” still becomes “{e.translation_before}”."
    else:
        text += f"The article's sentence “{e.sentence}” becomes “{e.translation_after}” (was “{e.translation_before}”)"
        if changes:
            text += ": " + ", ".join(f"{a} → {b}" for a, b in changes) + ", the gender changed"
        text += "."
    return text
