"""The DuckDB store: content-hash keys, idempotent re-runs, transactions, changed files, locking."""

import shutil
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from sib_nlp.ingest import ingest_paths
from sib_nlp.io.store import Store, StoreLocked

CSV = (
    "deelnemer;meting;tekst\n"
    "P1;intake;Ik werk veel samen met de gemeente Utrecht.\n"
    "P2;eind;Ik heb geleerd dat vragen stellen helpt.\n"
)


def _ingest(path, settings):
    with Store(settings.store_path) as store:
        summary = ingest_paths([path], store, settings)
        return summary, store.count("documents"), store.count("quarantine")


def test_reingest_adds_nothing_and_force_reads_again(tmp_path, settings):
    f = tmp_path / "a.csv"
    f.write_text(CSV, encoding="utf-8")
    s1, n1, _ = _ingest(f, settings)
    assert (s1.total("accepted"), n1) == (2, 2)
    s2, n2, _ = _ingest(f, settings)
    assert n2 == 2 and s2.files[0].status == "unchanged"
    with Store(settings.store_path) as store:
        s3 = ingest_paths([f], store, settings, force=True)
        assert store.count("documents") == 2
    assert s3.total("already_stored") == 2 and s3.total("accepted") == 0
    # the same file under another name: its texts are already there
    shutil.copy(f, tmp_path / "copy.csv")
    s4, n4, _ = _ingest(tmp_path / "copy.csv", settings)
    assert n4 == 2 and s4.total("duplicates") + s4.total("already_stored") == 2


def test_changed_file_updates_its_documents(tmp_path, settings):
    f = tmp_path / "a.csv"
    f.write_text(CSV, encoding="utf-8")
    _ingest(f, settings)
    f.write_text(CSV.replace("helpt", "echt helpt bij de provincie"), encoding="utf-8")
    summary, n, _ = _ingest(f, settings)
    assert n == 2 and summary.files[0].removed == 1 and summary.files[0].accepted == 1
    with Store(settings.store_path) as store:
        texts = set(store.documents()["text"])
        runs = store.con.execute("SELECT count(DISTINCT run_id) FROM file_runs WHERE path = ?", [str(f)]).fetchone()
    assert any("provincie" in t for t in texts) and runs[0] == 2


def test_transaction_rolls_back_on_error(settings):
    with Store(settings.store_path) as store:
        with pytest.raises(RuntimeError):
            with store.transaction() as con:
                con.execute("INSERT INTO quarantine VALUES ('k', 'f', '', 1, '', 'r', 'run')")
                raise RuntimeError("crash halfway")
        assert store.count("quarantine") == 0


def test_save_analysis_replaces_a_batch_atomically(settings):
    from sib_nlp.schemas import SENTENCE_COLUMNS, SIGNAL_COLUMNS

    with Store(settings.store_path) as store:
        store.con.execute("INSERT INTO documents (document_id, language) VALUES ('d1', 'nl')")
        sents = pd.DataFrame([["d1:0", "d1", 0, "Zin.", "zin", 0, 4]], columns=SENTENCE_COLUMNS)
        sigs = pd.DataFrame(
            [["d1", "d1:0", "reflectie.inzicht", 0.9, "zin", "x", None, None, None]], columns=SIGNAL_COLUMNS
        )
        for _ in range(3):
            store.save_analysis("key", ["d1"], sents, sigs)
        assert (store.count("sentences"), store.count("signals")) == (1, 1)
        bad = sigs.assign(confidence="not a number")
        with pytest.raises(duckdb.Error):
            store.save_analysis("key2", ["d1"], sents, bad)
        assert (store.count("sentences"), store.count("signals")) == (1, 1)
        assert store.ids_to_analyse("key") == []


def test_second_process_gets_a_clear_lock_message(settings):
    with Store(settings.store_path):
        code = (
            "import sys\nfrom sib_nlp.io.store import Store, StoreLocked\n"
            f"try:\n    Store({str(settings.store_path)!r}).open()\n"
            "except StoreLocked as e:\n    print(e); sys.exit(3)\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert "in gebruik door een ander proces" in proc.stdout
    assert StoreLocked.__mro__[1].__name__ == "StoreError"
