"""AppTest of the Gradients page: every activation, the radius extremes, overflow, bad links,
clipping, the user's own text and trained weights from the Train page."""

import json

import numpy as np
import pytest

from tests.app.conftest import new_app
from visualizer.maths import cells, encoding, train

PAGE = "pages/3_Gradients.py"


def _spec(at, i=0) -> dict:
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def _names(at) -> list[str]:
    return [tr.get("name", "") for tr in _spec(at)["data"]]


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("act,gamma", [("tanh", "1"), ("sigmoid", "0.25"), ("relu", "1"), ("linear", "1")])
def test_each_activation_draws_norms_heatmaps_and_eigenvalues(run_page, act, gamma):
    at = run_page(PAGE, {"act": act})
    assert not at.exception
    assert len(at.get("plotly_chart")) == 5  # norms, three heatmap tabs, eigenvalues
    assert _metrics(at)["γ = max |f′|"] == gamma
    names = _names(at)
    assert "‖∂L/∂h_t‖ vanilla RNN" in names and "‖∂L/∂h_t‖ LSTM" in names and "‖∂L/∂h_t‖ GRU" in names
    assert any(n.startswith(f"bound (γ·σ_max)^(T−t) = ({gamma}·") for n in names)
    assert _spec(at)["layout"]["yaxis"]["type"] == "log"
    assert _spec(at, 4)["data"][0]["name"].startswith("unit circle")


@pytest.mark.parametrize("radius,kind", [("0.1", "vanishing"), ("2", None)])
def test_radius_extremes(run_page, radius, kind):
    at = run_page(PAGE, {"radius": radius, "act": "linear", "glen": "100"})
    assert not at.exception
    m = _metrics(at)
    assert float(m["spectral radius ρ(W_hh)"]) == pytest.approx(float(radius))
    label = next(k for k in m if k.startswith("vanilla RNN:"))
    if kind:
        assert kind in label
    assert at.slider(key="w_radius").value == pytest.approx(float(radius))


def test_singular_kind_sets_sigma_max(run_page):
    at = run_page(PAGE, {"radius": "0.9", "rkind": "singular"})
    assert not at.exception
    assert float(_metrics(at)["σ_max(W_hh)"]) == pytest.approx(0.9)


def test_overflow_case_warns_and_never_raises(run_page):
    at = run_page(PAGE, {"act": "linear", "radius": "2", "glen": "400"})
    assert not at.exception
    assert any("float32" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 5


def test_relu_radius_two_explodes(run_page):
    at = run_page(PAGE, {"act": "relu", "radius": "2", "glen": "300", "hidden": "6", "cells": "rnn"})
    assert not at.exception
    assert any(k.startswith("vanilla RNN: exploding") for k in _metrics(at))
    assert len(at.get("plotly_chart")) == 3  # norms, one heatmap, eigenvalues


def test_bad_link_falls_back_with_notice(run_page):
    at = run_page(PAGE, {"radius": "9", "act": "cube", "glen": "x", "rkind": "frobenius", "cells": "<b>x</b>"})
    assert not at.exception
    assert any("defaults" in w.value for w in at.warning)
    assert _metrics(at)["spectral radius ρ(W_hh)"] == "1"
    assert any("Pick at least one cell" in i.value for i in at.info)  # cells named nothing known


def test_clipping_toggle_reports_before_and_after(run_page):
    at = run_page(PAGE, {"act": "relu", "radius": "2", "glen": "200", "cells": "rnn"})
    assert not any("before clipping" in c.value for c in at.caption)
    at.toggle(key="w_clip").set_value(True).run()
    at.number_input(key="w_clip_norm").set_value(1.0).run()
    assert not at.exception
    notes = [c.value for c in at.caption if "before clipping" in c.value]
    assert notes and "after 1" in notes[0]
    assert any("after clipping" in n for n in _names(at))
    assert "clip=1" in str(at.query_params) or at.query_params.get("clip") in ("1", ["1"])


def test_clipping_leaves_a_vanishing_gradient_untouched(run_page):
    at = run_page(PAGE, {"radius": "0.3", "clip": "1", "clipnorm": "1000", "cells": "rnn"})
    assert not at.exception
    assert any("untouched" in c.value for c in at.caption)
    assert not any("after clipping" in n for n in _names(at))


def test_user_sequence_and_bad_text(run_page):
    at = run_page(PAGE, {"gsource": "user", "text": "one two three two one four", "mode": "words"})
    assert not at.exception
    heat = _spec(at, 1)["data"][0]
    assert "6. four" in heat["x"]
    at.text_area(key="w_text").set_value("   ").run()
    assert not at.exception
    assert at.error and len(at.get("plotly_chart")) == 0


def test_controls_change_the_plot(run_page):
    at = run_page(PAGE, {"glen": "50"})
    before = _spec(at)["data"][0]["y"]
    at.slider(key="w_radius").set_value(0.3).run()
    assert not at.exception
    assert _spec(at)["data"][0]["y"] != before
    assert at.query_params.get("radius") in ("0.3", ["0.3"])


def _trained(cell="rnn"):
    vocab = encoding.Vocab.build(list("abcde"))
    params = cells.CELLS[cell].init(5, 7, 5, seed=0)
    return train.TrainedModel(**{"cell": cell, "params": params, "vocab": vocab, "level": "chars"})


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


def test_trained_weights_are_used(run_page):
    at = new_app(PAGE)
    at.session_state["trained_model"] = _trained()
    at.query_params["weights"] = "trained"
    at.query_params["gsource"] = "user"
    at.query_params["text"] = "abcabcdde"
    at.run()
    assert not at.exception
    assert any(r.label == "Weights" for r in at.radio)
    heat = _spec(at, 1)["data"][0]
    assert len(heat["y"]) == 7  # the trained model's hidden size
    assert any("Trained vanilla RNN" in i.value for i in at.info)
    W_hh = _trained().params.W_hh
    assert float(_metrics(at)["spectral radius ρ(W_hh)"]) == pytest.approx(
        np.max(np.abs(np.linalg.eigvals(W_hh))), rel=1e-2
    )


def test_gradient_downloads_offered(run_page):
    at = run_page("pages/3_Gradients.py", {"glen": "20"})
    labels = [b.proto.label for b in at.get("download_button")]
    assert "⬇ Gradients as CSV" in labels and "⬇ Gradients as JSON" in labels


def test_weights_fingerprint_follows_the_weights():
    """The gradients/explorer caches key trained weights by content: a model trained further is re-measured."""
    from visualizer.maths import rnn
    from visualizer.ui import core as ui

    a = rnn.init_params(3, 4, 3, seed=0)
    b = rnn.RNNParams(**{**a.as_dict(), "W_hh": a.W_hh * 1.01})
    assert ui.weights_fingerprint(a) == ui.weights_fingerprint(a)
    assert ui.weights_fingerprint(a) != ui.weights_fingerprint(b)
