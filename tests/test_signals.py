"""Signal detectors on hand-built Docs and the blank pipeline: negation, modality, partners, depth."""

import pytest
import spacy
from spacy.tokens import Doc

from sib_nlp.signals.codebook import load_codebook, parse_codebook
from sib_nlp.signals.detectors import PhraseSet, SignalDetector, find_phrase, token_keys
from sib_nlp.signals.document import document_signals


def labels(doc):
    return {s["label"] for s in doc._.sib_signals}


def test_codebook_has_the_stable_label_set():
    cb = load_codebook()
    expected = {
        "motivatie.intrinsiek",
        "motivatie.extrinsiek",
        "motivatie.autonomie",
        "motivatie.competentie",
        "motivatie.verbondenheid",
        "samenwerking.intern",
        "samenwerking.extern",
        "samenwerking.gedeeld",
        "belemmering",
        "reflectie.inzicht",
        "reflectie.voornemen",
    }
    assert expected <= set(cb.labels)
    for label in cb.labels.values():
        assert label.definition and label.patterns and label.examples


def test_wildcard_and_lemma_matching():
    nlp = spacy.blank("nl")
    doc = Doc(nlp.vocab, words=["Samenwerkingsverband", "loopt"], lemmas=["samenwerkingsverband", "lopen"])
    keys = token_keys(doc)
    assert find_phrase(keys, ["samenwerk*"]) == [(0, 1)]
    assert find_phrase(keys, ["lopen"]) == [(1, 2)]


def test_phrase_set_finds_what_trying_every_phrase_finds():
    """The phrase set's shortcuts (first words, words a phrase needs, wildcards) lose no match."""
    nlp = spacy.blank("nl")
    words = ["We", "hebben", "samen", "met", "de", "gemeente", "samengewerkt", "en", "met", "de", "provincie"]
    doc = Doc(nlp.vocab, words=words, lemmas=[w.lower() for w in words[:6]] + ["samenwerken", *words[7:]])
    keys = token_keys(doc)
    phrases = [
        ("met", "de"),  # twice
        ("met", "de", "provincie"),
        ("samen", "met", "de", "burger"),  # every word but the last occurs
        ("met", "gemeente"),  # both words occur, not next to each other
        ("samenwerk*",),  # a wildcard alone
        ("samen", "met", "*"),  # no word-stem wildcard: "*" is a word of its own
        ("samen*", "met"),  # a wildcard first word
        ("de", "gemeent*"),  # a wildcard later word
        ("provincie",),
        ("ministerie",),
        (),
    ]
    expected = [(n, s, e) for n, p in enumerate(phrases) for s, e in find_phrase(keys, p)]
    assert PhraseSet(phrases).matches(keys) == expected
    assert (1, 8, 11) in expected and (6, 2, 4) in expected and (7, 4, 6) in expected
    assert not any(n in (2, 3, 9) for n, _, _ in expected)


def test_collaboration_with_outside_partners(nlp_blank):
    doc = nlp_blank("We hebben samen met drie gemeenten en een bedrijf de aanpak bedacht.")
    sig = {s["label"]: s for s in doc._.sib_signals}
    assert "samenwerking.extern" in sig
    assert "samenwerking.intern" not in sig
    assert set(sig["samenwerking.extern"]["partner"].split(",")) == {"gemeente_provincie", "bedrijf"}


def test_internal_collaboration(nlp_blank):
    doc = nlp_blank("Ik heb veel samengewerkt met collega's van andere directies.")
    assert "samenwerking.intern" in labels(doc)
    assert "samenwerking.extern" not in labels(doc)


def test_negated_collaboration_is_no_signal(nlp_blank):
    doc = nlp_blank("Ik heb niet met buiten samengewerkt.")
    assert not {"samenwerking.extern", "samenwerking.intern"} & labels(doc)
    doc = nlp_blank("We hebben geen contact gehad met de gemeente en niet samengewerkt.")
    assert "samenwerking.extern" not in labels(doc)


def test_negation_in_the_parse_is_used():
    """'werkten ... niet samen': the negator hangs on the verb in the parse, outside the window."""
    from sib_nlp.signals.codebook import Pattern

    nlp = spacy.blank("nl")
    words = [
        "Wij",
        "werkten",
        "de",
        "afgelopen",
        "drie",
        "maanden",
        "met",
        "de",
        "gemeente",
        "helaas",
        "niet",
        "samen",
    ]
    lemmas = [
        "wij",
        "samenwerken",
        "de",
        "afgelopen",
        "drie",
        "maand",
        "met",
        "de",
        "gemeente",
        "helaas",
        "niet",
        "samen",
    ]
    heads = [1, 1, 5, 5, 5, 1, 8, 8, 1, 1, 1, 1]
    deps = [
        "nsubj",
        "ROOT",
        "det",
        "amod",
        "nummod",
        "obl",
        "case",
        "det",
        "obl",
        "advmod",
        "advmod",
        "compound:prt",
    ]
    pos = ["PRON", "VERB", "DET", "ADJ", "NUM", "NOUN", "ADP", "DET", "NOUN", "ADV", "ADV", "ADV"]
    doc = Doc(nlp.vocab, words=words, lemmas=lemmas, heads=heads, deps=deps, pos=pos)
    det = SignalDetector(load_codebook())
    assert det._negated(list(doc), 1, 2, Pattern(("samenwerken",), 0.6))


