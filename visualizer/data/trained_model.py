"""What training produces: the TrainedModel, the text as it reads it, and its file, saved and loaded safely (.npz).

What a model predicts (next-token probabilities, sampling, losses) is in visualizer.labs.training.predict.
Pure NumPy, no Streamlit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from visualizer.data import safe_npz
from visualizer.data.corpus import LEVELS, MAX_CHAR_VOCAB, MAX_WORD_VOCAB, tokens_read_by
from visualizer.data.encoding import Vocab
from visualizer.nn import cells, deep

MAX_HIDDEN = 512
MAX_MODEL_BYTES = 20_000_000  # uncompressed size of an uploaded .npz
MODEL_FORMAT = "rnn-visualizer-model/1"

# ---------------------------------------------------------------------------- model


@dataclass(frozen=True)
class TrainedModel:
    """What training produces: a cell's parameters over a vocabulary, at a token level."""

    cell: str
    level: str
    vocab: Vocab
    params: Any  # the cell's parameter dataclass (cells.Params), or a deep.DeepParams network of that cell

    @property
    def hidden_size(self) -> int:
        return _hidden_size(self.params)

    @property
    def layers(self) -> int:
        """Stacked layers: 1 for a cell's own params, more for a deep.DeepParams network."""
        return self.params.num_layers if isinstance(self.params, deep.DeepParams) else 1

    def as_float64(self) -> TrainedModel:
        """The same model in float64: the form the other pages read (exact maths, finite-difference checks)."""
        if isinstance(self.params, deep.DeepParams):
            return TrainedModel(self.cell, self.level, self.vocab, self.params.astype(np.float64))
        p64 = type(self.params)(**{k: v.astype(np.float64) for k, v in self.params.as_dict().items()})
        return TrainedModel(self.cell, self.level, self.vocab, p64)


def _hidden_size(params) -> int:
    return (
        int(params.hidden_size)
        if hasattr(params, "hidden_size")
        else int(next(iter(params.as_dict().values())).shape[0])
    )


def _template(cell: str, V: int, H: int, layers: int = 1):
    """Reference params of the right shapes (seeded, cheap): the cell's own for one layer, a DeepParams above."""
    if layers == 1:
        return cells.CELLS[cell].init(V, H, V, seed=0)
    return deep.init(cell, V, H, V, layers=layers)


def _expected_shapes(cell: str, V: int, H: int, layers: int = 1) -> dict[str, tuple[int, ...]]:
    """File name of every array -> its shape."""
    t = _template(cell, V, H, layers)
    names = deep.file_names(t) if isinstance(t, deep.DeepParams) else {k: k for k in t.as_dict()}
    return {names[k]: v.shape for k, v in t.as_dict().items()}


# ---------------------------------------------------------------------------- reading text


def prompt_tokens(model: TrainedModel, prompt: str) -> list[str]:
    """The prompt's tokens as the model reads them (lower-cased for a lower-case word vocabulary)."""
    return tokens_read_by(model.vocab, prompt, model.level)


def encode_prompt(model: TrainedModel, prompt: str) -> np.ndarray:
    """Prompt -> ids (P,); tokens the model never saw become <unk> when it has one, else ValueError naming them."""
    return model.vocab.encode(prompt_tokens(model, prompt), unknown="unk")


# ---------------------------------------------------------------------------- save / load


def save_npz(model: TrainedModel) -> bytes:
    """The model as .npz bytes: no pickles, only numeric arrays and unicode strings."""
    params = model.params
    names = deep.file_names(params) if isinstance(params, deep.DeepParams) else {k: k for k in params.as_dict()}
    arrays: dict[str, Any] = {f"p_{names[k]}": v for k, v in params.as_dict().items()}
    if model.layers > 1:  # one-layer files stay as they were
        arrays["layers"] = np.array(model.layers, dtype=np.int64)
    buf = io.BytesIO()
    np.savez(
        buf,
        format=np.array(MODEL_FORMAT),
        cell=np.array(model.cell),
        level=np.array(model.level),
        hidden=np.array(model.hidden_size, dtype=np.int64),
        vocab=np.array(model.vocab.tokens, dtype=str),
        **arrays,
    )
    return buf.getvalue()


