"""Units of analysis for themes: sentences or paragraphs, built from stored sentences.

Documents are long and mix subjects, so themes are modelled on smaller units
and aggregated back to documents and participants afterwards.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

MIN_WORDS = 4  # "Klaar." or "Geen." says nothing about a theme


def build_units(documents: pd.DataFrame, sentences: pd.DataFrame, unit: str = "sentence") -> pd.DataFrame:
    """Columns: unit_id, document_id, text, terms. ``unit`` is ``sentence`` or ``paragraph``."""
    if unit not in {"sentence", "paragraph"}:
        raise ValueError(f"theme unit must be 'sentence' or 'paragraph', not {unit!r}")
    cols = ["unit_id", "document_id", "text", "terms"]
    if sentences.empty:
        return pd.DataFrame(columns=cols)
    sents = sentences[sentences["document_id"].isin(set(documents["document_id"]))]
    if unit == "sentence":
        out = pd.DataFrame(
            {
                "unit_id": sents["sentence_id"],
                "document_id": sents["document_id"],
                "text": sents["text"],
                "terms": sents["lemmas"].fillna(""),
            }
        )
    else:
        texts = dict(zip(documents["document_id"], documents["text"], strict=True))
        rows = []
        for doc_id, group in sents.sort_values(["document_id", "idx"]).groupby("document_id", sort=False):
            text = texts.get(doc_id, "")
            para = 0
            current: list[Any] = []
            last_end = 0
            for s in group.itertuples():
                if current and "\n\n" in text[last_end : s.start_char]:
                    rows.append(_paragraph(doc_id, para, current))
                    para, current = para + 1, []
                current.append(s)
                last_end = s.end_char
            if current:
                rows.append(_paragraph(doc_id, para, current))
        out = pd.DataFrame(rows, columns=cols)
    words = out["text"].str.split().str.len().fillna(0)
    return out[words >= MIN_WORDS].reset_index(drop=True)


def _paragraph(doc_id: str, index: int, sents: list) -> dict:
    return {
        "unit_id": f"{doc_id}:p{index}",
        "document_id": doc_id,
        "text": " ".join(s.text for s in sents),
        "terms": " ".join(s.lemmas or "" for s in sents),
    }
