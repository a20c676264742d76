"""Global dot-product attention (Luong, Pham & Manning, 2015) on top of a decoder RNN: forward and exact backward.

The encoder's states s_1..s_S and the decoder's states h_1..h_T are given. At every output step t the decoder
looks at *all* encoder states, not only the last one:

    e_ts     = h_t · s_s                               score: the "dot" score of Luong et al.
    α_t      = softmax_s(e_t)                          attention weights, α_ts >= 0, sum_s α_ts = 1
    c_t      = sum_s α_ts s_s                          context vector for step t
    h̃_t      = tanh(W_c [c_t; h_t] + b_c)              attentional hidden state
    logits_t = W_hy h̃_t + b_y                          p_t = softmax(logits_t)

(Luong's "global attention" with the dot score, without input feeding: the decoder RNN itself runs as usual
and attention only changes what each step emits.) Arrays are time-first, with an optional batch axis:
S (S, [B,] H), Hd (T, [B,] H). Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.nn import rnn


@dataclass(frozen=True)
class AttentionParams(rnn.ParamArrays):
    """The attention read-out: combine [c_t; h_t] into h̃_t, then the output layer."""

    W_c: np.ndarray  # (H, 2H) [context; decoder state] -> attentional state
    b_c: np.ndarray  # (H,)
    W_hy: np.ndarray  # (V, H) attentional state -> output logits
    b_y: np.ndarray  # (V,)


def init_attention(hidden_size: int, output_size: int, *, seed: int = 0, dtype=np.float64) -> AttentionParams:
    """Random N(0, 1/fan_in) weights from an explicit generator; zero biases."""
    rng = np.random.default_rng(seed)
    H, V = hidden_size, output_size
    return AttentionParams(
        W_c=(rng.standard_normal((H, 2 * H)) / np.sqrt(2 * H)).astype(dtype),
        b_c=np.zeros(H, dtype),
        W_hy=(rng.standard_normal((V, H)) / np.sqrt(H)).astype(dtype),
        b_y=np.zeros(V, dtype),
    )


@dataclass(frozen=True)
class AttentionTrace:
    """Everything the attention forward computed, kept for display and for backward."""

    S: np.ndarray  # (S, [B,] H) encoder states
    Hd: np.ndarray  # (T, [B,] H) decoder states
    weights: np.ndarray  # (T, [B,] S) α_ts, each row sums to 1
    context: np.ndarray  # (T, [B,] H) c_t
    h_att: np.ndarray  # (T, [B,] H) h̃_t
    logits: np.ndarray  # (T, [B,] V)
    probs: np.ndarray  # (T, [B,] V)


@dataclass(frozen=True)
class AttentionGrads:
    """Exact gradients of the loss; dS and dHd flow back into the encoder and decoder RNNs."""

    dW_c: np.ndarray
    db_c: np.ndarray
    dW_hy: np.ndarray
    db_y: np.ndarray
    dS: np.ndarray  # (S, [B,] H)
    dHd: np.ndarray  # (T, [B,] H)

    PARAM_NAMES = ("dW_c", "db_c", "dW_hy", "db_y")

    def params_dict(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in self.PARAM_NAMES}


def _batch_first(a: np.ndarray) -> np.ndarray:
    """(N, [B,] H) -> ([B,] N, H) so the per-sequence products are batched matmuls."""
    return np.moveaxis(a, 0, -2)


def forward(params: AttentionParams, S: np.ndarray, Hd: np.ndarray) -> AttentionTrace:
    """Attend from every decoder state to every encoder state and emit p_t. See the module equations."""
    S, Hd = np.asarray(S, params.W_c.dtype), np.asarray(Hd, params.W_c.dtype)
    if S.ndim != Hd.ndim or S.shape[1:] != Hd.shape[1:] or S.shape[-1] != params.W_c.shape[0]:
        raise ValueError(f"encoder states {S.shape} and decoder states {Hd.shape} do not match H={params.W_c.shape[0]}")
    Sb, Hb = _batch_first(S), _batch_first(Hd)  # ([B,] S, H), ([B,] T, H)
    scores = Hb @ np.swapaxes(Sb, -1, -2)  # ([B,] T, S) e_ts = h_t · s_s
    alpha = rnn.softmax(scores)  # over the encoder steps
    context = alpha @ Sb  # ([B,] T, H)
    stacked = np.concatenate([context, Hb], axis=-1)  # ([B,] T, 2H) [c_t; h_t]
    h_att = np.tanh(stacked @ params.W_c.T + params.b_c)  # ([B,] T, H)
    logits = h_att @ params.W_hy.T + params.b_y  # ([B,] T, V)
    back = lambda a: np.moveaxis(a, -2, 0)  # noqa: E731 - time-first again
    return AttentionTrace(
        S=S,
        Hd=Hd,
        weights=back(alpha),
        context=back(context),
        h_att=back(h_att),
        logits=back(logits),
        probs=back(rnn.softmax(logits)),
    )


def backward(params: AttentionParams, trace: AttentionTrace, dlogits: np.ndarray) -> AttentionGrads:
    """Back-propagation through the read-out, the weighted sum and the softmax of the scores (exact)."""
    H = params.W_c.shape[0]
    Sb, Hb = _batch_first(trace.S), _batch_first(trace.Hd)
    alpha, context, h_att = (_batch_first(a) for a in (trace.weights, trace.context, trace.h_att))
    dz = _batch_first(dlogits)  # ([B,] T, V)
    flat = lambda a: a.reshape(-1, a.shape[-1])  # noqa: E731 - rows over batch and time
    dW_hy = flat(dz).T @ flat(h_att)
    db_y = flat(dz).sum(0)
    da = (dz @ params.W_hy) * (1.0 - h_att * h_att)  # backprop through tanh
    stacked = np.concatenate([context, Hb], axis=-1)
    dW_c = flat(da).T @ flat(stacked)
    db_c = flat(da).sum(0)
    dstacked = da @ params.W_c  # ([B,] T, 2H)
    dcontext, dHb = dstacked[..., :H], dstacked[..., H:]
    dalpha = dcontext @ np.swapaxes(Sb, -1, -2)  # ([B,] T, S) through c_t = sum_s α_ts s_s
    dS = np.swapaxes(alpha, -1, -2) @ dcontext  # ([B,] S, H) the weighted sum's share
    # Softmax Jacobian: de_ts = α_ts (dα_ts - sum_s' α_ts' dα_ts').
    dscores = alpha * (dalpha - np.sum(alpha * dalpha, axis=-1, keepdims=True))
    dHb = dHb + dscores @ Sb  # e_ts = h_t · s_s
    dS = dS + np.swapaxes(dscores, -1, -2) @ Hb
    return AttentionGrads(
        dW_c=dW_c, db_c=db_c, dW_hy=dW_hy, db_y=db_y, dS=np.moveaxis(dS, -2, 0), dHd=np.moveaxis(dHb, -2, 0)
    )
