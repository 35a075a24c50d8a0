"""`sib-nlp evaluate`'s machinery on a small hand-made gold set, with the blank pipeline (patterns only)."""

from __future__ import annotations

import pytest

from sib_nlp.signals.evaluate import (
    Prediction,
    depth_scores,
    evaluate,
    format_report,
    label_scores,
    polarity_scores,
    predict_documents,
    prf,
)
from sib_nlp.signals.gold import GoldSentence, load_gold

GOLD = """\
## T1 reflectie midden diepte=1
SE | Ik heb met de gemeente samengewerkt.
- | De lunch was om twaalf uur.
RI | Ik realiseerde me dat ik te snel oordeel.

## T2 evaluatie eind diepte=0
W:begeleiding:+ | De trainers waren erg goed.
W:organisatie:- | De planning was rommelig.
"""


@pytest.fixture(scope="module")
def patterns_only(nlp_blank):
    return nlp_blank  # the blank pipeline with the pattern detector and no classifier (conftest)


@pytest.fixture()
def gold_dir(tmp_path):
    (tmp_path / "reflecties_t.txt").write_text(GOLD, encoding="utf-8")
    return tmp_path


def test_signals_are_credited_to_the_sentence_they_start_in(patterns_only, gold_dir):
    docs = load_gold(gold_dir)
    (t1, t2) = predict_documents(docs, patterns_only)
    assert [p.labels for p in t1.sentences] == [
        {"samenwerking.extern"},
        frozenset(),
        {"reflectie.inzicht"},
    ]
    assert t2.sentences[0].appreciation == {("begeleiding", "positief")}
    assert t2.sentences[1].appreciation == {("organisatie", "negatief")}


def test_scores_count_true_and_false_positives():
    def pred(gold_labels, given):
        return Prediction(GoldSentence("D", 0, "t", frozenset(gold_labels)), frozenset(given), frozenset(), False)

    preds = [pred({"belemmering"}, {"belemmering"}), pred({"belemmering"}, set()), pred(set(), {"belemmering"})]
    s = label_scores(preds, ["belemmering"])["belemmering"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert s.f1 == pytest.approx(0.5)
    assert prf(0, 0, 0).f1 == 0.0


def test_polarity_counts_only_evaluation_sentences_and_gold_appreciation():
    g = GoldSentence("D", 0, "t", frozenset(), frozenset({("begeleiding", "positief")}))
    hit = Prediction(g, frozenset(), frozenset({("begeleiding", "positief")}), True)
    wrong = Prediction(g, frozenset(), frozenset({("begeleiding", "negatief")}), True)
    outside = Prediction(GoldSentence("D", 1, "t", frozenset()), frozenset(), frozenset({("x", "negatief")}), False)
    scores = polarity_scores([hit, wrong, outside])
    assert scores["positief"].tp == 1 and scores["positief"].fn == 1
    assert scores["negatief"].fp == 1  # the reflection sentence is not counted


def test_depth_within_one_step(patterns_only, gold_dir):
    out = depth_scores(predict_documents(load_gold(gold_dir), patterns_only))
    assert out["documents"] == 2
    assert 0 <= out["exact"] <= out["within_one"] <= 1


def test_evaluate_reports_every_codebook_label(patterns_only, gold_dir):
    report = evaluate(patterns_only, "all", gold_dir=gold_dir)
    assert report.sentences == 5
    assert report.labels["samenwerking.extern"].f1 == 1.0
    assert report.labels["reflectie.inzicht"].f1 == 1.0
    assert report.agreement is None  # no second pass in this folder
    text = format_report(report)
    assert "macro F1" in text and "Confusion, samenwerking" in text
    lo, hi = report.macro_interval
    assert 0 <= lo <= hi <= 1
