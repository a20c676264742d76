"""AppTest of the explorer's stacked and bidirectional networks: layers and bidirectional from the URL reach the
player's payload as rows (one per layer and direction, with the library's numbers), a shape no shipped model has
gives the notice naming the nearest model, and the code panel sits below the player."""

import numpy as np

from tests.app.explorer_page import PAGE, RANDOM, player
from visualizer.data import encoding
from visualizer.data.trained_model import TrainedModel
from visualizer.labs.explorer import deep_run
from visualizer.nn import cells

TEXT = "the united states of america"


def test_two_layers_bidirectional_from_the_url_gives_four_rows(run_page):
    at = run_page(PAGE, {**RANDOM, "layers": "2", "bidir": "true", "cell": "lstm", "hidden": "6"})
    assert not at.exception
    d = player(at)
    assert [r["label"] for r in d["deep"]["rows"]] == ["layer 1 →", "layer 1 ←", "layer 2 →", "layer 2 ←"]
    assert len(d["heat"]["rows"]) == 4 and [full for _, _, full in d["heat"]["rows"]] == [False, True, False, True]
    r = deep_run.random_run(TEXT, "words", "onehot", cell="lstm", layers=2, bidirectional=True, emb=8, hidden=6, seed=0)
    for t in (1, 5):
        np.testing.assert_allclose(d["steps"][t - 1]["rows"][3]["h"], r.hs[1][1][t - 1], rtol=1e-5)
    assert any("reads the whole sequence" in c.value for c in at.caption)  # the leak note
    (code,) = [e for e in at.expander if e.label.startswith("Code: this network")]
    assert code.label.endswith("(LSTM, D = 5, H = 6, V = 5, 2 layers, bidirectional)")  # the network on screen


def test_one_layer_has_no_rows_and_keeps_the_old_player(run_page):
    d = player(run_page(PAGE, RANDOM))
    assert "deep" not in d


def test_story_two_layer_vanilla_words_runs_the_shipped_deep_model(run_page):
    at = run_page(PAGE, {"layers": "2", "cell": "rnn", "weights": "story"})
    assert not at.exception
    d = player(at)
    assert d["deep"]["L"] == 2 and d["deep"]["dirs"] == 1
    assert not [w for w in at.warning if "nearest" in w.value]  # exactly what was asked: no notice


def test_a_shape_no_model_has_names_the_nearest_model(run_page):
    at = run_page(PAGE, {"layers": "3", "bidir": "true", "cell": "lstm", "weights": "story"})
    assert not at.exception
    (notice,) = [w.value.replace("\\", "") for w in at.warning if "nearest" in w.value]  # markdown-escaped
    assert "LSTM with 3 layers, bidirectional" in notice and "“lstm-words”" in notice
    assert "none is bidirectional" in notice
    assert "deep" not in player(at)  # the nearest model has one layer: the one-layer player


def test_bidirectional_vanilla_story_shows_the_two_layer_model_with_the_notice(run_page):
    at = run_page(PAGE, {"layers": "2", "bidir": "true", "cell": "rnn", "weights": "story"})
    (notice,) = [w.value.replace("\\", "") for w in at.warning if "nearest" in w.value]  # markdown-escaped
    assert "“rnn2-words”" in notice
    assert player(at)["deep"]["dirs"] == 1


def test_the_depth_controls_follow_the_url_and_move_the_player(run_page):
    at = run_page(PAGE, {**RANDOM, "layers": "2"})
    (layers,) = [s for s in at.slider if s.label == "Layers"]
    assert not layers.disabled and layers.value == 2
    assert len(player(at)["deep"]["rows"]) == 2
    layers.set_value(3).run()
    assert [r["label"] for r in player(at)["deep"]["rows"]] == ["layer 1", "layer 2", "layer 3"]
    (bidir,) = [t for t in at.toggle if t.label == "Bidirectional"]
    bidir.set_value(True).run()
    assert len(player(at)["deep"]["rows"]) == 6


def test_a_one_token_deep_run_and_bad_numbers_give_no_traceback(run_page):
    at = run_page(PAGE, {**RANDOM, "layers": "2", "bidir": "true", "text": "hello"})
    assert not at.exception
    d = player(at)
    assert d["T"] == 1 and d["steps"][0]["loss"] is None


def test_the_second_sequence_is_disabled_with_the_reason_for_a_deep_network(run_page):
    at = run_page(PAGE, {**RANDOM, "bidir": "true", "compare": "the united kingdom"})
    assert not at.exception
    (compare,) = [w for w in at.text_input if w.label == "Compare with a second sequence"]
    assert compare.disabled and "one-layer, one-direction view only" in compare.proto.help
    assert "b" not in player(at)["heat"]
    (compare,) = [w for w in run_page(PAGE, RANDOM).text_input if w.label == "Compare with a second sequence"]
    assert not compare.disabled


def test_a_rerun_sends_the_same_deep_payload(run_page):
    at = run_page(PAGE, {**RANDOM, "layers": "3", "bidir": "true", "cell": "gru"})
    first = player(at)
    at.run()
    assert player(at) == first  # same seed and settings: the same weights and picture


def test_own_model_disables_the_depth_controls_with_the_reason(run_page):
    """The student's own model has its own shape: a link asking for 2 layers, bidirectional, still shows it."""
    at = run_page(PAGE, {**RANDOM, "layers": "2", "bidir": "true"})
    vocab = encoding.Vocab.build(list("the united states of america"))
    model = TrainedModel("gru", "chars", vocab, cells.CELLS["gru"].init(len(vocab), 8, len(vocab), seed=3))
    at.session_state["trained_model"] = model
    at.run()
    (radio,) = [r for r in at.radio if r.label == "Weights"]
    radio.set_value("trained").run()
    assert not at.exception and not at.error
    (layers,) = [s for s in at.slider if s.label == "Layers"]
    (bidir,) = [t for t in at.toggle if t.label == "Bidirectional"]
    assert layers.disabled and bidir.disabled and "own model" in layers.proto.help
    d = player(at)
    assert "deep" not in d and d["cell"] == "gru"  # the model's own one-layer shape
