"""The gold-file sweep: ``newsbench validate`` names every defect class at its JSON path.

The same classes as the prediction sweep (tests/test_predictions_sweep.py), in a gold annotation
file (``$.entities[0].start``) and in a gold JSONL (``file:line: entities[0].start``).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import gold
from tests.conftest import GoldWriter, tiny_annotation

#: "’" is one character, three UTF-8 bytes, one UTF-16 unit; "😀" one character, four bytes, two units.
QUOTE_TEXT = "It’s Paris 😀 and Le Monde.\n"


def _problems(folder: Path) -> list[str]:
    return [f"{p.where}: {p.message}" for p in gold.problems(folder)]


def _raw(write_gold: GoldWriter, content: str) -> Path:
    folder = write_gold()
    (folder / "documents" / "tiny.json").write_text(content, "utf-8")
    return folder


@pytest.mark.parametrize("content, path", [
    ("[]", "$"),
    ('"tiny"', "$"),
    ("null", "$"),
    ("", "$"),
    ('{"doc_id": "tiny",', "$"),
])
def test_malformed_json_shapes_of_the_whole_file(write_gold: GoldWriter, content: str, path: str) -> None:
    problems = _problems(_raw(write_gold, content))
    assert problems and all(p.startswith(f"{path}: ") for p in problems), problems


@pytest.mark.parametrize("key, value, path", [
    ("entities", {"start": 0}, "$.entities"),
    ("entities", [[13, 18, "GPE"]], "$.entities[0]"),
    ("numbers", ["12"], "$.numbers[0]"),
    ("attributions", [{"content": {"start": 0, "end": 5}}], "$.attributions[0].content"),
    ("doc_id", ["tiny"], "$.doc_id"),
    ("layers", "entities", "$.layers"),
])
def test_nested_wrong_types_are_reported_at_their_path(write_gold: GoldWriter, key: str, value: Any, path: str) -> None:
    data = tiny_annotation()
    data[key] = value
    problems = _problems(write_gold(data))
    assert any(p.startswith(f"{path}: ") for p in problems), problems


@pytest.mark.parametrize("value", ["13", 13.0, 13.5, True, None, [13]])
def test_wrong_types_for_offsets(write_gold: GoldWriter, value: object) -> None:
    data = tiny_annotation()
    data["entities"][0]["start"] = value
    problems = _problems(write_gold(data))
    assert problems and all(p.startswith("$.entities[0].start: ") for p in problems), problems


@pytest.mark.parametrize("layer, field, value, path, words", [
    ("entities", "start", -1, "$.entities[0].start", "offset -1 is negative"),
    ("entities", "end", 10_000, "$.entities[0].end", "offset 10000 is past the end of the text (length 64)"),
    ("entities", "start", 10_000, "$.entities[0].start", "offset 10000 is past the end of the text (length 64)"),
    ("numbers", "end", 24, "$.numbers[0].end", "end 24 is not after start 24"),
    ("numbers", "end", 20, "$.numbers[0].end", "end 20 is not after start 24"),
])
def test_out_of_range_and_reversed_offsets(
    write_gold: GoldWriter, layer: str, field: str, value: int, path: str, words: str
) -> None:
    data = tiny_annotation()
    data[layer][0][field] = value
    problems = _problems(write_gold(data))
    assert f"{path}: {words}" in [p[: len(path) + 2 + len(words)] for p in problems], problems


def test_offsets_inside_attributions_are_checked_at_their_path(write_gold: GoldWriter) -> None:
    data = tiny_annotation()
    data["attributions"][1]["content"][0]["end"] = 3
    assert any(p.startswith("$.attributions[1].content[0].end: end 3 is not after start")
               for p in _problems(write_gold(data)))


@pytest.mark.parametrize("layer, field, value", [
    ("entities", "label", "CITY"), ("entities", "label", "per"), ("numbers", "qualifier", "roughly"),
    ("numbers", "kind", "amount"), ("attributions", "kind", "reported"),
])
def test_unknown_labels_and_enum_values(write_gold: GoldWriter, layer: str, field: str, value: str) -> None:
    data = tiny_annotation()
    data[layer][0][field] = value
    problems = _problems(write_gold(data))
    assert any(p.startswith(f"$.{layer}[0].{field}: ") and repr(value) in p for p in problems), problems


def test_duplicate_ids_within_a_file_and_documents_within_a_jsonl(write_gold: GoldWriter, tmp_path: Path) -> None:
    data = tiny_annotation()
    data["attributions"][0]["id"] = "e1"
    assert "$.attributions[0].id: id 'e1' is already used at $.entities[0].id" in _problems(write_gold(data))
    path = tmp_path / "gold.jsonl"
    line = json.dumps({"doc_id": "x", "text": "Paris", "entities": []})
    path.write_text(f"{line}\n{line}\n", "utf-8")
    [problem] = gold.problems(path)
    assert str(problem) == f"{path}:2: doc_id: 'x' already appeared on line 1"


def test_empty_gold_files_are_a_problem_not_an_empty_corpus(tmp_path: Path) -> None:
    for content in ("", "\n  \n"):
        path = tmp_path / "gold.jsonl"
        path.write_text(content, "utf-8")
        [problem] = gold.problems(path)
        assert problem.message == "no documents (the file is empty)"


def test_huge_gold_jsonl_is_checked_line_by_line(tmp_path: Path) -> None:
    lines = 100_000
    path = tmp_path / "gold.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(lines):
            out.write(json.dumps({"doc_id": f"d{i}", "text": "Paris is big.",
                                  "entities": [{"start": 0, "end": 5, "label": "GPE"}]}) + "\n")
        out.write(json.dumps({"doc_id": "last", "text": "Paris", "entities": [{"start": 0, "end": 9, "label": "GPE"}]}))
    [problem] = gold.problems(path)
    assert str(problem) == f"{path}:{lines + 1}: entities[0].end: offset 9 is past the end of the text (length 5)"


def _quote_gold() -> dict[str, Any]:
    data = tiny_annotation()
    data["sha256"] = hashlib.sha256(QUOTE_TEXT.encode()).hexdigest()
    paris, monde = QUOTE_TEXT.index("Paris"), QUOTE_TEXT.index("Le Monde")
    data["entities"] = [{"id": "e1", "start": paris, "end": paris + 5, "text": "Paris", "label": "GPE"},
                        {"id": "e2", "start": monde, "end": monde + 8, "text": "Le Monde", "label": "ORG"}]
    data["numbers"], data["attributions"] = [], []
    return data


@pytest.mark.parametrize("index, start, end, units", [
    (0, 7, 12, "UTF-8 bytes"),  # after "’" (3 bytes)
    (1, 22, 30, "UTF-8 bytes"),  # after "’" and "😀" (3 + 4 bytes): past the end in characters
    (1, 18, 26, "UTF-16 code units"),  # "😀" is a surrogate pair
])
def test_offsets_in_utf8_bytes_or_utf16_units_are_named(
    write_gold: GoldWriter, index: int, start: int, end: int, units: str
) -> None:
    data = _quote_gold()
    assert gold.problems(write_gold(data, text=QUOTE_TEXT)) == []
    data["entities"][index].update(start=start, end=end)
    problems = _problems(write_gold(data, text=QUOTE_TEXT))
    assert any(p.startswith(f"$.entities[{index}].") and p.endswith(f"offsets look like {units}, not characters")
               for p in problems), problems


def test_the_cli_prints_one_line_per_defect_with_json_paths(write_gold: GoldWriter, tmp_path: Path) -> None:
    data = _quote_gold()
    data["entities"][0].update(start=7, end=12)
    data["sha256"] = "0" * 64
    folder = write_gold(data, text=QUOTE_TEXT)
    done = subprocess.run([sys.executable, "-m", "bench.cli", "validate", str(folder)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    name = str(folder / "documents" / "tiny.json")
    digest = hashlib.sha256(QUOTE_TEXT.encode()).hexdigest()
    assert done.stdout.splitlines() == [
        f"{name}: $.sha256: {'0' * 64} does not match tiny.txt ({digest})",
        (f"{name}: $.entities[0].text: 'Paris' does not equal the text at [7:12], 'ris 😀'; offsets look like UTF-8 "
         "bytes, not characters"),
    ]
