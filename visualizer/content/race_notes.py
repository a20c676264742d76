"""The race of the long-lags lab in one sentence, judged from its own numbers (labs.long_lags.longlag.Race)."""

from __future__ import annotations

from visualizer.labs.long_lags.longlag import Race
from visualizer.nn import cells

NEAR_CHANCE = 0.06  # a best test accuracy this close to chance counts as "stayed near chance" (noise of 512 tests)


def summary(race: Race) -> str:
    """One sentence: at this lag, which cells stayed at the baseline and which learned."""
    cfg, higher = race.config, race.spec.higher_is_better
    parts = []
    for name, run in race.runs.items():
        label = cells.CELLS[name].label
        best = run.best(higher)
        if run.diverged:
            parts.append(f"the {label} diverged")
        elif higher:
            if best - race.baseline < NEAR_CHANCE:
                parts.append(f"the {label} stayed near chance (best {best:.0%}, chance {race.baseline:.0%})")
            else:
                parts.append(f"the {label} reached {best:.0%}")
        elif best > 0.8 * race.baseline:
            parts.append(f"the {label} stayed near the mean predictor's MSE ({best:.3f})")
        else:
            parts.append(f"the {label} reached MSE {best:.3f}")
    joined = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"At L = {cfg.lag}, after {race.step_count} steps, {joined}."
