"""The five sequence-type networks as trainable models: forward, loss, exact backward, Adam training, decoding.

Every network is built from the vanilla cell of rnn.py (h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h)), with
one-hot inputs, and differs in what it reads and where the loss is counted:

    one_to_one       reads one word, one step; the loss is on that step (W_hh multiplies h_0 = 0: unused)
    one_to_many      step 1 reads the start word, step t > 1 reads the word written at t-1 (teacher forcing in
                     training, the network's own choice when generating); a loss at every step until <end>
    many_to_one      reads every word; the loss only on the last step's output
    many_to_many     reads every word; a loss at every step (one tag per word)
    encoder_decoder  the encoder reads the sentence; its last state is the decoder's h_0; the decoder reads
                     <start>, y_1, y_2, … and emits y_1, y_2, …, <end>. With attention (attention.py) the decoder's
                     outputs come from [c_t; h_t], where c_t mixes *all* encoder states.

Loss: mean cross-entropy over the counted steps, L = -1/N sum log p_t[target_t].

The encoder emits nothing, but its states receive gradient (from the decoder's h_0 and, with attention, from
every c_t). rnn.backward takes that gradient in the place of dL/dlogits when the output layer is the identity
(W_hy = I, b_y = 0): then W_hy^T dlogits_t is exactly dL/dh_t from outside. Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from visualizer.nn import attention
from visualizer.nn import rnn
from visualizer.data.encoding import Vocab
from visualizer.nn.optim import Adam

SEQTYPES = ("one_to_one", "one_to_many", "many_to_one", "many_to_many", "encoder_decoder")
START, END = "<start>", "<end>"


@dataclass(frozen=True)
class TaskModel:
    """A trained network for one sequence type: its cells and its input / output vocabularies."""

    kind: str
    vocab_in: Vocab  # the words it reads (with <unk>)
    vocab_out: Vocab  # its output space: categories, verdicts, tags or target words (+ <start>, <end>)
    enc: rnn.RNNParams  # the cell that reads the input (one_to_many: also the fed-back words)
    dec: rnn.RNNParams | None = None  # encoder–decoder: the decoder's own weights
    att: attention.AttentionParams | None = None  # encoder–decoder with attention: the read-out

    @property
    def hidden_size(self) -> int:
        return self.enc.hidden_size

    def arrays(self) -> dict[str, np.ndarray]:
        """Every parameter array, named 'part.name' (enc.W_xh, dec.W_hh, att.W_c, …)."""
        out = {}
        for part in ("enc", "dec", "att"):
            p = getattr(self, part)
            if p is not None:
                out.update({f"{part}.{k}": v for k, v in p.as_dict().items()})
        return out

    def with_arrays(self, arrays: dict[str, np.ndarray]) -> TaskModel:
        """The same model with new parameter arrays (names as in `arrays()`)."""
        parts = {}
        for part in ("enc", "dec", "att"):
            p = getattr(self, part)
            if p is not None:
                parts[part] = type(p)(**{k: arrays[f"{part}.{k}"] for k in p.as_dict()})
        return replace(self, **parts)


def init_model(
    kind: str, vocab_in: Vocab, vocab_out: Vocab, hidden: int, *, attend: bool = False, seed: int = 0
) -> TaskModel:
    """Random weights for a task network (seeded: the same arguments give the same weights)."""
    if kind not in SEQTYPES:
        raise ValueError(f"unknown sequence type {kind!r}")
    Vi, Vo = len(vocab_in), len(vocab_out)
    if kind == "one_to_many":  # the start word and the fed-back word share one input vector [o_w; o_y]
        return TaskModel(kind, vocab_in, vocab_out, rnn.init_params(Vi + Vo, hidden, Vo, seed=seed))
    if kind != "encoder_decoder":
        return TaskModel(kind, vocab_in, vocab_out, rnn.init_params(Vi, hidden, Vo, seed=seed))
    enc = rnn.init_params(Vi, hidden, 1, seed=seed)  # emits nothing: a 1-unit output layer, never used
    dec = rnn.init_params(Vo, hidden, 1 if attend else Vo, seed=seed + 1)
    att = attention.init_attention(hidden, Vo, seed=seed + 2) if attend else None
    return TaskModel(kind, vocab_in, vocab_out, enc, dec, att)


# ---------------------------------------------------------------------------- batches


@dataclass(frozen=True)
class Batch:
    """B examples of equal input length, time-first; targets padded where an output sequence is shorter."""

    src: np.ndarray  # (S, B) input word ids
    tgt: np.ndarray  # (T, B) target ids (label, tags, or words then <end>)
    mask: np.ndarray  # (T, B) 1 where the step's loss counts


def one_hot(ids: np.ndarray | int, V: int) -> np.ndarray:
    """(…) ids -> (…, V) rows of the identity."""
    return np.eye(V)[np.asarray(ids, dtype=np.int64)]


def _identity_out(p: rnn.RNNParams) -> rnn.RNNParams:
    """The cell with W_hy = I: rnn.backward then reads dlogits as dL/dh_t from outside (see module doc)."""
    H = p.hidden_size
    return replace(p, W_hy=np.eye(H, dtype=p.W_hh.dtype), b_y=np.zeros(H, p.W_hh.dtype))


def _teacher_inputs(model: TaskModel, batch: Batch) -> np.ndarray:
    """The generators' step inputs under teacher forcing: (T, B, D)."""
    Vi, Vo = len(model.vocab_in), len(model.vocab_out)
    if model.kind == "one_to_many":
        X = np.zeros((*batch.tgt.shape, Vi + Vo))
        X[0, :, :Vi] = one_hot(batch.src[0], Vi)  # step 1: the start word
        X[1:, :, Vi:] = one_hot(batch.tgt[:-1], Vo)  # then the previous target word
        return X
    prev = np.vstack([np.full((1, batch.tgt.shape[1]), model.vocab_out.index[START]), batch.tgt[:-1]])
    return one_hot(prev, Vo)  # decoder: <start>, y_1, …, y_{T-1}


