"""Train a small recurrent network on text to predict the next token, in chunks of steps.

Data: the corpus is one long token sequence ids (N,). B parallel streams start at evenly spaced
offsets; at every step each stream reads the next window of T tokens and the token after each
one is its target. Arrays are time-first:

    inputs  (T, B)  ids[p_b + t]            targets (T, B)  ids[p_b + t + 1]
    X       (T, B, V) one-hot rows of the inputs (V = vocabulary size, the cell's input size)

Loss (mean cross-entropy per token) and its gradient w.r.t. the logits:

    L = -1/(T B) sum_{t,b} log p_t,b[target_t,b]        dL/dz_t,b = (p_t,b - onehot(target_t,b)) / (T B)

Truncated back-propagation through time: the hidden state at the end of one window is the start
state of the next (the streams keep reading on), but gradients stop at the window's start.

Update, after an optional clip of the global norm ||g|| = sqrt(sum of all squared gradients):

    clip:    g <- g * c / ||g||  when ||g|| > c
    SGD:     theta <- theta - lr g
    Adagrad: G <- G + g^2;                 theta <- theta - lr g / (sqrt(G) + eps)
    Adam:    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
             m^ = m / (1 - b1^k);     v^ = v / (1 - b2^k);   theta <- theta - lr m^ / (sqrt(v^) + eps)

Sampling: p = softmax(z / temperature), one token at a time, fed back as the next input.
The cell is any entry of cells.CELLS; pure NumPy, no Streamlit.
"""

from __future__ import annotations

import contextlib
import io
import time
import unicodedata
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from visualizer import ASSETS
from visualizer.maths import cells, encoding, rnn, safe_npz

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # optional: without it BLAS keeps its default thread count
    ThreadpoolController = None
from visualizer.maths.encoding import UNK, Vocab

LEVELS = ("chars", "words")
OPTIMIZERS = ("sgd", "adagrad", "adam")
DEFAULT_CORPUS_PATH = ASSETS / "corpus.txt"

MAX_CORPUS_BYTES = 200_000  # pasted or uploaded text larger than this is refused
MAX_CHAR_VOCAB = 300  # more distinct characters than this is not prose
MAX_WORD_VOCAB = 2000  # rarer words share the <unk> token
MAX_HIDDEN = 512
MAX_MODEL_BYTES = 20_000_000  # uncompressed size of an uploaded .npz
MAX_HISTORY = 1000  # points kept per curve; older points are thinned, never unbounded
MODEL_FORMAT = "rnn-visualizer-model/1"

# Seed 004's example: after this prompt, a model with memory should expect "America".
WATCH_PROMPT = "He grew up in the United States of"
WATCH_NEXT = {"chars": " America", "words": "America"}


# ---------------------------------------------------------------------------- corpus


def default_corpus() -> str:
    """The embedded corpus written for this project (assets/corpus.txt)."""
    return DEFAULT_CORPUS_PATH.read_text(encoding="utf-8")


