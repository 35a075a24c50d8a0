"""Change over time: who shows which signal or theme, per wave and group, and how sure we are.

Everything here is a pure function on DataFrames:

- :func:`participant_indicators`: one row per participant and wave with 0/1
  indicators (has the participant a sentence with this signal/theme in that
  wave's reflections?) and the reflection depth;
- :func:`paired_change`: intake versus end for the same participants: McNemar's
  exact test for indicators, Wilcoxon's signed-rank test for depth, with effect
  sizes (difference in proportions; matched-pairs rank-biserial correlation);
- :func:`change_stories`: participants whose reflections moved most, with a
  before/after quote each (candidates for Most Significant Change, not conclusions);
- :func:`text_indicators` and :func:`shares_over_time`: the same indicators per
  text, and shares per wave or reporting period counted in participants (bootstrap
  95% interval, participants resampled) *and* in texts (normalised by the number
  of texts, with a cluster bootstrap over participants, since one person's texts
  are not independent); groups with fewer than ``min_group_size`` participants
  are suppressed.
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
    """Rows: participant_id, wave, unit, role, n_texts, one column per indicator, depth.

    Derived from :func:`text_indicators`: a participant shows an indicator in a wave when one of
    their reflections of that wave does; depth is their highest level in that wave.
    """
    texts = text_indicators(documents, signals, assignments, themes, labels)
    texts = texts[texts["wave"].notna()]
    aggregations = {"unit": ("unit", "first"), "role": ("role", "first"), "n_texts": ("document_id", "count")}
    aggregations |= {c: (c, "max") for c in indicator_columns(texts)} | {"depth": ("depth", "max")}
    base = texts.groupby(["participant_id", "wave"]).agg(**aggregations).reset_index()
    base["growth_score"] = base[[f"signal:{s}" for s in GROWTH_SIGNALS if f"signal:{s}" in base]].sum(axis=1)
    base["wave_order"] = base["wave"].map(WAVE_ORDER)
    return base.sort_values(["participant_id", "wave_order"]).reset_index(drop=True)


def text_indicators(
    documents: pd.DataFrame,
    signals: pd.DataFrame,
    assignments: pd.DataFrame | None = None,
    themes: pd.DataFrame | None = None,
    labels: list[str] | None = None,
) -> pd.DataFrame:
    """One row per reflection text: ids, wave, period, unit, role, 0/1 per indicator, depth."""
    refl = documents[documents["text_type"] != "evaluatie"]
    cols = ["document_id", "participant_id", "wave", "period", "unit", "role"]
    base = refl[[c for c in cols if c in refl]].copy().reset_index(drop=True)
    sig = signals[signals["document_id"].isin(set(base["document_id"]))]
    sentence_sig = sig[sig["sentence_id"].notna() & (sig["confidence"] >= MIN_CONFIDENCE)]
    labels = labels or sorted(set(sentence_sig["label"]) - {"waardering"})
    for label in labels:
        hit = set(sentence_sig.loc[sentence_sig["label"] == label, "document_id"])
        base[f"signal:{label}"] = base["document_id"].isin(hit).astype(int)
    depth = sig[sig["label"] == "reflectie.diepte"]
    level = pd.to_numeric(depth["aspect"], errors="coerce").groupby(depth["document_id"]).max()
    base["depth"] = base["document_id"].map(level).astype(float)
    if assignments is not None and themes is not None and len(assignments) and len(themes):
        a = assignments[assignments["theme_id"] >= 0].merge(themes[["theme_id", "codebook_theme"]], on="theme_id")
        for theme, group in a.groupby("codebook_theme"):
            base[f"theme:{theme}"] = base["document_id"].isin(set(group["document_id"])).astype(int)
    return base


def _time_values(frame: pd.DataFrame, time_col: str) -> list[str]:
    present = set(frame[time_col].dropna().astype(str))
    if time_col == "wave":
        return [w for w in WAVES if w in present]
    return sorted(present)


def _cluster_ci(sums: np.ndarray, counts: np.ndarray, n_boot: int, rng: np.random.Generator) -> tuple[float, float]:
    """95% interval of sum(sums)/sum(counts), resampling participants (clusters), not texts."""
    if len(sums) < 2:
        v = float(sums.sum() / counts.sum()) if counts.sum() else np.nan
        return v, v
    idx = rng.integers(0, len(sums), size=(n_boot, len(sums)))
    ratios = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
    return float(np.quantile(ratios, 0.025)), float(np.quantile(ratios, 0.975))


OVER_TIME_COLUMNS = ["metric", "group", "basis", "wave", "period", "estimate", "ci_low", "ci_high", "n"]


def shares_over_time(
    texts: pd.DataFrame,
    time_col: str,
    group_by: str | None = None,
    min_group_size: int = 5,
    n_boot: int = 1000,
    random_state: int = 42,
) -> tuple[pd.DataFrame, list[str]]:
    """Shares per wave or period, counted in participants and in texts, with 95% intervals.

    ``basis = deelnemers``: share of participants with at least one text showing the
    indicator in that wave/period (depth: mean of each participant's highest level).
    ``basis = teksten``: share of texts showing it, i.e. normalised by the number of
    texts (depth: mean level per text). Groups or time slices with fewer than
    ``min_group_size`` participants are suppressed and listed.
    """
    rng = np.random.default_rng(random_state)
    metrics = indicator_columns(texts) + ["depth"]
    rows: list[dict] = []
    suppressed: list[str] = []
    data = texts[texts[time_col].notna()]
    groups = [("alle deelnemers", data)] if group_by is None else list(data.groupby(group_by))
    for group, frame in groups:
        label = str(group) if group_by is None else f"{group_by}={group}"
        if frame["participant_id"].nunique() < min_group_size:
            suppressed.append(f"{label} ({frame['participant_id'].nunique()} deelnemers)")
            continue
        for when in _time_values(frame, time_col):
            tf = frame[frame[time_col].astype(str) == when]
            n_people = tf["participant_id"].nunique()
            if n_people < min_group_size:
                suppressed.append(f"{label}, {when} ({n_people} deelnemers)")
                continue
            per_person = tf.groupby("participant_id")
            for m in metrics:
                top = per_person[m].max().to_numpy(dtype=float)  # participant level
                top = top[~np.isnan(top)]
                lo, hi = bootstrap_ci(top, n_boot, rng)
                stamp = {"wave": when if time_col == "wave" else "", "period": when if time_col != "wave" else ""}
                if len(top):
                    rows.append(
                        {
                            "metric": m,
                            "group": label,
                            "basis": "deelnemers",
                            **stamp,
                            "estimate": round(float(top.mean()), 4),
                            "ci_low": round(lo, 4),
                            "ci_high": round(hi, 4),
                            "n": int(len(top)),
                        }
                    )
                sums = per_person[m].sum(min_count=1).to_numpy(dtype=float)
                counts = per_person[m].count().to_numpy(dtype=float)
                keep = counts > 0
                sums, counts = sums[keep], counts[keep]
                if counts.sum():
                    lo, hi = _cluster_ci(sums, counts, n_boot, rng)
                    rows.append(
                        {
                            "metric": m,
                            "group": label,
                            "basis": "teksten",
                            **stamp,
                            "estimate": round(float(sums.sum() / counts.sum()), 4),
                            "ci_low": round(lo, 4),
                            "ci_high": round(hi, 4),
                            "n": int(counts.sum()),
                        }
                    )
    return pd.DataFrame(rows, columns=OVER_TIME_COLUMNS), suppressed


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
