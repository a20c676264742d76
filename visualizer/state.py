"""The one table of shareable settings, and its round trip to URL query parameters.

Every user-visible choice that defines a view lives here with its type, default and bounds
(TensorFlow Playground's state.ts is the model). `parse` turns query parameters (strings) into
typed values, falling back to the default, with a notice, for anything malformed or out of range;
`to_query` writes back only what differs from the defaults, so links stay short.
Choices and bounds come from the library's own tables, so each is written once. visualizer/settings.py
types the table as the frozen `Settings` every page reads. Pure: no Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from visualizer.data import corpus, encoding, pretrained
from visualizer.labs.gradients import inputs as gradient_inputs
from visualizer.labs.gradients import whh
from visualizer.labs.long_lags import lagtasks, longlag
from visualizer.labs.sequences import seqtypes
from visualizer.labs.training import train
from visualizer.labs.units import activity as unit_activity
from visualizer.labs.units import annotate, clamp, contrast
from visualizer.nn import cells, deep, optim, rnn

DEFAULT_TEXT = "the united states of america"
# A held-out contrast prompt that all three word models complete right: the language needs the country two
# sentences back.
DEFAULT_ATTR_TEXT = "Hugo grew up in Germany. He is proud of his town. At home he speaks"
LESSON_PATHS = ("full", "demo")  # the lesson's paths (lesson_stops.PATHS, in this order)
LESSON_MAX_STOPS = 30  # bound of the `lesson` setting; lesson_stops.STOPS stays below it
MAX_PARAM_CHARS = 2000  # a query value longer than this is refused, not truncated


@dataclass(frozen=True)
class Setting:
    """One shareable setting: its URL name, kind, default and bounds."""

    name: str  # the name code uses (settings.name, widget key "w_name")
    kind: str  # "str" | "int" | "float" | "bool" | "choice" | "matrix" | "vector" (numbers joined by '_')
    default: Any
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()
    max_len: int = MAX_PARAM_CHARS
    help: str = ""
    url: str = ""  # a shorter name in links, when it differs from `name`
    fallback: str = ""  # how a notice names the default when its text would say nothing ("" for a matrix)

    @property
    def param(self) -> str:
        """The query-parameter name in a shared link."""
        return self.url or self.name

    def parse(self, raw: str) -> Any:
        """Typed value from a query-string value; ValueError with a reason if unusable."""
        if len(raw) > self.max_len:
            raise ValueError(f"longer than {self.max_len} characters")
        if self.kind == "str":
            return raw
        if self.kind in ("matrix", "vector"):
            if not raw.strip():
                return ""
            values = whh.decode_matrix(raw) if self.kind == "matrix" else whh.decode_vector(raw)
            return whh.encode(values)  # canonical: the same matrix always gives the same link
        if self.kind == "choice":
            if raw not in self.choices:
                raise ValueError(f"must be one of {', '.join(self.choices)}")
            return raw
        if self.kind == "bool":
            low = raw.strip().lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off"):
                return False
            raise ValueError("must be 1 or 0")
        value: float
        if self.kind == "int":
            try:
                value = int(raw.strip())
            except ValueError:
                raise ValueError("must be a whole number") from None
        elif self.kind == "float":
            try:
                value = float(raw.strip())
            except ValueError:
                raise ValueError("must be a number") from None
            if not math.isfinite(value):
                raise ValueError("must be a finite number")
        else:  # pragma: no cover - the table below only uses the kinds above
            raise ValueError(f"unknown kind {self.kind}")
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            raise ValueError(f"must be between {self.lo:g} and {self.hi:g}")
        return value

    def format(self, value: Any) -> str:
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "float":
            return f"{value:g}"
        return str(value)

    def clamp(self, value: Any) -> Any:
        """Coerce a Python value into range (used when code, not a URL, supplies it)."""
        if self.kind in ("int", "float"):
            value = (int if self.kind == "int" else float)(value)
            if self.lo is not None:
                value = max(value, type(value)(self.lo))
            if self.hi is not None:
                value = min(value, type(value)(self.hi))
        elif self.kind == "choice" and value not in self.choices:
            value = self.default
        return value


def _table(*settings: Setting) -> dict[str, Setting]:
    return {s.name: s for s in settings}


_CELLS = tuple(cells.CELLS)
_TASKS = seqtypes.SEQTYPES
_LAG = longlag.LagConfig()  # the long-lag page's defaults

SETTINGS: dict[str, Setting] = _table(
    # ---- the sequence and the model (every page)
    Setting("text", "str", DEFAULT_TEXT, help="the sequence the RNN reads"),
    Setting("mode", "choice", "words", choices=encoding.MODES, help="how the text is split"),
    Setting(
        "representation", "choice", "onehot", choices=encoding.REPRESENTATIONS, help="how x_t is built", url="repr"
    ),
    Setting(
        "embed_size", "int", 3, lo=2, hi=32, help="embedding size: shorter than the vocabulary is the point", url="emb"
    ),
    Setting("hidden", "int", 6, lo=2, hi=64, help="hidden size H"),
    Setting("seed", "int", 0, lo=0, hi=2**31 - 1, help="random seed"),
    Setting("activation", "choice", "tanh", choices=rnn.ACTIVATIONS, help="activation f", url="act"),
    Setting("scale", "float", 1.0, lo=0.05, hi=5.0, help="weight scale"),
    Setting(
        "weights",
        "choice",
        "story",
        choices=pretrained.SOURCES,
        help="trained on the story, random (untrained), or the model trained on the Train page",
    ),
    Setting(
        "story_model",
        "choice",
        pretrained.DEFAULT,
        choices=tuple(pretrained.SHIPPED),
        help="which story model",
        url="model",
    ),
    # ---- explorer
    Setting("step", "int", 1, lo=1, hi=10_000, help="current time step (1-based)"),
    Setting("notation", "choice", "h", choices=("h", "a"), help="h/W_hh or the a/W_aa notation of many courses"),
    Setting("phase", "choice", "forward", choices=("forward", "backward"), help="forward pass, or BPTT stepped back"),
    Setting("compare", "str", "", help="a second sequence to compare"),
    Setting("fold", "int", 5, lo=1, hi=5, help="move of the fold from a feed-forward net to an RNN"),
    # ---- sequence types
    Setting("seqtype", "choice", "many_to_many", choices=_TASKS),
    Setting("output_length", "int", 5, lo=1, hi=30, help="decoder / generated output length", url="outlen"),
    Setting(
        "task_weights",
        "choice",
        "trained",
        choices=("trained", "random"),
        help="each shape's network trained on its small task, or random weights",
        url="net",
    ),
    Setting("task_input", "str", "", max_len=300, help="what the trained shape reads ('' = its example)", url="in"),
    Setting("attention", "bool", True, help="the encoder–decoder attends over all encoder states", url="att"),
    Setting("focus", "int", 0, lo=0, hi=30, help="output word whose attention arrows are drawn (0 = automatic)"),
    Setting("beam", "int", 3, lo=1, hi=5, help="beam width of the encoder–decoder's beam search (1 = greedy)"),
    Setting(
        "decode_pair",
        "int",
        0,
        lo=0,
        hi=1000,
        help="held-out sentence decoded with teacher forcing and free running (0 = the first one it gets wrong)",
        url="pair",
    ),
    # ---- gradients
    Setting(
        "grad_activation",
        "choice",
        "linear",
        choices=rnn.ACTIVATIONS,
        help="activation f of the gradients lab",
        url="gact",
    ),
    Setting("radius", "float", 1.1, lo=0.1, hi=2.0, help="spectral radius or largest singular value of W_hh"),
    Setting("radius_kind", "choice", "spectral", choices=whh.RKINDS, url="rkind"),
    Setting("seq_source", "choice", "generated", choices=gradient_inputs.SOURCES, url="gsource"),
    Setting("seq_length", "int", 200, lo=5, hi=400, help="generated sequence length", url="glen"),
    Setting("input_scale", "float", 1.0, lo=0.0, hi=2.0, help="scale of the input weights (0: inputs off)", url="xin"),
    Setting(
        "w_hh",
        "matrix",
        "",
        max_len=600,
        help="W_hh edited by hand, row by row, entries joined by '_'",
        url="whh",
        fallback="the random W_hh",
    ),
    Setting(
        "b_h", "vector", "", max_len=100, help="b_h edited by hand, entries joined by '_'", url="bh", fallback="b_h = 0"
    ),
    Setting(
        "grad_layers",
        "int",
        2,
        lo=1,
        hi=deep.MAX_LAYERS,
        help="stacked layers of the gradients lab's depth chart",
        url="glayers",
    ),
    Setting("grad_bidir", "bool", False, help="the depth chart's network reads both ways", url="gbidir"),
    Setting("clip", "bool", False, help="clip the gradient by norm"),
    Setting("clip_norm", "float", 5.0, lo=0.01, hi=1000.0, help="largest gradient norm after clipping", url="clipnorm"),
    Setting("cells", "str", ",".join(_CELLS), max_len=40, help="cells drawn on the gradient plot"),
    # ---- training
    Setting("level", "choice", "chars", choices=corpus.LEVELS),
    Setting("train_clip", "bool", True, help="clip the gradient norm while training", url="tclip"),
    Setting(
        "train_speed",
        "choice",
        "watch",
        choices=("watch", "fast"),
        help="watch a few steps per second, or train fast",
        url="speed",
    ),
    Setting(
        "train_start",
        "choice",
        "scratch",
        choices=("scratch", "story"),
        help="start from the story model or from scratch",
        url="tstart",
    ),
    Setting("window", "int", 25, lo=4, hi=100, help="truncated-BPTT window"),
    Setting("optimizer", "choice", "adam", choices=optim.OPTIMIZERS, url="opt"),
    Setting("lr", "float", 0.01, lo=1e-5, hi=1.0, help="learning rate"),
    Setting("train_hidden", "int", 64, lo=8, hi=256, help="hidden size of the trained model", url="thidden"),
    Setting("cell", "choice", "rnn", choices=_CELLS, help="the recurrent cell (explorer and training)"),
    Setting("layers", "int", 1, lo=1, hi=deep.MAX_LAYERS, help="stacked recurrent layers of the explorer's network"),
    Setting("bidirectional", "bool", False, help="a second direction reads the sequence backwards", url="bidir"),
    Setting("temperature", "float", 0.8, lo=0.05, hi=3.0, help="sampling temperature", url="temp"),
    Setting("prompt", "str", train.WATCH_PROMPT, max_len=200),
    # ---- limits of memory (defaults and bounds from the long-lag library)
    Setting("lag_task", "choice", _LAG.task, choices=lagtasks.TASKS, help="long-lag task", url="ltask"),
    Setting(
        "lag", "int", _LAG.lag, lo=lagtasks.MIN_LAG, hi=lagtasks.MAX_LAG, help="lag L: steps between clue and question"
    ),
    Setting("lag_hidden", "int", _LAG.hidden, lo=4, hi=longlag.MAX_RACE_HIDDEN, help="hidden size H", url="lhidden"),
    Setting("lag_steps", "int", _LAG.steps, lo=50, hi=5000, help="training steps per cell", url="lsteps"),
    Setting("lag_lr", "float", _LAG.lr, lo=1e-4, hi=0.1, help="Adam's learning rate", url="llr"),
    Setting("lag_clip", "float", _LAG.clipnorm, lo=0.01, hi=100.0, help="largest gradient norm", url="lclip"),
    Setting(
        "keep_bias",
        "float",
        _LAG.keep_bias,
        lo=0.0,
        hi=5.0,
        help="starting bias of the LSTM forget gate and the GRU update gate",
        url="keep",
    ),
    # ---- what a unit remembers
    Setting(
        "unit_model",
        "choice",
        "lstm-words",
        choices=tuple(k for k, m in pretrained.SHIPPED.items() if m.layers == 1),  # the page reads one layer
        help="the story model whose units are shown",
        url="umodel",
    ),
    Setting(
        "unit_state",
        "choice",
        "c",
        choices=unit_activity.STATES,
        help="h_t, or the LSTM's cell state c_t",
        url="ustate",
    ),
    Setting(
        "unit_prop",
        "choice",
        "country",
        choices=tuple(annotate.PROPERTIES),
        help="the property of the text the units are ranked by",
        url="uprop",
    ),
    Setting("unit", "int", -1, lo=-1, hi=511, help="the unit shown (-1: the finder's best for the property)"),
    Setting("unit_text", "str", "", max_len=2000, help="your text to colour ('' = the held-out story)", url="utext"),
    Setting(
        "clamp_k",
        "int",
        0,
        lo=0,
        hi=8,
        help="switch off the top k units for the property (0: the unit shown)",
        url="k",
    ),
    Setting("clamp_to", "choice", "zero", choices=clamp.CLAMP_TO, help="hold units at 0 or at their mean", url="to"),
    Setting(
        "contrast",
        "choice",
        "language",
        choices=contrast.SETS,
        help="contrast prompts: the language after 'speaks', or is/are after a clause",
        url="cset",
    ),
    Setting(
        "pair", "int", 1, lo=1, hi=40, help="the contrast prompt whose next-token distribution is drawn", url="upair"
    ),
    Setting(
        "attr_text",
        "str",
        DEFAULT_ATTR_TEXT,
        max_len=400,
        help="the sentence whose outputs are explained",
        url="atext",
    ),
    Setting("enc_k", "int", 5, lo=1, hi=16, help="encoder units switched off in the translation", url="ek"),
    Setting("attr_out", "int", 0, lo=0, hi=400, help="the output explained (0: the last)", url="aout"),
    # ---- classroom
    Setting("lesson", "int", 0, lo=0, hi=LESSON_MAX_STOPS, help="stop of the guided lesson (0 = off)"),
    Setting(
        "lesson_path",
        "choice",
        "full",
        choices=LESSON_PATHS,
        help="the whole lesson, or the five stops of the 10-minute demo",
        url="path",
    ),
    Setting(
        "deck_stops",
        "str",
        "",
        max_len=100,
        help="the stops in the offline deck, e.g. 1,5,8 ('' = the stops of the chosen path)",
        url="deck",
    ),
    Setting("hide", "str", "", max_len=400, help="comma-separated controls to hide"),
    Setting("present", "bool", False, help="presenter mode: large fonts, minimal chrome"),
    Setting(
        "figure_format", "choice", "png", choices=("png", "svg"), help="format of the figure download button", url="fmt"
    ),
)
BY_PARAM: dict[str, Setting] = {s.param: s for s in SETTINGS.values()}


def defaults() -> dict[str, Any]:
    return {name: s.default for name, s in SETTINGS.items()}


def parse(params: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Values for every setting named in params, and notices for those that fell back.

    Unknown names are reported and ignored. Values may be strings or lists of strings
    (a repeated parameter); only the last one counts.
    """
    values: dict[str, Any] = {}
    notices: list[str] = []
    for name, raw in params.items():
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else ""
        setting = BY_PARAM.get(name)
        if setting is None:
            notices.append(f"Ignored unknown link parameter '{_short(name)}'.")
            continue
        try:
            values[setting.name] = setting.parse(str(raw))
        except ValueError as err:
            default = setting.fallback or f"the default ({setting.format(setting.default)})"
            notices.append(f"Link parameter '{name}' {err}; using {default}.")
    return values, notices


def to_query(values: Mapping[str, Any]) -> dict[str, str]:
    """Query parameters for the values that differ from the defaults, in table order."""
    out: dict[str, str] = {}
    for name, setting in SETTINGS.items():
        if name in values and values[name] != setting.default:
            out[setting.param] = setting.format(values[name])
    return out


def hidden_controls(values: Mapping[str, Any]) -> set[str]:
    """Setting names listed in the classroom 'hide' flag, e.g. hide=seed,act (link names or code names)."""
    listed = {h.strip() for h in str(values.get("hide", "")).split(",") if h.strip()}
    return {BY_PARAM[h].name if h in BY_PARAM else h for h in listed}


def _short(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
