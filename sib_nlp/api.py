"""The Python API: what the command line does, for notebooks and scripts.

>>> import sib_nlp
>>> signals = sib_nlp.annotate(["Ik heb met de gemeente samengewerkt."])
>>> signals[["label", "evidence", "confidence"]]

Every function returns pandas DataFrames with the columns listed here (and in
``docs/api.md``); texts are pseudonymised before they are analysed, exactly as
in ``sib-nlp annotate`` and ``sib-nlp run``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from spacy.language import Language

from sib_nlp.config import Settings

#: columns of :func:`annotate`'s result, one row per signal
SIGNAL_COLUMNS = [
    "id",  # the input's id (its position when plain strings are given)
    "level",  # "zin" (sentence) or "document"
    "sentence",  # index of the sentence in the text (None for document-level signals)
    "sentence_text",  # the pseudonymised sentence (None for document level)
    "label",  # codebook label id, "waardering" or "reflectie.diepte"
    "confidence",  # 0-1
    "evidence",  # the words that triggered the signal
    "detector",  # which detector(s) decided
    "polarity",  # waardering: positief / neutraal / negatief
    "aspect",  # waardering: begeleiding, werkvormen, ...
    "partner",  # samenwerking: the kind(s) of partner named
    "modality",  # gedaan / voornemen
    "value",  # reflectie.diepte: level 0-3
]
#: columns of :func:`annotate_texts`'s result, one row per input text
TEXT_COLUMNS = ["id", "language", "text", "sentences", "pii", "note"]


_PIPELINES: dict[str, Language] = {}


def _pipeline(settings: Settings) -> Language:
    """The Dutch pipeline for these settings, loaded once per process."""
    from sib_nlp.nlp import load_dutch

    key = json.dumps(settings.as_dict(), sort_keys=True, default=str)
    if key not in _PIPELINES:
        _PIPELINES[key] = load_dutch(settings)
    return _PIPELINES[key]


def _records(texts: Iterable[Any], text_type: str | None) -> list[dict[str, Any]]:
    out = []
    for n, t in enumerate(texts):
        if isinstance(t, str):
            out.append({"id": n, "text": t, "text_type": text_type})
        elif isinstance(t, dict):
            if "text" not in t:
                raise ValueError(f"record {n} has no 'text'")
            rec = {"id": n, "text_type": text_type, **t}
            out.append(rec)
        else:
            raise TypeError(f"record {n}: expected a string or a dict with 'text', got {type(t).__name__}")
    return out


def _annotated(
    texts: Iterable[Any] | pd.DataFrame, text_type: str | None, settings: Settings | None, nlp: Language | None
) -> list[dict[str, Any]]:
    from sib_nlp.annotator import annotate_records

    settings = settings or Settings()
    if isinstance(texts, pd.DataFrame):
        if "text" not in texts.columns:
            raise ValueError("the DataFrame needs a 'text' column")
        texts = texts.to_dict("records")
    nlp = nlp or _pipeline(settings)
    return list(annotate_records(_records(texts, text_type), nlp, settings.max_text_chars))


def annotate(
    texts: Iterable[str] | Iterable[dict[str, Any]] | pd.DataFrame,
    text_type: str | None = None,
    settings: Settings | None = None,
    nlp: Language | None = None,
) -> pd.DataFrame:
    """Signals in each text, one row per signal (columns :data:`SIGNAL_COLUMNS`).

    ``texts``: strings, dicts with ``text`` (and optionally ``id``, ``text_type``),
    or a DataFrame with a ``text`` column. ``text_type="evaluatie"`` switches on
    appreciation (waardering) for all texts that do not set their own.
    """
    rows = []
    for out in _annotated(texts, text_type, settings, nlp):
        for i, sent in enumerate(out["sentences"]):
            for s in sent["signals"]:
                rows.append({"id": out["id"], "level": "zin", "sentence": i, "sentence_text": sent["text"], **s})
        for s in out["signals"]:
            if s["label"] == "reflectie.diepte" or s.get("value") is not None:
                rows.append({"id": out["id"], "level": "document", "sentence": None, "sentence_text": None, **s})
    frame = pd.DataFrame(rows)
    for col in SIGNAL_COLUMNS:
        if col not in frame.columns:
            frame[col] = None
    return frame[SIGNAL_COLUMNS]


def annotate_texts(
    texts: Iterable[str] | Iterable[dict[str, Any]] | pd.DataFrame,
    text_type: str | None = None,
    settings: Settings | None = None,
    nlp: Language | None = None,
) -> pd.DataFrame:
    """One row per text (columns :data:`TEXT_COLUMNS`): language, pseudonymised text, sentence count, PII counts."""
    rows = [
        {
            "id": out["id"],
            "language": out["language"],
            "text": out["text"],
            "sentences": len(out["sentences"]),
            "pii": out["pii"],
            "note": out.get("note"),
        }
        for out in _annotated(texts, text_type, settings, nlp)
    ]
    return pd.DataFrame(rows, columns=TEXT_COLUMNS)


@dataclass
class Analysis:
    """What :func:`analyse` leaves in the store, as DataFrames (the store's own columns)."""

    documents: pd.DataFrame  # one row per accepted document (pseudonymised text, metadata, provenance)
    sentences: pd.DataFrame  # sentence_id, document_id, idx, text, lemmas, start_char, end_char
    signals: pd.DataFrame  # document_id, sentence_id, label, confidence, evidence, detector, polarity, aspect, partner
    quarantine: pd.DataFrame  # records set aside, with file, row and reason
    summary: dict[str, Any]  # the ingest and analyse summaries


def analyse(
    paths: Sequence[str | Path] = (),
    store: str | Path | None = None,
    settings: Settings | None = None,
    period: str | None = None,
    refit_themes: bool = False,
) -> Analysis:
    """Ingest ``paths`` (if any) into the store, analyse what is new, and return the store's tables.

    The same steps as ``sib-nlp ingest`` + ``sib-nlp analyse``, holding the same run lock.
    """
    from sib_nlp.io.store import Store
    from sib_nlp.pipeline import analyse_step, exclusive, ingest_step

    settings = settings or Settings()
    if store is not None:
        settings = settings.with_overrides(store_path=Path(store))
    summary: dict[str, Any] = {}
    with exclusive(settings):
        if paths:
            summary["ingest"] = ingest_step([Path(p) for p in paths], settings, period)
        summary["analyse"] = analyse_step(settings, refit_themes=refit_themes)
    with Store(settings.store_path, read_only=True) as st:
        return Analysis(st.documents(), st.sentences(), st.signals(), st.quarantine(), summary)
