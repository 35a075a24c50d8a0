"""Property-based fuzzing of the readers, ingestion and ``annotate``.

Property: whatever the bytes, nothing crashes, and every record read is either
accepted, recognised as already stored or a duplicate, or quarantined with a
reason that names its file (the counts add up, in the summary and in the store).
"""

from __future__ import annotations

import json
import string
import tempfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sib_nlp.config import Settings
from sib_nlp.ingest import ingest_paths
from sib_nlp.io.store import Store

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DUTCH = [
    "Ik heb met collega's van een andere directie samengewerkt aan de aanpak.",
    "Volgende keer ga ik eerder de gemeente bellen.",
    "Mijn leidinggevende gaf me ruimte om zelf te kiezen.",
    "Ik realiseerde me dat ik vaak in oude patronen schiet.",
]
# text with everything that breaks naive readers: quotes, delimiters, newlines, controls, odd Unicode
nasty_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list('";,\t|\r\n\x00\x0b\x1b\u2028\ufeff\u202e=+-@<>&') + ["é", "ë", "€"])),
    st.sampled_from(DUTCH).map(lambda s: s * 3),
    st.builds(lambda a, b: a + b, st.sampled_from(DUTCH), st.text(max_size=50)),
    st.just("x" * 20_000),
)
header = st.lists(
    st.sampled_from(["deelnemer", "tekst", "golf", "datum", "rol", "directie", "soort", "", "vraag 1", "zomaar"]),
    min_size=1,
    max_size=7,
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])


def _ingest(path: Path) -> None:
    """Ingest one file into a fresh store and check the bookkeeping."""
    with tempfile.TemporaryDirectory() as tmp:
        s = Settings(store_path=Path(tmp) / "s.duckdb", max_text_chars=10_000)
        with Store(s.store_path) as store:
            summary = ingest_paths([path], store, s)
            assert len(summary.files) == 1
            f = summary.files[0]
            assert f.status in {"read", "error"}
            assert f.adds_up(), f
            assert store.count("documents") == f.accepted
            q = store.quarantine()
            assert len(q) == f.quarantined
            assert q["reason"].str.len().gt(0).all()
            assert q["source_file"].eq(str(path)).all()
            if f.status == "error":
                assert str(path) in f.message


@FUZZ
@given(
    header=header,
    rows=st.lists(st.lists(nasty_text, max_size=8), max_size=12),
    encoding=encodings,
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_csv_of_any_shape_and_encoding(tmp_path_factory, header, rows, encoding, delimiter):
    path = tmp_path_factory.mktemp("csv") / "export.csv"
    lines = [delimiter.join(header)] + [delimiter.join('"' + c.replace('"', '""') + '"' for c in r) for r in rows]
    path.write_bytes("\n".join(lines).encode(encoding, errors="replace"))
    _ingest(path)


@FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes_named_csv(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bin") / "export.csv"
    path.write_bytes(data)
    _ingest(path)


@FUZZ
@given(raw=st.lists(st.text(max_size=200), max_size=10), quote_break=st.booleans())
def test_csv_with_broken_quoting(tmp_path_factory, raw, quote_break):
    path = tmp_path_factory.mktemp("q") / "broken.csv"
    body = "\n".join(f'P{i};"{t}' + ('"' if not quote_break else "") + ";eind" for i, t in enumerate(raw))
    path.write_text("deelnemer;tekst;golf\n" + body, encoding="utf-8", errors="replace")
    _ingest(path)


cell = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]), max_size=200),
    st.sampled_from(["=1+1", '=HYPERLINK("http://x")', "@SUM(A1)", "+31 6 1234 5678", "-", "5", "helemaal eens"]),
    st.sampled_from(DUTCH),
)


@FUZZ
@given(
    title_rows=st.integers(min_value=0, max_value=2),
    header=header,
    rows=st.lists(st.lists(cell, max_size=8), max_size=10),
)
def test_xlsx_with_odd_cell_types(tmp_path_factory, title_rows, header, rows):
    path = tmp_path_factory.mktemp("xlsx") / "enquete.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["Evaluatie Samen in Beleid"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    _ingest(path)


json_value = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
json_record = st.fixed_dictionaries(
    {"tekst": st.one_of(nasty_text, json_value)},
    optional={
        "deelnemer": json_value,
        "golf": st.sampled_from(["intake", "midden", "eind", "later", 3]),
        "datum": st.sampled_from(["2026-03-01", "1 maart 2026", "gisteren", "31-02-2026"]),
    },
)


@FUZZ
@given(
    lines=st.lists(st.one_of(json_record.map(json.dumps), st.text(alphabet=string.printable, max_size=80)), max_size=12)
)
def test_jsonl_with_any_lines(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("jsonl") / "export.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8", errors="replace")
    _ingest(path)


@FUZZ
@given(
    lines=st.lists(
        st.one_of(
            st.fixed_dictionaries({"id": json_value, "text": st.one_of(nasty_text, json_value)}).map(json.dumps),
            json_value.map(json.dumps),
            st.text(max_size=120),
        ),
        max_size=10,
    )
)
def test_annotate_answers_every_line(nlp_blank, lines):
    from sib_nlp.annotator import annotate_lines

    out = list(annotate_lines(lines, nlp_blank, max_chars=5_000))
    wanted = [i for i, line in enumerate(lines, start=1) if line.strip()]
    assert len(out) == len(wanted)
    for o in out:
        assert ("error" in o and o["line"] in wanted) or {"text", "language", "sentences", "signals"} <= set(o)
        json.dumps(o)  # every answer can be written as a JSON line
