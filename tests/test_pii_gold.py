"""Pseudonymisation measured on the PII gold set, and a leak test through the whole chain."""

import json
import logging
import re
from pathlib import Path

import duckdb
import pytest

from sib_nlp.privacy.evaluate import GOLD_PARTS, evaluate_pii

GOLD = Path(__file__).resolve().parent.parent / "data" / "gold"


def test_quality_on_the_part_written_last():
    """The targets of issue 4 on the blind part (docs/privacy.md). At its one evaluation before any
    fix: name recall 0.965, precision 0.894; its misses then led to fixes, so it now sits higher."""
    r = evaluate_pii(GOLD / "pii_gold_blind.jsonl")
    assert r["texts"] >= 100
    for kind in ("email", "telefoon", "bsn", "iban", "postcode", "adres", "url"):
        assert r["per_kind"][kind]["recall_any"] >= 0.99, kind
    assert r["per_kind"]["persoon"]["recall_any"] >= 0.99
    assert r["name_precision"] >= 0.9
    assert r["hard_negatives_kept"] >= 0.9


def test_every_part_keeps_its_level():
    for name in GOLD_PARTS:
        r = evaluate_pii(GOLD / name)
        assert r["per_kind"]["persoon"]["recall_any"] >= 0.99, name
        assert r["name_precision"] >= 0.9, name
        assert r["hard_negatives_kept"] >= 0.9, name


def test_gold_sets_are_well_formed():
    for name in GOLD_PARTS:
        records = [json.loads(x) for x in (GOLD / name).read_text(encoding="utf-8").splitlines()]
        kinds = {s["kind"] for r in records for s in r["spans"]}
        assert kinds == {"persoon", "email", "telefoon", "bsn", "iban", "postcode", "adres", "url"}
        for r in records:
            for s in r["spans"] + r["negatives"]:
                assert r["text"][s["start"] : s["end"]] == s["text"]
    assert sum(1 for _ in open(GOLD / "pii_gold.jsonl", encoding="utf-8")) >= 150


@pytest.mark.slow
def test_no_gold_pii_leaks_through_sib_nlp_run(tmp_path, prefect_harness, caplog):
    """All six gold parts (700 texts) through the real flow; every output is scanned."""
    from prefect.artifacts import Artifact

    from pipelines.flows import periodic_report

    records = [json.loads(x) for part in GOLD_PARTS for x in (GOLD / part).read_text(encoding="utf-8").splitlines()]
    waves = ["intake", "midden", "eind"]
    inp = tmp_path / "in.jsonl"
    with open(inp, "w", encoding="utf-8") as fh:
        for i, r in enumerate(records):
            fh.write(
                json.dumps(
                    {"id": r["id"], "deelnemer": f"P{i // 3:03d}", "meting": waves[i % 3], "tekst": r["text"]},
                    ensure_ascii=False,
                )
                + "\n"
            )
    config = tmp_path / "settings.toml"
    config.write_text(f'store_path = "{tmp_path / "store.duckdb"}"\nthemes_dir = "{tmp_path / "themes"}"\n')
    out = tmp_path / "out"
    with caplog.at_level(logging.INFO):
        periodic_report(inputs=[str(inp)], period="2027-Q1", out_dir=str(out), config=str(config))
    structured = {s["text"] for r in records for s in r["spans"] if s["kind"] != "persoon"}
    names = {s["text"] for r in records for s in r["spans"] if s["kind"] == "persoon"}
    haystacks = {
        p.name: p.read_text(encoding="utf-8", errors="replace")
        for p in out.iterdir()
        if p.suffix in {".html", ".csv", ".json"}
    }
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    for table in ("documents", "sentences", "signals", "quarantine", "themes", "runs"):
        haystacks[f"store:{table}"] = con.execute(f"SELECT * FROM {table}").df().to_csv()
    con.close()
    haystacks["logs"] = caplog.text
    artifact = Artifact.get("sib-rapport-2027-q1")
    haystacks["artifact"] = artifact.data if artifact else ""
    assert haystacks["artifact"], "the summary artifact was published"

    def found(secret, text):
        return re.search(rf"(?<![\w@.-]){re.escape(secret)}(?![\w@-])", text) is not None

    leaks = [(where, s) for where, text in haystacks.items() for s in structured if found(s, text)]
    assert leaks == [], leaks[:20]
    # names: none may appear anywhere (the Done-when of issue 4). Places and organisations stay, and
    # some hold a planted surname ("Den Bosch", "Beek"): those kept negatives are blanked out first
    # (so a name that is also a negative, "Roos", is checked by evaluate-pii's recall, not here).
    negatives = sorted({n["text"] for r in records for n in r["negatives"]}, key=len, reverse=True)

    def without_negatives(text):
        for n in negatives:
            text = text.replace(n, " ")
        return text

    name_leaks = {(where, s) for where, text in haystacks.items() for s in names if found(s, without_negatives(text))}
    assert name_leaks == set(), sorted(name_leaks)[:20]
