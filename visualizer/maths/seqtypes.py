"""The five input/output shapes of a recurrent network, run with one and the same NumPy cell.

Every type applies the vanilla cell of rnn.py, step after step,

    h_t = f(W_hh h_{t-1} + W_xh x_t + b_h)        y_t = softmax(W_hy h_t + b_y)

and differs only in *which steps read an input* and *which steps emit an output*:

    one_to_one       1 step: read x_1, emit y_1 (no recurrence is used: a plain feed-forward net)
    one_to_many      read x_1 once, then feed each emitted token back in as the next input:
                     x_{t+1} = vec(token drawn from y_t)                 (music, captions)
    many_to_one      read x_1..x_T, emit only y_T                        (sentiment)
    many_to_many     read x_t and emit y_t at every step (aligned)       (named-entity tags)
    encoder_decoder  encoder reads x_1..x_T and emits nothing; its final state c = h_T is the
                     decoder's h_0; the decoder (its own weights) starts from a <start> vector
                     of zeros and feeds its tokens back for `outlen` steps  (translation)

`layout` says, per step, where the input comes from and whether an output is emitted; `run`
executes the cell in that mode and returns a `SeqRun`. The page's text (examples per type, the
applications gallery, why a feed-forward net cannot do this) lives here as data.
Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.nn import rnn
from visualizer.data.encoding import Encoded, one_hot

SEQTYPES = ("one_to_one", "one_to_many", "many_to_one", "many_to_many", "encoder_decoder")

LABELS = {
    "one_to_one": "One-to-one",
    "one_to_many": "One-to-many",
    "many_to_one": "Many-to-one",
    "many_to_many": "Many-to-many (aligned)",
    "encoder_decoder": "Encoder–decoder",
}

# Where a step's input comes from.
INPUT, FEEDBACK, START = "input", "feedback", "start"
START_LABEL = "<start>"

DECODER_SEED_OFFSET = 104_729  # the decoder's weights: a different stream from the encoder's
SAMPLE_SEED_OFFSET = 15_485_863  # the stream the generated tokens are drawn from


# ---------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Layout:
    """Which steps read what and which emit, for one type and length. Steps are 0-based here."""

    kind: str
    source: tuple[str, ...]  # per step: "input" (the user's token), "feedback" (own output), "start"
    emits: tuple[bool, ...]  # per step: is y_t an output of the network?
    decoder: tuple[bool, ...]  # per step: does it use the decoder's weights?
    context_step: int | None  # 0-based step whose h becomes the decoder's context (encoder–decoder)

    @property
    def n_steps(self) -> int:
        return len(self.source)

    @property
    def n_inputs(self) -> int:
        """Steps that read one of the user's tokens."""
        return sum(s == INPUT for s in self.source)

    @property
    def n_outputs(self) -> int:
        return sum(self.emits)

    @property
    def n_feedback(self) -> int:
        return sum(s == FEEDBACK for s in self.source)


def layout(kind: str, T: int, outlen: int) -> Layout:
    """The shape of one type for a sequence of T tokens and `outlen` generated tokens."""
    if kind not in SEQTYPES:
        raise ValueError(f"unknown sequence type {kind!r}; choose one of {', '.join(SEQTYPES)}")
    if T < 1 or outlen < 1:
        raise ValueError("the sequence and the output length must both be at least 1")
    if kind == "one_to_one":
        return Layout(kind, (INPUT,), (True,), (False,), None)
    if kind == "one_to_many":
        return Layout(kind, (INPUT,) + (FEEDBACK,) * (outlen - 1), (True,) * outlen, (False,) * outlen, None)
    if kind == "many_to_one":
        return Layout(kind, (INPUT,) * T, (False,) * (T - 1) + (True,), (False,) * T, None)
    if kind == "many_to_many":
        return Layout(kind, (INPUT,) * T, (True,) * T, (False,) * T, None)
    return Layout(
        kind,
        (INPUT,) * T + (START,) + (FEEDBACK,) * (outlen - 1),
        (False,) * T + (True,) * outlen,
        (False,) * T + (True,) * outlen,
        T - 1,
    )


