"""Resolving the Dutch pipeline, in a fixed order, and saying which one was chosen and why.

1. a configured spaCy package name or path (``Settings.pipeline`` / ``--pipeline``);
2. ``nl_core_news_lg``, ``_md`` or ``_sm`` when installed
   (``python -m spacy download nl_core_news_sm``);
3. the project's own pipeline ``models/nl_sib_core-<version>/`` (trained by
   ``sib-nlp train-dutch`` from UD Dutch);
4. last resort: ``spacy.blank("nl")`` with a sentencizer and the lookup
   lemmatizer of ``spacy-lookups-data`` - no POS tags, no parse. This is
   recorded as a loud warning in the run's metadata and in the report.

The project's components (line-break sentence starts, plain lemmas, signal
detectors) are added to whichever pipeline was chosen.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

import sib_nlp.nlp.registrations  # noqa: F401  (registers the sib.* factories)
from sib_nlp.config import Settings

log = logging.getLogger(__name__)

OFFICIAL = ("nl_core_news_lg", "nl_core_news_md", "nl_core_news_sm")
OWN_PREFIX = "nl_sib_core-"


class PipelineNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class PipelineInfo:
    name: str
    version: str
    source: str  # configured | official | project | fallback
    path: str
    reason: str
    fallback: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", path.name[len(OWN_PREFIX) :]))


def find_project_pipeline(models_dir: Path) -> Path | None:
    candidates = [p for p in models_dir.glob(OWN_PREFIX + "*") if (p / "meta.json").is_file()]
    return max(candidates, key=_version_key) if candidates else None


def _fallback() -> Language:
    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the Dutch lookup table from spacy-lookups-data (installed, offline)
    nlp.meta["name"] = "blank_nl_fallback"
    nlp.meta["version"] = spacy.__version__
    return nlp


def resolve_pipeline(settings: Settings | None = None, name: str | None = None) -> tuple[Language, PipelineInfo]:
    """Load the Dutch pipeline by the order above (without the project's extra components)."""
    settings = settings or Settings()
    configured = name or settings.pipeline
    if configured:
        try:
            nlp = spacy.load(configured)
        except OSError as exc:
            raise PipelineNotFound(
                f"Dutch pipeline {configured!r} not found: not an installed spaCy package nor a pipeline folder"
            ) from exc
        return nlp, _info(nlp, "configured", configured, "configured with --pipeline / settings")
    for official in OFFICIAL:
        if spacy.util.is_package(official):
            nlp = spacy.load(official)
            return nlp, _info(nlp, "official", official, f"{official} is installed")
    own = find_project_pipeline(settings.models_dir)
    if own is not None:
        nlp = spacy.load(own)
        return nlp, _info(nlp, "project", str(own), "nl_core_news_* not installed; using the project's own pipeline")
    nlp = _fallback()
    reason = (
        "WARNING: no trained Dutch pipeline found (nl_core_news_* not installed, nothing in "
        f"{settings.models_dir}); using spacy.blank('nl') with lookup lemmas - no POS tags or parse, "
        "signals that need them are weaker"
    )
    log.warning(reason)
    return nlp, _info(nlp, "fallback", "", reason, fallback=True)


def _info(nlp: Language, source: str, path: str, reason: str, fallback: bool = False) -> PipelineInfo:
    name = f"{nlp.meta.get('lang', 'nl')}_{nlp.meta.get('name', 'pipeline')}"
    if nlp.meta.get("name", "").startswith(("nl_", "blank")):
        name = nlp.meta["name"]
    return PipelineInfo(name, str(nlp.meta.get("version", "")), source, path, reason, fallback)


def add_project_components(nlp: Language, with_signals: bool = True, settings: Settings | None = None) -> Language:
    """Add line-break sentence starts, plain lemmas and (optionally) the signal detectors."""
    names = set(nlp.pipe_names)
    factories = {nlp.get_pipe_meta(n).factory for n in nlp.pipe_names}
    if "sib_line_breaks_v1" in factories:  # saved with the project's pipeline: v2 also splits run-ons
        name = next(n for n in nlp.pipe_names if nlp.get_pipe_meta(n).factory == "sib_line_breaks_v1")
        nlp.replace_pipe(name, "sib_line_breaks_v2")
    elif "sib_line_breaks_v2" not in factories:
        # v2 splits run-on sentences by the tagger's parts of speech: after the tagger, before the parser
        before = next((p for p in ("parser", "senter", "sentencizer") if p in names), None)
        if before:
            nlp.add_pipe("sib_line_breaks_v2", name="sib_line_breaks", before=before)
        else:
            nlp.add_pipe("sib_line_breaks_v2", name="sib_line_breaks", first=True)
    if "sib_plain_lemmas_v1" not in factories:
        nlp.add_pipe("sib_plain_lemmas_v1", name="sib_plain_lemmas")
    if with_signals:
        from sib_nlp.signals.registrations import add_signal_components, resolve_signal_model

        settings = settings or Settings()
        add_signal_components(
            nlp,
            codebook_path=str(settings.codebook) if settings.codebook else None,
            model_path=resolve_signal_model(settings.signal_model, settings.models_dir),
            extra_detectors=settings.extra_detectors,
        )
    return nlp


def load_dutch(settings: Settings | None = None, name: str | None = None, with_signals: bool = True) -> Language:
    """The Dutch pipeline the project uses, with its components; see the module docstring.

    The choice is in ``nlp.meta["sib_nlp"]`` (name, version, source, reason).
    """
    nlp, info = resolve_pipeline(settings, name)
    add_project_components(nlp, with_signals=with_signals, settings=settings)
    nlp.meta["sib_nlp"] = info.as_dict()
    log.info("Dutch pipeline: %s %s (%s)", info.name, info.version, info.reason)
    return nlp


def pipeline_info(nlp: Language) -> dict[str, Any]:
    return dict(nlp.meta.get("sib_nlp") or {"name": nlp.meta.get("name"), "version": nlp.meta.get("version")})
