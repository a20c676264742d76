"""The one typed Settings: every shareable choice of a view, as a frozen dataclass.

Names, defaults, bounds, options and link names live in the settings table (`state.SETTINGS`); this
class gives them types (a `Literal` where the table has options; tests/unit/test_settings.py checks
the two agree). A page reads `settings.text`; a change is `settings.changed(step=3)` (the table's
bounds applied, then `dataclasses.replace`). `from_query` / `to_query` are the URL round trip: only
non-defaults go into a link, and a malformed value falls back to its default with a notice.
Pure: no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

from visualizer import state

Mode = Literal["chars", "words", "numbers"]
Representation = Literal["onehot", "embedding"]
Activation = Literal["tanh", "sigmoid", "relu", "linear"]
WeightsSource = Literal["story", "random", "trained"]
Notation = Literal["h", "a"]
Phase = Literal["forward", "backward"]
SeqType = Literal["one_to_one", "one_to_many", "many_to_one", "many_to_many", "encoder_decoder"]
TaskWeights = Literal["trained", "random"]
RadiusKind = Literal["spectral", "singular"]
SeqSource = Literal["generated", "user"]
Level = Literal["chars", "words"]
TrainSpeed = Literal["watch", "fast"]
TrainStart = Literal["scratch", "story"]
Optimizer = Literal["sgd", "adagrad", "adam"]
Cell = Literal["rnn", "lstm", "gru"]
LagTask = Literal["first", "adding"]
FigureFormat = Literal["png", "svg"]
UnitModel = Literal["rnn-words", "lstm-words", "gru-words", "rnn-chars", "lstm-chars", "gru-chars"]
UnitState = Literal["h", "c"]
UnitProperty = Literal["quote", "bracket", "gender", "country", "position", "plural"]
ContrastSet = Literal["language", "agreement"]
ClampTo = Literal["zero", "mean"]
LessonPath = Literal["full", "demo"]


def _default(name: str) -> Any:
    return state.SETTINGS[name].default


@dataclass(frozen=True)
class Settings:
    """Every shareable setting of the app (see state.SETTINGS for each one's meaning and bounds)."""

    # ---- the sequence and the model (every page)
    text: str = _default("text")
    mode: Mode = _default("mode")
    representation: Representation = _default("representation")
    embed_size: int = _default("embed_size")
    hidden: int = _default("hidden")
    seed: int = _default("seed")
    activation: Activation = _default("activation")
    scale: float = _default("scale")
    weights: WeightsSource = _default("weights")
    story_model: str = _default("story_model")
    # ---- explorer
    step: int = _default("step")
    notation: Notation = _default("notation")
    phase: Phase = _default("phase")
    compare: str = _default("compare")
    fold: int = _default("fold")
    # ---- sequence types
    seqtype: SeqType = _default("seqtype")
    output_length: int = _default("output_length")
    task_weights: TaskWeights = _default("task_weights")
    task_input: str = _default("task_input")
    attention: bool = _default("attention")
    focus: int = _default("focus")
    beam: int = _default("beam")
    decode_pair: int = _default("decode_pair")
    # ---- gradients
    grad_activation: Activation = _default("grad_activation")
    radius: float = _default("radius")
    radius_kind: RadiusKind = _default("radius_kind")
    seq_source: SeqSource = _default("seq_source")
    seq_length: int = _default("seq_length")
    input_scale: float = _default("input_scale")
    w_hh: str = _default("w_hh")
    b_h: str = _default("b_h")
    grad_layers: int = _default("grad_layers")  # the depth chart's layers, 1..deep.MAX_LAYERS
    grad_bidir: bool = _default("grad_bidir")
    clip: bool = _default("clip")
    clip_norm: float = _default("clip_norm")
    cells: str = _default("cells")
    # ---- training
    level: Level = _default("level")
    train_clip: bool = _default("train_clip")
    train_speed: TrainSpeed = _default("train_speed")
    train_start: TrainStart = _default("train_start")
    window: int = _default("window")
    optimizer: Optimizer = _default("optimizer")
    lr: float = _default("lr")
    train_hidden: int = _default("train_hidden")
    cell: Cell = _default("cell")
    layers: int = _default("layers")  # 1..deep.MAX_LAYERS stacked recurrent layers
    bidirectional: bool = _default("bidirectional")  # a second direction reads t = T..1
    temperature: float = _default("temperature")
    prompt: str = _default("prompt")
    # ---- limits of memory
    lag_task: LagTask = _default("lag_task")
    lag: int = _default("lag")
    lag_hidden: int = _default("lag_hidden")
    lag_steps: int = _default("lag_steps")
    lag_lr: float = _default("lag_lr")
    lag_clip: float = _default("lag_clip")
    keep_bias: float = _default("keep_bias")
    # ---- what a unit remembers
    unit_model: UnitModel = _default("unit_model")
    unit_state: UnitState = _default("unit_state")
    unit_prop: UnitProperty = _default("unit_prop")
    unit: int = _default("unit")
    unit_text: str = _default("unit_text")
    clamp_k: int = _default("clamp_k")
    clamp_to: ClampTo = _default("clamp_to")
    contrast: ContrastSet = _default("contrast")
    pair: int = _default("pair")
    attr_text: str = _default("attr_text")
    enc_k: int = _default("enc_k")
    attr_out: int = _default("attr_out")
    # ---- classroom
    lesson: int = _default("lesson")
    lesson_path: LessonPath = _default("lesson_path")
    deck_stops: str = _default("deck_stops")
    hide: str = _default("hide")
    present: bool = _default("present")
    figure_format: FigureFormat = _default("figure_format")

    def changed(self, **values: Any) -> Settings:
        """A copy with `values` changed, each coerced into the table's bounds and options."""
        return replace(self, **{name: state.SETTINGS[name].clamp(value) for name, value in values.items()})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_query(self) -> dict[str, str]:
        """Query parameters for the settings that differ from the defaults (a short link)."""
        return state.to_query(self.as_dict())

    def hidden_controls(self) -> set[str]:
        """Setting names a classroom link hides (?hide=seed,act)."""
        return state.hidden_controls({"hide": self.hide})

    @classmethod
    def from_query(cls, params: Mapping[str, Any], base: Settings | None = None) -> tuple[Settings, list[str]]:
        """`base` (default: the defaults) with the link's valid values applied, and notices for the rest."""
        values, notices = state.parse(params)
        return replace(base or cls(), **values), notices


NAMES: tuple[str, ...] = tuple(f.name for f in fields(Settings))
