"""docs/extending.md, followed step by step: a new label is added, annotated, trained, evaluated and reported.

Every step is the real command a data scientist types (``sib-nlp ...`` in a subprocess), on a small
corpus and a copy of the codebook and gold standard; nothing in the project's own folders changes.
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
import pytest
import yaml

from sib_nlp.signals.codebook import DEFAULT_CODEBOOK
from sib_nlp.signals.gold import DEFAULT_DIR, split_of

ROOT = Path(__file__).resolve().parent.parent
LABEL = "leren.experimenteren"
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


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert result.returncode == 0, f"sib-nlp {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result


def _gold_ids(prefix: str, n: int) -> list[str]:
    """n document ids, half landing in dev and half in test (the split is a hash of the id)."""
    dev, test = [], []
    i = 0
    while len(dev) < n // 2 or len(test) < n - n // 2:
        doc_id = f"{prefix}{i:03d}"
        (dev if split_of(doc_id) == "dev" else test).append(doc_id)
        i += 1
    return dev[: n // 2] + test[: n - n // 2]


@pytest.mark.slow
def test_new_label_end_to_end(tmp_path):
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
    codebook_path = tmp_path / "codebook.yaml"
    codebook_path.write_text(yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # 2. gold sentences for it, with the full label id, beside a copy of the gold standard
    gold = tmp_path / "gold"
    gold.mkdir()
    for f in DEFAULT_DIR.glob("*.txt"):
        shutil.copy(f, gold / f.name)
    lines = ["# nieuw label: leren.experimenteren"]
    for n, doc_id in enumerate(_gold_ids("X", 16)):
        topic = TOPICS[n % len(TOPICS)]
        lines += [
            f"## {doc_id} reflectie eind diepte=1",
            f"{LABEL} | Ik heb een nieuwe aanpak voor {topic} uitgeprobeerd.",
            f"{LABEL} | We hebben met {topic} geëxperimenteerd in het team.",
            f"- | Het overleg over {topic} was op dinsdag.",
        ]
    (gold / "reflecties_experiment.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # 3. settings: the copied codebook, an empty models folder for the classifier, the project's Dutch pipeline
    config = tmp_path / "sib.toml"
    config.write_text(
        "\n".join(
            [
                f'store_path = "{tmp_path / "store.duckdb"}"',
                f'models_dir = "{tmp_path / "models"}"',
                f'themes_dir = "{tmp_path / "themes"}"',
                f'codebook = "{codebook_path}"',
                f'pipeline = "{next((ROOT / "models").glob("nl_sib_core-*"))}"',
                "min_group_size = 3",
            ]
        ),
        encoding="utf-8",
    )
    data = tmp_path / "reflecties.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["deelnemer_id", "directie", "functie", "meetmoment", "ingevuld_op", "reflectie"])
        for p in range(12):
            topic = TOPICS[p % len(TOPICS)]
            w.writerow([f"P{p:03d}", "Directie Test", "medewerker", "Intake", "2026-01-15", INTAKE[p % 2].format(x=topic)])
            w.writerow([f"P{p:03d}", "Directie Test", "medewerker", "Eind", "2026-11-15", EIND[p % 4].format(x=topic)])

    # 4. texts in, analysed with the patterns (no classifier yet)
    _cli(config, "ingest", str(data))
    _cli(config, "analyse")

    # 5. sentences out for annotation; the "annotator" marks the new label
    sheet = tmp_path / "annotatie.csv"
    _cli(config, "export-annotations", str(sheet), "--n", "60")
    table = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert LABEL in table.columns  # the export has a column for the new label
    table[LABEL] = ["1" if EXPERIMENT.search(t) else "" for t in table["text"]]
    assert (table[LABEL] == "1").sum() >= 3
    table.to_csv(sheet, index=False)

    # 6. retrain with the annotations: a versioned model with its scores
    trained = _cli(config, "train-signals", "--annotations", str(sheet), "--gold", str(gold))
    folder = tmp_path / "models" / "signals" / "sib_signals-0.1.0"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert LABEL in meta["labels"] and meta["positives_per_label"][LABEL] > 0
    assert any("annotatie.csv" in s for s in meta["training_data"])
    assert "test part: macro F1" in trained.stdout

    # 7. evaluate: the new label is scored on the gold test part
    scores = tmp_path / "eval.json"
    _cli(config, "evaluate", "--gold", str(gold), "--out", str(scores))
    result = json.loads(scores.read_text(encoding="utf-8"))
    new = result["labels"][LABEL]
    assert new["support"] >= 16 and new["f1"] >= 0.8

    # 8. the next analysis uses the new model, and the report shows the label
    _cli(config, "analyse")
    out = tmp_path / "rapport"
    _cli(config, "report", "--out", str(out), "--period", "2026-Q4")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Experimenteren" in html
    change = pd.read_csv(out / "change.csv")
    assert f"signal:{LABEL}" in set(change["metric"])
