"""Hostile text stays text in HTML, CSV and Excel; files are written atomically."""

import pandas as pd
import pytest

from sib_nlp.io import outputs


def test_csv_neutralises_formulas(tmp_path):
    df = pd.DataFrame({"text": ['=HYPERLINK("http://x","klik")', "+31 6", "@SUM(A1)", "-2+3", "gewoon"], "n": range(5)})
    outputs.write_csv(tmp_path / "a.csv", df)
    back = pd.read_csv(tmp_path / "a.csv")
    assert list(back["text"]) == ['\'=HYPERLINK("http://x","klik")', "'+31 6", "'@SUM(A1)", "'-2+3", "gewoon"]
    assert list(back["n"]) == list(range(5))


def test_excel_stores_formulas_as_text(tmp_path):
    from openpyxl import load_workbook

    df = pd.DataFrame({"text": ['=HYPERLINK("http://x","klik")', "<script>alert(1)</script>"]})
    outputs.write_xlsx(tmp_path / "a.xlsx", {"tabel": df})
    ws = load_workbook(tmp_path / "a.xlsx").active
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("=HYPERLINK")
    assert ws["A3"].value == "<script>alert(1)</script>"


def test_atomic_write_leaves_old_file_on_crash(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("oud", encoding="utf-8")

    def crash(p):
        p.write_text("half", encoding="utf-8")
        raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        outputs.atomic_write(target, crash)
    assert target.read_text(encoding="utf-8") == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