# ---------------------------------------------------------------------------- running the cell


@dataclass(frozen=True)
class SeqRun:
    """The cell run in one mode: what went in, the hidden states and what came out."""

    layout: Layout
    X: np.ndarray  # (N, D) the vector actually fed at each of the N steps
    in_labels: tuple[str, ...]  # (N,) the token read at each step (fed-back or <start> included)
    hs: np.ndarray  # (N+1, H) hidden states, hs[0] = h_0
    probs: np.ndarray  # (N, V) softmax at every step; only the emitted ones are outputs
    out_ids: np.ndarray  # (N,) emitted token id, -1 where the step emits nothing
    out_labels: tuple[str | None, ...]  # (N,) emitted token, None where nothing is emitted

    @property
    def context(self) -> np.ndarray | None:
        """The encoder's final state c = h_T (encoder–decoder only), (H,)."""
        c = self.layout.context_step
        return None if c is None else self.hs[c + 1]

    @property
    def outputs(self) -> list[str]:
        return [o for o in self.out_labels if o is not None]

    @property
    def overflowed(self) -> bool:
        return not (np.all(np.isfinite(self.hs)) and np.all(np.isfinite(self.probs)))


def token_vector(enc: Encoded, token_id: int) -> np.ndarray:
    """x for a token of the vocabulary, built the way `enc` built its inputs: (D,)."""
    if enc.representation == "onehot":
        return one_hot(np.array([token_id]), len(enc.vocab))[0]
    if enc.E is None:  # numbers fed as their raw value
        return np.array([float(enc.vocab.tokens[token_id])])
    return enc.E[:, token_id].copy()


def decoder_params(params: rnn.RNNParams, seed: int, scale: float = 1.0) -> rnn.RNNParams:
    """A second, separately seeded weight set of the same sizes for the decoder."""
    return rnn.init_params(
        params.input_size, params.hidden_size, params.output_size, seed=seed + DECODER_SEED_OFFSET, scale=scale
    )


def _pick(p: np.ndarray, rng: np.random.Generator, greedy: bool) -> int:
    """The emitted token: argmax, or a draw from p. NaN probabilities (overflow) give argmax's 0."""
    if not np.all(np.isfinite(p)):
        return 0
    if greedy:
        return int(np.argmax(p))
    return int(rng.choice(p.size, p=p / p.sum()))


def _generate(
    params,
    enc: Encoded,
    h: np.ndarray,
    x: np.ndarray,
    first_label: str,
    n: int,
    activation: str,
    rng: np.random.Generator,
    greedy: bool,
):
    """Run `step` n times, feeding each emitted token back in. Returns the per-step arrays."""
    X, labels, hs, probs, ids = [], [], [], [], []
    label = first_label
    for _ in range(n):
        _, h, _, p = rnn.step(params, h, x, activation)
        X.append(x)
        labels.append(label)
        hs.append(h)
        probs.append(p)
        ids.append(_pick(p, rng, greedy))
        label = enc.vocab.tokens[ids[-1]]
        x = token_vector(enc, ids[-1])
    return X, labels, hs, probs, ids


