"""Change statistics on hand-made tables: prevalence with intervals, suppression, paired tests, stories."""

import numpy as np
import pandas as pd

from sib_nlp.analysis.change import (
    bootstrap_ci,
    change_stories,
    paired_change,
    participant_indicators,
    prevalence,
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


def test_indicators_prevalence_and_suppression():
    docs, sigs = _data()
    ind = participant_indicators(docs, sigs, labels=["samenwerking.extern"])
    assert len(ind) == 24 and set(ind.columns) >= {"signal:samenwerking.extern", "depth", "growth_score"}
    prev, suppressed = prevalence(ind, None, min_group_size=5, n_boot=200)
    row = prev[(prev.metric == "signal:samenwerking.extern") & (prev.wave == "eind")].iloc[0]
    assert row.estimate == round(8 / 12, 4) and row.ci_low < row.estimate < row.ci_high and row.n == 12
    start = prev[(prev.metric == "signal:samenwerking.extern") & (prev.wave == "intake")].iloc[0]
    assert start.estimate == 0 and start.ci_high > 0, "an all-zero group still gets an honest interval"
    by_unit, suppressed = prevalence(ind, "unit", min_group_size=5, n_boot=200)
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
