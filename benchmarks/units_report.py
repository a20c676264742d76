"""Print the numbers of docs/UNITS.md: for every shipped story model, the best unit per property (score and the
untrained network's best), contrast prompts before -> after switching the top units off, and the half-lives.

    .venv/bin/python -m benchmarks.units_report
"""

from __future__ import annotations

from visualizer.data import pretrained
from visualizer.labs.sequences import seqtasks
from visualizer.labs.units import activity, annotate, attribution, clamp, contrast, finder, translation

REACH_WINDOW = {"words": 30, "chars": 100}
TABLE_NAMES = {"|r|": "abs. r", "η": "η"}  # a bar would split a Markdown table cell


def main() -> None:
    text = pretrained.heldout_text()
    print("## Best unit per property (held-out story)\n")
    print("| model | state | property | best unit | score | untrained best | shuffled best | beats both |")
    print("|---|---|---|---|---|---|---|---|")
    rows = []
    for name in pretrained.available():
        m = activity.float64(pretrained.load_shipped(name))
        a, u = activity.read(m, text), activity.read(activity.untrained(m), text)
        for state in ("h", "c") if m.cell == "lstm" else ("h",):
            for key, prop in annotate.PROPERTIES.items():
                r = finder.rank(a.states(state), u.states(state), a.props[key], prop, state)
                print(
                    f"| {name} | {state} | {prop.label} | {r.best} | {TABLE_NAMES[r.score_name]} {r.scores[r.best]:.3f} | "
                    f"{r.untrained_best:.3f} | {r.shuffled_best:.3f} | {'yes' if r.beats_baselines(r.best) else 'no'} |"
                )
        state = "c" if m.cell == "lstm" else "h"
        for prop, which in (("country", "language"), ("plural", "agreement")):
            if which == "agreement" and m.level == "chars":
                continue  # the character models are at chance on is/are: nothing to switch off
            r = finder.rank(a.states(state), u.states(state), a.props[prop], annotate.PROPERTIES[prop], state)
            for k in (1, 3):
                top = r.top(k)
                e = clamp.contrast_effect(m, contrast.pairs(which), clamp.clamp_for(a, top, "zero", state))
                ctrl_units = clamp.random_units(m.hidden_size, k, exclude=top, seed=0)
                c = clamp.contrast_effect(m, contrast.pairs(which), clamp.clamp_for(a, ctrl_units, "zero", state))
                rows.append((name, state, which, top, e, ctrl_units, c))
    print(
        "\n## Switching the top units off (held at 0): country units on the language prompts, plural units on is/are\n"
    )
    print(
        "| model | state | prompts | units off | right before | after | change | margin change (nats) | random units | after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, state, which, top, e, ctrl_units, c in rows:
        print(
            f"| {name} | {state} | {which} | {', '.join(map(str, top))} | {e.before.accuracy:.1%} | {e.after.accuracy:.1%} | "
            f"{e.accuracy_change * 100:+.1f} pts (n = {e.n_prompts}) | {e.margin_change:+.2f} | "
            f"{', '.join(map(str, ctrl_units))} | {c.after.accuracy:.1%} |"
        )
    print("\n## How far back each cell looks (mean |gradient x input|, 256 windows, seed 0)\n")
    print("| model | window | half-life |")
    print("|---|---|---|")
    for name in pretrained.available():
        m = activity.float64(pretrained.load_shipped(name))
        ids, _ = pretrained.read_prompt(m, text)
        w = REACH_WINDOW[m.level]
        h = attribution.reach(m, ids, window=w, windows=256).half_life
        print(f"| {name} | {w} {m.level} | {'> ' + str(w - 1) if h is None else f'{h:.1f}'} {m.level} |")
    print("\n## The encoder–decoder with attention: encoder units that track the subject's gender, switched off\n")
    print(
        "| k | units (abs. r) | untrained best | agreement before | after | random units | after | the article's sentence |"
    )
    print("|---|---|---|---|---|---|---|---|")
    model = seqtasks.load_shipped("encoder_decoder", attend=True).model
    test = seqtasks.load_dataset("encoder_decoder").test
    for k in (1, 3, 5, 8):
        e = translation.gender_effect(model, test, k)
        units = ", ".join(f"{u} ({s:.2f})" for u, s in zip(e.units, e.scores))
        print(
            f"| {k} | {units} | {e.untrained_best:.2f} | {e.before:.1%} | {e.after:.1%} (n = {e.n}) | "
            f"{', '.join(map(str, e.control_units))} | {e.control:.1%} | {e.translation_after} |"
        )


if __name__ == "__main__":
    main()
