"""Change over time: who shows which signal or theme, per wave and group, and how sure we are.

Everything here is a pure function on DataFrames:

- :func:`participant_indicators`: one row per participant and wave with 0/1
  indicators (has the participant a sentence with this signal/theme in that
  wave's reflections?) and the reflection depth;
- :func:`prevalence`: share of participants per wave (and group) with a
  bootstrap 95% interval (participants resampled), suppressed for groups with
  fewer than ``min_group_size`` participants;
- :func:`paired_change`: intake versus end for the same participants: McNemar's
  exact test for indicators, Wilcoxon's signed-rank test for depth, with effect
  sizes (difference in proportions; matched-pairs rank-biserial correlation);
- :func:`change_stories`: participants whose reflections moved most, with a
  before/after quote each (candidates for Most Significant Change, not conclusions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sib_nlp.schemas import WAVE_ORDER, WAVES

MIN_CONFIDENCE = 0.5
# signals whose rise means the change the programme aims for
GROWTH_SIGNALS = (
    "motivatie.intrinsiek",
    "motivatie.autonomie",
    "samenwerking.extern",
    "samenwerking.gedeeld",
    "reflectie.inzicht",
)


def participant_indicators(
    documents: pd.DataFrame,
    signals: pd.DataFrame,
    assignments: pd.DataFrame | None = None,
    themes: pd.DataFrame | None = None,
    labels: list[str] | None = None,
) -> pd.DataFrame:
    """Rows: participant_id, wave, unit, role, n_texts, one column per indicator, depth."""
    refl = documents[(documents["text_type"] != "evaluatie") & documents["wave"].notna()]
    base = (
        refl.groupby(["participant_id", "wave"])
        .agg(unit=("unit", "first"), role=("role", "first"), n_texts=("document_id", "count"))
        .reset_index()
    )
    doc_key = refl[["document_id", "participant_id", "wave"]]
    sig = signals.merge(doc_key, on="document_id")
    sentence_sig = sig[sig["sentence_id"].notna() & (sig["confidence"] >= MIN_CONFIDENCE)]
    labels = labels or sorted(set(sentence_sig["label"]) - {"waardering"})
    for label in labels:
        hits = sentence_sig[sentence_sig["label"] == label].groupby(["participant_id", "wave"]).size()
        base[f"signal:{label}"] = [
            int(hits.get((p, w), 0) > 0) for p, w in zip(base.participant_id, base.wave, strict=True)
        ]
    depth = sig[sig["label"] == "reflectie.diepte"].copy()
    if len(depth):
        depth["level"] = pd.to_numeric(depth["aspect"], errors="coerce")
        d = depth.groupby(["participant_id", "wave"])["level"].max()
        base["depth"] = [float(d.get((p, w), np.nan)) for p, w in zip(base.participant_id, base.wave, strict=True)]
    else:
        base["depth"] = np.nan
    if assignments is not None and themes is not None and len(assignments) and len(themes):
        a = assignments[assignments["theme_id"] >= 0].merge(themes[["theme_id", "codebook_theme"]], on="theme_id")
        a = a.merge(doc_key, on="document_id")
        for theme, group in a.groupby("codebook_theme"):
            hits = group.groupby(["participant_id", "wave"]).size()
            base[f"theme:{theme}"] = [
                int(hits.get((p, w), 0) > 0) for p, w in zip(base.participant_id, base.wave, strict=True)
            ]
    base["growth_score"] = base[[f"signal:{s}" for s in GROWTH_SIGNALS if f"signal:{s}" in base]].sum(axis=1)
    base["wave_order"] = base["wave"].map(WAVE_ORDER)
    return base.sort_values(["participant_id", "wave_order"]).reset_index(drop=True)


def indicator_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith(("signal:", "theme:"))]


def bootstrap_ci(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> tuple[float, float]:
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return (np.nan, np.nan)
    if len(values) == 1 or np.all(values == values[0]):
        return (float(values[0]), float(values[0])) if len(values) == 1 else _wilson(values)
    idx = rng.integers(0, len(values), size=(n_boot, len(values)))
    means = values[idx].mean(axis=1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def _wilson(values: np.ndarray) -> tuple[float, float]:
    """For all-0 or all-1 samples the bootstrap interval collapses; the Wilson interval does not."""
    n = len(values)
    p = float(values.mean())
    z = 1.96
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def prevalence(
    indicators: pd.DataFrame,
    group_by: str | None = None,
    min_group_size: int = 5,
    n_boot: int = 1000,
    random_state: int = 42,
) -> tuple[pd.DataFrame, list[str]]:
    """change.csv rows (metric, group, wave, estimate, ci_low, ci_high, n) and suppressed groups."""
    rng = np.random.default_rng(random_state)
    metrics = indicator_columns(indicators) + ["depth"]
    rows = []
    suppressed: list[str] = []
    groups = [("alle deelnemers", indicators)] if group_by is None else list(indicators.groupby(group_by))
    for group, frame in groups:
        n_participants = frame["participant_id"].nunique()
        label = str(group) if group_by is None else f"{group_by}={group}"
        if n_participants < min_group_size:
            suppressed.append(f"{label} ({n_participants} deelnemers)")
            continue
        for wave in WAVES:
            wf = frame[frame["wave"] == wave]
            if wf.empty:
                continue
            n_wave = wf["participant_id"].nunique()
            if n_wave < min_group_size:
                suppressed.append(f"{label}, {wave} ({n_wave} deelnemers)")
                continue
            for m in metrics:
                vals = wf[m].to_numpy(dtype=float)
                lo, hi = bootstrap_ci(vals, n_boot, rng)
                rows.append(
                    {
                        "metric": m,
                        "group": label,
                        "wave": wave,
                        "estimate": round(float(np.nanmean(vals)) if np.any(~np.isnan(vals)) else np.nan, 4),
                        "ci_low": round(lo, 4),
                        "ci_high": round(hi, 4),
                        "n": int(np.sum(~np.isnan(vals))),
                    }
                )
    cols = ["metric", "group", "wave", "estimate", "ci_low", "ci_high", "n"]
    return pd.DataFrame(rows, columns=cols), suppressed


@dataclass
class PairedResult:
    metric: str
    group: str
    n_pairs: int
    before: float
    after: float
    difference: float
    test: str
    statistic: float
    p_value: float
    effect_size: float
    effect_name: str


def paired_change(
    indicators: pd.DataFrame,
    group_by: str | None = None,
    min_group_size: int = 5,
    first: str = "intake",
    last: str = "eind",
) -> pd.DataFrame:
    """Within-participant change from ``first`` to ``last`` wave, per metric (and group)."""
    metrics = indicator_columns(indicators) + ["depth", "growth_score"]
    rows = []
    groups = [("alle deelnemers", indicators)] if group_by is None else list(indicators.groupby(group_by))
    for group, frame in groups:
        label = str(group) if group_by is None else f"{group_by}={group}"
        a = frame[frame["wave"] == first].set_index("participant_id")
        b = frame[frame["wave"] == last].set_index("participant_id")
        common = a.index.intersection(b.index)
        if len(common) < min_group_size:
            continue
        for m in metrics:
            x = a.loc[common, m].to_numpy(dtype=float)
            y = b.loc[common, m].to_numpy(dtype=float)
            ok = ~(np.isnan(x) | np.isnan(y))
            x, y = x[ok], y[ok]
            if len(x) < min_group_size:
                continue
            if m.startswith(("signal:", "theme:")):
                res = _mcnemar(x, y)
            else:
                res = _wilcoxon(x, y)
            rows.append(
                PairedResult(
                    m, label, len(x), float(x.mean()), float(y.mean()), float(y.mean() - x.mean()), *res
                ).__dict__
            )
    return pd.DataFrame(rows)


def _mcnemar(x: np.ndarray, y: np.ndarray) -> tuple[str, float, float, float, str]:
    gained = int(np.sum((x == 0) & (y == 1)))
    lost = int(np.sum((x == 1) & (y == 0)))
    n = gained + lost
    p = float(stats.binomtest(gained, n, 0.5).pvalue) if n else 1.0
    return "McNemar (exact)", float(gained - lost), p, float(y.mean() - x.mean()), "verschil in aandeel"


def _wilcoxon(x: np.ndarray, y: np.ndarray) -> tuple[str, float, float, float, str]:
    d = y - x
    nz = d[d != 0]
    if len(nz) == 0:
        return "Wilcoxon signed-rank", 0.0, 1.0, 0.0, "rank-biseriële correlatie"
    res = stats.wilcoxon(y, x, zero_method="wilcox")
    ranks = stats.rankdata(np.abs(nz))
    r = float((ranks[nz > 0].sum() - ranks[nz < 0].sum()) / ranks.sum())
    return "Wilcoxon signed-rank", float(res.statistic), float(res.pvalue), r, "rank-biseriële correlatie"


def change_stories(
    indicators: pd.DataFrame,
    documents: pd.DataFrame,
    signals: pd.DataFrame,
    k: int = 5,
    first: str = "intake",
    last: str = "eind",
) -> pd.DataFrame:
    """Participants with the largest rise in growth score, with a before/after quote each."""
    a = indicators[indicators["wave"] == first].set_index("participant_id")
    b = indicators[indicators["wave"] == last].set_index("participant_id")
    common = a.index.intersection(b.index)
    if not len(common):
        return pd.DataFrame()
    delta = (b.loc[common, "growth_score"] - a.loc[common, "growth_score"]).sort_values(ascending=False)
    delta = delta[delta > 0].head(k)
    cols = indicator_columns(indicators)
    rows = []
    for pid, d in delta.items():
        moved = [c.split(":", 1)[1] for c in cols if b.loc[pid, c] > a.loc[pid, c]]
        before_doc, before_quote = _quote(pid, first, documents, signals, prefer_growth=False)
        after_doc, after_quote = _quote(pid, last, documents, signals, prefer_growth=True)
        rows.append(
            {
                "participant_id": pid,
                "change": int(d),
                "signals_moved": ", ".join(moved),
                "before_document": before_doc,
                "before_quote": before_quote,
                "after_document": after_doc,
                "after_quote": after_quote,
            }
        )
    return pd.DataFrame(rows)


def _quote(pid: str, wave: str, documents: pd.DataFrame, signals: pd.DataFrame, prefer_growth: bool) -> tuple[str, str]:
    docs = documents[
        (documents["participant_id"] == pid) & (documents["wave"] == wave) & (documents["text_type"] != "evaluatie")
    ]
    if docs.empty:
        return "", ""
    doc = docs.iloc[0]
    if prefer_growth:
        sig = signals[(signals["document_id"] == doc.document_id) & signals["label"].isin(GROWTH_SIGNALS)]
        if len(sig):
            best = sig.sort_values("confidence", ascending=False).iloc[0]
            sentence = _sentence_text(doc.text, best["evidence"])
            if sentence:
                return doc.document_id, sentence
    return doc.document_id, _shorten(doc.text)


def _sentence_text(text: str, evidence: str) -> str:
    import re

    for sent in re.split(r"(?<=[.!?])\s+", text):
        if evidence and evidence in sent:
            return sent.strip()
    return ""


def _shorten(text: str, limit: int = 280) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"