def read_corpus(data: str | bytes, *, max_bytes: int = MAX_CORPUS_BYTES) -> str:
    """Pasted text or an uploaded file's bytes -> clean text; ValueError with a reason otherwise.

    Refuses empty input, input over max_bytes, bytes that are not UTF-8 and binary data
    (NUL bytes or many control characters). Line ends become '\\n'; text is NFC-normalised.
    """
    if isinstance(data, (bytes, bytearray)):
        size = len(data)
        if size > max_bytes:
            raise ValueError(
                f"The file is {size / 1000:,.1f} KB; the limit is {max_bytes / 1000:,.0f} KB. Use a shorter text."
            )
        if b"\x00" in data:
            raise ValueError("The file looks binary (it contains NUL bytes). Upload a plain-text .txt file.")
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ValueError(
                f"The file is not UTF-8 text (undecodable byte at position {err.start}). Save it as UTF-8 plain text."
            ) from None
    elif isinstance(data, str):
        text = data
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise ValueError(
                f"The text is {size / 1000:,.1f} KB; the limit is {max_bytes / 1000:,.0f} KB. Use a shorter text."
            )
    else:
        raise ValueError("The corpus must be text or the bytes of a .txt file.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValueError("The text is empty. Paste or upload a few paragraphs.")
    control = [c for c in text if unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t"]
    if len(control) > max(2, len(text) // 100):
        raise ValueError("The text looks like binary data (many control characters). Use plain prose.")
    if control:
        text = "".join(c for c in text if c not in set(control))
    return unicodedata.normalize("NFC", text)


def tokenize(text: str, level: str) -> list[str]:
    """Characters (spaces and inner newlines included) or words and punctuation marks: encoding.tokenize, unbounded."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    return encoding.tokenize(text, level, max_tokens=10**9, max_chars=10**9)


def join_tokens(tokens, level: str) -> str:
    """Inverse of tokenize: characters concatenate; words get spaces, none before punctuation."""
    if level == "chars":
        return "".join(tokens)
    out = ""
    for tok in tokens:
        glue = "" if not out or tok in ".,;:!?)]}'\"" or out[-1] in "([{" else " "
        out += glue + tok
    return out


@dataclass(frozen=True)
class Corpus:
    """A text as one sequence of token ids over a vocabulary."""

    text: str
    level: str
    vocab: Vocab
    ids: np.ndarray  # (N,)
    unknown: int = 0  # tokens mapped to <unk> (or skipped, for a model's fixed vocabulary)

    def __len__(self) -> int:
        return int(self.ids.size)


def build_corpus(text: str, level: str, *, vocab: Vocab | None = None) -> Corpus:
    """Tokenise text and encode it. Without a vocab, one is built (rare words -> <unk>).

    With a given vocab (a loaded model's), unknown tokens become <unk> if it has one, else are skipped.
    """
    tokens = tokenize(text, level)
    if not tokens:
        raise ValueError("The text has no tokens.")
    unknown = 0
    if vocab is None:
        if level == "chars":
            vocab = Vocab.build(tokens)
            if len(vocab) > MAX_CHAR_VOCAB:
                raise ValueError(
                    f"The text has {len(vocab)} distinct characters; the limit is {MAX_CHAR_VOCAB}. Use plain prose."
                )
        else:
            counts = Counter(tokens)
            if len(counts) > MAX_WORD_VOCAB:
                keep = {w for w, _ in counts.most_common(MAX_WORD_VOCAB - 1)}
                unknown = sum(n for w, n in counts.items() if w not in keep)
                tokens = [t if t in keep else UNK for t in tokens]
            vocab = Vocab.build(tokens)
    else:
        if folds_case(vocab, level):
            tokens = [t.lower() for t in tokens]
        idx = vocab.index
        missing = sum(1 for t in tokens if t not in idx)
        if missing:
            unknown = missing
            tokens = [t if t in idx else UNK for t in tokens] if UNK in idx else [t for t in tokens if t in idx]
    ids = vocab.encode(tokens)
    return Corpus(text=text, level=level, vocab=vocab, ids=ids, unknown=unknown)


# ---------------------------------------------------------------------------- optimisers


class SGD:
    """theta <- theta - lr g."""

    def __init__(self, lr: float):
        self.lr = lr

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: p - self.lr * grads[k] for k, p in params.items()}


class Adagrad:
    """Per-entry step lr / sqrt(sum of past squared gradients): frequent features slow down."""

    def __init__(self, lr: float, eps: float = 1e-8):
        self.lr, self.eps = lr, eps
        self.G: dict[str, np.ndarray] = {}

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = {}
        for k, p in params.items():
            g = grads[k]
            G = self.G.setdefault(k, np.zeros_like(p))
            G += g * g
            out[k] = p - self.lr * g / (np.sqrt(G) + self.eps)
        return out


class Adam:
    """Running means of g and g^2, bias-corrected for their zero start (Kingma & Ba, 2015)."""

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.k = 0  # updates made so far
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self.k += 1
        b1, b2 = self.beta1, self.beta2
        c1, c2 = 1.0 - b1**self.k, 1.0 - b2**self.k  # bias corrections
        out = {}
        for key, p in params.items():
            g = grads[key]
            m = self.m.setdefault(key, np.zeros_like(p))
            v = self.v.setdefault(key, np.zeros_like(p))
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * (g * g)
            out[key] = p - self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
        return out


def make_optimizer(name: str, lr: float):
    """An optimiser by name: 'sgd', 'adagrad' or 'adam'."""
    classes = {"sgd": SGD, "adagrad": Adagrad, "adam": Adam}
    if name not in classes:
        raise ValueError(f"unknown optimiser {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    if not (lr > 0 and np.isfinite(lr)):
        raise ValueError("the learning rate must be a positive number")
    return classes[name](lr)


# ---------------------------------------------------------------------------- BLAS threads

_controller = None


def one_blas_thread():
    """A context that runs BLAS on one thread.

    The matrices here are small (H <= 512), so threads cost more than they save, and on a machine
    shared by many sessions a busy-waiting BLAS thread pool slows training more than tenfold.
    """
    global _controller
    if ThreadpoolController is None:
        return contextlib.nullcontext()
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


# ---------------------------------------------------------------------------- bounded history


@dataclass
class History:
    """(step, value) points with bounded memory: when full, every other point is dropped.

    The curve keeps its whole span at coarser resolution, so long training never grows memory.
    """

    max_points: int = MAX_HISTORY
    steps: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    stride: int = 1  # record one point every `stride` calls once thinned

    _calls: int = 0

    def add(self, step: int, value: float) -> None:
        self._calls += 1
        if (self._calls - 1) % self.stride:
            return
        self.steps.append(int(step))
        self.values.append(float(value))
        if len(self.steps) > self.max_points:
            self.steps, self.values = self.steps[::2], self.values[::2]
            self.stride *= 2

    def __len__(self) -> int:
        return len(self.steps)


# ---------------------------------------------------------------------------- model


@dataclass(frozen=True)
class TrainedModel:
    """What training produces: a cell's parameters over a vocabulary, at a token level."""

    cell: str
    level: str
    vocab: Vocab
    params: Any  # the cell's params dataclass

    @property
    def hidden_size(self) -> int:
        return _hidden_size(self.params)

    def as_float64(self) -> TrainedModel:
        """The same model in float64: the form the other pages read (exact maths, finite-difference checks)."""
        p64 = type(self.params)(**{k: v.astype(np.float64) for k, v in self.params.as_dict().items()})
        return TrainedModel(self.cell, self.level, self.vocab, p64)


def _hidden_size(params) -> int:
    return (
        int(params.hidden_size)
        if hasattr(params, "hidden_size")
        else int(next(iter(params.as_dict().values())).shape[0])
    )


def _expected_shapes(cell: str, V: int, H: int) -> dict[str, tuple[int, ...]]:
    spec = cells.CELLS[cell]
    return {k: v.shape for k, v in spec.init(V, H, V, seed=0).as_dict().items()}


# ---------------------------------------------------------------------------- vanilla fast path


class VanillaKernel:
    """Loss and exact gradients of the vanilla tanh RNN on token ids, with preallocated buffers.

    The same maths as rnn.forward / rnn.backward with one-hot inputs, arranged for speed:
    W_xh x_t is a row gather of W_xh^T (no one-hot product), the output layer is one matrix
    product over all T*B rows, and the loops over t write into buffers made once.
    """

    def __init__(self, T: int, B: int, H: int, V: int, dtype):
        self.shape = (T, B)
        self.hs = np.zeros((T + 1, B, H), dtype)  # hs[0] = carried state, hs[t] = h_t
        self.XW = np.empty((T, B, H), dtype)  # W_xh x_t + b_h
        self.da = np.empty((T, B, H), dtype)  # dL/da_t
        self.dh_out = np.empty((T, B, H), dtype)  # W_hy^T dL/dz_t
        self.fprime = np.empty((T, B, H), dtype)  # tanh'(a_t)
        self.carry = np.empty((B, H), dtype)  # dL/dh_t arriving from step t+1
        self.onehot = np.zeros((T * B, V), dtype)  # only for dW_xh = sum_t da_t x_t^T
        self.rows = np.arange(T * B)
        self.hs_rows, self.da_rows = list(self.hs), list(self.da)  # per-step views, made once

    def loss_and_grads(self, params: rnn.RNNParams, inputs: np.ndarray, targets: np.ndarray, h0):
        T, B = self.shape
        H = params.hidden_size
        n = T * B
        hs, XW, da, carry = self.hs, self.XW, self.da, self.carry
        W_hhT = params.W_hh.T
        # ---- forward: gather the input projections, loop only the recurrence
        table = params.W_xh.T + params.b_h  # (V, H): row v is W_xh o_v + b_h
        np.take(table, inputs, axis=0, out=XW)  # (T, B, H) a row gather, no one-hot product
        hs[0] = 0.0 if h0 is None else h0
        matmul, tanh = np.matmul, np.tanh  # local names and views: per-step overhead dominates at B=1
        for h_prev, h_t, xw_t in zip(self.hs_rows[:-1], self.hs_rows[1:], XW):
            matmul(h_prev, W_hhT, out=h_t)
            h_t += xw_t
            tanh(h_t, out=h_t)
        Hs = hs[1:].reshape(n, H)  # (T*B, H)
        z = Hs @ params.W_hy.T  # (T*B, V) logits for every step at once
        z += params.b_y
        z -= z.max(axis=1, keepdims=True)  # stable softmax, in place
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        tgt = targets.ravel()
        p_target = z[self.rows, tgt]
        loss_sum = float(-np.sum(np.log(np.maximum(p_target, np.finfo(z.dtype).tiny)), dtype=np.float64))
        # ---- backward: dL/dz = (p - onehot(target)) / n
        z[self.rows, tgt] -= 1.0
        z *= np.asarray(1.0 / n, z.dtype)
        dW_hy = z.T @ Hs
        db_y = z.sum(axis=0)
        dh_out = self.dh_out
        np.matmul(z, params.W_hy, out=dh_out.reshape(n, H))  # what each output sends back into h_t
        fprime = self.fprime
        np.multiply(hs[1:], hs[1:], out=fprime)
        np.subtract(1.0, fprime, out=fprime)  # (T, B, H) tanh'(a_t) = 1 - h_t^2
        carry.fill(0.0)
        W_hh, add = params.W_hh, np.add
        for da_t, dh_t, f_t in zip(self.da_rows[::-1], dh_out[::-1], fprime[::-1]):
            add(dh_t, carry, out=da_t)  # dL/dh_t: from the output and from step t+1
            da_t *= f_t  # back through tanh
            matmul(da_t, W_hh, out=carry)  # through W_hh into h_{t-1}
        Da = da.reshape(n, H)
        dW_hh = Da.T @ hs[:-1].reshape(n, H)
        self.onehot[self.rows, inputs.ravel()] = 1.0
        dW_xh = Da.T @ self.onehot
        self.onehot[self.rows, inputs.ravel()] = 0.0
        db_h = Da.sum(axis=0)
        grads = {"W_xh": dW_xh, "W_hh": dW_hh, "W_hy": dW_hy, "b_h": db_h, "b_y": db_y}
        return loss_sum, grads, hs[T].copy()


# ---------------------------------------------------------------------------- trainer


@dataclass
class TrainConfig:
    """Everything that defines a training run. lr, clip, clipnorm and window may change between chunks."""

    cell: str = "rnn"  # a key of cells.CELLS
    level: str = "chars"  # "chars" | "words"
    hidden: int = 64  # hidden size H
    window: int = 25  # truncated-BPTT window T
    batch: int = 16  # parallel streams B
    opt: str = "adam"
    lr: float = 0.01
    clip: bool = True
    clipnorm: float = 5.0
    seed: int = 0
    dtype: str = "float32"  # training precision; gradient checks use float64
    fast: bool = True  # the vanilla cell's fused kernel (same numbers as the generic path)

    @classmethod
    def from_settings(cls, s: Mapping[str, Any], *, batch: int = 16) -> TrainConfig:
        """The run the shareable settings describe (see visualizer.state)."""
        return cls(
            cell=s["cell"],
            level=s["level"],
            hidden=s["train_hidden"],
            window=s["window"],
            batch=batch,
            opt=s["optimizer"],
            lr=s["lr"],
            clip=s["clip"],
            clipnorm=s["clip_norm"],
            seed=s["seed"],
        )


# A loss spike: a step whose loss is SPIKE_FACTOR times the mean of the SPIKE_WINDOW steps before it.
SPIKE_WINDOW = 20
SPIKE_FACTOR = 1.5
MAX_SPIKES = 20


@dataclass(frozen=True)
class Spike:
    """A step where the loss jumped: usually one very large gradient (an exploding gradient) threw the weights."""

    step: int
    before: float  # mean loss of the steps just before
    loss: float
    grad_norm: float  # before clipping
    clipped: bool


@dataclass(frozen=True)
class StepResult:
    loss: float  # mean cross-entropy per token
    grad_norm: float  # global norm before clipping
    clipped: bool


class Trainer:
    """Owns the training state so it can advance in chunks and resume exactly where it stopped.

    State: params, optimiser state, stream positions, carried hidden state, step count and
    bounded histories of the loss, the pre-clip gradient norm and P(WATCH_NEXT | WATCH_PROMPT).
    """

    def __init__(self, corpus: Corpus, config: TrainConfig, params: Any = None, *, heldout: np.ndarray | None = None):
        if config.cell not in cells.CELLS:
            raise ValueError(f"unknown cell {config.cell!r}; available: {', '.join(cells.CELLS)}")
        if corpus.level != config.level:
            raise ValueError(f"the corpus is tokenised by {corpus.level}, the config asks for {config.level}")
        if not 1 <= config.hidden <= MAX_HIDDEN:
            raise ValueError(f"the hidden size must be between 1 and {MAX_HIDDEN}")
        if config.window < 1 or config.batch < 1:
            raise ValueError("the window and the batch must be at least 1")
        if len(corpus) < config.window + 1:
            raise ValueError(
                f"The text has only {len(corpus)} {config.level[:-1]} tokens; training with a window of "
                f"{config.window} needs at least {config.window + 1}. Add text or shorten the window."
            )
        self.corpus, self.config = corpus, config
        self.spec = cells.CELLS[config.cell]
        self.dtype = np.dtype(config.dtype)
        V = len(corpus.vocab)
        if params is None:
            params = self.spec.init(V, config.hidden, V, seed=config.seed, dtype=self.dtype)
        else:
            params = type(params)(**{k: np.array(v, dtype=self.dtype) for k, v in params.as_dict().items()})
        self.params = params
        self.optimizer = make_optimizer(config.opt, config.lr)
        N, B = len(corpus), config.batch
        self.positions = (np.arange(B, dtype=np.int64) * N) // B  # (B,) evenly spaced stream starts
        self.state = None  # carried hidden state; None is the zero state
        self.step_count = 0
        self.tokens_seen = 0
        self.losses = History()
        self.grad_norms = History()
        self.watch = History()
        self.diverged = False
        self.clip_events = 0  # steps whose gradient was clipped
        self.spikes: list[Spike] = []  # the latest loss spikes, newest last (at most MAX_SPIKES)
        self.heldout = None if heldout is None or len(heldout) < 2 else np.asarray(heldout, dtype=np.int64)
        self.heldout_losses = History()
        self._recent: deque[float] = deque(maxlen=SPIKE_WINDOW)  # the losses a spike is measured against
        self._watch_ids = self._watch_sequence()
        self._kernel: VanillaKernel | None = None  # the vanilla cell's fast path, buffers reused

    # -- data ---------------------------------------------------------------------------------

    def _window(self) -> tuple[np.ndarray, np.ndarray]:
        """(inputs (T, B), targets (T, B)) token ids of the current window of every stream."""
        T = self.config.window
        idx = (self.positions[None, :] + np.arange(T + 1)[:, None]) % len(self.corpus)  # (T+1, B)
        tok = self.corpus.ids[idx]
        return tok[:-1], tok[1:]

    def loss_and_grads(self, inputs: np.ndarray, targets: np.ndarray):
        """(summed loss, {name: dL/dparam} of the mean loss, final state) for one window.

        The vanilla cell takes the fast kernel unless config.fast is off; every other cell runs
        the generic contract of cells.CELLS on one-hot inputs.
        """
        T, B = inputs.shape
        if self.config.cell == "rnn" and self.config.fast:
            if self._kernel is None or self._kernel.shape != (T, B):
                self._kernel = VanillaKernel(T, B, self.config.hidden, len(self.corpus.vocab), self.dtype)
            return self._kernel.loss_and_grads(self.params, inputs, targets, self.state)
        X = encoding.one_hot(inputs.ravel(), len(self.corpus.vocab), self.dtype).reshape(T, B, -1)  # (T, B, V)
        trace = self.spec.forward(self.params, X, self.state, fused_input=True)
        loss_sum, dlogits = rnn.cross_entropy(trace.probs, targets)
        dlogits *= np.asarray(1.0 / targets.size, dlogits.dtype)  # mean over T*B tokens
        grads = {k[1:]: g for k, g in self.spec.backward(self.params, trace, dlogits).params_dict().items()}
        return loss_sum, grads, trace.final_state

    # -- one step -----------------------------------------------------------------------------

    def step(self) -> StepResult:
        """One truncated-BPTT window on every stream, then one clipped optimiser update."""
        cfg = self.config
        inputs, targets = self._window()
        n = targets.size
        loss_sum, grads, final_state = self.loss_and_grads(inputs, targets)
        norm = rnn.global_norm(grads.values())
        if not np.isfinite(norm) or not np.isfinite(loss_sum):
            self.diverged = True
            return StepResult(loss=float("nan"), grad_norm=norm, clipped=False)
        clipped = False
        if cfg.clip:  # a separate, visible step: the gradient above is exact
            grads, _ = rnn.clip_arrays(grads, cfg.clipnorm, norm)
            clipped = norm > cfg.clipnorm
            self.clip_events += int(clipped)
        loss = loss_sum / n
        if len(self._recent) == SPIKE_WINDOW and loss > SPIKE_FACTOR * float(np.mean(self._recent)):
            self.spikes = [*self.spikes, Spike(self.step_count + 1, float(np.mean(self._recent)), loss, norm, clipped)]
            self.spikes = self.spikes[-MAX_SPIKES:]
        self._recent.append(loss)
        self.optimizer.lr = cfg.lr
        new = self.optimizer.update(self.params.as_dict(), grads)
        self.params = type(self.params)(**new)
        self.state = final_state  # carried into the next window; gradients stop here
        self.positions = (self.positions + cfg.window) % len(self.corpus)
        self.step_count += 1
        self.tokens_seen += n
        self.losses.add(self.step_count, loss)
        self.grad_norms.add(self.step_count, norm)
        return StepResult(loss=loss, grad_norm=norm, clipped=clipped)

    def train(self, n_steps: int) -> list[StepResult]:
        """Advance by n_steps (stops early if training diverged) and update the watched probability."""
        results = []
        with one_blas_thread():
            for _ in range(n_steps):
                if self.diverged:
                    break
                results.append(self.step())
            if results and self._watch_ids is not None:
                self.watch.add(self.step_count, self.watch_probability())
            if results and self.heldout is not None and not self.diverged:
                self.heldout_losses.add(self.step_count, mean_loss(self.model(), self.heldout))
        return results

    def train_for(self, seconds: float, *, until_step: int, chunk: int = 20) -> int:
        """Train in chunks of at most `chunk` steps for about `seconds`, never past `until_step`.

        Returns the number of steps taken. The page calls this once per rerun of its fragment, so
        training advances in short slices and other interactions are served in between.
        """
        start, t0 = self.step_count, time.perf_counter()
        while self.step_count < until_step and not self.diverged and time.perf_counter() - t0 < seconds:
            self.train(min(chunk, until_step - self.step_count))
        return self.step_count - start

    # -- what the page shows ------------------------------------------------------------------

    def model(self) -> TrainedModel:
        return TrainedModel(cell=self.config.cell, level=self.config.level, vocab=self.corpus.vocab, params=self.params)

    def _watch_sequence(self):
        """Ids of WATCH_PROMPT + WATCH_NEXT when every token is in the vocabulary, else None."""
        level = self.config.level
        toks = tokenize(WATCH_PROMPT, level), tokenize(WATCH_NEXT[level], level)
        if folds_case(self.corpus.vocab, level):
            toks = [t.lower() for t in toks[0]], [t.lower() for t in toks[1]]
        idx = self.corpus.vocab.index
        if all(t in idx for part in toks for t in part):
            return [idx[t] for t in toks[0]], [idx[t] for t in toks[1]]
        return None

    def watch_probability(self) -> float:
        """P(WATCH_NEXT | WATCH_PROMPT) under the current model (chain rule over its tokens)."""
        prompt, nxt = self._watch_ids
        return continuation_probability(self.model(), prompt, nxt)

    @property
    def loss_estimate(self) -> float:
        """The mean of the last few recorded losses (smoother than the last one)."""
        vals = self.losses.values[-10:]
        return float(np.mean(vals)) if vals else float("nan")


def trainer_from_model(model: TrainedModel, text: str, config: TrainConfig) -> Trainer:
    """A trainer that continues from a loaded model on text, using the model's own vocabulary."""
    corpus = build_corpus(text, model.level, vocab=model.vocab)
    cfg = replace(config, cell=model.cell, level=model.level, hidden=model.hidden_size)
    return Trainer(corpus, cfg, params=model.params)


# ---------------------------------------------------------------------------- inference


def folds_case(vocab: Vocab, level: str) -> bool:
    """True for a word vocabulary without capital letters: text read by it is lower-cased first."""
    return level == "words" and not any(t != t.lower() for t in vocab.tokens)


def prompt_tokens(model: TrainedModel, prompt: str) -> list[str]:
    """The prompt's tokens as the model reads them (lower-cased for a lower-case word vocabulary)."""
    tokens = tokenize(prompt, model.level) if prompt else []
    return [t.lower() for t in tokens] if folds_case(model.vocab, model.level) else tokens


def encode_prompt(model: TrainedModel, prompt: str) -> np.ndarray:
    """Prompt -> ids (P,); tokens the model never saw become <unk> when it has one, else ValueError naming them."""
    return model.vocab.encode(prompt_tokens(model, prompt), unknown="unk")


def _run(model: TrainedModel, ids, state=None):
    spec = cells.CELLS[model.cell]
    dtype = next(iter(model.params.as_dict().values())).dtype
    X = encoding.one_hot(ids, len(model.vocab), dtype)  # (P, V)
    return spec.forward(model.params, X, state, fused_input=True)


def next_token_probs(model: TrainedModel, prompt: str) -> np.ndarray:
    """P(next token | prompt), (V,) in float64. An empty prompt gives the uniform distribution."""
    ids = encode_prompt(model, prompt)
    if ids.size == 0:
        return np.full(len(model.vocab), 1.0 / len(model.vocab))
    p = np.asarray(_run(model, ids).probs[-1], dtype=np.float64)
    return p / p.sum()


def continuation_probability(model: TrainedModel, prompt_ids, next_ids) -> float:
    """P(next_ids | prompt_ids) = prod_k p(next_k | prompt, next_<k), one teacher-forced pass."""
    seq = list(prompt_ids) + list(next_ids)
    probs = np.asarray(_run(model, seq[:-1]).probs, dtype=np.float64)  # (P+K-1, V)
    start = len(prompt_ids) - 1
    picked = probs[np.arange(start, len(seq) - 1), np.asarray(next_ids)]
    return float(np.exp(np.sum(np.log(np.maximum(picked, 1e-300)))))


def mean_loss(model: TrainedModel, ids, *, streams: int = 8) -> float:
    """Mean -log p(ids[t] | ids before t) in nats/token, the text cut into `streams` pieces read at once.

    Each piece starts from the zero state (one batched forward pass), so the first tokens of each piece are
    predicted with less context than the whole text would give; with pieces of hundreds of tokens the
    difference is small.
    """
    ids = np.asarray(ids, dtype=np.int64)
    if ids.size < 2:
        raise ValueError("need at least two tokens")
    B = max(1, min(streams, (ids.size - 1) // 16))
    T = (ids.size - 1) // B
    inputs = ids[: T * B].reshape(B, T).T  # (T, B)
    targets = ids[1 : T * B + 1].reshape(B, T).T  # (T, B)
    dtype = next(iter(model.params.as_dict().values())).dtype
    X = encoding.one_hot(inputs.ravel(), len(model.vocab), dtype).reshape(T, B, -1)  # (T, B, V)
    probs = cells.CELLS[model.cell].forward(model.params, X, None, fused_input=True).probs
    p = np.take_along_axis(np.asarray(probs, np.float64), targets[..., None], axis=-1)[..., 0]  # (T, B)
    return float(-np.mean(np.log(np.maximum(p, 1e-300))))


def top_k(model: TrainedModel, probs: np.ndarray, k: int = 10) -> list[tuple[str, float]]:
    """The k most probable tokens with their probabilities, most probable first (ties by id)."""
    order = np.argsort(-probs, kind="stable")[:k]
    return [(model.vocab.tokens[i], float(probs[i])) for i in order]


def sample(model: TrainedModel, prompt: str, n: int = 200, *, temperature: float = 1.0, seed: int = 0) -> str:
    """Continue the prompt by n tokens drawn from softmax(z / temperature). Same seed, same text.

    An empty prompt starts from a token drawn uniformly with the same generator.
    """
    if not temperature > 0:
        raise ValueError("the temperature must be positive")
    rng = np.random.default_rng(seed)
    ids = list(encode_prompt(model, prompt))
    if not ids:
        ids = [int(rng.integers(len(model.vocab)))]
    trace = _run(model, ids)
    state, z = trace.final_state, np.asarray(trace.logits[-1], np.float64)
    out: list[int] = []
    for _ in range(n):
        p = rnn.softmax(z / temperature)
        nxt = int(rng.choice(p.size, p=p / p.sum()))
        out.append(nxt)
        trace = _run(model, [nxt], state)
        state, z = trace.final_state, np.asarray(trace.logits[-1], np.float64)
    return join_tokens(model.vocab.decode(out), model.level)


# ---------------------------------------------------------------------------- save / load


def save_npz(model: TrainedModel) -> bytes:
    """The model as .npz bytes: no pickles, only numeric arrays and unicode strings."""
    arrays = {f"p_{k}": v for k, v in model.params.as_dict().items()}
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
    V, H = len(tokens), int(hidden)
    expected = _expected_shapes(cell, V, H)
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
    params = cells.CELLS[cell].params_type(**{k: given[k] for k in expected})
    return TrainedModel(cell=cell, level=level, vocab=Vocab(tokens), params=params)
