"""Document-level signals, derived from the sentence signals (no second pass over the text).

- per label: present or not, the highest confidence and the evidence sentence;
- ``reflectie.diepte``: an ordinal level 0-3 after Hatton & Smith
  (beschrijvend, beschrijvend-reflectief, dialogisch, kritisch/transformatief),
  from the reflection signals and the codebook's markers of reasoning,
  dialogue and critique.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from sib_nlp.signals.codebook import Codebook
from sib_nlp.signals.detectors import any_phrase, token_keys


def reflection_depth(doc: Doc, codebook: Codebook, signals: list[dict[str, Any]]) -> tuple[int, float, str]:
    """(level, confidence, short explanation in Dutch)."""
    keys = token_keys(doc)
    labels = [s["label"] for s in signals]
    insights = labels.count("reflectie.inzicht")
    intentions = labels.count("reflectie.voornemen")
    reasoning = any_phrase(keys, codebook.depth_reasoning)
    dialogic = any_phrase(keys, codebook.depth_dialogic)
    critical = any_phrase(keys, codebook.depth_critical)
    n_sents = max(1, sum(1 for _ in doc.sents))
    if critical and (insights or dialogic) and n_sents >= 3:
        return 3, 0.6, "kritische reflectie: eigen aannames of het bredere systeem ter discussie"
    if dialogic and (insights or reasoning) or insights >= 2 and intentions:
        return 2, 0.6, "dialogisch: weegt perspectieven of alternatieven af"
    if insights or reasoning and intentions or reasoning and n_sents >= 2:
        return 1, 0.55, "beschrijvend-reflectief: geeft redenen of een les"
    return 0, 0.6, "beschrijvend: vertelt wat er gebeurde"


def document_signals(doc: Doc, codebook: Codebook) -> list[dict[str, Any]]:
    """One entry per label present, with the strongest evidence; plus the reflection depth."""
    sentence_signals = doc._.sib_signals or []
    best: dict[tuple[str, str | None], dict[str, Any]] = {}
    counts: dict[tuple[str, str | None], int] = {}
    for s in sentence_signals:
        key = (s["label"], s.get("aspect"))
        counts[key] = counts.get(key, 0) + 1
        if key not in best or s["confidence"] > best[key]["confidence"]:
            best[key] = s
    out = []
    n_sents = max(1, sum(1 for _ in doc.sents))
    for key, s in best.items():
        entry = dict(s)
        entry["sentences"] = counts[key]
        entry["share"] = round(counts[key] / n_sents, 3)
        if s["label"] == "waardering":
            pols = [x["polarity"] for x in sentence_signals if (x["label"], x.get("aspect")) == key]
            score = pols.count("positief") - pols.count("negatief")
            entry["polarity"] = "positief" if score > 0 else "negatief" if score < 0 else "neutraal"
        out.append(entry)
    level, conf, why = reflection_depth(doc, codebook, sentence_signals)
    out.append(
        {
            "label": "reflectie.diepte",
            "confidence": conf,
            "evidence": why,
            "value": level,
            "value_name": codebook.depth_levels.get(level, str(level)),
            "detector": "sib.reflection_depth.v1",
        }
    )
    return out
