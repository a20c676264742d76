"""The stops of the guided lesson, in teaching order, and the settings each one opens its page with.

Every stop is a page in a preset state: the defaults of the settings table, overridden by the stop's
`settings`, with the classroom settings (presenter mode, hidden controls) kept and `lesson` set to the
stop's number. `query` turns that into a link, so every stop can be shared or started from.
"""

from __future__ import annotations

from dataclasses import replace

from visualizer.gradient_presets import PRESETS
from visualizer.labs.sequences import seqtypes
from visualizer.lesson import (
    CLASSROOM,
    Question,
    Stop,
    better_on_long_inputs,
    extra_weights_for_one_more_token,
    fixed,
    growth_per_step,
    h0_memory,
    input_length,
    longest_solved_lag,
    loop_move,
    most_gradient_at_start,
    most_gradient_reason,
    outputs_emitted,
    pascanu_bound,
    pascanu_bound_reason,
    shape_of,
    steps_changed_by,
    story_choices,
    story_next_word,
    sweep_lags,
    switch_off_effect,
    window_steps,
)
from visualizer.nn import cells
from visualizer.pages import EXPLORER, GRADIENTS, HOME, LIMITS, SEQTYPES, TRAIN, UNITS
from visualizer.plots import diagrams
from visualizer.settings import Settings

_SHAPES = tuple(seqtypes.LABELS.values())
_CELL_LABELS = tuple(spec.label for spec in cells.CELLS.values())