def loss_and_grads(model: TaskModel, batch: Batch) -> tuple[float, dict[str, np.ndarray]]:
    """Mean cross-entropy over the counted steps and its exact gradient, {'enc.W_xh': …} like model.arrays()."""
    n = float(batch.mask.sum())
    if model.kind != "encoder_decoder":
        X = _teacher_inputs(model, batch) if model.kind == "one_to_many" else one_hot(batch.src, len(model.vocab_in))
        tr = rnn.forward(model.enc, X, fused_input=True)
        loss, dz = rnn.cross_entropy(tr.probs, batch.tgt, batch.mask)
        g = rnn.backward(model.enc, tr, dz / n)
        return loss / n, {f"enc.{k[1:]}": v for k, v in g.params_dict().items()}
    dec = model.dec
    assert dec is not None, "an encoder–decoder has a decoder"
    enc_tr = rnn.forward(model.enc, one_hot(batch.src, len(model.vocab_in)), fused_input=True)
    dec_tr = rnn.forward(dec, _teacher_inputs(model, batch), h0=enc_tr.hs[-1], fused_input=True)
    dS = np.zeros_like(enc_tr.hs[1:])  # dL/ds_s from attention
    grads: dict[str, np.ndarray] = {}
    if model.att is None:
        loss, dz = rnn.cross_entropy(dec_tr.probs, batch.tgt, batch.mask)
        dg = rnn.backward(dec, dec_tr, dz / n)
    else:
        att_tr = attention.forward(model.att, enc_tr.hs[1:], dec_tr.hs[1:])
        loss, dz = rnn.cross_entropy(att_tr.probs, batch.tgt, batch.mask)
        ag = attention.backward(model.att, att_tr, dz / n)
        grads.update({f"att.{k[1:]}": v for k, v in ag.params_dict().items()})
        dS = ag.dS
        dg = rnn.backward(_identity_out(dec), dec_tr, ag.dHd)
        dg = replace(dg, dW_hy=np.zeros_like(dec.W_hy), db_y=np.zeros_like(dec.b_y))
    grads.update({f"dec.{k[1:]}": v for k, v in dg.params_dict().items()})
    dS = dS.copy()
    dS[-1] += dg.dh0  # the context: the decoder's h_0 is the encoder's last state
    eg = rnn.backward(_identity_out(model.enc), enc_tr, dS)
    grads.update({f"enc.{k[1:]}": v for k, v in eg.params_dict().items()})
    grads["enc.W_hy"], grads["enc.b_y"] = np.zeros_like(model.enc.W_hy), np.zeros_like(model.enc.b_y)
    return loss / n, grads


