"""The embedded DuckDB store: documents, sentences, signals, themes, runs, quarantine.

All writes go through :class:`Store` and happen inside transactions, so a crash
leaves either the whole batch or nothing. Documents are keyed by a content hash,
so ingesting the same input twice adds nothing. DuckDB allows one writing
process per file; a second one gets :class:`StoreLocked` with a clear message.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from sib_nlp.schemas import (
    ASSIGNMENT_COLUMNS,
    DOCUMENT_COLUMNS,
    QUARANTINE_COLUMNS,
    SENTENCE_COLUMNS,
    SIGNAL_COLUMNS,
    THEME_COLUMNS,
    Document,
    Quarantined,
)

SCHEMA_VERSION = 1

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, kind VARCHAR, period VARCHAR, started_at TIMESTAMP,
    finished_at TIMESTAMP, status VARCHAR, info JSON
);
CREATE TABLE IF NOT EXISTS files (
    path VARCHAR PRIMARY KEY, file_hash VARCHAR, size BIGINT, first_run_id VARCHAR, last_run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS file_runs (run_id VARCHAR, path VARCHAR, file_hash VARCHAR, outcome VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    document_id VARCHAR PRIMARY KEY, participant_id VARCHAR, wave VARCHAR, date VARCHAR, period VARCHAR,
    role VARCHAR, unit VARCHAR, text_type VARCHAR, question VARCHAR, text VARCHAR, language VARCHAR,
    source_file VARCHAR, source_sheet VARCHAR, source_row INTEGER, source_column VARCHAR,
    content_hash VARCHAR, pii_counts JSON, likert JSON, first_run_id VARCHAR, analysed_with VARCHAR
);
CREATE TABLE IF NOT EXISTS quarantine (
    record_key VARCHAR PRIMARY KEY, source_file VARCHAR, source_sheet VARCHAR, source_row INTEGER,
    source_column VARCHAR, reason VARCHAR, run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS sentences (
    sentence_id VARCHAR PRIMARY KEY, document_id VARCHAR, idx INTEGER, text VARCHAR, lemmas VARCHAR,
    start_char INTEGER, end_char INTEGER
);
CREATE TABLE IF NOT EXISTS signals (
    document_id VARCHAR, sentence_id VARCHAR, label VARCHAR, confidence DOUBLE, evidence VARCHAR,
    detector VARCHAR, polarity VARCHAR, aspect VARCHAR, partner VARCHAR
);
CREATE TABLE IF NOT EXISTS embeddings (
    text_hash VARCHAR, model VARCHAR, vector BLOB, PRIMARY KEY (text_hash, model)
);
CREATE TABLE IF NOT EXISTS themes (
    run_id VARCHAR, theme_id INTEGER, label VARCHAR, size INTEGER, top_terms VARCHAR,
    codebook_theme VARCHAR, is_new BOOLEAN
);
CREATE TABLE IF NOT EXISTS theme_assignments (
    run_id VARCHAR, unit_id VARCHAR, document_id VARCHAR, theme_id INTEGER, probability DOUBLE
);
"""


class StoreError(RuntimeError):
    """The store cannot be used (locked, unreadable, wrong version)."""


