"""Pseudonymisation of Dutch texts about real people, before anything is stored.

Two layers:

1. Pattern detectors for structured identifiers: e-mail addresses, Dutch phone
   numbers, BSN (checked with the 11-test), IBAN (checked with mod-97), postcodes,
   street addresses and URLs with personal paths.
2. Person names from ``deduce`` (Dutch de-identification, name lists and
   context rules), configured for our kind of text: places, institutions and
   dates are *not* redacted (they are what the programme is about), and
   deduce's over-reach on programme words (``Rijk``, ``Kamer``, a province
   mistaken for a surname) is filtered out. Role words in front of a name stay
   ("collega [PERSOON-1]"), because they are collaboration evidence.

Placeholders are consistent within a document: the same name gets the same
``[PERSOON-n]`` every time it occurs, including a surname used alone after the
full name appeared.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

log = logging.getLogger(__name__)

KINDS = ("persoon", "email", "telefoon", "bsn", "iban", "postcode", "adres", "url")
PLACEHOLDER = {
    "persoon": "PERSOON",
    "email": "EMAIL",
    "telefoon": "TELEFOON",
    "bsn": "BSN",
    "iban": "IBAN",
    "postcode": "POSTCODE",
    "adres": "ADRES",
    "url": "URL",
}

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
# +31 6 12345678, 06-12345678, +31 (0)30 6040100, +31 (030) 6040100, 030 - 604 01 00, 0031 70 1234567
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)31[\s.-]*(?:\(0\)[\s.-]*)?(?:\(0?\d{1,3}\)|0?\d{1,3})|\(?0\d{1,3}\)?)"
    r"(?:[\s.-]{0,3}\d){6,8}(?!\d)"
)
_BSN = re.compile(r"(?<!\d)(\d{4}[.\s]?\d{2}[.\s]?\d{3}|\d{3}[.\s]?\d{3}[.\s]?\d{3}|\d{8,9})(?!\d)")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}[ ]?[A-Z]{4}(?:[ ]?\d{2,4}){2,5}\b")
_POSTCODE = re.compile(r"\b[1-9]\d{3}[ ]?(?!SA|SD|SS)[A-Z]{2}\b")
_STREET = re.compile(
    r"\b[A-Z][a-zà-ÿ]+(?:[ -][A-Z]?[a-zà-ÿ]+)*"
    r"(?:straat|laan|weg|plein|gracht|kade|singel|dijk|steeg|hof|park|pad|dreef|markt)"
    r"[ ]\d{1,4}[ ]?[a-zA-Z]?\b"
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')]+", re.IGNORECASE)
# URL paths that point at a person rather than an organisation page
_PERSONAL_PATH = re.compile(r"/(?:in|pub|profile|profiel|user|users|people|medewerkers?|~)[/\w.-]*|/@\w+", re.I)

# words that deduce takes for names but that are the organisation's own words
_NOT_NAMES = {
    w.lower()
    for w in (
        "Rijk Rijksoverheid Kamer Tweede Eerste Samen Beleid Directie Gemeente Provincie Ministerie Bureau "
        "Raad Staten Koningin Haag Europa Team Programma Leerwerkopdracht Opgave Bedoeling "
        "Buiten Groningen Friesland Drenthe Overijssel Flevoland Gelderland Utrecht Holland Zeeland Brabant "
        "Limburg Noord Zuid Oost West Mei Juni Juli Maart April Augustus September Oktober November December "
        "Januari Februari Maandag Dinsdag Woensdag Donderdag Vrijdag Zaterdag Zondag"
    ).split()
}
_ROLE_WORDS = {
    "collega",
    "collega's",
    "leidinggevende",
    "manager",
    "teamleider",
    "directeur",
    "trainer",
    "coach",
    "wethouder",
    "minister",
    "staatssecretaris",
    "mijn",
    "onze",
    "met",
    "en",
    "de",
    "van",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    text: str


@dataclass
class PseudonymisedText:
    text: str
    counts: dict[str, int] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)  # positions in the *original* text


def bsn_valid(digits: str) -> bool:
    """The Dutch 11-test for a BSN (9 digits; 8-digit numbers get a leading zero)."""
    digits = re.sub(r"\D", "", digits)
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def iban_valid(iban: str) -> bool:
    s = re.sub(r"\s", "", iban).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", s):
        return False
    rearranged = s[4:] + s[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def pattern_spans(text: str) -> list[Span]:
    """Structured identifiers found by patterns (validated where a checksum exists)."""
    spans: list[Span] = []
    for m in _EMAIL.finditer(text):
        spans.append(Span(m.start(), m.end(), "email", m.group()))
    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?")
        rest = url.split("//", 1)[-1]
        path = rest[rest.find("/") :] if "/" in rest else ""
        if _PERSONAL_PATH.search(path):
            spans.append(Span(m.start(), m.start() + len(url), "url", url))
    for m in _IBAN.finditer(text):
        if iban_valid(m.group()):
            spans.append(Span(m.start(), m.end(), "iban", m.group()))
    for m in _BSN.finditer(text):
        if bsn_valid(m.group()):
            spans.append(Span(m.start(), m.end(), "bsn", m.group()))
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 9 <= len(digits) <= 13:
            spans.append(Span(m.start(), m.end(), "telefoon", m.group().strip()))
    for m in _STREET.finditer(text):
        spans.append(Span(m.start(), m.end(), "adres", m.group()))
    for m in _POSTCODE.finditer(text):
        spans.append(Span(m.start(), m.end(), "postcode", m.group()))
    return spans


@lru_cache(maxsize=1)
def _deduce():  # noqa: ANN202
    import logging

    import deduce

    model = deduce.Deduce()
    # deduce logs its table building on the root logger; keep our logs about us
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))
    # programme and organisation words are never names
    model.lookup_structs["whitelist"].add_items_from_iterable(sorted(_NOT_NAMES))
    return model


def warm_up() -> None:
    """Build deduce's lookup tables now (the first use takes ~2 minutes, later ones ~7 s)."""
    _deduce().deidentify("Jan de Vries")


