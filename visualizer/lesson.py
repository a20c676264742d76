"""The guided lesson: a narrated path through the pages, in the order a course teaches RNNs.

Each stop is data: the page it opens (from visualizer/pages.py), the settings (fields of Settings) that put
the page in a preset state, 2–4 sentences of narration, one thing to notice and a question. A question's
right answer is computed from the same library the page draws with (a forward pass, a weight count,
the Pascanu et al. bound), from the learner's current settings, so the check follows what is on screen.
Stops are frozen dataclasses so the lead can retune one stop's settings without touching the views.
Pure: no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from visualizer import ASSETS
from visualizer.content import seqtype_gallery
from visualizer.data import pretrained
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.explorer import explore as unroll
from visualizer.labs.gradients import inputs as gi
from visualizer.labs.gradients import measure as gradients
from visualizer.labs.gradients import whh
from visualizer.labs.long_lags import longlag
from visualizer.labs.sequences import seqtasks, seqtypes
from visualizer.labs.units import activity, annotate, clamp, contrast, finder
from visualizer.nn import cells, rnn
from visualizer.pages import Page
from visualizer.plots import diagrams
from visualizer.settings import Settings

# Settings a lesson stop never overrides: how the room sees the app, not what it shows.
CLASSROOM = ("present", "hide", "figure_format", "lesson_path")


# ---------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class Question:
    """A check-your-understanding question whose right answer is computed from the settings.

    kind: "choice" (one of `options`), "steps" (a set of 1-based time steps of the sequence)
    or "number" (accepted within `rel_tol`, relative, or `abs_tol`).
    """

    prompt: str  # may name settings as {name}: it is formatted with the current settings
    kind: str
    solve: Callable[[Settings], Any]
    why: str  # shown once the answer is checked: the reason, not just the verdict
    options: tuple[str, ...] = ()
    options_from: Callable[[Settings], tuple[str, ...]] | None = None  # options that depend on the settings
    rel_tol: float = 0.05
    abs_tol: float = 1e-9
    # Feedback on a wrong answer, aimed at the likely misconception: by wrong option (choice questions),
    # else `hint` for any wrong answer.
    hints: dict[str, str] = field(default_factory=dict, hash=False)
    hint: str = ""
    why_from: Callable[[Settings], str] | None = None  # a reason computed from the numbers, instead of `why`

    def text(self, settings: Settings) -> str:
        return self.prompt.format(**settings.as_dict())

    def choices(self, settings: Settings) -> tuple[str, ...]:
        """The options offered: the fixed ones, or the steps 1..T of the current sequence."""
        if self.kind == "steps":
            return tuple(str(t) for t in range(1, len(_run(settings).enc.tokens) + 1))
        return self.options_from(settings) if self.options_from is not None else self.options

    def answer(self, settings: Settings) -> Any:
        return self.solve(settings)

    def reason(self, settings: Settings) -> str:
        """Why the answer is right: computed from the numbers when the question can, else the fixed sentence."""
        return self.why_from(settings) if self.why_from is not None else self.why

    def feedback(self, given: Any) -> str:
        """What to say to a wrong answer: the hint for that option, the general hint, or where to look."""
        if isinstance(given, str) and given in self.hints:
            return self.hints[given]
        return self.hint or "Look at the figure again and retry."

    def check(self, settings: Settings, given: Any) -> bool:
        """True when `given` (a str, a collection of steps, or a number) is the right answer.

        A choice question's answer may be a frozenset: every option in it is right (the figure cannot tell
        them apart)."""
        right = self.solve(settings)
        if self.kind == "choice":
            return given in right if isinstance(right, frozenset) else given == right
        if self.kind == "steps":
            try:
                return {int(g) for g in given} == set(right)
            except (TypeError, ValueError):
                return False
        if self.kind == "number":
            try:
                value = float(given)
            except (TypeError, ValueError):
                return False
            return bool(np.isclose(value, float(right), rtol=self.rel_tol, atol=self.abs_tol))
        raise ValueError(f"unknown question kind {self.kind!r}")


@dataclass(frozen=True)
class Stop:
    """One stop of the lesson: a page in a preset state, narrated, with a question."""

    title: str
    page: Page  # an entry of the page table (visualizer/pages.py)
    settings: dict[str, Any] = field(hash=False)  # non-default settings (names of visualizer.settings.Settings)
    text: str  # 2–4 sentences beside the figure
    notice: str  # the one thing to look at
    question: Question
    # Panels of the page that the narration names and that the stop opens in view (e.g. "fold").
    opens: tuple[str, ...] = ()


def show_answer(answer: Any) -> str:
    """A computed answer as words: alternatives joined by "or", steps listed, numbers to three digits."""
    if isinstance(answer, frozenset):
        return " or ".join(sorted(answer))
    if isinstance(answer, tuple):
        return "steps " + ", ".join(str(a) for a in answer) if answer else "none"
    if isinstance(answer, float):
        return f"{answer:.3g}"
    return str(answer)


# ---------------------------------------------------------------------------- checkers (from the library)


def _run(s: Settings) -> unroll.Unroll:
    """The untrained RNN the explorer and Home draw for these settings."""
    return unroll.untrained(
        s.text,
        s.mode,
        s.representation,
        emb=s.embed_size,
        hidden=s.hidden,
        seed=s.seed,
        act=s.activation,
        scale=s.scale,
    )


def h0_memory(s: Settings) -> str:
    """What h_0 is, read off an actual forward pass."""
    return "all zeros" if np.allclose(_run(s).trace.hs[0], 0.0) else "what the last sentence left behind"


def extra_weights_for_one_more_token(s: Settings) -> int:
    """How many more weights the RNN needs to read a sequence one token longer (seqtypes.parameter_counts)."""
    enc = _run(s).enc
    T, D, V = len(enc.tokens), enc.X.shape[1], len(enc.vocab)
    return seqtypes.parameter_counts(T + 1, D, s.hidden, V)["rnn"] - seqtypes.parameter_counts(T, D, s.hidden, V)["rnn"]


def loop_move(s: Settings) -> str:
    """The move of the fold that adds the recurrent connection W_hh."""
    (name,) = [name for name, text in diagrams.MOVES if "W_hh" in text and "loop" in name]
    return name


def input_length(s: Settings) -> int:
    """The length D of each x_t the network reads."""
    return int(_run(s).enc.X.shape[1])


def steps_changed_by(position: int) -> Callable[[Settings], tuple[int, ...]]:
    """The 1-based steps whose h_t changes when the token at `position` is replaced, by a second forward pass."""

    def solve(s: Settings) -> tuple[int, ...]:
        run = _run(s)
        X = run.enc.X.copy()  # (T, D)
        if position > X.shape[0]:
            return ()
        X[position - 1] = X[position - 1] + 1.0  # any different input vector will do
        hs = rnn.forward(run.params, X, activation=s.activation).hs  # (T+1, H)
        changed = ~np.all(np.isclose(hs[1:], run.trace.hs[1:], rtol=0, atol=1e-12), axis=1)
        return tuple(int(t) + 1 for t in np.flatnonzero(changed))

    return solve


def outputs_emitted(kind: str) -> Callable[[Settings], int]:
    """How many outputs one sequence type emits for the settings' sequence (seqtypes.layout)."""

    def solve(s: Settings) -> int:
        T = len(_run(s).enc.tokens)
        return int(sum(seqtypes.layout(kind, T, s.output_length).emits))

    return solve


