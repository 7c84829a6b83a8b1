"""``--docs PATH``: the forms a run reads documents from, and the error for anything else."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.cli import main
from bench.documents import ACCEPTED, load_documents
from bench.errors import InvalidInput, UserError
from bench.schema import Document


def test_a_single_txt_file_is_one_document_named_after_its_stem(tmp_path: Path) -> None:
    article = tmp_path / "one_article.txt"
    article.write_bytes("Mayor Léa Roux said 12 people were hurt.\r\n".encode())
    assert load_documents(article) == (Document("one_article", "Mayor Léa Roux said 12 people were hurt.\r\n"),)


def test_a_txt_file_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    article = tmp_path / "latin.txt"
    article.write_bytes(b"caf\xe9")
    with pytest.raises(UserError) as caught:
        load_documents(article)
    assert caught.value.lines == (f"{article}: text: not UTF-8 (unexpected end of data at byte 3)",)


@pytest.mark.parametrize("name, content", [("article.md", "# Title\n\nSome text.\n"), ("gold.json", '{\n  "doc_id": "x"\n}\n')])
def test_a_file_that_is_neither_txt_nor_jsonl_says_what_docs_takes(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(UserError) as caught:
        load_documents(path)
    [line] = caught.value.lines
    assert line.startswith(f"{path}: not a JSONL of documents (") and line.endswith(ACCEPTED)
    assert caught.value.exit_code == 2


def test_a_folder_without_txt_files_says_what_docs_takes(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        load_documents(tmp_path)
    assert caught.value.lines == (f"{tmp_path}: no .txt files in this folder; {ACCEPTED}",)


def test_a_missing_path_is_named_as_missing(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        load_documents(tmp_path / "nowhere.txt")
    assert caught.value.lines == (f"{tmp_path / 'nowhere.txt'}: no such file or folder",)


def test_utf8_byte_order_mark_at_the_start_of_a_documents_jsonl_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"doc_id": "x", "text": "Hello."}\n')
    assert load_documents(path) == (Document("x", "Hello."),)


def test_run_with_one_txt_file_writes_one_prediction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    article = tmp_path / "one_article.txt"
    article.write_text("Paris is big.", "utf-8")
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text('{"doc_id": "one_article", "entities": [{"start": 0, "end": 5, "label": "GPE"}]}\n', "utf-8")
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["newsbench", "run", f"file:{predictions}", "--docs", str(article), "--out", str(out),
                                      "--jobs", "0", "--no-cache"])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code in (0, None)
    [written] = out.glob("*.jsonl")
    assert '"doc_id": "one_article"' in written.read_text("utf-8")


# --- moved from the runner tests: a folder of .txt files, JSONL and its errors ---------------


def test_documents_from_a_folder_of_txt_files(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_bytes(b"First text.\r\nSecond line.")
    (tmp_path / "two.txt").write_bytes("Zweiter Text – ok.".encode())
    (tmp_path / "ignored.md").write_text("not a document")
    assert load_documents(tmp_path) == (
        Document("one", "First text.\r\nSecond line."),
        Document("two", "Zweiter Text – ok."),
    )


def test_documents_from_jsonl_and_its_errors(tmp_path: Path) -> None:
    good = tmp_path / "docs.jsonl"
    good.write_text('{"doc_id": "x", "text": "Hello.", "extra": 1}\n\n{"doc_id": "y", "text": "Bye."}\n', "utf-8")
    assert load_documents(good) == (Document("x", "Hello."), Document("y", "Bye."))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "x", "text": "a"}\n{"doc_id": "y"}\nnot json\n{"doc_id": 3, "text": "t"}\n[1]\n'
                   '{"doc_id": "x", "text": "again"}\n', "utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_documents(bad)
    assert caught.value.lines == (
        f"{bad}:2: text: missing",
        f"{bad}:3: (line): invalid JSON: Expecting value",
        f"{bad}:4: doc_id: must be a string",
        f"{bad}:5: (line): not a JSON object",
        f"{bad}:6: doc_id: 'x' already appeared on line 1",
    )
