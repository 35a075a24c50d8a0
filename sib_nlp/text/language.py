"""Language identification: Dutch texts are analysed, English or mixed ones flagged.

Uses lingua (offline n-gram models shipped in its wheel), restricted to the
languages that turn up in a Dutch ministry: Dutch, English, German, French.
A text is ``mixed`` when a substantial part of its sentences is not Dutch.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_CODES = {"DUTCH": "nl", "ENGLISH": "en", "GERMAN": "de", "FRENCH": "fr"}


@lru_cache(maxsize=1)
def _detector():  # noqa: ANN202
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(Language.DUTCH, Language.ENGLISH, Language.GERMAN, Language.FRENCH)
        .with_preloaded_language_models()
        .build()
    )


def _confidences(text: str) -> dict[str, float]:
    return {
        _CODES.get(c.language.name, "unknown"): c.value for c in _detector().compute_language_confidence_values(text)
    }


def detect_sentence(text: str) -> str:
    lang = _detector().detect_language_of(text)
    return _CODES.get(lang.name, "unknown") if lang is not None else "unknown"


def detect_language(text: str, mixed_share: float = 0.3, default: str = "nl") -> str:
    """``nl``, ``en``, ``de``, ``fr`` or ``mixed`` for a whole text.

    The whole text is judged first; another language wins only when the
    detector is confident (short Dutch answers like "Prima." or "De monitor is
    af." are easily mistaken for English or German). A Dutch text is ``mixed``
    when sentences of six words or more that are confidently in another
    language make up at least ``mixed_share`` of its words.
    """
    words = text.split()
    if not words:
        return default
    conf = _confidences(text)
    top = max(conf, key=conf.__getitem__)
    threshold = 0.9 if len(words) < 6 else 0.6
    if top != default and conf[top] >= threshold:
        return top
    other = 0
    total = 0
    for sent in _SENT_SPLIT.split(text):
        n = len(sent.split())
        total += n
        if n >= 6:
            c = _confidences(sent)
            best = max(c, key=c.__getitem__)
            if best != default and c[best] >= 0.9:
                other += n
    if total and other / total >= mixed_share:
        return "mixed"
    return default
