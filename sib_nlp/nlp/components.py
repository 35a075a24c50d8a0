"""Stateless Dutch pipeline components: plain functions Doc -> Doc.

They are registered (namespaced, versioned) in :mod:`sib_nlp.nlp.registrations`;
this module only defines them, so importing it has no side effects.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Doc

from sib_nlp.config import RESOURCES

# separable-verb particles of Dutch (samen+werken, mee+nemen, deel+nemen, ...): the parser sometimes puts
# compound:prt on other words ("uitdrukking geven"), so only these are joined to the verb's lemma
SEPARABLE_PARTICLES = frozenset(
    "aan achter af bij binnen buiten deel dicht door droog fijn gade goed heen in kapot klaar kwijt langs los "
    "mee mis na neer om onder op open over plaats rond samen schoon stil tegemoet tegen teleur terecht terug "
    "thuis toe tussen uit vast veilig voor voorbij voort vrij weg zoek".split()
)

_BULLET_CHARS = {"-", "–", "—", "•", "·", "▪", "◦", "●", "*", "►", "✓", "✔"}


_FINAL = {".", "!", "?", "…", ":", ";", "...", "?!", "!?"}
_CLOSERS = {'"', "'", "”", "’", ")", "]", "»"}


def set_line_sentence_starts(doc: Doc) -> Doc:
    """Sentence boundaries for reflections and survey answers, set before the parser.

    - a line break always starts a new sentence, and so does a bullet at the
      start of a line: answers and lists often have no final punctuation;
    - inside a line, a boundary is only possible after final punctuation
      (``. ! ? : ;``, possibly followed by a closing quote or bracket); other
      tokens are marked as not starting a sentence, so the parser cannot cut a
      bullet item or a fragment into pieces;
    - whitespace tokens (the line breaks themselves) stay with the sentence before.

    The parser (or sentencizer) that runs later respects what is set here.
    """
    for i, token in enumerate(doc):
        if i == 0:
            continue
        prev = doc[i - 1]
        if token.is_space:
            token.is_sent_start = False
            continue
        after_break = "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text)
        if after_break:
            token.is_sent_start = True
            continue
        last = prev
        if prev.is_space and i >= 2:
            last = doc[i - 2]
        if last.text in _CLOSERS and last.i >= 1:
            last = doc[last.i - 1]
        if not (last.text in _FINAL or last.text.endswith((".", "!", "?"))):
            token.is_sent_start = False
    return doc


# Run-on sentences: chat-style answers often have neither capitals nor final punctuation ("ik werk bij
# de helpdesk misschien leer ik er iets van"). A main clause then starts at a subject pronoun that
# cannot be an object, or at an adverb before a verb and such a pronoun ("daarvoor heb ik").
_SUBJECT_PRONOUNS = frozenset({"ik", "we", "wij", "jij", "hij", "zij"})
_MAYBE_SUBJECTS = frozenset({"het", "er", "ze", "men"})
_CLAUSE_ADVERBS = frozenset(
    "misschien daarvoor daarna daarom daardoor daarbij daar hier toen nu eerst later uiteindelijk verder "
    "soms eigenlijk gelukkig helaas vandaag gisteren morgen binnenkort inmiddels sindsdien voortaan".split()
)
# words after which a pronoun continues the clause: conjunctions, subordinators, relative and question
# words ("en ik", "dat ik", "hoe ik" never start a main clause)
_CONTINUES = frozenset(
    "en of maar want dus dat die wat wie waar waarom wanneer welke welk hoe als dan zoals omdat doordat "
    "terwijl toen sinds nadat voordat totdat tot zodat zodra hoewel ofschoon indien mits tenzij alsof "
    "waardoor waarmee waarin waarop waarvan waarbij waarna behalve net ook zelf nu".split()
)
_SUBORDINATORS = frozenset(
    "omdat doordat terwijl sinds nadat voordat totdat zodat zodra hoewel indien mits tenzij alsof als dat".split()
)
# the ones that are never a preposition or pronoun too ("als afdelingshoofd", "sinds maart", "dat boek")
_CLEAR_SUBORDINATORS = _SUBORDINATORS - {"als", "dat", "sinds"}
# what the word after the subject pronoun must be tagged to be its verb: the tagger often takes a
# first-person form for a noun ("ik werk", "ik leer"); an adverb means inversion ("gebruik ik nu")
_VERB_LIKE = frozenset({"VERB", "AUX", "NOUN"})
# a question word shortly before: the pronoun is inside its clause ("welke regels we", "hoe sterk ik")
_QUESTION_WORDS = frozenset("welke welk hoe hoeveel wat wie waar waarom wanneer of dat die".split())


def _finite_like(token: Any) -> bool:
    return token.pos_ in _VERB_LIKE and not set(token.morph.get("VerbForm", [])) & {"Inf", "Part"}


def _after(open_clause: bool, token: Any, subordinators: frozenset[str], tagged: bool) -> bool:
    """Is a subordinate clause open after ``token``: a subordinator (or, if ``tagged``, a word tagged
    as one) opens it, a finite verb closes it (the verb of a Dutch subordinate clause comes last)."""
    if token.lower_ in subordinators or (tagged and token.pos_ == "SCONJ"):
        return True
    if open_clause and token.pos_ in ("VERB", "AUX") and "Fin" in token.morph.get("VerbForm", []):
        return False
    return open_clause


def _run_on_start(doc: Doc, i: int, since: int, in_subclause: bool, in_clear_subclause_before_prev: bool) -> bool:
    """Does a new main clause start at ``doc[i]``, in a stretch without punctuation that began at
    ``since``? ``in_subclause``: a subordinate clause is open before ``doc[i]``;
    ``in_clear_subclause_before_prev``: one opened by a :data:`_CLEAR_SUBORDINATORS` word is open
    before ``doc[i - 1]``."""
    token = doc[i]
    low = token.lower_
    if i - since < 3 or not (low in _SUBJECT_PRONOUNS or low in _MAYBE_SUBJECTS or low in _CLAUSE_ADVERBS):
        return False  # too short to hold a clause of its own, or no word a main clause starts with
    prev = doc[i - 1]
    if prev.lower_ in _CONTINUES or prev.lower_.startswith("waar") or prev.pos_ in ("CCONJ", "SCONJ"):
        return False  # "en ik", "omdat ik", "waarvoor ik"
    if prev.pos_ == "ADP" and low not in _SUBJECT_PRONOUNS:
        return False  # "met het", "van ze"; but a preposition never governs "ik" or "we": "er iets van we ..."
    if (
        prev.pos_ in ("VERB", "AUX")
        and not set(prev.morph.get("VerbForm", [])) & {"Inf", "Part"}
        and not in_clear_subclause_before_prev
    ):
        # "ga ik": a finite verb before its subject is inversion, no new clause - unless it is the
        # verb that ends a subordinate clause ("omdat het verplicht is ik werk bij ...")
        return False
    if any(t.lower_ in _QUESTION_WORDS for t in doc[max(since, i - 4) : i]):
        return False
    if in_subclause:
        return False  # "omdat iedereen in ons team het moet doen": its verb has not come yet
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    if nxt is None:
        return False
    if low in _SUBJECT_PRONOUNS:
        return _finite_like(nxt)
    if low in _MAYBE_SUBJECTS:  # also an object or article: only before a verb tagged finite
        return nxt.pos_ in ("VERB", "AUX") and "Fin" in nxt.morph.get("VerbForm", [])
    return i + 2 < len(doc) and _finite_like(nxt) and doc[i + 2].lower_ in _SUBJECT_PRONOUNS  # "daarvoor heb ik"


def set_run_on_sentence_starts(doc: Doc) -> Doc:
    """:func:`set_line_sentence_starts`, and inside a line a sentence start where a run-on stretch
    (no punctuation at all) holds a new main clause (:func:`_run_on_start`). Needs the tagger's
    parts of speech; without them only the line rules apply. One pass over the tokens."""
    set_line_sentence_starts(doc)
    if not doc.has_annotation("POS"):
        return doc
    since = 0
    sub = clear = clear_before_prev = False  # subordinate clauses open in the stretch so far
    for i, token in enumerate(doc):
        if token.is_punct or token.is_space:
            since, sub, clear, clear_before_prev = i + 1, False, False, False
            continue
        if i == 0 or token.is_sent_start or _run_on_start(doc, i, since, sub, clear_before_prev):
            if i and not token.is_sent_start:
                token.is_sent_start = True
            since, sub, clear, clear_before_prev = i, False, False, False
        clear_before_prev = clear
        sub = _after(sub, token, _SUBORDINATORS, tagged=True)
        clear = _after(clear, token, _CLEAR_SUBORDINATORS, tagged=False)
    return doc


@lru_cache(maxsize=4)
def load_lexicon_data(path: str | None = None) -> dict:
    p = Path(path) if path else RESOURCES / "lexicon.yaml"
    return yaml.safe_load(p.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> dict[str, tuple[str, str]]:
    """The programme lexicon: lower-cased form -> (lemma, POS)."""
    data = load_lexicon_data(path)
    return {form.lower(): (entry["lemma"], entry["pos"]) for form, entry in (data.get("words") or {}).items()}


def plain_lemmas(doc: Doc, lexicon: dict[str, tuple[str, str]] | None = None) -> Doc:
    """Plain Dutch lemmas that users expect.

    - programme words get the lemma and POS from the lexicon;
    - UD-style compound lemmas lose their underscores (``samen_werken`` -> ``samenwerken``);
    - a separable verb split in the sentence (``we werken samen``, ``ik nam het
      mee``) gets the joined lemma where the parse shows the particle as
      ``compound:prt``.
    """
    lexicon = load_lexicon() if lexicon is None else lexicon
    for token in doc:
        entry = lexicon.get(token.lower_)
        if entry is not None:
            token.lemma_, token.pos_ = entry
        elif "_" in token.lemma_ and token.lemma_ != "_":
            token.lemma_ = token.lemma_.replace("_", "")
    if doc.has_annotation("DEP"):
        for token in doc:
            if (
                token.dep_ == "compound:prt"
                and token.lower_ in SEPARABLE_PARTICLES
                and token.head.pos_ in {"VERB", "AUX"}
                and token.head.i != token.i
            ):
                _join_particle(token.head, token)
    for sent in doc.sents if doc.has_annotation("SENT_START") else [doc[:]]:
        _join_known_separable_verbs(sent)
    return doc


def _join_particle(verb, particle) -> None:  # noqa: ANN001 - spaCy Tokens
    """``werken`` + ``samen`` -> ``samenwerken``; a wrong particle already in the lemma is replaced
    (the edit-tree lemmatizer sometimes writes ``deelnemen`` for *nam* in "nam ... mee")."""
    p = particle.lower_
    base = verb.lemma_.lower()
    if base.startswith(p):
        return
    present = {t.lower_ for t in verb.sent} if verb.doc.has_annotation("SENT_START") else {t.lower_ for t in verb.doc}
    for other in sorted(SEPARABLE_PARTICLES, key=len, reverse=True):
        if base.startswith(other) and other not in present and len(base) > len(other) + 2:
            base = base[len(other) :]
            break
    verb.lemma_ = p + base


@lru_cache(maxsize=1)
def separable_verbs() -> frozenset[str]:
    """Separable verbs of the programme's language (samenwerken, meedenken, ophalen, ...)."""
    return frozenset(load_lexicon_data().get("separable_verbs") or [])


def _join_known_separable_verbs(sent) -> None:  # noqa: ANN001 - a Span
    """Fallback when the parse misses the particle: "We werken sinds de zomer samen met ..."

    A particle late in the clause joins an earlier verb form when particle + lemma
    is a known separable verb and no other verb lies between them.
    """
    known = separable_verbs()
    tokens = list(sent)
    for j, tok in enumerate(tokens):
        p = tok.lower_
        if p not in SEPARABLE_PARTICLES or tok.dep_ == "compound:prt":
            continue
        for k in range(j - 1, -1, -1):
            cand = tokens[k]
            if cand.is_punct:
                break
            base = cand.lemma_.lower()
            if p + base in known:
                cand.lemma_ = p + base
                if cand.pos_ not in {"VERB", "AUX"}:
                    cand.pos_ = "VERB"
                break
            if cand.pos_ in {"VERB", "AUX"} and not base.startswith(p):
                break
