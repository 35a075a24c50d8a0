"""Crash safety and concurrency: a killed run loses nothing, two runs never interleave.

The slow tests run the real ``sib-nlp`` command in subprocesses, on the real
Dutch pipeline, on part of the sample corpus.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import SAMPLE

from sib_nlp.io.lock import run_lock
from sib_nlp.io.store import Store, StoreLocked

HOLD = (
    "import sys, time\nfrom sib_nlp.io.lock import run_lock\n"
    "with run_lock(sys.argv[1], 0):\n    print('held', flush=True)\n    time.sleep(float(sys.argv[2]))\n"
    "print('released', flush=True)\n"
)


def _holder(store_path, seconds):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store_path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_run_fails_with_a_clear_message_when_the_lock_stays_taken(tmp_path):
    store_path = tmp_path / "store.duckdb"
    holder = _holder(store_path, 30)
    try:
        with pytest.raises(StoreLocked, match="in gebruik door een andere run") as err:
            with run_lock(store_path, wait_seconds=0.5, poll=0.1):
                pass
        assert str(store_path) in str(err.value)
    finally:
        holder.kill()
        holder.wait()


def test_second_run_waits_for_the_first_then_goes_ahead(tmp_path):
    store_path = tmp_path / "store.duckdb"
    holder = _holder(store_path, 1.5)
    started = time.monotonic()
    with run_lock(store_path, wait_seconds=60, poll=0.1):
        waited = time.monotonic() - started
        assert holder.stdout.readline().strip() == "released"  # the first run let go before we got in
    assert waited > 0.5  # we really waited (no upper bound: the machine may be slow)
    holder.wait()


def test_lock_is_released_when_its_holder_is_killed(tmp_path):
    store_path = tmp_path / "store.duckdb"
    holder = _holder(store_path, 300)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with run_lock(store_path, wait_seconds=5, poll=0.1):
        pass


def test_lock_is_reentrant_within_a_process(tmp_path):
    store_path = tmp_path / "store.duckdb"
    with run_lock(store_path, 0), run_lock(store_path, 0):
        pass
    with run_lock(store_path, 0):  # released completely after the outer block
        pass


def test_interrupted_runs_are_marked_as_such(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        run_id = store.start_run("analyse")
        ok = store.start_run("ingest")
        store.finish_run(ok, "ok")
        assert store.mark_interrupted_runs() == 1
        status = dict(store.runs()[["run_id", "status"]].itertuples(index=False))
    assert status == {run_id: "interrupted", ok: "ok"}


# -- real processes ----------------------------------------------------------------------


def _cli(config, *args):
    return [sys.executable, "-m", "pipelines.cli", "--config", str(config), *args]


def _config(base, name, batch_size=8):
    cfg = base / f"{name}.toml"
    cfg.write_text(
        f'store_path = "{base / name}.duckdb"\nthemes_dir = "{base / name}-themes"\n'
        f"batch_size = {batch_size}\nlock_wait_seconds = 600\n",
        encoding="utf-8",
    )
    return cfg


def _tables(path):
    with Store(path, read_only=True) as store:
        con = store.con
        return {
            "sentences": con.execute("SELECT * FROM sentences ORDER BY sentence_id").fetchall(),
            "signals": con.execute(
                "SELECT * FROM signals ORDER BY document_id, sentence_id, label, evidence, aspect, partner"
            ).fetchall(),
            "analysed": con.execute("SELECT document_id, analysed_with FROM documents ORDER BY 1").fetchall(),
            "runs": store.runs(),
        }


@pytest.mark.slow
def test_killed_analysis_leaves_a_consistent_store_and_the_next_run_completes_it(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(SAMPLE / "reflecties_platform.csv", source)
    killed, clean = _config(tmp_path, "killed"), _config(tmp_path, "clean")
    env = os.environ | {"CI": "1"}
    ingest = subprocess.run(_cli(killed, "ingest", str(source)), capture_output=True, text=True, env=env)
    assert ingest.returncode == 0, ingest.stderr
    shutil.copy(tmp_path / "killed.duckdb", tmp_path / "clean.duckdb")  # the same store, before analysis

    proc = subprocess.Popen(
        _cli(killed, "-v", "analyse"), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
    )
    progress = []
    for line in proc.stderr:
        if "analysed" in line and " of " in line:
            progress.append(line)
            if len(progress) == 2:  # at least two batches committed, more in flight
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the analysis ended before it could be killed"

    half = _tables(tmp_path / "killed.duckdb")
    analysed = {d for d, key in half["analysed"] if key}
    assert 0 < len(analysed) < len(half["analysed"])
    with_sentences = {s[1] for s in half["sentences"]}
    assert with_sentences == analysed  # no document half-written, no sentences without their document's mark
    assert {s[0] for s in half["signals"]} <= analysed
    assert list(half["runs"].query("kind == 'analyse'")["status"]) == ["running"]

    resumed = subprocess.run(_cli(killed, "analyse"), capture_output=True, text=True, env=env)
    assert resumed.returncode == 0, resumed.stderr
    uninterrupted = subprocess.run(_cli(clean, "analyse"), capture_output=True, text=True, env=env)
    assert uninterrupted.returncode == 0, uninterrupted.stderr

    after, reference = _tables(tmp_path / "killed.duckdb"), _tables(tmp_path / "clean.duckdb")
    for table in ("sentences", "signals", "analysed"):
        assert after[table] == reference[table], table
    assert len({s[0] for s in after["sentences"]}) == len(after["sentences"])  # no duplicates
    statuses = list(after["runs"].query("kind == 'analyse'")["status"])
    assert statuses == ["interrupted", "ok"]


@pytest.mark.slow
def test_two_runs_started_together_do_not_corrupt_the_store(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(SAMPLE / "reflecties_export_2.csv", source)
    cfg = _config(tmp_path, "shared")
    env = os.environ | {"CI": "1"}
    procs = [
        subprocess.Popen(
            _cli(cfg, "ingest", str(source)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=900) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    single = tmp_path / "single"
    single_cfg = _config(tmp_path, "single")
    one = subprocess.run(_cli(single_cfg, "ingest", str(source)), capture_output=True, text=True, env=env)
    assert one.returncode == 0, one.stderr
    with Store(tmp_path / "shared.duckdb", read_only=True) as a, Store(f"{single}.duckdb", read_only=True) as b:
        for table in ("documents", "quarantine"):
            assert a.count(table) == b.count(table), table
        ids = a.con.execute("SELECT document_id FROM documents").fetchall()
        assert len(ids) == len(set(ids))
        runs = a.runs()
    assert sorted(runs["status"]) == ["ok", "ok"]
    # one of the two read the file; the other waited and found it unchanged
    stdouts = "\n".join(o[0] for o in outs)
    assert "unchanged since last ingest" in stdouts
