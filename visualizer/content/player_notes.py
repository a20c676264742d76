"""The explorer player's sentences: the step sentence above the chain, the loss over time, the labels of its
controls. Each sentence that states a number is built from that number.

forward_headline   what step t reads and what it should predict (nothing after the last token)
loss_label         what one step's loss is, in words a first-year reads ("−log p(true next token)")
loss_sum           the running total L = L_1 + … + L_t of the steps shown so far
"""

from __future__ import annotations

from collections.abc import Callable


def forward_headline(
    t: int, T: int, token: str, next_token: str | None, sym: Callable[[str, int], str], *, regression: bool
) -> tuple[str, str]:
    """(bold head, rest) of the sentence above the chain at step t of the forward pass (plain text, no markup).

    Args:
        token, next_token: the item read at step t and the one after it (None at the last step).
        sym: a symbol at a step in the page's notation, e.g. sym("x", 3) -> "x_3".
    """
    head = f"Step {t} of {T}:"
    what = "value" if regression else "token"
    rest = f"the network reads {sym('x', t)} = “{token}”"
    if next_token is None:
        return head, rest + f", the last {what}: nothing comes after it, so this step has no loss."
    return head, rest + f" and should predict “{next_token}” next."


def loss_label(regression: bool) -> str:
    """What the number under a column is."""
    if regression:
        return "loss at this step: ½ (guess − true next value)²"
    return "loss at this step: −log p(true next token)"


def loss_sum(t: int, total: float, scored: int) -> str:
    """The running sum of the losses of steps 1..t (only `scored` of them have a loss)."""
    if scored == 0:
        return f"L so far (steps 1–{t}): no step has a loss yet: the last token predicts nothing."
    terms = "L_1" if scored == 1 else f"L_1 + … + L_{scored}"
    return f"L so far = {terms} = {total:.3f}"


LOSS_EXPLAINED = (
    "The loss over the sequence is the sum of one term per step, L = Σ L_t: each step adds how surprised the "
    "network was by the token that really came next (0 when it gave it probability 1)."
)
LOSS_EXPLAINED_VALUES = (
    "The loss over the sequence is the sum of one term per step, L = Σ L_t: each step adds half the squared "
    "distance between its guess and the value that really came next."
)
BACKWARD_RUNNING = "‖∂L/∂W_hh‖ so far (steps {t}–{last})"
CONTROLS = {
    "first": "First step (Home)",
    "back": "Previous step (←)",
    "play": "Play (Space)",
    "pause": "Pause (Space)",
    "next": "Next step (→)",
    "last": "Last step (End)",
    "scrub": "Time step",
    "forward": "Forward pass",
    "backward": "Backward pass (BPTT)",
    "stacked": "Show the stacked form: one matrix [W_hh | W_xh] times one vector [h_(t-1); x_t]",
}
NODE_TITLES = {
    "x": "The input x_t",
    "h": "The hidden state h_t",
    "c": "The memory cell c_t",
    "y": "The prediction ŷ_t",
    "back": "Back-propagation through time at step t",
}
HINT = (
    "Click a node (x_t, h_t, c_t, ŷ_t) to see its computation with this step's numbers; ← → Home End step, Space plays."
)


def how_to_read(
    cell: str, *, memory: bool, regression: bool, embedding: bool, compare: bool, trained: bool
) -> list[str]:
    """How to read the player, one paragraph per part, in the h-notation (the page translates).

    Args:
        cell: "rnn" | "lstm" | "gru"; memory: the cell has c_t (LSTM); embedding: x_t = E o_w.
        compare: a second sequence is shown; trained: the weights are trained (else random).
    """
    mem = " Purple squares are the LSTM's memory cells c_t, with their own path from step to step." if memory else ""
    out = [
        "**The chain.** One column per step, left to right; columns not read yet are empty slots. Green diamonds "
        "are the inputs x_t, blue boxes the hidden states h_t, yellow circles the predictions ŷ_t (their best guess "
        f"is written above). Blue arrows carry h_(t-1) into h_t: that is the memory.{mem} Click a column to jump "
        "there; ← → Home End step with the keyboard, Space plays ten steps a second.",
        "**A node's computation.** Click x_t, h_t"
        + (", c_t" if memory else "")
        + " or ŷ_t: the panel beside the chain shows its equation with this step's numbers"
        + (", and for a gated cell each gate, one bar per hidden unit." if cell != "rnn" else ".")
        + (" x_t = E o_w: the one-hot o_w picks one column of the embedding E." if embedding else ""),
        (
            "**The loss over time.** Under each column is that step's loss, ½ (guess − true next value)²; "
            if regression
            else "**The loss over time.** Under each column is that step's loss, −log p(true next token): small when the "
            "network gave the token that really came next a high probability; "
        )
        + "the line below adds them up, L = L_1 + L_2 + …, for the steps read so far. The last step has no loss: "
        "nothing comes after it.",
        "**The hidden states.** Below the chain, each column is h_t, the whole memory after reading that token; each "
        "row is one hidden unit (red positive, blue negative, white zero). Hover a cell for its value."
        + (" The second block is the second sequence read by the same weights." if compare else ""),
        "**The backward pass.** Switch to Backward pass (BPTT): it runs right to left from the last step with a "
        "loss. The red number on h_t and the red arrow's width are ‖∂L/∂h_t‖; each step's own error enters from "
        "ŷ_t (short red arrow) and joins what flows back from step t+1. The panel shows the step's backward "
        "equations and the running ‖∂L/∂W_hh‖. Where the numbers shrink towards the first steps, the gradient is "
        "vanishing.",
    ]
    if not trained:
        out.append("The weights are random (untrained): watch how the numbers flow, not whether the guesses are right.")
    return out
