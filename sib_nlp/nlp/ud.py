"""Reading UD Dutch CoNLL-U files into spaCy training data.

Pure data handling: parse CoNLL-U, turn UD compound lemmas (``samen_werken``,
``regering_vorming``) into plain Dutch lemmas (``samenwerken``,
``regeringsvorming``), split the sentences by *document* into train/dev/test and
group consecutive sentences of one document into multi-sentence Docs so that the
parser learns sentence boundaries.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Linking morphemes between compound parts of nouns and adjectives
# (regering+s+vorming, boek+en+kast, ziekte+kosten).
_LINKERS = ("s", "en", "e", "n", "-")
_JOIN_BY_FORM_POS = {"NOUN", "PROPN", "ADJ", "NUM", "X"}


@dataclass
class Token:
    form: str
    lemma: str
    upos: str
    xpos: str
    feats: str
    head: int
    deprel: str
    space_after: bool = True


@dataclass
class Sentence:
    sent_id: str
    text: str
    tokens: list[Token] = field(default_factory=list)

    @property
    def document_id(self) -> str:
        """The source document: the part before the paragraph number."""
        return self._sid.split(".p.")[0]

    @property
    def paragraph_id(self) -> str:
        """The source paragraph (``wiki-1181.p.10``): the unit of the train/test split."""
        return self._sid.rsplit(".s.", 1)[0]

    @property
    def _sid(self) -> str:
        return self.sent_id.split("\\")[-1]


def plain_lemma(form: str, lemma: str, upos: str) -> str:
    """Turn a UD compound lemma into the plain Dutch lemma a user expects.

    Verbs are joined (``mee_nemen`` -> ``meenemen``); nouns and adjectives take
    their compound prefix from the surface form so that linking morphemes stay
    (``regering_vorming`` for *regeringsvorming* -> ``regeringsvorming``).
    """
    if "_" not in lemma or lemma == "_":
        return lemma
    parts = [p for p in lemma.split("_") if p]
    if not parts:
        return lemma
    joined = "".join(parts)
    if upos not in _JOIN_BY_FORM_POS or len(parts) < 2:
        return joined
    pattern = "^"
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1][:1]
        linker = "|".join(re.escape(x) for x in _LINKERS)
        pattern += f"{re.escape(part)}(?:{linker})?(?={re.escape(nxt)})"
    m = re.match(pattern, form, flags=re.IGNORECASE)
    if not m:
        return joined
    prefix = form[: m.end()]
    # keep the lemma's own casing for the first letter (UD lowercases common nouns)
    if parts[0][:1].islower():
        prefix = prefix[:1].lower() + prefix[1:]
    return prefix + parts[-1]


def read_conllu(path: Path) -> Iterator[Sentence]:
    """Yield the sentences of a CoNLL-U file (multi-word ranges and empty nodes skipped)."""
    sent_id, text = "", ""
    tokens: list[Any] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.rstrip("\n")
            if not line:
                if tokens:
                    yield Sentence(sent_id or f"{path.name}:{lineno}", text, tokens)
                sent_id, text, tokens = "", "", []
                continue
            if line.startswith("#"):
                if line.startswith("# sent_id ="):
                    sent_id = line.split("=", 1)[1].strip()
                elif line.startswith("# text ="):
                    text = line.split("=", 1)[1].strip()
                continue
            cols = line.split("\t")
            if len(cols) != 10:
                raise ValueError(f"{path}:{lineno}: expected 10 tab-separated columns, got {len(cols)}")
            if "-" in cols[0] or "." in cols[0]:
                continue
            tokens.append(
                Token(
                    form=cols[1],
                    lemma=cols[2],
                    upos=cols[3],
                    xpos=cols[4],
                    feats=cols[5],
                    head=int(cols[6]),
                    deprel=cols[7],
                    space_after="SpaceAfter=No" not in cols[9],
                )
            )
    if tokens:
        yield Sentence(sent_id or f"{path.name}:end", text, tokens)


def split_units(sentences: list[Sentence], max_sentences: int = 10) -> dict[str, str]:
    """Map each sentence id to its split unit: a paragraph, or a run of at most
    ``max_sentences`` consecutive sentences of a longer paragraph (some web pages
    in LassySmall are one 6,000-token "paragraph")."""
    units: dict[str, str] = {}
    current, count, chunk = None, 0, 0
    for sent in sentences:
        if sent.paragraph_id != current:
            current, count, chunk = sent.paragraph_id, 0, 0
        if count == max_sentences:
            count, chunk = 0, chunk + 1
        units[sent.sent_id] = f"{current}#{chunk}"
        count += 1
    return units


def assign_splits(sentences: list[Sentence], test_share: float = 0.12, dev_share: float = 0.05) -> dict[str, str]:
    """Assign whole split units (paragraphs) to train/dev/test, deterministically.

    Units are ordered by a hash of their id and taken into *test* until it holds
    ``test_share`` of the tokens, then into *dev* until ``dev_share``; the rest is
    *train*. No unit is split over two parts. (Whole documents are too coarse
    here: LassySmall has a few dozen long Wikipedia articles.) Returns a mapping
    of sentence id to part.
    """
    units = split_units(sentences)
    sizes: dict[str, int] = {}
    for sent in sentences:
        sizes[units[sent.sent_id]] = sizes.get(units[sent.sent_id], 0) + len(sent.tokens)
    total = sum(sizes.values())
    order = sorted(sizes, key=lambda u: hashlib.sha1(u.encode("utf-8")).hexdigest())
    part_of_unit: dict[str, str] = {}
    test_tokens = dev_tokens = 0
    for unit in order:
        if test_tokens < test_share * total:
            part_of_unit[unit] = "test"
            test_tokens += sizes[unit]
        elif dev_tokens < dev_share * total:
            part_of_unit[unit] = "dev"
            dev_tokens += sizes[unit]
        else:
            part_of_unit[unit] = "train"
    return {sid: part_of_unit[unit] for sid, unit in units.items()}


def group_sentences(
    sentences: Iterable[Sentence], split: dict[str, str] | None = None, max_per_doc: int = 10
) -> Iterator[list[Sentence]]:
    """Group consecutive sentences of one source document and split part, at most ``max_per_doc``."""

    def key(sent: Sentence) -> tuple[str, str]:
        return sent.document_id, (split or {}).get(sent.sent_id, "")

    group: list[Sentence] = []
    for sent in sentences:
        if group and (key(sent) != key(group[0]) or len(group) >= max_per_doc):
            yield group
            group = []
        group.append(sent)
    if group:
        yield group


def to_doc(vocab, sentences: list[Sentence]):  # noqa: ANN001 - spaCy Vocab
    """Build one gold spaCy Doc from consecutive sentences."""
    from spacy.tokens import Doc

    words, spaces, lemmas, pos, tags, morphs, heads, deps, starts = [], [], [], [], [], [], [], [], []
    offset = 0
    for sent in sentences:
        for i, tok in enumerate(sent.tokens):
            words.append(tok.form)
            last = i == len(sent.tokens) - 1
            spaces.append(True if last else tok.space_after)
            lemmas.append(plain_lemma(tok.form, tok.lemma, tok.upos))
            pos.append(tok.upos)
            tags.append(tok.xpos)
            morphs.append("" if tok.feats == "_" else tok.feats)
            heads.append(offset + (tok.head - 1 if tok.head > 0 else i))
            deps.append("ROOT" if tok.deprel == "root" else tok.deprel)
            starts.append(i == 0)
        offset += len(sent.tokens)
    spaces[-1] = False
    return Doc(
        vocab,
        words=words,
        spaces=spaces,
        lemmas=lemmas,
        pos=pos,
        tags=tags,
        morphs=morphs,
        heads=heads,
        deps=deps,
        sent_starts=list[bool | int | None](starts),
    )


@dataclass
class SplitSummary:
    sentences: dict[str, int]
    tokens: dict[str, int]
    documents: dict[str, int]
    per_file: dict[str, dict[str, int]]


def convert_ud(files: list[Path], out_dir: Path, test_share: float = 0.12, dev_share: float = 0.05) -> SplitSummary:
    """Convert UD files to ``train/dev/test.spacy`` DocBins in ``out_dir``.

    The split is made per file (per treebank), so every treebank is represented
    in the test part.
    """
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("nl")
    bins = {name: DocBin(store_user_data=False) for name in ("train", "dev", "test")}
    sents = {k: 0 for k in bins}
    toks = {k: 0 for k in bins}
    docs_seen: dict[str, set[str]] = {k: set() for k in bins}
    per_file: dict[str, dict[str, int]] = {}
    for path in files:
        sentences = list(read_conllu(path))
        assignment = assign_splits(sentences, test_share, dev_share)
        counts = {k: 0 for k in bins}
        for group in group_sentences(sentences, assignment):
            part = assignment[group[0].sent_id]
            bins[part].add(to_doc(nlp.vocab, group))
            sents[part] += len(group)
            counts[part] += len(group)
            toks[part] += sum(len(s.tokens) for s in group)
            docs_seen[part].add(f"{path.name}:{group[0].document_id}")
        per_file[path.name] = counts
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, db in bins.items():
        db.to_disk(out_dir / f"{name}.spacy")
    return SplitSummary(sents, toks, {k: len(v) for k, v in docs_seen.items()}, per_file)
