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

(the optimisers are in visualizer.nn.optim; what the trained model predicts, sampling included, in predict.py).
The cell is any entry of cells.CELLS; pure NumPy, no Streamlit.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from visualizer.data import encoding
from visualizer.data.corpus import Corpus, build_corpus, tokens_read_by
from visualizer.data.trained_model import MAX_HIDDEN, TrainedModel
from visualizer.labs.training.predict import continuation_probability, mean_loss
from visualizer.nn import cells, deep, rnn
from visualizer.nn.optim import make_optimizer

MAX_HISTORY = 1000  # points kept per curve; older points are thinned, never unbounded
MEASURE_EVERY = 25  # steps between measurements of P(America) (and at step 1)
HELDOUT_EVERY = 100  # steps between held-out losses (and at step 1): a pass over the held-out story is ~16 ms

# The articles' example: after this prompt, a model with memory should expect "America".
WATCH_PROMPT = "He grew up in the United States of"
WATCH_NEXT = {"chars": " America", "words": "America"}


# ---------------------------------------------------------------------------- bounded history


@dataclass
class History:
    """(step, value) points with bounded memory: when full, every other point is dropped.

    The curve keeps its whole span at coarser resolution, so long training never grows memory; the
    newest point is always kept (the curve ends at the step the page shows), in a last slot that the
    next point on the stride replaces.
    """

    max_points: int = MAX_HISTORY
    steps: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    stride: int = 1  # record one point every `stride` calls once thinned

    _calls: int = 0
    _tail: bool = False  # the last point is off the stride (kept only until the next point)

    def add(self, step: int, value: float) -> None:
        self._calls += 1
        if self._tail:
            self.steps.pop()
            self.values.pop()
            self._tail = False
        if (self._calls - 1) % self.stride:
            self.steps.append(int(step))
            self.values.append(float(value))
            self._tail = True
            return
        self.steps.append(int(step))
        self.values.append(float(value))
        if len(self.steps) >= self.max_points:  # room stays for the newest point off the stride
            newest = self.steps[-1], self.values[-1]
            self.steps, self.values = self.steps[::2], self.values[::2]
            self.stride *= 2
            if self.steps[-1] != newest[0]:
                self.steps.append(newest[0])
                self.values.append(newest[1])
                self._tail = True

    def __len__(self) -> int:
        return len(self.steps)


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
    layers: int = 1  # stacked recurrent layers (nn/deep.py when > 1)
    window: int = 25  # truncated-BPTT window T
    batch: int = 16  # parallel streams B
    opt: str = "adam"
    lr: float = 0.01
    clip: bool = True
    clipnorm: float = 5.0
    seed: int = 0
    dtype: str = "float32"  # training precision; gradient checks use float64
    fast: bool = True  # the vanilla cell's fused kernel (same numbers as the generic path)


# A loss spike: a step whose loss is SPIKE_FACTOR times the mean of the SPIKE_WINDOW steps before it.
SPIKE_WINDOW = 20
SPIKE_FACTOR = 1.5
MAX_SPIKES = 20


