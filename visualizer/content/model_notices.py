"""The sentences about the weights a page runs on: the choice's labels, why a model cannot be used, unknown words.

Built from the records of visualizer.data.pretrained (Choice, Fallback, Misfit); pure Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from visualizer.data.encoding import UNK

if TYPE_CHECKING:  # types only: this module reads the records, it computes nothing
    from visualizer.data.pretrained import Choice, Fallback, Misfit
    from visualizer.data.trained_model import TrainedModel

# The weights a page can run on (visualizer.data.pretrained.SOURCES), as the radio button names them.
SOURCE_LABELS = {
    "story": "trained on the story",
    "random": "random (untrained)",
    "trained": "my model (Train page)",
}


def describe(model: TrainedModel) -> str:
    """'vanilla RNN, H = 48, 160 words' — what a student needs to read the views."""
    unit = "characters" if model.level == "chars" else "words"
    kind = "vanilla RNN" if model.cell == "rnn" else model.cell.upper()
    depth = f", {model.layers} layers" if model.layers > 1 else ""
    return f"{kind}{depth}, H = {model.hidden_size}, {len(model.vocab)} {unit}"


def choice_label(choice: Choice) -> str:
    """'trained on the story (vanilla RNN, H = 48, 160 words)': which weights a page shows."""
    if choice.model is None:
        return "random (untrained) weights"
    where = "your model from the Train page" if choice.source == "trained" else "trained on the story"
    return f"{where} ({describe(choice.model)})"


def misfit_reason(why: Misfit) -> str:
    """'it reads chars, and this page reads words': why a model cannot run on the page."""
    if why.what == "level":
        return f"it reads {why.model_level}, and this page reads {' or '.join(why.levels)}"
    if why.what == "layers":
        drawn = " or ".join(str(n) for n in why.layers)
        return f"it has {why.model_layers} stacked layers, and this page draws networks of {drawn} layer{'s' if why.layers != (1,) else ''}"
    return f"it is a {why.model_cell.upper()} and this page draws {', '.join(c.upper() for c in why.cells)} only"


def fallback_notice(fb: Fallback) -> str:
    """One sentence: the requested model, why it cannot be used, what the page shows instead."""
    if fb.source == "trained":
        why = "no model has been trained on the Train page yet" if fb.misfit is None else misfit_reason(fb.misfit)
        return f"Your own model cannot be used here: {why}. Showing the model trained on the story."
    if fb.misfit is None:
        return f"{fb.error} Showing random weights."
    return f"The story model {fb.name} cannot be used here: {misfit_reason(fb.misfit)}. Showing random weights."


def unknown_notice(unknown: list[str]) -> str:
    """One sentence naming unknown words and saying how they are read."""
    shown = ", ".join(f"“{t}”" for t in unknown[:10]) + (" …" if len(unknown) > 10 else "")
    return (
        f"Not in the model's vocabulary: {shown}. Each is read as the token {UNK}, which the model never saw "
        "while training, so what follows it is a rough guess."
    )
