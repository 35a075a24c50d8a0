"""Ingestion: read files, validate, clean, pseudonymise, de-duplicate, store.

The pure steps (:func:`validate_record`, :func:`prepare_records`) take records
and return documents or quarantine entries; :func:`ingest_paths` adds the file
and store I/O. Every record read ends up exactly once as *accepted*, *already
stored*, *duplicate* or *quarantined*, and the summary says so per file.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dateutil import parser as dateparser

from sib_nlp.config import Settings
from sib_nlp.io.readers import READERS, ReadError, discover_files
from sib_nlp.io.store import Store
from sib_nlp.parallel import chunks, fork_available, run_forked, worker_state
from sib_nlp.privacy.pseudonymise import pseudonymise, pseudonymous_participant
from sib_nlp.schemas import ROLES, TEXT_TYPES, WAVE_ALIASES, Document, Quarantined, RawRecord
from sib_nlp.text.clean import (
    clean_text,
    content_hash,
    is_garbled,
    jaccard,
    normalise_whitespace,
    repeated_lines,
)
from sib_nlp.text.clean import shingles as make_shingles
from sib_nlp.text.language import detect_language

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "Engels", "de": "Duits", "fr": "Frans", "mixed": "gemengd Nederlands/andere taal"}
NEAR_DUPLICATE = 0.85


class Rejected(ValueError):
    """A record that goes to quarantine; the message is the reason."""


@dataclass
class FileSummary:
    path: str
    status: str = "read"  # read | unchanged | error
    read: int = 0
    accepted: int = 0
    already_stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    removed: int = 0
    message: str = ""

    def adds_up(self) -> bool:
        return self.read == self.accepted + self.already_stored + self.duplicates + self.quarantined


@dataclass
class IngestSummary:
    run_id: str
    files: list[FileSummary] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        keys = ("read", "accepted", "already_stored", "duplicates", "quarantined", "removed")
        return {
            "run_id": self.run_id,
            **{k: self.total(k) for k in keys},
            "files": [f.__dict__ for f in self.files],
            "problems": self.problems,
        }

    def lines(self) -> list[str]:
        out = []
        for f in self.files:
            if f.status == "unchanged":
                out.append(f"{f.path}: unchanged since last ingest, skipped")
            elif f.status == "error":
                out.append(f"{f.path}: {f.message}")
            else:
                out.append(
                    f"{f.path}: read {f.read} = accepted {f.accepted} + already stored {f.already_stored}"
                    f" + duplicates {f.duplicates} + quarantined {f.quarantined}"
                    + (f"; {f.removed} outdated documents removed" if f.removed else "")
                )
        out.extend(self.problems)
        out.append(
            f"total: read {self.total('read')} = accepted {self.total('accepted')} + already stored "
            f"{self.total('already_stored')} + duplicates {self.total('duplicates')} + quarantined "
            f"{self.total('quarantined')}"
        )
        return out


# -- validation of one record ---------------------------------------------------------


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from a spreadsheet
        return ""
    return str(value)


def parse_date(value: Any) -> str | None:
    s = _text_of(value).strip()
    if not s:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", s):
        try:
            return date.fromisoformat(s[:10]).isoformat()
        except ValueError as exc:
            raise Rejected(f"datum onleesbaar: {s!r}") from exc
    try:
        return dateparser.parse(s, dayfirst=True).date().isoformat()
    except (ValueError, OverflowError, TypeError) as exc:
        raise Rejected(f"datum onleesbaar: {s[:40]!r}") from exc


def parse_wave(value: Any) -> str | None:
    s = _text_of(value).strip().lower()
    if not s:
        return None
    if s in WAVE_ALIASES:
        return WAVE_ALIASES[s]
    raise Rejected(f"onbekende meting {s[:30]!r}: verwacht intake, midden of eind")


def period_of(iso_date: str | None, fallback: str | None) -> str | None:
    if iso_date:
        d = date.fromisoformat(iso_date)
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    return fallback


def _norm_choice(value: Any, choices: tuple[str, ...], default: str | None) -> str | None:
    s = _text_of(value).strip().lower()
    if not s:
        return default
    for c in choices:
        if s == c or s.startswith(c[:6]):
            return c
    if s in {"manager", "teamleider", "afdelingshoofd", "leidinggevend"}:
        return "leidinggevende"
    return s


def validate_record(rec: RawRecord, settings: Settings, boilerplate: set[str], period: str | None) -> Document:
    """Check, clean and pseudonymise one record; raise :class:`Rejected` with the reason."""
    f = rec.fields
    if "_error" in f:
        raise Rejected(str(f["_error"]))
    raw = _text_of(f.get("text"))
    if not raw.strip():
        raise Rejected("lege tekst")
    if len(raw) > settings.max_text_chars:
        raise Rejected(f"tekst te lang ({len(raw):,} tekens; maximum {settings.max_text_chars:,})")
    participant = _text_of(f.get("participant_id")).strip()
    if not participant:
        raise Rejected("geen deelnemer (participant) opgegeven")
    iso_date = parse_date(f.get("date"))
    wave = parse_wave(f.get("wave"))
    text = clean_text(raw, boilerplate)
    if len(text) < settings.min_text_chars:
        raise Rejected(f"tekst te kort na opschonen ({len(text)} tekens)")
    if is_garbled(text):
        raise Rejected("onleesbare tekst (vrijwel geen woorden)")
    language = detect_language(text)
    if language != settings.language:
        name = LANGUAGE_NAMES.get(language, language)
        raise Rejected(f"tekst is niet in het Nederlands ({name}); niet geanalyseerd")
    pseudo = pseudonymise(text)
    pid = pseudonymous_participant(participant)
    text_type = _norm_choice(f.get("text_type"), TEXT_TYPES, "evaluatie" if f.get("likert") else "reflectie")
    question = _text_of(f.get("question")).strip() or None
    chash = content_hash(pseudo.text)
    doc_id = hashlib.sha256(f"{pid}|{text_type}|{question or ''}|{chash}".encode()).hexdigest()[:20]
    return Document(
        document_id=doc_id,
        participant_id=pid,
        wave=wave,
        date=iso_date,
        period=period_of(iso_date, _text_of(f.get("period")).strip() or period),
        role=_norm_choice(f.get("role"), ROLES, None),
        unit=_text_of(f.get("unit")).strip() or None,
        text_type=text_type or "reflectie",
        question=question,
        text=pseudo.text,
        language=language,
        source_file=rec.source_file,
        source_sheet=rec.sheet,
        source_row=rec.row,
        source_column=rec.column,
        content_hash=chash,
        pii_counts=pseudo.counts,
        likert={k: float(v) for k, v in (f.get("likert") or {}).items()},
    )


PARALLEL_MIN_RECORDS = 200  # smaller files are validated in the running process
PARALLEL_CHUNK = 50


def _validate_or_reason(
    rec: RawRecord, settings: Settings, boilerplate: set[str], period: str | None
) -> Document | str:
    try:
        return validate_record(rec, settings, boilerplate, period)
    except Rejected as exc:
        return str(exc)


def _validate_chunk(chunk: list[tuple[int, RawRecord]]) -> list[tuple[int, Document | str]]:
    """Worker side of :func:`validate_records`: the settings and boilerplate came with the fork."""
    st = worker_state()
    return [(i, _validate_or_reason(rec, st["settings"], st["boilerplate"], st["period"])) for i, rec in chunk]


def validate_records(
    records: list[RawRecord], settings: Settings, boilerplate: set[str], period: str | None
) -> list[Document | str]:
    """:func:`validate_record` for every record, in order: the document, or why it was rejected.

    With ``n_process`` > 1 (and ``fork`` available) a large file is cleaned, language-checked and
    pseudonymised in worker processes; the outcome is the same as in one process.
    """
    if settings.n_process <= 1 or len(records) < PARALLEL_MIN_RECORDS or not fork_available():
        return [_validate_or_reason(rec, settings, boilerplate, period) for rec in records]
    # load deduce's tables, the name lists and the language models once, before the fork
    pseudonymise("Jan de Vries belde; Bosch vulde aan.")
    detect_language("Dit is een Nederlandse zin over de gemeente.")
    outcomes: list[Document | str] = [""] * len(records)
    state = {"settings": settings, "boilerplate": boilerplate, "period": period}
    work = chunks(list(enumerate(records)), PARALLEL_CHUNK)
    for part in run_forked(_validate_chunk, work, settings.n_process, state):
        for i, outcome in part:
            outcomes[i] = outcome
    return outcomes


def quarantine_entry(rec: RawRecord, reason: str) -> Quarantined:
    key = hashlib.sha256(f"{rec.source_file}|{rec.sheet}|{rec.row}|{rec.column}|{reason}".encode()).hexdigest()[:20]
    # a reason may quote a cell ("onbekende meting '...'"); a cell can hold personal data
    safe = pseudonymise(reason).text
    return Quarantined(rec.source_file, rec.sheet, rec.row, rec.column, f"{rec.location}: {safe}", key)


@dataclass
class Prepared:
    documents: list[Document]
    quarantined: list[Quarantined]
    duplicates: int


def prepare_records(
    records: Iterable[RawRecord],
    settings: Settings,
    boilerplate: set[str],
    period: str | None,
    outcomes: list[Document | str] | None = None,
) -> Prepared:
    """Validate records; drop exact and near duplicates per participant within these records.

    ``outcomes``: the records' :func:`validate_records` results when they were computed already
    (:func:`ingest_paths` validates all files of a run in one go). Duplicates of texts already in
    the store are found by :func:`ingest_paths`.
    """
    docs: list[Document] = []
    quarantined: list[Quarantined] = []
    duplicates = 0
    hashes: dict[str, set[str]] = {}
    seen_shingles: dict[str, list[set[str]]] = {}
    seen_ids: set[str] = set()
    records = list(records)
    if outcomes is None:
        outcomes = validate_records(records, settings, boilerplate, period)
    for rec, outcome in zip(records, outcomes, strict=True):
        if isinstance(outcome, str):
            quarantined.append(quarantine_entry(rec, outcome))
            continue
        doc = outcome
        if doc.document_id in seen_ids:
            duplicates += 1
            continue
        sh = make_shingles(doc.text)
        mine = seen_shingles.setdefault(doc.participant_id, [])
        if doc.content_hash in hashes.get(doc.participant_id, set()):
            # the same text under other metadata (pasted into two forms)
            duplicates += 1
            continue
        if any(jaccard(sh, other) >= NEAR_DUPLICATE for other in mine):
            duplicates += 1
            continue
        mine.append(sh)
        hashes.setdefault(doc.participant_id, set()).add(doc.content_hash)
        seen_ids.add(doc.document_id)
        docs.append(doc)
    return Prepared(docs, quarantined, duplicates)


# -- files and store ------------------------------------------------------------------


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ingest_paths(
    inputs: list[Path],
    store: Store,
    settings: Settings,
    period: str | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> IngestSummary:
    """Ingest files and folders into the store; unchanged files are skipped."""
    own_run = run_id is None
    run_id = run_id or store.start_run("ingest", period)
    summary = IngestSummary(run_id)
    files, problems = discover_files(inputs)
    summary.problems.extend(problems)
    # read everything first so that corpus-level boilerplate can be found
    loaded: list[tuple[FileSummary, Path, str, int, list[RawRecord]]] = []
    for path in files:
        fs = FileSummary(str(path))
        summary.files.append(fs)
        try:
            size = path.stat().st_size
            digest = file_digest(path)
            previous = store.file_hash(str(path))
            if previous == digest and not force:
                fs.status = "unchanged"
                continue
            if size > settings.max_file_bytes:
                raise ReadError(f"{path}: file too large ({size:,} bytes; maximum {settings.max_file_bytes:,})")
            reader = READERS.get(path.suffix.lower())
            if reader is None:
                raise ReadError(f"{path}: unknown file type {path.suffix!r}; known: {', '.join(sorted(READERS))}")
            records = list(reader(path, settings.column_map))
        except ReadError as exc:
            message = str(exc) if str(path) in str(exc) else f"{path}: {exc}"
            fs.status, fs.message = "error", message
            fs.read = fs.quarantined = 1
            q = Quarantined(str(path), "", 0, "", message, hashlib.sha256(message.encode()).hexdigest()[:20])
            store.save_file_result(run_id, str(path), "error", 0, [], [q], replace_file=False)
            log.warning("%s", message)
            continue
        except OSError as exc:
            fs.status, fs.message = "error", f"{path}: cannot read file ({exc.strerror})"
            summary.problems.append(fs.message)
            continue
        loaded.append((fs, path, digest, size, records))
    boilerplate = repeated_lines(
        normalise_whitespace(_text_of(r.fields.get("text"))) for *_, recs in loaded for r in recs
    )
    # every record of every changed file in one go: with n_process > 1 one set of workers for the run
    everything = [r for *_, recs in loaded for r in recs]
    outcomes = validate_records(everything, settings, boilerplate, period)
    offset = 0
    for fs, path, digest, size, records in loaded:
        mine = outcomes[offset : offset + len(records)]
        offset += len(records)
        fs.read = len(records)
        replace = store.file_hash(str(path)) is not None
        pids = {pseudonymous_participant(_text_of(r.fields.get("participant_id"))) for r in records}
        known = store.content_hashes(pids)
        prepared = prepare_records(records, settings, boilerplate, period, mine)
        existing = store.existing_document_ids(d.document_id for d in prepared.documents)
        new_docs = []
        for d in prepared.documents:
            if d.document_id in existing:
                fs.already_stored += 1
            elif d.content_hash in known.get(d.participant_id, set()):
                fs.duplicates += 1  # the same text already stored from another file
            else:
                new_docs.append(d)
        result = store.save_file_result(
            run_id,
            str(path),
            digest,
            size,
            new_docs,
            prepared.quarantined,
            replace,
            keep_ids=[d.document_id for d in prepared.documents],
        )
        fs.accepted = result["added"]
        fs.already_stored += len(new_docs) - result["added"]
        fs.duplicates += prepared.duplicates
        fs.quarantined = len(prepared.quarantined)
        fs.removed = result["removed"]
        log.info("%s: %d read, %d accepted, %d quarantined", path, fs.read, fs.accepted, fs.quarantined)
    if own_run:
        store.finish_run(run_id, "ok", summary.as_dict())
    return summary
