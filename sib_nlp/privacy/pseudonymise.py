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


_SURNAME_PREFIXES = {"de", "den", "der", "het", "'t", "ten", "ter", "te", "van", "op", "el", "al"}
_TITLES = {"dhr", "mevr", "mw", "hr", "dr", "drs", "ir", "mr", "prof", "ing"}


def _skip_initial_function_word(text: str, start: int, end: int, lookups) -> int | None:  # noqa: ANN001
    """ "In Den Haag" at a sentence start is not the name "In Den": a capitalised function word
    ("In", "Bij", "Volgens") that begins a sentence is not part of a name. Returns where the name
    starts, or None when what is left is the start of a place ("Den" + "Haag")."""
    m = re.match(r"(\w+)\s+", text[start:end])
    if not m or not _sentence_start(text, start):
        return start
    first = m.group(1).lower()
    if first in _SURNAME_PREFIXES or not (
        first in _PERSON_PREPS or first in _PLACE_PREPS or first in lookups["stop_word"]
    ):
        return start  # "De Jong", "Van Dijk": a tussenvoegsel begins the surname
    if first in _PLACE_PREPS:
        return None  # "In Den Bosch zag ik": after "in", "uit", "vanuit" comes a place, not a person
    rest = start + m.end()
    words = re.findall(r"[\w'-]+", text[rest:end]) + re.findall(r"^\s*([\w'-]+)", text[end:])[:1]
    if lookups["placename"].__contains__(words):
        return None
    return rest


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
    if prev_word and (prev_word[0].lower() in _ARTICLES or prev_word[0].lower() in _PLACE_PREPS):
        return True  # "de Voedselbank", "in Den Bosch"
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
        if re.search(r"\w\w[.!?]$", m.group()) and word not in _TITLES:
            runs.append([])  # "Koen. In Den Haag": deduce ran a name on over a sentence end
    lookups = _deduce().lookup_structs
    spans = []
    for run in runs:
        run = _cut_at_organisation(text, run)
        if not run:
            continue
        first = _skip_initial_function_word(text, run[0][0], run[-1][1], lookups)
        if first is None:
            continue
        run = [(a, b) for a, b in run if a >= first]
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
_PRONOUNS = {"ik", "je", "jij", "u", "hij", "zij", "ze", "we", "wij", "jullie", "men", "mijn", "ons", "onze", "hun"}
# words before a capitalised word that make it the name of a unit, programme or organisation
_UNIT_WORDS = {"directie", "afdeling", "programma", "project", "team", "cluster", "dienst", "stichting"}
# prepositions whose object is usually a person ("volgens Bosch", "dankzij Stam")
# ("bij" and "naar" also take places, but for a word that is both a place and a surname, "bij Veen op
# kantoor", "stuurde het naar Hoek", privacy wins)
_PERSON_PREPS = {"volgens", "namens", "dankzij", "aldus", "bij", "naar"}
# conjunctions that open a clause whose subject often follows directly ("toen Veen de cijfers liet zien")
_SUBJECT_CONJ = {"toen", "omdat", "nadat", "zodat", "terwijl", "hoewel", "zodra", "doordat", "wanneer", "als"}
# prepositions of place: "in Beek", "uit Den Bosch" are places, also when the place is a surname too
_PLACE_PREPS = {"in", "uit", "te", "rond", "richting", "nabij", "vanuit"}
# frequent finite verbs that are not regular past tenses (those end in -de/-te and are recognised by form)
_FINITE = set(
    (
        "is was waren zijn heeft hebben had hadden wordt werd werden kan kon konden kunnen wil wilde wilden willen "
        "moet moest moesten moeten mag mocht mochten zal zou zouden zullen gaat ging gingen gaan komt kwam kwamen "
        "ziet zag zagen staat stond stonden zit zat weet wist wisten vindt vond vonden neemt nam namen geeft gaf "
        "gaven doet deed deden zegt zei zeiden krijgt kreeg kregen blijft bleef bleven brengt bracht brachten "
        "denkt dacht dachten spreekt sprak spraken vraagt vroeg vroegen schrijft schreef schreven laat liet lieten "
        "houdt hield hielden helpt hielp hielpen kiest koos leest las loopt liep liepen begint begon begonnen "
        "stelt werkt belt mailt stuurt regelt vertelt legt zoekt maakt kijkt keek"
    ).split()
)
# adjectives and nouns that end like a regular past tense (-de/-te) but are not verbs
_NOT_PAST = set(
    (
        "goede eerste laatste beste grote hele rode oude brede echte vaste lichte juiste rechte harde zachte "
        "gemeente ruimte ronde hoogte lengte breedte diepte mate tijde volgende andere derde vierde vijfde "
        "zesde halve witte"
    ).split()
)
_TUSSENVOEGSEL = r"(?:van der|van den|van de|van het|van 't|van|de|den|der|ter|ten|te|in 't|op de|el|al)"
_CANDIDATE = re.compile(rf"(?<![\w.])((?:[A-Z]\.\s?)*(?:{_TUSSENVOEGSEL}\s)?[A-Z][a-zà-ÿ'-]+(?:\s[A-Z][a-zà-ÿ'-]+)?)")


