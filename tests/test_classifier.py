"""The trained sentence classifier: features, training, JSON round trip and how it rewrites signals."""

from __future__ import annotations

import json

import pytest

from sib_nlp.signals.classifier import SignalClassifier, apply_classifier, find_signal_model, sentence_features
from sib_nlp.signals.codebook import load_codebook
from sib_nlp.signals.train import Example, cross_validate, fit, folds_by_group, next_version, train

LABELS = ["belemmering", "reflectie.inzicht"]


def _examples() -> list[Example]:
    """Tiny separable data: 'tijd'/'druk' mean belemmering, 'geleerd' means inzicht."""
    rows = [
        ({"w:geen", "w:tijd"}, {"belemmering"}),
        ({"w:druk", "w:hoog"}, {"belemmering"}),
        ({"w:tijd", "w:druk"}, {"belemmering"}),
        ({"w:ik", "w:geleerd"}, {"reflectie.inzicht"}),
        ({"w:geleerd", "w:veel"}, {"reflectie.inzicht"}),
        ({"w:nieuw", "w:geleerd"}, {"reflectie.inzicht"}),
        ({"w:lunch", "w:om"}, set()),
        ({"w:zaal", "w:om"}, set()),
        ({"w:lunch", "w:zaal"}, set()),
        ({"w:om", "w:twaalf"}, set()),
    ]
    return [Example(f"d{i % 5}", set(f), frozenset(lab), f"d{i % 5}.{i}") for i, (f, lab) in enumerate(rows * 2)]


@pytest.fixture(scope="module")
def blank_patterns(nlp_blank):
    return nlp_blank  # the blank pipeline with the pattern detector and no classifier (conftest)


def test_features_name_pattern_hits_words_and_bigrams(blank_patterns):
    doc = blank_patterns("Ik heb geen tijd gehad.")
    feats = sentence_features(list(doc), doc._.sib_signals, load_codebook().sentence_labels)
    assert "pat:belemmering" in feats
    assert any(f.startswith("patc:belemmering=") for f in feats)
    assert {"w:geen", "w:tijd", "b:geen tijd"} <= feats


def test_fit_learns_separable_labels():
    model = fit(_examples(), LABELS, c=1.0)
    p = model.probabilities({"w:geen", "w:tijd"})
    assert p["belemmering"] > 0.5 > p["reflectie.inzicht"]
    assert model.probabilities({"w:geleerd"})["reflectie.inzicht"] > 0.5
    assert model.top_words("belemmering", {"w:tijd", "w:lunch"}) == ["tijd"]


def test_cross_validation_folds_keep_documents_together():
    ex = _examples()
    folds = folds_by_group(ex, 5)
    for fold in folds:
        groups = {ex[i].group for i in fold}
        others = {ex[i].group for f in folds if f is not fold for i in f}
        assert not groups & others
    cv = cross_validate(ex, LABELS, k=5)
    assert set(cv["by_c"]) == {"0.1", "0.3", "1.0", "3.0"}
    assert 0 <= cv["patterns_only"]["macro_f1"] <= 1


def test_saved_model_is_json_and_loads_to_the_same_probabilities(tmp_path):
    model, _ = train(_examples(), LABELS, load_codebook(), "9.9.9", ["test data"], k=5)
    folder = model.save(tmp_path / "signals" / "sib_signals-9.9.9")
    data = json.loads((folder / "model.json").read_text(encoding="utf-8"))  # plain JSON, no pickle
    assert set(data) >= {"labels", "features", "coef", "intercept", "thresholds", "modes"}
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["version"] == "9.9.9" and meta["training_sentences"] == 20 and meta["model_sha256"]
    loaded = SignalClassifier.load(folder)
    feats = {"w:tijd", "w:geleerd"}
    assert loaded.probabilities(feats) == pytest.approx(model.probabilities(feats))
    assert find_signal_model(tmp_path) == folder
    assert next_version(tmp_path) == "9.10.0"


def _model(modes: dict[str, str], intercept: float) -> SignalClassifier:
    return SignalClassifier(
        labels=LABELS,
        vocabulary={"w:tijd": 0},
        coef={lab: [0.0] for lab in LABELS},
        intercept={lab: intercept for lab in LABELS},
        thresholds={lab: 0.5 for lab in LABELS},
        meta={},
        modes=modes,
    )


def test_classifier_drops_rejected_pattern_signals_and_keeps_appreciation(blank_patterns):
    doc = blank_patterns("Ik had geen tijd. De trainers waren goed.")
    doc.user_data["sib_text_type"] = "evaluatie"
    doc = blank_patterns.get_pipe("sib_signals")(doc)
    assert "belemmering" in {s["label"] for s in doc._.sib_signals}
    apply_classifier(doc, _model({lab: "classifier" for lab in LABELS}, intercept=-5.0))
    labels = {s["label"] for s in doc._.sib_signals}
    assert "belemmering" not in labels  # rejected by the model
    assert "waardering" in labels  # not the classifier's business


def test_classifier_adds_signals_with_its_own_name_and_leaves_pattern_labels_alone(blank_patterns):
    doc = blank_patterns("Ik had geen tijd.")
    apply_classifier(doc, _model({"belemmering": "patterns", "reflectie.inzicht": "classifier"}, intercept=5.0))
    by_label = {s["label"]: s for s in doc._.sib_signals}
    assert by_label["belemmering"]["detector"] == "sib.signal_patterns.v1"  # patterns mode: unchanged
    assert by_label["reflectie.inzicht"]["detector"] == "sib.signal_classifier.v1"
    assert by_label["reflectie.inzicht"]["sentence"] == 0
