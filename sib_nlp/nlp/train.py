"""The training recipe of ``nl_sib_core``, the project's own Dutch pipeline.

1. convert the UD Dutch files (read from ``../shared/data/ud``, never copied
   into the repository) with plain lemmas and a paragraph-level split
   (:mod:`sib_nlp.nlp.ud`);
2. train tok2vec, morphologizer (POS + morphology), tagger (CGN/XPOS tags),
   parser (dependencies and sentence boundaries) and the trainable lemmatizer
   with the config in ``sib_nlp/resources/nl_sib_core.cfg``;
3. add the project's rule components (line-break sentence starts, plain
   lemmas with the programme lexicon and separable verbs);
4. evaluate on the held-out test part and write
   ``models/nl_sib_core-<version>/`` with ``meta.json`` carrying sources,
   licence (CC BY-SA 4.0), credit, the split and the scores.

Run it with ``sib-nlp train-dutch``; it takes 20-40 minutes on one core (early stopping on the dev part).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path
from typing import Any

from sib_nlp.config import RESOURCES

log = logging.getLogger(__name__)

CONFIG = RESOURCES / "nl_sib_core.cfg"
UD_FILES = ("nl_lassysmall-ud-dev.conllu", "nl_lassysmall-ud-test.conllu", "nl_alpino-ud-test.conllu")

LICENSE = "CC BY-SA 4.0"
CREDIT = (
    "Trained on Universal Dependencies v2.16: UD_Dutch-LassySmall (Gosse Bouma, Gertjan van Noord) and "
    "UD_Dutch-Alpino (Zeman, Žabokrtský, Bouma, van Noord), licensed CC BY-SA 4.0. "
    "This pipeline is a derived work under the same licence."
)


def ud_files(ud_dir: Path) -> list[Path]:
    files = [ud_dir / name for name in UD_FILES]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"UD Dutch files not found: {', '.join(missing)} (set --ud-dir)")
    return files


def data_hash(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def prepare_corpus(ud_dir: Path, work: Path) -> dict[str, Any]:
    from sib_nlp.nlp.ud import convert_ud

    files = ud_files(ud_dir)
    summary = convert_ud(files, work / "corpus")
    split = {
        "method": "by paragraph (runs of at most 10 sentences), hashed, per treebank file; 12% test, 5% dev",
        "sentences": summary.sentences,
        "tokens": summary.tokens,
        "per_file": summary.per_file,
        "data_hash": data_hash(files),
    }
    (work / "split.json").write_text(json.dumps(split, indent=2), encoding="utf-8")
    return split


def train_pipeline(work: Path, max_steps: int | None = None) -> Path:
    from spacy.cli.train import train

    overrides: dict[str, Any] = {
        "paths.train": str(work / "corpus" / "train.spacy"),
        "paths.dev": str(work / "corpus" / "dev.spacy"),
    }
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
    train(CONFIG, work / "output", overrides=overrides)
    return work / "output" / "model-best"


def package_pipeline(trained: Path, models_dir: Path, version: str, split: dict[str, Any]) -> Path:
    """Add the rule components, write meta.json and place the pipeline under models/."""
    import spacy

    import sib_nlp.nlp.registrations  # noqa: F401
    from sib_nlp.nlp.evaluate import score_docbin

    nlp = spacy.load(trained)
    nlp.add_pipe("sib_line_breaks_v1", name="sib_line_breaks", before="parser")
    nlp.add_pipe("sib_plain_lemmas_v1", name="sib_plain_lemmas")
    nlp.meta.update(
        {
            "name": "sib_core",
            "version": version,
            "lang": "nl",
            "description": "Dutch pipeline of sib_nlp: tok2vec, morphologizer, tagger, parser, trainable "
            "lemmatizer (plain Dutch lemmas), trained on UD Dutch; plus sib_nlp's rule components.",
            "license": LICENSE,
            "sources": [
                {
                    "name": "UD_Dutch-LassySmall",
                    "author": "Gosse Bouma, Gertjan van Noord",
                    "url": "https://universaldependencies.org/treebanks/nl_lassysmall/",
                    "license": LICENSE,
                },
                {
                    "name": "UD_Dutch-Alpino",
                    "author": "Zeman, Žabokrtský, Bouma, van Noord",
                    "url": "https://universaldependencies.org/treebanks/nl_alpino/",
                    "license": LICENSE,
                },
            ],
            "credit": CREDIT,
            "split": split,
            "requirements": ["sib_nlp"],
        }
    )
    work = trained.parent.parent
    scores = score_docbin(nlp, work / "corpus" / "test.spacy")
    nlp.meta["performance"] = scores
    nlp.meta["sib_nlp_eval"] = {"test_part": "held-out test split (see split)", **scores}
    target = models_dir / f"nl_sib_core-{version}"
    if target.exists():
        shutil.rmtree(target)
    nlp.to_disk(target)
    return target


def train_dutch(
    ud_dir: Path,
    models_dir: Path,
    version: str = "0.2.0",
    max_steps: int | None = None,
    work: Path | None = None,
) -> Path:
    work = work or models_dir / "_work" / f"nl_sib_core-{version}"
    work.mkdir(parents=True, exist_ok=True)
    split = prepare_corpus(Path(ud_dir), work)
    trained = train_pipeline(work, max_steps=max_steps)
    return package_pipeline(trained, models_dir, version, split)
