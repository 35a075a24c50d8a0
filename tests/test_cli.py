"""The command-line contract: annotate output, bad lines, exit codes, one-line errors."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from pipelines.cli import app

runner = CliRunner()


def _run(args, input_text=None):
    """Run the real console command in a subprocess (exit codes and stderr as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        input=input_text,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_help_explains_every_command():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for cmd in (
        "demo",
        "run",
        "ingest",
        "analyse",
        "report",
        "annotate",
        "train-dutch",
        "evaluate-dutch",
        "evaluate",
        "train-signals",
        "export-annotations",
        "agreement",
        "serve",
    ):
        assert cmd in result.output


@pytest.mark.slow
def test_annotate_contract_with_bad_lines():
    lines = [
        json.dumps(
            {
                "id": "a",
                "text": "Ik heb veel samengewerkt met collega's van andere directies. "
                "Mail me op p.jansen@minbzk.nl of bel 06-12345678.",
                "wave": "eind",
            }
        ),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "text": "We werken sinds de zomer samen met drie gemeenten."}),
        json.dumps(["a list"]),
        json.dumps({"id": "d", "text": "This one is in English and should not be analysed as Dutch text."}),
    ]
    proc = _run(["annotate", "-"], "\n".join(lines) + "\n")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [o.get("id", o.get("line")) for o in out] == ["a", 2, 3, "c", 5, "d"]
    a = out[0]
    assert set(a) >= {"id", "language", "pipeline", "text", "sentences", "signals", "pii"}
    assert a["language"] == "nl" and a["pipeline"]["name"] and a["pipeline"]["version"]
    assert "p.jansen@minbzk.nl" not in a["text"] and "06-12345678" not in a["text"]
    assert a["pii"] == {"email": 1, "telefoon": 1}
    tok = a["sentences"][0]["tokens"][3]
    assert set(tok) == {"text", "lemma", "pos"} and tok["lemma"] == "samenwerken"
    sig = a["sentences"][0]["signals"][0]
    assert {"label", "confidence", "evidence"} <= set(sig) and sig["label"] == "samenwerking.intern"
    assert any(s["label"] == "reflectie.diepte" for s in a["signals"])
    assert out[1]["error"].startswith("not valid JSON") and out[2]["error"] == "missing field 'text'"
    c_labels = {s["label"] for s in out[3]["signals"]}
    assert "samenwerking.extern" in c_labels
    assert out[5]["language"] == "en" and out[5]["sentences"] == []


@pytest.mark.slow
def test_annotate_all_good_exits_zero():
    proc = _run(["annotate", "-"], json.dumps({"id": 1, "text": "Ik heb geleerd om eerst te luisteren."}) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == 1


def test_user_errors_are_one_line_without_traceback(tmp_path):
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("this is = = not toml", encoding="utf-8")
    for args in (
        ["--config", str(bad_config), "ingest", str(tmp_path)],
        ["ingest", str(tmp_path / "missing.csv")],
        ["annotate", str(tmp_path / "missing.jsonl")],
    ):
        proc = _run(args)
        assert proc.returncode != 0
        assert "Traceback" not in proc.stderr
        lines = [x for x in proc.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr


def test_unknown_column_in_the_mapping_names_file_and_column(tmp_path):
    data = tmp_path / "export.csv"
    data.write_text("deelnemer;tekst\nP1;Ik heb veel geleerd van de gesprekken met de gemeente.\n", encoding="utf-8")
    config = tmp_path / "settings.toml"
    config.write_text(f'store_path = "{tmp_path / "s.duckdb"}"\n[column_map]\ntext = "Reflectie"\n', encoding="utf-8")
    proc = _run(["--config", str(config), "ingest", str(data)])
    assert "Traceback" not in proc.stderr
    assert f"{data}: column mapping: column 'Reflectie' for 'text' is not in the file" in proc.stdout
    assert "quarantined 1" in proc.stdout


def test_evaluate_prints_the_gold_standard_scores(tmp_path):
    out = tmp_path / "eval.json"
    result = _run(["evaluate", "--part", "dev", "--out", str(out)])
    assert result.returncode == 0, result.stderr
    assert "macro F1" in result.stdout and "samenwerking.extern" in result.stdout
    assert "Cohen's kappa" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["split"] == "dev" and data["sentences"] > 250
    assert set(data["labels"]) >= {"belemmering", "reflectie.voornemen"}


def test_signal_commands_fail_in_one_line(tmp_path):
    bad_part = _run(["evaluate", "--part", "train"])
    assert bad_part.returncode == 2 and bad_part.stderr.strip().count("\n") == 0
    assert "--part must be test, dev or all" in bad_part.stderr
    missing = _run(["agreement", str(tmp_path / "a.csv"), str(tmp_path / "b.csv")])
    assert missing.returncode == 2 and "a.csv: no such file" in missing.stderr
    assert "Traceback" not in missing.stderr
