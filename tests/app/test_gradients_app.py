"""AppTest of the Gradients lab: presets and their promises, every activation, the radius extremes,
overflow, bad links, editing W_hh by hand (and sharing it), clipping, the user's own text and
trained weights from the Train page."""

import json

import numpy as np
import pytest

from tests.app.conftest import new_app
from visualizer import gradient_presets as gp
from visualizer import state
from visualizer.content import presets as preset_text
from visualizer.data import encoding, trained_model
from visualizer.labs.explorer import explore
from visualizer.labs.gradients import whh
from visualizer.nn import cells

PAGE = "views/gradients.py"


def _spec(at, i=0) -> dict:
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def _names(at) -> list[str]:
    return [tr.get("name", "") for tr in _spec(at)["data"]]


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _rate(at, cell="vanilla RNN") -> tuple[str, float]:
    label, value = next((k, v) for k, v in _metrics(at).items() if k.startswith(f"{cell}:"))
    return label.split(": ")[1], float(value.lstrip("×"))


def test_default_view_shows_one_gradient_exploding_and_others_vanishing(run_page):
    at = run_page(PAGE)
    assert not at.exception
    assert _rate(at)[0] == "exploding" and _rate(at, "GRU")[0] == "vanishing" and _rate(at, "LSTM")[0] == "vanishing"
    assert any(i.value.startswith("**Exploding.**") for i in at.info)  # the default is a preset, and says so
    assert any("upper limit" in w.value for w in at.warning)  # gamma sigma_max > 1 here
    assert len(at.get("plotly_chart")) == 6  # norms, eigenvalues, the depth chart, three heatmap tabs


@pytest.mark.parametrize("key", list(gp.PRESETS))
def test_each_preset_button_renders_and_keeps_its_promise(run_page, key):
    at = run_page(PAGE, {"gact": "sigmoid", "radius": "0.3", "glen": "20"})  # start far from every preset
    at.button(key=f"preset_{key}").click().run()
    assert not at.exception
    preset = gp.PRESETS[key]
    regime, rate = _rate(at)
    assert regime == preset.regime
    assert (
        (rate < 0.98) if regime == "vanishing" else (rate > 1.02) if regime == "exploding" else (0.98 <= rate <= 1.02)
    )
    assert any(i.value.startswith(f"**{preset_text.TEXT[preset.key].label}.**") for i in at.info)
    m = _metrics(at)
    if key == "counter":
        assert rate == pytest.approx(2.0, rel=0.01) and m["ρ(W_hh)"] == "0" and m["σ_max(W_hh)"] == "4"
    if key == "orthogonal":
        assert m["ρ(W_hh)"] == "1" and m["σ_max(W_hh)"] == "1"
    if key == "vanishing":
        assert any("vanishing is guaranteed" in s.value for s in at.success)
    query = state.to_query({**state.defaults(), **preset.settings})  # the link is the preset
    assert {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()} == query


@pytest.mark.parametrize("act,gamma", [("tanh", "1"), ("sigmoid", "0.25"), ("relu", "1"), ("linear", "1")])
def test_each_activation_draws_norms_heatmaps_and_eigenvalues(run_page, act, gamma):
    at = run_page(PAGE, {"gact": act})
    assert not at.exception
    assert _metrics(at)["γ·σ_max (the bound's rate)"].startswith(f"{gamma}·")
    names = _names(at)
    assert "‖∂L/∂h_t‖ vanilla RNN" in names and "‖∂L/∂h_t‖ LSTM" in names and "‖∂L/∂h_t‖ GRU" in names
    assert names[-1].startswith("bound, vanilla RNN only: (γ·σ_max)^(T−t)")
    assert _spec(at)["layout"]["yaxis"]["type"] == "log"
    assert _spec(at, 1)["data"][0]["name"].startswith("unit circle")


