"""Partners named inside compounds, the open polarity lexicon, and the cues the classifier reads."""

import pytest
import spacy
from spacy.tokens import Doc

from sib_nlp.signals.classifier import cues_between, sentence_features
from sib_nlp.signals.codebook import CodebookError, load_codebook, parse_codebook, read_polarity_lexicon
from sib_nlp.signals.detectors import SignalDetector, token_keys


@pytest.fixture(scope="module")
def detector():
    return SignalDetector(load_codebook())


def tagged(words, pos, deps=None, heads=None, text_type="evaluatie"):
    """A one-sentence Doc with the given tags (heads are absolute token positions)."""
    nlp = spacy.blank("nl")
    n = len(words)
    doc = Doc(
        nlp.vocab,
        words=words,
        pos=pos,
        deps=deps or ["dep"] * n,
        heads=heads or [0] * n,
        sent_starts=[True] + [False] * (n - 1),
    )
    doc.user_data["sib_text_type"] = text_type
    return doc


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("beleidsdirectie", "andere_directie"),
        ("ICT-afdeling", "collega"),
        ("collega-inspecteurs", "collega"),
        ("zorgverzekeraars", "maatschappelijke_organisatie"),
        ("basisschool", "maatschappelijke_organisatie"),
        ("buurgemeente", "gemeente_provincie"),
    ],
)
def test_a_compound_names_a_partner_by_its_last_or_hyphenated_part(detector, word, kind):
    doc = spacy.blank("nl")(f"Ik heb het besproken met de {word}.")
    assert kind in detector.partners_in(token_keys(doc))


def test_too_general_or_too_short_compound_heads_name_no_partner(detector):
    # "mensen" is a partner term (burger) but not as the end of "beleidsmensen"; "team" needs a prefix
    for text in ("Ik sprak met de beleidsmensen.", "Het steam-deel was kort."):
        found = detector.partners_in(token_keys(spacy.blank("nl")(text)))
        assert "burger" not in found and "collega" not in found


def test_compound_partner_makes_a_weak_contact_word_count(nlp_blank):
    doc = nlp_blank("Ik heb de cijfers besproken met de beleidsdirectie.")
    assert "samenwerking.intern" in {s["label"] for s in doc._.sib_signals}
    doc = nlp_blank("Ik heb twee zorgverzekeraars gebeld.")
    assert "samenwerking.extern" in {s["label"] for s in doc._.sib_signals}


def test_lexicon_adjective_gives_an_appreciation_the_lists_do_not_have(detector):
    assert "gekunsteld" in detector.codebook.polarity_lexicon
    doc = tagged(["De", "rollenspellen", "waren", "gekunsteld", "."], ["DET", "NOUN", "AUX", "ADJ", "PUNCT"])
    ((signals, cues),) = detector.predict([doc])
    app = [s for s in signals if s.label == "waardering"]
    assert [(s.polarity, s.evidence, s.aspect) for s in app] == [("negatief", "gekunsteld", "werkvormen")]
    assert (0, "lex:neg") in cues


def test_appreciation_words_and_lexicon_cues_are_read_in_evaluations_only(detector):
    words, pos = ["De", "rollenspellen", "waren", "gekunsteld", "."], ["DET", "NOUN", "AUX", "ADJ", "PUNCT"]
    for text_type, expected in (("evaluatie", True), (None, True), ("reflectie", False)):
        ((signals, cues),) = detector.predict([tagged(words, pos, text_type=text_type)])
        assert any(s.label == "waardering" for s in signals) is expected
        assert ((0, "lex:neg") in cues) is expected