def _sentence_start(text: str, start: int) -> bool:
    """Does a sentence begin at ``start``? Dutch goes on in lower case after ";", so a capital there
    marks a proper noun, as in the middle of a sentence."""
    before = text[:start].rstrip()
    # after a letter, digit, comma or ";" the sentence goes on; after ".", "?", a bullet, a quote,
    # a "|" or a bracket a new one may begin
    return not before or not (before[-1].isalnum() or before[-1] in ",;&")


def _finite_verb(word: str) -> bool:
    """Is ``word`` (lower case) most likely a finite verb: a frequent one, or a regular past tense?"""
    if word in _FINITE:
        return True
    return len(word) >= 5 and word.endswith(("de", "te")) and word not in _NOT_PAST


@functools.cache
def _partner_words() -> frozenset[str]:
    """The codebook's one-word partner terms for organisations ("vluchtelingenwerk", "tno", "uwv"): these
    are collaboration partners, never a person (terms that are also surnames, such as "Boer", are left out)."""
    from sib_nlp.signals.codebook import load_codebook

    surnames = _deduce().lookup_structs["surname"]
    words = set()
    for kind in load_codebook().partners.values():
        if kind.id in {"collega", "leidinggevende", "burger"}:
            continue
        for term in kind.terms:
            if len(term) == 1 and not surnames.__contains__([term[0].capitalize()]):
                words.add(term[0])
    return frozenset(words)


def _organisation_like(word: str) -> bool:
    """An organisation's name by its form: an acronym ("UWV"), inner capitals ("ProRail",
    "VluchtelingenWerk"), an organisation word or suffix, or one of the codebook's partner words."""
    bare = word.strip(".,;:()")
    low = bare.lower()
    inner_capital = re.search(r"[a-zà-ÿ][A-Z]", bare) is not None
    return (
        (bare.isupper() and len(bare) > 1)
        or inner_capital
        or low in _NOT_NAMES
        or low in _ORG_WORDS
        or low.endswith(_ORG_SUFFIXES)
        or low in _partner_words()
    )


def _person_slot(prev: str, nxt: str, words: list[str], head: str, lookups) -> bool:  # noqa: ANN001
    """A capitalised word in the middle of a sentence, in a place where Dutch puts a person: after
    "volgens", "namens", "dankzij", "bij" or "naar", after a conjunction that opens a clause ("toen
    Veen de cijfers liet zien"), or next to a finite verb ("; Beek vulde later", "belde Bosch om").

    Mid-sentence capitals mark proper nouns; organisations and places have been ruled out before.
    "de Ruiter" counts only when the word after "de" is a surname that takes a tussenvoegsel
    (deduce's list), so "belde de Inspectie" stays."""
    if head.lower() in lookups["stop_word"] or head.lower() in _PRONOUNS:
        return False
    if len(words) > 1 and words[0][0].islower() and head not in lookups["interfix_surname"]:
        return False  # "van het Deltaprogramma", "belde de Inspectie": not "van Veen", "de Ruiter"
    if prev in _PLACE_PREPS:
        return False
    return prev in _PERSON_PREPS or prev in _SUBJECT_CONJ or _finite_verb(nxt) or _finite_verb(prev)


