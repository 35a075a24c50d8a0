"""Annotated sentences: the gold standard in ``data/gold/signals/`` and annotation files.

The gold standard's format is described in ``data/gold/signals/README.md``: a
``## <id> <text type> <wave> diepte=<n>`` line opens a document, every further
line is ``CODES | sentence``. Codes are short forms of the codebook's label ids
(:data:`CODES`); a full label id is accepted too, so a label added to the
codebook can be annotated without touching this module.

Documents in files whose name starts with ``test_`` form the test part; all
others the development part (:func:`split_of_file`). The test files were
written before the tuning they measure and are not looked at while tuning.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CODES = {
    "I": "motivatie.intrinsiek",
    "E": "motivatie.extrinsiek",
    "A": "motivatie.autonomie",
    "C": "motivatie.competentie",
    "V": "motivatie.verbondenheid",
    "SI": "samenwerking.intern",
    "SE": "samenwerking.extern",
    "SG": "samenwerking.gedeeld",
    "B": "belemmering",
    "RI": "reflectie.inzicht",
    "RV": "reflectie.voornemen",
}
POLARITIES = {"+": "positief", "0": "neutraal", "-": "negatief"}
ASPECTS = ("begeleiding", "werkvormen", "organisatie", "toepasbaarheid", "rol_leidinggevende", "algemeen")
SPLITS = ("dev", "test")
TEST_PREFIX = "test_"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data" / "gold" / "signals"


class GoldFormatError(ValueError):
    """A line of an annotation file that cannot be read; the message names file and line."""


@dataclass(frozen=True)
class GoldSentence:
    doc_id: str
    index: int  # position in the document
    text: str
    labels: frozenset[str]
    appreciation: frozenset[tuple[str, str]] = frozenset()  # (aspect, polarity)
    ident: str = ""  # an annotation file's own sentence id, if it has one

    @property
    def key(self) -> str:
        return self.ident or f"{self.doc_id}.{self.index}"

    @property
    def polarities(self) -> frozenset[str]:
        return frozenset(p for _, p in self.appreciation)


@dataclass
class GoldDocument:
    doc_id: str
    text_type: str
    wave: str | None
    depth: int | None
    source: str
    sentences: list[GoldSentence] = field(default_factory=list)

    @property
    def split(self) -> str:
        return split_of_file(self.source)

    def text_and_offsets(self) -> tuple[str, list[tuple[int, int]]]:
        """The document as one text (sentences joined by a space) and each sentence's span in it."""
        parts, spans, pos = [], [], 0
        for s in self.sentences:
            parts.append(s.text)
            spans.append((pos, pos + len(s.text)))
            pos += len(s.text) + 1
        return " ".join(parts), spans


def split_of_file(name: str) -> str:
    """``test`` for a file named ``test_*``, ``dev`` for every other gold file."""
    return "test" if Path(name).name.startswith(TEST_PREFIX) else "dev"


def parse_codes(
    codes: str, known_labels: Iterable[str] | None = None
) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """``"I SE W:begeleiding:+"`` -> ({labels}, {(aspect, polarity)}); raises ValueError with the reason."""
    known = set(known_labels) if known_labels is not None else None
    labels: set[str] = set()
    appreciation: set[tuple[str, str]] = set()
    for code in codes.replace(",", " ").split():
        if code == "-":
            continue
        if code.upper().startswith("W:"):
            parts = code.split(":")
            if len(parts) != 3 or parts[1] not in ASPECTS or parts[2] not in POLARITIES:
                raise ValueError(
                    f"appreciation code {code!r} must be W:<aspect>:<+|0|->, aspect one of {', '.join(ASPECTS)}"
                )
            appreciation.add((parts[1], POLARITIES[parts[2]]))
        elif code.upper() in CODES:
            labels.add(CODES[code.upper()])
        elif "." in code or (known is not None and code in known):
            if known is not None and code not in known:
                raise ValueError(f"label {code!r} is not in the codebook")
            labels.add(code)
        else:
            raise ValueError(f"unknown code {code!r} (known: {', '.join(CODES)}, W:..., or a full label id)")
    return frozenset(labels), frozenset(appreciation)


