"""The ``sib-nlp`` command line.

It lives beside the flows (not in the ``sib_nlp`` package) because ``demo``,
``run`` and ``serve`` start Prefect flows, and ``sib_nlp`` never imports
Prefect. Commands that need no flow (``annotate``, ``train-dutch``, ...) do not
import Prefect at all.

Every user-facing failure prints one line and exits non-zero; ``--debug`` shows
the traceback.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from sib_nlp.config import ConfigError, Settings, load_settings

app = typer.Typer(
    help=(
        "sib_nlp: turns Dutch reflections and evaluations of the Samen in Beleid programme into an evidence "
        "report on mindset change (themes, motivation, collaboration, reflection depth). "
        "Texts are pseudonymised before anything is analysed or stored."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

STATE: dict[str, object] = {"debug": False, "config": None, "store": None, "pipeline": None}

# the same schedule as prefect.yaml: first Monday-Friday of January, April, July and October, 07:00
QUARTERLY_RRULE = "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;BYHOUR=7;BYMINUTE=0"

ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings file (TOML or YAML).")]


def _is_quiet() -> bool:
    return bool(os.environ.get("CI")) or not sys.stderr.isatty()


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", force=True)
    level = logging.INFO if verbose else logging.WARNING
    logging.getLogger("sib_nlp").setLevel(level)
    for noisy in ("numba", "spacy", "urllib3", "httpx", "prefect", "docdeid", "deduce"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("BERTopic").setLevel(logging.ERROR)  # it warns about not saving our own embedder
    import warnings

    warnings.filterwarnings("ignore", message="Tensorflow not installed", category=ImportWarning)


def settings() -> Settings:
    return load_settings(
        STATE["config"],  # type: ignore[arg-type]
        store_path=STATE["store"],
        pipeline=STATE["pipeline"],
        embedder=STATE.get("embedder"),
    )


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _progress():  # noqa: ANN202
    """A progress callback for long steps: a bar on a terminal, nothing in logs and CI."""
    if _is_quiet():
        return None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task_id = None

    def update(done: int, total: int) -> None:
        nonlocal task_id
        if task_id is None:
            bar.start()
            task_id = bar.add_task("analyse", total=max(total, 1))
        bar.update(task_id, completed=done)
        if done >= total:
            bar.stop()

    return update


@app.callback()
def main_options(
    config: ConfigOpt = None,
    store: Annotated[Path | None, typer.Option(help="DuckDB store file (default data/sib_nlp.duckdb).")] = None,
    pipeline: Annotated[str | None, typer.Option(help="Dutch spaCy pipeline: package name or folder.")] = None,
    debug: Annotated[bool, typer.Option(help="Show tracebacks on errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each step does.")] = False,
) -> None:
    STATE.update(debug=debug, config=config, store=store, pipeline=pipeline)
    _setup_logging(verbose or debug)


def _prefect_env() -> None:
    """Quiet, local Prefect unless the user configured a server."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def _run_flow(inputs: list[Path], out: Path | None, period: str | None, refit: bool) -> dict:
    _prefect_env()
    from pipelines.flows import periodic_report

    s = settings()
    return periodic_report(
        inputs=[str(p) for p in inputs],
        period=period,
        out_dir=str(out) if out else None,
        store=str(s.store_path),
        config=str(STATE["config"]) if STATE["config"] else None,
        pipeline_name=s.pipeline,
        refit_themes=refit,
    )


def _print_run(result: dict) -> None:
    rep = result["report"]
    ing = result["ingest"]
    typer.echo(
        f"ingested: read {ing['read']} = accepted {ing['accepted']} + already stored {ing['already_stored']}"
        f" + duplicates {ing['duplicates']} + quarantined {ing['quarantined']}"
    )
    pipe = result["analyse"]["pipeline"]
    typer.echo(f"Dutch pipeline: {pipe['name']} {pipe['version']} ({pipe['reason']})")
    typer.echo(f"report: {rep['report']}")


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option(help="Output folder (default reports/<period>).")] = None,
    period: Annotated[str, typer.Option(help="Reporting period label.")] = "2026-Q4",
) -> None:
    """Run the whole chain (periodic_report flow) on the shipped synthetic sample corpus."""
    sample = settings().sample_dir
    if not sample.is_dir():
        fail(f"{sample}: sample corpus not found")
    _print_run(_run_flow([sample], out, period, refit=False))


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders (CSV, XLSX, JSONL, TXT, DOCX).")],
    out: Annotated[Path, typer.Option(help="Output folder for the report and tables.")],
    period: Annotated[str | None, typer.Option(help="Reporting period, e.g. 2026-Q4 (default: this quarter).")] = None,
    refit_themes: Annotated[
        bool, typer.Option(help="Fit the theme model anew instead of applying the saved one.")
    ] = False,
) -> None:
    """Run ingest -> analyse -> report on your own files; outputs go to --out."""
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        fail(f"{missing[0]}: file or folder not found")
    _print_run(_run_flow(inputs, out, period, refit_themes))