@pytest.mark.parametrize("radius,kind", [("0.1", "vanishing"), ("2", "exploding")])
def test_radius_extremes(run_page, radius, kind):
    at = run_page(PAGE, {"radius": radius, "gact": "linear", "glen": "100"})
    assert not at.exception
    assert float(_metrics(at)["ρ(W_hh)"]) == pytest.approx(float(radius))
    assert _rate(at)[0] == kind
    assert at.slider(key="w_radius").value == pytest.approx(float(radius))


def test_singular_kind_sets_sigma_max(run_page):
    at = run_page(PAGE, {"radius": "0.9", "rkind": "singular"})
    assert not at.exception
    assert float(_metrics(at)["σ_max(W_hh)"]) == pytest.approx(0.9)
    assert any("non-normal" in c.value for c in at.caption)  # rho < sigma_max, and why


def test_overflow_case_warns_and_never_raises(run_page):
    at = run_page(PAGE, {"gact": "linear", "radius": "2", "glen": "400"})
    assert not at.exception
    assert any("float32" in w.value for w in at.warning)


def test_bad_link_falls_back_with_notice(run_page):
    at = run_page(PAGE, {"radius": "9", "gact": "cube", "glen": "x", "rkind": "frobenius", "cells": "<b>x</b>"})
    assert not at.exception
    assert any("defaults" in w.value for w in at.warning)
    assert _metrics(at)["ρ(W_hh)"] == "1.1"
    assert any("Pick at least one cell" in i.value for i in at.info)  # cells named nothing known


# ---------------------------------------------------------------------------- W_hh by hand


def _edit(at, row: int, column: str, value: float):
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {row: {column: value}}, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_editing_a_cell_of_w_hh_changes_sigma_max_and_the_curve(run_page):
    at = run_page(PAGE, {"glen": "50"})
    before_sigma, before_line = _metrics(at)["σ_max(W_hh)"], _spec(at)["data"][0]["y"]
    _edit(at, 0, "h[1]", 3.0)
    assert not at.exception
    assert _metrics(at)["σ_max(W_hh)"] != before_sigma
    assert _spec(at)["data"][0]["y"] != before_line  # the curve follows the edit in the same run
    W = whh.decode_matrix(
        at.query_params["whh"][0] if isinstance(at.query_params["whh"], list) else at.query_params["whh"]
    )
    assert W[0, 1] == 3.0 and float(_metrics(at)["σ_max(W_hh)"]) == pytest.approx(whh.sigma_max(W), rel=1e-2)
    at.run()  # a later rerun keeps the edit and draws a fresh editor with it
    assert not at.exception and at.data_editor[0].value.iloc[0, 1] == 3.0


def test_an_edited_matrix_round_trips_through_the_url(run_page):
    at = run_page(PAGE, {"whh": "0.5_-1_2_0.25", "bh": "0.1_-0.1", "gact": "tanh"})
    assert not at.exception
    shown = at.data_editor[0].value
    np.testing.assert_allclose(shown[["h[0]", "h[1]"]].to_numpy(), [[0.5, -1], [2, 0.25]])
    np.testing.assert_allclose(shown["b_h"].to_numpy(), [0.1, -0.1])
    assert at.slider(key="w_hidden").value == 2  # H follows the matrix
    assert float(_metrics(at)["σ_max(W_hh)"]) == pytest.approx(whh.sigma_max(np.array([[0.5, -1], [2, 0.25]])), 1e-2)
    assert at.query_params["whh"] in ("0.5_-1_2_0.25", ["0.5_-1_2_0.25"])
    assert at.query_params["bh"] in ("0.1_-0.1", ["0.1_-0.1"])


@pytest.mark.parametrize("bad", ["1_2_3", "1_nan_2_3", "a_b_c_d", "_".join(["1"] * 81)])
def test_malformed_matrix_in_the_url_falls_back_with_a_notice(run_page, bad):
    at = run_page(PAGE, {"whh": bad})
    assert not at.exception
    assert any("random W_hh" in w.value.replace("\\", "") for w in at.warning)
    assert _metrics(at)["ρ(W_hh)"] == "1.1"  # the default random W_hh
    assert "whh" not in at.query_params


