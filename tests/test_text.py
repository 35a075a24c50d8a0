"""Cleaning and language identification (pure functions, no spaCy)."""

from sib_nlp.text.clean import (
    clean_text,
    content_hash,
    is_garbled,
    jaccard,
    normalise_whitespace,
    repair_unicode,
    repeated_lines,
    shingles,
)
from sib_nlp.text.language import detect_language


def test_mojibake_is_repaired():
    assert repair_unicode("het was Ã©cht leerzaam, coÃ¶peratie") == "het was écht leerzaam, coöperatie"


def test_bullets_and_whitespace():
    text = "Wat ik meeneem:\r\n•  meer naar buiten\r\n* eerder bellen\n\n\n\n1) volhouden\u00a0 "
    assert normalise_whitespace(text) == "Wat ik meeneem:\n- meer naar buiten\n- eerder bellen\n\n- volhouden"


def test_signature_repeated_across_texts_is_removed_but_short_answers_stay():
    sig = "Met vriendelijke groet,\nRuud Hendriks\nBeleidsmedewerker Directie Samenleving\nT 070 - 456 78 90"
    texts = [f"Tekst nummer {i} over de gemeente.\n{sig}" for i in range(4)] + ["Niet veel veranderd."] * 3
    boiler = repeated_lines(texts)
    assert "beleidsmedewerker directie samenleving" in boiler
    assert "niet veel veranderd." not in boiler
    cleaned = clean_text(texts[0], boiler)
    assert cleaned == "Tekst nummer 0 over de gemeente."


def test_duplicate_line_in_one_text_is_removed():
    line = "Ik heb veel geleerd over samenwerken met de gemeente."
    assert clean_text(f"{line}\n{line}") == line


def test_hash_ignores_case_and_punctuation_and_near_duplicates():
    a = "Ik heb veel geleerd, echt waar."
    assert content_hash(a) == content_hash("ik heb veel   geleerd echt waar!")
    long = "Ik heb mijn leerwerkopdracht gedaan met de gemeente en met bewoners uit de wijk, dat was mooi."
    assert jaccard(shingles(long), shingles(long.replace("mooi", "heel mooi"))) > 0.8


def test_garbled():
    assert is_garbled("asdf jkl; qwrtp zxcvb ;;;; 1234 ####")
    assert not is_garbled("Ik heb veel geleerd.")
    assert not is_garbled("Overleg met BZK, VWS en UWV over de angstschreeuw van het mkb.")


def test_language():
    assert detect_language("Ik heb veel geleerd van de gesprekken met de gemeente.") == "nl"
    assert detect_language("I learned a lot from the conversations with the municipality and my manager.") == "en"
    assert detect_language("Prima.") == "nl"
    assert detect_language("De monitor is af. Ik werk zoals ik altijd heb gewerkt.") == "nl"
    mixed = (
        "Ik heb veel geleerd van de sessie. The meeting with the stakeholders was really useful and I learned "
        "a lot about collaboration with them. Daarna ben ik verder gegaan."
    )
    assert detect_language(mixed) == "mixed"
