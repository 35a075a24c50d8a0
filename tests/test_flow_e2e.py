"""The real periodic_report flow on the sample corpus: outputs, idempotency, privacy, expected findings."""

import csv
import json
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sib_nlp.pipeline import OUTPUT_FILES

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def test_all_outputs_exist_with_content(demo_run):
    out = demo_run["out"]
    for name in OUTPUT_FILES:
        assert (out / name).is_file() and (out / name).stat().st_size > 100, name
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["pipeline"]["name"] and run["versions"]["sib_nlp"] and run["counts"]["participants"] >= 60
    docs = pd.read_csv(out / "documents.csv")
    assert len(docs) >= 240 and docs["participant_id"].nunique() >= 60
    themes = pd.read_csv(out / "themes.csv")
    assert len(themes) >= 3 and {"label", "size", "top_terms", "codebook_theme"} <= set(themes.columns)
    change = pd.read_csv(out / "change.csv", keep_default_na=False)
    assert list(change.columns) == ["metric", "group", "basis", "wave", "period", "estimate", "ci_low", "ci_high", "n"]
    assert set(change["basis"]) == {"deelnemers", "teksten"}
    assert {"2026-Q1", "2026-Q4"} <= set(change["period"]) and {"intake", "eind"} <= set(change["wave"])
    assert (change["wave"].eq("") ^ change["period"].eq("")).all()  # each row is per wave or per period
    quarantine = pd.read_csv(out / "quarantine.csv")
    assert quarantine["reason"].str.contains("niet in het Nederlands").any()
    assert quarantine["reason"].str.contains("lege tekst").any()


def test_rerun_adds_no_rows(demo_run):
    from pipelines.flows import periodic_report

    def counts():
        con = duckdb.connect(str(demo_run["store"]), read_only=True)
        try:
            return {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "sentences", "signals", "quarantine", "embeddings")
            }
        finally:
            con.close()

    def rerun():
        return periodic_report(
            inputs=[str(ROOT / "data" / "sample")],
            period="2026-Q4",
            out_dir=str(demo_run["out"]),
            store=str(demo_run["store"]),
            config=str(demo_run["config"]),
        )

    before = counts()
    report = demo_run["out"] / "report.html"
    written = report.stat().st_mtime_ns
    result = rerun()
    assert result["ingest"]["accepted"] == 0
    assert result["analyse"]["analysis"]["analysed"] == 0
    assert counts() == before
    assert report.stat().st_mtime_ns == written, "an unchanged period is not recomputed (cached report)"
    report.unlink()
    rerun()
    assert report.is_file(), "a missing output is written again although the inputs did not change"


def test_no_planted_personal_data_in_any_output(demo_run):
    planted = [
        "Marieke",
        "de Groot",
        "Fatima",
        "El Amrani",
        "Ruud Hendriks",
        "Hendriks",
        "Jeroen",
        "Johan Visser",
        "Annelies",
        "van der Berg",
        "Yvonne",
        "Jansen-de Wit",
        "Roos Bakker",
        "Mohammed",
        "van den Heuvel",
        "s.bakker@minlev.example.nl",
        "marieke.degroot@minsam.example.nl",
        "j.vandenheuvel@tilburg.example.nl",
        "06-41234567",
        "06-12345678",
        "038 - 498 12 34",
        "070 - 456 78 90",
        "542 88 00",
        "123456782",
        "NL91ABNA0417164300",
        "Lindenlaan 14",
        "2513 AB",
    ]
    texts = {
        p.name: p.read_text(encoding="utf-8", errors="replace")
        for p in demo_run["out"].iterdir()
        if p.suffix in {".html", ".csv", ".json"}
    }
    from openpyxl import load_workbook

    wb = load_workbook(demo_run["out"] / "report.xlsx")
    texts["report.xlsx"] = "\n".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None
    )
    con = duckdb.connect(str(demo_run["store"]), read_only=True)
    for table in ("documents", "sentences", "signals", "quarantine", "themes"):
        texts[f"store:{table}"] = con.execute(f"SELECT * FROM {table}").df().to_csv()
    con.close()
    # artifacts: the Prefect summary, the saved theme model, Prefect's persisted task results
    from prefect.artifacts import Artifact

    artifact = Artifact.get("sib-rapport-2026-q4")
    assert artifact is not None
    texts["prefect artifact"] = artifact.data
    for root in (demo_run["base"] / "themes", Path(os.environ["PREFECT_HOME"])):
        for f in root.rglob("*"):
            if f.is_file() and f.stat().st_size < 50_000_000:
                texts[str(f)] = f.read_bytes().decode("utf-8", errors="replace")
    assert any("bertopic" in k for k in texts), "the saved theme model was scanned"
    for name, text in texts.items():
        for secret in planted:
            assert secret not in text, f"{secret!r} found in {name}"


def test_hostile_text_is_escaped_in_the_report(demo_run):
    html = (demo_run["out"] / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "<script" not in html.lower().replace("&lt;script", "")
    assert "<img" not in html.lower() and "javascript:" not in html.lower().replace("javascript:alert", "")


FORMULA_START = ("=", "+", "-", "@")


def test_hostile_text_is_plain_text_in_csv_and_excel(demo_run):
    """Sample texts start lines with =HYPERLINK, '+', '-5', '@allen' and hold Markdown and HTML."""
    from openpyxl import load_workbook

    out = demo_run["out"]
    sentences = pd.read_csv(out / "sentences.csv", dtype=str, keep_default_na=False)
    hostile = sentences[sentences["text"].str.lstrip("'").str.startswith(FORMULA_START)]
    assert len(hostile) >= 3, "the sample corpus has hostile sentences"
    for name in ("documents.csv", "sentences.csv", "signals.csv", "quarantine.csv", "change.csv"):
        with open(out / name, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if cell.startswith(FORMULA_START):
                        float(cell)  # only a real number may start with '-' or '+'
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    assert docs["text"].str.contains("<img src=x onerror=alert(1)>", regex=False).any()  # kept, as text
    wb = load_workbook(out / "report.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]


def test_growth_participants_grow_and_no_change_ones_do_not(demo_run):
    traj = {
        r["participant_id"]: r["trajectory"]
        for r in csv.DictReader(open(ROOT / "data" / "sample_source" / "trajectories.csv", encoding="utf-8"))
    }
    from sib_nlp.analysis.change import participant_indicators
    from sib_nlp.io.store import Store

    with Store(demo_run["store"], read_only=True) as store:
        docs, sigs = store.documents(), store.signals()
    ind = participant_indicators(docs, sigs)
    a = ind[ind.wave == "intake"].set_index("participant_id")["growth_score"]
    b = ind[ind.wave == "eind"].set_index("participant_id")["growth_score"]
    delta = (b - a).dropna()
    by = {t: delta[[p for p in delta.index if traj.get(p) == t]] for t in ("groei", "geen_verandering", "terugval")}
    assert by["groei"].mean() >= 1.5, by["groei"].describe()
    assert abs(by["geen_verandering"].mean()) <= 0.5, by["geen_verandering"].describe()
    assert by["groei"].mean() > by["terugval"].mean() + 1
    share_grew = (by["groei"] > 0).mean()
    assert share_grew >= 0.8
