"""AppTest of the "What a unit remembers" page: the default view, a unit picked, units switched off, a cell
without c_t, the student's own text (escaped, bad characters refused) and bad links."""

import json

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGE = "views/units.py"


def open_units(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page(PAGE)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_default_view_shows_a_unit_that_tracks_the_country_and_what_switching_it_off_costs():
    at = open_units()
    assert not at.exception
    body = texts(at)
    assert "Unit 32 of c_t scores η = 0.87 for *the country named earlier*" in body
    assert "better than any unit of the untrained network" in body
    assert "Holding unit 32 of c_t at 0 moves contrast prompts answered right from 94% to 78%" in body
    assert "over 80 prompts" in body and "Half-life of the attribution" in body
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(specs) == 6
    assert "Unit 32 of c_t after each token of the held-out story" in specs[0]["layout"]["title"]["text"]
    chain = specs[3]["data"][2]
    assert chain["name"] == "outputs ŷ_t (click one)" and chain["text"][-1] == "german"
    assert "occlusion, most: speaks (+2.44), germany (+2.25)" in chain["customdata"][-1]
    assert specs[4]["data"][0]["colorbar"]["title"]["text"] == "gradient × input"
    assert [m.value for m in at.metric][:2] == ["94%", "78%"]
    assert any("Lakretz et al. (2019)" in c.value for c in at.caption)
    assert "fotbal šel domů" in body and "šla → šel, the gender changed" in body.replace("\\", "")


def test_picking_another_unit_and_switching_off_the_top_three_changes_the_sentences():
    at = open_units()
    at.selectbox(key="w_unit").set_value(7).run()
    assert not at.exception
    assert "Unit 7 of c_t scores" in texts(at)
    at.slider(key="w_clamp_k").set_value(3).run()
    assert "Holding units 32, " in texts(at) and at.metric[1].label.startswith("…")
    at.radio(key="w_clamp_to").set_value("mean").run()
    assert "at their means" in texts(at)


def test_a_cell_without_c_disables_the_state_and_reads_h():
    at = open_units({"umodel": "gru-words"})
    assert not at.exception
    fixed = at.radio(key="units_state_h")
    assert fixed.disabled and fixed.value == "h_t" and "Only the LSTM" in fixed.help
    assert "of h_t scores" in texts(at) and "of c_t" not in texts(at)


def test_own_text_is_coloured_escaped_and_bad_characters_are_refused():
    at = open_units({"utext": 'Leo grew up in Japan. He said: " <b>hi</b> "'})
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "your text" in spec["layout"]["title"]["text"]
    shown = [c for row in spec["data"][0]["text"] for c in row]
    assert "&lt;" in shown and "<" not in shown
    assert any("<unk>" in c.value for c in at.caption)  # "b", "hi": words the model never saw
    chars = open_units({"umodel": "rnn-chars", "utext": "naïve ☃"})
    assert not chars.exception and chars.error and "never saw" in chars.error[0].value
    assert "held-out story" in json.loads(chars.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]


def test_bad_links_fall_back_with_a_notice_and_a_too_long_sentence_is_refused():
    at = open_units({"unit": "400", "uprop": "nonsense", "atext": "the " * 60})
    assert not at.exception
    assert any("uprop" in w.value for w in at.warning)
    assert any("48 units" in i.value for i in at.info)
    assert any("explains at most 40" in e.value for e in at.error)


def test_switching_off_the_lstms_plural_units_breaks_is_and_are():
    at = open_units({"uprop": "plural", "cset": "agreement", "k": "3"})
    assert not at.exception
    body = texts(at)
    assert "for *the subject waiting for its verb is plural*" in body
    assert "moves contrast prompts answered right from 100% to 50% (-50.0 points) over 46 prompts" in body
    assert "As many units picked at random cost less" in body
