"""Annotating texts one by one: the contract of ``sib-nlp annotate`` and ``sib_nlp.annotate()``.

Each input ``{"id": ..., "text": ..., optional metadata}`` gives one output
record with ``id``, ``language``, ``pipeline`` (name and version), ``text``
(cleaned and pseudonymised), ``sentences`` (``text``, ``tokens`` with
``text``/``lemma``/``pos``, ``signals``), document-level ``signals`` and ``pii``
(counts of what was replaced, by kind). Signals carry ``label``,
``confidence`` and ``evidence`` (plus detector, polarity, aspect, partner,
modality where they apply). Non-Dutch texts get ``language`` and no analysis.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language

from sib_nlp.nlp.loader import pipeline_info
from sib_nlp.privacy.pseudonymise import pseudonymise
from sib_nlp.signals.document import document_signals
from sib_nlp.signals.registrations import codebook_of
from sib_nlp.text.clean import clean_text
from sib_nlp.text.language import detect_language

SIGNAL_KEYS = ("label", "confidence", "evidence", "detector", "polarity", "aspect", "partner", "modality")


class BadRecord(ValueError):
    pass


def _signal_out(s: dict[str, Any]) -> dict[str, Any]:
    out = {k: s[k] for k in SIGNAL_KEYS if s.get(k) is not None}
    if "value" in s:
        out["value"] = s["value"]
        out["value_name"] = s.get("value_name")
    return out


def parse_line(line: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadRecord(f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(obj, dict):
        raise BadRecord("a line must be a JSON object with 'id' and 'text'")
    if "text" not in obj:
        raise BadRecord("missing field 'text'")
    if not isinstance(obj["text"], str):
        raise BadRecord("field 'text' must be a string")
    if "id" not in obj:
        raise BadRecord("missing field 'id'")
    return obj


def annotate_records(
    records: Iterable[dict[str, Any]], nlp: Language, max_chars: int = 100_000, batch_size: int = 32
) -> Iterator[dict[str, Any]]:
    """Annotate dict records (already parsed); yields one output dict per record, in order."""
    codebook = codebook_of(nlp)
    info = pipeline_info(nlp)
    pipe = {"name": info.get("name"), "version": info.get("version"), "source": info.get("source")}

    def prepared() -> Iterator[tuple[Any, dict[str, Any]]]:
        for rec in records:
            text = clean_text(rec["text"][:max_chars])
            language = detect_language(text) if text.strip() else "unknown"
            pseudo = pseudonymise(text)
            ctx = {
                "id": rec["id"],
                "language": language,
                "text": pseudo.text,
                "pii": pseudo.counts,
                "truncated": len(rec["text"]) > max_chars,
            }
            doc = nlp.make_doc(pseudo.text if language == "nl" else "")
            doc.user_data["sib_text_type"] = rec.get("text_type")
            yield doc, ctx

    for doc, ctx in nlp.pipe(prepared(), as_tuples=True, batch_size=batch_size):
        out: dict[str, Any] = {
            "id": ctx["id"],
            "language": ctx["language"],
            "pipeline": pipe,
            "text": ctx["text"],
        }
        sentence_signals: dict[int, list[dict[str, Any]]] = {}
        for s in doc._.sib_signals or []:
            sentence_signals.setdefault(s["sentence"], []).append(_signal_out(s))
        out["sentences"] = (
            [
                {
                    "text": sent.text.strip(),
                    "tokens": [{"text": t.text, "lemma": t.lemma_, "pos": t.pos_} for t in sent if not t.is_space],
                    "signals": sentence_signals.get(i, []),
                }
                for i, sent in enumerate(doc.sents)
            ]
            if len(doc)
            else []
        )
        out["signals"] = [_signal_out(s) for s in document_signals(doc, codebook)] if len(doc) else []
        out["pii"] = ctx["pii"]
        if ctx["truncated"]:
            out["note"] = f"text truncated to {max_chars} characters"
        if ctx["language"] != "nl":
            out["note"] = "not Dutch: not analysed"
        yield out


def annotate_lines(lines: Iterable[str], nlp: Language, max_chars: int = 100_000) -> Iterator[dict[str, Any]]:
    """JSON Lines in, one output per non-empty line; bad lines give ``{"line": N, "error": ...}``."""
    pending: list[tuple[int, dict[str, Any]]] = []

    def flush() -> Iterator[dict[str, Any]]:
        recs = [r for _, r in pending]
        yield from annotate_records(recs, nlp, max_chars)
        pending.clear()

    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = parse_line(line)
        except BadRecord as exc:
            yield from flush()
            yield {"line": lineno, "error": str(exc)}
            continue
        pending.append((lineno, rec))
        if len(pending) >= 64:
            yield from flush()
    yield from flush()
