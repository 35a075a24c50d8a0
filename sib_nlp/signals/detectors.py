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
  ...) decide between ``samenwerking.intern`` and ``samenwerking.extern``. A
  Dutch compound counts by its last part ("beleidsdirectie", "ICT-afdeling",
  "zorgverzekeraars" ...) and a hyphenated one by any part ("collega-inspecteurs").

Appreciation (in evaluation texts) uses the codebook's word lists and, for an
adjective they do not have, its polarity in the open lexicon the codebook names;
an adjective after "te" ("te theoretisch") counts as a complaint. Words are
matched on their form, their lemma and the lemma of spaCy's Dutch lookup table
(:func:`token_keys`), so inflected forms the pipeline leaves as they are still match.

Besides the signals, the detector leaves per sentence the *cues* it saw in
``doc._.sib_cues`` (a list of ``(character offset, cue)``): the kinds of partner
(``pk:gemeente_provincie``, ``pk:extern`` ...), the labels whose pattern it found negated
(``neg:samenwerking.extern``: "ik heb níet met de provincie gesproken") and, in evaluations (and
texts of no known type), lexicon polarity (``lex:pos``, ``lex:neg``). The trained classifier uses
them as features, and adds no collaboration label where the detector found it only negated.

:meth:`SignalDetector.predict` computes and touches nothing;
:meth:`SignalDetector.set_annotations` writes ``doc._.sib_signals``.
Document-level signals (shares, reflection depth) are derived by getters in
:mod:`sib_nlp.signals.document`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Span

from sib_nlp.signals.codebook import Codebook, Pattern

DETECTOR_NAME = "sib.signal_patterns.v1"
# A collaboration pattern weaker than this ("gesproken", "bezoek") only counts when a
# partner of the label's kind is named in the sentence.
PARTNER_REQUIRED_BELOW = 0.7
# A compound counts as a partner term by its last part when that part has at least this many
# letters and something of at least MIN_COMPOUND_PREFIX letters stands before it.
MIN_COMPOUND_HEAD = 4
MIN_COMPOUND_PREFIX = 3
# partner terms too general to name a partner as the last part of a compound ("beleidsmensen")
NOT_COMPOUND_HEADS = frozenset({"mensen"})


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
        # every field is a plain str/int/float/None: no deep copy needed (dataclasses.asdict makes one)
        return {f.name: getattr(self, f.name) for f in _SIGNAL_FIELDS}


_SIGNAL_FIELDS = fields(Signal)


class TokenKeys(list):
    """Per token the set of strings it can be matched on, with an index from string to positions.

    The index makes :func:`find_phrase` look only at the positions where a
    phrase's first word occurs, instead of trying every phrase at every token.
    """

    def __init__(self, keys: Iterable[AbstractSet[str]]):
        super().__init__(keys)
        self.positions: dict[str, list[int]] = {}
        for i, k in enumerate(self):
            for w in k:
                self.positions.setdefault(w, []).append(i)
        self.sorted_keys = sorted(self.positions)
        self.words = frozenset(self.positions)

    def starts(self, word: str) -> list[int]:
        """Positions of the tokens matching ``word`` (``stem*`` matches every key starting with stem)."""
        if word.endswith("*") and len(word) > 1:
            stem = word[:-1]
            found: set[int] = set()
            i = bisect_left(self.sorted_keys, stem)
            while i < len(self.sorted_keys) and self.sorted_keys[i].startswith(stem):
                found.update(self.positions[self.sorted_keys[i]])
                i += 1
            return sorted(found)
        return self.positions.get(word, [])


@lru_cache(maxsize=1)
def lemma_lookup() -> Any:
    """spaCy's Dutch lemma lookup table (``spacy-lookups-data``), or None when it is not installed.

    The project's own pipeline tags some inflected adjectives as nouns and then keeps them as
    they are ("een fijne manier": lemma "fijne"); the table knows "fijne" -> "fijn"."""
    try:
        from spacy.lookups import load_lookups

        return load_lookups("nl", ["lemma_lookup"]).get_table("lemma_lookup")
    except (ValueError, KeyError, ImportError, OSError):
        return None