@dataclass(frozen=True)
class Spike:
    """A step whose loss jumped, and the numbers that say why: the loss at step t is measured before step t's
    update, so the update that led here is step t-1's, with gradient norm `prev_norm`."""

    step: int
    before: float  # mean loss of the steps just before
    loss: float
    grad_norm: float  # this step's gradient norm, before clipping
    clipped: bool  # this step's gradient was clipped
    prev_norm: float = float("nan")  # the previous step's gradient norm (the update that led here), before clipping
    typical_norm: float = float("nan")  # median gradient norm of the SPIKE_WINDOW steps before, before clipping
    clip_on: bool = True  # clipping was switched on
    clipnorm: float = 5.0  # its cap


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
        if not 1 <= config.layers <= deep.MAX_LAYERS:
            raise ValueError(f"the number of layers must be between 1 and {deep.MAX_LAYERS}")
        if params is None and config.layers > 1:
            params = deep.init(
                config.cell, V, config.hidden, V, layers=config.layers, seed=config.seed, dtype=self.dtype
            )
        elif params is None:
            params = self.spec.init(V, config.hidden, V, seed=config.seed, dtype=self.dtype)
        elif isinstance(params, deep.DeepParams):
            params = params.astype(self.dtype)
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
        self._recent_norms: deque[float] = deque(maxlen=SPIKE_WINDOW)  # ... and the gradient norms before clipping
        self._watch_ids = self._watch_sequence()
        self._kernel: VanillaKernel | None = None  # the vanilla cell's fast path, buffers reused

    def __getstate__(self) -> dict:
        """Pickled without the fast kernel's scratch buffers (rebuilt on the next step): a trainer
        travels to a worker process and back for every slice of training."""
        return {**self.__dict__, "_kernel": None}

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
        if isinstance(self.params, deep.DeepParams):  # a stacked network: nn/deep.py, state carried per layer
            X = encoding.one_hot(inputs.ravel(), len(self.corpus.vocab), self.dtype).reshape(T, B, -1)
            dtrace = deep.forward(self.params, X, self.state, fused_input=True)
            loss_sum, dlogits = rnn.cross_entropy(dtrace.probs, targets)
            dlogits *= np.asarray(1.0 / targets.size, dlogits.dtype)
            dgrads = deep.backward(self.params, dtrace, dlogits, input_grad=False).params_dict()
            return loss_sum, {k[1:]: g for k, g in dgrads.items()}, dtrace.final_state
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
            spike = Spike(
                self.step_count + 1,
                float(np.mean(self._recent)),
                loss,
                norm,
                clipped,
                prev_norm=self._recent_norms[-1],
                typical_norm=float(np.median(list(self._recent_norms)[:-1])),
                clip_on=cfg.clip,
                clipnorm=cfg.clipnorm,
            )
            self.spikes = [*self.spikes, spike][-MAX_SPIKES:]
        self._recent.append(loss)
        self._recent_norms.append(float(norm))
        self.optimizer.lr = cfg.lr
        new = self.optimizer.update(self.params.as_dict(), grads)
        if isinstance(self.params, deep.DeepParams):
            self.params = deep.replace_arrays(self.params, new)
        else:
            self.params = type(self.params)(**new)
        self.state = final_state  # carried into the next window; gradients stop here
        self.positions = (self.positions + cfg.window) % len(self.corpus)
        self.step_count += 1
        self.tokens_seen += n
        self.losses.add(self.step_count, loss)
        self.grad_norms.add(self.step_count, norm)
        return StepResult(loss=loss, grad_norm=norm, clipped=clipped)

    def train(self, n_steps: int) -> list[StepResult]:
        """Advance by n_steps (stops early if training diverged), measuring on the MEASURE_EVERY schedule."""
        results = []
        for _ in range(n_steps):
            if self.diverged:
                break
            results.append(self.step())
            n = self.step_count
            if not self.diverged and (n == 1 or n % MEASURE_EVERY == 0 or n % HELDOUT_EVERY == 0):
                self.measure(heldout=n == 1 or n % HELDOUT_EVERY == 0)
        return results

    def measure(self, *, heldout: bool = True) -> None:
        """Record P(WATCH_NEXT | WATCH_PROMPT) (and the held-out loss) at the current step.

        On a schedule of steps, not once per call: the curves are the same however training is split
        into chunks, and a chunk of 3 steps does not pay for a held-out pass."""
        if self._watch_ids is not None:
            self.watch.add(self.step_count, self.watch_probability())
        if heldout and self.heldout is not None:
            self.heldout_losses.add(self.step_count, mean_loss(self.model(), self.heldout))

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
        level, vocab = self.config.level, self.corpus.vocab
        toks = tokens_read_by(vocab, WATCH_PROMPT, level), tokens_read_by(vocab, WATCH_NEXT[level], level)
        idx = vocab.index
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
    cfg = replace(config, cell=model.cell, level=model.level, hidden=model.hidden_size, layers=model.layers)
    return Trainer(corpus, cfg, params=model.params)