# ---------------------------------------------------------------------------- training


def train(model: TaskModel, batches: list[Batch], *, epochs: int, lr: float = 0.02, clip: float = 5.0, seed: int = 0):
    """Adam on the mean loss, one update per batch, batches in a seeded order each epoch; clipping by global
    norm is a separate step after the exact gradient. Returns (trained model, mean loss per epoch)."""
    rng = np.random.default_rng(seed)
    opt = Adam(lr)
    arrays = model.arrays()
    losses = []
    for _ in range(epochs):
        total = 0.0
        for i in rng.permutation(len(batches)):
            loss, grads = loss_and_grads(model, batches[i])
            grads, _ = rnn.clip_arrays(grads, clip)
            arrays = opt.update(arrays, grads)
            model = model.with_arrays(arrays)
            total += loss
        losses.append(total / len(batches))
    return model, losses


# ---------------------------------------------------------------------------- running on one example


@dataclass(frozen=True)
class TaskRun:
    """One example through a trained network: the states and every output distribution."""

    src: np.ndarray  # (S,) input ids
    hs: np.ndarray  # (N+1, H) every hidden state in step order (encoder then decoder), hs[0] = 0
    probs: np.ndarray  # (N_out, V_out) the distribution at every step that has an output
    out_ids: np.ndarray  # (N_out,) the chosen output (argmax)
    weights: np.ndarray | None = None  # (T, S) attention weights, encoder–decoder with attention


def run(model: TaskModel, src: np.ndarray, *, max_len: int = 20) -> TaskRun:
    """Classify, tag, generate or translate the word ids `src` (greedy: the most probable output each step).

    one_to_one / many_to_many / many_to_one return a distribution at every step read (for many-to-one these are
    the verdicts the network would give after each prefix; only the last is its answer). The generators stop after
    <end> or `max_len` words."""
    src = np.asarray(src, dtype=np.int64)
    Vi, Vo = len(model.vocab_in), len(model.vocab_out)
    end = model.vocab_out.index.get(END)
    if model.kind in ("one_to_one", "many_to_one", "many_to_many"):
        tr = rnn.forward(model.enc, one_hot(src[:1] if model.kind == "one_to_one" else src, Vi))
        return TaskRun(src, tr.hs, tr.probs, tr.probs.argmax(-1))
    S = np.zeros((0, model.hidden_size))  # the encoder's states, which attention reads
    if model.kind == "one_to_many":
        cell, x = model.enc, np.concatenate([one_hot(src[0], Vi), np.zeros(Vo)])
        h = np.zeros(cell.hidden_size)
        hs = [h]
    else:
        assert model.dec is not None, "an encoder–decoder has a decoder"
        enc_tr = rnn.forward(model.enc, one_hot(src, Vi))
        cell, x, h, S = model.dec, one_hot(model.vocab_out.index[START], Vo), enc_tr.hs[-1], enc_tr.hs[1:]
        hs = list(enc_tr.hs)
    probs, ids, weights = [], [], []
    for _ in range(max_len):
        _, h, _, p = rnn.step(cell, h, x)
        if model.att is not None:
            at = attention.forward(model.att, S, h[None])
            p = at.probs[0]
            weights.append(at.weights[0])
        hs.append(h)
        probs.append(p)
        ids.append(int(np.argmax(p)))
        if ids[-1] == end:
            break
        y = one_hot(ids[-1], Vo)  # the emitted word is the next input
        x = np.concatenate([np.zeros(Vi), y]) if model.kind == "one_to_many" else y
    return TaskRun(src, np.array(hs), np.array(probs), np.array(ids), np.array(weights) if weights else None)
