"""AppTest of the Home page."""

import json


def test_home_renders_example_and_links(run_page):
    at = run_page("views/home.py")
    assert not at.exception
    # the chain and the heatmap are the explorer's player, compact: Home draws no Plotly chart (its 4.7 MB chunk)
    assert not at.get("plotly_chart")
    chain, heat = _players(at)
    assert chain["compact"] and heat["heat_only"] and heat["id"] == chain["id"]  # the heatmap follows the chain
    assert "america" in heat["tokens"] and len(heat["heat"]["h"]) == heat["T"] == len(heat["tokens"])
    assert "steps" not in heat  # only what the heatmap draws


def test_home_empty_text_shows_message(run_page):
    at = run_page("views/home.py")
    at.text_input[0].set_value("   ").run()
    assert not at.exception
    assert any("empty" in e.value for e in at.error)
    assert len(at.get("plotly_chart")) == 0 and not _players(at)


def test_home_bad_url_falls_back_with_notice(run_page):
    at = run_page("views/home.py", {"hidden": "abc", "bogus": "1"})
    assert not at.exception
    assert any("defaults" in w.value for w in at.warning)
    assert not at.get("plotly_chart") and len(_players(at)) == 2


def _players(at) -> list[dict]:
    return [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name.endswith("player")]


def _chain_predictions(at) -> list[str]:
    """The chain's best guess at each step, as the player labels it ("america" after "of")."""
    d = _players(at)[0]
    assert d["compact"] and d["step"] == d["T"]  # Home opens on the last step: every word read
    return [s["top"][0][0] for s in d["steps"]]


def test_home_defaults_to_the_story_model_and_shows_the_proof(run_page):
    at = run_page("views/home.py")
    assert not at.exception
    assert at.radio(key="w_weights").value == "story"
    # "the united states of" -> the trained model expects "america"
    assert _chain_predictions(at)[3] == "america"
    labels = [m.label for m in at.metric]
    assert "Loss on held-out story text" in labels and "Contrast prompts answered right" in labels
    # the contrast pair as a table of text bars (no chart library on Home), ✓ on the right answers
    assert not at.get("vega_lite_chart")
    (table,) = [m.value for m in at.markdown if "| network after A |" in m.value]
    assert table.count("✓") == 2


def test_home_random_weights_from_the_url(run_page):
    at = run_page("views/home.py", {"weights": "random"})
    assert not at.exception
    assert at.radio(key="w_weights").value == "random"
    assert not at.metric and len(at.get("vega_lite_chart")) == 0
    assert any("random (untrained)" in c.value for c in at.caption)


def test_home_switching_weights_writes_the_url(run_page):
    at = run_page("views/home.py")
    at.radio(key="w_weights").set_value("random").run()
    assert at.query_params["weights"] == ["random"] or at.query_params["weights"] == "random"


def test_home_unknown_words_are_named(run_page):
    at = run_page("views/home.py", {"text": "Zorro grew up in Atlantis"})
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert "zorro" in notes and "atlantis" in notes and "unk" in notes
    assert not at.get("plotly_chart") and len(_players(at)) == 2


def test_home_asks_for_my_model_without_one_falls_back(run_page):
    at = run_page("views/home.py", {"weights": "trained"})
    assert not at.exception
    assert any("no model has been trained" in i.value for i in at.info)
    assert at.metric  # the story model is shown instead


def _share_links(at) -> list[dict]:
    return [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name.endswith("copy_link")]


def test_share_link_is_a_copy_box_not_st_code(run_page):
    """The share panel's link is the copy-link element with this view's address (st.code would pull Streamlit's
    syntax-highlighter chunk into every page); a classroom link appears once controls are picked."""
    at = run_page("views/home.py", {"text": "cats chase mice"})
    assert not at.exception and not at.get("code")
    (link,) = _share_links(at)
    assert "text=cats" in link["url"] and link["button"] == "Copy"
    at.multiselect(key="w_hide_pick").set_value(["seed"]).run()
    urls = [d["url"] for d in _share_links(at)]
    assert len(urls) == 2 and "hide=seed" in urls[1] and "hide=" not in urls[0]
