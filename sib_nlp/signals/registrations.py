"""spaCy registrations of the signal detectors and their Doc extensions.

Called from :mod:`sib_nlp.nlp.registrations`, the one place where the project
registers with spaCy. Extensions are prefixed ``sib_`` and guarded with
``has_extension`` so repeated imports (and tests) do not clash.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from sib_nlp.signals.codebook import load_codebook
from sib_nlp.signals.detectors import SignalDetector

FACTORY = "sib_signal_patterns_v1"


def register() -> None:
    if not Doc.has_extension("sib_signals"):
        Doc.set_extension("sib_signals", default=None)
    if FACTORY not in Language.factories:

        @Language.factory(
            FACTORY,
            assigns=["doc._.sib_signals"],
            requires=["token.lemma"],
            default_config={"codebook_path": None},
        )
        def make_signal_detector(nlp: Language, name: str, codebook_path: str | None) -> SignalDetector:
            return SignalDetector(load_codebook(codebook_path), name=name)


def add_signal_components(nlp: Language, codebook_path: str | None = None) -> Language:
    factories = {nlp.get_pipe_meta(n).factory for n in nlp.pipe_names}
    if FACTORY not in factories:
        nlp.add_pipe(FACTORY, name="sib_signals", config={"codebook_path": codebook_path})
    return nlp
