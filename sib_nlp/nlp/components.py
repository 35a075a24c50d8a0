"""Stateless Dutch pipeline components: plain functions Doc -> Doc.

They are registered (namespaced, versioned) in :mod:`sib_nlp.nlp.registrations`;
this module only defines them, so importing it has no side effects.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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
