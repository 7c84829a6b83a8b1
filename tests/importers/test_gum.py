"""GUM importer: text rebuilt from CoNLL-U, named mentions, label map, nesting, and the shared copy."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from bench.errors import UserError
from bench.gold import load_gold
from bench.importers.conllu import read_conllu
from bench.importers.gold_folder import write_gold_folder
from bench.importers.gum import import_gum
from bench.schema import EntityLabel
from bench.score import score_corpus

ROW = "{id}\t{form}\t{form}\t{upos}\t{xpos}\t_\t{head}\t_\t_\t{misc}"


def row(ident: str, form: str, upos: str, head: str, misc: str = "_", xpos: str = "_") -> str:
    return ROW.format(id=ident, form=form, upos=upos, xpos=xpos, head=head, misc=misc)


# Sentence 1: a multi-word token (U.N.'s), a linked organisation nested in an unnamed person
# mention, a linked person whose identity contains "-", SpaceAfter=No before commas and the stop.
# Sentence 2 (same paragraph): an unnamed pronoun mention and a time (no OntoNotes type).
# Sentence 3 (new paragraph): a linked place nesting a linked organisation, and an empty node.
FIXTURE = "\n".join([
    "# newdoc id = GUM_news_tiny",
    "# newpar",
    "# text = The U.N.'s chief, Ban Ki-moon, spoke.",
    row("1", "The", "DET", "2", "Entity=(2-person-new-x-c-3-coref(1-organization-new-x-c-2-coref-United_Nations"),
    "2-3\tU.N.'s\t_\t_\t_\t_\t_\t_\t_\t_",
    row("2", "U.N.", "PROPN", "4"),
    row("3", "'s", "PART", "2", "Entity=1)", xpos="POS"),
    row("4", "chief", "NOUN", "9", "Entity=2)|SpaceAfter=No"),
    row("5", ",", "PUNCT", "6"),
    row("6", "Ban", "PROPN", "4", "Entity=(3-person-new-x-c-1-coref-Ban_Ki-moon"),
    row("7", "Ki-moon", "PROPN", "6", "Entity=3)|SpaceAfter=No"),
    row("8", ",", "PUNCT", "6"),
    row("9", "spoke", "VERB", "0", "SpaceAfter=No"),
    row("10", ".", "PUNCT", "9"),
    "",
    "# text = He left Monday.",
    row("1", "He", "PRON", "2", "Entity=(2-person-giv-x-c-1-coref)"),
    row("2", "left", "VERB", "0"),
    row("3", "Monday", "PROPN", "2", "Entity=(4-time-new-x-c-1-sgl)|SpaceAfter=No"),
    row("4", ".", "PUNCT", "2"),
    "",
    "# newpar",
    "# text = NASA's Kennedy Space Center opened.",
    "1-2\tNASA's\t_\t_\t_\t_\t_\t_\t_\t_",
    row("1", "NASA", "PROPN", "5", "Entity=(5-place-new-x-c-4-coref-Kennedy_Space_Center(6-organization-new-x-c-1-coref-NASA"),
    row("2", "'s", "PART", "1", "Entity=6)", xpos="POS"),
    row("3", "Kennedy", "PROPN", "5"),
    row("4", "Space", "PROPN", "5"),
    row("5", "Center", "PROPN", "6", "Entity=5)"),
    "5.1\topened\topen\tVERB\t_\t_\t_\t_\t6:conj\tCopyOf=6",
    row("6", "opened", "VERB", "0", "SpaceAfter=No"),
    row("7", ".", "PUNCT", "6"),
    "",
])
TEXT = "The U.N.'s chief, Ban Ki-moon, spoke. He left Monday.\n\nNASA's Kennedy Space Center opened."


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "dep").mkdir()
    (tmp_path / "dep" / "GUM_news_tiny.conllu").write_text(FIXTURE, encoding="utf-8")
    (tmp_path / "splits.md").write_text("# Splits\n\n## dev\n\n  * GUM_news_tiny\n", encoding="utf-8")
    return tmp_path


def test_text_is_rebuilt_from_space_after_multiword_tokens_and_paragraphs(corpus: Path) -> None:
    (doc,) = read_conllu(corpus / "dep" / "GUM_news_tiny.conllu")
    assert doc.text == TEXT
    # the multi-word token's words get the parts of its form they spell; the empty node adds nothing
    forms = [(w.form, doc.text[w.start:w.end]) for w in doc.words[:3]]
    assert forms == [("The", "The"), ("U.N.", "U.N."), ("'s", "'s")]
    assert [w.form for w in doc.words[-3:]] == ["Center", "opened", "."]


@pytest.mark.parametrize("rule", ["propn", "linked", "either"])
def test_named_mentions_are_trimmed_mapped_and_the_longest_of_nested_ones_wins(corpus: Path, rule: str) -> None:
    (doc,), stats = import_gum(corpus, rule=rule)
    assert doc.split == "dev"
    # offsets counted by hand in TEXT: "U.N." 4–8, "Ban Ki-moon" 18–29, "NASA's Kennedy Space Center" 55–82
    assert [(e.start, e.end, e.label) for e in doc.entities] == [
        (4, 8, EntityLabel.ORG), (18, 29, EntityLabel.PERSON), (55, 82, EntityLabel.GPE),
    ]
    assert [e.text for e in doc.entities] == ["U.N.", "Ban Ki-moon", "NASA's Kennedy Space Center"]
    assert stats.mentions == 7
    assert stats.linked == 4  # U.N., Ban Ki-moon, the center, NASA
    assert stats.propn == 5  # the same four plus Monday (a time: no OntoNotes type)
    assert stats.nested_dropped == 1  # NASA inside the center
    assert stats.no_counterpart == (Counter({"time": 1}) if rule != "linked" else Counter())


def test_import_writes_a_valid_gold_folder_that_scores_one_against_itself(corpus: Path, tmp_path: Path) -> None:
    documents, _ = import_gum(corpus)
    write_gold_folder(documents, tmp_path / "out")
    gold = load_gold(tmp_path / "out")
    assert gold[0].text == TEXT
    assert gold[0].annotations.numbers is None and gold[0].annotations.attributions is None
    score = score_corpus(gold, {d.doc_id: d.annotations for d in gold}, system="gold").to_dict()
    assert score["main"] == {"entities": 1.0, "numbers": None, "attributions": None}


def test_a_mention_closed_but_never_opened_is_a_one_line_error(corpus: Path) -> None:
    bad = FIXTURE.replace("Entity=1)", "Entity=9)")
    (corpus / "dep" / "GUM_news_tiny.conllu").write_text(bad, encoding="utf-8")
    with pytest.raises(UserError) as error:
        import_gum(corpus)
    assert error.value.lines == (f"{corpus / 'dep' / 'GUM_news_tiny.conllu'}:7: MISC: Entity 9) closes a mention that is not open",)


def test_a_line_with_missing_columns_names_file_and_line(corpus: Path) -> None:
    path = corpus / "dep" / "GUM_news_tiny.conllu"
    path.write_text(FIXTURE.replace(row("2", "left", "VERB", "0"), "2\tleft\tVERB"), encoding="utf-8")
    with pytest.raises(UserError) as error:
        import_gum(corpus)
    assert error.value.lines == (f"{path}:18: expected 10 tab-separated columns, found 3",)


# --- the shared copy ------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NEWSBENCH_EXTERNAL", REPO.parent / "shared" / "external")) / "gum-news"
needs_copy = pytest.mark.skipif(not (SHARED / "dep").is_dir(),
                                reason=f"no GUM copy at {SHARED} (set NEWSBENCH_EXTERNAL to the external folder)")


@needs_copy
def test_shared_copy_has_24_documents_split_20_2_2_with_tokens_in_order_at_their_offsets() -> None:
    documents, stats = import_gum(SHARED)
    assert len(documents) == 24
    assert Counter(d.split for d in documents) == {"train": 20, "dev": 2, "test": 2}
    assert stats.mentions == 5018 and stats.linked == 1576  # the figures in NOTES.md
    for path in sorted((SHARED / "dep").glob("GUM_news_*.conllu")):
        (doc,) = read_conllu(path)
        surface = []  # the surface tokens: multi-word token lines, and words outside them
        covered = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) != 10:
                covered = 0  # a blank line ends the sentence; ids restart
                continue
            if "." in cols[0]:
                continue
            if "-" in cols[0]:
                covered = int(cols[0].split("-")[1])
                surface.append(cols[1])
            elif int(cols[0]) > covered:
                surface.append(cols[1])
        cursor = 0
        for form in surface:  # every surface token appears, in order, after nothing but white space
            found = doc.text.index(form, cursor)
            assert doc.text[cursor:found].strip() == "", (path.name, form, cursor)
            cursor = found + len(form)
        assert doc.text[cursor:].strip() == ""
        for word in doc.words:  # a word's span is its form, or the multi-word token holding it
            covered_text = doc.text[word.start:word.end]
            assert covered_text == word.form or covered_text in surface


@needs_copy
def test_shared_copy_round_trip_scores_one(tmp_path: Path) -> None:
    documents, _ = import_gum(SHARED)
    write_gold_folder(documents, tmp_path / "gum")
    gold = load_gold(tmp_path / "gum")
    assert len(gold) == 24
    score = score_corpus(gold, {d.doc_id: d.annotations for d in gold}, system="gold").to_dict()
    assert score["main"]["entities"] == 1.0
    assert score["entities"]["strict"]["possible"] == sum(len(d.entities) for d in documents) > 1000
