"""Scoring the signal detectors against the gold standard (``sib-nlp evaluate``).

Every gold document goes through the normal pipeline as one text (its sentences
joined by a space), exactly as a participant's text would; each predicted
signal is credited to the gold sentence its evidence starts in. So the numbers
include the pipeline's own sentence splitting, lemmas and parse.

Reported:

- per sentence label: precision, recall, F1 and support, the macro average and a
  bootstrap interval for it (documents resampled);
- confusion between related labels (motivation, collaboration, reflection):
  how often a sentence with gold label A was given label B;
- appreciation: polarity (positief / neutraal / negatief) per sentence and the
  aspect, as F1 per class and macro;
- reflection depth per document: exact, within one step, mean absolute error;
- agreement between the first and the second annotation pass (Cohen's kappa).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from sib_nlp.signals.codebook import Codebook
from sib_nlp.signals.document import document_signals
from sib_nlp.signals.gold import DEFAULT_DIR, POLARITIES, GoldDocument, GoldSentence, load_gold, read_second_pass
from sib_nlp.signals.registrations import codebook_of

FAMILIES = {
    "motivatie": [
        "motivatie.intrinsiek",
        "motivatie.extrinsiek",
        "motivatie.autonomie",
        "motivatie.competentie",
        "motivatie.verbondenheid",
    ],
    "samenwerking": ["samenwerking.intern", "samenwerking.extern", "samenwerking.gedeeld"],
    "reflectie": ["reflectie.inzicht", "reflectie.voornemen", "motivatie.competentie"],
}


@dataclass
class Prediction:
    """What the pipeline said about one gold sentence."""

    gold: GoldSentence
    labels: frozenset[str]
    appreciation: frozenset[tuple[str, str]]
    is_evaluation: bool

    @property
    def polarities(self) -> frozenset[str]:
        return frozenset(p for _, p in self.appreciation)


@dataclass
class DocPrediction:
    gold: GoldDocument
    sentences: list[Prediction]
    depth: int


@dataclass
class Scores:
    precision: float
    recall: float
    f1: float
    support: int
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "support": self.support,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def prf(tp: int, fp: int, fn: int) -> Scores:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Scores(p, r, f, tp + fn, tp, fp, fn)


def run_gold_documents(
    docs: Sequence[GoldDocument], nlp: Language, batch_size: int = 32
) -> Iterator[tuple[Doc, GoldDocument, list[tuple[int, int]]]]:
    """Each gold document through the pipeline as one text: (Doc, the gold document, its sentence spans)."""

    def inputs() -> Iterator[tuple[Doc, int]]:
        for n, d in enumerate(docs):
            text, _ = d.text_and_offsets()
            doc = nlp.make_doc(text)
            doc.user_data["sib_text_type"] = d.text_type
            yield doc, n

    for doc, n in nlp.pipe(inputs(), as_tuples=True, batch_size=batch_size):
        yield doc, docs[n], docs[n].text_and_offsets()[1]


def predict_documents(
    docs: Sequence[GoldDocument], nlp: Language, codebook: Codebook | None = None, batch_size: int = 32
) -> list[DocPrediction]:
    """Run the pipeline over the gold documents and credit every signal to its gold sentence."""
    codebook = codebook or codebook_of(nlp)
    out: list[DocPrediction] = []
    for doc, gd, spans in run_gold_documents(docs, nlp, batch_size):
        labels: list[set[str]] = [set() for _ in spans]
        appreciation: list[set[tuple[str, str]]] = [set() for _ in spans]
        for s in doc._.sib_signals or []:
            i = _sentence_at(spans, s["start"])
            if s["label"] == "waardering":
                appreciation[i].add((s.get("aspect") or "algemeen", s["polarity"]))
            else:
                labels[i].add(s["label"])
        depth = next(e["value"] for e in document_signals(doc, codebook) if e["label"] == "reflectie.diepte")
        preds = [
            Prediction(g, frozenset(labels[i]), frozenset(appreciation[i]), gd.text_type == "evaluatie")
            for i, g in enumerate(gd.sentences)
        ]
        out.append(DocPrediction(gd, preds, depth))
    return out


def _sentence_at(spans: list[tuple[int, int]], char: int) -> int:
    for i, (_, end) in enumerate(spans):
        if char < end + 1:
            return i
    return len(spans) - 1


def set_scores(pairs: Iterable[tuple[Iterable[str], Iterable[str]]], classes: Sequence[str]) -> dict[str, Scores]:
    """Precision, recall and F1 per class over (gold classes, predicted classes) of each item."""
    counts = {c: [0, 0, 0] for c in classes}
    for gold_items, predicted_items in pairs:
        gold, predicted = set(gold_items), set(predicted_items)
        for c in classes:
            if c in gold and c in predicted:
                counts[c][0] += 1
            elif c in predicted:
                counts[c][1] += 1
            elif c in gold:
                counts[c][2] += 1
    return {c: prf(*n) for c, n in counts.items()}


def label_scores(preds: Iterable[Prediction], labels: Sequence[str]) -> dict[str, Scores]:
    return set_scores(((p.gold.labels, p.labels) for p in preds), labels)


def macro(scores: dict[str, Scores]) -> float:
    return sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0


def confusion(preds: Sequence[Prediction], family: Sequence[str]) -> dict[str, dict[str, int]]:
    """For gold label A (row): how many of its sentences were given label B (column); ``-`` = none of the family."""
    table: dict[str, dict[str, int]] = {}
    for a in family:
        row = {b: 0 for b in family}
        row["-"] = 0
        for p in preds:
            if a not in p.gold.labels:
                continue
            given = [b for b in family if b in p.labels]
            for b in given:
                row[b] += 1
            if not given:
                row["-"] += 1
        table[a] = row
    return table


def polarity_scores(preds: Iterable[Prediction]) -> dict[str, Scores]:
    """Per polarity class, over evaluation sentences and every sentence with gold appreciation."""
    pairs = ((p.gold.polarities, p.polarities) for p in preds if p.is_evaluation or p.gold.appreciation)
    return set_scores(pairs, list(POLARITIES.values()))


def aspect_scores(preds: Iterable[Prediction]) -> dict[str, Scores]:
    pairs = [({a for a, _ in p.gold.appreciation}, {a for a, _ in p.appreciation}) for p in preds]
    aspects = sorted(set().union(*(g | s for g, s in pairs))) if pairs else []
    return set_scores(pairs, aspects)


def depth_scores(doc_preds: Iterable[DocPrediction]) -> dict[str, Any]:
    pairs = [(d.gold.depth, d.depth) for d in doc_preds if d.gold.depth is not None]
    n = len(pairs)
    if not n:
        return {"documents": 0}
    exact = sum(g == p for g, p in pairs)
    within = sum(abs(g - p) <= 1 for g, p in pairs)
    table = {g: {p: 0 for p in range(4)} for g in range(4)}
    for g, p in pairs:
        table[g][p] += 1
    return {
        "documents": n,
        "exact": round(exact / n, 3),
        "within_one": round(within / n, 3),
        "mae": round(sum(abs(g - p) for g, p in pairs) / n, 3),
        "table": {str(g): {str(p): c for p, c in row.items()} for g, row in table.items()},
    }


def bootstrap_macro(
    doc_preds: Sequence[DocPrediction], labels: Sequence[str], rounds: int = 1000, seed: int = 13
) -> tuple[float, float]:
    """95% interval of the macro F1 when documents are resampled with replacement."""
    rng = random.Random(seed)
    values = []
    for _ in range(rounds):
        sample = [doc_preds[rng.randrange(len(doc_preds))] for _ in doc_preds]
        values.append(macro(label_scores([p for d in sample for p in d.sentences], labels)))
    values.sort()
    return values[int(0.025 * rounds)], values[int(0.975 * rounds) - 1]


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    n = len(a)
    if not n:
        return None
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe == 1:
        return None  # both passes gave the same constant answer: kappa undefined
    return (po - pe) / (1 - pe)


def agreement(first: dict[str, GoldSentence], second: dict[str, GoldSentence], labels: Sequence[str]) -> dict[str, Any]:
    """Cohen's kappa per label (and for appreciation polarity) on the sentences both passes annotated."""
    keys = sorted(set(first) & set(second))
    per_label: dict[str, Any] = {}
    for lab in labels:
        a = [lab in first[k].labels for k in keys]
        b = [lab in second[k].labels for k in keys]
        k = cohen_kappa(a, b)
        per_label[lab] = {"kappa": None if k is None else round(k, 3), "first": sum(a), "second": sum(b)}
    pol: dict[str, Any] = {}
    for cls in POLARITIES.values():
        a = [cls in first[k].polarities for k in keys]
        b = [cls in second[k].polarities for k in keys]
        k = cohen_kappa(a, b)
        pol[cls] = {"kappa": None if k is None else round(k, 3), "first": sum(a), "second": sum(b)}
    exact = sum(first[k].labels == second[k].labels for k in keys)
    kappas = [v["kappa"] for v in per_label.values() if v["kappa"] is not None]
    return {
        "sentences": len(keys),
        "labels": per_label,
        "polarity": pol,
        "mean_kappa": round(sum(kappas) / len(kappas), 3) if kappas else None,
        "identical_label_sets": round(exact / len(keys), 3) if keys else None,
    }


