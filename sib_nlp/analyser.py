"""Analysis: stream stored documents through the Dutch pipeline into sentences and signals.

Texts flow through ``nlp.pipe`` in batches straight into the store; no list of
all Docs is kept. Only documents that were not analysed yet with the current
pipeline and codebook are processed (``analysis_key``), so a re-run after new
texts only parses the new ones. Each batch is written in one transaction.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from sib_nlp import __version__
from sib_nlp.config import Settings
from sib_nlp.io.store import Store
from sib_nlp.nlp.loader import pipeline_info
from sib_nlp.parallel import fork_available, run_forked, worker_state
from sib_nlp.schemas import SENTENCE_COLUMNS, SIGNAL_COLUMNS
from sib_nlp.signals.codebook import Codebook
from sib_nlp.signals.document import document_signals
from sib_nlp.signals.registrations import codebook_of

log = logging.getLogger(__name__)


def analysis_key(nlp: Language, codebook: Codebook) -> str:
    """Identifies the models that produced an analysis; a change means re-analysis."""
    info = pipeline_info(nlp)
    model = (nlp.meta.get("sib_signal_model") or {}).get("sha256")
    raw = json.dumps([info.get("name"), info.get("version"), nlp.pipe_names, codebook.digest, __version__, model])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


CONTENT_POS = {"NOUN", "PROPN", "ADJ", "VERB"}


def content_lemmas(tokens) -> str:  # noqa: ANN001 - a Span or Doc
    """Lower-cased lemmas of content words: the vocabulary of the theme models.

    With POS tags: nouns, proper nouns, adjectives and verbs; without (the
    fallback pipeline): every alphabetic non-stop word.
    """
    tagged = any(t.pos_ for t in tokens)
    out = []
    for t in tokens:
        if not t.is_alpha or t.is_stop or len(t) < 3:
            continue
        if tagged and t.pos_ not in CONTENT_POS:
            continue
        if t.text.isupper() and len(t) > 3:  # placeholders such as PERSOON
            continue
        out.append(t.lemma_.lower() or t.lower_)
    return " ".join(out)


def doc_rows(doc: Doc, document_id: str, codebook: Codebook) -> tuple[list[dict], list[dict]]:
    """Sentence and signal rows of one analysed Doc (sentence and document level)."""
    sentences = []
    sent_ids = []
    for i, sent in enumerate(doc.sents):
        sid = f"{document_id}:{i}"
        sent_ids.append(sid)
        sentences.append(
            {
                "sentence_id": sid,
                "document_id": document_id,
                "idx": i,
                "text": sent.text.strip(),
                "lemmas": content_lemmas(sent),
                "start_char": sent.start_char,
                "end_char": sent.end_char,
            }
        )
    signals = []
    for s in doc._.sib_signals or []:
        signals.append(_signal_row(document_id, sent_ids[s["sentence"]], s))
    for s in document_signals(doc, codebook):
        if s["label"] == "reflectie.diepte":
            row = _signal_row(document_id, None, s)
            row["aspect"] = str(s["value"])  # the level, kept as text like the other aspects
            signals.append(row)
    return sentences, signals


def _signal_row(document_id: str, sentence_id: str | None, s: dict[str, Any]) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "sentence_id": sentence_id,
        "label": s["label"],
        "confidence": float(s["confidence"]),
        "evidence": s.get("evidence"),
        "detector": s.get("detector"),
        "polarity": s.get("polarity"),
        "aspect": s.get("aspect"),
        "partner": s.get("partner"),
    }


def _set_text_type(doc: Doc, text_type: str | None) -> Doc:
    doc.user_data["sib_text_type"] = text_type
    return doc


@dataclass
class AnalyseSummary:
    analysed: int
    skipped: int
    sentences: int
    signals: int
    analysis_key: str

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def analyse_store(
    store: Store,
    nlp: Language,
    settings: Settings,
    codebook: Codebook | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AnalyseSummary:
    """Analyse every document that is new or was analysed with other models."""
    codebook = codebook or codebook_of(nlp)
    key = analysis_key(nlp, codebook)
    todo = store.ids_to_analyse(key)
    total_nl = int(store.scalar("SELECT count(*) FROM documents WHERE language = 'nl'"))
    done = n_sents = n_sigs = 0
    batch_ids: list[str] = []
    batch_sents: list[dict] = []
    batch_sigs: list[dict] = []

    def flush() -> None:
        nonlocal batch_ids, batch_sents, batch_sigs
        if batch_ids:
            store.save_analysis(
                key,
                batch_ids,
                pd.DataFrame(batch_sents, columns=SENTENCE_COLUMNS),
                pd.DataFrame(batch_sigs, columns=SIGNAL_COLUMNS),
            )
        batch_ids, batch_sents, batch_sigs = [], [], []

    if settings.n_process > 1 and fork_available():
        for result in run_forked(
            _analyse_forked,
            _batches(store, todo, settings.batch_size),
            settings.n_process,
            {"nlp": nlp, "codebook": codebook, "settings": settings},
        ):
            save_batch(store, key, result)
            done += len(result.document_ids)
            n_sents += len(result.sentences)
            n_sigs += len(result.signals)
            if progress:
                progress(done, len(todo))
        log.info("analysed %d documents in %d processes", done, settings.n_process)
        return AnalyseSummary(done, total_nl - done, n_sents, n_sigs, key)
    for doc, doc_id in _pipe_with_types(nlp, _stream_texts(store, todo, READ_CHUNK), settings):
        sents, sigs = doc_rows(doc, doc_id, codebook)
        batch_ids.append(doc_id)
        batch_sents.extend(sents)
        batch_sigs.extend(sigs)
        done += 1
        n_sents += len(sents)
        n_sigs += len(sigs)
        if len(batch_ids) >= settings.batch_size * 4:
            flush()
            log.info("analysed %d of %d documents", done, len(todo))
            if progress:
                progress(done, len(todo))
    flush()
    if progress:
        progress(done, len(todo))
    return AnalyseSummary(done, total_nl - done, n_sents, n_sigs, key)


READ_CHUNK = 2000  # documents read from the store at a time; memory stays flat as the corpus grows


# -- the same work in independent batches (scale-out: Prefect's Dask task runner) -----------------
Row = tuple[str, str, str | None]  # document_id, text, text_type


@dataclass
class BatchResult:
    """Sentences and signals of one batch of documents, ready to be saved in one transaction."""

    document_ids: list[str]
    sentences: list[dict[str, Any]]
    signals: list[dict[str, Any]]


def _batches(store: Store, ids: list[str], size: int) -> Iterator[list[Row]]:
    """(document_id, text, text_type) of ``ids``, read from the store ``size`` documents at a time."""
    for start in range(0, len(ids), size):
        part = store.texts(ids[start : start + size])
        yield list(zip(part["document_id"], part["text"], part["text_type"], strict=True))


def text_batches(store: Store, key: str, size: int) -> Iterator[list[Row]]:
    """The documents still to analyse with ``key``, ``size`` at a time, read from the store lazily."""
    return _batches(store, store.ids_to_analyse(key), size)


def analyse_batch(rows: list[Row], nlp: Language, settings: Settings, codebook: Codebook) -> BatchResult:
    """Parse and score one batch; touches no store, so it can run anywhere (a Dask worker)."""
    result = BatchResult([], [], [])
    for doc, doc_id in _pipe_with_types(nlp, iter(rows), replace(settings, n_process=1)):
        sents, sigs = doc_rows(doc, doc_id, codebook)
        result.document_ids.append(doc_id)
        result.sentences.extend(sents)
        result.signals.extend(sigs)
    return result


def _analyse_forked(rows: list[Row]) -> BatchResult:
    """Worker side of ``analyse_store`` with ``n_process`` > 1: the pipeline came with the fork."""
    st = worker_state()
    return analyse_batch(rows, st["nlp"], st["settings"], st["codebook"])


def save_batch(store: Store, key: str, result: BatchResult) -> None:
    store.save_analysis(
        key,
        result.document_ids,
        pd.DataFrame(result.sentences, columns=SENTENCE_COLUMNS),
        pd.DataFrame(result.signals, columns=SIGNAL_COLUMNS),
    )


WORKER_FIELDS = ("pipeline", "models_dir", "codebook", "signal_model", "extra_detectors")


def worker_settings(settings: Settings) -> tuple[tuple[str, str | None], ...]:
    """The settings a worker needs to build the same pipeline: plain strings, picklable and hashable."""
    out = []
    for name in WORKER_FIELDS:
        value = getattr(settings, name)
        if isinstance(value, tuple):
            value = ",".join(value) or None
        out.append((name, None if value is None else str(value)))
    return tuple(out)


@functools.cache
def worker_pipeline(worker: tuple[tuple[str, str | None], ...]) -> tuple[Language, Codebook, Settings]:
    """The Dutch pipeline and codebook, loaded once per worker process."""
    from sib_nlp.nlp import load_dutch

    settings = Settings().with_overrides(**{k: v for k, v in worker if v is not None})
    nlp = load_dutch(settings)
    return nlp, codebook_of(nlp), settings


def analyse_batch_on_worker(
    rows: list[Row], worker: tuple[tuple[str, str | None], ...], expected_key: str
) -> BatchResult:
    """:func:`analyse_batch` with the worker's own copy of the pipeline; refuses a different model."""
    nlp, codebook, settings = worker_pipeline(worker)
    key = analysis_key(nlp, codebook)
    if key != expected_key:
        raise RuntimeError(
            f"worker has other models than the run (analysis key {key} != {expected_key}); "
            "install the same sib_nlp version and models on every worker"
        )
    return analyse_batch(rows, nlp, settings, codebook)


def _stream_texts(store: Store, ids: list[str], chunk: int) -> Iterator[Row]:
    """The rows of ``ids`` one by one, read from the store ``chunk`` documents at a time."""
    for batch in _batches(store, ids, chunk):
        yield from batch


def _pipe_with_types(
    nlp: Language, rows: Iterator[tuple[str, str, str | None]], settings: Settings
) -> Iterator[tuple[Doc, str]]:
    """Run the pipeline with the text type known to the detectors.

    The tokenizer runs first so the text type can be put in ``doc.user_data``
    before the components see the Doc; the rest of the pipeline then runs via
    ``nlp.pipe`` on those Docs (one pass, batched, multi-process if configured).
    """

    def prepared() -> Iterator[tuple[Doc, str]]:
        for document_id, text, text_type in rows:
            yield _set_text_type(nlp.make_doc(text), text_type), document_id

    yield from nlp.pipe(prepared(), as_tuples=True, batch_size=settings.batch_size, n_process=settings.n_process)
