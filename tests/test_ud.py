"""The UD conversion: plain lemmas, a split by paragraph that never leaks, gold Docs."""

from pathlib import Path

import spacy

from sib_nlp.nlp.ud import Sentence, Token, assign_splits, group_sentences, plain_lemma, read_conllu, to_doc

CONLLU = """# sent_id = wiki-1.p.1.s.1
# text = We werken samen.
1\tWe\twij\tPRON\tVNW\t_\t2\tnsubj\t_\t_
2\twerken\tsamen_werken\tVERB\tWW\t_\t0\troot\t_\t_
3\tsamen\tsamen\tADV\tBW\t_\t2\tcompound:prt\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\tLET\t_\t2\tpunct\t_\t_

# sent_id = wiki-1.p.2.s.1
# text = Regeringsvorming duurt.
1\tRegeringsvorming\tregering_vorming\tNOUN\tN\t_\t2\tnsubj\t_\t_
2\tduurt\tduren\tVERB\tWW\t_\t0\troot\t_\tSpaceAfter=No
3\t.\t.\tPUNCT\tLET\t_\t2\tpunct\t_\t_

"""


def test_plain_lemmas_keep_linking_morphemes_and_join_particles():
    assert plain_lemma("samengewerkt", "samen_werken", "VERB") == "samenwerken"
    assert plain_lemma("nam", "mee_nemen", "VERB") == "meenemen"
    assert plain_lemma("regeringsvorming", "regering_vorming", "NOUN") == "regeringsvorming"
    assert plain_lemma("Regeringsleden", "regering_lid", "NOUN") == "regeringslid"
    assert plain_lemma("afsluiten", "af_sluiten", "VERB") == "afsluiten"
    assert plain_lemma("huis", "huis", "NOUN") == "huis"


def test_read_conllu_and_gold_doc(tmp_path: Path):
    f = tmp_path / "x.conllu"
    f.write_text(CONLLU, encoding="utf-8")
    sents = list(read_conllu(f))
    assert [s.sent_id for s in sents] == ["wiki-1.p.1.s.1", "wiki-1.p.2.s.1"]
    assert sents[0].paragraph_id == "wiki-1.p.1" and sents[0].document_id == "wiki-1"
    doc = to_doc(spacy.blank("nl").vocab, sents)
    assert doc.text == "We werken samen. Regeringsvorming duurt."
    assert [t.lemma_ for t in doc][:2] == ["wij", "samenwerken"]
    assert doc[2].dep_ == "compound:prt" and doc[2].head.i == 1
    assert [s.start for s in doc.sents] == [0, 4]


def _sentence(sid: str, n: int) -> Sentence:
    return Sentence(sid, "x", [Token("w", "w", "X", "X", "_", 0, "root") for _ in range(n)])


def test_split_is_deterministic_and_keeps_paragraphs_together():
    sents = [_sentence(f"doc{d}.p.{p}.s.{s}", 10) for d in range(5) for p in range(8) for s in range(3)]
    a = assign_splits(sents)
    assert a == assign_splits(list(reversed(sents))), "the split must not depend on order"
    by_paragraph: dict[str, set[str]] = {}
    for s in sents:
        by_paragraph.setdefault(s.paragraph_id, set()).add(a[s.sent_id])
    assert all(len(parts) == 1 for parts in by_paragraph.values())
    shares = {p: sum(1 for v in a.values() if v == p) / len(a) for p in ("train", "dev", "test")}
    assert 0.08 < shares["test"] < 0.25 and shares["train"] > 0.6


def test_groups_never_mix_split_parts():
    sents = [_sentence(f"d.p.{p}.s.1", 5) for p in range(30)]
    split = assign_splits(sents)
    for group in group_sentences(sents, split):
        assert len({split[s.sent_id] for s in group}) == 1
        assert len(group) <= 10