def test_intention_is_marked_and_weaker(nlp_blank):
    done = nlp_blank("Ik heb dit jaar met de provincie samengewerkt.")
    plan = nlp_blank("Ik wil volgend jaar met de provincie samenwerken.")
    d = next(s for s in done._.sib_signals if s["label"] == "samenwerking.extern")
    p = next(s for s in plan._.sib_signals if s["label"] == "samenwerking.extern")
    assert d["modality"] == "gedaan" and p["modality"] == "voornemen"
    assert p["confidence"] < d["confidence"]


def test_reflection_labels_and_evidence_span(nlp_blank):
    text = "Ik realiseerde me dat ik te snel oplossingen aandraag. Volgende keer vraag ik eerst door."
    doc = nlp_blank(text)
    sig = {s["label"]: s for s in doc._.sib_signals}
    assert sig["reflectie.inzicht"]["sentence"] == 0
    assert sig["reflectie.voornemen"]["sentence"] == 1
    ev = sig["reflectie.inzicht"]
    assert text[ev["start"] : ev["end"]] == ev["evidence"]
    assert ev["detector"] == "sib.signal_patterns.v1"


def test_pattern_that_contains_a_negator_is_not_negated(nlp_blank):
    doc = nlp_blank("Door de reorganisatie had ik geen tijd voor gesprekken buiten.")
    assert "belemmering" in labels(doc)


def test_appreciation_polarity_per_aspect(nlp_blank):
    pos = nlp_blank("De begeleiding door de trainers was heel goed.")
    neg = nlp_blank("De sessies waren te lang en rommelig.")
    not_good = nlp_blank("De planning was niet goed.")
    p = [s for s in pos._.sib_signals if s["label"] == "waardering"]
    n = [s for s in neg._.sib_signals if s["label"] == "waardering"]
    q = [s for s in not_good._.sib_signals if s["label"] == "waardering"]
    assert {s["aspect"] for s in p} == {"begeleiding"} and p[0]["polarity"] == "positief"
    assert n[0]["aspect"] == "werkvormen" and n[0]["polarity"] == "negatief"
    assert q[0]["aspect"] == "organisatie" and q[0]["polarity"] == "negatief"


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("Ik heb geen enkele klacht over de trainers.", "positief"),  # the phrase carries its own "geen"
        ("De trainer gaf weinig ruimte voor vragen.", "negatief"),  # "ruimte voor" inside "weinig ruimte"
        ("De begeleiding was zakelijk en afstandelijk, maar wel correct.", "neutraal"),  # a balanced verdict
        ("De begeleiding was goed, de trainers enthousiast en de sessies leerzaam, al was de zaal oké.", "positief"),
    ],
)
def test_appreciation_polarity_of_phrases_negations_and_balanced_verdicts(nlp_blank, text, polarity):
    found = {s["polarity"] for s in nlp_blank(text)._.sib_signals if s["label"] == "waardering"}
    assert found == {polarity}


def test_appreciation_only_for_evaluations_when_text_type_known(nlp_blank):
    doc = nlp_blank.make_doc("Het gesprek met de trainer was goed.")
    doc.user_data["sib_text_type"] = "reflectie"
    for _, proc in nlp_blank.pipeline:
        doc = proc(doc)
    assert "waardering" not in labels(doc)


def test_reflection_depth_levels(nlp_blank):
    cb = load_codebook()
    descriptive = nlp_blank("We hebben de planning gemaakt. De nota is af.")
    critical = nlp_blank(
        "Ik realiseerde me dat mijn aannames het probleem waren. Aan de andere kant zit het ook in de cultuur. "
        "Het systeem beloont snelheid boven luisteren."
    )
    d0 = next(s for s in document_signals(descriptive, cb) if s["label"] == "reflectie.diepte")
    d3 = next(s for s in document_signals(critical, cb) if s["label"] == "reflectie.diepte")
    assert d0["value"] == 0 and d3["value"] == 3


def test_a_new_label_needs_no_code(nlp_blank):
    data = load_codebook().raw | {}
    data = dict(data)
    data["labels"] = dict(data["labels"]) | {
        "leren.experiment": {
            "naam": "Experimenteren",
            "definitie": "Iets uitproberen.",
            "voorbeelden": ["We hebben een experiment gedaan."],
            "patronen": [{"p": "experiment*", "w": 0.8}],
        }
    }
    cb = parse_codebook(data)
    det = SignalDetector(cb)
    doc = nlp_blank.make_doc("We zijn een experiment gestart met de gemeente.")
    for name, proc in nlp_blank.pipeline:
        if name != "sib_signals":
            doc = proc(doc)
    found = {s.label for s in det.predict([doc])[0][0]}
    assert "leren.experiment" in found
