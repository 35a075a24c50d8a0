"""spaCy registrations of the signal detectors and their Doc extensions.

Called from :mod:`sib_nlp.nlp.registrations`, the one place where the project
registers with spaCy. Extensions are prefixed ``sib_`` and guarded with
``has_extension`` so repeated imports (and tests) do not clash.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from sib_nlp.signals.classifier import SignalClassifier, apply_classifier, find_signal_model
from sib_nlp.signals.codebook import Codebook, load_codebook
from sib_nlp.signals.detectors import PhraseSet, SignalDetector, token_keys

log = logging.getLogger(__name__)

FACTORY = "sib_signal_patterns_v1"
CLASSIFIER_FACTORY = "sib_signal_classifier_v1"


class SignalClassifierComponent:
    """The pipeline component around a :class:`SignalClassifier` (``nlp.get_pipe(...).model``)."""

    def __init__(self, model: SignalClassifier, codebook: Codebook | None = None):
        self.model = model
        self._aspects = {a: PhraseSet(t) for a, t in codebook.aspects.items()} if codebook else {}

    def aspects_of(self, sent: Span) -> list[str]:
        keys = token_keys(sent)
        return [a for a, terms in self._aspects.items() if terms.any(keys)]

    def __call__(self, doc: Doc) -> Doc:
        return apply_classifier(doc, self.model, self.aspects_of)


def register() -> None:
    if not Doc.has_extension("sib_signals"):
        Doc.set_extension("sib_signals", default=None)
    if not Doc.has_extension("sib_cues"):
        Doc.set_extension("sib_cues", default=None)
    if FACTORY not in Language.factories:

        @Language.factory(
            FACTORY,
            assigns=["doc._.sib_signals", "doc._.sib_cues"],
            requires=["token.lemma"],
            default_config={"codebook_path": None},
        )
        def make_signal_detector(nlp: Language, name: str, codebook_path: str | None) -> SignalDetector:
            return SignalDetector(load_codebook(codebook_path), name=name)

    if CLASSIFIER_FACTORY not in Language.factories:

        @Language.factory(
            CLASSIFIER_FACTORY,
            assigns=["doc._.sib_signals"],
            requires=["doc._.sib_signals"],
            default_config={"model_path": None},
        )
        def make_signal_classifier(nlp: Language, name: str, model_path: str | None) -> SignalClassifierComponent:
            if not model_path:
                raise ValueError(f"{CLASSIFIER_FACTORY} needs model_path (a models/signals/sib_signals-* folder)")
            model = SignalClassifier.load(Path(model_path))
            trained_on = model.meta.get("codebook_digest")
            current = codebook_of(nlp).digest
            if trained_on and trained_on != current:
                log.warning(
                    "signal classifier %s was trained with another codebook (%s, now %s); labels it does not "
                    "know are left to the patterns - retrain with `sib-nlp train-signals`",
                    model_path,
                    trained_on,
                    current,
                )
            return SignalClassifierComponent(model, codebook_of(nlp))


def codebook_of(nlp: Language) -> Codebook:
    """The codebook the pipeline's pattern detector uses (the package's codebook if it has none)."""
    for name in nlp.pipe_names:
        cb = getattr(nlp.get_pipe(name), "codebook", None)
        if isinstance(cb, Codebook):
            return cb
    return load_codebook()


def classifier_of(nlp: Language) -> SignalClassifier | None:
    """The trained classifier in the pipeline, if there is one."""
    for name in nlp.pipe_names:
        pipe = nlp.get_pipe(name)
        if isinstance(pipe, SignalClassifierComponent):
            return pipe.model
    return None


def resolve_signal_model(setting: str | None, models_dir: Path) -> Path | None:
    """The classifier folder for a ``signal_model`` setting: ``auto``, ``none`` or a path."""
    if setting in (None, "", "none"):
        return None
    if setting == "auto":
        return find_signal_model(models_dir)
    path = Path(setting)
    if not path.is_dir():
        raise FileNotFoundError(f"signal_model {setting!r}: no such folder")
    return path


def add_signal_components(
    nlp: Language,
    codebook_path: str | None = None,
    model_path: Path | None = None,
    extra_detectors: Sequence[str] = (),
) -> Language:
    """The pattern detector, any extra detectors (plug-ins), then (given a trained model) the classifier."""
    factories = {nlp.get_pipe_meta(n).factory for n in nlp.pipe_names}
    if FACTORY not in factories:
        nlp.add_pipe(FACTORY, name="sib_signals", config={"codebook_path": codebook_path})
    if extra_detectors:
        from sib_nlp.plugins import load_plugins

        load_plugins()
    for name in extra_detectors:
        if name not in Language.factories:
            raise ValueError(
                f"extra detector {name!r} is not registered; register it with sib_nlp.plugins.register_detector "
                "or an entry point in the group sib_nlp.detectors"
            )
        if name not in factories:
            nlp.add_pipe(name, name=name)
            factories.add(name)
    if model_path is not None and CLASSIFIER_FACTORY not in factories:
        nlp.add_pipe(CLASSIFIER_FACTORY, name="sib_signal_classifier", config={"model_path": str(model_path)})
        model = classifier_of(nlp)
        assert model is not None
        nlp.meta["sib_signal_model"] = {"path": str(model_path), "version": model.version, "sha256": model.digest}
    return nlp
