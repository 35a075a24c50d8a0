"""The signal gold standard: its format, its split, and the agreement statistics."""

from __future__ import annotations

import pytest

from sib_nlp.signals.codebook import load_codebook
from sib_nlp.signals.evaluate import agreement, cohen_kappa
from sib_nlp.signals.gold import (
    GoldFormatError,
    GoldSentence,
    load_gold,
    parse_codes,
    read_gold_file,
    read_second_pass,
    sentences,
    split_of_file,
)


def test_codes_expand_to_label_ids_and_appreciation():
    labels, appreciation = parse_codes("I SE W:begeleiding:+ W:algemeen:0")
    assert labels == {"motivatie.intrinsiek", "samenwerking.extern"}
    assert appreciation == {("begeleiding", "positief"), ("algemeen", "neutraal")}
    assert parse_codes("-") == (frozenset(), frozenset())
    # a full id is accepted, so a new codebook label needs no new code
    assert parse_codes("leren.experiment", known_labels=["leren.experiment"])[0] == {"leren.experiment"}


@pytest.mark.parametrize(
    ("codes", "reason"),
    [
        ("Q", "unknown code"),
        ("W:catering:+", "aspect"),
        ("W:werkvormen:++", "W:<aspect>"),
        ("x.y", "not in the codebook"),
    ],
)
def test_bad_codes_say_why(codes, reason):
    with pytest.raises(ValueError, match=reason):
        parse_codes(codes, known_labels=load_codebook().sentence_labels)


def test_format_errors_name_file_and_line(tmp_path):
    path = tmp_path / "reflecties_x.txt"
    path.write_text("## D1 reflectie intake diepte=1\nI | Een zin.\nSE zonder streep\n", encoding="utf-8")
    with pytest.raises(GoldFormatError, match=r"reflecties_x.txt, regel 3: expected 'CODES \| sentence'"):
        read_gold_file(path)
    path.write_text("I | Een zin voor het eerste document.\n", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="regel 1: a sentence before"):
        read_gold_file(path)
    path.write_text("## D1 reflectie diepte=7\n", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="diepte must be 0-3"):
        read_gold_file(path)


def test_document_text_keeps_sentence_offsets(tmp_path):
    path = tmp_path / "reflecties_x.txt"
    path.write_text("## D1 reflectie eind diepte=2\nRI | Eerste zin.\n- | Tweede zin hier.\n", encoding="utf-8")
    (doc,) = read_gold_file(path)
    text, spans = doc.text_and_offsets()
    assert [text[a:b] for a, b in spans] == ["Eerste zin.", "Tweede zin hier."]
    assert (doc.wave, doc.depth, doc.text_type) == ("eind", 2, "reflectie")


def test_shipped_gold_standard_is_large_enough_and_split_stably():
    docs = load_gold(known_labels=load_codebook().sentence_labels)
    all_sentences = list(sentences(docs))
    assert len(all_sentences) >= 600
    parts = {d.split for d in docs}
    assert parts == {"dev", "test"}
    test = [s for d in docs if d.split == "test" for s in d.sentences]
    assert len(test) >= 300
    # the test part is exactly the test_* files
    assert all((d.split == "test") == d.source.startswith("test_") for d in docs)
    assert split_of_file("test_reflecties_a.txt") == "test" and split_of_file("reflecties_1.txt") == "dev"
    # every label of the codebook occurs in both parts
    for part in ("dev", "test"):
        seen = {lab for d in docs if d.split == part for s in d.sentences for lab in s.labels}
        assert seen == set(load_codebook().sentence_labels)


def test_second_pass_covers_150_gold_sentences_with_the_same_text():
    first = {s.key: s for s in sentences(load_gold())}
    second = read_second_pass()
    assert len(second) >= 150
    assert all(k in first and first[k].text == s.text for k, s in second.items())


def test_cohen_kappa_by_hand():
    # 10 items; a says yes on 0-4, b on 0-3 and 5: po = 0.8, pa = pb = 0.5 -> kappa 0.6
    a = [i < 5 for i in range(10)]
    b = [i < 4 or i == 5 for i in range(10)]
    assert cohen_kappa(a, b) == pytest.approx(0.6)
    assert cohen_kappa([True, True], [True, True]) is None  # constant: undefined, not 1
    assert cohen_kappa([], []) is None


def test_agreement_reports_per_label_counts():
    def s(key, *labels):
        return GoldSentence("D", int(key), "t", frozenset(labels))

    first = {"D.0": s("0", "belemmering"), "D.1": s("1"), "D.2": s("2", "belemmering")}
    second = {"D.0": s("0", "belemmering"), "D.1": s("1", "belemmering"), "D.2": s("2", "belemmering")}
    out = agreement(first, second, ["belemmering"])
    assert out["sentences"] == 3
    assert out["labels"]["belemmering"]["first"] == 2
    assert out["labels"]["belemmering"]["second"] == 3
    assert out["identical_label_sets"] == pytest.approx(2 / 3, abs=1e-3)
