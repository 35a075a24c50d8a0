"""The HTML report on hand-made tables: escaping, warnings, suppression, certainty wording."""

import pandas as pd

from sib_nlp.reporting.html import ReportData, certainty, key_findings, render_report


def _data(**over):
    prev = pd.DataFrame(
        [
            {
                "metric": "signal:samenwerking.extern",
                "group": "alle deelnemers",
                "wave": w,
                "estimate": e,
                "ci_low": max(0, e - 0.1),
                "ci_high": e + 0.1,
                "n": 20,
            }
            for w, e in (("intake", 0.1), ("eind", 0.5))
        ]
    )
    paired = pd.DataFrame(
        [
            {
                "metric": "signal:samenwerking.extern",
                "group": "alle deelnemers",
                "n_pairs": 20,
                "before": 0.1,
                "after": 0.5,
                "difference": 0.4,
                "test": "McNemar (exact)",
                "statistic": 8.0,
                "p_value": 0.004,
                "effect_size": 0.4,
                "effect_name": "verschil in aandeel",
            }
        ]
    )
    base = dict(
        period="2026-Q4",
        generated_at="01-12-2026",
        counts={"documents": 40, "participants": 20},
        pipeline={"name": "nl_sib_core", "version": "0.1.0", "reason": "test"},
        labels={"samenwerking.extern": "Samenwerking met buiten"},
        prevalence=prev,
        paired=paired,
        suppressed=["unit=Klein (3 deelnemers)"],
        themes=pd.DataFrame(
            [
                {
                    "theme_id": 0,
                    "label": "<b>Thema</b>",
                    "size": 5,
                    "top_terms": "a, b",
                    "codebook_theme": "nieuw",
                    "is_new": True,
                }
            ]
        ),
        theme_quotes={0: [("doc1", "<script>alert('x')</script> =HYPERLINK(\"http://x\")")]},
        theme_info={"outlier_share": 0.1},
        partners=pd.DataFrame(),
        depth=pd.DataFrame(),
        appreciation=pd.DataFrame(),
        likert=pd.DataFrame(),
        stories=pd.DataFrame(),
        quarantine_reasons=pd.DataFrame(columns=["reason", "n"]),
    )
    base.update(over)
    return ReportData(**base)


def test_user_text_is_escaped_everywhere():
    html = render_report(_data())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Thema</b>" not in html and "&lt;b&gt;Thema&lt;/b&gt;" in html
    assert "document doc1" in html


def test_findings_state_their_certainty():
    findings = key_findings(_data())
    assert findings[0][1] == "vrij zeker"
    assert "10%" in findings[0][0] and "50%" in findings[0][0]
    assert certainty(0.03) == "waarschijnlijk" and certainty(0.5) == "geen duidelijke verandering"


def test_fallback_pipeline_and_suppressed_groups_are_announced():
    html = render_report(
        _data(pipeline={"name": "blank_nl_fallback", "version": "3.8", "reason": "geen model", "fallback": True})
    )
    assert "zonder getraind Nederlands taalmodel" in html
    assert "unit=Klein (3 deelnemers)" in html
    assert "nog niet gemeten" in html  # no signal accuracy measured yet: said plainly


def test_self_contained():
    html = render_report(_data())
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "").replace("http://x", "")
    assert "<link" not in html and "<script" not in html


def _change_csv(values):
    """A previous report's change.csv: participant and text rows per wave, and period rows."""
    rows = []
    for metric, by_wave in values.items():
        for w, e in by_wave.items():
            for basis in ("deelnemers", "teksten"):
                rows.append(
                    {
                        "metric": metric,
                        "group": "alle deelnemers",
                        "basis": basis,
                        "wave": w,
                        "period": "",
                        "estimate": e if basis == "deelnemers" else e / 2,
                        "ci_low": 0,
                        "ci_high": 1,
                        "n": 20,
                    }
                )
        rows.append(
            {
                "metric": metric,
                "group": "alle deelnemers",
                "basis": "teksten",
                "wave": "",
                "period": "2026-Q3",
                "estimate": 0.99,
                "ci_low": 0,
                "ci_high": 1,
                "n": 20,
            }
        )
    return pd.DataFrame(rows)


def test_comparison_with_the_previous_report_uses_the_last_wave():
    # previous: extern was 0.2 at the end (0.65 midway: alphabetically 'midden' sorts last, must not be used);
    # depth fell; inzicht is new now
    previous = _change_csv(
        {
            "signal:samenwerking.extern": {"intake": 0.1, "midden": 0.65, "eind": 0.2},
            "depth": {"intake": 1.0, "eind": 0.9},
        }
    )
    current = pd.DataFrame(
        [
            {"metric": m, "group": "alle deelnemers", "wave": "eind", "estimate": e, "ci_low": 0, "ci_high": 1, "n": 20}
            for m, e in (("signal:samenwerking.extern", 0.5), ("depth", 0.5), ("signal:reflectie.inzicht", 0.3))
        ]
    )
    html = render_report(_data(previous=previous, prevalence=current))
    part = html.split("Vergeleken met het vorige rapport", 1)[1].split("</ul>", 1)[0]
    assert "Gestegen" in part and "Samenwerking met buiten" in part.split("Gedaald")[0]
    assert "Gedaald" in part and "Nieuw" in part


def test_shares_per_period_are_shown_in_texts():
    over = _change_csv({"signal:samenwerking.extern": {"intake": 0.1}})
    over = pd.concat([over, over.assign(period="2026-Q4", estimate=0.4)], ignore_index=True)
    html = render_report(_data(over_time=over))
    assert "Per periode" in html and "Aandeel teksten per kwartaal" in html
    assert "2026-Q3" in html and "2026-Q4" in html


def test_measured_signal_quality_is_stated_with_its_weak_labels():
    from sib_nlp.pipeline import signal_quality

    info = {
        "model": {"version": "0.1.0"},
        "codebook_matches": True,
        "evaluation": {
            "macro_f1": 0.732,
            "macro_f1_interval": [0.664, 0.777],
            "labels": {"belemmering": 0.558, "reflectie.inzicht": 0.759},
            "polarity_macro_f1": 0.838,
            "depth_within_one": 0.929,
        },
    }
    sq = signal_quality(info)
    assert sq["weak"] == ["belemmering"]
    assert signal_quality(info | {"evaluation": info["evaluation"] | {"polarity_macro_f1": 0.58}})["weak"] == [
        "belemmering",
        "waardering",
    ]
    html = render_report(_data(signal_quality=sq, labels={"belemmering": "Belemmering"}))
    assert "gemiddelde F1 0,73 (95%-interval 0,66–0,78)" in html
    assert "Minder betrouwbaar (F1 onder 0,6): Belemmering" in html
    assert "93% van de teksten" in html
    assert "getraind classificatiemodel" in html
    # a model trained with another codebook: its numbers no longer apply
    assert signal_quality(info | {"codebook_matches": False}) == {}
    assert "nog niet gemeten" in render_report(_data(signal_quality={}))
