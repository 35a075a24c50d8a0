"""A generated Dutch corpus of any size, for the scale and memory benchmarks.

Texts are recombined from the sentences of the hand-written sample sources
(``data/sample_source/reflecties_*.txt``): 3-8 sentences each, with participants,
waves, directorates and roles spread evenly, written as semicolon CSV exports
like the learning platform's. The same seed gives the same corpus.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sample_source"
UNITS = ["Directie Leefomgeving", "Directie Samenleving", "Directie Strategie", "Directie Bedrijfsvoering"]
WAVES = [("intake", "2026-02-15"), ("midden", "2026-06-15"), ("eind", "2026-10-15")]
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def source_sentences() -> list[str]:
    out = []
    for path in sorted(SOURCES.glob("reflecties_*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^(intake|midden|eind) \d{4}-\d{2}-\d{2}: (.*)$", line)
            if m:
                out.extend(s.strip() for s in _SENT.split(m.group(2)) if len(s.strip()) > 20)
    return sorted(set(out))


def generate(n_texts: int, out_dir: Path, seed: int = 0, files: int = 10) -> tuple[list[Path], int]:
    """Write ``n_texts`` texts over ``files`` CSV files; returns the paths and the number of words."""
    rng = random.Random(seed)
    sentences = source_sentences()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"export_{i:02d}.csv" for i in range(files)]
    writers = []
    handles = [open(p, "w", encoding="utf-8", newline="") for p in paths]
    try:
        for fh in handles:
            w = csv.writer(fh, delimiter=";")
            w.writerow(["deelnemer", "directie", "rol", "meting", "datum", "tekst"])
            writers.append(w)
        words = 0
        for i in range(n_texts):
            participant = i // 3
            wave, day = WAVES[i % 3]
            text = " ".join(rng.sample(sentences, rng.randint(3, 8)))
            words += len(text.split())
            writers[participant % files].writerow(
                [
                    f"G{participant:06d}",
                    UNITS[participant % len(UNITS)],
                    "leidinggevende" if participant % 7 == 0 else "medewerker",
                    wave,
                    day,
                    text,
                ]
            )
    finally:
        for fh in handles:
            fh.close()
    return paths, words
