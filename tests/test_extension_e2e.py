"""The data scientist's path, end to end: examples/add_a_label.py (the steps of docs/extending.md).

A new label is added to a copy of the codebook, annotated, trained, evaluated, and appears in the
next report. Every step is the real ``sib-nlp`` command, in a subprocess, in a temporary folder.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "add_a_label.py"


def _example():
    spec = importlib.util.spec_from_file_location("add_a_label", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_new_label_end_to_end(tmp_path):
    example = _example()
    out = example.run(tmp_path / "werk")
    label = example.LABEL

    sheet = pd.read_csv(out["annotations"], dtype=str, keep_default_na=False)
    assert label in sheet.columns and (sheet[label] == "1").sum() >= 3  # the export had a column for it

    meta = json.loads((out["model"] / "meta.json").read_text(encoding="utf-8"))
    assert label in meta["labels"] and meta["positives_per_label"][label] > 0
    assert any("annotatie.csv" in s for s in meta["training_data"])
    assert meta["evaluation"]["labels"][label] >= 0.8

    scores = json.loads(out["scores"].read_text(encoding="utf-8"))
    assert scores["labels"][label]["support"] >= 16 and scores["labels"][label]["f1"] >= 0.8

    html = (out["report"] / "report.html").read_text(encoding="utf-8")
    assert "Experimenteren" in html
    change = pd.read_csv(out["report"] / "change.csv")
    assert f"signal:{label}" in set(change["metric"])
