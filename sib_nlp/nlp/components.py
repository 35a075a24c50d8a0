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


def set_line_sentence_starts(doc: Doc) -> Doc:
    """Start a new sentence after a line break and at a bullet at the start of a line.

    Survey answers and bullet lists often have no final punctuation; without this
    a parser glues the items of a list into one long "sentence". Boundaries set
    here are respected by the parser and the sentencizer that run later.
    """
    for i, token in enumerate(doc):
        if i == 0:
            continue
        prev = doc[i - 1]
        if token.is_space:
            continue
        after_break = "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text)
        if after_break:
            token.is_sent_start = True
        elif token.text in _BULLET_CHARS and (i == 0 or after_break):
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> dict[str, tuple[str, str]]:
    """The programme lexicon: lower-cased form -> (lemma, POS)."""
    p = Path(path) if path else RESOURCES / "lexicon.yaml"
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
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
                verb = token.head
                particle = token.lower_
                if not verb.lemma_.startswith(particle):
                    verb.lemma_ = particle + verb.lemma_
    return doc