def shape_of(application: str) -> Callable[[Settings], str]:
    """The sequence type the application gallery gives for one application."""

    def solve(s: Settings) -> str:
        (kind,) = [a.kind for a in seqtype_gallery.GALLERY if a.name == application]
        return seqtypes.LABELS[kind]

    return solve


def window_steps(s: Settings) -> int:
    """Truncated BPTT: one update back-propagates through one window of `window` steps."""
    return int(s.window)


def _story_run(s: Settings) -> unroll.Unroll:
    """The shipped story model the settings name, over the settings' text (as Home draws it)."""
    return unroll.trained(pretrained.load_shipped(s.story_model), s.text)


def story_next_word(s: Settings) -> str:
    """The word the story-trained network rates most likely after the whole text."""
    run = _story_run(s)
    return run.enc.vocab.tokens[int(np.argmax(run.trace.probs[-1]))]


def story_choices(s: Settings) -> tuple[str, ...]:
    """The sentence's own words and the network's favourite, each once, in a fixed order."""
    words = dict.fromkeys([*_story_run(s).enc.tokens, story_next_word(s)])
    return tuple(sorted(words))


def pascanu_bound(back: int) -> Callable[[Settings], float]:
    """(gamma sigma_max)^back: the bound on ||dh_T/dh_(T-back)|| with W_hh's largest singular value = radius."""

    def solve(s: Settings) -> float:
        return float((rnn.activation(s.grad_activation).gamma * s.radius) ** back)

    return solve


def pascanu_bound_reason(back: int) -> Callable[[Settings], str]:
    """The reason for `pascanu_bound(back)`, with the settings' own numbers: the factor, and how much of the
    signal the bound lets through (what is lost or, above 1, that the bound allows growth)."""

    def why(s: Settings) -> str:
        gamma = rnn.activation(s.grad_activation).gamma
        factor = gamma * s.radius
        bound = float(factor**back)
        base = f"(γ σ_max)^{back} = ({gamma:g} × {s.radius:g})^{back} ≈ {bound:.3g}"
        if bound < 1:
            return f"{base}: at least {100 * (1 - bound):.0f}% of the signal is gone after {back} steps."
        return f"{base}: the bound does not rule out growth, so it guarantees no vanishing here."

    return why


def growth_per_step(cell: str) -> Callable[[Settings], float]:
    """The measured factor per step back of ||dL/dh_t|| for one cell, as the gradients page reports it."""

    def solve(s: Settings) -> float:
        return _experiment(s).cells[cell].rate()

    return solve


