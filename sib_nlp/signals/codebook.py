"""The signal codebook: loading and typed access.

The YAML in ``sib_nlp/resources/codebook.yaml`` is the single source for the
detectors, the report's method section and the annotation guidelines. A user
codebook (same format) can be given instead; extra labels are picked up by the
detectors without code changes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from sib_nlp.config import RESOURCES

DEFAULT_CODEBOOK = RESOURCES / "codebook.yaml"


class CodebookError(ValueError):
    pass


@dataclass(frozen=True)
class Pattern:
    words: tuple[str, ...]  # lower case; a trailing * is a prefix wildcard
    weight: float


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    definition: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]
    patterns: tuple[Pattern, ...]
    partners: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartnerKind:
    id: str
    internal: bool
    terms: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Codebook:
    version: str
    labels: dict[str, Label]
    negators: frozenset[str]
    negation_bounds: frozenset[str]
    hedges: tuple[tuple[str, ...], ...]
    intention_markers: tuple[tuple[str, ...], ...]
    partners: dict[str, PartnerKind]
    appreciation_positive: tuple[tuple[str, ...], ...]
    appreciation_negative: tuple[tuple[str, ...], ...]
    appreciation_neutral: tuple[tuple[str, ...], ...]
    aspects: dict[str, tuple[tuple[str, ...], ...]]
    depth_levels: dict[int, str]
    depth_reasoning: tuple[tuple[str, ...], ...]
    depth_dialogic: tuple[tuple[str, ...], ...]
    depth_critical: tuple[tuple[str, ...], ...]
    # word -> polarity (-1..1) of an open Dutch adjective lexicon (``waardering.lexicon``), used for
    # words the appreciation lists do not have when |polarity| >= ``lexicon_min``
    polarity_lexicon: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    lexicon_min: float = 0.3
    digest: str = field(default="")
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def sentence_labels(self) -> list[str]:
        return list(self.labels)


def _phrases(items: list[Any] | None) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(x).lower().split()) for x in (items or []) if str(x).strip())


def read_polarity_lexicon(path: Path) -> dict[str, float]:
    """``word<TAB>polarity`` lines (``#`` starts a comment), as written by ``benchmarks/polarity_lexicon.py``."""
    out: dict[str, float] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CodebookError(f"{path}: cannot read polarity lexicon ({exc})") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        word, _, value = line.partition("\t")
        try:
            out[word.strip().lower()] = float(value)
        except ValueError:  # also a line without a tab: its value is ""
            raise CodebookError(f"{path}, line {n}: expected 'word<TAB>polarity', got {line!r}") from None
    return out


def parse_codebook(data: dict[str, Any], source: str = "codebook", base_dir: Path | None = None) -> Codebook:
    """A codebook from its YAML data; ``base_dir`` is where a relative ``waardering.lexicon`` path is
    looked for first (the package's resources after that)."""
    try:
        labels = {}
        for lid, entry in (data.get("labels") or {}).items():
            patterns = []
            for p in entry.get("patronen") or []:
                if isinstance(p, str):
                    p = {"p": p, "w": 0.7}
                words = tuple(str(p["p"]).lower().split())
                weight = float(p.get("w", 0.7))
                if not words or not 0 < weight <= 1:
                    raise CodebookError(f"{source}: label {lid}: bad pattern {p!r}")
                patterns.append(Pattern(words, weight))
            labels[lid] = Label(
                id=lid,
                name=str(entry.get("naam", lid)),
                definition=str(entry.get("definitie", "")).strip(),
                include=tuple(entry.get("inclusie") or ()),
                exclude=tuple(entry.get("exclusie") or ()),
                examples=tuple(entry.get("voorbeelden") or ()),
                counter_examples=tuple(entry.get("tegenvoorbeelden") or ()),
                patterns=tuple(patterns),
                partners=tuple(entry.get("partners") or ()),
            )
        partners = {
            pid: PartnerKind(pid, bool(p.get("intern")), _phrases(p.get("termen")))
            for pid, p in (data.get("partners") or {}).items()
        }
        wd = data.get("waardering") or {}
        rd = data.get("reflectiediepte") or {}
        lexicon_min = float(wd.get("lexicon_min", 0.3))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CodebookError(f"{source}: not a valid codebook ({exc})") from exc
    if not labels:
        raise CodebookError(f"{source}: the codebook defines no labels")
    h = hashlib.sha256(yaml.safe_dump(data, sort_keys=True).encode("utf-8"))
    lexicon: dict[str, float] = {}
    if wd.get("lexicon"):
        name = Path(str(wd["lexicon"]))
        candidates = [name] if name.is_absolute() else [p / name for p in (base_dir, RESOURCES) if p is not None]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            raise CodebookError(f"{source}: waardering.lexicon {str(name)!r} not found")
        lexicon = read_polarity_lexicon(path)
        h.update(json.dumps(lexicon, sort_keys=True).encode("utf-8"))
    digest = h.hexdigest()[:12]
    return Codebook(
        version=str(data.get("version", "0")),
        labels=labels,
        negators=frozenset(str(x).lower() for x in data.get("negatie") or []),
        negation_bounds=frozenset(str(x).lower() for x in data.get("negatie_grens") or []),
        hedges=_phrases(data.get("voorbehoud")),
        intention_markers=_phrases(data.get("voornemen_markers")),
        partners=partners,
        appreciation_positive=_phrases(wd.get("positief")),
        appreciation_negative=_phrases(wd.get("negatief")),
        appreciation_neutral=_phrases(wd.get("neutraal")),
        aspects={k: _phrases(v) for k, v in (wd.get("aspecten") or {}).items()},
        depth_levels={int(k): str(v) for k, v in (rd.get("niveaus") or {}).items()},
        depth_reasoning=_phrases(rd.get("redengeving")),
        depth_dialogic=_phrases(rd.get("dialogisch")),
        depth_critical=_phrases(rd.get("kritisch")),
        polarity_lexicon=lexicon,
        lexicon_min=lexicon_min,
        digest=digest,
        raw=data,
    )


@lru_cache(maxsize=8)
def load_codebook(path: str | None = None) -> Codebook:
    p = Path(path) if path else DEFAULT_CODEBOOK
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CodebookError(f"{p}: cannot read codebook ({exc})") from exc
    return parse_codebook(data, str(p), p.parent)


def render_markdown(codebook: Codebook) -> str:
    """The codebook as a Markdown page for annotators and readers (``docs/codebook.md``)."""
    out = [
        f"# Codebook (versie {codebook.version})",
        "",
        "Generated from `sib_nlp/resources/codebook.yaml` by `python scripts/render_codebook.py`; "
        "do not edit this page, edit the YAML. The same file drives the detectors, the report's method "
        "section and annotation.",
        "",
        "| label | naam | definitie |",
        "|---|---|---|",
    ]
    for lab in codebook.labels.values():
        out.append(f"| `{lab.id}` | {lab.name} | {lab.definition} |")
    for lab in codebook.labels.values():
        out += ["", f"## {lab.name} (`{lab.id}`)", "", lab.definition, ""]
        for title, items in (
            ("Wel", lab.include),
            ("Niet", lab.exclude),
            ("Voorbeelden", lab.examples),
            ("Tegenvoorbeelden", lab.counter_examples),
        ):
            if items:
                out += [f"**{title}**", ""] + [f"- {x}" for x in items] + [""]
        if lab.partners:
            out += [f"**Soorten partners**: {', '.join(lab.partners)}", ""]
        if lab.patterns:
            pats = ", ".join(f"`{' '.join(p.words)}` ({p.weight:g})" for p in lab.patterns)
            out += [f"**Patronen** (lemma's of woordvormen, met gewicht): {pats}", ""]
    out += ["", "## Soorten samenwerkingspartners", "", "| soort | binnen het ministerie | termen |", "|---|---|---|"]
    for kind in codebook.partners.values():
        terms = ", ".join(" ".join(t) for t in kind.terms)
        out.append(f"| {kind.id} | {'ja' if kind.internal else 'nee'} | {terms} |")
    out += [
        "",
        "## Waardering",
        "",
        "Positief: " + ", ".join(" ".join(p) for p in codebook.appreciation_positive),
        "",
        "Neutraal: " + ", ".join(" ".join(p) for p in codebook.appreciation_neutral),
        "",
        "Negatief: " + ", ".join(" ".join(p) for p in codebook.appreciation_negative),
        "",
    ]
    if codebook.polarity_lexicon:
        out += [
            f"Bijvoeglijke naamwoorden die deze lijsten niet hebben, tellen mee met hun polariteit in het open "
            f"lexicon `{codebook.raw.get('waardering', {}).get('lexicon')}` "
            f"({len(codebook.polarity_lexicon)} woorden; alleen bij |polariteit| ≥ {codebook.lexicon_min:g}).",
            "",
        ]
    out += [
        "| aspect | woorden |",
        "|---|---|",
    ]
    for aspect, aspect_terms in codebook.aspects.items():
        out.append(f"| {aspect} | {', '.join(' '.join(t) for t in aspect_terms)} |")
    out += ["", "## Reflectiediepte", ""]
    out += [f"- {level}: {name}" for level, name in sorted(codebook.depth_levels.items())]
    out += [
        "",
        "Ontkenning: " + ", ".join(sorted(codebook.negators)),
        "",
        "Voorbehoud: " + ", ".join(" ".join(h) for h in codebook.hedges),
        "",
    ]
    return "\n".join(out)
