"""sib_nlp: Dutch reflection and evaluation texts of *Samen in Beleid* turned into evidence of mindset change.

The Python API (:mod:`sib_nlp.api`) is available at the top level and imported on first use,
so that ``import sib_nlp`` stays cheap:

- ``sib_nlp.annotate(texts)`` -> DataFrame of signals, one row per signal;
- ``sib_nlp.annotate_texts(texts)`` -> DataFrame, one row per text;
- ``sib_nlp.analyse(paths, store=...)`` -> :class:`sib_nlp.api.Analysis` with the store's tables.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Analysis", "__version__", "analyse", "annotate", "annotate_texts"]


def __getattr__(name: str) -> Any:
    if name in {"annotate", "annotate_texts", "analyse", "Analysis"}:
        from sib_nlp import api

        return getattr(api, name)
    raise AttributeError(f"module 'sib_nlp' has no attribute {name!r}")