@app.command()
def ingest(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders to read.")],
    period: Annotated[str | None, typer.Option(help="Period label for texts without a date.")] = None,
) -> None:
    """Read, validate, clean and pseudonymise texts into the store; prints what was accepted or set aside."""
    from sib_nlp.pipeline import ingest_step

    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        fail(f"{missing[0]}: file or folder not found")
    result = ingest_step(inputs, settings(), period)
    for line in result["lines"]:
        typer.echo(line)


@app.command()
def analyse(
    refit_themes: Annotated[bool, typer.Option(help="Fit the theme model anew.")] = False,
    dask: Annotated[
        str | None,
        typer.Option(help="Run the batches on Dask: a scheduler address (tcp://host:8786) or 'local'."),
    ] = None,
    workers: Annotated[int, typer.Option(help="Workers of a local Dask cluster (with --dask local).")] = 2,
    embedder: Annotated[
        str | None, typer.Option(help="Embeddings for themes: use, tfidf, sentence-transformers:PATH or a plug-in.")
    ] = None,
) -> None:
    """Parse new texts, detect signals and assign themes (only what changed since the last run)."""
    if embedder:
        STATE["embedder"] = embedder
    if dask:
        _prefect_env()
        from pipelines.flows import analyse_on_dask

        s = settings()
        result = analyse_on_dask(
            address=None if dask == "local" else dask,
            n_workers=workers,
            store=str(s.store_path),
            config=str(STATE["config"]) if STATE["config"] else None,
            pipeline_name=s.pipeline,
            refit_themes=refit_themes,
        )
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        return
    from sib_nlp.pipeline import analyse_step

    result = analyse_step(settings(), refit_themes=refit_themes, progress=_progress())
    typer.echo(json.dumps(result, indent=2, ensure_ascii=False, default=str))


@app.command()
def report(
    out: Annotated[Path, typer.Option(help="Output folder.")],
    period: Annotated[str, typer.Option(help="Reporting period label.")] = "all",
) -> None:
    """Write the HTML report, Excel workbook and CSV tables from what is in the store."""
    from sib_nlp.pipeline import report_step

    result = report_step(settings(), out, period)
    typer.echo(f"report: {result['report']}")


@app.command()
def annotate(
    file: Annotated[str, typer.Argument(help="JSON Lines file, or - for standard input.")] = "-",
) -> None:
    """Annotate JSON Lines ({"id", "text", ...}) and write one JSON line per input to standard output.

    A line that cannot be read gives {"line": N, "error": "..."}; the exit status is 1 if any line failed.
    """
    from sib_nlp.annotator import annotate_lines
    from sib_nlp.nlp import load_dutch

    if file == "-":
        stream = sys.stdin
    else:
        path = Path(file)
        if not path.is_file():
            fail(f"{path}: file not found")
        stream = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    nlp = load_dutch(settings())
    failed = False
    with stream:
        for out in annotate_lines(stream, nlp, settings().max_text_chars):
            failed = failed or "error" in out
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    raise typer.Exit(1 if failed else 0)


@app.command("train-dutch")
def train_dutch(
    ud_dir: Annotated[Path | None, typer.Option(help="Folder with the UD Dutch .conllu files.")] = None,
    version: Annotated[str, typer.Option(help="Version of the trained pipeline.")] = "0.2.0",
    max_steps: Annotated[int | None, typer.Option(help="Override the number of training steps.")] = None,
) -> None:
    """Train the project's own Dutch pipeline (nl_sib_core) from UD Dutch and write it to models/."""
    from sib_nlp.nlp.train import train_dutch as train

    s = settings()
    folder = train(ud_dir or s.ud_dir, s.models_dir, version=version, max_steps=max_steps)
    typer.echo(f"trained pipeline: {folder}")


