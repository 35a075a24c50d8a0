"""Pseudonymisation measured on the PII gold set, and a leak test through the whole chain."""

import json
import logging
import re
from pathlib import Path

import duckdb
import pytest

from sib_nlp.privacy.evaluate import evaluate_pii

GOLD = Path(__file__).resolve().parent.parent / "data" / "gold"


def test_quality_on_the_fresh_part_nobody_tuned_on():
    """The targets of issue 4 on the part written last (docs/privacy.md): name recall 0.922 there;
    what it misses are lone surnames that are also words ("Sterk", "Bosch", "de Ruiter")."""
    r = evaluate_pii(GOLD / "pii_gold_fresh.jsonl")
    assert r["texts"] >= 100
    for kind in ("email", "telefoon", "bsn", "iban", "postcode", "adres", "url"):
        assert r["per_kind"][kind]["recall_any"] >= 0.99, kind
    assert r["per_kind"]["persoon"]["recall_any"] >= 0.92
    assert r["name_precision"] >= 0.85
    assert r["hard_negatives_kept"] >= 0.85


def test_tuned_parts_keep_their_level():
    for name in ("pii_gold.jsonl", "pii_gold_test.jsonl", "pii_gold_final.jsonl"):
        r = evaluate_pii(GOLD / name)
        assert r["per_kind"]["persoon"]["recall_any"] >= 0.99, name
        assert r["name_precision"] >= 0.9, name
    holdout = evaluate_pii(GOLD / "pii_gold_holdout.jsonl")  # tuned on since session 2 (first names)
    assert holdout["per_kind"]["persoon"]["recall_any"] >= 0.95


def test_gold_sets_are_well_formed():
    for name in (
        "pii_gold.jsonl",
        "pii_gold_test.jsonl",
        "pii_gold_final.jsonl",
        "pii_gold_holdout.jsonl",
        "pii_gold_fresh.jsonl",
    ):
        records = [json.loads(x) for x in (GOLD / name).read_text(encoding="utf-8").splitlines()]
        kinds = {s["kind"] for r in records for s in r["spans"]}
        assert kinds == {"persoon", "email", "telefoon", "bsn", "iban", "postcode", "adres", "url"}
        for r in records:
            for s in r["spans"] + r["negatives"]:
                assert r["text"][s["start"] : s["end"]] == s["text"]
    assert sum(1 for _ in open(GOLD / "pii_gold.jsonl", encoding="utf-8")) >= 150


@pytest.mark.slow
def test_no_gold_pii_leaks_through_sib_nlp_run(tmp_path, prefect_harness, caplog):
    from prefect.artifacts import Artifact

    from pipelines.flows import periodic_report

    records = [json.loads(x) for x in (GOLD / "pii_gold_fresh.jsonl").read_text(encoding="utf-8").splitlines()]
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
    missed = {m["text"] for m in evaluate_pii(GOLD / "pii_gold_fresh.jsonl")["misses"]}
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
    # names: nothing may leak through any other channel than the detector's own misses, which
    # evaluate-pii reports (sentence-initial surnames that are also words: "Groen heeft ...")
    name_leaks = {s for text in haystacks.values() for s in names if found(s, text)}
    explained = {s for s in name_leaks if any(found(s, m) for m in missed)}  # "Rood" inside missed "Gijs Rood"
    assert name_leaks <= explained, sorted(name_leaks - explained)
