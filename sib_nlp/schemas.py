"""The records and tables that cross module boundaries.

Column names are referred to through these definitions, not as loose strings
scattered over the code. ``DOCUMENT_COLUMNS`` etc. are also the column order of
the CSV exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WAVES = ("intake", "midden", "eind")
WAVE_ORDER = {w: i for i, w in enumerate(WAVES)}
WAVE_ALIASES = {
    "intake": "intake",
    "start": "intake",
    "begin": "intake",
    "voormeting": "intake",
    "t0": "intake",
    "1": "intake",
    "midden": "midden",
    "tussen": "midden",
    "tussenmeting": "midden",
    "halverwege": "midden",
    "t1": "midden",
    "2": "midden",
    "eind": "eind",
    "einde": "eind",
    "slot": "eind",
    "nameting": "eind",
    "afsluiting": "eind",
    "t2": "eind",
    "3": "eind",
}
ROLES = ("medewerker", "leidinggevende")
TEXT_TYPES = ("reflectie", "evaluatie", "leerwerkopdracht", "overig")


@dataclass
class RawRecord:
    """One record as a reader found it: text plus loose metadata and provenance."""

    source_file: str
    row: int  # 1-based row (spreadsheet row number, or line number)
    fields: dict[str, Any]
    sheet: str = ""
    column: str = ""  # for XLSX/CSV with several text columns: which one

    @property
    def location(self) -> str:
        where = self.source_file
        if self.sheet:
            where += f", blad {self.sheet!r}"
        where += f", rij {self.row}"
        if self.column:
            where += f", kolom {self.column!r}"
        return where


@dataclass
class Document:
    """A validated, cleaned and pseudonymised text ready for analysis."""

    document_id: str
    participant_id: str
    wave: str | None
    date: str | None  # ISO date
    period: str | None  # e.g. 2026-Q1
    role: str | None
    unit: str | None
    text_type: str
    question: str | None
    text: str  # pseudonymised
    language: str
    source_file: str
    source_sheet: str
    source_row: int
    source_column: str
    content_hash: str
    pii_counts: dict[str, int] = field(default_factory=dict)
    likert: dict[str, float] = field(default_factory=dict)


@dataclass
class Quarantined:
    """A record that was not accepted, with a reason a person understands."""

    source_file: str
    source_sheet: str
    source_row: int
    source_column: str
    reason: str
    record_key: str


DOCUMENT_COLUMNS = [
    "document_id",
    "participant_id",
    "wave",
    "date",
    "period",
    "role",
    "unit",
    "text_type",
    "question",
    "text",
    "language",
    "source_file",
    "source_sheet",
    "source_row",
    "source_column",
    "content_hash",
    "pii_counts",
    "likert",
]
SENTENCE_COLUMNS = ["sentence_id", "document_id", "idx", "text", "lemmas", "start_char", "end_char"]
SIGNAL_COLUMNS = [
    "document_id",
    "sentence_id",
    "label",
    "confidence",
    "evidence",
    "detector",
    "polarity",
    "aspect",
    "partner",
]
QUARANTINE_COLUMNS = [
    "record_key",
    "source_file",
    "source_sheet",
    "source_row",
    "source_column",
    "reason",
    "run_id",
]
THEME_COLUMNS = ["theme_id", "label", "size", "top_terms", "codebook_theme", "is_new"]
ASSIGNMENT_COLUMNS = ["unit_id", "document_id", "theme_id", "probability"]
