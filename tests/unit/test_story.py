"""The built-in story needs memory: the last word does not decide the memory words; held-out parts are new."""

from __future__ import annotations

from collections import defaultdict

from tools import make_story
from visualizer.labs.memory_proof import memory
from visualizer.data import pretrained
from visualizer.labs.training import train
from visualizer.data import corpus


def test_story_files_are_what_the_generator_writes():
    text, held, pairs = make_story.build()
    assert corpus.default_corpus() == text
    assert pretrained.heldout_text() == held
    assert memory.read_pairs(pretrained.PAIRS_PATH.read_text(encoding="utf-8")) == [
        memory.ContrastPair(*p) for p in pairs
    ]


def test_the_word_before_a_language_does_not_decide_it():
    tokens = corpus.corpus_tokens(corpus.default_corpus(), "words")
    after = defaultdict(set)
    for prev, tok in zip(tokens, tokens[1:]):
        if tok in make_story.COUNTRIES.values():
            after[prev].add(tok)
    assert set(after) <= {"speaks", "speak", "in", "teaches"}
    assert all(len(langs) == len(make_story.COUNTRIES) for langs in after.values())


def test_united_states_of_america_is_kept():
    text = corpus.default_corpus()
    assert text.count("the United States of America") >= 20


def test_heldout_people_are_new_combinations():
    text = corpus.default_corpus()
    for line in pretrained.heldout_text().splitlines():
        first = line.split(". The ")[0]  # the person's paragraph without the agreement sentence
        assert first not in text


def test_contrast_prompts_share_their_ending_and_differ_earlier():
    for p in memory.read_pairs(pretrained.PAIRS_PATH.read_text(encoding="utf-8")):
        a, b = corpus.corpus_tokens(p.prompt_a, "words"), corpus.corpus_tokens(p.prompt_b, "words")
        assert a != b and a[-4:] == b[-4:]
        assert p.answer_a != p.answer_b
