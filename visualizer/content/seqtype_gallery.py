"""What the sequence-types page says about the five shapes: examples per type, a gallery of applications (each
named by its type, a key of visualizer.labs.sequences.seqtypes.SEQTYPES), and why a feed-forward net cannot do this.
"""

from __future__ import annotations

from dataclasses import dataclass


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