def read_gold_file(path: Path, known_labels: Iterable[str] | None = None) -> list[GoldDocument]:
    known = list(known_labels) if known_labels is not None else None
    docs: list[GoldDocument] = []
    current: GoldDocument | None = None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("## ")):
            continue
        where = f"{path.name}, regel {n}"
        if line.startswith("## "):
            head = line[3:].split()
            if len(head) < 2:
                raise GoldFormatError(f"{where}: a document line needs '## <id> <text type> [wave] [diepte=N]'")
            depth = None
            rest = []
            for item in head[2:]:
                if item.startswith("diepte="):
                    try:
                        depth = int(item.split("=", 1)[1])
                    except ValueError:
                        raise GoldFormatError(f"{where}: diepte must be a number 0-3, not {item!r}") from None
                    if not 0 <= depth <= 3:
                        raise GoldFormatError(f"{where}: diepte must be 0-3, not {depth}")
                else:
                    rest.append(item)
            if any(d.doc_id == head[0] for d in docs):
                raise GoldFormatError(f"{where}: document id {head[0]!r} is used twice")
            current = GoldDocument(head[0], head[1], rest[0] if rest else None, depth, path.name)
            docs.append(current)
            continue
        if current is None:
            raise GoldFormatError(f"{where}: a sentence before the first '## <id> ...' line")
        if "|" not in line:
            raise GoldFormatError(f"{where}: expected 'CODES | sentence'")
        codes, text = line.split("|", 1)
        text = text.strip()
        if not text:
            raise GoldFormatError(f"{where}: empty sentence")
        try:
            labels, appreciation = parse_codes(codes, known)
        except ValueError as exc:
            raise GoldFormatError(f"{where}: {exc}") from None
        current.sentences.append(GoldSentence(current.doc_id, len(current.sentences), text, labels, appreciation))
    return docs


def load_gold(
    directory: Path | None = None, split: str | None = None, known_labels: Iterable[str] | None = None
) -> list[GoldDocument]:
    """The gold documents of the first annotation pass (every ``*.txt`` but the second pass), optionally one split."""
    directory = directory or DEFAULT_DIR
    known = list(known_labels) if known_labels is not None else None
    docs: list[GoldDocument] = []
    for path in sorted(directory.glob("*.txt")):
        if path.name.startswith("tweede_pass"):
            continue
        docs.extend(read_gold_file(path, known))
    ids = [d.doc_id for d in docs]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise GoldFormatError(f"{directory}: document ids used in more than one file: {', '.join(sorted(dup))}")
    if split is not None:
        docs = [d for d in docs if d.split == split]
    return docs


def sentences(docs: Iterable[GoldDocument]) -> Iterator[GoldSentence]:
    for d in docs:
        yield from d.sentences


def read_second_pass(path: Path | None = None) -> dict[str, GoldSentence]:
    """The second annotation pass: lines ``<doc id>.<index> CODES | sentence``, by sentence key."""
    path = path or DEFAULT_DIR / "tweede_pass.txt"
    out: dict[str, GoldSentence] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path.name}, regel {n}"
        head, sep, text = line.partition("|")
        parts = head.split(None, 1)
        if not sep or not parts or "." not in parts[0]:
            raise GoldFormatError(f"{where}: expected '<doc id>.<index> CODES | sentence'")
        doc_id, _, index = parts[0].rpartition(".")
        try:
            labels, appreciation = parse_codes(parts[1] if len(parts) > 1 else "-")
            idx = int(index)
        except ValueError as exc:
            raise GoldFormatError(f"{where}: {exc}") from None
        out[parts[0]] = GoldSentence(doc_id, idx, text.strip(), labels, appreciation)
    return out
