"""Long-lag tasks: sequences whose answer depends on something seen long ago, and the last-step readout.

Two tasks from the long-lag experiments of Bengio, Simard & Frasconi (1994) and Hochreiter &
Schmidhuber (1997), generated from an explicit `np.random.default_rng(seed)`:

"first" — remember the first symbol. K class symbols and M distractor symbols, one-hot (D = K + M):

    x_1 = onehot(c), c ~ U{0..K-1};   x_2 .. x_{L+1} = onehot(K + d_t), d_t ~ U{0..M-1};   y = c

so the sequence is T = L + 1 steps long and the answer sits L steps before the question.

"adding" — the adding problem. Each step carries a value and a marker, x_t = (v_t, m_t) with
v_t ~ U[0, 1]; exactly two markers are 1, one in the first half (t < T/2), one in the second:

    y = sum_t m_t v_t                          (T = L: the first marker may lie ~L steps back)

Readout at the last step only (many-to-one), from the cell's output z_T = W_hy h_T + b_y:

    classification: L = -1/B sum_b log softmax(z_T,b)[y_b]     dL/dz_T,b = (p_T,b - onehot(y_b)) / B
    regression:     L =  1/B sum_b (z_T,b - y_b)^2             dL/dz_T,b = 2 (z_T,b - y_b) / B

and dL/dz_t = 0 for t < T. Baselines, computed from the data, are what an answer that ignores the input scores: chance accuracy
= the share of the most frequent class in the test set (1/K for the balanced test set the race uses); the
mean predictor ŷ = mean(y_train) has test MSE ≈ Var(v_1 + v_2) = 2/12 ≈ 0.167 on the adding problem.
Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.nn import rnn

TASKS = ("first", "adding")
TASK_LABELS = {"first": "remember the first symbol", "adding": "adding problem"}
CLASSES = 4  # K class symbols: chance accuracy 25 %
DISTRACTORS = 4  # M distractor symbols
SOLVED_ACCURACY = 0.95  # "first" counts as solved at this test accuracy
SOLVED_MSE_SHARE = 0.1  # "adding" counts as solved below this share of the baseline MSE
MIN_LAG, MAX_LAG = 2, 100


@dataclass(frozen=True)
class TaskSpec:
    """What a task needs from a cell: input size D, output size V and the kind of readout."""

    name: str
    input_size: int
    output_size: int
    kind: str  # "class" | "regress"

    @property
    def metric(self) -> str:
        return "accuracy" if self.kind == "class" else "MSE"

    @property
    def higher_is_better(self) -> bool:
        return self.kind == "class"


SPECS = {
    "first": TaskSpec("first", CLASSES + DISTRACTORS, CLASSES, "class"),
    "adding": TaskSpec("adding", 2, 1, "regress"),
}


@dataclass(frozen=True)
class Batch:
    """B sequences of one task, time-first."""

    X: np.ndarray  # (T, B, D) inputs
    y: np.ndarray  # (B,) int class ("first") or float target ("adding")

    @property
    def T(self) -> int:
        return self.X.shape[0]

    def __len__(self) -> int:
        return self.X.shape[1]


def check_lag(lag: int) -> int:
    lag = int(lag)
    if not MIN_LAG <= lag <= MAX_LAG:
        raise ValueError(f"the lag must be between {MIN_LAG} and {MAX_LAG}; got {lag}")
    return lag


# ---------------------------------------------------------------------------- generators


def first_symbol(lag: int, n: int, rng: np.random.Generator, dtype=np.float32, *, balanced: bool = False) -> Batch:
    """n sequences: a class symbol, then `lag` distractors; the target is the class. X (lag+1, n, K+M).

    balanced=True deals the classes out in turn (then shuffles), so a test set has chance exactly 1/K.
    """
    T, K = lag + 1, CLASSES
    y = rng.permutation(np.arange(n) % K) if balanced else rng.integers(0, K, size=n)  # (n,)
    sym = np.empty((T, n), np.int64)
    sym[0] = y
    sym[1:] = K + rng.integers(0, DISTRACTORS, size=(lag, n))
    X = np.zeros((T, n, K + DISTRACTORS), dtype)
    np.put_along_axis(X, sym[..., None], 1.0, axis=-1)
    return Batch(X=X, y=y)


def adding(length: int, n: int, rng: np.random.Generator, dtype=np.float32) -> Batch:
    """n adding-problem sequences of `length` steps: X (T, n, 2) = (value, marker), y (n,) the marked sum."""
    T = int(length)
    if T < 2:
        raise ValueError("the adding problem needs at least 2 steps")
    values = rng.random((T, n))
    half = T // 2
    first = rng.integers(0, half, size=n)  # one marker in each half
    second = rng.integers(half, T, size=n)
    marks = np.zeros((T, n))
    cols = np.arange(n)
    marks[first, cols] = 1.0
    marks[second, cols] = 1.0
    X = np.stack([values, marks], axis=-1).astype(dtype)
    return Batch(X=X, y=(values * marks).sum(0))


def make_batch(task: str, lag: int, n: int, rng: np.random.Generator, dtype=np.float32, *, balanced=False) -> Batch:
    """A batch of `task` at lag L: "first" has T = L + 1 steps, "adding" T = L (balanced: see first_symbol)."""
    if task == "first":
        return first_symbol(lag, n, rng, dtype, balanced=balanced)
    if task == "adding":
        return adding(lag, n, rng, dtype)
    raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")


# ---------------------------------------------------------------------------- baseline and score


def baseline(task: str, train_y: np.ndarray, test_y: np.ndarray) -> float:
    """What an answer that ignores the input scores on test_y.

    "first": accuracy of always answering the test set's most frequent class, the best constant answer
    (chance); train_y is not needed. "adding": MSE of always answering the training mean.
    """
    if SPECS[task].kind == "class":
        return float(np.bincount(np.asarray(test_y, np.int64), minlength=CLASSES).max() / len(test_y))
    return float(np.mean((np.asarray(test_y, np.float64) - np.mean(train_y)) ** 2))


def score(task: str, logits: np.ndarray, y: np.ndarray) -> float:
    """Accuracy ("first") or MSE ("adding") of the last step's output. logits (T, B, V)."""
    z = logits[-1]  # (B, V)
    if SPECS[task].kind == "class":
        return float(np.mean(z.argmax(-1) == y))
    return float(np.mean((z[:, 0].astype(np.float64) - y) ** 2))


