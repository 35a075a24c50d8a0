"""The trained sentence classifier that combines pattern hits with the words of the sentence.

Per sentence label one logistic regression (scikit-learn) over

- the pattern detector's confidence for every label in the sentence (so a hit for
  ``samenwerking.intern`` can count against ``samenwerking.extern``),
- whether the sentence is an intention and whether it is hedged,
- the cues the pattern detector saw (kinds of partner named, labels whose pattern
  it found negated, words with a lexicon polarity; ``doc._.sib_cues``),
- binary lemma unigrams and bigrams of the sentence.

The model is saved as plain JSON (vocabulary, coefficients, intercepts,
thresholds) with a ``meta.json`` beside it: no pickle, readable, diffable. The
spaCy component ``sib_signal_classifier_v1`` runs after the pattern detector
in the same ``nlp.pipe`` stream and rewrites ``doc._.sib_signals``: a pattern
signal the classifier rejects is dropped, one it accepts gets the classifier's
probability as confidence, and a label the classifier finds without a pattern
hit gets a signal with ``detector = "sib.signal_classifier.v1"`` whose evidence
is the sentence's words that weighed most - but not a collaboration label whose
pattern the detector found negated in that sentence (:data:`NEGATION_MEANS_ABSENCE`).
Appreciation polarity is re-decided by the :class:`PolarityModel`; the labels for
which cross-validation found the patterns alone better (the model's ``modes``)
pass unchanged.
"""

from __future__ import annotations

import hashlib
import json
import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span

CLASSIFIER_NAME = "sib.signal_classifier.v1"
MODEL_FILE = "model.json"
META_FILE = "meta.json"
MODEL_PREFIX = "sib_signals-"


POLARITY_CLASSES = ("geen", "positief", "neutraal", "negatief")
_POLARITY_ROW = "polarity:"  # the polarity classes' rows in the classifier's weight matrix
# Labels for which a negated pattern means the label is absent, so the classifier may not add it
# from the other words: collaboration ("ik heb níet met buiten samengewerkt" is none). Not obstacles
# ("niemand weet meer wie verantwoordelijk is" is one) or insights ("het probleem was niet de
# informatie, maar ..."), which are often put as a negation.
NEGATION_MEANS_ABSENCE = ("samenwerking.",)


def sentence_features(
    tokens: Iterable[Any],
    pattern_signals: Iterable[dict[str, Any]],
    labels: Sequence[str],
    text_type: str | None = None,
    cues: Iterable[str] = (),
) -> set[str]:
    """The named binary/real features of one sentence; real-valued ones are ``name=value`` strings.

    Besides the sentence labels' pattern hits: the polarity the appreciation patterns gave
    (``apol:positief`` ...), whether the text is an evaluation (``tt:evaluatie``) and the
    detector's ``cues`` for the sentence (``pk:gemeente_provincie``, ``lex:neg`` ...)."""
    feats: set[str] = set(cues)
    conf: dict[str, float] = {}
    intention = False
    if text_type == "evaluatie":
        feats.add("tt:evaluatie")
    for s in pattern_signals:
        if s["label"] == "waardering":
            feats.add("appr")
            feats.add(f"apol:{s.get('polarity')}")
        if s["label"] in labels:
            conf[s["label"]] = max(conf.get(s["label"], 0.0), float(s["confidence"]))
            intention = intention or s.get("modality") == "voornemen"
    for lab, c in conf.items():
        feats.add(f"pat:{lab}")
        feats.add(f"patc:{lab}={c:.2f}")
    if intention:
        feats.add("modality:voornemen")
    words = [(t.lemma_ or t.text).lower() for t in tokens if not t.is_space and not t.is_punct]
    for w in words:
        feats.add(f"w:{w}")
    for a, b in zip(words, words[1:], strict=False):
        feats.add(f"b:{a} {b}")
    return feats


class _Weights:
    """Coefficients as one matrix (feature x class), for the scores of a sparse feature vector in one
    numpy step instead of a Python sum per class: the classifier's hot path in ``nlp.pipe``."""

    def __init__(self, coef: dict[str, list[float]], intercept: dict[str, float]):
        import numpy as np

        self.classes = list(coef)
        self.matrix = np.array([coef[c] for c in self.classes], dtype=np.float64).T.copy()
        self.intercept = np.array([intercept[c] for c in self.classes], dtype=np.float64)
        self.polarity: PolarityModel | None = None  # the polarity model whose rows it holds, if any

    def scores(self, x: dict[int, float]) -> list[float]:
        """Per class (in :attr:`classes` order) intercept + coefficients . x."""
        import numpy as np

        if not x:
            return [float(v) for v in self.intercept]
        rows = self.matrix[list(x)]
        values = np.fromiter(x.values(), dtype=np.float64, count=len(x))
        return [float(v) for v in self.intercept + values @ rows]


