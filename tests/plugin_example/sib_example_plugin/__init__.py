"""A tiny example plug-in for sib_nlp: one reader, one embedder, one detector.

It is installed for the tests only by putting this folder on ``sys.path``: the
``.dist-info`` folder beside it carries the entry points, exactly as ``pip
install`` would write them for a real package with, in its pyproject.toml::

    [project.entry-points."sib_nlp.readers"]
    regels = "sib_example_plugin:read_regels"
    [project.entry-points."sib_nlp.embedders"]
    woordhash = "sib_example_plugin:HashEmbedder"
    [project.entry-points."sib_nlp.detectors"]
    jargon = "sib_example_plugin:register"
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from sib_nlp.plugins import register_detector
from sib_nlp.schemas import RawRecord

JARGON = {"synergie", "stakeholdermanagement", "quick", "win", "helikopterview"}


def read_regels(path: Path, column_map: dict[str, str] | None = None) -> Iterator[RawRecord]:
    """``.regels`` files of a made-up survey tool: ``deelnemer|moment|tekst`` per line."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("|", 2)
        if len(parts) != 3:
            yield RawRecord(str(path), n, {"_error": "a line must be deelnemer|moment|tekst"})
            continue
        yield RawRecord(str(path), n, {"participant_id": parts[0], "wave": parts[1], "text": parts[2]})


class HashEmbedder:
    """Bag of hashed words in 64 dimensions: deterministic, no model files."""

    name = "woordhash-64"

    def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
        out = np.zeros((len(documents), 64), dtype=np.float32)
        for i, d in enumerate(documents):
            for w in d.lower().split():
                out[i, hashlib.md5(w.encode()).digest()[0] % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def make_jargon_detector(nlp, name):  # noqa: ANN001, ANN201
    def detect(doc):  # noqa: ANN001, ANN202
        signals = list(doc._.sib_signals or [])
        for si, sent in enumerate(doc.sents):
            for t in sent:
                if t.lower_ in JARGON:
                    signals.append(
                        {
                            "label": "voorbeeld.jargon",
                            "confidence": 0.9,
                            "evidence": t.text,
                            "start": t.idx,
                            "end": t.idx + len(t),
                            "sentence": si,
                            "detector": "sib_example_jargon_v1",
                        }
                    )
                    break
        doc._.sib_signals = signals
        return doc

    return detect


def register() -> None:
    register_detector("sib_example_jargon_v1", make_jargon_detector)
