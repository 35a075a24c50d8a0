"""The trained sentence classifier: features, training, JSON round trip and how it rewrites signals."""

from __future__ import annotations

import json
import random

import pytest

from sib_nlp.signals.classifier import (
    PolarityModel,
    SignalClassifier,
    apply_classifier,
    find_signal_model,
    sentence_features,
)
from sib_nlp.signals.codebook import load_codebook
from sib_nlp.signals.train import (
    Example,
    _vocabulary,
    cross_validate,
    cross_validate_polarity,
    fit,
    fit_polarity,
    folds_by_group,
    next_version,
    train,
    without_pattern_hits,
)

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


def test_pattern_free_copies_teach_the_words_beside_a_pattern():
    """A pattern that fires on every positive training sentence (as on the data it was written
    from) absorbs the weight; the pattern-free copies make the model learn the words as well."""
    rows = []
    for i in range(12):
        hit = {"pat:belemmering", "patc:belemmering=0.80"}
        rows.append(Example(f"d{i}", {"w:regels", f"w:x{i}"} | hit, frozenset({"belemmering"}), f"d{i}.0"))
        rows.append(Example(f"d{i}", {"w:lunch", f"w:y{i}"}, frozenset(), f"d{i}.1"))
    assert without_pattern_hits(rows[0]).features == {"w:regels", "w:x0"}
    assert without_pattern_hits(rows[0]).labels == rows[0].labels
    plain = fit(rows, ["belemmering"], c=1.0, pattern_free_copies=False)
    copied = fit(rows, ["belemmering"], c=1.0, pattern_free_copies=True)
    # a described obstacle the pattern misses: only the words speak for it
    missed = {"w:regels", "w:nieuw"}
    assert copied.probabilities(missed)["belemmering"] > plain.probabilities(missed)["belemmering"]
    assert copied.probabilities(missed)["belemmering"] > 0.5
    # the pattern still counts
    assert copied.probabilities({"pat:belemmering", "w:nieuw"})["belemmering"] > 0.5


def test_thresholds_are_chosen_with_and_without_pattern_hits():
    """Where the pattern fires on every positive, a threshold chosen on those sentences alone is
    higher than new text, on which the pattern misses, can bear."""
    rng = random.Random(3)
    rows = []
    for i in range(40):
        hit = {"pat:belemmering", "patc:belemmering=0.80"}
        words = {f"w:x{rng.randint(0, 30)}", "w:regels" if i % 2 else "w:systeem"}
        rows.append(Example(f"d{i}", words | hit, frozenset({"belemmering"}), f"d{i}.0"))
        other = {f"w:x{rng.randint(0, 30)}", "w:lunch" if i % 3 else "w:regels"}
        rows.append(Example(f"d{i}", other, frozenset(), f"d{i}.1"))
    plain = cross_validate(rows, ["belemmering"], k=5, pattern_free_thresholds=False)["by_c"]["0.3"]
    both = cross_validate(rows, ["belemmering"], k=5, pattern_free_thresholds=True)["by_c"]["0.3"]
    assert both["labels"]["belemmering"]["threshold"] < plain["labels"]["belemmering"]["threshold"]
    # the F1 reported is of the sentences as they are, so it can only be lower at that threshold
    assert both["labels"]["belemmering"]["f1"] <= plain["labels"]["belemmering"]["f1"]


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


def test_classifier_adds_no_collaboration_the_detector_found_negated(blank_patterns):
    labels = ["samenwerking.extern", "belemmering"]
    eager = SignalClassifier(
        labels=labels,
        vocabulary={"w:ik": 0},
        coef={lab: [0.0] for lab in labels},
        intercept={lab: 5.0 for lab in labels},  # would add every label it knows
        thresholds={lab: 0.5 for lab in labels},
        meta={},
    )
    negated = blank_patterns("Ik heb níet met buiten samengewerkt.")  # stress accent, as people write
    assert "neg:samenwerking.extern" in {c for _, c in negated._.sib_cues}
    apply_classifier(negated, eager)
    found = {s["label"] for s in negated._.sib_signals}
    assert "samenwerking.extern" not in found
    assert "belemmering" in found  # the rule is about collaboration only
    done = blank_patterns("Ik heb met buiten samengewerkt.")
    apply_classifier(done, eager)
    assert "samenwerking.extern" in {s["label"] for s in done._.sib_signals}


def _evaluation_examples() -> list[Example]:
    """Evaluation sentences: 'goed'/'fijn' positive, 'saai'/'slecht' negative, 'oké' neutral, 'zaal' none."""
    rows = [
        ({"w:goed", "w:trainer", "appr", "apol:positief"}, {"positief"}),
        ({"w:fijn", "w:sessie", "appr", "apol:positief"}, {"positief"}),
        ({"w:goed", "w:sessie"}, {"positief"}),
        ({"w:saai", "w:sessie", "appr", "apol:negatief"}, {"negatief"}),
        ({"w:slecht", "w:trainer", "appr", "apol:negatief"}, {"negatief"}),
        ({"w:saai", "w:trainer"}, {"negatief"}),
        ({"w:oké", "w:sessie", "appr", "apol:neutraal"}, {"neutraal"}),
        ({"w:oké", "w:trainer"}, {"neutraal"}),
        ({"w:zaal", "w:om"}, set()),
        ({"w:lunch", "w:om"}, set()),
    ]
    return [
        Example(
            f"e{i % 5}",
            set(f) | {"tt:evaluatie"},
            frozenset(),
            f"e{i % 5}.{i}",
            frozenset(pol),
            frozenset(x.split(":")[1] for x in f if x.startswith("apol:")),
            True,
        )
        for i, (f, pol) in enumerate(rows * 2)
    ]


