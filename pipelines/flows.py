"""Prefect 3 flows: ``ingest`` -> ``analyse`` -> ``report``, and ``periodic_report`` composing them.

Flows take their settings as typed parameters; schedules live in
``prefect.yaml`` / :func:`serve`, not here. Retries only on the steps that do
file I/O. Running a flow needs no server started by hand: without
``PREFECT_API_URL`` Prefect starts a temporary local one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import INPUTS

from sib_nlp import pipeline
from sib_nlp.config import load_settings


def _settings(store: str | None, config: str | None, pipeline_name: str | None = None):  # noqa: ANN202
    return load_settings(Path(config) if config else None, store_path=store, pipeline=pipeline_name)


def current_quarter(today: date | None = None) -> str:
    today = today or date.today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


@task(name="ingest-files", retries=2, retry_delay_seconds=5)
def ingest_task(inputs: list[str], store: str | None, config: str | None, period: str | None) -> dict[str, Any]:
    result = pipeline.ingest_step([Path(p) for p in inputs], _settings(store, config), period)
    logger = get_run_logger()
    for line in result["lines"]:
        logger.info(line)
    return result


@task(name="analyse-texts")
def analyse_task(store: str | None, config: str | None, pipeline_name: str | None, refit_themes: bool) -> dict:
    return pipeline.analyse_step(_settings(store, config, pipeline_name), refit_themes=refit_themes)


@task(name="analyse-batch", retries=1)
def analyse_batch_task(rows: list, worker: tuple, key: str):  # noqa: ANN201
    from sib_nlp.analyser import analyse_batch_on_worker

    return analyse_batch_on_worker(rows, worker, key)


@task(name="write-report", retries=2, retry_delay_seconds=5)
def report_task(store: str | None, config: str | None, out_dir: str, period: str, run_info: dict) -> dict:
    return pipeline.report_step(_settings(store, config), Path(out_dir), period, run_info)


@task(name="fingerprint-report-inputs")
def fingerprint_task(store: str | None, config: str | None, out_dir: str, period: str) -> str:
    return pipeline.report_fingerprint(_settings(store, config), Path(out_dir), period)


@task(
    name="write-report-if-changed",
    retries=2,
    retry_delay_seconds=5,
    cache_policy=INPUTS - "run_info",
    persist_result=True,
)
def cached_report_task(
    fingerprint: str, store: str | None, config: str | None, out_dir: str, period: str, run_info: dict
) -> dict:
    """The report, cached on the fingerprint of its inputs: an unchanged period is not written again."""
    return pipeline.report_step(_settings(store, config), Path(out_dir), period, run_info)


@task(name="publish-summary")
def publish_task(period: str, summary_markdown: str) -> None:
    key = "sib-rapport-" + "".join(ch if ch.isalnum() else "-" for ch in period.lower())
    create_markdown_artifact(key=key, markdown=summary_markdown, description=f"Samenvatting rapport {period}")


@flow(name="ingest")
def ingest(
    inputs: list[str], store: str | None = None, config: str | None = None, period: str | None = None
) -> dict[str, Any]:
    return ingest_task(inputs, store, config, period)


@flow(name="analyse")
def analyse(
    store: str | None = None,
    config: str | None = None,
    pipeline_name: str | None = None,
    refit_themes: bool = False,
) -> dict[str, Any]:
    return analyse_task(store, config, pipeline_name, refit_themes)


@flow(name="analyse-batches")
def analyse_batches(
    store: str | None = None,
    config: str | None = None,
    pipeline_name: str | None = None,
    refit_themes: bool = False,
    batch_docs: int = 256,
    in_flight: int = 4,
) -> dict[str, Any]:
    """The analyse step with its per-batch work as tasks: on whatever task runner the flow has."""
    from sib_nlp.analyser import worker_settings

    settings = _settings(store, config, pipeline_name)
    worker = worker_settings(settings)

    def submit(rows: list, key: str):  # noqa: ANN202
        return analyse_batch_task.submit(rows, worker, key)

    return pipeline.analyse_step(
        settings, refit_themes=refit_themes, submit=submit, batch_docs=batch_docs, in_flight=in_flight
    )


def analyse_on_dask(
    address: str | None = None,
    n_workers: int = 2,
    store: str | None = None,
    config: str | None = None,
    pipeline_name: str | None = None,
    refit_themes: bool = False,
    batch_docs: int = 256,
) -> dict[str, Any]:
    """Run :func:`analyse_batches` on a Dask cluster: an existing one at ``address``
    (``tcp://scheduler:8786``), or a local one with ``n_workers`` single-threaded worker processes.
    Needs the ``dask`` extra (``pip install -e ".[dask]"``) and, on a remote cluster, the same
    sib_nlp version and Dutch pipeline installed on every worker."""
    from prefect_dask import DaskTaskRunner

    if address:
        runner = DaskTaskRunner(address=address)
        in_flight = 8
    else:
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": n_workers, "threads_per_worker": 1, "processes": True})
        in_flight = 2 * n_workers
    return analyse_batches.with_options(task_runner=runner)(
        store, config, pipeline_name, refit_themes, batch_docs, in_flight
    )


@flow(name="report")
def report(
    out_dir: str,
    period: str,
    store: str | None = None,
    config: str | None = None,
    run_info: dict | None = None,
) -> dict[str, Any]:
    return report_task(store, config, out_dir, period, run_info or {})


@flow(name="periodic_report")
def periodic_report(
    inputs: list[str],
    period: str | None = None,
    out_dir: str | None = None,
    reports_root: str | None = None,
    store: str | None = None,
    config: str | None = None,
    pipeline_name: str | None = None,
    refit_themes: bool = False,
) -> dict[str, Any]:
    """One reporting period: ingest the inputs, analyse what is new, write ``reports/<period>/``."""
    period = period or current_quarter()
    settings = _settings(store, config, pipeline_name)
    target = Path(out_dir) if out_dir else Path(reports_root or settings.reports_dir) / period
    with pipeline.exclusive(settings):  # one run per store at a time; a second one waits, then fails clearly
        ing = ingest(inputs, store, config, period)
        ana = analyse(store, config, pipeline_name, refit_themes)
        info = {"ingest": {k: v for k, v in ing.items() if k != "lines"}, "analyse": ana}
        fingerprint = fingerprint_task(store, config, str(target), period)
        # outputs deleted or incomplete: write them again even if the inputs are unchanged
        write = cached_report_task.with_options(refresh_cache=not pipeline.outputs_complete(target))
        rep = write(fingerprint, store, config, str(target), period, info)
    publish_task(period, rep["summary_markdown"])
    return {"ingest": ing, "analyse": ana, "report": rep}
