"""The prediction-file sweep: one test per class of defect, each a one-line ``file:line: field: problem``.

Every defective file is refused as a whole (exit 2) and every defect is named on its own line; no
input reaches the scorer silently mis-read.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.errors import InvalidInput
from bench.predictions import read_predictions
from bench.schema import Layer

#: "’" is one character, three UTF-8 bytes and one UTF-16 unit; "😀" one character, four bytes, two units.
TEXTS = {"a": "Paris is big.", "q": "It’s Rome, said Ann.", "e": "😀 Rome and Oslo."}


def _write(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / "pred.jsonl"
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines), "utf-8")
    return path


def _problems(tmp_path: Path, *lines: object) -> tuple[str, ...]:
    path = _write(tmp_path, *lines)
    with pytest.raises(InvalidInput) as caught:
        read_predictions(path, TEXTS)
    assert caught.value.exit_code == 2
    return tuple(line.removeprefix(f"{path}:") for line in caught.value.lines)


def _entity(**fields: Any) -> dict[str, Any]:
    return {"doc_id": "a", "entities": [{"start": 0, "end": 5, "label": "GPE", **fields}]}


@pytest.mark.parametrize("line, field", [
    ("[]", "(document)"),
    ('"doc"', "(document)"),
    ("12", "(document)"),
    ("null", "(document)"),
    ('{"doc_id": "a", "entities": {"start": 0}}', "entities"),
    ('{"doc_id": "a", "entities": [[0, 5, "GPE"]]}', "entities[0]"),
    ('{"doc_id": "a", "entities": ["Paris"]}', "entities[0]"),
    ('{"doc_id": "a", "attributions": [{"content": {"start": 0, "end": 5}}]}', "attributions[0].content"),
    ('{"doc_id": "a", "attributions": [{"content": [{"start": 0, "end": 5}], "source": [0, 5]}]}',
     "attributions[0].source"),
    ('{"doc_id": ["a"], "entities": []}', "doc_id"),
    ('{"doc_id": "a", "entities": [}', "(document)"),
    ('{"doc_id": "a"} {"doc_id": "b"}', "(document)"),
])
def test_malformed_json_shapes_are_one_line_each_at_their_field(tmp_path: Path, line: str, field: str) -> None:
    [problem] = _problems(tmp_path, line)
    assert problem.startswith(f"1: {field}: "), problem


@pytest.mark.parametrize("value", ["0", 0.0, 0.5, True, False, None, [0], {"at": 0}])
def test_wrong_types_for_offsets_are_refused_not_coerced(tmp_path: Path, value: object) -> None:
    problems = _problems(tmp_path, _entity(start=value))
    assert problems and all(p.startswith("1: entities[0].start: ") for p in problems), problems


@pytest.mark.parametrize("fields, field, words", [
    ({"start": -1}, "entities[0].start", "offset -1 is negative"),
    ({"end": 14}, "entities[0].end", "offset 14 is past the end of the text (length 13)"),
    ({"start": 13, "end": 20}, "entities[0].end", "past the end"),
    ({"start": 10**30}, "entities[0].start", "past the end of the text (length 13)"),
])
def test_negative_and_out_of_range_offsets(tmp_path: Path, fields: dict[str, Any], field: str, words: str) -> None:
    problems = _problems(tmp_path, _entity(**fields))
    assert any(p.startswith(f"1: {field}: ") and words in p for p in problems), problems


@pytest.mark.parametrize("start, end", [(3, 1), (3, 3)])
def test_end_before_or_at_start(tmp_path: Path, start: int, end: int) -> None:
    assert _problems(tmp_path, _entity(start=start, end=end)) == (f"1: entities[0].end: end {end} is not after start {start}",)


@pytest.mark.parametrize("record, field, words", [
    (_entity(label="CITY"), "entities[0].label", "'CITY' is not an entity label"),
    (_entity(label="gpe"), "entities[0].label", "'gpe'"),
    ({"doc_id": "a", "numbers": [{"start": 0, "end": 5, "qualifier": "roughly"}]}, "numbers[0].qualifier", "roughly"),
    ({"doc_id": "a", "numbers": [{"start": 0, "end": 5, "kind": "amount"}]}, "numbers[0].kind", "amount"),
    ({"doc_id": "a", "attributions": [{"content": [{"start": 0, "end": 5}], "kind": "quoted"}]},
     "attributions[0].kind", "quoted"),
])
def test_unknown_labels_and_enum_values(tmp_path: Path, record: dict[str, Any], field: str, words: str) -> None:
    [problem] = _problems(tmp_path, record)
    assert problem.startswith(f"1: {field}: ") and words in problem, problem


def test_duplicate_ids_name_the_first_line(tmp_path: Path) -> None:
    lines = [{"doc_id": "a", "entities": []}, {"doc_id": "q", "entities": []}, {"doc_id": "a", "numbers": []}]
    assert _problems(tmp_path, *lines) == ("3: doc_id: 'a' already appeared on line 1",)


def test_empty_files_and_blank_lines_are_no_predictions_with_a_warning(tmp_path: Path) -> None:
    for content in ("", "\n\n  \n"):
        path = tmp_path / "pred.jsonl"
        path.write_text(content, "utf-8")
        found = read_predictions(path, TEXTS)
        assert found.by_doc == {} and found.attempted == frozenset()
        assert any("3 document(s) have no predictions" in w for w in found.warnings)


def test_huge_files_are_read_and_every_bad_line_is_reported(tmp_path: Path) -> None:
    lines = 100_000
    texts = {f"d{i}": "Paris is big." for i in range(lines)}
    path = tmp_path / "pred.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(lines):
            out.write(json.dumps({"doc_id": f"d{i}", "entities": [{"start": 0, "end": 5, "label": "GPE"}]}) + "\n")
    found = read_predictions(path, texts)
    assert len(found.by_doc) == lines and found.attempted == {Layer.ENTITIES}
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"doc_id": "d7", "entities": []}) + "\n")
    with pytest.raises(InvalidInput) as caught:
        read_predictions(path, texts)
    assert caught.value.lines == (f"{path}:{lines + 1}: doc_id: 'd7' already appeared on line 8",)


@pytest.mark.parametrize("doc_id, start, end, covered, units", [
    ("q", 7, 11, "Rome", "UTF-8 bytes"),  # "’" counted as 3
    ("e", 5, 9, "Rome", "UTF-8 bytes"),  # "😀" counted as 4
    ("e", 3, 7, "Rome", "UTF-16 code units"),  # "😀" counted as 2
    ("q", 18, 21, "Ann", "UTF-8 bytes"),  # past the end in characters, inside in bytes
])
def test_offsets_in_utf8_bytes_or_utf16_units_are_named(
    tmp_path: Path, doc_id: str, start: int, end: int, covered: str, units: str
) -> None:
    record = {"doc_id": doc_id, "entities": [{"start": start, "end": end, "label": "GPE", "text": covered}]}
    problems = _problems(tmp_path, record)
    assert problems and all(p.startswith("1: entities[0].") for p in problems), problems
    assert any(p.endswith(f"offsets look like {units}, not characters") for p in problems), problems


def test_a_plain_text_mismatch_does_not_blame_the_units(tmp_path: Path) -> None:
    record = {"doc_id": "q", "entities": [{"start": 5, "end": 9, "label": "GPE", "text": "Oslo"}]}
    assert _problems(tmp_path, record) == ("1: entities[0].text: 'Oslo' does not equal the text at [5:9], 'Rome'",)


def test_character_offsets_on_the_same_texts_are_accepted(tmp_path: Path) -> None:
    record = {"doc_id": "e", "entities": [{"start": 2, "end": 6, "label": "GPE", "text": "Rome"}]}
    assert read_predictions(_write(tmp_path, record), TEXTS).by_doc["e"].entities is not None


def test_the_cli_prints_one_line_per_defect_and_exits_2(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"doc_id": k, "text": v, "entities": []}) + "\n" for k, v in TEXTS.items()),
                    "utf-8")
    path = _write(tmp_path, "[]", {"doc_id": "q", "entities": [{"start": 7, "end": 11, "label": "GPE", "text": "Rome"}]})
    done = subprocess.run([sys.executable, "-m", "bench.cli", "score", str(path), "--gold", str(gold)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.startswith(str(path))]
    assert len(lines) == 2 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"{path}:1: (document): ")
    assert lines[1].startswith(f"{path}:2: entities[0].text: ") and lines[1].endswith("not characters")
