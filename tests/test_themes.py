"""Themes: units, the small-corpus fallback, the BERTopic path (slow), saving and applying a model."""

import numpy as np
import pandas as pd
import pytest

from sib_nlp.themes.embedders import CachedEmbedder, TfidfSvdEmbedder, text_hash
from sib_nlp.themes.model import NEW, OUTLIER, ThemeConfig, ThemeModel, load_programme_themes
from sib_nlp.themes.units import build_units

OUTSIDE = [
    "Ik ben op werkbezoek geweest bij de gemeente en een zorginstelling in de regio.",
    "We hebben gesprekken gevoerd met bewoners en ondernemers in de wijk.",
    "Samen met de provincie en een kennisinstelling hebben we een sessie georganiseerd.",
]
BOSS = [
    "Mijn leidinggevende gaf me de ruimte om het zelf te doen.",
    "Als teamleider wil ik mijn medewerkers meer ruimte geven.",
    "Ik voelde me gesteund door mijn manager bij de keuzes.",
]
OTHER = ["De archiefkasten in de kelder zijn opnieuw genummerd en gelabeld."]


class CountingEmbedder(TfidfSvdEmbedder):
    def __init__(self):
        super().__init__(n_components=32)
        self.calls = 0

    def embed(self, documents, verbose=False):
        self.calls += len(documents)
        return super().embed(documents, verbose)


def _units(texts):
    return pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(len(texts))],
            "document_id": [f"d{i}" for i in range(len(texts))],
            "text": texts,
            "terms": [t.lower() for t in texts],
        }
    )


def _two_topics(seed: int, n: int = 60) -> list[str]:
    """n sentences, alternately about outside partners and about the archive (no programme theme)."""
    rng = np.random.default_rng(seed)
    words_a = ["gemeente", "provincie", "bewoners", "werkbezoek", "wijk", "regio", "ondernemers"]
    words_b = ["archief", "kelder", "kasten", "labels", "dossiers", "nummering", "scanner"]
    return [
        "Vandaag " + " ".join(rng.choice(words_a if i % 2 else words_b, 5)) + f" en nog wat meer tekst {i}."
        for i in range(n)
    ]


def test_programme_themes_have_examples():
    themes = load_programme_themes()
    assert len(themes) == 8
    assert all(len(t.examples) >= 3 and t.seed_terms for t in themes)


def test_units_by_sentence_and_paragraph():
    docs = pd.DataFrame(
        {"document_id": ["d1"], "text": ["Eerste zin hier nu. Tweede zin erachter aan.\n\nDerde zin in alinea twee."]}
    )
    sents = pd.DataFrame(
        {
            "sentence_id": ["d1:0", "d1:1", "d1:2"],
            "document_id": ["d1"] * 3,
            "idx": [0, 1, 2],
            "text": ["Eerste zin hier nu.", "Tweede zin erachter aan.", "Derde zin in alinea twee."],
            "lemmas": ["zin", "zin", "zin alinea"],
            "start_char": [0, 20, 46],
            "end_char": [19, 44, 71],
        }
    )
    assert list(build_units(docs, sents, "sentence")["unit_id"]) == ["d1:0", "d1:1", "d1:2"]
    paras = build_units(docs, sents, "paragraph")
    assert list(paras["unit_id"]) == ["d1:p0", "d1:p1"]
    assert paras["text"].iloc[0] == "Eerste zin hier nu. Tweede zin erachter aan."
    with pytest.raises(ValueError):
        build_units(docs, sents, "document")


def test_small_corpus_falls_back_to_programme_themes_with_a_message():
    model = ThemeModel(TfidfSvdEmbedder(n_components=16), ThemeConfig(min_similarity=0.05)).fit(
        _units(OUTSIDE[:2] + BOSS[:2] + OTHER)
    )
    result = model.results()
    assert result.info["mode"] == "zero-shot" and "Te weinig" in result.info["message"]
    assert len(result.assignments) == 5
    assert set(result.themes["codebook_theme"]) <= {t.id for t in load_programme_themes()}


def test_embedding_cache_only_embeds_new_texts():
    store: dict[tuple[str, str], np.ndarray] = {}

    def get(hashes, model):
        return {h: store[(h, model)] for h in hashes if (h, model) in store}

    def put(vectors, model):
        store.update({(h, model): v for h, v in vectors.items()})

    inner = CountingEmbedder()
    inner.fit(OUTSIDE + BOSS)
    cached = CachedEmbedder(inner, get, put)
    first = cached.embed(OUTSIDE + BOSS)
    again = cached.embed(OUTSIDE + BOSS + OTHER)
    assert inner.calls == len(OUTSIDE + BOSS) + 1
    assert np.allclose(first, again[:-1]) and cached.hits == 6
    assert (text_hash(OTHER[0]), inner.name) in store


@pytest.mark.slow
def test_bertopic_fit_save_and_apply(tmp_path):
    texts = _two_topics(seed=0)
    embedder = TfidfSvdEmbedder(n_components=24)
    embedder.fit(texts)
    model = ThemeModel(embedder, ThemeConfig(min_similarity=0.99, min_cluster_size=5)).fit(_units(texts))
    result = model.results()
    assert result.info["mode"] == "bertopic"
    assert result.info["outlier_share"] <= 0.15
    assert (result.themes["codebook_theme"] == NEW).all(), "nothing here is a programme theme"
    assert len(result.themes) >= 2
    folder = model.save(tmp_path / "m")
    assert (folder / "meta.json").is_file() and any((folder / "bertopic").glob("*.safetensors"))
    applied = ThemeModel.load(folder, embedder).transform(_units(texts[:10]))
    assigned = applied.results().assignments
    assert len(assigned) == 10 and (assigned["theme_id"] != OUTLIER).mean() >= 0.8


@pytest.mark.slow
def test_repeated_units_are_clustered_once_and_share_their_theme():
    distinct = _two_topics(seed=1)
    boilerplate = "Vul hieronder uw reflectie in op de vragen van het formulier."
    texts = distinct + [boilerplate] * 200  # a copied form instruction outnumbers everything else
    embedder = TfidfSvdEmbedder(n_components=24)
    embedder.fit(distinct + [boilerplate])
    model = ThemeModel(embedder, ThemeConfig(min_similarity=0.99)).fit(_units(texts))
    result = model.results()
    copies = result.assignments.iloc[60:]
    assert copies["theme_id"].nunique() == 1  # every copy gets the same theme (or outlier)
    # the 200 copies are one point: they neither form a theme of their own nor swamp the minimum size
    assert len(result.themes) >= 2
    by_unit = result.assignments.set_index("unit_id")["theme_id"]
    first_half = by_unit.iloc[:60]
    assert (first_half != OUTLIER).mean() >= 0.8