def token_keys(sent: Doc | Span | Sequence) -> TokenKeys:
    """For each token the strings it can be matched on: the lower-cased form, the lemma, the lemma
    of the lookup table, for a word in -e the table does not know ("goede") the word without it -
    an inflected adjective's base form - and the word without stress accents ("géén": "geen")."""
    keys = []
    for t in sent:
        low, lemma = t.lower_, t.lemma_
        k = _KEYS.get((low, lemma))
        if k is None:
            k = _keys_of(low, lemma)
        keys.append(k)
    return TokenKeys(keys)


# (form, lemma) -> its keys: words recur, so most tokens cost one lookup
_KEYS: dict[tuple[str, str], frozenset[str]] = {}
_KEYS_SIZE = 200_000


def _keys_of(low: str, lemma: str) -> frozenset[str]:
    table = lemma_lookup()
    k = {low}
    if lemma:
        k.add(lemma.lower())
    base = table.get(low) if table is not None else None
    if base:
        k.add(base.lower())
    elif len(low) >= 5 and low.endswith("e") and not low.endswith(("ee", "ie")):
        k.add(low[:-1])
    k.add(low.translate(_EMPHASIS))  # "géén tijd" is "geen tijd" with stress
    if len(_KEYS) >= _KEYS_SIZE:
        _KEYS.clear()
    _KEYS[(low, lemma)] = found = frozenset(k)
    return found


def _word_matches(word: str, keys: AbstractSet[str]) -> bool:
    if word.endswith("*") and len(word) > 1:
        stem = word[:-1]
        return any(k.startswith(stem) for k in keys)
    return word in keys


def find_phrase(keys: Sequence[AbstractSet[str]], words: Sequence[str]) -> list[tuple[int, int]]:
    """All (start, end) token positions where the phrase matches, in order."""
    index = keys if isinstance(keys, TokenKeys) else TokenKeys(keys)
    n = len(words)
    if not n:
        return []
    hits = []
    for i in index.starts(words[0]):
        if i + n <= len(index) and all(_word_matches(words[j], index[i + j]) for j in range(1, n)):
            hits.append((i, i + n))
    return hits


def any_phrase(keys: Sequence[AbstractSet[str]], phrases: Iterable[Sequence[str]]) -> bool:
    return any(find_phrase(keys, p) for p in phrases)


_CANDIDATE_CACHE_SIZE = 200_000  # words whose candidate phrases a PhraseSet remembers


class PhraseSet:
    """Many phrases matched at once: only phrases whose first word occurs in the sentence, and
    every other word without a wildcard too, are tried.

    ``matches`` gives (phrase number, start, end) in phrase order, then position order, the
    same order as trying every phrase with :func:`find_phrase` one after another.
    """

    def __init__(self, phrases: Iterable[Sequence[str]]):
        self.phrases = [tuple(p) for p in phrases]
        self.by_first: dict[str, list[int]] = {}
        self.wild: list[tuple[str, int]] = []  # (stem, phrase number) of phrases starting with "stem*"
        for n, p in enumerate(self.phrases):
            if not p:
                continue
            if p[0].endswith("*") and len(p[0]) > 1:
                self.wild.append((p[0][:-1], n))
            else:
                self.by_first.setdefault(p[0], []).append(n)
        self._first_words = frozenset(self.by_first)
        # per phrase its words without wildcards: a phrase is only tried where all of them occur
        self._required = [frozenset(w for w in p if not w.endswith("*")) for p in self.phrases]
        # word -> the wildcard phrases that can start at it; words recur, so this costs a lookup a word
        self._wild_candidates: dict[str, tuple[int, ...]] = {}

    def _wild_of(self, word: str) -> tuple[int, ...]:
        """Numbers of the phrases whose first word is a ``stem*`` that ``word`` starts with."""
        found = self._wild_candidates.get(word)
        if found is None:
            found = tuple(n for stem, n in self.wild if word.startswith(stem))
            if len(self._wild_candidates) >= _CANDIDATE_CACHE_SIZE:
                self._wild_candidates.clear()
            self._wild_candidates[word] = found
        return found

    def matches(self, keys: TokenKeys) -> list[tuple[int, int, int]]:
        todo: set[int] = set()
        # most sentences hold few of the first words: one set intersection instead of a lookup a word
        for word in self._first_words.intersection(keys.positions):
            todo.update(self.by_first[word])
        if self.wild:
            for word in keys.positions:
                todo.update(self._wild_of(word))
        out: list[tuple[int, int, int]] = []
        n_tokens = len(keys)
        words = keys.words
        for n in sorted(todo):  # find_phrase, inlined: this loop is the detector's hot path
            phrase = self.phrases[n]
            size = len(phrase)
            if size > 1 and not self._required[n] <= words:
                continue
            for i in keys.starts(phrase[0]):
                if size == 1 or (
                    i + size <= n_tokens and all(_word_matches(phrase[j], keys[i + j]) for j in range(1, size))
                ):
                    out.append((n, i, i + size))
        return out

    def any(self, keys: TokenKeys) -> bool:
        return bool(self.matches(keys))