_DEDUCE_DISABLED = {
    "institutions",
    "dates",
    "ages",
    "identifiers",
    "phone_numbers",
    "email_addresses",
    "urls",
}


def name_spans(text: str) -> list[Span]:
    """Person names according to deduce, with our corrections."""
    doc = _deduce().deidentify(text, disabled=_DEDUCE_DISABLED)
    lookups = _deduce().lookup_structs
    spans = []
    for ann in doc.annotations:
        if ann.tag != "persoon":
            continue  # locations are found so they win overlaps, but places are not redacted
        for span in _clean_name_span(text, ann.start_char, ann.end_char):
            if not _word_not_name(text, span, lookups):
                spans.append(span)
    return spans


_ORG_WORDS = {
    w.lower()
    for w in (
        "Stichting Voedselbank Rijkswaterstaat Staatsbosbeheer Kadaster Belastingdienst Gemeente Provincie "
        "Ministerie Universiteit Hogeschool Vereniging Rijksvastgoedbedrijf Waterschap Woningcorporatie Bibliotheek"
    ).split()
}
_ORG_SUFFIXES = (
    "bank",
    "dienst",
    "waterstaat",
    "beheer",
    "instituut",
    "bureau",
    "centrum",
    "fonds",
    "organisatie",
    "corporatie",
    "ministerie",
    "bedrijf",
    "school",
    "huis",
    "raad",
    "kamer",
    "platform",
    "stichting",
)
_NAME_ARTICLES = {"de", "den", "der", "het", "'t", "ten", "ter"}


