"""Plain-language definitions of the technical terms the app uses, for a first-year student.

Each page shows a term's definition where the term first appears (a help tooltip: `define(term)`), and the
Lesson page lists them all (`GLOSSARY`), in the order a course meets them.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    "hidden state": "The network's short-term memory h_t: a vector it updates at every step from the new input "
    "and its previous value, and the only thing it carries from one step to the next.",
    "one-hot": "A vector of zeros with a single 1 at the position of the token in the vocabulary: the input x_t "
    "when every token is its own column.",
    "embedding": "A short dense vector learned for each token (a column of E), used as the input x_t instead of "
    "a one-hot vector.",
    "softmax": "Turns a list of scores into probabilities that are positive and sum to 1: p_i = e^(z_i) / Σ_j e^(z_j).",
    "nats": "The unit of a loss measured with the natural logarithm: a loss of L nats per token means the model "
    "gave the true next token probability e^(−L) on average (geometric mean).",
    "BPTT": "Back-propagation through time: the chain rule applied to the unrolled network, from the last step "
    "back to the first, to get the gradient of the loss with respect to every weight.",
    "Jacobian": "The matrix of how much each output of a step changes when each input changes a little: here "
    "∂h_t/∂h_(t−1), which the gradient is multiplied by at every step back.",
    "spectral radius": "ρ(W): the largest size |λ| of W's eigenvalues. In the long run, multiplying by W again and "
    "again grows or shrinks a vector by about ρ per step.",
    "σ_max": "The largest singular value of W: the most a single multiplication by W can stretch any vector. "
    "It is never smaller than the spectral radius ρ.",
    "non-normal": "A matrix whose eigenvectors are not at right angles (W Wᵀ ≠ Wᵀ W). For such a matrix one step "
    "can stretch a vector more than ρ, although in the long run it grows like ρ per step.",
    "nilpotent": "A matrix that becomes all zeros when multiplied by itself enough times (all its eigenvalues are "
    "0, so ρ = 0), although a single step can still stretch vectors (σ_max > 0).",
    "vanishing gradient": "The gradient reaching early steps shrinks roughly geometrically with the distance, so "
    "the network cannot learn from what it read long ago.",
    "exploding gradient": "The gradient reaching early steps grows roughly geometrically with the distance, so a "
    "single update can throw the weights far off.",
    "clipping": "Scaling the whole gradient down when its norm is above a cap, before the update: a separate step "
    "that limits how far one update can move the weights (the gradient itself is computed exactly first).",
    "gate": "A vector of numbers between 0 and 1 (a sigmoid) that multiplies another vector element by element, "
    "deciding how much of it passes: keep, forget, let in.",
    "occlusion": "A way to see which earlier inputs mattered: replace one input with a neutral token, run the "
    "network again and measure how much the prediction changes.",
    "perplexity": "e to the power of the mean loss in nats: as unsure as a uniform choice among that many tokens.",
    "attention": "At every output step, a weighted average of all encoder states, with weights computed from how "
    "well each state matches the decoder's current state, so no single vector has to hold the whole input.",
}


def define(term: str) -> str:
    """The definition of `term` (KeyError names the term when it is missing from the glossary)."""
    return GLOSSARY[term]


# Symbols that stand for a term in the app's sentences.
SYMBOLS: dict[str, str] = {"ρ": "spectral radius"}


def terms_in(text: str) -> tuple[str, ...]:
    """The glossary terms that `text` uses (whole words or their symbol, any case), in glossary order."""
    low = text.lower()

    def used(term: str) -> bool:
        names = [term] + [sym for sym, t in SYMBOLS.items() if t == term]
        return any(re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", low) for n in names)

    return tuple(t for t in GLOSSARY if used(t))


def helptext(*terms: str) -> str:
    """Several definitions as one help tooltip, each led by its term in bold."""
    return "\n\n".join(f"**{t}**: {GLOSSARY[t]}" for t in terms)
