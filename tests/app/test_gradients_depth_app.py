"""AppTest of the Gradients lab's depth section: the gradient across depth and time (rows follow the layers and
direction controls, bad links fall back, the controls are disabled with the reason on a trained model) and the code
panel (PyTorch/Keras scripts and the state_dict weights)."""

import json

from tests.app.conftest import new_app
from tests.app.test_gradients_app import PAGE, _trained

# ---------------------------------------------------------------------------- across depth and time


def _depth(at) -> dict:
    return next(
        s for s in (json.loads(c.proto.spec) for c in at.get("plotly_chart")) if "per layer" in str(s["layout"])
    )


def test_depth_chart_has_a_row_per_layer_and_direction_and_follows_the_controls(run_page):
    at = run_page(PAGE, {"glen": "30"})
    assert not at.exception
    assert _depth(at)["data"][0]["y"] == ["layer 1", "layer 2"]  # the default: two layers, one direction
    caption = next(c.value for c in at.caption if "keeps the most gradient" in c.value or "same size" in c.value)
    assert "At t = 1" in caption and "t = T" in caption
    at.slider(key="w_grad_layers").set_value(3).run()
    at.toggle(key="w_grad_bidir").set_value(True).run()
    assert not at.exception
    assert _depth(at)["data"][0]["y"] == [f"layer {i} {a}" for i in (1, 2, 3) for a in "→←"]
    assert at.query_params.get("glayers") in ("3", ["3"]) and at.query_params.get("gbidir") in ("1", ["1"])
    assert any("Layer 3 ← is 0 before t = T" in c.value for c in at.caption)  # the loss reads only o_T
    at.radio(key="w_cell_depth").set_value("lstm").run()
    assert "LSTM" in _depth(at)["layout"]["title"]["text"]


def test_depth_link_out_of_range_falls_back_with_a_notice(run_page):
    at = run_page(PAGE, {"glayers": "9", "gbidir": "maybe", "glen": "20"})
    assert not at.exception
    assert len(_depth(at)["data"][0]["y"]) == 2
    texts = " ".join(w.value for w in at.warning) + " ".join(i.value for i in at.info)
    assert "glayers" in texts and "gbidir" in texts


def test_depth_controls_are_disabled_with_the_reason_on_a_trained_model():
    at = new_app(PAGE)
    at.session_state["trained_model"] = _trained()
    for k, v in {"weights": "trained", "gsource": "user", "text": "abcabcdde", "glayers": "3"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    layers = at.slider(key="w_grad_layers")
    assert layers.proto.disabled and "one layer and reads one way" in layers.help
    assert at.toggle(key="w_grad_bidir").proto.disabled
    assert _depth(at)["data"][0]["y"] == ["layer 1"]  # the trained model itself: one row


def test_code_panel_offers_the_weights_and_both_scripts(run_page):
    at = run_page(PAGE, {"glen": "20", "gbidir": "1", "cell": "gru"})
    assert not at.exception
    panel = next(e for e in at.expander if e.label.startswith("Code: this network"))
    assert "GRU, D = " in panel.label and "2 layers, bidirectional" in panel.label
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"⬇ Weights (.npz)", "⬇ PyTorch script", "⬇ Keras script"} <= set(labels)
    texts = [t.value for t in at.text]
    assert any("class AppCell(nn.Module)" in t and "num_layers=2, bidirectional=True" in t for t in texts)
    assert any("reset_after=False" in t and "layers.Bidirectional(" in t for t in texts)
    said = " ".join(m.value for m in at.markdown)
    assert "reset gate before the recurrent product" in said