STOPS: tuple[Stop, ...] = (
    Stop(
        "Two kinds of memory",
        HOME,
        {},
        "A trained network's **weights** are its long-term memory: switch it off and on again and it reads a "
        "sentence exactly as it did yesterday. An RNN adds a **short-term memory**, the hidden state h_t, "
        "rebuilt for every sentence as it reads. Some courses liken the two to brain regions (the temporal "
        "lobe for long-term memory, the frontal lobe for short-term memory): a memorable picture, but only "
        "an analogy: in a real brain memory is spread over many regions, and nothing here models a lobe.",
        "Each column of the heatmap is h_t after one more word: the short-term memory growing as the "
        "sentence is read, with the same weights at every step.",
        Question(
            "Before it reads the first word, what is the network's short-term memory h_0?",
            "choice",
            h0_memory,
            "Every sentence starts from h_0 = 0: the short-term memory is empty; only the weights carry over.",
            options=("all zeros", "the weights W_hh", "what the last sentence left behind"),
        ),
    ),
    Stop(
        "Why a feed-forward net can't read a sequence",
        EXPLORER,
        {"fold": 1},
        "A feed-forward net sends information one way, input to output, with no memory of earlier inputs. "
        "To read a sentence at all it must take every word at once, with its own weights for every position, "
        "so a sentence one word longer needs a bigger network. An RNN reads one word at a time with one cell.",
        "The faint grey picture is the feed-forward net the fold starts from: inputs, hidden layers, "
        "outputs, and every arrow pointing forward.",
        Question(
            "How many more weights does the RNN need to read this sentence with one extra word?",
            "number",
            extra_weights_for_one_more_token,
            "None: the same W_xh, W_hh and W_hy are used at every step, whatever the length.",
            rel_tol=0.0,
            hint="That is what the feed-forward net in grey would need: new inputs and their arrows for the new "
            "position. The RNN reads the extra word with the same cell: count the weight matrices in the chain, "
            "not the columns.",
        ),
        opens=("fold",),
    ),
    Stop(
        "Five moves fold it into an RNN",
        EXPLORER,
        {"fold": 5},
        "Squash the layers, merge the arrows into weight matrices, turn the picture upright, add a loop from "
        "the hidden layer back to itself, and unroll that loop over time. The unrolled chain is one cell "
        "copied once per word, each copy handing its hidden state to the next.",
        "Use the slider (or ▶ Play on the figure) to watch the moves; in the unrolled chain every copy shares "
        "the same weights.",
        Question(
            "Which move gives the network its memory?",
            "choice",
            loop_move,
            "The temporal loop feeds h_(t-1) back through W_hh; unrolling only redraws it.",
            options=tuple(name for name, _ in diagrams.MOVES),
            hint="Memory means the hidden state of one step reaches the next. Which move draws an arrow from the "
            "hidden layer back to itself? The other moves only redraw the same feed-forward computation.",
        ),
        opens=("fold",),
    ),
    Stop(
        "Words become vectors",
        EXPLORER,
        {"weights": "random", "representation": "onehot", "step": 2},
        "A network multiplies numbers, so each word becomes a vector x_t. A **one-hot** vector is all zeros "
        "except a 1 at the word's index in the vocabulary, so its length is the vocabulary size. An "
        "**embedding** is a short dense vector instead (switch *Representation* in the sidebar); a trained "
        "network learns it so that similar words get similar vectors (here it is random, untrained).",
        "In the step view, x_t has a single 1; change the representation and x_t becomes a short row of real numbers.",
        Question(
            "How long is each x_t the network reads now?",
            "number",
            input_length,
            "One-hot: one entry per distinct token in the vocabulary. Embedding: the embedding size.",
            rel_tol=0.0,
        ),
    ),
    Stop(
        "The forward pass, with numbers",
        EXPLORER,
        {"weights": "random", "step": 3},
        "At every step the cell computes h_t = tanh(W_hh h_(t-1) + W_xh x_t + b_h): yesterday's memory and "
        "today's word, mixed by the same weights. The prediction is ŷ_t = softmax(W_hy h_t + b_y). The step "
        "view shows these products with the real numbers of step 3.",
        "h_3 depends on x_3 and on h_2, which already holds the first two words.",
        Question(
            "If you change the 3rd word, which steps' hidden states change?",
            "steps",
            steps_changed_by(3),
            "h_3 and every later h_t, because each hands its memory on; h_1 and h_2 were computed before.",
        ),
    ),
    Stop(
        "Sequence types",
        SEQTYPES,
        {"seqtype": "many_to_one"},
        "The same cell can read one input or many and emit one output or many. Many-to-one reads a whole "
        "sequence and answers once at the end, as a sentiment classifier does with a review.",
        "Only the last step emits an output; the hidden states before it only carry the memory forward.",
        Question(
            "A many-to-one network reads a 5-word review. How many outputs does it emit?",
            "number",
            outputs_emitted("many_to_one"),
            "One, at the last step: it has read everything by then.",
            rel_tol=0.0,
        ),
    ),
    Stop(
        "Applications",
        SEQTYPES,
        {"seqtype": "one_to_many"},
        "Each shape has its applications: one-to-many generates (a caption from one image, music from a "
        "seed note), many-to-many labels every element (named entities, DNA), and the encoder–decoder "
        "handles input and output of different lengths, as in translation and speech recognition.",
        "The gallery under the diagram lists what each shape is used for; try the other shapes.",
        Question(
            "Which shape fits machine translation?",
            "choice",
            shape_of("Machine translation"),
            "The sentence and its translation differ in length and word order: read it all, then write.",
            options=_SHAPES,
        ),
    ),
    Stop(
        "Training: back-propagation through time",
        TRAIN,
        {},
        "Training unrolls the network over a window of steps, measures how wrong each prediction was, and "
        "sends the error back through every copy of the cell: back-propagation through time. Because the "
        "copies share weights, their gradients add up into one update. Press Train and watch the loss fall.",
        "The loss curve falls and the samples start to look like the text.",
        Question(
            "With the current window, through how many time steps does one update back-propagate?",
            "number",
            window_steps,
            "Truncated BPTT stops at the window's start; the hidden state still flows on to the next window.",
            rel_tol=0.0,
        ),
    ),
    Stop(
        "“The United States of …” → America",
        HOME,
        {"text": "he grew up in the united states of"},
        "After *He grew up in the United States of*, you expect **America** because you remember the words "
        "before it. This network was trained on a short story: as it reads the sentence word by word, its "
        "hidden state carries *united states* forward to the word *of*. Switch the weights to random to see "
        "the same loop with nothing learned.",
        "Above the last step of the chain: the word it expects next. Below: 'Does it really remember?', "
        "measured on text it never trained on.",
        Question(
            "Which word does the story-trained network rate most likely after 'of'?",
            "choice",
            story_next_word,
            "Its memory of 'united states' makes 'america' by far the likeliest: one word alone ('of') could not.",
            options_from=story_choices,
        ),
    ),
    Stop(
        "Vanishing gradients",
        GRADIENTS,
        PRESETS["vanishing"].settings,
        "In the vanilla RNN, the gradient reaching a step k steps back is a product of k Jacobians diag(f′) W_hh. "
        "Its norm is at most (γ σ_max)^k (Pascanu, Mikolov & Bengio 2013), with γ = 1 for tanh: if σ_max < 1 it "
        "shrinks geometrically, and the network cannot learn what happened long ago.",
        "On the log scale the vanilla RNN's gradient falls in a straight line as you go back in time.",
        Question(
            "With tanh and σ_max(W_hh) = {radius}, what is the bound on the gradient factor 20 steps back?",
            "number",
            pascanu_bound(20),
            "The bound multiplies γ σ_max once per step back: (γ σ_max)^20.",
            why_from=pascanu_bound_reason(20),
        ),
    ),
    Stop(
        "Exploding gradients",
        GRADIENTS,
        PRESETS["exploding"].settings,
        "With a large W_hh the same product can grow geometrically instead: one update becomes huge and "
        "training diverges. Growth needs σ_max(W_hh) above 1/γ (necessary, not sufficient). Clipping rescales "
        "an exploding gradient to a maximum norm (switch it on in the sidebar); it cannot bring back a vanished one.",
        "The vanilla RNN's curve rises going back in time; switch clipping on and compare the norms.",
        Question(
            "Read it off the page: by what factor per step back does the vanilla RNN's gradient change here?",
            "number",
            growth_per_step("rnn"),
            "With a linear cell each step back multiplies by W_hh, so the factor approaches W_hh's spectral "
            "radius; above 1 it explodes.",
        ),
    ),
    Stop(
        "LSTM and GRU",
        GRADIENTS,
        PRESETS["vanishing"].settings,
        "The LSTM (Hochreiter & Schmidhuber 1997) and the GRU (Cho et al. 2014) add gates and a memory path "
        "that is updated by a gated sum instead of being squashed through W_hh at every step. When the forget "
        "gate (LSTM) or update gate (GRU) is set to keep, the memory and its gradient pass almost unchanged "
        "across many steps.",
        "On the same sequence, the LSTM and GRU curves stay far higher far back than the vanilla RNN's.",
        Question(
            "On this sequence, which cell sends the most gradient back to the first step?",
            "choice",
            most_gradient_at_start,
            "Measured on this page's sequence: the gated cells' additive memory path keeps the gradient alive.",
            options=_CELL_LABELS,
            why_from=most_gradient_reason,
            hints={
                "vanilla RNN": "The vanilla RNN's curve is the one that falls fastest: every step back multiplies "
                "the gradient by W_hh and by tanh′ ≤ 1. Read the curves at the left end of the chart (step 1).",
            },
        ),
    ),
    Stop(
        "Limits: forgetting",
        GRADIENTS,
        {**PRESETS["vanishing"].settings, "seq_length": 400},
        "Even gated cells squeeze everything they have read into one fixed-size state, so detail from long "
        "ago fades. In 2016 an LSTM wrote the short film *Sunspring*: every line sounds locally plausible, "
        "yet there is no plot. And an RNN must compute h_1, h_2, … one after another, so a long sequence "
        "cannot be spread over many processors at once.",
        "Over 400 steps even the LSTM and GRU curves fall by more than a dozen orders of magnitude: the start of the "
        "sequence barely reaches the loss.",
        Question(
            "Sunspring's lines make sense one at a time but the film has no plot. Which limit is that?",
            "choice",
            fixed("forgetting over long lags"),
            "Local sense needs only the last few words; a plot needs memory over the whole film.",
            options=("forgetting over long lags", "sequential slowness", "exploding gradients"),
        ),
    ),
    Stop(
        "Limits, measured: lag and speed",
        LIMITS,
        {},
        "Here a vanilla RNN, an LSTM and a GRU are trained on the same task: see a symbol, then recall it L "
        "steps later. The shipped sweep shows each cell's success as L grows, and the timing chart shows the "
        "other limit: the recurrent loop over t runs one step after another, however many cores there are.",
        "In the sweep the vanilla RNN falls to chance at a much shorter lag than the gated cells.",
        Question(
            "In the shipped sweep (recall the first symbol), what is the longest lag the vanilla RNN solved?",
            "choice",
            longest_solved_lag("rnn"),
            "Read off the success-vs-lag chart: beyond that lag the vanilla cell's gradient from the clue vanishes.",
            options_from=sweep_lags,
        ),
    ),
    Stop(
        "What one unit keeps",
        UNITS,
        {},
        "The page ranks the units of a trained LSTM's cell state by how well each follows the country named "
        "earlier in the paragraph, and sets each score beside the best unit of the same network before training. "
        "Holding one unit at 0 while the network reads is an experiment, not a picture: if the unit carries the "
        "country, the language after “speaks” should suffer.",
        "The story coloured by the unit shown: does its colour change where a country is named, and hold after?",
        Question(
            "Hold the unit shown at 0. What happens to the share of contrast prompts answered right?",
            "choice",
            switch_off_effect,
            "Measured with the settings on the page: the two prompts of a pair differ only in the country, so a "
            "unit that carries it can decide them. The third number on the page switches as many random units "
            "off instead, for comparison.",
            options=("it falls", "it stays the same", "it rises"),
        ),
    ),
    Stop(
        "Where the field went next",
        SEQTYPES,
        {"seqtype": "encoder_decoder"},
        "Without attention, the encoder–decoder passes the whole input through one context vector c = h_T: "
        "a bottleneck for long sentences. **Attention** (Bahdanau, Cho & Bengio 2015) lets the decoder look "
        "back at every encoder state, and the **Transformer** (Vaswani et al. 2017) keeps only attention, so "
        "all positions are processed at once and any word can look at any other directly, at a cost that grows "
        "with the square of the length.",
        "The accuracy-by-length chart: without attention, accuracy collapses as sentences get longer; the "
        "attention heatmap shows which input words each output word reads.",
        Question(
            "On the longest held-out sentences, which trained decoder was more accurate?",
            "choice",
            better_on_long_inputs,
            "Measured when the shipped models were trained: the context vector alone cannot hold a long sentence.",
            options=("with attention", "without attention", "the same"),
        ),
    ),
)


