"""Pure Dutch text cleaning: no spaCy, no I/O.

- Unicode repair (mojibake from a wrong encoding, e.g. ``Ã©`` for ``é``) with ftfy;
- whitespace, bullet and line-break normalisation (a bullet list stays one item a line);
- boilerplate removal: lines that repeat across many documents (signatures,
  disclaimers, copied form instructions) or within one document;
- content hashing and near-duplicate detection on word shingles.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

import ftfy

_BULLETS = re.compile(r"^[ \t]*(?:[-–—•·▪◦●○*►✓✔]|\d{1,2}[.)]|[a-z][.)])[ \t]+", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_WORD = re.compile(r"\w+", re.UNICODE)

# lines of form boilerplate and mail signatures that carry no reflection
_BOILERPLATE_LINES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(met )?(vriendelijke|hartelijke) groet(en)?[,.!]*$",
        r"^groet(en|jes)?[,.!]*$",
        r"^mvg[,.]*$",
        r"^dit (e-?mail)?bericht (is|kan) (uitsluitend )?bestemd.*$",
        r"^disclaimer:.*$",
        r"^verzonden (vanaf|met) mijn .*$",
        r"^sent from my .*$",
        r"^(beantwoord|vul) (hier )?de (onderstaande )?vra(ag|gen) .*$",
        r"^(vraag|toelichting) \d+[:.].*$",
        r"^\[?(niet )?ingevuld\]?$",
    )
]


def repair_unicode(text: str) -> str:
    """Fix mojibake and normalise to NFC."""
    fixed = ftfy.fix_text(text, normalization="NFC")
    return unicodedata.normalize("NFC", fixed)


def normalise_whitespace(text: str) -> str:
    """Unify line breaks, spaces and bullets; keep paragraph and list structure."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _BULLETS.sub("- ", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def strip_boilerplate(text: str, repeated_lines: set[str] | None = None) -> str:
    """Remove form/mail boilerplate lines and lines repeated within the document."""
    out: list[str] = []
    seen: set[str] = set()
    for line in text.split("\n"):
        key = line.strip().lower()
        if key and (any(p.match(key) for p in _BOILERPLATE_LINES) or key in (repeated_lines or set())):
            continue
        if key and len(key) > 30 and key in seen:  # the same long line pasted twice in one text
            continue
        seen.add(key)
        out.append(line)
    return _MANY_NEWLINES.sub("\n\n", "\n".join(out)).strip()


def repeated_lines(texts: Iterable[str], min_docs: int = 3, min_share: float = 0.02) -> set[str]:
    """Lines that recur in several different multi-line texts: signatures, contact
    blocks, copied form instructions.

    Only texts of two lines or more take part, and a line must recur in at least
    ``min_docs`` of them (and ``min_share`` of them), so that a short answer that
    happens to be the same for two people ("Niet veel veranderd.") is kept.
    """
    counts: Counter[str] = Counter()
    n = 0
    for text in texts:
        lines = {line.strip().lower() for line in text.split("\n") if line.strip()}
        if len(lines) < 2:
            continue
        n += 1
        counts.update(line for line in lines if len(line) >= 8)
    threshold = max(min_docs, int(min_share * n))
    return {line for line, c in counts.items() if c >= threshold}


def clean_text(text: str, corpus_boilerplate: set[str] | None = None) -> str:
    """The full cleaning chain for one text."""
    return strip_boilerplate(normalise_whitespace(repair_unicode(text)), corpus_boilerplate)


def content_hash(text: str) -> str:
    """Hash of the text with case, punctuation and spacing ignored."""
    words = _WORD.findall(text.lower())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:24]


def shingles(text: str, n: int = 4) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


_KEYBOARD_RUNS = ("asdf", "sdfg", "qwer", "wert", "zxcv", "xcvb", "hjkl", "uiop", "yxcv")
_CONSONANT_RUN = re.compile(r"[bcdfghjklmnpqrstvwxz]{6,}")
_VOWEL = re.compile(r"[aeiouyáéíóúàèëïöüâêîôû]")


def is_garbled(text: str) -> bool:
    """Text that is mostly not words: keyboard mashing, encoding debris, symbol soup."""
    compact = text.replace(" ", "").replace("\n", "")
    letters = sum(ch.isalpha() for ch in compact)
    if letters < 0.5 * max(1, len(compact)):
        return True
    # abbreviations (BZK, UWV, GGD) have no vowels but are words
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text) if len(w) >= 3 and not w.isupper()]
    if not words:
        return len(compact) > 12
    implausible = sum(
        1 for w in words if not _VOWEL.search(w) or _CONSONANT_RUN.search(w) or any(k in w for k in _KEYBOARD_RUNS)
    )
    return implausible / len(words) >= 0.4
