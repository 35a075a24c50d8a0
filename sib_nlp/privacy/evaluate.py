"""Recall and precision of the pseudonymisation per kind of personal data, on the PII gold set.

- *recall* of a kind: the share of planted spans that are completely covered by redaction
  (``covered by any kind`` also counts a phone number redacted as a BSN: for privacy what matters is
  that it is gone; ``same kind`` is the stricter figure);
- *precision* for names: the share of redacted ``persoon`` spans that overlap a planted name;
- *hard negatives kept*: organisations, places and words like "Rijk" that must stay readable.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from sib_nlp.privacy.pseudonymise import KINDS, pseudonymise

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "data" / "gold" / "pii_gold.jsonl"
# the parts in the order they were written (docs/privacy.md says which were tuned on)
GOLD_PARTS = (
    "pii_gold.jsonl",
    "pii_gold_test.jsonl",
    "pii_gold_final.jsonl",
    "pii_gold_holdout.jsonl",
    "pii_gold_fresh.jsonl",
    "pii_gold_blind.jsonl",
)


def _covered(text: str, start: int, end: int, spans, kind: str | None = None) -> bool:  # noqa: ANN001
    """Is every non-space character of [start, end) inside a predicted span (of ``kind`` if given)?"""
    chars: set[int] = set()
    for s in spans:
        if kind is None or s.kind == kind:
            chars.update(range(s.start, s.end))
    return all(i in chars or text[i].isspace() for i in range(start, end))


def evaluate_pii(gold_path: Path = DEFAULT_GOLD) -> dict[str, Any]:
    records = [json.loads(line) for line in Path(gold_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    planted: dict[str, int] = defaultdict(int)
    hit_any: dict[str, int] = defaultdict(int)
    hit_same: dict[str, int] = defaultdict(int)
    name_pred = name_pred_ok = 0
    neg_total = neg_kept = 0
    misses: list[dict[str, str]] = []
    false_names: list[str] = []
    for rec in records:
        out = pseudonymise(rec["text"])
        spans = out.spans
        for g in rec["spans"]:
            planted[g["kind"]] += 1
            if _covered(rec["text"], g["start"], g["end"], spans):
                hit_any[g["kind"]] += 1
            else:
                misses.append({"id": rec["id"], "kind": g["kind"], "text": g["text"]})
            if _covered(rec["text"], g["start"], g["end"], spans, g["kind"]):
                hit_same[g["kind"]] += 1
        gold_names = [g for g in rec["spans"] if g["kind"] == "persoon"]
        for s in spans:
            if s.kind != "persoon":
                continue
            name_pred += 1
            if any(s.start < g["end"] and g["start"] < s.end for g in gold_names):
                name_pred_ok += 1
            else:
                false_names.append(s.text)
        for n in rec["negatives"]:
            neg_total += 1
            if not any(s.start < n["end"] and n["start"] < s.end for s in spans):
                neg_kept += 1
    per_kind = {
        k: {
            "planted": planted[k],
            "recall_any": round(hit_any[k] / planted[k], 4) if planted[k] else None,
            "recall_same_kind": round(hit_same[k] / planted[k], 4) if planted[k] else None,
        }
        for k in KINDS
        if planted[k]
    }
    return {
        "gold": str(gold_path),
        "texts": len(records),
        "per_kind": per_kind,
        "name_precision": round(name_pred_ok / name_pred, 4) if name_pred else None,
        "name_predictions": name_pred,
        "hard_negatives_kept": round(neg_kept / neg_total, 4) if neg_total else None,
        "hard_negatives": neg_total,
        "misses": misses[:50],
        "false_names": sorted(set(false_names))[:50],
    }