def run(
    kind: str,
    enc: Encoded,
    params: rnn.RNNParams,
    *,
    activation: str = "tanh",
    outlen: int = 5,
    seed: int = 0,
    scale: float = 1.0,
    greedy: bool = False,
) -> SeqRun:
    """Run the cell over `enc` in the mode of `kind`.

    Generated tokens (one-to-many, the decoder) are drawn from y_t with a generator seeded by
    `seed`, or taken by argmax when greedy: either way the same settings give the same tokens.
    The output classes are the vocabulary of the input, so an emitted token can be fed back.
    """
    lay = layout(kind, len(enc.tokens), outlen)
    H = params.hidden_size
    rng = np.random.default_rng(seed + SAMPLE_SEED_OFFSET)
    h0 = np.zeros(H, dtype=params.W_hh.dtype)
    if kind in ("one_to_one", "many_to_one", "many_to_many", "encoder_decoder"):
        X_in = enc.X[:1] if kind == "one_to_one" else enc.X  # (T', D)
        tr = rnn.forward(params, X_in, activation=activation)
        X, labels = list(X_in), list(enc.tokens[: len(X_in)])
        hs, probs = list(tr.hs[1:]), list(tr.probs)
        ids = [_pick(p, rng, True) for p in tr.probs]  # classify / tag: the most likely class
        if kind == "encoder_decoder":
            dec = decoder_params(params, seed, scale)
            start = np.zeros(params.input_size, dtype=params.W_hh.dtype)
            # The context: the decoder starts from the encoder's final hidden state.
            gX, gl, ghs, gp, gids = _generate(dec, enc, tr.hs[-1], start, START_LABEL, outlen, activation, rng, greedy)
            X, labels, hs, probs, ids = X + gX, labels + gl, hs + ghs, probs + gp, ids + gids
    else:  # one_to_many: the first token in, then the network's own tokens
        X, labels, hs, probs, ids = _generate(params, enc, h0, enc.X[0], enc.tokens[0], outlen, activation, rng, greedy)
    out_ids = np.where(np.array(lay.emits), np.array(ids, dtype=np.int64), -1)
    out_labels = tuple(enc.vocab.tokens[i] if i >= 0 else None for i in out_ids)
    return SeqRun(
        lay, np.array(X), tuple(labels), np.vstack([h0[None], np.array(hs)]), np.array(probs), out_ids, out_labels
    )


def emitted_table(run_: SeqRun) -> list[dict]:
    """One row per step: (encoder/decoder,) what was read, what was emitted with its probability, ‖h_t‖.

    Every value is text or a number, never None: a step that emits nothing shows "—". The "part" column
    appears only for the encoder–decoder, the one type whose steps use two different weight sets.
    """
    lay = run_.layout
    rows = []
    for t in range(lay.n_steps):
        i = int(run_.out_ids[t])
        read = {INPUT: "your token", FEEDBACK: "fed back", START: "zeros"}[lay.source[t]]
        row: dict = {"step": t + 1}
        if lay.kind == "encoder_decoder":
            row["part"] = "decoder" if lay.decoder[t] else "encoder"
        row.update(
            {
                "reads": run_.in_labels[t],
                "from": read,
                "emits": run_.out_labels[t] if i >= 0 else "—",
                "p(emitted)": f"{float(run_.probs[t, i]):.4f}" if i >= 0 else "—",
                "‖h_t‖": round(float(np.linalg.norm(run_.hs[t + 1])), 4),
            }
        )
        rows.append(row)
    return rows


def parameter_counts(T: int, D: int, H: int, V: int) -> dict[str, int]:
    """Weights of the RNN (any length) versus a one-hidden-layer feed-forward net reading all T
    inputs at once and predicting T outputs (its sizes are tied to T)."""
    return {
        "rnn": H * D + H * H + H + V * H + V,
        "feedforward": (T * D) * H + H + H * (T * V) + T * V,
    }


# ---------------------------------------------------------------------------- content


@dataclass(frozen=True)
class Example:
    title: str
    reads: str
    emits: str
    note: str


