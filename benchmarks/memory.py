"""Peak memory of ingest + analysis as the corpus grows (streaming check).

Run: ``python benchmarks/memory.py [--sizes 10000 100000]``. Each size runs in its own
process on a generated corpus (``benchmarks/corpus.py``) and a fresh store: ``ingest_step``
(read, validate, clean, pseudonymise, store) and then ``analyse_store`` (Dutch pipeline +
signal detectors, streamed into the store). The theme model is not part of this benchmark:
it is measured by ``benchmarks/themes.py``. Writes ``benchmarks/results/memory.{json,md}``.

Peak RSS is the process's ``ru_maxrss`` after each step (it includes the loaded models).
The target (issue 8) is peak RSS at the largest size <= 1.3 x at the smallest.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

RESULTS = ROOT / "benchmarks" / "results"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(n: int) -> dict:
    from corpus import generate

    from sib_nlp.config import Settings
    from sib_nlp.io.store import Store
    from sib_nlp.nlp import load_dutch
    from sib_nlp.pipeline import ingest_step

    with tempfile.TemporaryDirectory() as tmp:
        paths, words = generate(n, Path(tmp) / "in")
        settings = Settings(store_path=Path(tmp) / "store.duckdb", themes_dir=Path(tmp) / "themes")
        start_rss = _rss_mb()
        t0 = time.perf_counter()
        ing = ingest_step(paths, settings)
        t_ingest = time.perf_counter() - t0
        rss_ingest = _rss_mb()
        from sib_nlp.analyser import analyse_store

        nlp = load_dutch(settings)
        t0 = time.perf_counter()
        with Store(settings.store_path) as store:
            summary = analyse_store(store, nlp, settings)
        t_analyse = time.perf_counter() - t0
        return {
            "texts": n,
            "words": words,
            "accepted": ing["accepted"],
            "analysed": summary.analysed,
            "sentences": summary.sentences,
            "ingest_seconds": round(t_ingest, 1),
            "analyse_seconds": round(t_analyse, 1),
            "rss_start_mb": round(start_rss),
            "peak_rss_after_ingest_mb": round(rss_ingest),
            "peak_rss_mb": round(_rss_mb()),
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    rows = []
    for n in args.sizes:
        proc = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True)
        if proc.returncode:
            sys.exit(f"size {n} failed:\n{proc.stderr[-2000:]}")
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    ratio = rows[-1]["peak_rss_mb"] / rows[0]["peak_rss_mb"]
    result = {
        "machine": {
            "python": platform.python_version(),
            "cpus": __import__("os").cpu_count(),
            "system": platform.platform(),
        },
        "runs": rows,
        "peak_rss_ratio_largest_vs_smallest": round(ratio, 3),
        "target": "<= 1.3",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "memory.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = [
        "| texts | words | ingest s | analyse s | peak RSS after ingest (MB) | peak RSS (MB) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['texts']:,} | {r['words']:,} | {r['ingest_seconds']} | {r['analyse_seconds']} | "
            f"{r['peak_rss_after_ingest_mb']:,} | {r['peak_rss_mb']:,} |"
        )
    lines.append(
        f"\nPeak RSS ratio, {rows[-1]['texts']:,} vs {rows[0]['texts']:,} texts: **{ratio:.2f}** (target <= 1.3)."
    )
    (RESULTS / "memory.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
