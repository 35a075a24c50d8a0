"""Codebook-driven signal detectors.

The detector matches the codebook's lemma patterns per sentence and then
checks, for every hit:

- **negation**: a negator (``niet``, ``geen``, ...) governing the matched words in
  the parse, or standing in the same clause just before or after them
  ("ik heb níet met buiten samengewerkt" gives no collaboration signal);
- **modality**: intention or wish ("ik wil meer samenwerken") versus done; a
  collaboration that is only intended gets a lower confidence and
  ``modality = "voornemen"``;
- **hedges** ("misschien", "een beetje") lower the confidence;
- **actors**: the kinds of partner in the sentence (gemeente, bedrijf, collega,
  ...) decide between ``samenwerking.intern`` and ``samenwerking.extern``.

:meth:`SignalDetector.predict` computes and touches nothing;
:meth:`SignalDetector.set_annotations` writes ``doc._.sib_signals``.
Document-level signals (shares, reflection depth) are derived by getters in
:mod:`sib_nlp.signals.document`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from spacy.tokens import Doc, Span

from sib_nlp.signals.codebook import Codebook, Pattern

DETECTOR_NAME = "sib.signal_patterns.v1"


@dataclass
class Signal:
    label: str
    confidence: float
    evidence: str
    start: int  # character offsets of the evidence in the document text
    end: int
    sentence: int  # index of the sentence in the document
    detector: str = DETECTOR_NAME
    polarity: str | None = None
    aspect: str | None = None
    partner: str | None = None
    modality: str = "gedaan"

    def as_dict(self) -> dict:
        return asdict(self)


def token_keys(sent: Span | Sequence) -> list[set[str]]:
    """For each token: the lower-cased form and lemma it can be matched on."""
    keys = []
    for t in sent:
        k = {t.lower_}
        if t.lemma_:
            k.add(t.lemma_.lower())
        keys.append(k)
    return keys


def _word_matches(word: str, keys: set[str]) -> bool:
    if word.endswith("*") and len(word) > 1:
        stem = word[:-1]
        return any(k.startswith(stem) for k in keys)
    return word in keys


def find_phrase(keys: list[set[str]], words: Sequence[str]) -> list[tuple[int, int]]:
    """All (start, end) token positions where the phrase matches."""
    hits = []
    n = len(words)
    for i in range(len(keys) - n + 1):
        if all(_word_matches(words[j], keys[i + j]) for j in range(n)):
            hits.append((i, i + n))
    return hits


def any_phrase(keys: list[set[str]], phrases: Iterable[Sequence[str]]) -> bool:
    return any(find_phrase(keys, p) for p in phrases)


class SignalDetector:
    """Sentence-level detection of every codebook label, plus appreciation."""

    def __init__(self, codebook: Codebook, name: str = "sib_signals"):
        self.codebook = codebook
        self.name = name
        # index patterns by the first word (without wildcard) for speed
        self._by_label: dict[str, tuple[Pattern, ...]] = {lid: lab.patterns for lid, lab in codebook.labels.items()}
        shared: dict[tuple[str, ...], set[str]] = {}
        for lid, lab in codebook.labels.items():
            if lab.partners:
                for p in lab.patterns:
                    shared.setdefault(p.words, set()).add(lid)
        self._shared_partner_patterns = {w for w, labs in shared.items() if len(labs) > 1}

    # -- compute ---------------------------------------------------------------------
    def predict(self, docs: Iterable[Doc]) -> list[list[Signal]]:
        return [self._predict_doc(doc) for doc in docs]

    def _predict_doc(self, doc: Doc) -> list[Signal]:
        out: list[Signal] = []
        text_type = (doc.user_data or {}).get("sib_text_type")
        for si, sent in enumerate(doc.sents):
            out.extend(self._predict_sentence(sent, si, text_type))
        return out

    def partners_in(self, keys: list[set[str]]) -> dict[str, tuple[int, int]]:
        found = {}
        for pid, kind in self.codebook.partners.items():
            for term in kind.terms:
                hits = find_phrase(keys, term)
                if hits:
                    found[pid] = hits[0]
                    break
        return found

    def _negated(self, sent: Span, keys: list[set[str]], start: int, end: int, pattern: Pattern) -> bool:
        cb = self.codebook
        if any(w in cb.negators for w in pattern.words):
            return False  # the negation is part of the pattern ("geen tijd")
        tokens = list(sent)
        # 1. the parse: a negator attached to a matched word or to its verb
        for t in tokens[start:end]:
            for node in (t, t.head):
                if any(c.lower_ in cb.negators and c.i != t.i for c in node.children):
                    if node is t or node.pos_ in {"VERB", "AUX"}:
                        return True
        # 2. the clause window: up to 5 tokens before and 3 after, not across a boundary
        for i in range(start - 1, max(-1, start - 6), -1):
            if tokens[i].lower_ in cb.negation_bounds:
                break
            if tokens[i].lower_ in cb.negators:
                return True
        for i in range(end, min(len(tokens), end + 3)):
            if tokens[i].lower_ in cb.negation_bounds:
                break
            if tokens[i].lower_ in cb.negators:
                return True
        return False

    def _predict_sentence(self, sent: Span, si: int, text_type: str | None) -> list[Signal]:
        cb = self.codebook
        keys = token_keys(sent)
        tokens = list(sent)
        if not tokens:
            return []
        hedged = any_phrase(keys, cb.hedges)
        intention = any_phrase(keys, cb.intention_markers) or any("zou" in k for k in keys)
        partners = self.partners_in(keys)
        internal = sorted(p for p in partners if cb.partners[p].internal)
        external = sorted(p for p in partners if not cb.partners[p].internal)
        signals: list[Signal] = []
        for lid, label in cb.labels.items():
            best: tuple[float, int, int] | None = None
            combined = 1.0
            for pattern in self._by_label[lid]:
                for s, e in find_phrase(keys, pattern.words):
                    if self._negated(sent, keys, s, e, pattern):
                        continue
                    weight = pattern.weight
                    if label.partners:
                        mine = [p for p in label.partners if p in partners]
                        if not mine:
                            if lid == "samenwerking.intern" and external:
                                continue  # only outside partners named: that is samenwerking.extern
                            if pattern.words in self._shared_partner_patterns:
                                # generic collaboration word, no partner named: internal by default
                                if lid != "samenwerking.intern":
                                    continue
                                weight *= 0.7
                        elif lid == "samenwerking.intern" and external and not internal:
                            continue
                    combined *= 1 - weight
                    if best is None or weight > best[0]:
                        best = (weight, s, e)
            if best is None:
                continue
            conf = 1 - combined
            modality = "gedaan"
            if intention and lid != "reflectie.voornemen":
                modality = "voornemen"
                if lid.startswith("samenwerking"):
                    conf *= 0.7
            if hedged:
                conf *= 0.85
            _, s, e = best
            span = sent[s:e]
            partner = None
            if label.partners:
                partner = ",".join(p for p in label.partners if p in partners) or None
            signals.append(
                Signal(
                    lid,
                    round(min(conf, 0.99), 3),
                    span.text,
                    span.start_char,
                    span.end_char,
                    si,
                    partner=partner,
                    modality=modality,
                )
            )
        if text_type in (None, "evaluatie"):
            signals.extend(self._appreciation(sent, keys, si))
        return signals

    def _appreciation(self, sent: Span, keys: list[set[str]], si: int) -> list[Signal]:
        cb = self.codebook
        pos = [(s, e, p) for p in cb.appreciation_positive for s, e in find_phrase(keys, p)]
        neg = [(s, e, p) for p in cb.appreciation_negative for s, e in find_phrase(keys, p)]
        score = 0
        evidence: tuple[int, int] | None = None
        fake = Pattern(("_",), 1.0)
        for s, e, _ in pos:
            if self._negated(sent, keys, s, e, fake):
                score -= 1
            else:
                score += 1
            evidence = evidence or (s, e)
        for s, e, p in neg:
            if any(w in cb.negators for w in p) or not self._negated(sent, keys, s, e, fake):
                score -= 1
            else:
                score += 1
            evidence = evidence or (s, e)
        if evidence is None:
            return []
        polarity = "positief" if score > 0 else "negatief" if score < 0 else "neutraal"
        aspects = [a for a, terms in cb.aspects.items() if any_phrase(keys, terms)] or ["algemeen"]
        span = sent[evidence[0] : evidence[1]]
        conf = round(min(0.95, 0.55 + 0.15 * abs(score)), 3)
        return [
            Signal("waardering", conf, span.text, span.start_char, span.end_char, si, polarity=polarity, aspect=a)
            for a in aspects
        ]

    # -- write ------------------------------------------------------------------------
    def set_annotations(self, docs: Iterable[Doc], predictions: list[list[Signal]]) -> None:
        for doc, signals in zip(docs, predictions, strict=True):
            doc._.sib_signals = [s.as_dict() for s in signals]

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)