def test_b_h_of_the_wrong_length_falls_back_with_a_notice(run_page):
    at = run_page(PAGE, {"whh": "1_0_0_1", "bh": "1_2_3"})
    assert not at.exception
    assert any("b_h = 0" in w.value.replace("\\", "") for w in at.warning)
    assert "bh" not in at.query_params and at.query_params["whh"] in ("1_0_0_1", ["1_0_0_1"])


@pytest.mark.parametrize(
    "action,check",
    [
        ("orth", lambda m: m["ρ(W_hh)"] == "1" and m["σ_max(W_hh)"] == "1"),
        ("sym", lambda m: m["ρ(W_hh)"] == m["σ_max(W_hh)"]),
        ("sigma", lambda m: m["σ_max(W_hh)"] == "0.5"),
        ("rho", lambda m: m["ρ(W_hh)"] == "0.5"),
    ],
)
def test_matrix_tools_act_on_w_hh(run_page, action, check):
    at = run_page(PAGE, {"glen": "30"})
    at.number_input(key="whh_target").set_value(0.5).run()
    at.button(key=f"whh_{action}").click().run()
    assert not at.exception
    assert check(_metrics(at)), _metrics(at)
    assert at.query_params.get("whh")
    at.button(key="whh_random").click().run()
    assert "whh" not in at.query_params and _metrics(at)["ρ(W_hh)"] == "1.1"


def test_changing_h_drops_the_hand_matrix(run_page):
    at = run_page(PAGE, {"whh": "1_0_0_1"})
    at.slider(key="w_hidden").set_value(4).run()
    assert not at.exception and "whh" not in at.query_params
    assert len(at.data_editor[0].value) == 4


# ---------------------------------------------------------------------------- the rest


def test_clipping_toggle_reports_before_and_after(run_page):
    at = run_page(PAGE, {"gact": "relu", "radius": "2", "glen": "200", "cells": "rnn"})
    at.toggle(key="w_clip").set_value(True).run()
    at.number_input(key="w_clip_norm").set_value(1.0).run()
    assert not at.exception
    assert any("after clipping" in n for n in _names(at))
    assert at.query_params.get("clip") in ("1", ["1"])


def test_my_text_asks_for_the_next_token(run_page):
    at = run_page(PAGE, {"gsource": "user", "text": "one two three two one four", "mode": "words"})
    assert not at.exception
    question = next(c.value for c in at.caption if "The loss at t = T" in c.value)
    # on the user's text the story's trained vanilla RNN is the default; random weights are one click away
    assert "next token of your text" in question and "four" in question and "trained model" in question
    at_random = run_page(PAGE, {"gsource": "user", "text": "one two three two one four", "weights": "random"})
    question = next(c.value for c in at_random.caption if "The loss at t = T" in c.value)
    assert "random network" in question
    heat = _spec(at, 2)["data"][0]
    assert len(heat["x"]["bdata"] if isinstance(heat["x"], dict) else heat["x"]) > 0
    at.text_area(key="w_text").set_value("   ").run()
    assert not at.exception
    assert at.error and len(at.get("plotly_chart")) == 0
    at.text_area(key="w_text").set_value("alone").run()
    assert any("at least two tokens" in e.value for e in at.error)


def test_controls_change_the_plot(run_page):
    at = run_page(PAGE, {"glen": "50"})
    before = _spec(at)["data"][0]["y"]
    at.slider(key="w_radius").set_value(0.3).run()
    assert not at.exception
    assert _spec(at)["data"][0]["y"] != before
    assert at.query_params.get("radius") in ("0.3", ["0.3"])
    assert not any(i.value.startswith("**Exploding.**") for i in at.info)  # no longer the preset


def _trained(cell="rnn"):
    vocab = encoding.Vocab.build(list("abcde"))
    params = cells.CELLS[cell].init(5, 7, 5, seed=0)
    return trained_model.TrainedModel(**{"cell": cell, "params": params, "vocab": vocab, "level": "chars"})