# Dutch stresses a word with acute accents ("ik heb níet met buiten samengewerkt", "géén tijd")
_EMPHASIS = str.maketrans("áéíóú", "aeiou")


def _plain(token: Any) -> str:
    """The token lower-cased and without emphasis accents, as the negation check compares it."""
    return token.lower_.translate(_EMPHASIS)


# the pattern :meth:`SignalDetector._negated` is asked about for a single word or phrase that is no
# codebook pattern (an appreciation word, a lexicon adjective): it carries no negator of its own
_ANY_WORDS = Pattern(("_",), 1.0)

# tags of words that are never an adjective the lexicon judges ("naar" the preposition)
_FUNCTION_POS = frozenset({"ADP", "DET", "PRON", "AUX", "CCONJ", "SCONJ", "PUNCT", "NUM", "SYM", "PART", "SPACE"})


def _adjective_like(t: Any) -> bool:
    """Can the token be an adjective the lexicon judges? Not a function word, not an intensifier
    ("vreselijk mooi", "vrij lang") and, for a verb, only a participle ("gekunsteld"). Nouns count:
    the tagger takes some adjectives for nouns ("een fijne manier", "ging soepel")."""
    if not t.pos_ or t.pos_ in _FUNCTION_POS:
        return False  # untagged (a blank pipeline) or a function word
    if t.dep_ == "advmod" and t.head.pos_ in ("ADJ", "ADV") and t.head.i != t.i:
        return False
    if t.pos_ == "VERB":
        return "Part" in t.morph.get("VerbForm")
    return True


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
        # phrase sets: per sentence only the phrases whose first word occurs are tried
        self._label_patterns = [(lid, p) for lid, pats in self._by_label.items() for p in pats]
        self._labels_set = PhraseSet(p.words for _, p in self._label_patterns)
        self._hedges = PhraseSet(codebook.hedges)
        self._intentions = PhraseSet(codebook.intention_markers)
        self._partner_terms = [(pid, t) for pid, kind in codebook.partners.items() for t in kind.terms]
        self._partners_set = PhraseSet(t for _, t in self._partner_terms)
        self._partner_heads: dict[str, str] = {}
        for pid, t in self._partner_terms:
            if len(t) == 1 and len(t[0]) >= MIN_COMPOUND_HEAD and t[0] not in NOT_COMPOUND_HEADS:
                self._partner_heads.setdefault(t[0], pid)
        self._compound_cache: dict[str, str | None] = {}  # word -> kind: most words come back often
        self._lexicon = codebook.polarity_lexicon
        self._lexicon_min = codebook.lexicon_min
        lemma_lookup()  # load the lookup table (~1 s) with the pipeline, not in the first document
        self._positive = PhraseSet(codebook.appreciation_positive)
        self._negative = PhraseSet(codebook.appreciation_negative)
        self._neutral = PhraseSet(codebook.appreciation_neutral)
        self._aspects = {a: PhraseSet(terms) for a, terms in codebook.aspects.items()}

    # -- compute ---------------------------------------------------------------------
    def predict(self, docs: Iterable[Doc]) -> list[tuple[list[Signal], list[tuple[int, str]]]]:
        """Per doc its signals and its cues."""
        return [self._predict_doc(doc) for doc in docs]

    def _predict_doc(self, doc: Doc) -> tuple[list[Signal], list[tuple[int, str]]]:
        out: list[Signal] = []
        cues: list[tuple[int, str]] = []
        text_type = (doc.user_data or {}).get("sib_text_type")
        for si, sent in enumerate(doc.sents):
            out.extend(self._predict_sentence(sent, si, text_type, cues))
        return out, cues

    def partners_in(self, keys: TokenKeys) -> dict[str, tuple[int, int]]:
        """Each kind of partner named in the sentence, with the first hit of its first matching term;
        a compound by its last part, a hyphenated word by any of its parts."""
        found: dict[str, tuple[int, int]] = {}
        for n, s, e in self._partners_set.matches(keys):
            found.setdefault(self._partner_terms[n][0], (s, e))
        cache = self._compound_cache
        for i, k in enumerate(keys):
            for w in k:
                if w in cache:
                    kind = cache[w]
                else:
                    kind = self._compound_partner(w, self._partner_heads)
                    if len(cache) < 200_000:
                        cache[w] = kind
                if kind is not None:
                    found.setdefault(kind, (i, i + 1))
        return found

    @staticmethod
    def _compound_partner(word: str, heads: dict[str, str]) -> str | None:
        """The partner kind of a compound whose last part (or, hyphenated, any part) is a partner term."""
        if len(word) < MIN_COMPOUND_HEAD + MIN_COMPOUND_PREFIX or word in heads:
            return None
        if "-" in word:
            for part in word.split("-"):
                if part in heads:
                    return heads[part]
        for cut in range(MIN_COMPOUND_PREFIX, len(word) - MIN_COMPOUND_HEAD + 1):
            if word[cut:] in heads:
                return heads[word[cut:]]  # the longest last part that is a partner term
        return None

    def lexicon_polarity(self, tokens: Sequence[Any], keys: TokenKeys, skip: set[int]) -> list[tuple[int, int]]:
        """(token position, +1 or -1) for every adjective of the sentence's ``tokens`` with a lexicon
        polarity, and -1 for any adjective after "te" (excess); negation applied; positions in
        ``skip`` (words the codebook's lists matched) are left out."""
        out = []
        for i, t in enumerate(tokens):
            if i in skip or not _adjective_like(t):
                continue
            excess = i > 0 and tokens[i - 1].lower_ == "te" and t.pos_ in ("ADJ", "ADV")
            p = self._lexicon.get(t.lower_)
            if p is None:
                p = next((self._lexicon[k] for k in sorted(keys[i]) if k in self._lexicon), None)
            if excess:
                p = -1.0  # "te theoretisch", "te algemeen": too much of anything is a complaint
            if p is None or abs(p) < self._lexicon_min:
                continue
            sign = 1 if p > 0 else -1
            if self._negated(tokens, i, i + 1, _ANY_WORDS):
                sign = -sign
            out.append((i, sign))
        return out

    def _negated(self, tokens: Sequence[Any], start: int, end: int, pattern: Pattern) -> bool:
        """Is the match at ``tokens[start:end]`` (the sentence's tokens) negated?"""
        cb = self.codebook
        if any(w in cb.negators for w in pattern.words):
            return False  # the negation is part of the pattern ("geen tijd")
        # 1. the parse: a negator attached to a matched word or to its verb
        for t in tokens[start:end]:
            for node in (t, t.head):
                if any(_plain(c) in cb.negators and c.i != t.i for c in node.children):
                    if node is t or node.pos_ in {"VERB", "AUX"}:
                        return True
        # 2. the clause window: up to 5 tokens before and 3 after, not across a boundary
        for i in range(start - 1, max(-1, start - 6), -1):
            if _plain(tokens[i]) in cb.negation_bounds:
                break
            if _plain(tokens[i]) in cb.negators:
                return True
        for i in range(end, min(len(tokens), end + 3)):
            if _plain(tokens[i]) in cb.negation_bounds:
                break
            if _plain(tokens[i]) in cb.negators:
                return True
        return False

    def _predict_sentence(
        self, sent: Span, si: int, text_type: str | None, cues: list[tuple[int, str]] | None = None
    ) -> list[Signal]:
        cb = self.codebook
        keys = token_keys(sent)
        tokens = list(sent)
        if not tokens:
            return []
        hedged = self._hedges.any(keys)
        intention = self._intentions.any(keys) or "zou" in keys.positions
        partners = self.partners_in(keys)
        internal = sorted(p for p in partners if cb.partners[p].internal)
        external = sorted(p for p in partners if not cb.partners[p].internal)
        if cues is not None:
            at = sent.start_char
            cues.extend((at, f"pk:{p}") for p in sorted(partners))
            if internal:
                cues.append((at, "pk:intern"))
            if external:
                cues.append((at, "pk:extern"))
        hits_by_label: dict[str, list[tuple[Pattern, int, int]]] = {}
        for n, s, e in self._labels_set.matches(keys):
            lid, pattern = self._label_patterns[n]
            hits_by_label.setdefault(lid, []).append((pattern, s, e))
        signals: list[Signal] = []
        negated: set[str] = set()  # labels with a pattern hit the negation check threw out
        for lid, label in cb.labels.items():
            best: tuple[float, int, int] | None = None
            combined = 1.0
            for pattern, s, e in hits_by_label.get(lid, ()):
                if self._negated(tokens, s, e, pattern):
                    negated.add(lid)
                    continue
                weight = pattern.weight
                if label.partners:
                    mine = [p for p in label.partners if p in partners]
                    if not mine:
                        if lid == "samenwerking.intern" and external:
                            continue  # only outside partners named: that is samenwerking.extern
                        if weight < PARTNER_REQUIRED_BELOW:
                            continue  # a weak contact word counts only with a partner of this kind
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
        if cues is not None:
            # the classifier adds no label here that the detector found only negated
            cues.extend((sent.start_char, f"neg:{lid}") for lid in sorted(negated))
        if text_type not in (None, "evaluatie"):
            return signals  # appreciation words and their lexicon cues: in evaluations only
        pos = [(s, e, self._positive.phrases[n]) for n, s, e in self._positive.matches(keys)]
        neg = [(s, e, self._negative.phrases[n]) for n, s, e in self._negative.matches(keys)]
        neutral = self._neutral.matches(keys)
        listed = {i for s, e, _ in pos + neg for i in range(s, e)} | {i for _, s, e in neutral for i in range(s, e)}
        lexical = self.lexicon_polarity(tokens, keys, listed)
        if cues is not None:
            cues.extend((sent.start_char, "lex:pos" if sign > 0 else "lex:neg") for _, sign in lexical)
        signals.extend(self._appreciation(sent, tokens, keys, si, pos, neg, neutral, lexical))
        return signals

    def _appreciation(
        self,
        sent: Span,
        tokens: Sequence[Any],
        keys: TokenKeys,
        si: int,
        pos: list[tuple[int, int, tuple[str, ...]]],
        neg: list[tuple[int, int, tuple[str, ...]]],
        neutral: list[tuple[int, int, int]],
        lexical: list[tuple[int, int]],
    ) -> list[Signal]:
        cb = self.codebook
        # a positive word inside a negative phrase is part of it ("weinig ruimte voor vragen")
        pos = [(s, e, p) for s, e, p in pos if not any(s < ne and ns < e for ns, ne, _ in neg)]
        score = 0
        evidence: tuple[int, int] | None = None
        for s, e, p in pos:
            if not any(w in cb.negators for w in p) and self._negated(tokens, s, e, _ANY_WORDS):
                score -= 1  # "niet goed"; but "geen enkele klacht" carries its own negation
            else:
                score += 1
            evidence = evidence or (s, e)
        for s, e, p in neg:
            if any(w in cb.negators for w in p) or not self._negated(tokens, s, e, _ANY_WORDS):
                score -= 1
            else:
                score += 1
            evidence = evidence or (s, e)
        for _, s, e in neutral:
            evidence = evidence or (s, e)
        for i, sign in lexical:  # words the lists do not have, by the lexicon (negation already applied)
            score += sign
            evidence = evidence or (i, i + 1)
        if evidence is None:
            return []
        if neutral and abs(score) <= 1:
            score = 0  # a neutral marker beside one polar word is a balanced verdict ("afstandelijk, maar correct")
        polarity = "positief" if score > 0 else "negatief" if score < 0 else "neutraal"
        aspects = [a for a, terms in self._aspects.items() if terms.any(keys)] or ["algemeen"]
        span = sent[evidence[0] : evidence[1]]
        conf = round(min(0.95, 0.55 + 0.15 * abs(score)), 3)
        return [
            Signal("waardering", conf, span.text, span.start_char, span.end_char, si, polarity=polarity, aspect=a)
            for a in aspects
        ]

    # -- write ------------------------------------------------------------------------
    def set_annotations(
        self, docs: Iterable[Doc], predictions: list[tuple[list[Signal], list[tuple[int, str]]]]
    ) -> None:
        for doc, (signals, cues) in zip(docs, predictions, strict=True):
            doc._.sib_signals = [s.as_dict() for s in signals]
            doc._.sib_cues = cues

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)
