"""The annotation round-trip: sentences out to annotators, their labels back in.

Export (:func:`export_sentences`): a CSV, XLSX or JSON Lines file with one row
per sentence — ``id``, ``document``, ``text_type``, ``text`` — and one empty
column per codebook label (plus ``opmerking``), in the codebook's order. An
annotator puts ``1`` (or ``x``, ``ja``) in the columns that apply. JSON Lines
rows carry ``labels: []`` instead, for annotation tools. Texts come from the
store, so they are already pseudonymised.

Import (:func:`read_annotations`): the same files back, as
:class:`~sib_nlp.signals.gold.GoldSentence` objects; every problem names the
file and row. Two annotators' files give Cohen's kappa per label
(:func:`compare_annotators`).

Active learning (:func:`most_uncertain`): the sentences whose classifier
probability lies closest to the label's threshold come first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sib_nlp.io.outputs import write_csv, write_text, write_xlsx
from sib_nlp.signals.evaluate import agreement
from sib_nlp.signals.gold import GoldSentence

YES = {"1", "x", "ja", "j", "yes", "y", "true", "waar", "✓"}
NO = {"", "0", "nee", "n", "no", "false", "onwaar", "-", "nan", "none"}
FIXED = ("id", "document", "text_type", "text")


class AnnotationError(ValueError):
    """An annotation file that cannot be read; the message names file and row."""


def export_sentences(rows: pd.DataFrame, labels: Sequence[str], path: Path) -> Path:
    """Write ``rows`` (columns id, document, text_type, text) for annotation; format from the suffix."""
    missing = [c for c in FIXED if c not in rows.columns]
    if missing:
        raise ValueError(f"sentences to export lack column(s): {', '.join(missing)}")
    suffix = path.suffix.lower()
    table = rows[list(FIXED)].copy()
    if suffix == ".jsonl":
        lines = [json.dumps({**rec, "labels": []}, ensure_ascii=False) for rec in table.to_dict("records")]
        return write_text(path, "\n".join(lines) + ("\n" if lines else ""))
    for lab in labels:
        table[lab] = ""
    table["opmerking"] = ""
    if suffix == ".csv":
        return write_csv(path, table)
    if suffix == ".xlsx":
        return write_xlsx(path, {"annotatie": table})
    raise ValueError(f"{path.name}: export format must be .csv, .xlsx or .jsonl")


def _truth(value: Any, where: str, column: str) -> bool:
    text = str(value).strip().lower() if value is not None else ""
    if text in YES:
        return True
    if text in NO:
        return False
    raise AnnotationError(f"{where}: column {column!r} has {value!r}; use 1 (applies) or leave it empty")


def read_annotations(path: Path, labels: Sequence[str]) -> list[GoldSentence]:
    """Annotated sentences from a file written by :func:`export_sentences` (and filled in)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise AnnotationError(f"{path}: no such file")
    out: list[GoldSentence] = []
    known = set(labels)
    if suffix == ".jsonl":
        for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name}, regel {n}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise AnnotationError(f"{where}: not valid JSON ({exc.msg})") from None
            if not isinstance(rec, dict) or "id" not in rec or "text" not in rec:
                raise AnnotationError(f"{where}: a line needs 'id', 'text' and 'labels'")
            labs = rec.get("labels") or []
            if not isinstance(labs, list):
                raise AnnotationError(f"{where}: 'labels' must be a list of label ids")
            unknown = [lab for lab in labs if lab not in known]
            if unknown:
                raise AnnotationError(f"{where}: label(s) not in the codebook: {', '.join(map(str, unknown))}")
            out.append(_sentence(rec, frozenset(labs)))
        return out
    if suffix == ".csv":
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        table = pd.read_excel(path, dtype=str).fillna("")
    else:
        raise AnnotationError(f"{path.name}: annotation files must be .csv, .xlsx or .jsonl")
    for col in ("id", "text"):
        if col not in table.columns:
            raise AnnotationError(f"{path.name}: column {col!r} is missing")
    label_cols = [c for c in table.columns if c in known]
    if not label_cols:
        raise AnnotationError(f"{path.name}: none of the columns is a codebook label ({', '.join(labels)})")
    for i, rec in enumerate(table.to_dict("records")):
        where = f"{path.name}, rij {i + 2}"  # row 1 is the header
        chosen = frozenset(c for c in label_cols if _truth(rec.get(c), where, c))
        out.append(_sentence(rec, chosen))
    return out


