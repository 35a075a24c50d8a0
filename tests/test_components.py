"""Dutch pipeline components on hand-built Docs: no trained model is loaded."""

import spacy
from spacy.tokens import Doc

from sib_nlp.nlp.components import load_lexicon, plain_lemmas, set_line_sentence_starts, set_run_on_sentence_starts


def _doc(words, lemmas, pos, heads, deps, spaces=None):
    nlp = spacy.blank("nl")
    return Doc(nlp.vocab, words=words, lemmas=lemmas, pos=pos, heads=heads, deps=deps, spaces=spaces)


def test_split_separable_verb_gets_joined_lemma():
    doc = _doc(
        ["We", "werken", "sinds", "de", "zomer", "samen", "met", "drie", "gemeenten", "."],
        ["we", "werken", "sinds", "de", "zomer", "samen", "met", "drie", "gemeente", "."],
        ["PRON", "VERB", "ADP", "DET", "NOUN", "ADV", "ADP", "NUM", "NOUN", "PUNCT"],
        [1, 1, 4, 4, 1, 1, 8, 8, 1, 1],
        ["nsubj", "ROOT", "case", "det", "obl", "compound:prt", "case", "nummod", "obl", "punct"],
    )
    plain_lemmas(doc)
    assert doc[1].lemma_ == "samenwerken"
    assert doc[8].lemma_ == "gemeente" and doc[8].pos_ == "NOUN"


def test_particle_already_in_lemma_is_not_doubled():
    doc = _doc(
        ["Ik", "nam", "het", "mee"],
        ["ik", "meenemen", "het", "mee"],
        ["PRON", "VERB", "PRON", "ADP"],
        [1, 1, 1, 1],
        ["nsubj", "ROOT", "obj", "compound:prt"],
    )
    plain_lemmas(doc)
    assert doc[1].lemma_ == "meenemen"


def test_programme_words_get_lexicon_lemma_and_pos():
    words = ["Ik", "heb", "veel", "samengewerkt", "met", "collega's", "van", "andere", "directies", "."]
    doc = _doc(words, [w.lower() for w in words], ["X"] * len(words), list(range(len(words))), ["dep"] * len(words))
    plain_lemmas(doc)
    assert doc[3].lemma_ == "samenwerken" and doc[3].pos_ == "VERB"
    assert doc[5].pos_ == "NOUN" and doc[5].lemma_ == "collega"
    assert doc[8].pos_ == "NOUN" and doc[8].lemma_ == "directie"
    lex = load_lexicon()
    for word in (
        "leerwerkopdracht",
        "leidinggevende",
        "opgavegericht",
        "beleidsmedewerker",
        "stakeholders",
        "co-creatie",
    ):
        assert word in lex


def test_underscores_are_removed_from_lemmas():
    doc = _doc(["Franstalige"], ["Frans_talig"], ["ADJ"], [0], ["ROOT"])
    plain_lemmas(doc, lexicon={})
    assert doc[0].lemma_ == "Franstalig"


def test_particle_fallback_when_the_parse_misses_it():
    """The tagger took 'werken' for a noun and the parser missed compound:prt."""
    nlp = spacy.blank("nl")
    words = ["We", "werken", "sinds", "de", "zomer", "samen", "met", "drie", "gemeenten", "."]
    doc = Doc(
        nlp.vocab,
        words=words,
        lemmas=["we", "werken", "sinds", "de", "zomer", "samen", "met", "drie", "gemeente", "."],
        pos=["PRON", "NOUN", "ADP", "DET", "NOUN", "ADV", "ADP", "NUM", "NOUN", "PUNCT"],
        heads=[1, 1, 4, 4, 1, 4, 8, 8, 4, 1],
        deps=["nsubj", "ROOT", "case", "det", "nmod", "advmod", "case", "nummod", "nmod", "punct"],
    )
    plain_lemmas(doc)
    assert doc[1].lemma_ == "samenwerken" and doc[1].pos_ == "VERB"


def test_wrong_particle_in_lemma_is_replaced():
    doc = _doc(
        ["Ik", "nam", "het", "dossier", "mee"],
        ["ik", "deelnemen", "het", "dossier", "mee"],
        ["PRON", "VERB", "DET", "NOUN", "ADP"],
        [1, 1, 3, 1, 1],
        ["nsubj", "ROOT", "det", "obj", "compound:prt"],
    )
    plain_lemmas(doc)
    assert doc[1].lemma_ == "meenemen"