@app.command("evaluate-dutch")
def evaluate_dutch(
    model: Annotated[Path | None, typer.Option(help="Pipeline folder (default: the newest in models/).")] = None,
    ud_dir: Annotated[Path | None, typer.Option(help="Folder with the UD Dutch .conllu files.")] = None,
    out: Annotated[Path, typer.Option(help="Where to write the JSON results.")] = Path("docs/dutch-eval.json"),
) -> None:
    """Score the Dutch pipeline on its held-out UD sentences (and Frog when installed)."""
    from sib_nlp.nlp.evaluate import evaluate_pipeline
    from sib_nlp.nlp.loader import find_project_pipeline

    s = settings()
    folder = model or find_project_pipeline(s.models_dir)
    if folder is None:
        fail(f"no trained pipeline in {s.models_dir}; run `sib-nlp train-dutch` first")
    result = evaluate_pipeline(folder, ud_dir or s.ud_dir, out)
    typer.echo(json.dumps(result, indent=2))


@app.command("evaluate-pii")
def evaluate_pii_cmd(
    gold: Annotated[
        list[Path] | None, typer.Option(help="Gold JSONL file(s) (default: the six parts in data/gold).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Where to write the JSON results.")] = Path("docs/privacy-eval.json"),
) -> None:
    """Recall and precision of the pseudonymisation per kind of personal data, on the PII gold set."""
    from sib_nlp.privacy.evaluate import DEFAULT_GOLD, GOLD_PARTS, evaluate_pii

    files = gold or [DEFAULT_GOLD.with_name(n) for n in GOLD_PARTS]
    results = {f.name: evaluate_pii(f) for f in files}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    for name, r in results.items():
        typer.echo(f"{name} ({r['texts']} texts)")
        for kind, v in r["per_kind"].items():
            typer.echo(
                f"  {kind:<9} planted {v['planted']:>4}  recall {v['recall_any']:.3f}"
                f"  (same kind {v['recall_same_kind']:.3f})"
            )
        typer.echo(f"  name precision {r['name_precision']:.3f}; hard negatives kept {r['hard_negatives_kept']:.3f}")


@app.command("evaluate")
def evaluate_signals_cmd(
    part: Annotated[str, typer.Option(help="Gold part: test (the reported numbers), dev or all.")] = "test",
    signal_model: Annotated[
        str | None, typer.Option(help="auto (newest trained classifier), none (patterns only) or a model folder.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Also write the results as JSON here.")] = None,
    gold: Annotated[Path | None, typer.Option(help="Gold standard folder (default: data/gold/signals).")] = None,
) -> None:
    """Score the signal detectors on the gold standard: per label P/R/F1, confusions, polarity, depth, agreement."""
    from sib_nlp.nlp import load_dutch
    from sib_nlp.signals.evaluate import evaluate, format_report
    from sib_nlp.signals.gold import GoldFormatError
    from sib_nlp.signals.registrations import codebook_of

    if part not in ("test", "dev", "all"):
        fail(f"--part must be test, dev or all, not {part!r}")
    s = settings()
    if signal_model is not None:
        s = s.with_overrides(signal_model=signal_model)
    try:
        nlp = load_dutch(s)
        report = evaluate(nlp, part, gold_dir=gold, codebook=codebook_of(nlp))
    except (FileNotFoundError, ValueError, GoldFormatError) as exc:
        fail(str(exc))
    typer.echo(format_report(report))
    if out is not None:
        from sib_nlp.io.outputs import write_json

        write_json(out, report.as_dict())


@app.command("train-signals")
def train_signals_cmd(
    annotations: Annotated[
        list[Path] | None, typer.Option("--annotations", help="Annotated file(s) to add to the gold dev part.")
    ] = None,
    version: Annotated[str | None, typer.Option(help="Model version (default: next minor version).")] = None,
    gold: Annotated[Path | None, typer.Option(help="Gold standard folder (default: data/gold/signals).")] = None,
) -> None:
    """Train the sentence classifier on the gold dev part (plus annotations) and score it on the test part.

    Writes models/signals/sib_signals-<version>/ (model.json, meta.json with cross-validation and test scores);
    the next analysis uses it (setting signal_model = "auto").
    """
    from sib_nlp.signals.annotation import AnnotationError
    from sib_nlp.signals.gold import GoldFormatError
    from sib_nlp.signals.train import train_signals

    try:
        folder, meta = train_signals(settings(), annotations or [], version, gold_dir=gold)
    except (AnnotationError, GoldFormatError, FileExistsError) as exc:
        fail(str(exc))
    ev = meta.get("evaluation", {})
    typer.echo(f"trained: {folder}")
    typer.echo(
        f"  {meta['training_sentences']} training sentences; cross-validated macro F1 "
        f"{meta['cross_validation']['by_c'][str(meta['c'])]['macro_f1']:.3f} "
        f"(patterns alone {meta['cross_validation']['patterns_only']['macro_f1']:.3f})"
    )
    if ev:
        typer.echo(
            f"  test part: macro F1 {ev['macro_f1']:.3f}; per label "
            + ", ".join(f"{k.split('.')[-1]} {v:.2f}" for k, v in ev["labels"].items())
        )


