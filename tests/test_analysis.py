"""Change statistics on hand-made tables: prevalence with intervals, suppression, paired tests, stories."""

import numpy as np
import pandas as pd

from sib_nlp.analysis.change import (
    bootstrap_ci,
    change_stories,
    paired_change,
    participant_indicators,
    shares_over_time,
    text_indicators,
)


def _data(n=12, growth=8):
    docs, sigs = [], []
    for i in range(n):
        pid = f"P{i:02d}"
        unit = "A" if i < n - 3 else "B"  # B has 3 participants: too small to show
        for wave in ("intake", "eind"):
            did = f"{pid}-{wave}"
            docs.append(
                {
                    "document_id": did,
                    "participant_id": pid,
                    "wave": wave,
                    "period": "2026-Q1" if wave == "intake" else "2026-Q4",
                    "unit": unit,
                    "role": "medewerker",
                    "text_type": "reflectie",
                    "text": f"Tekst van {pid} in {wave}.",
                }
            )
            grown = wave == "eind" and i < growth
            if grown:
                sigs.append(
                    {
                        "document_id": did,
                        "sentence_id": did + ":0",
                        "label": "samenwerking.extern",
                        "confidence": 0.8,
                        "evidence": "Tekst",
                        "detector": "t",
                        "polarity": None,
                        "aspect": None,
                        "partner": "gemeente_provincie",
                    }
                )
            sigs.append(
                {
                    "document_id": did,
                    "sentence_id": None,
                    "label": "reflectie.diepte",
                    "confidence": 0.6,
                    "evidence": "",
                    "detector": "d",
                    "polarity": None,
                    "aspect": "2" if grown else "0",
                    "partner": None,
                }
            )
    return pd.DataFrame(docs), pd.DataFrame(sigs)


def test_shares_in_participants_and_texts_with_suppression():
    docs, sigs = _data()
    # six participants wrote a second end text without the signal: texts and participants now differ
    extra = docs[(docs.wave == "eind") & (docs.participant_id < "P06")].assign(
        document_id=lambda d: d.document_id + "-2", text="Nog een tekst."
    )
    docs = pd.concat([docs, extra], ignore_index=True)
    ind = participant_indicators(docs, sigs, labels=["samenwerking.extern"])
    assert len(ind) == 24 and set(ind.columns) >= {"signal:samenwerking.extern", "depth", "growth_score"}
    texts = text_indicators(docs, sigs, labels=["samenwerking.extern"])
    assert len(texts) == 30
    shares, suppressed = shares_over_time(texts, "wave", None, min_group_size=5, n_boot=200)
    ext = shares[(shares.metric == "signal:samenwerking.extern") & (shares.wave == "eind")].set_index("basis")
    assert ext.loc["deelnemers", "estimate"] == round(8 / 12, 4) and ext.loc["deelnemers", "n"] == 12
    assert ext.loc["teksten", "estimate"] == round(8 / 18, 4) and ext.loc["teksten", "n"] == 18
    for basis in ("deelnemers", "teksten"):
        row = ext.loc[basis]
        assert row.ci_low < row.estimate < row.ci_high
    start = shares[(shares.metric == "signal:samenwerking.extern") & (shares.wave == "intake")]
    start = start.set_index("basis").loc["deelnemers"]
    assert start.estimate == 0 and start.ci_high > 0, "an all-zero group still gets an honest interval"
    by_period, _ = shares_over_time(texts, "period", None, min_group_size=5, n_boot=200)
    assert set(by_period["period"]) == {"2026-Q1", "2026-Q4"} and set(by_period["wave"]) == {""}
    q4 = by_period[(by_period.metric == "signal:samenwerking.extern") & (by_period.period == "2026-Q4")]
    assert dict(zip(q4.basis, q4.estimate, strict=True)) == {
        "deelnemers": round(8 / 12, 4),
        "teksten": round(8 / 18, 4),
    }
    by_unit, suppressed = shares_over_time(texts, "wave", "unit", min_group_size=5, n_boot=200)
    assert set(by_unit["group"]) == {"unit=A"}
    assert suppressed == ["unit=B (3 deelnemers)"]


def test_paired_change_detects_growth_and_not_noise():
    docs, sigs = _data()
    ind = participant_indicators(docs, sigs, labels=["samenwerking.extern"])
    paired = paired_change(ind)
    ext = paired[paired.metric == "signal:samenwerking.extern"].iloc[0]
    assert ext.n_pairs == 12 and ext.before == 0 and round(ext.after, 3) == round(8 / 12, 3)
    assert ext.test.startswith("McNemar") and ext.p_value < 0.01
    depth = paired[paired.metric == "depth"].iloc[0]
    assert depth.test.startswith("Wilcoxon") and depth.effect_size == 1.0
    docs2, sigs2 = _data(growth=1)
    p2 = paired_change(participant_indicators(docs2, sigs2, labels=["samenwerking.extern"]))
    assert p2[p2.metric == "signal:samenwerking.extern"].iloc[0].p_value > 0.5


def test_change_stories_pick_the_movers_with_quotes():
    docs, sigs = _data()
    ind = participant_indicators(docs, sigs, labels=["samenwerking.extern"])
    stories = change_stories(ind, docs, sigs, k=3)
    assert len(stories) == 3
    first = stories.iloc[0]
    assert first.before_document.endswith("-intake") and first.after_document.endswith("-eind")
    assert first.after_quote.startswith("Tekst van") and "samenwerking.extern" in first.signals_moved


def test_bootstrap_interval_is_reproducible():
    rng1, rng2 = np.random.default_rng(1), np.random.default_rng(1)
    v = np.array([0, 1, 1, 0, 1, 1, 1, 0, 1, 1], dtype=float)
    assert bootstrap_ci(v, 500, rng1) == bootstrap_ci(v, 500, rng2)


def test_ingest_totals_count_each_file_once_as_last_read():
    import json

    from sib_nlp.pipeline import ingest_totals

    def run(*files):
        return {"kind": "ingest", "info": json.dumps({"files": list(files)})}

    a1 = {"path": "a.csv", "status": "read", "read": 10, "quarantined": 1, "duplicates": 0}
    b1 = {"path": "b.csv", "status": "read", "read": 5, "quarantined": 0, "duplicates": 1}
    a_unchanged = {"path": "a.csv", "status": "unchanged", "read": 0, "quarantined": 0, "duplicates": 0}
    a2 = {"path": "a.csv", "status": "read", "read": 12, "quarantined": 2, "duplicates": 0}  # the file changed
    runs = pd.DataFrame(
        [run(a1, b1), {"kind": "analyse", "info": "{}"}, run(a_unchanged, b1 | {"status": "unchanged"}), run(a2)]
    )
    assert ingest_totals(runs) == {"read": 17, "quarantined": 2, "duplicates": 1}