def test_no_split_inside_a_line_without_final_punctuation():
    nlp = spacy.blank("nl")
    nlp.add_pipe("sib_line_breaks_v1", name="lines")
    doc = nlp("eerder de gemeente bellen. Dan verder")
    assert doc[1].is_sent_start is False and doc[5].is_sent_start is None


def test_line_breaks_and_bullets_start_sentences():
    nlp = spacy.blank("nl")
    nlp.add_pipe("sib_line_breaks_v1", name="lines")
    nlp.add_pipe("sentencizer")
    doc = nlp("Wat ik meeneem:\n- meer naar buiten\n- eerder de gemeente bellen\nen verder niets")
    sents = [s.text.strip() for s in doc.sents]
    assert sents == [
        "Wat ik meeneem:",
        "- meer naar buiten",
        "- eerder de gemeente bellen",
        "en verder niets",
    ]


def test_line_break_component_is_a_plain_function():
    nlp = spacy.blank("nl")
    doc = set_line_sentence_starts(nlp("een\ntwee"))
    assert doc[-1].is_sent_start


def _tagged(text: str) -> Doc:
    """A lower-case run-on with hand-set tags: word/POS or word/POS/VerbForm, as the tagger gives them
    (it takes "werk" and "leer" after "ik" for nouns, as the project's pipeline does)."""
    nlp = spacy.blank("nl")
    words, pos, morphs = [], [], []
    for item in text.split():
        w, p, *form = item.split("/")
        words.append(w)
        pos.append(p)
        morphs.append(f"VerbForm={form[0]}" if form else "")
    return Doc(nlp.vocab, words=words, pos=pos, morphs=morphs)


def _starts(doc: Doc) -> list[str]:
    set_run_on_sentence_starts(doc)
    return [t.text for t in doc if t.i and t.is_sent_start]


def test_run_on_answers_are_split_at_a_new_main_clause():
    doc = _tagged(
        "ik/PRON doe/PRON mee/ADP omdat/SCONJ het/PRON verplicht/VERB/Part is/AUX/Fin ik/PRON werk/NOUN "
        "bij/ADP de/DET helpdesk/NOUN misschien/ADV leer/NOUN ik/PRON er/ADV iets/PRON van/ADP "
        "we/PRON hebben/AUX/Fin de/DET vragen/NOUN gezet/VERB/Part het/PRON viel/VERB/Fin me/PRON op/ADP"
    )
    # after the verb that ends "omdat ...", before an adverb + verb + subject, after a participle
    assert _starts(doc) == ["ik", "misschien", "we", "het"]


def test_run_on_rules_leave_clauses_whole():
    cases = [
        "vandaag/ADV ga/VERB/Fin ik/PRON naar/ADP de/DET gemeente/NOUN",  # inversion
        "ik/PRON denk/VERB/Fin vaak/ADV dat/SCONJ ik/PRON het/PRON weet/VERB/Fin",  # after a subordinator
        "we/PRON hebben/AUX/Fin met/ADP de/DET gemeente/NOUN gesproken/VERB/Part en/CCONJ we/PRON gaan/VERB/Fin",
        "iedereen/PRON moest/AUX/Fin meedoen/VERB/Inf omdat/SCONJ iedereen/PRON in/ADP ons/PRON team/NOUN "
        "het/PRON moet/AUX/Fin doen/VERB/Inf",  # "het moet": still inside the omdat-clause
        "ik/PRON heb/AUX/Fin besproken/VERB/Part welke/DET regels/NOUN we/PRON zelf/ADV hebben/AUX/Fin",
        "de/DET oefening/NOUN met/ADP de/DET kaart/NOUN gebruik/NOUN ik/PRON nu/ADV in/ADP elk/DET project/NOUN",
        "als/SCONJ afdelingshoofd/NOUN heb/AUX/Fin ik/PRON zestien/NUM mensen/NOUN",  # "als" is no clause here
    ]
    for text in cases:
        assert _starts(_tagged(text)) == [], text


def test_run_on_rules_need_tags_and_keep_the_line_rules():
    nlp = spacy.blank("nl")
    untagged = set_run_on_sentence_starts(nlp("ik werk bij de dienst ik leer er veel van\nnieuwe regel"))
    assert [t.text for t in untagged if t.i and t.is_sent_start] == ["nieuwe"]
    punctuated = _tagged("ik/PRON werk/VERB/Fin hier/ADV ./PUNCT Ik/PRON leer/VERB/Fin veel/ADV")
    set_run_on_sentence_starts(punctuated)
    assert punctuated[4].is_sent_start is None  # after final punctuation the parser decides, as before