def _experiment(s: Settings) -> gradients.Experiment:
    """The gradients page's measurement (random weights, hand edits of W_hh and b_h applied) for these settings."""
    seq = gi.sequence_for(s.seq_source, text=s.text, mode=s.mode, length=s.seq_length, seed=s.seed)
    W, b, _ = whh.hand_edits(s.w_hh, s.b_h, s.hidden)
    return gradients.run(
        seq.X,
        seq.tokens,
        seq.target,
        hidden=s.hidden,
        seed=s.seed,
        radius=s.radius,
        rkind=s.radius_kind,
        activation=s.grad_activation,
        cell_names=tuple(dict.fromkeys(("rnn", *gi.parse_cells(s.cells)))),
        output_size=seq.V,
        W_hh=W,
        b_h=b,
        input_scale=s.input_scale,
    )


# On the gradients chart's log axis one decade is the smallest gap a learner can read off: cells whose
# ||dL/dh_1|| lie within a factor of ten of the largest are drawn on top of each other there.
VISIBLE_FACTOR = 10.0


def _first_step_norms(s: Settings) -> dict[str, float]:
    return {cells.CELLS[name].label: float(g.dh_norm[0]) for name, g in _experiment(s).cells.items()}


def most_gradient_at_start(s: Settings) -> frozenset[str]:
    """The cells whose ||dL/dh_1|| is the largest as the chart shows it: within `VISIBLE_FACTOR` of the largest,
    measured as the gradients page measures it."""
    first = _first_step_norms(s)
    top = max(first.values())
    return frozenset(label for label, v in first.items() if np.isfinite(v) and v * VISIBLE_FACTOR >= top)


def most_gradient_reason(s: Settings) -> str:
    """The measured ||dL/dh_1|| of every cell, and what the chart can tell apart."""
    first = _first_step_norms(s)
    right = most_gradient_at_start(s)
    values = ", ".join(f"{label} {v:.2g}" for label, v in sorted(first.items(), key=lambda kv: -kv[1]))
    if len(right) > 1:
        close = " and ".join(sorted(right))
        verdict = (
            f"{close} are within a factor of {VISIBLE_FACTOR:g} of each other, which the log axis cannot tell apart"
        )
    else:
        verdict = f"the {next(iter(right))} is more than {VISIBLE_FACTOR:g} times above the others"
    return (
        f"Measured at the first step: ||∂L/∂h_1|| = {values}; {verdict}. The gated cells' additive memory "
        "path keeps the gradient alive where the vanilla RNN's is multiplied by W_hh and tanh′ at every step."
    )


def fixed(answer: Any) -> Callable[[Settings], Any]:
    """A conceptual question's answer (no computation to check it against)."""
    return lambda s: answer


def better_on_long_inputs(s: Settings) -> str:
    """Which shipped encoder–decoder was more accurate on the longest held-out inputs (measured when trained)."""
    table = seqtasks.load_shipped("encoder_decoder", attend=True).extra
    plain, att = float(table["acc_plain"][-1]), float(table["acc_attention"][-1])
    return "with attention" if att > plain else "without attention" if plain > att else "the same"


def longest_solved_lag(cell: str, task: str = "first") -> Callable[[Settings], str]:
    """The longest lag of the shipped long-lag sweep at which `cell` reached the success threshold."""

    def solve(s: Settings) -> str:
        sweep = longlag.load_sweep(ASSETS / "models" / longlag.SWEEP_FILE)
        if sweep is None:
            raise ValueError("the shipped long-lag sweep is missing: run `python -m visualizer.pretrain longlag`")
        data = sweep[task]
        solved = [lag for lag, at in zip(data["lags"], data["cells"][cell]["solved_at"]) if at is not None]
        return str(max(solved)) if solved else "none"

    return solve


def units_ranking(s: Settings) -> tuple[TrainedModel, activity.Activity, str, finder.Ranking]:
    """The units page's model (float64), what it held over the held-out story, the state shown and the finder's
    ranking of its units for the chosen property, as the page computes them."""
    model = activity.float64(pretrained.load_shipped(s.unit_model))
    text = pretrained.heldout_text()
    trained, untrained = activity.read(model, text), activity.read(activity.untrained(model), text)
    state = s.unit_state if model.cell == "lstm" else "h"
    ranking = finder.rank(
        trained.states(state), untrained.states(state), trained.props[s.unit_prop],
        annotate.PROPERTIES[s.unit_prop], state,
    )  # fmt: skip
    return model, trained, state, ranking


def switch_off_effect(s: Settings) -> str:
    """What holding the units of the units page (its settings) does to the contrast prompts answered right."""
    model, trained, state, ranking = units_ranking(s)
    _, units = finder.chosen_units(ranking, s.unit, s.clamp_k)
    effect = clamp.contrast_effect(
        model, contrast.pairs(s.contrast), clamp.clamp_for(trained, units, s.clamp_to, state)
    )
    before, after = effect.before.accuracy, effect.after.accuracy
    return "it falls" if after < before else "it rises" if after > before else "it stays the same"


def sweep_lags(s: Settings) -> tuple[str, ...]:
    return tuple(str(lag) for lag in longlag.SWEEP_LAGS) + ("none",)
