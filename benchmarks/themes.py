"""Theme model benchmark: fit time (cold / cached embeddings), outliers, coherence, diversity, stability.

Run: ``python benchmarks/themes.py [--store data/sib_nlp.duckdb] [--runs 5]``. It needs a store with
analysed sentences (``sib-nlp demo`` makes one) and writes ``benchmarks/results/themes.json`` and
``benchmarks/results/themes.md``.

- *fit time*: wall-clock seconds of ``ThemeModel.fit`` with an empty embedding cache (cold) and with
  all embeddings cached; ratios within one run are what to compare, the machine is shared;
- *outlier share*: units without a theme, before and after BERTopic's outlier reduction;
- *NPMI coherence*: mean normalised PMI of the top-5 terms of each theme, with document
  co-occurrence counted over the units (the same corpus);
- *diversity*: share of unique words among all themes' top-10 terms;
- *stability*: adjusted Rand index of the unit -> theme assignments between the first run and
  ``--runs - 1`` runs on a shuffled input order;
- *programme themes found*: how many of the codebook's themes have at least one unit.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sib_nlp.io.store import Store  # noqa: E402
from sib_nlp.themes.embedders import CachedEmbedder, USEEmbedder  # noqa: E402
from sib_nlp.themes.model import OUTLIER, ThemeModel, load_programme_themes  # noqa: E402
from sib_nlp.themes.units import build_units  # noqa: E402


def npmi(topics: list[list[str]], docs: list[set[str]], top: int = 5) -> float:
    n = len(docs)
    scores = []
    for words in topics:
        words = words[:top]
        for a, b in itertools.combinations(words, 2):
            pa = sum(a in d for d in docs) / n
            pb = sum(b in d for d in docs) / n
            pab = sum(a in d and b in d for d in docs) / n
            if pa == 0 or pb == 0:
                continue
            if pab == 0:
                scores.append(-1.0)
                continue
            pmi = math.log(pab / (pa * pb))
            scores.append(pmi / -math.log(pab) if pab < 1 else 1.0)
    return float(np.mean(scores)) if scores else float("nan")


def main() -> None:
    from sklearn.metrics import adjusted_rand_score

    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default=str(ROOT / "data" / "sib_nlp.duckdb"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    ap.add_argument(
        "--generated",
        type=int,
        default=0,
        help="instead of --store: a generated corpus of this many texts (benchmarks/corpus.py), "
        "ingested and analysed into a temporary store; results go to themes-generated.{json,md}",
    )
    args = ap.parse_args()
    name = "themes"
    if args.generated:
        args.store = str(_generated_store(args.generated))
        name = "themes-generated"

    with Store(args.store, read_only=True) as store:
        docs = store.documents("WHERE language = 'nl'")
        units = build_units(docs[docs["text_type"] != "evaluatie"], store.sentences())
    cache: dict[tuple[str, str], np.ndarray] = {}

    def get(hashes, model):  # noqa: ANN001, ANN202
        return {h: cache[(h, model)] for h in hashes if (h, model) in cache}

    def put(vectors, model):  # noqa: ANN001, ANN202
        cache.update({(h, model): v for h, v in vectors.items()})

    embedder = CachedEmbedder(USEEmbedder(), get, put)
    t0 = time.perf_counter()
    first = ThemeModel(embedder).fit(units)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    ThemeModel(embedder).fit(units)
    warm = time.perf_counter() - t0
    res = first.results()
    base = dict(zip(units["unit_id"], first.topics_, strict=True))
    aris = []
    rng = np.random.default_rng(0)
    for _ in range(args.runs - 1):
        shuffled = units.sample(frac=1.0, random_state=int(rng.integers(1 << 30)))
        m = ThemeModel(embedder).fit(shuffled)
        other = dict(zip(shuffled["unit_id"], m.topics_, strict=True))
        ids = list(base)
        aris.append(adjusted_rand_score([base[i] for i in ids], [other[i] for i in ids]))
    terms = [t.split(", ") for t in res.themes["top_terms"] if t]
    doc_sets = [set(str(x).split()) for x in units["terms"]]
    # co-occurrence within the whole text (a reflection) as well as within one sentence
    per_text: dict[str, set[str]] = {}
    for d, x in zip(units["document_id"], units["terms"], strict=True):
        per_text.setdefault(d, set()).update(str(x).split())
    # guidance by the one-line theme descriptions instead of example sentences (the prototypes)
    import dataclasses

    described = tuple(dataclasses.replace(t, examples=()) for t in load_programme_themes())
    by_description = ThemeModel(embedder, programme_themes=described).fit(units).results()
    found_by_description = set(by_description.themes["codebook_theme"]) - {"nieuw"}
    top10 = [w for ws in terms for w in ws[:10]]
    found = set(res.themes["codebook_theme"]) - {"nieuw"}
    result = {
        "units": int(len(units)),
        "fit_seconds_cold": round(cold, 2),
        "fit_seconds_cached_embeddings": round(warm, 2),
        "cached_over_cold": round(warm / cold, 3),
        "outlier_share_before_reduction": res.info["outlier_share_before"],
        "outlier_share": res.info["outlier_share"],
        "n_themes": res.info["n_themes"],
        "n_new_themes": res.info["n_new_themes"],
        "programme_themes_found": f"{len(found)}/{len(load_programme_themes())}",
        "npmi_top5": round(npmi(terms, doc_sets), 4),
        "npmi_top5_within_texts": round(npmi(terms, list(per_text.values())), 4),
        "diversity_top10": round(len(set(top10)) / max(1, len(top10)), 4),
        "ari_vs_shuffled": [round(a, 4) for a in aris],
        "ari_min": round(min(aris), 4) if aris else None,
        "unassigned_in_first_run": int((first.topics_ == OUTLIER).sum()),
        "largest_theme_share": round(float(res.themes["size"].max() / len(units)), 4) if len(res.themes) else None,
        "guided_by_descriptions_themes_found": f"{len(found_by_description)}/{len(load_programme_themes())}",
        "guided_by_descriptions_outlier_share": by_description.info["outlier_share"],
        "machine": f"{platform.machine()}, {platform.python_version()}",
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.generated:
        result["corpus"] = f"generated: {args.generated} texts (benchmarks/corpus.py)"
    (out / f"{name}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    lines = ["| measure | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in result.items()]
    (out / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def _generated_store(n_texts: int) -> Path:
    import tempfile

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import generate

    from sib_nlp.analyser import analyse_store
    from sib_nlp.config import Settings
    from sib_nlp.nlp import load_dutch
    from sib_nlp.pipeline import ingest_step

    tmp = Path(tempfile.mkdtemp(prefix="sib-themes-"))
    paths, _ = generate(n_texts, tmp / "in")
    settings = Settings(store_path=tmp / "store.duckdb", themes_dir=tmp / "themes")
    ingest_step(paths, settings)
    with Store(settings.store_path) as store:
        analyse_store(store, load_dutch(settings), settings)
    return settings.store_path


if __name__ == "__main__":
    main()
