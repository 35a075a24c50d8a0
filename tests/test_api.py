"""The Python API mirrors the command line: DataFrames with documented columns, pseudonymised text."""

from __future__ import annotations

import pandas as pd
import pytest

import sib_nlp
from sib_nlp.api import SIGNAL_COLUMNS, TEXT_COLUMNS


def test_annotate_returns_one_row_per_signal(nlp_blank):
    df = sib_nlp.annotate(
        [
            "Ik heb met de gemeente samengewerkt. Ik realiseerde me dat ik te snel oordeel.",
            {"id": "e1", "text": "De trainers waren erg goed.", "text_type": "evaluatie"},
        ],
        nlp=nlp_blank,
    )
    assert list(df.columns) == SIGNAL_COLUMNS
    sentence_level = df[df["level"] == "zin"]
    assert set(sentence_level[sentence_level["id"] == 0]["label"]) >= {"samenwerking.extern", "reflectie.inzicht"}
    waardering = sentence_level[sentence_level["label"] == "waardering"]
    assert list(waardering["id"]) == ["e1"] and list(waardering["polarity"]) == ["positief"]
    depth = df[df["label"] == "reflectie.diepte"]
    assert len(depth) == 2 and depth["value"].between(0, 3).all()


def test_annotate_pseudonymises_before_analysis(nlp_blank):
    df = sib_nlp.annotate(["Jan de Vries (06-12345678) heeft met de gemeente samengewerkt."], nlp=nlp_blank)
    text = " ".join(df["sentence_text"].dropna())
    assert "06-12345678" not in text and "Vries" not in text
    texts = sib_nlp.annotate_texts(["Mail jan.jansen@example.nl voor info."], nlp=nlp_blank)
    assert list(texts.columns) == TEXT_COLUMNS
    assert texts.loc[0, "pii"] == {"email": 1}
    assert "[EMAIL-1]" in texts.loc[0, "text"]


def test_annotate_accepts_a_dataframe_and_rejects_what_it_cannot_read(nlp_blank):
    frame = pd.DataFrame({"id": ["a"], "text": ["Ik had geen tijd."], "text_type": ["reflectie"]})
    df = sib_nlp.annotate(frame, nlp=nlp_blank)
    assert "belemmering" in set(df["label"])
    with pytest.raises(ValueError, match="'text' column"):
        sib_nlp.annotate(pd.DataFrame({"tekst": ["x"]}), nlp=nlp_blank)
    with pytest.raises(TypeError, match="record 0"):
        sib_nlp.annotate([42], nlp=nlp_blank)


def test_top_level_import_is_lazy():
    import importlib
    import sys

    for name in [m for m in sys.modules if m == "sib_nlp.api"]:
        del sys.modules[name]
    mod = importlib.reload(sib_nlp)
    assert "sib_nlp.api" not in sys.modules
    assert callable(mod.annotate)  # first use imports the API
    with pytest.raises(AttributeError):
        mod.does_not_exist  # noqa: B018
