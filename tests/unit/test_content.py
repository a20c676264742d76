"""The sentences of visualizer.content are built from the labs' records, one sentence per kind of record."""

from __future__ import annotations

from visualizer.content import gradient_notes, seqtype_gallery
from visualizer.labs.gradients.measure import RangeNote
from visualizer.labs.sequences import seqtypes


def test_every_range_note_kind_has_its_sentence():
    said = {
        kind: gradient_notes.range_note(RangeNote(kind, "" if kind == "jacobian_out_of_range" else "lstm", "dh", 3e39))
        for kind in ("overflowed", "float32_gradient", "float32_state", "saturated", "jacobian_out_of_range")
    }
    assert said["overflowed"].startswith("LSTM: values overflowed float64")
    assert said["float32_gradient"] == (
        "LSTM: ||dL/dh_t|| reaches 3e+39, beyond float32's 3.4e+38: on a GPU in float32 this gradient would be inf."
    )
    params = gradient_notes.range_note(RangeNote("float32_gradient", "rnn", "params", 3e39))
    assert params.startswith("vanilla RNN: the parameter gradient's norm reaches 3e+39")
    assert "forward pass itself would overflow" in said["float32_state"]
    assert "softmax put probability 1.0 on the target" in said["saturated"]
    assert said["jacobian_out_of_range"].startswith("The Jacobian product or its bound exceeds float64")


def test_the_gallery_names_only_the_five_types():
    assert set(seqtype_gallery.EXAMPLES) == set(seqtypes.SEQTYPES)
    assert {a.kind for a in seqtype_gallery.GALLERY} <= set(seqtypes.SEQTYPES)


def test_glossary_terms_in_finds_whole_terms_only():
    from visualizer.content import glossary

    assert glossary.terms_in("A nilpotent W_hh, its σ_max and the Jacobian") == ("Jacobian", "σ_max", "nilpotent")
    assert glossary.terms_in("gates and gradients") == ()  # 'gate' inside 'gates' is not the term
    assert "clipping" in glossary.terms_in("Clipping rescales")


def test_every_preset_notice_term_is_defined_on_its_button():
    """Each gradient preset's jargon (σ_max, nilpotent, Jacobian, …) is in the glossary its button tooltip shows."""
    from visualizer.content import glossary, presets

    used = {t for text in presets.TEXT.values() for t in glossary.terms_in(text.notice)}
    assert {"σ_max", "Jacobian", "spectral radius", "nilpotent"} <= used
