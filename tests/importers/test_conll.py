"""CoNLL BIO reader: documents, sentences, tag schemes, raw-text alignment, label map, errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.cli import main
from bench.errors import UserError
from bench.gold import load_gold
from bench.importers.conll import import_conll
from bench.labels import parse_label_map
from bench.schema import EntityLabel
from bench.score import score_corpus

# Two documents; the second has two sentences, an IOB1-style I- start and a BIOES single.
BIO = """-DOCSTART- -X- O O

EU NNP B-ORG
rejects VBZ O
German JJ B-MISC
call NN O
. . O

-DOCSTART- -X- O O

Peter NNP B-PER
Blackburn NNP I-PER

BRUSSELS NNP I-LOC
1996-08-22 CD O
Obama NNP S-PER
"""
RAW_2 = "Peter  Blackburn\n\nBRUSSELS 1996-08-22 Obama\n"
LABELS = "PER=PERSON,LOC=GPE,MISC=NORP"


def write(tmp_path: Path, text: str = BIO) -> Path:
    path = tmp_path / "news.conll"
    path.write_text(text, encoding="utf-8")
    return path


def test_without_raw_text_tokens_are_joined_by_spaces_and_sentences_by_newlines(tmp_path: Path) -> None:
    first, second = import_conll(write(tmp_path), labels=parse_label_map(LABELS))
    assert (first.doc_id, second.doc_id) == ("news-001", "news-002")
    assert first.text == "EU rejects German call ."
    assert [(e.start, e.end, e.label) for e in first.entities] == [(0, 2, EntityLabel.ORG), (11, 17, EntityLabel.NORP)]
    assert second.text == "Peter Blackburn\nBRUSSELS 1996-08-22 Obama"
    # "Peter Blackburn" 0–15; I-LOC opening a sentence starts an entity (IOB1) 16–24; S-PER 36–41
    assert [(e.start, e.end, e.label, e.text) for e in second.entities] == [
        (0, 15, EntityLabel.PERSON, "Peter Blackburn"), (16, 24, EntityLabel.GPE, "BRUSSELS"),
        (36, 41, EntityLabel.PERSON, "Obama"),
    ]


def test_with_raw_text_tokens_are_aligned_to_the_given_text(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "news-001.txt").write_text("EU rejects German call.", encoding="utf-8")
    (texts / "news-002.txt").write_text(RAW_2, encoding="utf-8")
    first, second = import_conll(write(tmp_path), text_dir=texts, labels=parse_label_map(LABELS))
    assert first.text == "EU rejects German call."
    assert second.text == RAW_2
    # offsets in RAW_2 counted by hand: "Peter  Blackburn" 0–16 (two spaces), BRUSSELS 18–26, Obama 38–43
    assert [(e.start, e.end, e.text) for e in second.entities] == [
        (0, 16, "Peter  Blackburn"), (18, 26, "BRUSSELS"), (38, 43, "Obama"),
    ]


def test_a_label_map_can_drop_a_type_and_the_gold_round_trips_to_one(tmp_path: Path) -> None:
    from bench.importers.gold_folder import write_gold_folder

    documents = import_conll(write(tmp_path), labels=parse_label_map("PER=PERSON,LOC=GPE,MISC=-"))
    assert [e.text for e in documents[0].entities] == ["EU"]
    write_gold_folder(documents, tmp_path / "gold")
    gold = load_gold(tmp_path / "gold")
    score = score_corpus(gold, {d.doc_id: d.annotations for d in gold}, system="gold").to_dict()
    assert score["main"] == {"entities": 1.0, "numbers": None, "attributions": None}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("EU B-ORG\nrejects\n", 2, "expected a token and a tag column, found 1 column"),
        ("EU B-ORG\nrejects X-ORG\n", 2, "tag 'X-ORG' is not O, B-, I-, E- or S- plus a type"),
        ("EU B-ORG\nPeter B-PER\n", 2, ("tag type 'PER' has no OntoNotes label; map it with --label-map PER=LABEL "
                                        "(or PER=- to drop it)")),
    ],
)
def test_malformed_input_is_one_line_naming_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(UserError) as error:
        import_conll(path)
    assert error.value.lines == (f"{path}:{line}: {message}",)


def test_a_token_missing_from_the_raw_text_is_one_line(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "news.txt").write_text("EU refuses", encoding="utf-8")
    path = write(tmp_path, "EU B-ORG\nrejects O\n")
    with pytest.raises(UserError) as error:
        import_conll(path, text_dir=texts)
    assert error.value.lines == ((f"{path}:2: token 'rejects' not found in {texts / 'news.txt'} at offset 3 "
                                  "(the text has 'refuses')"),)


def test_the_command_writes_gold_and_reports_errors_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path)
    out = tmp_path / "gold"
    monkeypatch.setattr(sys, "argv", ["newsbench", "import", "conll", str(path), "--out", str(out),
                                      "--label-map", LABELS])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code in (0, None)
    assert len(load_gold(out)) == 2
    monkeypatch.setattr(sys, "argv", ["newsbench", "import", "conll", str(path), "--out", str(out)])
    with pytest.raises(SystemExit) as failed:
        main()
    assert failed.value.code == 2
    assert capsys.readouterr().err.strip() == (f"{path}:5: tag type 'MISC' has no OntoNotes label; map it with "
                                               "--label-map MISC=LABEL (or MISC=- to drop it)")
    assert len(load_gold(out)) == 2  # the earlier import is untouched
