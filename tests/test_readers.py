"""Real-world-ugly input files: each gives correct records or a clear message, never a traceback."""

import csv
import json

import pytest

from sib_nlp.ingest import ingest_paths
from sib_nlp.io.readers import ReadError, read_csv, read_jsonl, read_text_file, read_xlsx
from sib_nlp.io.store import Store

TEXT = "Ik heb veel samengewerkt met de gemeente en dat was leerzaam."


def test_utf8_bom_semicolon_and_quoted_newlines(tmp_path):
    f = tmp_path / "a.csv"
    body = (
        'Deelnemer;Meting;Tekst\r\nP1;intake;"Regel een;\r\nregel twee"\r\nP2;eind;Tweede tekst over de gemeente.\r\n'
    )
    f.write_bytes("\ufeff".encode() + body.encode("utf-8"))
    recs = list(read_csv(f))
    assert [r.fields["participant_id"] for r in recs] == ["P1", "P2"]
    assert recs[0].fields["text"] == "Regel een;\r\nregel twee"
    assert recs[1].row == 4  # physical line number, after the quoted newline


def test_cp1252_comma(tmp_path):
    f = tmp_path / "b.csv"
    f.write_bytes(
        'deelnemer_id,meetmoment,reflectie\r\nP3,Eind,"Ik werk nu écht samen met coöperaties"\r\n'.encode("cp1252")
    )
    (rec,) = read_csv(f)
    assert rec.fields["text"] == "Ik werk nu écht samen met coöperaties"
    assert rec.fields["wave"] == "Eind"


def test_repeated_column_names_stay_separate_questions(tmp_path):
    """Found by fuzzing: two columns with one name used to collapse into one quarantine row."""
    f = tmp_path / "vragen.csv"
    f.write_text(
        "deelnemer;Wat nam je mee;Wat nam je mee\nP1;Ik leerde veel van de gesprekken met de gemeente.;"
        "De begeleiding door de trainers was erg goed.\n",
        encoding="utf-8",
    )
    recs = list(read_csv(f))
    assert [r.fields["question"] for r in recs] == ["Wat nam je mee", "Wat nam je mee (2)"]
    assert len({r.column for r in recs}) == 2


def test_empty_and_binary_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match="empty"):
        list(read_csv(empty))
    binary = tmp_path / "fake.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ReadError, match="binary"):
        list(read_csv(binary))
    with pytest.raises(ReadError, match="Excel"):
        list(read_xlsx(binary))


