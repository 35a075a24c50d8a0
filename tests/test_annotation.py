"""The annotation round-trip: export, fill in, import, agreement, uncertainty sampling."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sib_nlp.signals.annotation import (
    AnnotationError,
    compare_annotators,
    export_sentences,
    most_uncertain,
    read_annotations,
)
from sib_nlp.signals.codebook import load_codebook

LABELS = load_codebook().sentence_labels
ROWS = pd.DataFrame(
    {
        "id": ["d1:0", "d1:1", "d2:0"],
        "document": ["d1", "d1", "d2"],
        "text_type": ["reflectie", "reflectie", "evaluatie"],
        "text": ["Ik had geen tijd.", "=SOM(A1) staat in de tekst", "Ik heb met de gemeente gesproken."],
    }
)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_spreadsheet_round_trip(tmp_path, suffix):
    path = export_sentences(ROWS, LABELS, tmp_path / f"annotatie{suffix}")
    table = pd.read_csv(path, dtype=str, keep_default_na=False) if suffix == ".csv" else pd.read_excel(path, dtype=str)
    assert list(table.columns) == ["id", "document", "text_type", "text", *LABELS, "opmerking"]
    marks = {(0, "belemmering"): "1", (2, "samenwerking.extern"): "x", (2, "reflectie.inzicht"): "ja"}
    if suffix == ".csv":
        table = table.fillna("")
        for (row, col), v in marks.items():
            table.loc[row, col] = v
        table.to_csv(path, index=False)
    else:  # edit the workbook in place, as an annotator in Excel would
        from openpyxl import load_workbook

        wb = load_workbook(path)
        ws = wb.active
        header = [c.value for c in ws[1]]
        for (row, col), v in marks.items():
            ws.cell(row=row + 2, column=header.index(col) + 1, value=v)
        wb.save(path)
    got = read_annotations(path, LABELS)
    assert [s.key for s in got] == ["d1:0", "d1:1", "d2:0"]
    assert [set(s.labels) for s in got] == [{"belemmering"}, set(), {"samenwerking.extern", "reflectie.inzicht"}]
    # the export protected the formula-like text; the import gives the sentence back as it was
    assert got[1].text == "=SOM(A1) staat in de tekst"


def test_jsonl_round_trip(tmp_path):
    path = export_sentences(ROWS, LABELS, tmp_path / "annotatie.jsonl")
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert all(r["labels"] == [] for r in recs)
    recs[0]["labels"] = ["belemmering"]
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    assert [set(s.labels) for s in read_annotations(path, LABELS)] == [{"belemmering"}, set(), set()]


def test_bad_cells_name_file_row_and_column(tmp_path):
    path = export_sentences(ROWS, LABELS, tmp_path / "a.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[1, "belemmering"] = "misschien"
    table.to_csv(path, index=False)
    with pytest.raises(AnnotationError, match=r"a.csv, rij 3: column 'belemmering' has 'misschien'"):
        read_annotations(path, LABELS)
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"id": "x", "text": "t", "labels": ["geen.label"]}\n', encoding="utf-8")
    with pytest.raises(AnnotationError, match="b.jsonl, regel 1: label"):
        read_annotations(bad, LABELS)
    (tmp_path / "c.csv").write_text("id,text\n1,zin\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="none of the columns is a codebook label"):
        read_annotations(tmp_path / "c.csv", LABELS)


def test_two_annotators_give_kappa_per_label(tmp_path):
    def annotated(name, marks):
        path = export_sentences(ROWS, LABELS, tmp_path / name)
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for row in marks:
            table.loc[row, "belemmering"] = "1"
        table.to_csv(path, index=False)
        return path

    out = compare_annotators(annotated("a.csv", [0]), annotated("b.csv", [0]), LABELS)
    assert out["sentences"] == 3
    assert out["labels"]["belemmering"]["kappa"] == 1.0
    out = compare_annotators(annotated("c.csv", [0]), annotated("d.csv", [1]), LABELS)
    assert out["labels"]["belemmering"]["kappa"] < 0


def test_most_uncertain_puts_probabilities_near_the_threshold_first():
    probs = [("a", {"x": 0.95}), ("b", {"x": 0.52}), ("c", {"x": 0.1, "y": 0.3})]
    assert most_uncertain(probs, {"x": 0.5, "y": 0.35}, 2) == ["b", "c"]