def test_trained_weights_offered_only_for_a_compatible_vanilla_model():
    at = new_app(PAGE)
    at.run()
    assert not any(r.label == "Weights" for r in at.radio)
    at = new_app(PAGE)
    at.session_state["trained_model"] = _trained("gru")
    at.run()
    assert not at.exception and not any(r.label == "Weights" for r in at.radio)
    at = new_app(PAGE)
    at.session_state["trained_model"] = "junk"
    at.run()
    assert not at.exception


def test_trained_weights_are_used_and_asked_for_the_next_token():
    at = new_app(PAGE)
    at.session_state["trained_model"] = _trained()
    at.query_params["weights"] = "trained"
    at.query_params["gsource"] = "user"
    at.query_params["text"] = "abcabcdde"
    at.run()
    assert not at.exception
    assert any("Trained vanilla RNN" in i.value for i in at.info)
    assert not at.data_editor  # trained weights are shown, not edited
    heat = _spec(at, 2)["data"][0]
    assert len(heat["y"]) == 7  # the trained model's hidden size
    question = next(c.value for c in at.caption if "The loss at t = T" in c.value)
    assert "the trained model" in question and "“e”" in question and "top guess" in question
    W_hh = _trained().params.W_hh
    assert float(_metrics(at)["ρ(W_hh)"]) == pytest.approx(np.max(np.abs(np.linalg.eigvals(W_hh))), rel=1e-2)


def test_gradient_downloads_offered(run_page):
    at = run_page(PAGE, {"glen": "20"})
    labels = [b.proto.label for b in at.get("download_button")]
    assert "⬇ Gradients as CSV" in labels and "⬇ Gradients as JSON" in labels


def test_weights_fingerprint_follows_the_weights():
    """The gradients/explorer caches key trained weights by content: a model trained further is re-measured."""
    from visualizer.nn import rnn
    from visualizer.ui import compute as ui

    a = rnn.init_params(3, 4, 3, seed=0)
    b = rnn.RNNParams(**{**a.as_dict(), "W_hh": a.W_hh * 1.01})
    assert ui.weights_fingerprint(a) == ui.weights_fingerprint(a)
    assert ui.weights_fingerprint(a) != ui.weights_fingerprint(b)


def test_the_spectral_terms_are_defined_where_they_appear(run_page):
    """ρ and σ_max carry their glossary definitions (and "non-normal", which the caption beside them may use)."""
    from visualizer.content.glossary import GLOSSARY

    at = run_page(PAGE)
    helps = {m.label: m.proto.help for m in at.metric}
    assert GLOSSARY["spectral radius"] in helps["ρ(W_hh)"]
    assert GLOSSARY["σ_max"] in helps["σ_max(W_hh)"] and GLOSSARY["non-normal"] in helps["σ_max(W_hh)"]


def test_numbers_mode_with_words_measures_an_example_and_says_so(run_page):
    """The random network on the user's text in numbers mode: words are replaced by an example of numbers, said
    in a notice, and the page still measures (issue 27, item 13)."""
    at = run_page(PAGE, {"gsource": "user", "weights": "random", "mode": "numbers"})
    assert not at.exception and not at.error
    assert any("not a number" in w.value and explore.NUMBERS_EXAMPLE in w.value for w in at.warning)
    assert at.get("plotly_chart"), "the gradient charts are drawn"


def test_jargon_is_defined_where_it_first_appears(run_page):
    """Clipping and each preset's terms (nilpotent, σ_max, ρ, Jacobian) carry their plain definitions as tooltips."""
    from visualizer.content import glossary

    at = run_page(PAGE, {})
    (clip,) = [t for t in at.toggle if t.key == "w_clip"]
    assert glossary.define("clipping") in clip.help
    counter = at.button(key="preset_counter")
    assert glossary.define("nilpotent") in counter.help and glossary.define("spectral radius") in counter.help
