"""Every extension point of sib_nlp, in one place.

================  ===================================  =======================================
extension         register in code                     or from another package (entry points)
================  ===================================  =======================================
file reader       ``register_reader(".sav", fn)``      group ``sib_nlp.readers``, name = suffix
embedding model   ``register_embedder("naam", cls)``   group ``sib_nlp.embedders``
signal detector   ``register_detector("sib_x_v1", f)`` group ``sib_nlp.detectors`` (a function
                                                       that calls ``register_detector``)
signal label      a block in the codebook YAML         the ``codebook`` setting names the file
================  ===================================  =======================================

- A **reader** is ``fn(path, column_map) -> Iterator[RawRecord]`` (see
  :mod:`sib_nlp.io.readers`); ingest picks it by the file's suffix.
- An **embedder** is a class with ``embed(texts) -> np.ndarray`` and a ``name``
  (see :mod:`sib_nlp.themes.embedders`); choose it with ``--embedder naam``.
- A **detector** is a spaCy factory ``make(nlp, name) -> component``; the
  component appends signal dicts (``label``, ``confidence``, ``evidence``,
  ``start``, ``end``, ``sentence``, ``detector``) to ``doc._.sib_signals``. Its
  name must start with ``sib_`` and end in a version (``_v1``). List it in the
  ``extra_detectors`` setting to run it after the pattern detector, in the same
  ``nlp.pipe`` stream, before the trained classifier (which leaves labels it was
  not trained on alone).

:func:`load_plugins` loads the entry points of all three groups once per
process; ingest, the embedder factory and the pipeline loader call it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

GROUPS = ("sib_nlp.readers", "sib_nlp.embedders", "sib_nlp.detectors")
_DETECTOR_NAME = re.compile(r"^sib_[a-z0-9_]+_v\d+$")
_loaded: dict[str, list[str]] | None = None


def register_reader(suffix: str, reader: Callable[..., Any]) -> None:
    """Read files ending in ``suffix`` (``.sav``, ``.json``, ...) with ``reader``."""
    from sib_nlp.io.readers import READERS

    key = suffix.lower() if suffix.startswith(".") else "." + suffix.lower()
    READERS[key] = reader


def register_embedder(name: str, factory: Callable[..., Any]) -> None:
    """Make ``factory(**kwargs)`` available as embedding backend ``name``."""
    from sib_nlp.themes.embedders import EMBEDDERS

    EMBEDDERS[name] = factory


def register_detector(
    name: str, factory: Callable[..., Any], assigns: tuple[str, ...] = ("doc._.sib_signals",)
) -> None:
    """Register a spaCy factory for a signal detector under the project's namespace."""
    from spacy.language import Language

    if not _DETECTOR_NAME.match(name):
        raise ValueError(f"detector name {name!r} must look like sib_<name>_v<version>, e.g. sib_jargon_v1")
    if name in Language.factories:
        return
    Language.factory(name, assigns=list(assigns), requires=["doc._.sib_signals"], func=factory)


def load_plugins(force: bool = False) -> dict[str, list[str]]:
    """Load every installed plug-in (entry points of :data:`GROUPS`); returns what was loaded per group."""
    global _loaded
    if _loaded is not None and not force:
        return _loaded
    from importlib.metadata import entry_points

    loaded: dict[str, list[str]] = {g: [] for g in GROUPS}
    for group in GROUPS:
        for ep in entry_points(group=group):
            try:
                obj = ep.load()
            except Exception as exc:  # a broken plug-in must not stop the run; say which one
                log.warning("plug-in %s (%s) could not be loaded: %s", ep.name, group, exc)
                continue
            if group == "sib_nlp.readers":
                register_reader(ep.name, obj)
            elif group == "sib_nlp.embedders":
                register_embedder(ep.name, obj)
            else:
                obj()  # a function that calls register_detector(...)
            loaded[group].append(ep.name)
    _loaded = loaded
    return loaded
