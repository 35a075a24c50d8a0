"""Readers for what evaluators are handed: CSV, XLSX, JSON Lines, folders of TXT/DOCX.

Every reader yields :class:`RawRecord` objects (text + loose metadata +
provenance) and never raises for a bad *record*; a file that cannot be read at
all raises :class:`ReadError` with the file name and the reason. Readers are
registered by file suffix in :data:`READERS`; third-party readers register
through the ``sib_nlp.readers`` entry point group.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sib_nlp.schemas import RawRecord


class ReadError(ValueError):
    """A whole file cannot be read; the message names the file and the reason."""


# canonical field -> accepted column names (lower case, compared without spaces/underscores)
ALIASES: dict[str, tuple[str, ...]] = {
    "record_id": ("id", "record_id", "document_id", "antwoord_id", "response_id"),
    "participant_id": (
        "participant",
        "participant_id",
        "deelnemer",
        "deelnemer_id",
        "deelnemersnummer",
        "respondent",
        "respondent_id",
        "pseudoniem",
        "deelnemercode",
    ),
    "wave": ("wave", "meting", "meetmoment", "moment", "fase", "golf"),
    "date": ("date", "datum", "ingevuld_op", "ingevuldop", "submitted", "tijdstip", "datum_ingevuld"),
    "period": ("period", "periode"),
    "role": ("role", "rol", "functie", "functieniveau"),
    "unit": ("unit", "directie", "afdeling", "organisatieonderdeel", "dg", "onderdeel"),
    "text_type": ("text_type", "type", "soort", "teksttype", "soort_tekst"),
    "text": ("text", "tekst", "reflectie", "antwoord", "toelichting", "inhoud"),
    "question": ("question", "vraag"),
    "email": ("email", "e-mail", "e-mailadres", "emailadres", "mail"),
    "name": ("naam", "name", "volledige_naam"),
}

LIKERT_WORDS = {
    "helemaal mee oneens": 1,
    "zeer mee oneens": 1,
    "mee oneens": 2,
    "oneens": 2,
    "neutraal": 3,
    "niet mee eens, niet mee oneens": 3,
    "mee eens": 4,
    "eens": 4,
    "helemaal mee eens": 5,
    "zeer mee eens": 5,
    "zeer slecht": 1,
    "slecht": 2,
    "matig": 3,
    "voldoende": 3,
    "goed": 4,
    "zeer goed": 5,
    "uitstekend": 5,
}


def _norm(name: Any) -> str:
    return re.sub(r"[\s_\-.:?]+", "", str(name).strip().lower())


def map_columns(headers: list[str], column_map: dict[str, str] | None = None) -> dict[str, str]:
    """Map the user's headers to canonical fields: ``{header: field}``.

    A user-given ``column_map`` (canonical -> header) wins; it must name existing
    columns, or :class:`ReadError` says which one is missing.
    """
    mapping: dict[str, str] = {}
    by_norm = {_norm(h): h for h in headers}
    for canonical, header in (column_map or {}).items():
        if canonical not in ALIASES:
            raise ReadError(f"column mapping: unknown field {canonical!r} (known: {', '.join(ALIASES)})")
        if _norm(header) not in by_norm:
            raise ReadError(f"column mapping: column {header!r} for {canonical!r} is not in the file")
        mapping[by_norm[_norm(header)]] = canonical
    taken = set(mapping.values())
    for canonical, names in ALIASES.items():
        if canonical in taken:
            continue
        for name in names:
            found = by_norm.get(_norm(name))
            if found is not None and found not in mapping:
                mapping[found] = canonical
                break
    return mapping


# -- encodings and sniffing ---------------------------------------------------------


def decode_bytes(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252 as Excel writes it."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(f"{source}: this is a binary file, not text (did you mean to pass another file?)")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ";,\t|"}
        return max(counts, key=counts.__getitem__) if any(counts.values()) else ","


def _records_from_table(
    source: str,
    headers: list[str],
    rows: list[tuple[int, list[Any]]],
    column_map: dict[str, str] | None,
    sheet: str = "",
    defaults: dict[str, Any] | None = None,
) -> Iterator[RawRecord]:
    """Turn a header + rows table into records; several open-answer columns become several records."""
    headers = unique_headers(headers)
    mapping = map_columns(headers, column_map)
    meta_cols = {h for h, f in mapping.items() if f != "text"}
    text_cols = [h for h, f in mapping.items() if f == "text"]
    other = [h for h in headers if h not in mapping and str(h).strip()]
    likert_cols, open_cols = _classify_columns(other, headers, rows)
    if not text_cols:
        text_cols = open_cols
    if not text_cols:
        raise ReadError(
            f"{source}{' blad ' + repr(sheet) if sheet else ''}: no text column found; columns are "
            f"{', '.join(map(str, headers))}. Name one 'tekst' or give a column mapping"
        )
    index = {h: i for i, h in enumerate(headers)}
    for rownum, values in rows:

        def get(h: str, values: list[Any] = values) -> Any:
            i = index[h]
            return values[i] if i < len(values) else None

        if all(v is None or str(v).strip() == "" for v in values):
            continue  # blank spreadsheet row, not a record
        base: dict[str, Any] = dict(defaults or {})
        for h in meta_cols:
            base[mapping[h]] = get(h)
        likert = {}
        for h in likert_cols:
            score = likert_value(get(h))
            if score is not None:
                likert[str(h)] = score
        if likert:
            base["likert"] = likert
        for h in text_cols:
            fields = dict(base)
            fields["text"] = get(h)
            if len(text_cols) > 1 or h in open_cols:
                fields["question"] = str(h)
            yield RawRecord(source, rownum, fields, sheet=sheet, column=str(h) if len(text_cols) > 1 else "")


def unique_headers(headers: list[str]) -> list[str]:
    """Repeated column names get a number ("vraag", "vraag (2)"), so every column stays its own."""
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        name = str(h)
        if name.strip() and name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        seen.setdefault(name, 1)
        out.append(name)
    return out


def likert_value(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    s = str(value).strip().lower()
    if s in LIKERT_WORDS:
        return float(LIKERT_WORDS[s])
    m = re.match(r"^([1-9]|10)(?:\s*[-=:]\s*.*)?$", s)
    return float(m.group(1)) if m else None


def _classify_columns(cols: list[str], headers: list[str], rows: list[tuple[int, list[Any]]]):  # noqa: ANN202
    """Split unmapped columns into Likert items and open-answer columns by their values."""
    index = {h: i for i, h in enumerate(headers)}
    likert, open_ = [], []
    for h in cols:
        vals = [r[index[h]] for _, r in rows if index[h] < len(r) and r[index[h]] not in (None, "")]
        if not vals:
            continue
        scores = [likert_value(v) for v in vals]
        if sum(s is not None for s in scores) >= 0.8 * len(vals) and all(s is None or s <= 10 for s in scores):
            likert.append(h)
        elif sum(len(str(v)) for v in vals) / len(vals) >= 15:
            open_.append(h)
    return likert, open_


# -- readers --------------------------------------------------------------------------


def read_csv(path: Path, column_map: dict[str, str] | None = None) -> Iterator[RawRecord]:
    text = decode_bytes(path.read_bytes(), str(path))
    if not text.strip():
        raise ReadError(f"{path}: the file is empty")
    delimiter = _sniff_delimiter(text[:20000])
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))  # long texts are checked later, not here
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
        rows = []
        for values in reader:
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        raise ReadError(f"{path}: broken CSV near line {reader.line_num}: {exc}") from exc
    yield from _records_from_table(str(path), headers, rows, column_map)


def read_xlsx(path: Path, column_map: dict[str, str] | None = None) -> Iterator[RawRecord]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError, TypeError) as exc:
        raise ReadError(f"{path}: not a readable Excel (.xlsx) file ({exc.__class__.__name__})") from exc
    try:
        for ws in wb.worksheets:
            all_rows = [list(r) for r in ws.iter_rows(values_only=True)]
            header_at = _find_header_row(all_rows)
            if header_at is None:
                continue
            headers = [str(h).strip() if h is not None else "" for h in all_rows[header_at]]
            rows = [(header_at + 2 + i, [_cell(v) for v in r]) for i, r in enumerate(all_rows[header_at + 1 :])]
            try:
                yield from _records_from_table(str(path), headers, rows, column_map, sheet=ws.title)
            except ReadError:
                if len(wb.worksheets) == 1:
                    raise
                continue  # a sheet without texts (a legend, a pivot) in a multi-sheet export
    finally:
        wb.close()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return value


def _find_header_row(rows: list[list[Any]]) -> int | None:
    """The header is the first row that names a known column, or the first well-filled row.

    Survey exports often put a merged title row (or two) above the real header.
    """
    known = {_norm(a) for names in ALIASES.values() for a in names}
    for i, r in enumerate(rows[:20]):
        cells = [c for c in r if c not in (None, "")]
        if cells and sum(_norm(c) in known for c in cells) >= 2:
            return i
    for i, r in enumerate(rows[:20]):
        width = max((len(x) for x in rows[:20]), default=0)
        if width and sum(c not in (None, "") for c in r) >= max(2, 0.6 * width):
            return i
    return None


def read_jsonl(path: Path, column_map: dict[str, str] | None = None) -> Iterator[RawRecord]:
    """JSON Lines; a line that is not a JSON object becomes a record with a ``_error``."""
    text = decode_bytes(path.read_bytes(), str(path))
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRecord(str(path), lineno, {"_error": f"not valid JSON ({exc.msg})"})
            continue
        if not isinstance(obj, dict):
            yield RawRecord(str(path), lineno, {"_error": "a line must be a JSON object"})
            continue
        mapping = map_columns([str(k) for k in obj], column_map)
        fields = {mapping.get(str(k)) or str(k): v for k, v in obj.items()}
        yield RawRecord(str(path), lineno, fields)


# file names like P017_intake_2026-03-01.txt or DGB-042_eind.docx
FILENAME_PATTERN = re.compile(
    r"^(?P<participant_id>[A-Za-z]{0,4}[-_]?\d{1,6})[_ ](?P<wave>[A-Za-z0-9]+)(?:[_ ](?P<date>\d{4}-\d{2}-\d{2}))?"
)


def read_text_file(path: Path, column_map: dict[str, str] | None = None) -> Iterator[RawRecord]:
    """One TXT or DOCX file = one record; metadata from a sidecar CSV or the file name."""
    if path.suffix.lower() == ".docx":
        text = _docx_text(path)
    else:
        text = decode_bytes(path.read_bytes(), str(path))
    fields: dict[str, Any] = {"text": text}
    sidecar = _sidecar_metadata(path.parent).get(path.name)
    if sidecar is not None:
        fields.update(sidecar)
    else:
        m = FILENAME_PATTERN.match(path.stem)
        if m:
            fields.update({k: v for k, v in m.groupdict().items() if v})
    yield RawRecord(str(path), 1, fields)


def _docx_text(path: Path) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        d = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise ReadError(f"{path}: not a readable Word (.docx) file ({exc.__class__.__name__})") from exc
    return "\n".join(p.text for p in d.paragraphs)


_SIDECAR_NAMES = ("metadata.csv", "meta.csv", "_metadata.csv")


def _sidecar_metadata(folder: Path) -> dict[str, dict[str, Any]]:
    for name in _SIDECAR_NAMES:
        p = folder / name
        if p.is_file():
            text = decode_bytes(p.read_bytes(), str(p))
            rows = list(csv.DictReader(io.StringIO(text), delimiter=_sniff_delimiter(text[:5000])))
            if not rows:
                return {}
            headers = list(rows[0])
            file_col = next((h for h in headers if _norm(h) in {"file", "bestand", "filename", "bestandsnaam"}), None)
            if file_col is None:
                raise ReadError(f"{p}: a metadata sidecar needs a column 'bestand' with the file names")
            mapping = map_columns([h for h in headers if h != file_col])
            return {r[file_col]: {mapping.get(k, k): v for k, v in r.items() if k != file_col} for r in rows}
    return {}


Reader = Callable[[Path, dict[str, str] | None], Iterator[RawRecord]]

READERS: dict[str, Reader] = {
    ".csv": read_csv,
    ".tsv": read_csv,
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".txt": read_text_file,
    ".md": read_text_file,
    ".docx": read_text_file,
}


def discover_files(inputs: list[Path]) -> tuple[list[Path], list[str]]:
    """Files to read under the given files/folders, and messages about inputs that do not exist."""
    from sib_nlp.plugins import load_plugins

    load_plugins()  # readers of installed plug-ins count as known suffixes
    files: list[Path] = []
    problems: list[str] = []
    for inp in inputs:
        p = Path(inp)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in READERS and f.name not in _SIDECAR_NAMES:
                    if not f.name.startswith((".", "~$")):
                        files.append(f)
        elif p.is_file():
            files.append(p)
        else:
            problems.append(f"{p}: file or folder not found")
    return files, problems
