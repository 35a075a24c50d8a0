"""Every spaCy registration of the project, in one place.

Names are namespaced (``sib_``) and versioned (``_v1``; spaCy allows no dots in factory names) so that saved
pipelines and configs keep working when a component changes: a changed
component gets a new version, the old one stays registered.

Importing this module registers the factories (spaCy needs them before a
pipeline that uses them can be loaded); it is idempotent.
"""

from __future__ import annotations

from spacy.language import Language

from sib_nlp.nlp.components import load_lexicon, plain_lemmas, set_line_sentence_starts, set_run_on_sentence_starts


def _register() -> None:
    if "sib_line_breaks_v1" not in Language.factories:
        Language.component(
            "sib_line_breaks_v1",
            assigns=["token.is_sent_start"],
            func=set_line_sentence_starts,
        )
    if "sib_line_breaks_v2" not in Language.factories:
        Language.component(
            "sib_line_breaks_v2",
            assigns=["token.is_sent_start"],
            requires=["token.pos"],
            func=set_run_on_sentence_starts,
        )
    if "sib_plain_lemmas_v1" not in Language.factories:

        @Language.factory(
            "sib_plain_lemmas_v1",
            assigns=["token.lemma", "token.pos"],
            requires=["token.lemma"],
            default_config={"lexicon_path": None},
        )
        def make_plain_lemmas(nlp: Language, name: str, lexicon_path: str | None):  # noqa: ANN202
            lexicon = load_lexicon(lexicon_path)

            def plain_lemmas_component(doc):  # noqa: ANN001, ANN202
                return plain_lemmas(doc, lexicon)

            return plain_lemmas_component

    from sib_nlp.signals import registrations as signal_registrations

    signal_registrations.register()


_register()
