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