@dataclass
class Report:
    split: str
    documents: int
    sentences: int
    labels: dict[str, Scores]
    macro_f1: float
    macro_interval: tuple[float, float]
    confusions: dict[str, dict[str, dict[str, int]]]
    polarity: dict[str, Scores]
    polarity_macro_f1: float
    aspects: dict[str, Scores]
    depth: dict[str, Any]
    agreement: dict[str, Any] | None = None
    detector: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "detector": self.detector,
            "documents": self.documents,
            "sentences": self.sentences,
            "labels": {k: v.as_dict() for k, v in self.labels.items()},
            "macro_f1": round(self.macro_f1, 3),
            "macro_f1_interval": [round(x, 3) for x in self.macro_interval],
            "lowest_label": min(self.labels, key=lambda k: self.labels[k].f1) if self.labels else None,
            "confusions": self.confusions,
            "polarity": {k: v.as_dict() for k, v in self.polarity.items()},
            "polarity_macro_f1": round(self.polarity_macro_f1, 3),
            "aspects": {k: v.as_dict() for k, v in self.aspects.items()},
            "depth": self.depth,
            "agreement": self.agreement,
            **self.extra,
        }


def evaluate(
    nlp: Language,
    split: str = "test",
    gold_dir: Path | None = None,
    codebook: Codebook | None = None,
    second_pass: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    codebook = codebook or codebook_of(nlp)
    labels = codebook.sentence_labels
    docs = load_gold(gold_dir, split=None if split == "all" else split, known_labels=labels)
    if not docs:
        raise ValueError(f"no gold documents for split {split!r}")
    doc_preds = predict_documents(docs, nlp, codebook)
    preds = [p for d in doc_preds for p in d.sentences]
    scores = label_scores(preds, labels)
    pol = polarity_scores(preds)
    agreement_out = None
    path = second_pass or (gold_dir or DEFAULT_DIR) / "tweede_pass.txt"
    if path.exists():
        first = {s.key: s for d in load_gold(gold_dir, known_labels=labels) for s in d.sentences}
        agreement_out = agreement(first, read_second_pass(path), labels)
    detectors = [n for n in nlp.pipe_names if n.startswith("sib_signal")]
    return Report(
        split=split,
        documents=len(docs),
        sentences=len(preds),
        labels=scores,
        macro_f1=macro(scores),
        macro_interval=bootstrap_macro(doc_preds, labels),
        confusions={name: confusion(preds, fam) for name, fam in FAMILIES.items()},
        polarity=pol,
        polarity_macro_f1=macro(pol),
        aspects=aspect_scores(preds),
        depth=depth_scores(doc_preds),
        agreement=agreement_out,
        detector=", ".join(detectors),
    )


def format_report(report: Report) -> str:
    """Plain-text tables for the terminal."""
    lines = [
        f"Gold standard, part {report.split!r}: {report.documents} documents, {report.sentences} sentences",
        f"Detectors: {report.detector}",
        "",
        f"{'label':28} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}",
    ]
    for lab, s in report.labels.items():
        lines.append(f"{lab:28} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:5d}")
    lo, hi = report.macro_interval
    lines += [f"{'macro F1':28} {'':6} {'':6} {report.macro_f1:6.3f}   (95% bootstrap {lo:.3f}-{hi:.3f})", ""]
    lines.append("Appreciation polarity (sentences of evaluations):")
    for cls, s in report.polarity.items():
        lines.append(f"  {cls:26} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:5d}")
    lines.append(f"  {'macro F1':26} {'':6} {'':6} {report.polarity_macro_f1:6.3f}")
    lines.append("Appreciation aspect:")
    for a, s in report.aspects.items():
        lines.append(f"  {a:26} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:5d}")
    d = report.depth
    if d.get("documents"):
        lines += [
            "",
            f"Reflection depth ({d['documents']} documents): exact {d['exact']:.3f}, "
            f"within one step {d['within_one']:.3f}, mean absolute error {d['mae']:.3f}",
        ]
    for name, table in report.confusions.items():
        cols = list(next(iter(table.values())).keys())
        short = [c.split(".")[-1][:6] for c in cols]
        lines += [
            "",
            f"Confusion, {name} (row = gold label, column = label given):",
            " " * 26 + " ".join(f"{c:>6}" for c in short),
        ]
        for a, row in table.items():
            lines.append(f"  {a:24}" + " ".join(f"{row[c]:6d}" for c in cols))
    if report.agreement:
        ag = report.agreement
        lines += ["", f"Agreement first vs second annotation pass ({ag['sentences']} sentences), Cohen's kappa:"]
        for lab, v in ag["labels"].items():
            k = "  n/a" if v["kappa"] is None else f"{v['kappa']:5.2f}"
            lines.append(f"  {lab:26} {k}   ({v['first']} / {v['second']} sentences)")
        lines.append(f"  mean kappa {ag['mean_kappa']}, identical label sets {ag['identical_label_sets']}")
    return "\n".join(lines)