def _value(feature: str) -> tuple[str, float]:
    if "=" in feature and feature.startswith("patc:"):
        name, v = feature.rsplit("=", 1)
        return name, float(v)
    return feature, 1.0


@dataclass
class PolarityModel:
    """A multinomial logistic regression over the same features: is an evaluation sentence an
    appreciation, and is it positive, neutral or negative (classes :data:`POLARITY_CLASSES`).

    ``threshold``: the probability a polarity needs to add an appreciation where the word lists
    found none; 0 means every sentence of an evaluation is one (most are). ``mode``: "classifier"
    when cross-validation found it better than the word lists."""

    coef: dict[str, list[float]]
    intercept: dict[str, float]
    threshold: float = 0.5
    mode: str = "classifier"
    _weights: _Weights | None = field(default=None, init=False, repr=False, compare=False)

    def probabilities(self, x: dict[int, float]) -> dict[str, float]:
        if self._weights is None:
            self._weights = _Weights(self.coef, self.intercept)
        return self.softmax(dict(zip(self._weights.classes, self._weights.scores(x), strict=True)))

    @staticmethod
    def softmax(z: dict[str, float]) -> dict[str, float]:
        """Class probabilities from the classes' scores (intercept + coefficients . x)."""
        top = max(z.values())
        e = {c: math.exp(v - top) for c, v in z.items()}
        total = sum(e.values())
        return {c: v / total for c, v in e.items()}

    def adds(self, probs: dict[str, float]) -> bool:
        """Does it add an appreciation, with these probabilities, where the word lists found none?"""
        if self.threshold <= 0:
            return True
        polar = max(p for c, p in probs.items() if c != "geen")
        return max(probs, key=probs.__getitem__) != "geen" and polar >= self.threshold

    def as_dict(self) -> dict[str, Any]:
        return {
            "classes": list(self.coef),
            "coef": {c: [round(v, 6) for v in w] for c, w in self.coef.items()},
            "intercept": {c: round(v, 6) for c, v in self.intercept.items()},
            "threshold": self.threshold,
            "mode": self.mode,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PolarityModel:
        return cls(d["coef"], d["intercept"], float(d.get("threshold", 0.5)), d.get("mode", "classifier"))


@dataclass
class SignalClassifier:
    labels: list[str]
    vocabulary: dict[str, int]
    coef: dict[str, list[float]]
    intercept: dict[str, float]
    thresholds: dict[str, float]
    meta: dict[str, Any]
    # per label "classifier" (the model decides) or "patterns" (the pattern detector's signals pass unchanged),
    # chosen at training time by cross-validation
    modes: dict[str, str] = field(default_factory=dict)
    # appreciation polarity; None in models trained before it existed
    polarity: PolarityModel | None = None
    _weights: _Weights | None = field(default=None, init=False, repr=False, compare=False)

    def decides_polarity(self) -> bool:
        return self.polarity is not None and self.polarity.mode == "classifier"

    def polarity_probabilities(self, feats: Iterable[str]) -> dict[str, float]:
        assert self.polarity is not None
        return self.polarity.probabilities(self.vector(feats))

    def decides(self, label: str) -> bool:
        return label in self.coef and self.modes.get(label, "classifier") == "classifier"

    # -- use --------------------------------------------------------------------------
    def vector(self, feats: Iterable[str]) -> dict[int, float]:
        out: dict[int, float] = {}
        for f in feats:
            name, v = _value(f)
            i = self.vocabulary.get(name)
            if i is not None:
                out[i] = v
        return out

    def probabilities(self, feats: Iterable[str]) -> dict[str, float]:
        return self.probabilities_of(self.vector(feats))

    def probabilities_of(self, x: dict[int, float]) -> dict[str, float]:
        """:meth:`probabilities` of a sentence's feature vector (:meth:`vector`)."""
        return self.sentence_probabilities(x)[0]

    def sentence_probabilities(self, x: dict[int, float]) -> tuple[dict[str, float], dict[str, float] | None]:
        """Per label, and per polarity class (None without a polarity model), the probabilities
        for a feature vector: both models' scores in one step (:class:`_Weights`)."""
        if self._weights is None or self._weights.polarity is not self.polarity:  # built once, rebuilt if replaced
            coef = {lab: self.coef[lab] for lab in self.labels}
            intercept = {lab: self.intercept[lab] for lab in self.labels}
            if self.polarity is not None:
                for c in self.polarity.coef:
                    coef[_POLARITY_ROW + c] = self.polarity.coef[c]
                    intercept[_POLARITY_ROW + c] = self.polarity.intercept[c]
            self._weights = _Weights(coef, intercept)
            self._weights.polarity = self.polarity
        scores = self._weights.scores(x)
        n = len(self.labels)
        probs = {
            lab: 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))) for lab, z in zip(self.labels, scores[:n], strict=True)
        }
        if self.polarity is None:
            return probs, None
        z = {c[len(_POLARITY_ROW) :]: v for c, v in zip(self._weights.classes[n:], scores[n:], strict=True)}
        return probs, PolarityModel.softmax(z)

    def top_words(self, label: str, feats: Iterable[str], n: int = 3) -> list[str]:
        """The sentence's words that push most towards ``label`` (the evidence of a classifier-only signal)."""
        return self._top(self.coef[label], feats, n)

    def top_polarity_words(self, polarity: str, feats: Iterable[str], n: int = 3) -> list[str]:
        assert self.polarity is not None
        return self._top(self.polarity.coef[polarity], feats, n)

    def _top(self, w: list[float], feats: Iterable[str], n: int) -> list[str]:
        scored = []
        for f in feats:
            if f.startswith(("w:", "b:")) and f in self.vocabulary:
                c = w[self.vocabulary[f]]
                if c > 0:
                    scored.append((c, f[2:]))
        return [t for _, t in sorted(scored, reverse=True)[:n]]

    # -- persistence ------------------------------------------------------------------
    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        names = [""] * len(self.vocabulary)
        for f, i in self.vocabulary.items():
            names[i] = f
        model = {
            "labels": self.labels,
            "features": names,
            "coef": {lab: [round(c, 6) for c in self.coef[lab]] for lab in self.labels},
            "intercept": {lab: round(self.intercept[lab], 6) for lab in self.labels},
            "thresholds": self.thresholds,
            "modes": self.modes,
        }
        if self.polarity is not None:
            model["polarity"] = self.polarity.as_dict()
        text = json.dumps(model, ensure_ascii=False, sort_keys=True)
        (directory / MODEL_FILE).write_text(text, encoding="utf-8")
        meta = dict(self.meta)
        meta["model_sha256"] = hashlib.sha256(text.encode()).hexdigest()
        (directory / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self.meta = meta
        return directory

    @classmethod
    def load(cls, directory: Path) -> SignalClassifier:
        path = directory / MODEL_FILE
        if not path.is_file():
            raise FileNotFoundError(f"{directory}: no {MODEL_FILE} (train one with `sib-nlp train-signals`)")
        model = json.loads(path.read_text(encoding="utf-8"))
        meta_path = directory / META_FILE
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        vocab = {f: i for i, f in enumerate(model["features"])}
        polarity = PolarityModel.from_dict(model["polarity"]) if model.get("polarity") else None
        return cls(
            model["labels"],
            vocab,
            model["coef"],
            model["intercept"],
            model["thresholds"],
            meta,
            model.get("modes", {}),
            polarity,
        )

    @property
    def version(self) -> str:
        return str(self.meta.get("version", ""))

    @property
    def digest(self) -> str:
        return str(self.meta.get("model_sha256", ""))[:12]


def find_signal_model(models_dir: Path) -> Path | None:
    """The newest ``models/signals/sib_signals-<version>/`` with a model file, by version."""
    root = models_dir / "signals"
    found = [p for p in root.glob(MODEL_PREFIX + "*") if (p / MODEL_FILE).is_file()]

    def version_key(p: Path) -> tuple[int, ...]:
        parts = p.name[len(MODEL_PREFIX) :].split(".")
        return tuple(int(x) if x.isdigit() else -1 for x in parts)

    return max(found, key=version_key) if found else None


def cues_between(cues: Sequence[tuple[int, str]], start: int, end: int) -> list[str]:
    """The cues (sorted ``(offset, cue)`` pairs) whose offset lies in ``[start, end]``."""
    i = bisect_left(cues, (start, ""))
    out = []
    while i < len(cues) and cues[i][0] <= end:
        out.append(cues[i][1])
        i += 1
    return out


def sentence_windows(doc: Doc) -> list[Span]:
    return list(doc.sents) if len(doc) else []


def apply_classifier(doc: Doc, model: SignalClassifier, aspects_of: Callable[[Span], list[str]] | None = None) -> Doc:
    """Rewrite ``doc._.sib_signals`` with the classifier's decisions (see the module docstring).

    ``aspects_of`` gives the aspects a sentence is about (the codebook's aspect words), for an
    appreciation the polarity model adds where the word lists found none."""
    signals = list(doc._.sib_signals or [])
    cues = sorted(doc._.sib_cues or [])
    text_type = doc.user_data.get("sib_text_type")
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    for s in signals:
        by_sentence.setdefault(s["sentence"], []).append(s)
    out: list[dict[str, Any]] = []
    for si, sent in enumerate(sentence_windows(doc)):
        mine = by_sentence.get(si, [])
        mine_cues = cues_between(cues, sent.start_char, sent.end_char)
        feats = sentence_features(sent, mine, model.labels, text_type, mine_cues)
        # the label and the polarity model share the vocabulary: one vector, one product
        probs, polarity = model.sentence_probabilities(model.vector(feats))
        appreciation = [s for s in mine if s["label"] == "waardering"]
        if polarity is not None and model.decides_polarity() and (appreciation or text_type == "evaluatie"):
            out.extend(_polarity(model, polarity, feats, sent, si, appreciation, aspects_of))
            mine = [s for s in mine if s["label"] != "waardering"]
        for s in mine:
            if not model.decides(s["label"]):
                out.append(s)  # appreciation, labels the model does not know or leaves to the patterns
                continue
            p = probs[s["label"]]
            if p >= model.thresholds[s["label"]]:
                kept = dict(s)
                kept["confidence"] = round(p, 3)
                kept["detector"] = f"{s.get('detector', '')}+{CLASSIFIER_NAME}"
                out.append(kept)
        found = {s["label"] for s in mine}
        # a collaboration the detector found negated ("ik heb níet met de provincie gesproken") is
        # not added back from the words around it (see NEGATION_MEANS_ABSENCE)
        negated = {c[4:] for c in mine_cues if c.startswith("neg:") and c[4:].startswith(NEGATION_MEANS_ABSENCE)}
        for lab in model.labels:
            if lab in found or lab in negated or not model.decides(lab) or probs[lab] < model.thresholds[lab]:
                continue
            words = model.top_words(lab, feats)
            start, end = sent.start_char, sent.end_char
            out.append(
                {
                    "label": lab,
                    "confidence": round(probs[lab], 3),
                    "evidence": ", ".join(words) if words else sent.text.strip()[:80],
                    "start": start,
                    "end": end,
                    "sentence": si,
                    "detector": CLASSIFIER_NAME,
                    "polarity": None,
                    "aspect": None,
                    "partner": None,
                    "modality": "gedaan",
                }
            )
    out.sort(key=lambda s: (s["sentence"], s["start"]))
    doc._.sib_signals = out
    return doc


def _polarity(
    model: SignalClassifier,
    probs: dict[str, float],
    feats: set[str],
    sent: Span,
    si: int,
    appreciation: list[dict[str, Any]],
    aspects_of: Callable[[Span], list[str]] | None,
) -> list[dict[str, Any]]:
    """The appreciation signals of one sentence with the polarity model's polarity.

    Where the word lists found an appreciation, the model picks its polarity (the evidence stays
    the list's words). Where they found none, in an evaluation, the model adds one when a
    polarity is likely enough, with the words that weighed most as evidence. ``probs``: the polarity
    model's probabilities for the sentence."""
    assert model.polarity is not None
    polar = {c: p for c, p in probs.items() if c != "geen"}
    best = max(polar, key=polar.__getitem__)
    detector = CLASSIFIER_NAME + ".polarity"
    if appreciation:
        return [
            {
                **s,
                "polarity": best,
                "confidence": round(polar[best], 3),
                "detector": f"{s.get('detector', '')}+{detector}",
            }
            for s in appreciation
        ]
    if not model.polarity.adds(probs):
        return []
    words = model.top_polarity_words(best, feats)
    return [
        {
            "label": "waardering",
            "confidence": round(polar[best], 3),
            "evidence": ", ".join(words) if words else sent.text.strip()[:80],
            "start": sent.start_char,
            "end": sent.end_char,
            "sentence": si,
            "detector": detector,
            "polarity": best,
            "aspect": aspect,
            "partner": None,
            "modality": "gedaan",
        }
        for aspect in ((aspects_of(sent) if aspects_of else None) or ["algemeen"])
    ]
