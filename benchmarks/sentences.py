"""Sentence starts in run-on answers: the line rules alone (``sib_line_breaks_v1``) against the line
rules plus the run-on rules (``sib_line_breaks_v2``), with the project's Dutch pipeline.

Two measurements, each for both versions in the same run:

- **gold documents** (``data/gold/signals``, the development part by default): every document is
  joined into one text with spaces, as ``sib-nlp evaluate`` reads it, so the pipeline has to find the
  sentence boundaries itself. Chat-style answers there have neither capitals nor final punctuation
  ("ik werk bij HR mijn manager vond dat ik dit moest doen"). Counted: gold sentence starts the
  pipeline finds, gold starts it misses, and pipeline starts where the gold has none;
- **UD test part** (``../shared/data/ud``, the split of ``sib-nlp train-dutch``): spaCy's sentence F
  on edited, punctuated text, where the run-on rules should change nothing.

    python benchmarks/sentences.py            # writes benchmarks/results/sentences.json
    python benchmarks/sentences.py --part all # every gold document (dev and test)

The gold test part is left out by default: its documents are only read for the final measurement of
a tuning round.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

ROOT = Path(__file__).parent.parent
OUT = Path(__file__).parent / "results" / "sentences.json"
VERSIONS = ("sib_line_breaks_v1", "sib_line_breaks_v2")


def _pipeline(version: str):  # noqa: ANN202 - a spaCy Language
    from sib_nlp.config import Settings
    from sib_nlp.nlp import load_dutch

    nlp = load_dutch(Settings(signal_model="none"))
    name = next(n for n in nlp.pipe_names if nlp.get_pipe_meta(n).factory.startswith("sib_line_breaks"))
    if nlp.get_pipe_meta(name).factory != version:
        nlp.replace_pipe(name, version)
    return nlp


def gold_boundaries(version: str, part: str | None) -> dict[str, int]:
    from sib_nlp.signals.gold import load_gold

    nlp = _pipeline(version)
    docs = load_gold(split=part)
    found = missed = false = 0
    keep = [p for p in nlp.pipe_names if not p.startswith("sib_signal")]
    texts = (d.text_and_offsets()[0] for d in docs)
    with nlp.select_pipes(enable=keep):
        for d, doc in zip(docs, nlp.pipe(texts, batch_size=64), strict=True):
            gold = {start for start, _ in d.text_and_offsets()[1][1:]}
            predicted = {s.start_char for s in doc.sents} - {0}
            found += len(gold & predicted)
            missed += len(gold - predicted)
            false += len(predicted - gold)
    return {"documents": len(docs), "gold_starts": found + missed, "found": found, "missed": missed, "false": false}


def ud_sentence_f(version: str, ud_dir: Path) -> float:
    import sib_nlp.nlp.registrations  # noqa: F401
    from sib_nlp.nlp.evaluate import score_docbin
    from sib_nlp.nlp.train import ud_files
    from sib_nlp.nlp.ud import convert_ud

    nlp = _pipeline(version)
    with nlp.select_pipes(enable=[p for p in nlp.pipe_names if not p.startswith("sib_signal")]):
        with tempfile.TemporaryDirectory() as tmp:
            convert_ud(ud_files(ud_dir), Path(tmp))
            return float(score_docbin(nlp, Path(tmp) / "test.spacy")["sents_f"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", default="dev", choices=["dev", "all"], help="gold documents to read")
    parser.add_argument("--ud", type=Path, default=ROOT.parent / "shared" / "data" / "ud")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    part = None if args.part == "all" else args.part
    result: dict[str, object] = {"gold_part": args.part}
    for version in VERSIONS:
        result[version] = {"gold": gold_boundaries(version, part)}
        if args.ud.is_dir():
            result[version]["ud_test_sentence_f"] = ud_sentence_f(version, args.ud)  # type: ignore[index]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