def preset(number: int, keep: Settings | None = None) -> Settings:
    """All settings for stop `number` (1-based): defaults + the stop's settings + the classroom ones kept."""
    stop = STOPS[number - 1]
    kept = {name: getattr(keep, name) for name in CLASSROOM} if keep is not None else {}
    return replace(Settings(), **{**kept, **stop.settings, "lesson": number})


def query(number: int, keep: Settings | None = None) -> dict[str, str]:
    """The query parameters of stop `number`'s link."""
    return preset(number, keep).to_query()


# ---------------------------------------------------------------------------- paths through the stops

# A path is the stops a lecturer runs, in order (1-based numbers of STOPS). The demo fits ten minutes: memory,
# the forward pass with numbers, training by BPTT, the vanishing gradient, and the gated cells that fix it.
PATHS: dict[str, tuple[int, ...]] = {
    "full": tuple(range(1, len(STOPS) + 1)),
    "demo": (1, 5, 8, 10, 12),
}
PATH_LABELS = {
    "full": f"the whole lesson ({len(STOPS)} stops)",
    "demo": f"the 10-minute demo ({len(PATHS['demo'])} stops, about two minutes each)",
}


def path_stops(path: str) -> tuple[int, ...]:
    """The stop numbers of a path (the whole lesson for an unknown name)."""
    return PATHS.get(path, PATHS["full"])


def neighbours(path: str, number: int) -> tuple[int | None, int | None]:
    """(previous, next) stop of `number` along the path; a stop off the path steps to the path's nearest ones."""
    stops = path_stops(path)
    before = [n for n in stops if n < number]
    after = [n for n in stops if n > number]
    return (before[-1] if before else None), (after[0] if after else None)


def parse_stops(text: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Stop numbers from "1,5,8" (sorted, each once, those of the lesson only); `default` when none is left."""
    picked = {int(p) for p in text.replace(" ", "").split(",") if p.isdigit()}
    numbers = tuple(sorted(n for n in picked if 1 <= n <= len(STOPS)))
    return numbers or default