def context_name_spans(text: str, known: list[Span]) -> list[Span]:
    """Names that the lists miss because they are also words ("Groen", "de Lange", "Vink"),
    found by their context: a capitalised word after a cue ("met", "collega", "mevrouw"), before a
    verb of speaking or doing ("zei", "belde", "heeft"), or in the middle of a sentence where Dutch
    puts a person (:func:`_person_slot`: "Volgens Bosch", "; Beek vulde", "toen Veen de ..."), that
    is not an organisation, place or programme word. Only words not already covered by another span."""
    lookups = _deduce().lookup_structs
    taken = [(k.start, k.end) for k in known]
    out = []
    for m in _CANDIDATE.finditer(text):
        start, end = m.span(1)
        if any(a < end and start < b for a, b in taken):
            continue
        if end < len(text) and text[end].isalpha():
            continue  # the match stops inside a word with inner capitals ("LinkedIn", "ProRail")
        words = m.group(1).split()
        if len(words) == 2 and words[0][0].isupper() and _sentence_start(text, start):
            # "Volgens Bosch", "Gisteren Koen": a sentence-initial word that is not a first name
            # is not part of the name; look at the second word alone
            first = words[0]
            if first.lower() in _PERSON_PREPS or (
                lookups["common_word"].__contains__(first.lower()) and not lookups["first_name"].__contains__([first])
            ):
                start = text.index(words[1], start + len(first))
                words = words[1:]
        head = words[-1].strip(".,;:")
        bare = [w.strip(".,;:").lower() for w in words]
        if any(w in _NOT_NAMES or w in _ORG_WORDS or w.endswith(_ORG_SUFFIXES) for w in bare):
            continue
        before = re.findall(r"([\w.]+)\W*$", text[:start])
        prev = before[0].lower() if before else ""
        if prev in _SURNAME_PREFIXES and before[0][0].isupper():
            two_back = re.findall(r"(\w+)\W+\w+\W*$", text[:start])
            if two_back and two_back[0].lower() in _PLACE_PREPS:
                continue  # "In Den Bosch", "uit De Meern": a place
        role_cue = prev in _CUE_BEFORE - {"met", "en", "door", "aan"}  # "projectleider Vink": a person
        after = re.match(r"\W*(\w+)", text[end:])
        nxt = after.group(1).lower() if after else ""
        sentence_start = _sentence_start(text, start)
        if head.isupper() or _organisation_like(head) or prev in _ORG_WORDS or prev in _UNIT_WORDS:
            continue  # "UWV", "ProRail", "gemeente Zwolle", "directie Natuur"
        if prev == "en" and not _follows_name(text, start, taken):
            if re.search(r"[A-Z][\w-]*\s+en\s+$", text[:start]):
                continue  # "Lezen en Schrijven", "Economische Zaken en Klimaat": one name, not a person
            prev = ""  # "en" is a cue only in "<name> en <name>"
        in_slot = not sentence_start and _person_slot(prev, nxt, words, head, lookups)
        if lookups["placename"].__contains__(words) or lookups["placename"].__contains__([head]):
            # a place ("Den Haag", "Assen") unless a role word or a person's slot says otherwise and the
            # word is also a surname ("wethouder Beek", "; Beek vulde later de cijfers aan")
            if not (role_cue or (in_slot and len(words) == 1 and lookups["surname"].__contains__([head]))):
                continue
        if prev in _ARTICLES and not words[0][0].islower():
            continue
        if len(words) > 1 and words[0] in _NAME_ARTICLES and words[1] not in lookups["interfix_surname"]:
            continue  # "met de Nationale Ombudsman" is an article and an organisation, "met de Ruiter" a name
        if sentence_start and words[0][0].isupper() and lookups["common_word"].__contains__(head.lower()):
            surname_acting = len(words) == 1 and nxt in _ACTS and lookups["surname"].__contains__([head])
            if not lookups["first_name"].__contains__([words[0]]) and not surname_acting:
                continue  # "Gisteren belde ...": a common word at a sentence start; but "Groen heeft ..." is a name
        if prev in _CUE_BEFORE or nxt in _CUE_AFTER or in_slot:
            out.append(Span(start, end, "persoon", text[start:end]))
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


def merge_name_parts(text: str, spans: list[Span]) -> list[Span]:
    """ "[Ilias] van [Rossum]": two name spans with only a tussenvoegsel between them are one name
    (here deduce took "Rossum" for a place-like surname and the first-name list found "Ilias")."""
    out: list[Span] = []
    for sp in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and out[-1].kind == sp.kind == "persoon":
            gap = text[out[-1].end : sp.start]
            if re.fullmatch(rf" {_TUSSENVOEGSEL} ", gap):
                out[-1] = Span(out[-1].start, sp.end, "persoon", text[out[-1].start : sp.end])
                continue
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
    if use_names:
        spans = merge_name_parts(text, spans)
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
