"""JSON Lines are split at line feeds (and carriage returns) only, in every reader: gold, predictions, documents.

U+2028, U+2029 and U+0085 may stand unescaped inside a JSON string (``json.dumps(..., ensure_ascii=False)``
writes them so); news text scraped from the web holds them. ``str.splitlines`` split a valid line there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import gold, parse
from bench.documents import load_documents
from bench.errors import InvalidInput
from bench.parse import jsonl_lines
from bench.predictions import read_predictions
from bench.schema import Document

SEPARATORS = ["\u2028", "\u2029", "\u0085"]


@pytest.mark.parametrize("separator", SEPARATORS)
def test_a_gold_line_whose_text_holds_a_unicode_line_separator_is_one_line(tmp_path: Path, separator: str) -> None:
    text = f"Paris{separator}is big."
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"doc_id": "d1", "text": text, "entities": [{"start": 0, "end": 5, "label": "GPE"}]},
                               ensure_ascii=False) + "\n", "utf-8")
    assert separator in path.read_text("utf-8")  # written raw, not escaped
    (document,) = gold.load_gold(path)
    assert document.text == text and len(document.annotations.entities or ()) == 1


@pytest.mark.parametrize("separator", SEPARATORS)
def test_a_prediction_line_holding_a_unicode_line_separator_is_one_line(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps({"doc_id": "d1", "entities": [{"start": 0, "end": 5, "label": "GPE",
                                                              "text": f"Pa{separator}is"}]}, ensure_ascii=False) + "\n",
                    "utf-8")
    found = read_predictions(path, {"d1": f"Pa{separator}is is big."})
    assert len(found.by_doc["d1"].entities or ()) == 1


@pytest.mark.parametrize("separator", SEPARATORS)
def test_a_document_line_holding_a_unicode_line_separator_is_one_document(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"doc_id": "d1", "text": f"a{separator}b"}, ensure_ascii=False) + "\n", "utf-8")
    assert load_documents(path) == (Document("d1", f"a{separator}b"),)


def test_crlf_and_cr_files_keep_their_line_numbers_in_problems(tmp_path: Path) -> None:
    good = json.dumps({"doc_id": "d1", "entities": []})
    for newline in ("\r\n", "\r", "\n"):
        path = tmp_path / "pred.jsonl"
        path.write_bytes(newline.join([good, "", '{"doc_id": 3}', ""]).encode("utf-8"))
        with pytest.raises(InvalidInput) as caught:
            read_predictions(path, {"d1": "x"})
        assert [str(p).split(": ")[0] for p in caught.value.problems] == [f"{path}:3"], newline


def test_the_lines_of_a_file_are_those_between_line_breaks_blank_ones_kept() -> None:
    assert jsonl_lines("a\r\nb\rc\n\nd\u2028e\u0085f") == ["a", "b", "c", "", "d\u2028e\u0085f"]
    assert jsonl_lines("") == [""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="ab\u2028é{}", max_size=600), st.sampled_from(["\n", "\r\n", "\r"])),
                max_size=80), st.text(alphabet="ab", max_size=5), st.integers(1, 4), st.integers(1, 300))
def test_long_and_short_lines_split_alike(lines: list[tuple[str, str]], last: str, probe: int, long: int) -> None:
    # line ends are found one by one while lines are long, the rest split at once once they prove short:
    # either way, the lines are those between line breaks (a probe of a few lines: both ways are taken)
    content = "".join(body + end for body, end in lines) + last
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "_PROBE", probe)
        patch.setattr(parse, "_LONG", long)
        assert jsonl_lines(content) == content.replace("\r\n", "\n").replace("\r", "\n").split("\n")