EXAMPLES: dict[str, tuple[Example, ...]] = {
    "one_to_one": (
        Example(
            "Image classification",
            "one image",
            "one label, e.g. “cat”",
            "One input, one output, nothing carried between steps: this is an ordinary feed-forward "
            "network, the baseline the other four shapes are measured against.",
        ),
    ),
    "one_to_many": (
        Example(
            "Image captioning",
            "one image (its features, from a convolutional network)",
            "a sentence, word by word: “black and white dog jumps over bar”",
            "The picture is read once. Every later step reads the word the network just wrote, so each "
            "word is chosen knowing the words before it.",
        ),
        Example(
            "Music generation",
            "a first note (or a style, or nothing)",
            "a melody, one note per step",
            "Each note is fed back in as the next input, exactly like the dashed arrows in the diagram.",
        ),
    ),
    "many_to_one": (
        Example(
            "Sentiment analysis",
            "a customer's comment or a movie review, word by word",
            "one score: how positive (or negative) it is, or a star rating",
            "Only the last step's output is used: by then the hidden state has read the whole text. "
            "The outputs at earlier steps are computed but thrown away.",
        ),
        Example(
            "Video activity recognition",
            "the frames of a clip",
            "one label: “running”",
            "Many frames in, a single decision out.",
        ),
    ),
    "many_to_many": (
        Example(
            "Named-entity tagging",
            "a sentence, word by word",
            "one tag per word: “Ada/PERSON visited/– Paris/PLACE”",
            "Input and output sequences have the same length and line up step by step. The tag of "
            "“Paris” can use what came before it, through the hidden state.",
        ),
        Example(
            "Subtitles for a film",
            "video frames (and sound)",
            "caption text along the film",
            "A frame alone is ambiguous; what happened a moment ago tells you what is happening now. "
            "(When captions do not line up one-to-one with frames this becomes encoder–decoder.)",
        ),
    ),
    "encoder_decoder": (
        Example(
            "Machine translation",
            "a sentence in one language",
            "a sentence in another, of a different length",
            "The encoder reads the whole sentence first; its final hidden state, the context, starts the "
            "decoder, which writes the translation word by word, feeding each word back in.",
        ),
        Example(
            "Why the verb depends on “a boy” or “a girl”",
            "“A boy who likes football went home.” / “A girl who likes football went home.”",
            "French: “il est allé” / “elle est allée”; Czech: “který rád” / “která ráda”",
            "In French and Czech the verb phrase agrees with the subject's gender, which appeared several "
            "words earlier. Translating word by word cannot get this right: the decoder must still "
            "remember “boy” or “girl” when it reaches “went”. The hidden state is that memory.",
        ),
    ),
}


@dataclass(frozen=True)
class Application:
    name: str
    reads: str
    emits: str
    kind: str
    why: str


GALLERY: tuple[Application, ...] = (
    Application(
        "Speech recognition",
        "audio frames",
        "a transcript",
        "encoder_decoder",
        "far more audio frames than words, so the lengths differ",
    ),
    Application(
        "Music generation",
        "a seed note, or nothing",
        "a sequence of notes",
        "one_to_many",
        "each generated note is the next input",
    ),
    Application(
        "Sentiment classification", "a movie comment", "a rating", "many_to_one", "the whole comment in, one number out"
    ),
    Application(
        "DNA sequence analysis",
        "a DNA sequence, base by base",
        "a label for every base",
        "many_to_many",
        "one label per nucleotide, aligned with the input",
    ),
    Application(
        "Machine translation",
        "a sentence",
        "its translation",
        "encoder_decoder",
        "the two sentences have different lengths and word orders",
    ),
    Application(
        "Video activity recognition",
        "the frames of a video",
        "“running” or not",
        "many_to_one",
        "many frames, one decision",
    ),
    Application(
        "Named-entity recognition",
        "a sentence",
        "a tag for each word (name or not)",
        "many_to_many",
        "one tag per word, aligned",
    ),
)

WHY_NOT_FEEDFORWARD: tuple[tuple[str, str], ...] = (
    (
        "A fixed input size",
        "A feed-forward net is built for one input length. A sentence of 7 words and one of 12 words need "
        "different networks, and outputs may differ in length from inputs too. The RNN reads one token per "
        "step, for as many steps as there are tokens.",
    ),
    (
        "No weights shared across positions",
        "Each input position of a feed-forward net has its own weights, so what it learns about “Paris” as "
        "word 3 does not carry over to “Paris” as word 8. The RNN applies the same W_xh, W_hh and W_hy at "
        "every step: a feature learned at one position works at every position.",
    ),
    (
        "No memory of earlier steps",
        "Information flows one way, from input to output, and never comes back: the output for one step "
        "cannot depend on the step before. Reading a book, you understand a word through the words before "
        "it; the RNN's hidden state carries them forward.",
    ),
)
