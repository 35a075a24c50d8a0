"""Add a signal label end to end, exactly as docs/extending.md describes it.

    python examples/add_a_label.py /tmp/nieuw-label

In a fresh work folder (nothing in the project changes) it:

1. copies the codebook and adds the label ``leren.experimenteren`` (naam, definitie, patronen);
2. copies the gold standard and adds gold sentences for the label (full label id);
3. ingests and analyses a small corpus with the patterns alone;
4. exports sentences for annotation and marks the new label (standing in for an annotator);
5. retrains the classifier with ``sib-nlp train-signals --annotations ...``;
6. scores it with ``sib-nlp evaluate``;
7. analyses again with the new model and writes the report, which shows the label.

Every step is the ``sib-nlp`` command a person would type; it prints each one.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from sib_nlp.signals.codebook import DEFAULT_CODEBOOK
from sib_nlp.signals.gold import DEFAULT_DIR

ROOT = Path(__file__).resolve().parent.parent
LABEL = "leren.experimenteren"
# what our stand-in annotator marks: sentences about trying something new
EXPERIMENT = re.compile(r"uitgeprobeerd|experiment|geprobeerd|uitproberen", re.I)

INTAKE = [
    "Ik werk aan de regeling voor {x}. Ik stem vooral af met mijn teamleider.",
    "Mijn opdracht gaat over {x}. Ik heb nog geen contact met gemeenten.",
]
EIND = [
    "Ik heb een nieuwe werkvorm uitgeprobeerd in het overleg over {x}. Dat werkte goed.",
    "We hebben een klein experiment gedaan met {x} samen met twee gemeenten.",
    "Ik heb geprobeerd het gesprek over {x} anders te voeren, met vragen in plaats van antwoorden.",
    "Ik heb veel geleerd over {x}. Volgende keer betrek ik bewoners eerder.",
]
TOPICS = ["bodemsanering", "jeugdzorg", "inburgering", "energie", "wonen", "water", "mobiliteit", "onderwijs"]


def sib_nlp(config: Path, *args: str) -> str:
    """Run one ``sib-nlp`` command with the work folder's settings; stop with its message if it fails."""
    print("$ sib-nlp --config", config.name, *args, flush=True)
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"sib-nlp {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def run(work: Path) -> dict[str, Path]:
    work.mkdir(parents=True, exist_ok=True)

    # 1. the label goes into (a copy of) the codebook
    codebook = yaml.safe_load(DEFAULT_CODEBOOK.read_text(encoding="utf-8"))
    codebook["labels"][LABEL] = {
        "naam": "Experimenteren",
        "definitie": "De deelnemer probeert in het eigen werk iets nieuws uit.",
        "inclusie": ["een nieuwe werkwijze, werkvorm of aanpak uitproberen"],
        "exclusie": ["alleen van plan zijn iets te proberen (dat is een voornemen)"],
        "voorbeelden": ["Ik heb een nieuwe werkvorm uitgeprobeerd in het teamoverleg."],
        "tegenvoorbeelden": ["Het experiment van de andere directie is stopgezet."],
        "patronen": [{"p": "uitgeprobeerd", "w": 0.85}, {"p": "experiment*", "w": 0.6}],
    }
    codebook_path = work / "codebook.yaml"
    codebook_path.write_text(yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # 2. gold sentences for the label, beside a copy of the gold standard: a development file
    #    (used for training) and a test file (test_*.txt, used only for the scores)
    gold = work / "gold"
    gold.mkdir(exist_ok=True)
    for f in DEFAULT_DIR.glob("*.txt"):
        shutil.copy(f, gold / f.name)
    for name, prefix in (("reflecties_experiment.txt", "XD"), ("test_experiment.txt", "XT")):
        lines = [f"# nieuw label: {LABEL}"]
        for n in range(8):
            topic = TOPICS[n % len(TOPICS)]
            lines += [
                f"## {prefix}{n:03d} reflectie eind diepte=1",
                f"{LABEL} | Ik heb een nieuwe aanpak voor {topic} uitgeprobeerd.",
                f"{LABEL} | We hebben met {topic} geëxperimenteerd in het team.",
                f"- | Het overleg over {topic} was op dinsdag.",
            ]
        (gold / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    # 3. settings for the work folder: its own store, codebook and models folder (for the classifier);
    #    the project's Dutch pipeline
    config = work / "sib.toml"
    pipeline = next((ROOT / "models").glob("nl_sib_core-*"))
    config.write_text(
        f'store_path = "{work / "store.duckdb"}"\n'
        f'models_dir = "{work / "models"}"\n'
        f'themes_dir = "{work / "themes"}"\n'
        f'codebook = "{codebook_path}"\n'
        f'pipeline = "{pipeline}"\n'
        "min_group_size = 3\n",
        encoding="utf-8",
    )
    data = work / "reflecties.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["deelnemer_id", "directie", "functie", "meetmoment", "ingevuld_op", "reflectie"])
        for p in range(12):
            topic = TOPICS[p % len(TOPICS)]
            w.writerow(
                [f"P{p:03d}", "Directie Test", "medewerker", "Intake", "2026-01-15", INTAKE[p % 2].format(x=topic)]
            )
            w.writerow([f"P{p:03d}", "Directie Test", "medewerker", "Eind", "2026-11-15", EIND[p % 4].format(x=topic)])
    sib_nlp(config, "ingest", str(data))
    sib_nlp(config, "analyse")

    # 4. sentences out for annotation; here a regular expression stands in for the annotator
    sheet = work / "annotatie.csv"
    sib_nlp(config, "export-annotations", str(sheet), "--n", "60")
    table = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    table[LABEL] = ["1" if EXPERIMENT.search(t) else "" for t in table["text"]]
    table.to_csv(sheet, index=False)

    # 5. retrain with the annotations, 6. score on the gold test part
    print(sib_nlp(config, "train-signals", "--annotations", str(sheet), "--gold", str(gold)))
    scores = work / "eval.json"
    sib_nlp(config, "evaluate", "--gold", str(gold), "--out", str(scores))
    f1 = json.loads(scores.read_text(encoding="utf-8"))["labels"][LABEL]["f1"]
    print(f"{LABEL}: F1 {f1:.2f} on the test part")

    # 7. the next analysis uses the new model; the report shows the label
    sib_nlp(config, "analyse")
    report = work / "rapport"
    sib_nlp(config, "report", "--out", str(report), "--period", "2026-Q4")
    print(f"report: {report / 'report.html'}")
    return {
        "codebook": codebook_path,
        "gold": gold,
        "annotations": sheet,
        "model": work / "models" / "signals" / "sib_signals-0.1.0",
        "scores": scores,
        "report": report,
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python examples/add_a_label.py WORK_FOLDER")
    run(Path(sys.argv[1]))
