"""Shared fixtures. No model downloads, no network; Prefect runs against a temporary local server.

Prefect settings are put in the environment before Prefect is imported anywhere,
with PREFECT_HOME in a temporary folder, so tests never touch a user's Prefect
profile. One session-scoped ``prefect_test_harness`` serves all flow tests.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="sib-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture()
def settings(tmp_path):
    from sib_nlp.config import Settings

    return Settings(
        store_path=tmp_path / "store.duckdb",
        themes_dir=tmp_path / "themes",
        reports_dir=tmp_path / "reports",
    )


@pytest.fixture(scope="session")
def nlp_blank():
    """spacy.blank('nl') with sentencizer and the project's components: no trained model needed.

    Patterns only (no trained classifier), so detector tests do not change when the model is retrained.
    """
    import spacy

    from sib_nlp.config import Settings
    from sib_nlp.nlp.loader import add_project_components

    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    add_project_components(nlp, settings=Settings(signal_model="none"))
    return nlp


@pytest.fixture(scope="session")
def nlp_dutch():
    """The pipeline the project uses by default (its own trained one when present)."""
    from sib_nlp.nlp import load_dutch

    return load_dutch()


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, prefect_harness):
    """The real periodic_report flow on the sample corpus, once per session."""
    from pipelines.flows import periodic_report

    base = tmp_path_factory.mktemp("demo")
    store = base / "store.duckdb"
    out = base / "reports" / "2026-Q4"
    config = base / "settings.toml"
    config.write_text(f'store_path = "{store}"\nthemes_dir = "{base / "themes"}"\n', encoding="utf-8")
    result = periodic_report(
        inputs=[str(SAMPLE)], period="2026-Q4", out_dir=str(out), store=str(store), config=str(config)
    )
    return {"result": result, "store": store, "out": out, "base": base, "config": config}


def analysis_tables(path):
    """A store's sentences, signals and analysis marks, in a fixed order, for comparing two runs."""
    from sib_nlp.io.store import Store

    with Store(path, read_only=True) as store:
        con = store.con
        return (
            con.execute("SELECT * FROM sentences ORDER BY sentence_id").fetchall(),
            con.execute(
                "SELECT * FROM signals ORDER BY document_id, sentence_id, label, evidence, aspect, partner"
            ).fetchall(),
            con.execute("SELECT document_id, analysed_with FROM documents ORDER BY 1").fetchall(),
        )
