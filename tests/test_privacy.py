"""Pseudonymisation: identifiers by pattern (with checksums), names by deduce with our corrections."""

import pytest

from sib_nlp.privacy.pseudonymise import (
    bsn_valid,
    iban_valid,
    pattern_spans,
    pseudonymise,
    pseudonymous_participant,
)


@pytest.mark.parametrize(
    "phone",
    [
        "06-12345678",
        "+31 (030) 6040100",
        "030 - 604 01 00",
        "+31 6 12345678",
        "0031 70 1234567",
        "+31 (0)13 542 88 00",
        "070-4567890",
    ],
)
def test_dutch_phone_formats(phone):
    out = pseudonymise(f"Bel me op {phone} als je vragen hebt.", use_names=False)
    assert phone not in out.text and out.counts == {"telefoon": 1}


def test_checksums():
    assert bsn_valid("111222333") and bsn_valid("123456782")
    assert not bsn_valid("123456789")
    assert iban_valid("NL91ABNA0417164300") and iban_valid("NL91 ABNA 0417 1643 00")
    assert not iban_valid("NL91ABNA0417164301")


def test_numbers_that_are_not_bsn_stay():
    text = "We bereikten 123456789 mensen en het budget was 250000 euro."
    assert pseudonymise(text, use_names=False).text == text


def test_structured_identifiers():
    text = (
        "Mail j.devries@minbzk.nl, BSN 111222333, rekening NL91 ABNA 0417 1643 00, "
        "adres Kerkstraat 12, 3511 AB Utrecht, profiel https://www.linkedin.com/in/jan-de-vries."
    )
    out = pseudonymise(text, use_names=False)
    for secret in (
        "j.devries@minbzk.nl",
        "111222333",
        "NL91 ABNA",
        "Kerkstraat 12",
        "3511 AB",
        "linkedin.com/in",
    ):
        assert secret not in out.text
    assert "Utrecht" in out.text
    assert out.counts == {"email": 1, "bsn": 1, "iban": 1, "adres": 1, "postcode": 1, "url": 1}


def test_organisation_urls_stay():
    text = "Zie https://www.rijksoverheid.nl en https://www.rijksoverheid.nl/onderwerpen/jeugd."
    assert pattern_spans(text) == []


def test_names_are_replaced_consistently_and_roles_stay():
    text = (
        "Mijn collega Roos Bakker en ik spraken met Pieter de Jong over de pilot in Zwolle met het Rijk. "
        "De Jong was enthousiast en Roos ook."
    )
    out = pseudonymise(text)
    for name in ("Roos", "Bakker", "Pieter", "Jong"):
        assert name not in out.text
    assert "collega [PERSOON-1]" in out.text
    assert out.text.count("[PERSOON-2]") == 2, out.text  # Pieter de Jong ... De Jong
    assert "Zwolle" in out.text and "het Rijk" in out.text


def test_initials_and_tussenvoegsels():
    out = pseudonymise("Ik sprak met mevr. van der Berg en met J. de Vries van de gemeente Utrecht.")
    assert "Berg" not in out.text and "Vries" not in out.text
    assert "gemeente Utrecht" in out.text


def test_words_that_deduce_takes_for_names():
    text = "Mooi om te zien hoe de Voedselbank Den Haag dit doet, samen met de provincie Gelderland."
    out = pseudonymise(text)
    assert out.counts.get("persoon", 0) == 0, out.text


def test_participant_ids():
    assert pseudonymous_participant("P017") == "P017"
    assert pseudonymous_participant("DGB-042") == "DGB-042"
    hashed = pseudonymous_participant("jan.devries@minbzk.nl")
    assert hashed.startswith("P-") and "jan" not in hashed
    assert hashed == pseudonymous_participant("Jan.DeVries@minbzk.nl")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Volgens Bosch moeten we de gemeente eerder betrekken.", "Bosch"),
        ("Volgens de Ruiter moeten we de gemeente eerder betrekken.", "Ruiter"),
        ("Ik heb Koen gevraagd mee te lezen; Sterk vulde later de cijfers aan.", "Sterk"),
        ("Ik heb Koen gevraagd mee te lezen; Beek vulde later de cijfers aan.", "Beek"),  # also a place
        ("Na afloop in Heerlen belde de Ruiter om te zeggen dat het RIVM mee wil doen.", "Ruiter"),
        ("We nodigden Ilias van Rossum uit voor de tweede ronde.", "Rossum"),
    ],
)
def test_lone_surnames_that_are_words_in_a_persons_place(text, name):
    out = pseudonymise(text)
    assert name not in out.text, out.text
    assert "[PERSOON-" in out.text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Gisteren sprak ik Koen. In Den Haag zag ik hoe Rijkswaterstaat de regels uitvoert.", "In Den Haag"),
        ("Daarna reisden we naar Den Bosch en in Beek vulden we de formulieren in.", "in Beek"),
        ("Na afloop belde de Inspectie om te zeggen dat het plan rond is.", "de Inspectie"),
        ("We spraken met ProRail over de planning.", "ProRail"),
        ("De samenwerking met de directie Water en Bodem is sterk verbeterd.", "Water en Bodem"),
        ("Zij werkt bij Stichting Lezen en Schrijven; Schrijven loopt goed.", "Lezen en Schrijven"),
        ("R067 | Ik wil voortaan bij elke release een paar gebruikers laten testen.", "Ik wil"),
        ("Het idee kwam van het Deltaprogramma, dat voorbereiden we samen.", "het Deltaprogramma"),
    ],
)
def test_places_organisations_and_sentence_starts_stay(text, kept):
    out = pseudonymise(text)
    assert kept in out.text, out.text