@app.command("export-annotations")
def export_annotations_cmd(
    out: Annotated[Path, typer.Argument(help="File to write: .xlsx, .csv or .jsonl.")],
    n: Annotated[int, typer.Option(help="Number of sentences.")] = 200,
    uncertain: Annotated[
        bool, typer.Option(help="Active learning: the sentences the current classifier is least sure about.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Random seed of the sample (without --uncertain).")] = 1,
) -> None:
    """Export analysed (pseudonymised) sentences from the store for annotation, one column per codebook label."""
    from sib_nlp.signals.annotation import annotation_sample

    try:
        path, count = annotation_sample(settings(), out, n, uncertain=uncertain, seed=seed)
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    typer.echo(f"{count} sentences written to {path}")


@app.command("agreement")
def agreement_cmd(
    first: Annotated[Path, typer.Argument(help="Annotated file of the first annotator.")],
    second: Annotated[Path, typer.Argument(help="The same export, annotated by the second annotator.")],
) -> None:
    """Cohen's kappa per label between two annotators of the same export."""
    from sib_nlp.pipeline import settings_codebook
    from sib_nlp.signals.annotation import AnnotationError, compare_annotators

    try:
        result = compare_annotators(first, second, settings_codebook(settings()).sentence_labels)
    except AnnotationError as exc:
        fail(str(exc))
    typer.echo(f"{result['sentences']} sentences annotated by both")
    for lab, v in result["labels"].items():
        k = "n/a" if v["kappa"] is None else f"{v['kappa']:.2f}"
        typer.echo(f"  {lab:<26} kappa {k:>5}  ({v['first']} / {v['second']})")
    typer.echo(f"  mean kappa {result['mean_kappa']}")


@app.command()
def setup() -> None:
    """One-time set-up: build deduce's name tables and check the Dutch pipeline loads (offline)."""
    from sib_nlp.nlp import load_dutch, pipeline_info
    from sib_nlp.privacy.pseudonymise import warm_up

    warm_up()
    info = pipeline_info(load_dutch(settings()))
    typer.echo(f"deduce ready; Dutch pipeline: {info['name']} {info['version']} ({info['reason']})")


@app.command()
def serve(
    rrule: Annotated[
        str, typer.Option(help="iCalendar RRULE (default: 07:00 on the first working day of a quarter).")
    ] = QUARTERLY_RRULE,
    inputs: Annotated[list[Path] | None, typer.Option("--input", help="Files or folders to read each run.")] = None,
) -> None:
    """Serve the periodic_report flow on a schedule (needs a Prefect server or runs a local one)."""
    _prefect_env()
    from pipelines.flows import periodic_report

    paths = [str(p) for p in (inputs or [settings().sample_dir])]
    periodic_report.serve(name="sib-nlp-kwartaal", rrule=rrule, parameters={"inputs": paths})


def main() -> None:
    from sib_nlp.io.readers import ReadError
    from sib_nlp.io.store import StoreError
    from sib_nlp.nlp.loader import PipelineNotFound
    from sib_nlp.signals.codebook import CodebookError

    known = (
        ConfigError,
        StoreError,
        PipelineNotFound,
        ReadError,
        CodebookError,
        FileNotFoundError,
        PermissionError,
        IsADirectoryError,
    )
    try:
        code = app(standalone_mode=False)  # click returns the code of a typer.Exit here
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except known as exc:
        if STATE.get("debug"):
            raise
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line, not a traceback
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        if STATE.get("debug"):
            raise
        typer.echo(f"error: {exc.__class__.__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()

__all__ = ["app", "main"]