class StoreLocked(StoreError):
    pass


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Store:
    """A DuckDB file holding everything the pipeline knows. Use as a context manager."""

    def __init__(self, path: Path | str, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._con: duckdb.DuckDBPyConnection | None = None

    # -- connection -------------------------------------------------------------
    def __enter__(self) -> Store:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        if self.path != Path(":memory:"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path), read_only=self.read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLocked(
                    f"{self.path}: de opslag is in gebruik door een ander proces (another run holds the "
                    "store); wait for it to finish and try again"
                ) from exc
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc
        if not self.read_only:
            self._con.execute(_DDL)
            self._con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError("store is not open")
        return self._con

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        """The first value of the first row, or None. Fetches the whole result, so that the
        connection has no unfinished result left (DuckDB then refuses to register frames)."""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing: commit on success, roll back on any exception."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    # -- runs -------------------------------------------------------------------
    def start_run(self, kind: str, period: str | None = None, info: dict[str, Any] | None = None) -> str:
        run_id = f"{_now():%Y%m%dT%H%M%S}-{kind}-{uuid.uuid4().hex[:6]}"
        with self.transaction() as con:
            con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, NULL, 'running', ?)",
                [run_id, kind, period, _now(), json.dumps(info or {})],
            )
        return run_id

    def finish_run(self, run_id: str, status: str = "ok", info: dict[str, Any] | None = None) -> None:
        with self.transaction() as con:
            con.execute(
                "UPDATE runs SET finished_at = ?, status = ?, info = ? WHERE run_id = ?",
                [_now(), status, json.dumps(info or {}), run_id],
            )

    def mark_interrupted_runs(self) -> int:
        """Runs still marked 'running' were cut off (crash, kill): mark them so.

        Call only while holding the run lock (:func:`sib_nlp.io.lock.run_lock`):
        then no other run can be active, so every 'running' row is stale.
        """
        with self.transaction() as con:
            rows = con.execute(
                "UPDATE runs SET status = 'interrupted' WHERE status = 'running' RETURNING run_id"
            ).fetchall()
        return len(rows)

    def fingerprint(self) -> str:
        """A digest of everything a report is made from: documents and how they were analysed,
        quarantine, the theme model in use and the pipeline. Equal digests mean an equal report."""
        parts = [
            self.scalar(
                "SELECT md5(coalesce(string_agg(document_id || ':' || coalesce(analysed_with, '-'), ',' "
                "ORDER BY document_id), '')) FROM documents"
            ),
            self.scalar("SELECT md5(coalesce(string_agg(record_key, ',' ORDER BY record_key), '')) FROM quarantine"),
            self.scalar("SELECT value FROM meta WHERE key = 'pipeline'") or "",
        ]
        themes = json.loads(self.scalar("SELECT value FROM meta WHERE key = 'themes'") or "{}")
        for volatile in ("cache_hits", "cache_misses"):  # how the run went, not what it found
            themes.pop(volatile, None)
        parts.append(json.dumps(themes, sort_keys=True, default=str))
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]

    def runs(self) -> pd.DataFrame:
        return self.con.execute("SELECT * FROM runs ORDER BY started_at").df()

    # -- files ------------------------------------------------------------------
    def file_hash(self, path: str) -> str | None:
        return self.scalar("SELECT file_hash FROM files WHERE path = ?", [path])

    def record_file(self, run_id: str, path: str, file_hash: str, size: int, outcome: str) -> None:
        with self.transaction() as con:
            self._record_file(con, run_id, path, file_hash, size, outcome)

    @staticmethod
    def _record_file(con, run_id: str, path: str, file_hash: str, size: int, outcome: str) -> None:  # noqa: ANN001
        con.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET "
            "file_hash = excluded.file_hash, size = excluded.size, last_run_id = excluded.last_run_id",
            [path, file_hash, size, run_id, run_id],
        )
        con.execute("INSERT INTO file_runs VALUES (?, ?, ?, ?)", [run_id, path, file_hash, outcome])

    # -- documents and quarantine ----------------------------------------------
    def existing_document_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        if not ids:
            return set()
        df = pd.DataFrame({"document_id": ids})
        self.con.register("_ids", df)
        try:
            rows = self.con.execute("SELECT d.document_id FROM documents d JOIN _ids USING (document_id)").fetchall()
        finally:
            self.con.unregister("_ids")
        return {r[0] for r in rows}

    def content_hashes(self, participant_ids: Iterable[str]) -> dict[str, set[str]]:
        """The content hashes already stored, per participant (for duplicate detection)."""
        wanted = pd.DataFrame({"participant_id": sorted(set(participant_ids))})
        if wanted.empty:
            return {}
        self.con.register("_pids", wanted)
        try:
            rows = self.con.execute(
                "SELECT d.participant_id, d.content_hash FROM documents d JOIN _pids USING (participant_id)"
            ).fetchall()
        finally:
            self.con.unregister("_pids")
        out: dict[str, set[str]] = {}
        for pid, h in rows:
            out.setdefault(pid, set()).add(h)
        return out

    def save_file_result(
        self,
        run_id: str,
        path: str,
        file_hash: str,
        size: int,
        documents: list[Document],
        quarantined: list[Quarantined],
        replace_file: bool,
        keep_ids: list[str] | None = None,
    ) -> dict[str, int]:
        """Write one file's accepted documents and quarantined records in one transaction.

        With ``replace_file`` (the file changed since it was last seen), documents
        that came from this file and are not in ``keep_ids`` (what the file holds
        now) are removed with their sentences and signals. Returns counts of what
        was added and removed.
        """
        new_ids = [d.document_id for d in documents]
        keep = sorted(set(new_ids) | set(keep_ids or []))
        with self.transaction() as con:
            removed = 0
            if replace_file:
                con.register("_keep", pd.DataFrame({"document_id": keep or ["\x00"]}))
                stale = [
                    r[0]
                    for r in con.execute(
                        "SELECT document_id FROM documents WHERE source_file = ? "
                        "AND document_id NOT IN (SELECT document_id FROM _keep)",
                        [path],
                    ).fetchall()
                ]
                con.unregister("_keep")
                removed = self._delete_documents(con, stale)
                con.execute("DELETE FROM quarantine WHERE source_file = ?", [path])
            existing = self.existing_document_ids(new_ids)
            fresh = [d for d in documents if d.document_id not in existing]
            if fresh:
                rows = pd.DataFrame([_document_row(d, run_id) for d in fresh])
                con.register("_docs", rows)
                con.execute("INSERT INTO documents SELECT * FROM _docs")
                con.unregister("_docs")
            added_q = 0
            for q in quarantined:
                res = con.execute(
                    "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1",
                    [
                        q.record_key,
                        q.source_file,
                        q.source_sheet,
                        q.source_row,
                        q.source_column,
                        q.reason,
                        run_id,
                    ],
                ).fetchall()
                added_q += len(res)
            self._record_file(con, run_id, path, file_hash, size, "changed" if replace_file else "new")
        return {"added": len(fresh), "removed": removed, "quarantine_added": added_q}

    @staticmethod
    def _delete_documents(con, ids: list[str]) -> int:  # noqa: ANN001
        if not ids:
            return 0
        df = pd.DataFrame({"document_id": ids})
        con.register("_del", df)
        for table in ("signals", "sentences", "documents"):
            con.execute(f"DELETE FROM {table} WHERE document_id IN (SELECT document_id FROM _del)")
        con.execute("DELETE FROM theme_assignments WHERE document_id IN (SELECT document_id FROM _del)")
        con.unregister("_del")
        return len(ids)

    def documents(self, where: str = "", params: list[Any] | None = None) -> pd.DataFrame:
        cols = ", ".join(DOCUMENT_COLUMNS)
        sql = f"SELECT {cols} FROM documents {where} ORDER BY participant_id, wave, document_id"
        return self.con.execute(sql, params or []).df()

    def count(self, table: str) -> int:
        if table not in {"documents", "sentences", "signals", "quarantine", "runs", "embeddings", "files"}:
            raise ValueError(table)
        return int(self.scalar(f"SELECT count(*) FROM {table}"))

    def quarantine(self) -> pd.DataFrame:
        cols = ", ".join(QUARANTINE_COLUMNS)
        return self.con.execute(f"SELECT {cols} FROM quarantine ORDER BY source_file, source_row").df()

    # -- analysis results ------------------------------------------------------
    def ids_to_analyse(self, analysis_key: str) -> list[str]:
        """Ids of Dutch documents whose analysis is missing or was made by other models (stable order)."""
        rows = self.con.execute(
            "SELECT document_id FROM documents WHERE language = 'nl' "
            "AND (analysed_with IS NULL OR analysed_with <> ?) ORDER BY document_id",
            [analysis_key],
        ).fetchall()
        return [r[0] for r in rows]

    def texts(self, document_ids: list[str]) -> pd.DataFrame:
        """document_id, text and text_type of the given documents, in the given order."""
        if not document_ids:
            return pd.DataFrame(columns=["document_id", "text", "text_type"])
        self.con.register("_want", pd.DataFrame({"document_id": document_ids, "_pos": range(len(document_ids))}))
        try:
            return self.con.execute(
                "SELECT d.document_id, d.text, d.text_type FROM documents d JOIN _want w USING (document_id) "
                "ORDER BY w._pos"
            ).df()
        finally:
            self.con.unregister("_want")

    def save_analysis(
        self, analysis_key: str, document_ids: list[str], sentences: pd.DataFrame, signals: pd.DataFrame
    ) -> None:
        """Replace the sentences and signals of a batch of documents atomically."""
        with self.transaction() as con:
            ids = pd.DataFrame({"document_id": document_ids})
            con.register("_batch", ids)
            con.execute("DELETE FROM signals WHERE document_id IN (SELECT document_id FROM _batch)")
            con.execute("DELETE FROM sentences WHERE document_id IN (SELECT document_id FROM _batch)")
            if len(sentences):
                con.register("_sents", sentences[SENTENCE_COLUMNS])
                con.execute("INSERT INTO sentences SELECT * FROM _sents")
                con.unregister("_sents")
            if len(signals):
                con.register("_sigs", signals[SIGNAL_COLUMNS])
                con.execute("INSERT INTO signals SELECT * FROM _sigs")
                con.unregister("_sigs")
            con.execute(
                "UPDATE documents SET analysed_with = ? WHERE document_id IN (SELECT document_id FROM _batch)",
                [analysis_key],
            )
            con.unregister("_batch")

    def sentences(self) -> pd.DataFrame:
        cols = ", ".join(SENTENCE_COLUMNS)
        return self.con.execute(f"SELECT {cols} FROM sentences ORDER BY document_id, idx").df()

    def signals(self) -> pd.DataFrame:
        cols = ", ".join(SIGNAL_COLUMNS)
        return self.con.execute(f"SELECT {cols} FROM signals ORDER BY document_id, sentence_id, label").df()

    # -- embeddings cache -------------------------------------------------------
    def get_embeddings(self, text_hashes: list[str], model: str) -> dict[str, np.ndarray]:
        if not text_hashes:
            return {}
        df = pd.DataFrame({"text_hash": text_hashes})
        self.con.register("_h", df)
        rows = self.con.execute(
            "SELECT e.text_hash, e.vector FROM embeddings e JOIN _h USING (text_hash) WHERE e.model = ?",
            [model],
        ).fetchall()
        self.con.unregister("_h")
        return {h: np.frombuffer(v, dtype=np.float32) for h, v in rows}

    def put_embeddings(self, vectors: dict[str, np.ndarray], model: str) -> None:
        if not vectors:
            return
        df = pd.DataFrame(
            {
                "text_hash": list(vectors),
                "model": model,
                "vector": [np.asarray(v, dtype=np.float32).tobytes() for v in vectors.values()],
            }
        )
        with self.transaction() as con:
            con.register("_emb", df)
            con.execute("INSERT INTO embeddings SELECT * FROM _emb ON CONFLICT DO NOTHING")
            con.unregister("_emb")

    # -- themes ------------------------------------------------------------------
    def save_themes(self, run_id: str, themes: pd.DataFrame, assignments: pd.DataFrame) -> None:
        with self.transaction() as con:
            con.execute("DELETE FROM themes WHERE run_id = ?", [run_id])
            con.execute("DELETE FROM theme_assignments WHERE run_id = ?", [run_id])
            if len(themes):
                t = themes[THEME_COLUMNS].copy()
                t.insert(0, "run_id", run_id)
                con.register("_t", t)
                con.execute("INSERT INTO themes SELECT * FROM _t")
                con.unregister("_t")
            if len(assignments):
                a = assignments[ASSIGNMENT_COLUMNS].copy()
                a.insert(0, "run_id", run_id)
                con.register("_a", a)
                con.execute("INSERT INTO theme_assignments SELECT * FROM _a")
                con.unregister("_a")


def _document_row(d: Document, run_id: str) -> dict[str, Any]:
    row = {c: getattr(d, c) for c in DOCUMENT_COLUMNS}
    row["pii_counts"] = json.dumps(d.pii_counts, sort_keys=True)
    row["likert"] = json.dumps(d.likert, sort_keys=True)
    row["first_run_id"] = run_id
    row["analysed_with"] = None
    return row