def load_npz(data: bytes, *, max_bytes: int = MAX_MODEL_BYTES) -> TrainedModel:
    """A model from .npz bytes, validated; ValueError with a message fit to show a student.

    safe_npz checks what the file declares before reading it (size, member names, .npy headers, no
    objects, truncation); then: format tag, known cell and level, the vocabulary, exactly the cell's
    parameter names, their shapes, float dtype, finite values.
    """
    try:
        arrays = safe_npz.read_npz(data, max_bytes=max_bytes)
    except ValueError as err:
        raise ValueError(f"This is not a model file saved by this page: {err}") from None
    return _model_from_arrays(arrays)


def _text(arrays: dict[str, np.ndarray], key: str) -> str:
    a = arrays.get(key)
    if a is None or a.shape != () or a.dtype.kind != "U":
        raise ValueError(f"The model file has no valid '{key}' entry.")
    return str(a)


def _model_from_arrays(arrays: dict[str, np.ndarray]) -> TrainedModel:
    if _text(arrays, "format") != MODEL_FORMAT:
        raise ValueError(f"Unknown model format; expected {MODEL_FORMAT}.")
    cell, level = _text(arrays, "cell"), _text(arrays, "level")
    if cell not in cells.CELLS:
        raise ValueError(f"The model uses the cell '{cell}', which this app does not have ({', '.join(cells.CELLS)}).")
    if level not in LEVELS:
        raise ValueError(f"The model's level '{level}' is not one of {', '.join(LEVELS)}.")
    hidden = arrays.get("hidden")
    if hidden is None or hidden.shape != () or hidden.dtype.kind not in "iu" or not 1 <= int(hidden) <= MAX_HIDDEN:
        raise ValueError(f"The model's hidden size must be a whole number from 1 to {MAX_HIDDEN}.")
    vocab_arr = arrays.get("vocab")
    if vocab_arr is None or vocab_arr.ndim != 1 or vocab_arr.dtype.kind != "U" or vocab_arr.size == 0:
        raise ValueError("The model file has no valid vocabulary.")
    tokens = tuple(str(t) for t in vocab_arr)
    limit = MAX_CHAR_VOCAB if level == "chars" else MAX_WORD_VOCAB
    if len(tokens) > limit or len(set(tokens)) != len(tokens) or "" in tokens:
        raise ValueError(f"The vocabulary must hold 1 to {limit} distinct, non-empty tokens.")
    layers_arr = arrays.get("layers", np.array(1, dtype=np.int64))
    if layers_arr.shape != () or layers_arr.dtype.kind not in "iu" or not 1 <= int(layers_arr) <= deep.MAX_LAYERS:
        raise ValueError(f"The model's number of layers must be a whole number from 1 to {deep.MAX_LAYERS}.")
    layers = int(layers_arr)
    V, H = len(tokens), int(hidden)
    expected = _expected_shapes(cell, V, H, layers)
    given = {k[2:]: v for k, v in arrays.items() if k.startswith("p_")}
    if set(given) != set(expected):
        missing, extra = sorted(set(expected) - set(given)), sorted(set(given) - set(expected))
        raise ValueError(
            f"The weights do not match a {cell} cell (missing: {', '.join(missing) or 'none'}; unexpected: {', '.join(extra) or 'none'})."
        )
    for name, shape in expected.items():
        a = given[name]
        if a.dtype.kind != "f" or a.dtype.itemsize not in (4, 8):
            raise ValueError(f"{name} has dtype {a.dtype}; expected float32 or float64.")
        if a.shape != shape:
            raise ValueError(f"{name} has shape {a.shape}, expected {shape} for H={H} and a vocabulary of {V}.")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} contains NaN or infinite values.")
    if layers == 1:
        params: Any = cells.CELLS[cell].params_type(**{k: given[k] for k in expected})
    else:
        template = _template(cell, V, H, layers)
        names = deep.file_names(template)
        params = deep.replace_arrays(template, {k: given[names[k]] for k in template.as_dict()})
    return TrainedModel(cell=cell, level=level, vocab=Vocab(tokens), params=params)
