"""The one typed Settings agrees with the settings table, and round-trips through a link."""

import dataclasses
import typing

import pytest

from visualizer import state
from visualizer.settings import NAMES, Settings


def test_one_field_per_setting_of_the_table_with_its_default():
    assert tuple(state.SETTINGS) == NAMES
    s = Settings()
    for name, spec in state.SETTINGS.items():
        assert getattr(s, name) == spec.default, name


def test_literal_types_list_the_tables_options():
    hints = typing.get_type_hints(Settings)
    for name, spec in state.SETTINGS.items():
        args = typing.get_args(hints[name])
        if typing.get_origin(hints[name]) is typing.Literal:
            assert spec.kind == "choice" and args == spec.choices, name
        elif spec.kind == "choice":
            assert hints[name] is str, name  # options from a registry that may grow (the shipped models)


def test_frozen_and_changed_applies_the_bounds():
    s = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.step = 3  # type: ignore[misc]
    assert s.changed(step=0).step == 1 and s.changed(hidden=10_000).hidden == state.SETTINGS["hidden"].hi
    assert s.changed(activation="nope").activation == "tanh"
    assert s.step == 1  # the original is untouched


def test_only_non_defaults_go_into_a_link_and_come_back():
    s = Settings().changed(text="he & she", step=4, activation="relu", seq_length=50)
    query = s.to_query()
    assert query == {"text": "he & she", "act": "relu", "step": "4", "glen": "50"}
    back, notices = Settings.from_query(query)
    assert back == s and notices == []
    assert Settings().to_query() == {}


def test_a_malformed_link_falls_back_with_a_notice():
    base = Settings().changed(text="kept")
    s, notices = Settings.from_query({"step": "two", "hidden": "999", "act": "relu", "bogus": "1"}, base=base)
    assert s.step == 1 and s.hidden == 6 and s.activation == "relu" and s.text == "kept"
    assert len(notices) == 3 and any("bogus" in n for n in notices)


def test_hidden_controls():
    assert Settings(hide="seed,act, sidebar").hidden_controls() == {"seed", "activation", "sidebar"}