def _sentence(rec: dict[str, Any], labels: frozenset[str]) -> GoldSentence:
    sid = str(rec["id"])
    doc = str(rec.get("document") or sid)
    text = str(rec["text"])
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # the export's protection against spreadsheet formulas
    return GoldSentence(doc, 0, text, labels, ident=sid)


def compare_annotators(first: Path, second: Path, labels: Sequence[str]) -> dict[str, Any]:
    """Cohen's kappa per label between two annotated copies of the same export (matched on ``id``)."""
    a = {s.key: s for s in read_annotations(first, labels)}
    b = {s.key: s for s in read_annotations(second, labels)}
    return agreement(a, b, labels)


def most_uncertain(
    probabilities: Iterable[tuple[str, dict[str, float]]], thresholds: dict[str, float], n: int
) -> list[str]:
    """Ids of the ``n`` sentences whose probability for some label lies closest to that label's threshold."""
    scored = []
    for sid, probs in probabilities:
        margin = min((abs(p - thresholds.get(lab, 0.5)) for lab, p in probs.items()), default=1.0)
        scored.append((margin, sid))
    scored.sort()
    return [sid for _, sid in scored[:n]]


def annotation_sample(
    settings: Any, out: Path, n: int, uncertain: bool = False, seed: int = 1, pool_factor: int = 20
) -> tuple[Path, int]:
    """Sentences from the store for annotation: a random sample, or (``uncertain``) the least certain ones.

    For ``uncertain`` the current classifier scores a random pool of ``pool_factor * n`` sentences
    and the ``n`` with a probability closest to a label's threshold are exported.
    """
    from sib_nlp.io.store import Store
    from sib_nlp.nlp.loader import load_dutch
    from sib_nlp.signals.classifier import SignalClassifier, sentence_features
    from sib_nlp.signals.registrations import resolve_signal_model

    if n < 1:
        raise ValueError("the number of sentences must be at least 1")
    if not Path(settings.store_path).exists():
        raise FileNotFoundError(
            f"{settings.store_path}: no store yet; run `sib-nlp ingest` and `sib-nlp analyse` first"
        )
    with Store(settings.store_path, read_only=True) as store:
        rows = store.con.execute(
            "SELECT s.sentence_id AS id, s.document_id AS document, d.text_type, s.text "
            "FROM sentences s JOIN documents d USING (document_id) ORDER BY s.sentence_id"
        ).df()
    if rows.empty:
        raise ValueError(f"{settings.store_path}: no analysed sentences; run `sib-nlp analyse` first")
    take = min(len(rows), n * (pool_factor if uncertain else 1))
    rows = rows.sample(n=take, random_state=seed) if take < len(rows) else rows
    if uncertain:
        folder = resolve_signal_model(
            "auto" if settings.signal_model == "none" else settings.signal_model, settings.models_dir
        )
        if folder is None:
            raise FileNotFoundError("no trained classifier to rank by; run `sib-nlp train-signals` or drop --uncertain")
        model = SignalClassifier.load(folder)
        nlp = load_dutch(settings.with_overrides(signal_model="none"))
        scored = []
        for doc, sid in nlp.pipe(((t, i) for t, i in zip(rows["text"], rows["id"], strict=True)), as_tuples=True):
            feats = sentence_features(list(doc), doc._.sib_signals or [], model.labels)
            probs = {lab: p for lab, p in model.probabilities(feats).items() if model.decides(lab)}
            scored.append((sid, probs))
        keep = most_uncertain(scored, model.thresholds, n)
        rows = rows.set_index("id").loc[keep].reset_index()
    from sib_nlp.pipeline import settings_codebook

    return export_sentences(rows.head(n), settings_codebook(settings).sentence_labels, out), min(n, len(rows))