def solved(task: str, value: float, base: float) -> bool:
    """Accuracy >= 95 % ("first"), or MSE below a tenth of the mean predictor's ("adding")."""
    if SPECS[task].kind == "class":
        return value >= SOLVED_ACCURACY
    return value <= SOLVED_MSE_SHARE * base


# ---------------------------------------------------------------------------- last-step readout


def last_step_loss(task: str, logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean loss over the batch at the last step and dL/dlogits, (T, B, V), zero before the last step.

    Classification: mean cross-entropy of softmax(z_T); regression: mean squared error of z_T[0].
    """
    B = logits.shape[1]
    dlogits = np.zeros_like(logits)
    z = logits[-1]  # (B, V)
    if SPECS[task].kind == "class":
        p = rnn.softmax(z)
        rows = np.arange(B)
        tiny = np.finfo(p.dtype).tiny
        loss = float(-np.mean(np.log(np.maximum(p[rows, y], tiny)), dtype=np.float64))
        p[rows, y] -= 1.0
        dlogits[-1] = p / B
        return loss, dlogits
    err = z[:, 0] - np.asarray(y, z.dtype)  # (B,)
    dlogits[-1, :, 0] = 2.0 * err / B
    return float(np.mean(np.square(err, dtype=np.float64))), dlogits
