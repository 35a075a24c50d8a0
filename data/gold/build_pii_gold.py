"""Build the PII gold set: Dutch reflection texts with planted personal data, positions known exactly.

Each of the hand-written sentence frames below is a situation from the programme (a stakeholder
session, a pilot with a gemeente, a talk with the manager). Slots are filled with invented names and
identifiers of every kind — names with tussenvoegsels ("van der Berg"), initials ("J. de Vries"),
first names alone, names that are also words ("Roos", "Bakker", "Visser") — and with hard negatives
that must *not* be redacted: organisations, places and words like "Rijk" or "Kamer". Because the
texts are built here, the gold spans are exact by construction.

Every number is invented: BSNs pass the 11-test and IBANs the mod-97 check (so a checksum alone
does not give them away), phone numbers use Dutch formats, e-mail domains end in ``.example.nl``.

Run: ``python data/gold/build_pii_gold.py`` (writes ``pii_gold.jsonl``, the part the rules were tuned
on, and ``pii_gold_test.jsonl``, new frames and names never used for tuning; both committed).
Evaluate: ``sib-nlp evaluate-pii``.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261201

FIRST = [
    "Jan",
    "Sanne",
    "Pieter",
    "Fatima",
    "Mohammed",
    "Annelies",
    "Kees",
    "Ingrid",
    "Youssef",
    "Marieke",
    "Thijs",
    "Esther",
    "Daan",
    "Lotte",
    "Ahmed",
    "Willemijn",
    "Bram",
    "Noor",
    "Ruud",
    "Petra",
    "Sven",
    "Ilse",
    "Jeroen",
    "Hanneke",
    "Mustafa",
    "Eva",
    "Karin",
    "Mark",
    "Sophie",
    "Gerrit",
]
LAST = [
    "de Vries",
    "van der Berg",
    "Jansen",
    "El Amrani",
    "de Groot",
    "Hendriks",
    "van Dijk",
    "Mulder",
    "de Boer",
    "Yilmaz",
    "van den Heuvel",
    "Kuipers",
    "Verhoeven",
    "Bos",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "van der Linden",
    "Koster",
    "Meijer",
    "Schouten",
    "de Jong",
    "Postma",
    "Bulut",
]
WORDLIKE = ["Roos", "Bakker", "Visser", "Smit", "de Wit", "Koning", "Vos", "Mooij", "Winter", "Zomer"]
ROLES = ["collega", "leidinggevende", "teamleider", "trainer", "wethouder", "projectleider", "coach"]
ORGS = [
    "de gemeente Utrecht",
    "Rijkswaterstaat",
    "het UWV",
    "Staatsbosbeheer",
    "de Voedselbank",
    "de provincie Gelderland",
    "het RIVM",
    "de VNG",
    "het CBS",
    "de GGD",
    "Stichting Lezen en Schrijven",
    "het Rijk",
    "de Tweede Kamer",
    "de universiteit Tilburg",
    "het Kadaster",
    "woningcorporatie Portaal",
]
PLACES = ["Zwolle", "Den Haag", "Heerlen", "Deventer", "Eindhoven", "Amersfoort", "Tilburg", "Drenthe"]
STREETS = ["Lindenlaan", "Kerkstraat", "Stationsweg", "Molenstraat", "Dorpsplein", "Julianalaan"]
PHONE_FORMATS = [
    "06-{a}{b}",
    "06 {a} {b}",
    "+31 6 {a}{b}",
    "070 - {c} {d} {e}",
    "030-{c}{d}{e}",
    "+31 (0)13 {c} {d} {e}",
    "+31 (030) {c}{d}{e}",
    "0031 70 {c}{d}{e}",
]

# Frames: {P} a full name, {F} a first name alone, {I} initial + surname, {W} a name that is a word,
# {R} a role word, {E} e-mail, {T} phone, {B} BSN, {N} IBAN, {A} street address, {Z} postcode,
# {U} personal URL, {O} an organisation, {L} a place (negatives).
FRAMES = [
    "Samen met {P} van {O} heb ik de werksessie in {L} voorbereid.",
    "Mijn {R} {F} gaf me de ruimte om de pilot zelf op te pakken.",
    "Tijdens de stakeholdersessie sprak ik met {I} over de uitvoering bij {O}.",
    "{W} zei na afloop dat ze nog nooit zo goed was betrokken bij beleid van het Rijk.",
    "Wie vragen heeft over de pilot kan mailen naar {E} of bellen met {T}.",
    "Een inwoner liet me een brief zien waarop zijn BSN {B} stond; hij wist niet waarom dat nodig was.",
    "De vergoeding voor het burgerpanel maken we over op {N}, zo spraken we af met {P}.",
    "We kwamen bij elkaar in het buurthuis aan de {A}, {Z} {L}.",
    "Het profiel van de ervaringsdeskundige staat op {U}; {F} vond het goed dat ik het deel.",
    "Ik heb {F} en {W} gevraagd om mee te lezen met de nota voor de Tweede Kamer.",
    "Met {R} {W} heb ik besproken hoe we {O} eerder kunnen betrekken.",
    "Na het gesprek met {P} ({E}) begreep ik waarom de regeling bij {O} zo anders landt.",
    "{F} belde me op {T} om te vertellen dat de gemeente mee wil doen.",
    "Op het formulier stonden het BSN {B} en het rekeningnummer {N} van de deelnemer; dat hoort daar niet.",
    "Volgende keer nodig ik {I} van {O} al bij de eerste bijeenkomst uit.",
    "In {L} liepen we een dag mee met {P}, die daar wijkcoach is.",
    "Ik realiseerde me pas bij {W} thuis, {A} in {L}, hoe groot de afstand tot Den Haag voelt.",
    "Stuur de uitkomsten naar {E}, dan zet {F} ze op de site van {O}.",
    "Mijn {R}, {P}, vond dat ik te veel vanuit de regels dacht.",
    "De contactgegevens van {I}: {T}, {E}.",
    "We hebben met {O} en {F} een gezamenlijke aanpak geschreven; {F} is er trots op.",
    "Het was fijn dat {W} en {P} de sessie in {L} samen leidden.",
    "Zijn LinkedIn ({U}) laat zien dat {F} al jaren met jongeren werkt.",
    "Ik sprak mevrouw {P} over haar ervaringen met {O}; zij woont aan de {A}.",
    "Het postadres voor de vragenlijsten is {A}, {Z} {L}, ter attentie van {I}.",
    "Tijdens de lunch vertelde {F} dat haar {R} het project eerst niet zag zitten.",
    "Bel {W} gerust op {T}, zij weet alles van de pilot met {O}.",
    "De deelnemer gaf per ongeluk zijn BSN ({B}) en telefoonnummer ({T}) in het open veld.",
    "Dankzij {P} en {I} kregen we voet aan de grond bij {O} in {L}.",
    "Ik neem me voor om {F} vaker om feedback te vragen, ook als het spannend is.",
]
NEG_ONLY = [
    "Het Rijk en {O} werkten voor het eerst samen aan een opgave in {L}.",
    "We hebben de nota besproken met {O}; de Kamer krijgt hem voor de zomer.",
    "In {L} zag ik hoe {O} de regels uitvoert; dat was een eye-opener.",
    "De samenwerking met {O} en {O2} loopt sinds mei veel beter.",
    "Mooi om te zien hoe de bewoners in {L} zelf de regie nemen.",
    "Roos en tulpen stonden op tafel bij de bijeenkomst van {O}, een mooie geste.",
    "De bakker op de hoek leverde de lunch voor de werksessie in {L}.",
]

KIND = {
    "P": "persoon",
    "F": "persoon",
    "I": "persoon",
    "W": "persoon",
    "E": "email",
    "T": "telefoon",
    "B": "bsn",
    "N": "iban",
    "A": "adres",
    "Z": "postcode",
    "U": "url",
}


# The test part: frames and names written *after* the rules were tuned on the part above, and never
# used for tuning. Scores are reported for both parts (docs/privacy.md).
TEST_FIRST = [
    "Wouter",
    "Anouk",
    "Hamid",
    "Femke",
    "Rik",
    "Saskia",
    "Joost",
    "Leila",
    "Bas",
    "Merel",
    "Erik",
    "Dewi",
    "Hugo",
    "Naima",
    "Tim",
    "Joyce",
    "Stefan",
    "Iris",
    "Ronald",
    "Chantal",
]
TEST_LAST = [
    "van Vliet",
    "Çelik",
    "de Haan",
    "Vermeulen",
    "van der Meer",
    "Huisman",
    "Prins",
    "Maas",
    "Ter Horst",
    "van Beek",
    "Hoekstra",
    "Boukhari",
    "de Ruiter",
    "Wijnen",
    "van 't Hof",
    "Lammers",
]
TEST_WORDLIKE = ["Vink", "Groen", "de Lange", "Kok", "Schipper", "Visscher", "Molenaar", "Kramer"]
TEST_FRAMES = [
    "Gisteren belde {F} van {O} terug over de subsidieaanvraag.",
    "Het overleg met {P} en {W} verliep stroef, maar we hebben afspraken gemaakt.",
    "Via {E} kreeg ik de notulen van de regiotafel in {L}.",
    "Mijn {R} {P} vroeg me om de leerwerkopdracht breder te trekken.",
    "Ik heb {I} uitgenodigd voor de intervisie; zij werkt bij {O}.",
    "De bewoner gaf zijn telefoonnummer {T} zodat we hem konden terugbellen.",
    "Op de presentielijst stond per ongeluk een BSN ({B}) naast de naam van {F}.",
    "De onkosten gaan naar rekening {N} van {P}.",
    "Het inloopspreekuur is aan de {A} in {L}, postcode {Z}.",
    "{W} heeft een mooie blog geschreven op {U} over onze pilot.",
    "Samen met {F}, {P} en iemand van {O} schreven we het advies.",
    "Na afloop mailde {I} ({E}) dat ze graag weer meedoet.",
    "In de werksessie zei {F} iets wat me bijbleef: 'jullie komen altijd pas als het al besloten is'.",
    "Ik heb met {R} {W} afgesproken dat ik de gesprekken met {O} voortaan zelf voer.",
    "{P} van {O} belt op {T} als de gemeente akkoord is.",
]


# The final part: a third set of frames and names, written after all tuning, for a clean check.
FINAL_FIRST = [
    "Arjen",
    "Marloes",
    "Karim",
    "Wendy",
    "Niels",
    "Sabine",
    "Ivo",
    "Yara",
    "Gijs",
    "Manon",
    "Omar",
    "Roel",
    "Linda",
    "Koen",
    "Samira",
    "Frank",
]
FINAL_LAST = [
    "van Zanten",
    "Aydin",
    "de Graaf",
    "Timmermans",
    "van der Wal",
    "Peeters",
    "Hermans",
    "Veenstra",
    "van Dam",
    "Scholten",
    "Bouzid",
    "Willems",
    "de Kok",
    "Wouters",
]
FINAL_WORDLIKE = ["Haas", "Visch", "Bloem", "Zwart", "de Bruin", "Mol", "Rood", "Snoek"]
FINAL_FRAMES = [
    "Tijdens de regiotafel in {L} stelde {P} de vraag die iedereen bezighield.",
    "Ik liep een ochtend mee met {F}, die bij {O} de klantgesprekken doet.",
    "{W} vertelde dat de uitvoering de regeling niet kan waarmaken.",
    "De offerte moet naar {E}; {I} tekent hem namens {O}.",
    "Mijn {R} {W} moedigde me aan om de gemeente zelf te bellen.",
    "Het nummer van de wijkcoach is {T}, vraag naar {F}.",
    "Ze noteerde haar BSN {B} op het aanmeldformulier, wat niet nodig was.",
    "De reiskosten van {P} betalen we uit naar {N}.",
    "We spraken af in de bibliotheek aan de {A}, {Z} {L}.",
    "Op {U} staat het verhaal van {F} over de pilot.",
    "Met {P} en {W} van {O} hebben we de aanpak samen ontworpen.",
    "{I} mailde vanaf {E} dat het verslag klopt.",
]


# The holdout part: a fourth set, written after the last tuning round (which used the final part's
# errors), and evaluated once.
HOLD_FIRST = [
    "Jasper",
    "Fleur",
    "Ilias",
    "Monique",
    "Lars",
    "Nadia",
    "Thomas",
    "Ayse",
    "Wim",
    "Renate",
    "Jelle",
    "Priya",
    "Maarten",
    "Zeynep",
]
HOLD_LAST = [
    "Kamphuis",
    "de Wilde",
    "van Rossum",
    "Öztürk",
    "Smeets",
    "van Dongen",
    "Dijkstra",
    "Haddou",
    "ten Brink",
    "Vos-de Jager",
    "Claassen",
    "Verbeek",
]
HOLD_WORDLIKE = ["Hoogland", "Boer", "Koek", "Storm", "Wolf", "Vis", "Reus", "de Zwaan"]
HOLD_FRAMES = [
    "Bij de kennissessie van {O} vertelde {P} hoe zij bewoners betrekt.",
    "{F} en ik schreven samen de notitie; daarna las {W} hem kritisch door.",
    "Voor vragen over het experiment: {E}, of bel {T} en vraag naar {I}.",
    "Mijn {R} {W} zei dat ik eerst de uitvoering moest bellen.",
    "Het adres van de pop-up is {A}, {Z} {L}; {F} opent om negen uur.",
    "Bij het intakegesprek noemde de deelnemer zijn BSN {B}.",
    "Het bedrag voor de vrijwilligers gaat naar {N}, op naam van {P}.",
    "Lees het verslag van {F} op {U}.",
    "Na de sessie in {L} stuurde {I} een lange mail aan {O}.",
    "Ik merkte dat {W} de meeste kennis had van de regio.",
    "We nodigden {P} uit omdat {F} de buurt zo goed kent.",
    "Met {R} {P} sprak ik af om het overleg met {O} samen voor te bereiden.",
]


# The fresh part: a fifth set, written after the holdout's misses were used to add a first-name
# list (session 2), before anything was evaluated on it; evaluated once.
FRESH_FIRST = [
    "Soufiane",
    "Marloes",
    "Dewi",
    "Bram",
    "Hatice",
    "Koen",
    "Ingrid",
    "Youssef",
    "Esmee",
    "Gerrit",
    "Anouk",
    "Rachid",
    "Tamara",
    "Joost",
    "Meryem",
    "Sven",
]
FRESH_LAST = [
    "Bouzid",
    "van der Heijden",
    "Kuipers",
    "Yılmaz",
    "de Graaf",
    "Hendriksen",
    "van Leeuwen",
    "Schouten",
    "el Amrani",
    "Brouwer-Tan",
    "Mulder",
    "op den Kamp",
]
FRESH_WORDLIKE = ["Beek", "Dekker", "Haan", "Kok", "Bosch", "Zomer", "Sterk", "de Ruiter"]
FRESH_FRAMES = [
    "Tijdens de werksessie met {O} bracht {P} de ervaringen van huurders in.",
    "Ik heb {F} gevraagd mee te lezen; {W} vulde later de cijfers aan.",
    "Je kunt mij bereiken op {E} of via {T}; vraag anders {I}.",
    "Onze {R} {P} gaf me de ruimte om het anders aan te pakken.",
    "De bijeenkomst was op {A}, {Z} {L}, en {F} had koffie geregeld.",
    "Op het formulier stond per ongeluk het BSN {B} van een bewoner.",
    "De onkostenvergoeding is overgemaakt naar {N} ten name van {I}.",
    "Het interview met {F} staat op {U}.",
    "Na afloop in {L} belde {W} om te zeggen dat {O} mee wil doen.",
    "Samen met {P} en {F} heb ik de eerste versie getest bij {O}.",
    "Volgens {W} moeten we de gemeente eerder betrekken.",
    "Gisteren sprak ik {F} over wat {R} {W} van het plan vond.",
]


# The sixth part ("blind", session 4): written and committed after the fresh part's misses (lone
# surnames that are words) were known but *before* the rules for them were written, with new names,
# new frames, new organisations and new places (among them "Beek" and "Den Bosch", places that are
# also surnames); evaluated once, after the rules were final.
BLIND_FIRST = [
    "Lieke",
    "Mehmet",
    "Floor",
    "Sjoerd",
    "Bilal",
    "Ruben",
    "Noa",
    "Khadija",
    "Maarten",
    "Ilona",
    "Emre",
    "Geertje",
    "Vincent",
    "Samira",
    "Pim",
    "Wendela",
]
BLIND_LAST = [
    "Bakkali",
    "Çelik",
    "Wijnands",
    "van den Broek",
    "ter Horst",
    "Jansen-Ouali",
    "Hoekstra",
    "el Idrissi",
    "Verbeek",
    "van Rijswijk",
    "Nijhuis",
    "de Groot-Sahin",
]
BLIND_WORDLIKE = ["Veen", "Hoek", "Schaap", "Wever", "Stam", "de Jager", "Timmer", "Kuiper"]
BLIND_ORGS = [
    "de gemeente Zwolle",
    "ProRail",
    "de Autoriteit Persoonsgegevens",
    "TNO",
    "VluchtelingenWerk Nederland",
    "de provincie Overijssel",
    "het CAK",
    "Natuurmonumenten",
    "de Nationale Ombudsman",
    "Movisie",
    "de Belastingdienst",
    "het Waterschap Rivierenland",
]
BLIND_PLACES = ["Assen", "Almere", "Den Bosch", "Leeuwarden", "Maastricht", "Beek", "Nijmegen", "Lelystad"]
BLIND_FRAMES = [
    "Het idee voor de buurttafel kwam van {W}, die al jaren in de wijk werkt.",
    "In het overleg met {O} merkte {F} op dat de regels te streng zijn voor kleine ondernemers.",
    "Ik stuurde het concept naar {W} en kreeg binnen een uur reactie.",
    "Bel {I} op {T} als je vragen hebt over de aanvraag.",
    "De mail van {E} kwam pas na de deadline binnen, maar de inhoud was goed.",
    "Het BSN {B} stond gewoon in de bijlage bij de mail van {F}.",
    "Het bedrag gaat naar rekening {N}; {W} regelt de betaling met {O}.",
    "Dat vond {W} ook, al zei ze het pas na de vergadering.",
    "Na de sessie in {L} gingen {F} en ik met {O} om tafel.",
    "Zijn profiel op {U} zegt weinig over wat {P} allemaal doet.",
    "Mijn {R} {W} stelde voor om {O} uit te nodigen voor de tweede ronde.",
    "We spraken af bij {W} op kantoor, {A} in {L}.",
    "Met dank aan {P} en {R} {F} ligt er nu een plan waar {O} achter staat.",
    "Toen {W} de cijfers liet zien, viel bij {O} het kwartje.",
    "Postcode {Z} hoort bij het adres van {I}, niet bij ons kantoor in {L}.",
    "Ik heb samen met {W} de vragen voor {O} opgesteld.",
]


def bsn(rng: random.Random) -> str:
    while True:
        d = [rng.randint(0, 9) for _ in range(8)]
        if d[0] == 0:
            continue
        total = sum(x * w for x, w in zip(d, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return "".join(map(str, d + [last]))


def iban(rng: random.Random) -> str:
    bank = rng.choice(["ABNA", "INGB", "RABO", "TRIO", "SNSB"])
    account = "".join(str(rng.randint(0, 9)) for _ in range(10))
    rearranged = bank + account + "NL00"
    number = int("".join(str(int(ch, 36)) for ch in rearranged))
    check = 98 - number % 97
    raw = f"NL{check:02d}{bank}{account}"
    return raw if rng.random() < 0.5 else " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def phone(rng: random.Random) -> str:
    f = rng.choice(PHONE_FORMATS)
    return f.format(
        a=rng.randint(1000, 9999),
        b=rng.randint(1000, 9999),
        c=rng.randint(100, 999),
        d=f"{rng.randint(0, 99):02d}",
        e=f"{rng.randint(0, 99):02d}",
    )


def email(first: str, last: str, rng: random.Random) -> str:
    user = rng.choice([f"{first[0]}.{last.replace(' ', '')}", f"{first}.{last.replace(' ', '')}", first])
    dom = rng.choice(["minbzk.example.nl", "gemeente.example.nl", "ggd.example.nl", "mail.example.nl"])
    return f"{user.lower()}@{dom}"


def fill(
    frame: str,
    rng: random.Random,
    names: tuple[list[str], list[str], list[str]] | None = None,
    orgs: list[str] | None = None,
    places: list[str] | None = None,
) -> dict:
    first_names, last_names, wordlike = names or (FIRST, LAST, WORDLIKE)
    orgs, places = orgs or ORGS, places or PLACES
    first, last = rng.choice(first_names), rng.choice(last_names)
    values = {
        "P": f"{rng.choice(first_names)} {rng.choice(last_names)}",
        "F": first,
        "I": f"{rng.choice('ABDEGHJKMPRSTW')}. {rng.choice(last_names)}",
        "W": rng.choice(wordlike) if rng.random() < 0.5 else f"{rng.choice(first_names)} {rng.choice(wordlike)}",
        "R": rng.choice(ROLES),
        "E": email(first, last, rng),
        "T": phone(rng),
        "B": bsn(rng),
        "N": iban(rng),
        "A": f"{rng.choice(STREETS)} {rng.randint(1, 240)}",
        "Z": f"{rng.randint(1000, 9999)} {rng.choice(['AB', 'CD', 'EK', 'GH', 'LM', 'PR', 'TV'])}",
        "U": f"https://www.linkedin.com/in/{first.lower()}-{last.lower().replace(' ', '')}-{rng.randint(10, 99)}",
        "O": rng.choice(orgs),
        "O2": rng.choice(orgs),
        "L": rng.choice(places),
    }
    text, spans, negatives = "", [], []
    pos = 0
    for m in re.finditer(r"\{(\w+)\}", frame):
        text += frame[pos : m.start()]
        slot = m.group(1)
        value = values[slot]
        start = len(text)
        text += value
        if slot in KIND:
            spans.append({"start": start, "end": start + len(value), "kind": KIND[slot], "text": value})
        elif slot in {"O", "O2", "L"}:
            negatives.append({"start": start, "end": start + len(value), "text": value})
        pos = m.end()
    text += frame[pos:]
    for word in ("Rijk", "Kamer", "Den Haag", "Mooi", "Roos", "bakker"):
        for m in re.finditer(rf"\b{re.escape(word)}\b", text):
            if not any(s["start"] <= m.start() < s["end"] for s in spans):
                negatives.append({"start": m.start(), "end": m.end(), "text": m.group()})
    return {"text": text, "spans": spans, "negatives": negatives}


def build(n_texts: int = 160, part: str = "dev") -> list[dict]:
    rng = random.Random(SEED + {"dev": 0, "test": 1, "final": 2, "holdout": 3, "fresh": 4, "blind": 5}[part])
    frames = {
        "dev": FRAMES,
        "test": TEST_FRAMES,
        "final": FINAL_FRAMES,
        "holdout": HOLD_FRAMES,
        "fresh": FRESH_FRAMES,
        "blind": BLIND_FRAMES,
    }[part]
    names = {
        "dev": None,
        "test": (TEST_FIRST, TEST_LAST, TEST_WORDLIKE),
        "final": (FINAL_FIRST, FINAL_LAST, FINAL_WORDLIKE),
        "holdout": (HOLD_FIRST, HOLD_LAST, HOLD_WORDLIKE),
        "fresh": (FRESH_FIRST, FRESH_LAST, FRESH_WORDLIKE),
        "blind": (BLIND_FIRST, BLIND_LAST, BLIND_WORDLIKE),
    }[part]
    orgs, places = (BLIND_ORGS, BLIND_PLACES) if part == "blind" else (ORGS, PLACES)
    records = []
    for i in range(n_texts):
        k = rng.choice([1, 2, 2, 3])
        parts = [
            fill(rng.choice(frames if rng.random() > 0.12 else NEG_ONLY), rng, names, orgs, places) for _ in range(k)
        ]
        text, spans, negatives = "", [], []
        for p in parts:
            offset = len(text) + (1 if text else 0)
            text = f"{text} {p['text']}" if text else p["text"]
            spans += [{**s, "start": s["start"] + offset, "end": s["end"] + offset} for s in p["spans"]]
            negatives += [{**s, "start": s["start"] + offset, "end": s["end"] + offset} for s in p["negatives"]]
        for s in spans + negatives:
            assert text[s["start"] : s["end"]] == s["text"], (text, s)
        records.append({"id": f"pii-{part}-{i:03d}", "text": text, "spans": spans, "negatives": negatives})
    return records


def main() -> None:
    parts = (
        ("dev", "pii_gold.jsonl", 160),
        ("test", "pii_gold_test.jsonl", 120),
        ("final", "pii_gold_final.jsonl", 100),
        ("holdout", "pii_gold_holdout.jsonl", 100),
        ("fresh", "pii_gold_fresh.jsonl", 100),
        ("blind", "pii_gold_blind.jsonl", 120),
    )
    for part, name, n in parts:
        records = build(n, part)
        with open(HERE / name, "w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        kinds: dict[str, int] = {}
        for r in records:
            for s in r["spans"]:
                kinds[s["kind"]] = kinds.get(s["kind"], 0) + 1
        negatives = sum(len(r["negatives"]) for r in records)
        print(f"{part}: {len(records)} texts; planted: {kinds}; hard negatives: {negatives}")


if __name__ == "__main__":
    main()