def test_xlsx_with_merged_title_row_likert_and_open_answers(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Eindevaluatie – export"])
    ws.merge_cells("A1:F1")
    ws.append(
        [
            "Respondent",
            "Directie",
            "Het traject sloot aan",
            "Ik raad het aan",
            "Wat neem je mee?",
            "Welke tip heb je?",
        ]
    )
    ws.append(["P1", "Directie X", 4, "helemaal mee eens", "Dat ik eerst naar buiten ga.", "Meer intervisie graag."])
    ws.append([None, None, None, None, None, None])
    ws.append(["P2", "Directie X", "3", 2, "Weinig nieuws voor mij eigenlijk.", ""])
    f = tmp_path / "s.xlsx"
    wb.save(f)
    recs = list(read_xlsx(f))
    assert [(r.fields["participant_id"], r.column) for r in recs] == [
        ("P1", "Wat neem je mee?"),
        ("P1", "Welke tip heb je?"),
        ("P2", "Wat neem je mee?"),
        ("P2", "Welke tip heb je?"),
    ]
    assert recs[0].fields["likert"] == {"Het traject sloot aan": 4.0, "Ik raad het aan": 5.0}
    assert recs[0].fields["question"] == "Wat neem je mee?"
    assert recs[0].row == 3 and recs[2].row == 5


def test_jsonl_bad_lines_become_records_with_an_error(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text('{"id": 1, "deelnemer": "P1", "tekst": "Goede tekst."}\n{broken\n[1, 2]\n\n', encoding="utf-8")
    recs = list(read_jsonl(f))
    assert recs[0].fields["participant_id"] == "P1" and recs[0].fields["text"] == "Goede tekst."
    assert "_error" in recs[1].fields and recs[1].row == 2
    assert "_error" in recs[2].fields


def test_text_files_with_sidecar_or_file_name(tmp_path):
    (tmp_path / "P017_intake_2026-03-01.txt").write_text(TEXT, encoding="utf-8")
    (rec,) = read_text_file(tmp_path / "P017_intake_2026-03-01.txt")
    assert rec.fields == {"text": TEXT, "participant_id": "P017", "wave": "intake", "date": "2026-03-01"}
    with open(tmp_path / "metadata.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["bestand", "deelnemer", "meting", "directie"])
        w.writerow(["P017_intake_2026-03-01.txt", "P099", "eind", "Directie Y"])
    (rec,) = read_text_file(tmp_path / "P017_intake_2026-03-01.txt")
    assert rec.fields["participant_id"] == "P099" and rec.fields["unit"] == "Directie Y"


def test_column_mapping_names_unknown_columns(tmp_path):
    from sib_nlp.io.readers import map_columns

    assert map_columns(["Wie", "Wat"], {"participant_id": "Wie", "text": "Wat"}) == {
        "Wie": "participant_id",
        "Wat": "text",
    }
    with pytest.raises(ReadError, match="'Naam' for 'participant_id' is not in the file"):
        map_columns(["Wie", "Wat"], {"participant_id": "Naam"})


def test_ingest_of_ugly_files_adds_up_and_keeps_good_neighbours(tmp_path, settings):
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [
        ["Deelnemer", "Meting", "Datum", "Tekst"],
        ["P1", "intake", "03-02-2026", TEXT],
        ["P2", "intake", "31-02-2026", TEXT + " Tweede."],
        ["P3", "tussendoor", "", TEXT + " Derde."],
        ["P4", "eind", "", ""],
        ["", "eind", "", TEXT + " Vijfde."],
        ["P6", "eind", "", "This text is written in English because that was easier for me today."],
        ["P7", "eind", "", "x" * 200_001],
        ["P1", "intake", "03-02-2026", TEXT],
    ]
    with open(folder / "ugly.csv", "w", newline="", encoding="cp1252") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    (folder / "empty.csv").write_bytes(b"")
    (folder / "fake.csv").write_bytes(b"\x00\x01\x02binary")
    big = folder / "P9_eind.txt"
    big.write_text(("Ik heb veel geleerd over samenwerken met de gemeente. " * 100_000)[:5_000_000], encoding="utf-8")
    s = settings.with_overrides(max_text_chars=200_000)
    with Store(s.store_path) as store:
        summary = ingest_paths([folder], store, s)
        reasons = " | ".join(store.quarantine()["reason"])
        docs = store.documents()
    for f in summary.files:
        assert f.adds_up(), f
    ugly = next(f for f in summary.files if f.path.endswith("ugly.csv"))
    assert (ugly.read, ugly.accepted, ugly.duplicates, ugly.quarantined) == (8, 1, 1, 6)
    for expected in (
        "rij 3: datum onleesbaar",
        "rij 4: onbekende meting",
        "rij 5: lege tekst",
        "rij 6: geen deelnemer",
        "rij 7: tekst is niet in het Nederlands",
        "rij 8: tekst te lang",
        "empty.csv: the file is empty",
        "fake.csv: this is a binary file",
        "P9_eind.txt, rij 1: tekst te lang",
    ):
        assert expected in reasons, expected
    assert list(docs["participant_id"]) == ["P1"]
    assert json.loads(docs["pii_counts"].iloc[0]) == {}


def test_docx_folder_with_file_name_metadata(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Ik heb veel geleerd van de gesprekken met de gemeente.")
    d.add_paragraph("Volgende keer betrek ik de uitvoering eerder.")
    d.save(tmp_path / "P021_eind_2026-11-03.docx")
    (rec,) = read_text_file(tmp_path / "P021_eind_2026-11-03.docx")
    assert rec.fields["text"].splitlines() == [
        "Ik heb veel geleerd van de gesprekken met de gemeente.",
        "Volgende keer betrek ik de uitvoering eerder.",
    ]
    assert (rec.fields["participant_id"], rec.fields["wave"], rec.fields["date"]) == ("P021", "eind", "2026-11-03")
    bad = tmp_path / "P022_eind.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ReadError, match="Word"):
        list(read_text_file(bad))


def test_near_duplicate_of_the_same_participant_is_counted_once(tmp_path, settings):
    base = (
        "Ik heb mijn leerwerkopdracht gedaan met de Voedselbank en met de gemeente. Ik merkte dat ik meer "
        "energie krijg van dat werk dan van welke nota dan ook. Voortaan start ik met een gesprek."
    )
    f = tmp_path / "n.csv"
    with open(f, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["deelnemer", "meting", "tekst"])
        w.writerow(["P1", "eind", base])
        w.writerow(["P1", "eind", base.replace("gesprek.", "gesprek!") + " Echt."])
        w.writerow(["P2", "eind", base])  # another participant with the same text is kept
    with Store(settings.store_path) as store:
        summary = ingest_paths([f], store, settings)
    assert (summary.total("accepted"), summary.total("duplicates")) == (2, 1)