def test_lexicon_word_is_negated_and_intensifiers_and_prepositions_do_not_count(detector):
    negated = tagged(["Het", "was", "niet", "gekunsteld", "."], ["PRON", "AUX", "ADV", "ADJ", "PUNCT"])
    ((signals, _),) = detector.predict([negated])
    assert [s.polarity for s in signals if s.label == "waardering"] == ["positief"]
    # "vreselijk" (-0.65 in the lexicon) only intensifies "mooi"
    intensified = tagged(
        ["Het", "was", "vreselijk", "mooi", "."],
        ["PRON", "AUX", "ADJ", "ADJ", "PUNCT"],
        deps=["nsubj", "cop", "advmod", "ROOT", "punct"],
        heads=[3, 3, 3, 3, 3],
    )
    ((signals, cues),) = detector.predict([intensified])
    assert [s.polarity for s in signals if s.label == "waardering"] == ["positief"]
    assert "lex:neg" not in {c for _, c in cues}
    # "naar" is in the lexicon as an adjective (nasty), not as the preposition
    preposition = tagged(["Ik", "ga", "naar", "huis", "."], ["PRON", "VERB", "ADP", "NOUN", "PUNCT"])
    ((signals, cues),) = detector.predict([preposition])
    assert not [s for s in signals if s.label == "waardering"] and not cues


def test_cues_are_recorded_per_sentence_and_become_classifier_features(nlp_blank):
    doc = nlp_blank("Het was goed. Ik heb gebeld met de zorgverzekeraars.")
    cues = sorted(doc._.sib_cues)
    second = list(doc.sents)[1]
    mine = cues_between(cues, second.start_char, second.end_char)
    assert set(mine) == {"pk:maatschappelijke_organisatie", "pk:extern"}
    assert cues_between(cues, 0, list(doc.sents)[0].end_char - 1) == []
    feats = sentence_features(second, [], ["samenwerking.extern"], "reflectie", mine)
    assert {"pk:extern", "pk:maatschappelijke_organisatie", "w:zorgverzekeraars"} <= feats


def test_polarity_lexicon_file_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "lex.tsv"
    bad.write_text("# comment\ngoed\t0.5\nslecht -0.5\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"lex.tsv, line 3"):
        read_polarity_lexicon(bad)
    good = tmp_path / "good.tsv"
    good.write_text("Goed\t0.5\n", encoding="utf-8")
    assert read_polarity_lexicon(good) == {"goed": 0.5}
    data = dict(load_codebook().raw)
    data["waardering"] = dict(data["waardering"]) | {"lexicon": "missing.tsv"}
    with pytest.raises(CodebookError, match="missing.tsv"):
        parse_codebook(data, "my codebook", tmp_path)
    data["waardering"]["lexicon"] = "good.tsv"
    cb = parse_codebook(data, "my codebook", tmp_path)
    assert cb.polarity_lexicon == {"goed": 0.5} and cb.digest != load_codebook().digest


def test_inflected_adjectives_match_their_base_form():
    # the lookup table knows "fijne" -> "fijn"; "goede" it does not know, so the -e is dropped
    keys = token_keys(spacy.blank("nl")("Een fijne en goede manier"))
    assert "fijn" in keys[1] and "goed" in keys[3]
    assert keys[2] == {"en"}  # short words keep only their own form


def test_tagged_noun_that_is_an_inflected_adjective_counts_for_appreciation(detector):
    # the tagger took "fijne" for a noun (lemma "fijne"): the lists still see "fijn"
    doc = tagged(["Een", "fijne", "trainer", "."], ["DET", "NOUN", "NOUN", "PUNCT"])
    ((signals, _),) = detector.predict([doc])
    assert [(s.polarity, s.evidence) for s in signals if s.label == "waardering"] == [("positief", "fijne")]


def test_an_adjective_after_te_is_a_complaint_unless_the_lists_say_otherwise(detector):
    doc = tagged(["De", "sessies", "waren", "te", "theoretisch", "."], ["DET", "NOUN", "AUX", "ADV", "ADJ", "PUNCT"])
    ((signals, _),) = detector.predict([doc])
    assert [(s.polarity, s.evidence) for s in signals if s.label == "waardering"] == [("negatief", "theoretisch")]
    doc = tagged(["Het", "was", "te", "gek", "."], ["PRON", "AUX", "ADV", "ADJ", "PUNCT"])
    ((signals, _),) = detector.predict([doc])
    assert [s.polarity for s in signals if s.label == "waardering"] == ["positief"]  # "te gek" is listed


def test_stress_accents_do_not_hide_a_word(nlp_blank):
    keys = token_keys(spacy.blank("nl")("Ik had géén tijd"))
    assert "geen" in keys[2] and "géén" in keys[2]
    doc = nlp_blank("Ik had géén tijd.")
    assert "belemmering" in {s["label"] for s in doc._.sib_signals}
