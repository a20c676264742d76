"""The offline lecture deck and exercise sheet: self-contained, computed answers, skipped stops, escaping."""

import re
from dataclasses import replace
from functools import cache
from html import unescape
from html.parser import HTMLParser

import pytest

from visualizer import deck, lesson, lesson_stops
from visualizer.plots import svg
from visualizer.settings import Settings

ALL = tuple(range(1, len(lesson_stops.STOPS) + 1))


@cache
def full_deck() -> str:
    return deck.deck_html(ALL)


class Links(HTMLParser):
    """Every attribute that makes a browser fetch something, and every element that can."""

    def __init__(self):
        super().__init__()
        self.fetches: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "poster", "data", "action") and value:
                self.fetches.append((tag, name, value))


def _parse(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


def _slides(html: str) -> list[tuple[str, str]]:
    """(kind, inner text) of every slide, in order."""
    out = []
    for kind, body in re.findall(r"<section class='slide kind-(\w+)'[^>]*>(.*?)</section>", html, re.S):
        out.append((kind, " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())))
    return out


def test_the_deck_fetches_nothing():
    html = full_deck()
    p = _parse(html)
    assert not [f for f in p.fetches if not f[2].startswith("#")], p.fetches  # only in-page marker references
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html) and "@import" not in html
    assert "link" not in p.tags and "iframe" not in p.tags and "img" not in p.tags
    assert p.tags.count("script") == 1 and "<script>" in html  # inline only
    assert p.tags.count("svg") == len(ALL)  # one figure per stop, drawn inline


def test_every_stop_has_a_question_slide_then_its_computed_answer():
    slides = _slides(full_deck())
    assert slides[0][0] == "title" and slides[-1][0] == "end"
    body = slides[1:-1]
    assert [k for k, _ in body] == ["question", "answer"] * len(ALL)
    for n, ((_, q), (_, a)) in zip(ALL, zip(body[::2], body[1::2])):
        stop, s = lesson_stops.STOPS[n - 1], lesson_stops.preset(n)
        answer = lesson.show_answer(stop.question.answer(s))
        assert stop.title in q and stop.title in a
        assert "Answer:" not in q  # the answer is not on the question's slide
        assert f"Answer: {answer}" in a
        assert stop.question.reason(s).replace("**", "").replace("*", "")[:40] in a.replace("*", "")


def test_a_stop_whose_page_is_not_available_is_skipped_with_a_note():
    available = deck.ALL_PAGES - {"limits"}
    html = deck.deck_html(ALL, available=available)
    skipped = [t for k, t in _slides(html) if k == "skipped"]
    (note,) = skipped
    assert "Stop 14" in note and "is not in this deck" in note and "Limits of memory" in note
    assert len(_slides(html)) == len(_slides(full_deck())) - 1  # two slides became one note


def test_a_stop_whose_numbers_fail_is_skipped_with_the_reason(monkeypatch):
    def broken(stop, s):
        if stop.page.key == "gradients":
            raise FileNotFoundError("no such model")
        return "<svg></svg>"

    monkeypatch.setattr(deck, "figure", broken)
    html = deck.deck_html((1, 10))
    kinds = [k for k, _ in _slides(html)]
    assert kinds == ["title", "question", "answer", "skipped", "end"]
    assert "no such model" in _slides(html)[3][1]


def test_the_demo_path_is_five_stops_of_the_lesson_and_its_deck_follows_it():
    demo = lesson_stops.PATHS["demo"]
    assert len(demo) == 5 and set(demo) <= set(ALL) and list(demo) == sorted(demo)
    html = deck.deck_html(demo)
    titles = [lesson_stops.STOPS[n - 1].title for n in demo]
    text = " ".join(t for _, t in _slides(html))
    assert all(t.split("“")[0] in text for t in titles)
    assert f"5 of the lesson's {len(lesson_stops.STOPS)} stops" in text
    assert lesson_stops.neighbours("demo", 5) == (1, 8)
    assert lesson_stops.neighbours("demo", 1) == (None, 5)
    assert lesson_stops.neighbours("demo", 12) == (10, None)
    assert lesson_stops.neighbours("demo", 6) == (5, 8)  # a stop off the path steps onto it
    assert lesson_stops.neighbours("full", 6) == (5, 7)
    with pytest.raises(ValueError, match="no stop 99"):
        deck.deck_html((99,))


def test_user_text_is_escaped_and_the_deck_is_reproducible():
    keep = replace(Settings(), present=True)
    once, again = deck.deck_html((1, 2), keep=keep), deck.deck_html((1, 2), keep=keep)
    assert once == again
    evil = "<script>alert(1)</script> **bold**"
    assert "<script>alert" not in deck.inline(evil) and "&lt;script&gt;" in deck.inline(evil)
    assert "<strong>bold</strong>" in deck.inline(evil)
    assert deck.inline("*it* and 2*3*4") == "<em>it</em> and 2*3*4"
    assert "&lt;b&gt;" in svg.heatmap([[1.0]], ["<b>"], ["h1"], title="t", xtitle="x", ytitle="y")


def test_the_deck_moves_with_the_arrow_keys():
    """The script handles the keys (the browser test presses them)."""
    assert "ArrowRight" in deck.JS and "ArrowLeft" in deck.JS and "PageDown" in deck.JS


def test_the_sheet_is_self_contained_with_answers_on_their_own_page():
    html = deck.sheet_html(10, 16, 10)
    p = _parse(html)
    assert not p.fetches and "script" not in p.tags
    assert "page-break-before:always" in html
    assert html.index("<h1>Answers</h1>") > html.index("3. Which sequence type?")
    assert "2,458 parameters" in html or "parameters" in html  # counts are tested in test_exercises
    assert deck.sheet_sizes(Settings()) == (5, 6, 5)  # the default sentence: five distinct words, H = 6


def test_svg_lines_and_windows_are_labelled_with_tooltips():
    out = svg.lines([1, 2, 3], {"a": [1.0, 0.1, 0.01]}, title="T", xtitle="step", ytitle="norm", log=True)
    assert "(log scale)" in out and "<title>a: step 2 → 0.1</title>" in out and "1e-2" in out
    win = svg.windows([(1, 0, ["a", "b"]), (2, 2, ["c", "d"])], title="W")
    assert "h carried into step 2" in win and win.count("stopped at the window's start") == 2
    assert "<title>token 3: c</title>" in win
    lay = svg.sequence_layout([True, True], [False, True], [False, False], title="L", in_labels=["x", "y"])
    assert "step 2 emits" in lay and "step 1 emits" not in lay
    assert svg.nice_ticks(1, 200, integer=True) == [50, 100, 150, 200]


def test_parse_stops_keeps_the_lessons_numbers_once_in_order():
    assert lesson_stops.parse_stops("9, 2,3,2,99,x,0", (1,)) == (2, 3, 9)
    assert lesson_stops.parse_stops("", (1, 5)) == (1, 5)
    assert lesson_stops.parse_stops("99", (1, 5)) == (1, 5)