def _cut_at_organisation(text: str, run: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "Rik van het Kadaster" is Rik *of* the Kadaster: cut a name before "van" + organisation."""
    words = [text[a:b] for a, b in run]
    for i, w in enumerate(words):
        if i == 0 or w.lower() != "van":
            continue
        j = i + 1
        article = None
        while j < len(words) and words[j].lower() in _NAME_ARTICLES:
            article = words[j].lower()
            j += 1
        if j >= len(words):
            return run[:i]  # "Femke Boukhari van het": the organisation fell outside the span
        nxt = words[j].strip(".,;:()")
        if (
            (nxt.isupper() and len(nxt) > 1)
            or nxt.lower() in _ORG_WORDS
            or nxt.lower().endswith(_ORG_SUFFIXES)
            or (article == "het" and not _deduce().lookup_structs["surname"].__contains__([nxt]))
        ):
            return run[:i]
    return run


_ARTICLES = {"de", "het", "een", "onze", "ons"}  # not "dat"/"die": also conjunction and relative pronoun


def _word_not_name(text: str, span: Span, lookups) -> bool:  # noqa: ANN001
    """A "name" that is an ordinary word in its context.

    - after an article ("de Voedselbank", "het Rijk"): Dutch does not put an
      article before a person's name;
    - at the start of a sentence, a common Dutch word that is not a known first
      name, followed by a lower-case word ("Mooi om te zien").
    """
    before = text[: span.start].rstrip()
    prev_word = re.findall(r"(\w+)\W*$", before)
    if prev_word and prev_word[0].lower() in _ARTICLES:
        return True
    if " " in span.text.strip():
        return False
    sentence_start = not before or before[-1] in ".!?:\n"
    after = text[span.end :].lstrip(" ")
    next_lower = bool(re.match(r"[a-zà-ÿ]", after))
    word = span.text.strip()
    if sentence_start and next_lower and word.lower() in lookups["common_word"].items():
        return not lookups["first_name"].__contains__([word])
    return False


def _clean_name_span(text: str, start: int, end: int) -> list[Span]:
    """Split a deduce name span at words that are not names.

    Role words at the front stay visible ("collega [PERSOON-1]"), and programme
    words deduce mistook for names ("Rijk", "Gelderland") are dropped, also when
    deduce merged them with a real name next to them ("het Rijk. De Jong").
    """
    runs: list[list[tuple[int, int]]] = [[]]
    for m in re.finditer(r"\S+", text[start:end]):
        word = m.group().strip(".,;:()").lower()
        if word in _NOT_NAMES or (not runs[-1] and word in _ROLE_WORDS and m.group()[0].islower()):
            runs.append([])
            continue
        runs[-1].append((start + m.start(), start + m.end()))
    spans = []
    for run in runs:
        run = _cut_at_organisation(text, run)
        if not run:
            continue
        s, e = run[0][0], run[-1][1]
        while e > s and text[e - 1] in ".,;:":
            e -= 1
        surface = text[s:e]
        if any(ch.isupper() for ch in surface):
            spans.append(Span(s, e, "persoon", surface))
    return spans


_CUE_BEFORE = {
    "met",
    "en",
    "door",
    "aan",
    "collega",
    "mevrouw",
    "meneer",
    "dhr.",
    "mevr.",
    "dhr",
    "mevr",
    "mw.",
    "hr.",
    "leidinggevende",
    "teamleider",
    "manager",
    "trainer",
    "coach",
    "wethouder",
    "projectleider",
    "directeur",
    "voorzitter",
}
_CUE_AFTER = {
    "zei",
    "zegt",
    "belde",
    "belt",
    "mailde",
    "mailt",
    "vertelde",
    "vroeg",
    "schreef",
    "stuurde",
    "vond",
    "gaf",
    "liet",
    "heeft",
    "had",
    "was",
    "is",
    "en",
}
# verbs after a sentence-initial surname that is also a word ("Groen heeft", "Vink belde")
_ACTS = {"heeft", "zei", "belde", "mailde", "vertelde", "vroeg", "schreef", "stuurde", "gaf", "liet", "vond"}
_TUSSENVOEGSEL = r"(?:van der|van den|van de|van het|van 't|van|de|den|der|ter|ten|te|in 't|op de|el|al)"
_CANDIDATE = re.compile(rf"(?<![\w.])((?:[A-Z]\.\s?)*(?:{_TUSSENVOEGSEL}\s)?[A-Z][a-zà-ÿ'-]+(?:\s[A-Z][a-zà-ÿ'-]+)?)")


def context_name_spans(text: str, known: list[Span]) -> list[Span]:
    """Names that the lists miss because they are also words ("Groen", "de Lange", "Vink"),
    found by their context: a capitalised word after a cue ("met", "collega", "mevrouw") or before a
    verb of speaking or doing ("zei", "belde", "heeft"), that is not an organisation, place or
    programme word. Only words not already covered by another span."""
    lookups = _deduce().lookup_structs
    taken = [(k.start, k.end) for k in known]
    out = []
    for m in _CANDIDATE.finditer(text):
        start, end = m.span(1)
        if any(a < end and start < b for a, b in taken):
            continue
        words = m.group(1).split()
        head = words[-1].strip(".,;:")
        bare = [w.strip(".,;:").lower() for w in words]
        if any(w in _NOT_NAMES or w in _ORG_WORDS or w.endswith(_ORG_SUFFIXES) for w in bare):
            continue
        before = re.findall(r"([\w.]+)\W*$", text[:start])
        prev = before[0].lower() if before else ""
        role_cue = prev in _CUE_BEFORE - {"met", "en", "door", "aan"}  # "projectleider Vink": a person
        if head.isupper() or (lookups["placename"].__contains__([head]) and not role_cue):
            continue
        after = re.match(r"\W*(\w+)", text[end:])
        nxt = after.group(1).lower() if after else ""
        sentence_start = not text[:start].strip() or text[:start].rstrip()[-1] in ".!?:;\n"
        if prev in _ARTICLES and not words[0][0].islower():
            continue
        if sentence_start and words[0][0].isupper() and lookups["common_word"].__contains__(head.lower()):
            surname_acting = len(words) == 1 and nxt in _ACTS and lookups["surname"].__contains__([head])
            if not lookups["first_name"].__contains__([words[0]]) and not surname_acting:
                continue  # "Gisteren belde ...": a common word at a sentence start; but "Groen heeft ..." is a name
        if prev == "en" and not _follows_name(text, start, taken):
            prev = ""  # "Lezen en Schrijven": "en" is a cue only in "<name> en <name>"
        if prev in _CUE_BEFORE or nxt in _CUE_AFTER:
            out.append(Span(start, end, "persoon", m.group(1)))
    return out


@functools.cache
def extra_first_names() -> frozenset[str]:
    """First names from many countries that deduce's Dutch lists lack ("Ilias", "Yusuf", "Priya").

    Read from the name dictionary by Jörg Michael shipped in the ``gender-guesser`` wheel
    (``data/nam_dict.txt``, GNU Free Documentation License; only the data file is read, unmodified).
    Names that are also Dutch words (in spaCy's Dutch lemma table or deduce's common words),
    places, or programme words are left out, so "Roos" or "Mark" at the start of a sentence
    are not redacted by this list. Empty when the package is not installed.
    """
    try:
        data = resources.files("gender_guesser") / "data" / "nam_dict.txt"
        lines = data.read_text(encoding="iso-8859-1").splitlines()
    except (ModuleNotFoundError, FileNotFoundError):
        log.warning("gender-guesser not installed: no extra first-name list for pseudonymisation")
        return frozenset()
    dutch_words = _dutch_word_forms()
    lookups = _deduce().lookup_structs
    names = set()
    for line in lines:
        if line.startswith("#") or len(line) < 30:
            continue
        name = line[3:29].strip()
        if "+" in name or len(name) < 3 or not re.fullmatch(r"[A-ZÀ-Þ][a-zß-ÿ'-]+", name):
            continue
        low = name.lower()
        if low in dutch_words or low in _NOT_NAMES or low in _ORG_WORDS or low in _ROLE_WORDS:
            continue
        if lookups["common_word"].__contains__(low) or lookups["placename"].__contains__([name]):
            continue
        names.add(name)
    return frozenset(names)


def _dutch_word_forms() -> set[str]:
    """Every Dutch word form and lemma in spacy-lookups-data's lemma table (lower case)."""
    import gzip
    import json

    try:
        table = resources.files("spacy_lookups_data") / "data" / "nl_lemma_lookup.json.gz"
        lookup = json.loads(gzip.decompress(table.read_bytes()))
    except (ModuleNotFoundError, FileNotFoundError):
        return set()
    return {w.lower() for w in lookup} | {w.lower() for w in lookup.values()}


def first_name_spans(text: str, known: list[Span]) -> list[Span]:
    """Capitalised words from :func:`extra_first_names` not covered yet and not after an article."""
    names = extra_first_names()
    taken = [(k.start, k.end) for k in known]
    out = []
    for m in re.finditer(r"(?<![\w.@/-])[A-ZÀ-Þ][a-zß-ÿ'-]+\b", text):
        start, end = m.span()
        if m.group() not in names or any(a < end and start < b for a, b in taken):
            continue
        prev = re.findall(r"(\w+)\W*$", text[:start])
        if prev and prev[0].lower() in _ARTICLES:
            continue  # "de Ilias-school" is not a person
        out.append(Span(start, end, "persoon", m.group()))
    return out


def extend_with_surnames(text: str, spans: list[Span]) -> list[Span]:
    """ "Karim [Rood]": a name span followed directly by a capitalised word (not an organisation,
    place or programme word) takes that word in as the surname."""
    lookups = _deduce().lookup_structs
    out = []
    for sp in spans:
        if sp.kind == "persoon":
            if " " in sp.text.strip():
                out.append(sp)  # already first name + surname
                continue
            m = re.match(rf" ((?:{_TUSSENVOEGSEL} )?[A-Z][a-zà-ÿ'-]+)\b", text[sp.end :])
            if m:
                word = m.group(1).split()[-1]
                low = word.lower()
                if not (
                    low in _NOT_NAMES
                    or low in _ORG_WORDS
                    or low.endswith(_ORG_SUFFIXES)
                    or lookups["placename"].__contains__([word])
                ):
                    sp = Span(sp.start, sp.end + m.end(), "persoon", text[sp.start : sp.end + m.end()])
        out.append(sp)
    return out


def _follows_name(text: str, start: int, taken: list[tuple[int, int]]) -> bool:
    """Is the word before "en" (just before ``start``) part of a name span?"""
    m = re.search(r"(\S+)\s+en\s+$", text[:start])
    return m is not None and any(a <= m.start(1) < b for a, b in taken)


def _resolve(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, longest first."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _name_key(surface: str) -> str:
    return re.sub(r"\s+", " ", surface.strip().lower())


def pseudonymise(text: str, use_names: bool = True) -> PseudonymisedText:
    """Replace personal data by consistent placeholders; return the text and counts by kind."""
    spans = pattern_spans(text)
    if use_names:
        spans += name_spans(text)
        spans += context_name_spans(text, spans)
        spans += first_name_spans(text, spans)
        spans = extend_with_surnames(text, spans)
    spans = _resolve(spans)
    numbering: dict[str, dict[str, int]] = {k: {} for k in KINDS}
    out: list[str] = []
    pos = 0
    counts: Counter[str] = Counter()
    for span in spans:
        key = _name_key(span.text)
        seen = numbering[span.kind]
        if span.kind == "persoon" and key not in seen:
            # a surname alone, or a first name alone, after the full name: same person
            for full, number in seen.items():
                parts = full.split()
                if len(parts) > 1 and (full.endswith(" " + key) or key == parts[0]):
                    seen[key] = number
                    break
        if key not in seen:
            seen[key] = max(seen.values(), default=0) + 1
        out.append(text[pos : span.start])
        out.append(f"[{PLACEHOLDER[span.kind]}-{seen[key]}]")
        pos = span.end
        counts[span.kind] += 1
    out.append(text[pos:])
    return PseudonymisedText("".join(out), dict(counts), spans)


_PARTICIPANT_OK = re.compile(r"^[A-Za-z]{0,4}[-_]?\d{1,6}(?:[-_][A-Za-z0-9]{1,6})?$")


def pseudonymous_participant(value: str, salt: str = "sib_nlp") -> str:
    """Keep an id that is already a code (``P017``, ``DGB-042``); hash anything else.

    A participant column sometimes holds a name or an e-mail address; those must
    not reach the store, so they become ``P-<hash>``.
    """
    value = str(value).strip()
    if _PARTICIPANT_OK.match(value):
        return value
    import hashlib

    return "P-" + hashlib.sha256((salt + value.lower()).encode("utf-8")).hexdigest()[:10]
