"""Scale-out: the analyse batches on a local Dask cluster give exactly what the plain path gives."""

from __future__ import annotations

import shutil

import pytest
from conftest import SAMPLE, analysis_tables

from sib_nlp.config import Settings
from sib_nlp.io.store import Store
from sib_nlp.pipeline import analyse_step, ingest_step


@pytest.mark.slow
def test_dask_path_equals_the_plain_path(tmp_path, prefect_harness):
    from pipelines.flows import analyse_on_dask

    plain = Settings(store_path=tmp_path / "plain.duckdb", themes_dir=tmp_path / "plain-themes")
    ingest_step([SAMPLE / "reflecties_export_2.csv"], plain)
    shutil.copy(plain.store_path, tmp_path / "dask.duckdb")
    config = tmp_path / "dask.toml"
    config.write_text(
        f'store_path = "{tmp_path / "dask.duckdb"}"\nthemes_dir = "{tmp_path / "dask-themes"}"\n', encoding="utf-8"
    )
    analyse_step(plain)
    result = analyse_on_dask(n_workers=2, config=str(config), batch_docs=16)
    assert result["analysis"]["analysed"] > 50
    assert analysis_tables(tmp_path / "dask.duckdb") == analysis_tables(plain.store_path)
    with Store(tmp_path / "dask.duckdb", read_only=True) as store:
        runs = store.runs()
    assert list(runs.query("kind == 'analyse'")["status"]) == ["ok"]