def test_polarity_model_learns_and_is_cross_validated_against_the_word_lists():
    ex = _evaluation_examples()
    vocab = _vocabulary(ex)
    model = fit_polarity(ex, vocab, c=3.0)
    assert model is not None
    x = {vocab["w:saai"]: 1.0, vocab["w:trainer"]: 1.0, vocab["tt:evaluatie"]: 1.0}
    probs = model.probabilities(x)
    assert max(probs, key=probs.__getitem__) == "negatief"
    cv = cross_validate_polarity(ex, k=5)
    assert cv["sentences"] == 20
    assert 0 <= cv["patterns_only"] <= 1 and all(0 <= v["macro_f1"] <= 1 for v in cv["by_c"].values())


def test_one_product_gives_both_models_probabilities():
    """apply_classifier scores labels and polarity in one step; that equals each model on its own,
    computed here as the plain logistic formulas."""
    import math

    model, _ = train(_examples() + _evaluation_examples(), LABELS, load_codebook(), "9.9.9", ["test data"], k=5)
    assert model.polarity is not None
    x = model.vector({"w:saai", "w:tijd", "tt:evaluatie", "w:onbekend"})
    labels, polarity = model.sentence_probabilities(x)
    for lab in LABELS:
        z = model.intercept[lab] + sum(model.coef[lab][i] * v for i, v in x.items())
        assert labels[lab] == pytest.approx(1 / (1 + math.exp(-z)))
    pol = model.polarity
    z = {c: pol.intercept[c] + sum(pol.coef[c][i] * v for i, v in x.items()) for c in pol.coef}
    total = sum(math.exp(v) for v in z.values())
    assert polarity == pytest.approx({c: math.exp(v) / total for c, v in z.items()})
    assert model.probabilities_of(x) == labels and model.polarity.probabilities(x) == pytest.approx(polarity)
    model.polarity = None  # a replaced polarity model is not scored from the old weights
    assert model.sentence_probabilities(x) == (pytest.approx(labels), None)


def test_saved_model_keeps_its_polarity_model(tmp_path):
    model, _ = train(_examples() + _evaluation_examples(), LABELS, load_codebook(), "9.9.9", ["test data"], k=5)
    assert model.polarity is not None
    folder = model.save(tmp_path / "sib_signals-9.9.9")
    assert "polarity" in json.loads((folder / "model.json").read_text(encoding="utf-8"))
    loaded = SignalClassifier.load(folder)
    feats = {"w:saai", "tt:evaluatie"}
    assert loaded.polarity_probabilities(feats) == pytest.approx(model.polarity_probabilities(feats))
    assert loaded.meta["polarity"]["mode"] == model.polarity.mode


def _polarity_model(favourite: str, mode: str = "classifier") -> SignalClassifier:
    from sib_nlp.signals.classifier import POLARITY_CLASSES

    model = _model({lab: "patterns" for lab in LABELS}, intercept=-5.0)
    model.polarity = PolarityModel(
        coef={c: [0.0] for c in POLARITY_CLASSES},
        intercept={c: (3.0 if c == favourite else 0.0) for c in POLARITY_CLASSES},
        threshold=0.5,
        mode=mode,
    )
    return model


def test_polarity_model_repolarises_the_word_lists_and_adds_what_they_miss(blank_patterns):
    doc = blank_patterns.make_doc("De trainers waren goed. Het werkbezoek liet me anders naar de regels kijken.")
    doc.user_data["sib_text_type"] = "evaluatie"
    doc = blank_patterns.get_pipe("sib_signals")(blank_patterns.get_pipe("sentencizer")(doc))
    before = [s for s in doc._.sib_signals if s["label"] == "waardering"]
    assert {s["sentence"] for s in before} == {0}
    apply_classifier(doc, _polarity_model("negatief"), aspects_of=lambda sent: ["werkvormen"])
    after = [s for s in doc._.sib_signals if s["label"] == "waardering"]
    first = [s for s in after if s["sentence"] == 0]
    assert {s["polarity"] for s in first} == {"negatief"} and first[0]["evidence"] == before[0]["evidence"]
    added = [s for s in after if s["sentence"] == 1]
    assert added and added[0]["detector"] == "sib.signal_classifier.v1.polarity"
    assert added[0]["aspect"] == "werkvormen" and added[0]["polarity"] == "negatief"


def test_polarity_model_in_patterns_mode_or_predicting_none_adds_nothing(blank_patterns):
    text = "Het werkbezoek liet me anders naar de regels kijken."
    for model in (_polarity_model("negatief", mode="patterns"), _polarity_model("geen")):
        doc = blank_patterns.make_doc(text)
        doc.user_data["sib_text_type"] = "evaluatie"
        doc = blank_patterns.get_pipe("sib_signals")(blank_patterns.get_pipe("sentencizer")(doc))
        apply_classifier(doc, model)
        assert not [s for s in doc._.sib_signals if s["label"] == "waardering"]


def test_polarity_threshold_zero_makes_every_evaluation_sentence_an_appreciation():
    from sib_nlp.signals.classifier import PolarityModel

    model = PolarityModel(coef={}, intercept={}, threshold=0.0)
    assert model.adds({"geen": 0.9, "positief": 0.05, "neutraal": 0.03, "negatief": 0.02})
    model.threshold = 0.5
    assert not model.adds({"geen": 0.9, "positief": 0.05, "neutraal": 0.03, "negatief": 0.02})
    assert not model.adds({"geen": 0.2, "positief": 0.45, "neutraal": 0.3, "negatief": 0.05})
    assert model.adds({"geen": 0.2, "positief": 0.6, "neutraal": 0.15, "negatief": 0.05})
