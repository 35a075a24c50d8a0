"""Worker processes (``n_process`` > 1): ingest and analysis store exactly what one process stores."""

from __future__ import annotations

import pytest
from conftest import SAMPLE, analysis_tables

from sib_nlp import analyser, ingest
from sib_nlp.analyser import analyse_store
from sib_nlp.config import Settings
from sib_nlp.io.store import Store
from sib_nlp.parallel import fork_available
from sib_nlp.pipeline import ingest_step

pytestmark = pytest.mark.skipif(not fork_available(), reason="worker processes are forked (Linux)")


def _ingested(path):
    with Store(path, read_only=True) as store:
        con = store.con
        return (
            con.execute("SELECT * EXCLUDE (first_run_id, analysed_with) FROM documents ORDER BY 1").fetchall(),
            con.execute("SELECT * EXCLUDE (run_id) FROM quarantine ORDER BY ALL").fetchall(),
        )


def test_two_processes_store_what_one_process_stores(tmp_path, monkeypatch, nlp_blank):
    monkeypatch.setattr(ingest, "PARALLEL_MIN_RECORDS", 10)  # the sample files are small
    monkeypatch.setattr(ingest, "PARALLEL_CHUNK", 7)  # several chunks, finishing out of order
    forked = []

    def spy(real):
        def run(func, items, n_process, state, **kw):
            forked.append((func.__name__, n_process))
            yield from real(func, items, n_process, state, **kw)

        return run

    monkeypatch.setattr(ingest, "run_forked", spy(ingest.run_forked))
    monkeypatch.setattr(analyser, "run_forked", spy(analyser.run_forked))
    inputs = [SAMPLE / "reflecties_export_2.csv", SAMPLE / "reflecties_platform.csv", SAMPLE / "evaluatie_eind.xlsx"]
    stores = {}
    for n in (1, 2):
        s = Settings(
            store_path=tmp_path / f"p{n}.duckdb", themes_dir=tmp_path / f"themes{n}", n_process=n, batch_size=8
        )
        summary = ingest_step(inputs, s)
        with Store(s.store_path) as store:
            result = analyse_store(store, nlp_blank, s)
        stores[n] = (s.store_path, summary, result)
    (one, sum1, res1), (two, sum2, res2) = stores[1], stores[2]
    assert ("_validate_chunk", 2) in forked and ("_analyse_forked", 2) in forked  # workers did run
    assert sum1["accepted"] == sum2["accepted"] > 100
    assert sum1["quarantined"] == sum2["quarantined"] > 0
    assert _ingested(two) == _ingested(one)
    assert res2.analysed == res1.analysed == sum1["accepted"]
    assert (res2.sentences, res2.signals) == (res1.sentences, res1.signals)
    assert analysis_tables(two) == analysis_tables(one)
