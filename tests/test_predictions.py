"""Reading a predictions file: the public JSONL contract and its one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import gold
from bench.errors import InvalidInput
from bench.labels import parse_label_map
from bench.predictions import read_predictions
from bench.schema import Entity, EntityLabel, Layer
from tests.conftest import TINY_TEXT, GoldWriter, tiny_annotation

TEXTS = {"a": "Paris is big.", "b": "Rome is old."}


def _write(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n", "utf-8")
    return path


def test_absent_layer_is_not_attempted_and_extra_fields_are_ignored(tmp_path: Path) -> None:
    path = _write(tmp_path, {"doc_id": "a", "entities": [{"start": 0, "end": 5, "label": "GPE", "score": 0.9}],
                             "model": "x"})
    found = read_predictions(path, TEXTS)
    record = found.by_doc["a"]
    assert record.numbers is None and record.attributions is None
    assert record.entities is not None and record.entities[0].label == "GPE"
    assert found.attempted == {Layer.ENTITIES}


def test_missing_document_is_a_warning_not_an_error(tmp_path: Path) -> None:
    found = read_predictions(_write(tmp_path, {"doc_id": "a", "entities": []}), TEXTS)
    assert set(found.by_doc) == {"a"}
    assert any("1 document(s) have no predictions" in w and ": b" in w for w in found.warnings)


def test_layers_attempted_survive_lines_for_unknown_documents(tmp_path: Path) -> None:
    found = read_predictions(_write(tmp_path, {"doc_id": "zzz", "numbers": []}), TEXTS)
    assert found.by_doc == {}
    assert found.attempted == {Layer.NUMBERS}
    assert any("not in the gold" in w for w in found.warnings)


@pytest.mark.parametrize(
    "line, where, words",
    [
        ('{"doc_id": "a", "entities": [', "pred.jsonl:1: (document)", "Invalid JSON"),
        ({"doc_id": "a", "entities": [{"start": 0, "end": 50, "label": "GPE"}]}, "pred.jsonl:1: entities[0].end",
         "past the end"),
        ({"doc_id": "a", "entities": [{"start": 3, "end": 1, "label": "GPE"}]}, "pred.jsonl:1: entities[0].end",
         "not after start"),
        ({"doc_id": "a", "entities": [{"start": 0, "end": 5, "label": "CITY"}]}, "pred.jsonl:1: entities[0].label",
         "'CITY' is not an entity label"),
        ({"doc_id": "a", "numbers": [{"start": "0", "end": 5}]}, "pred.jsonl:1: numbers[0].start", "valid integer"),
        ({"doc_id": "a", "attributions": [{"content": [{"start": 0, "end": 5}], "kind": "quoted"}]},
         "pred.jsonl:1: attributions[0].kind", "Input should be"),
        ({"entities": []}, "pred.jsonl:1: doc_id", "required"),
    ],
)
def test_bad_line_gives_file_line_field_problem(tmp_path: Path, line: object, where: str, words: str) -> None:
    path = _write(tmp_path, line)
    with pytest.raises(InvalidInput) as caught:
        read_predictions(path, TEXTS)
    assert caught.value.exit_code == 2
    [message] = caught.value.lines
    assert message.startswith(f"{tmp_path}/{where}: ") and words in message, message


def test_duplicate_document_is_rejected_with_both_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, {"doc_id": "a", "entities": []}, {"doc_id": "a", "entities": []})
    with pytest.raises(InvalidInput) as caught:
        read_predictions(path, TEXTS)
    assert caught.value.lines == (f"{path}:2: doc_id: 'a' already appeared on line 1",)


@pytest.mark.parametrize("field", ["value", "value_max"])
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_number_is_rejected_at_its_field(tmp_path: Path, field: str, literal: str) -> None:
    number = {"start": 0, "end": 5, "value": 1, "value_max": 2, "qualifier": "range"}
    line = json.dumps({"doc_id": "a", "numbers": [number]}).replace(f'"{field}": {number[field]}', f'"{field}": {literal}')
    path = _write(tmp_path, line)
    with pytest.raises(InvalidInput) as caught:
        read_predictions(path, TEXTS)
    assert caught.value.exit_code == 2
    [message] = caught.value.lines
    assert message.startswith(f"{path}:1: numbers[0].{field}: must be a finite number"), message


def test_utf8_byte_order_mark_at_the_start_of_a_jsonl_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"doc_id": "a", "entities": [{"start": 0, "end": 5, "label": "GPE"}]}).encode())
    found = read_predictions(path, {"a": TEXTS["a"]})
    assert found.by_doc["a"].entities is not None and found.by_doc["a"].entities[0].label == "GPE"


def test_an_unknown_label_names_the_allowed_labels_and_the_label_map_option(tmp_path: Path) -> None:
    path = _write(tmp_path, {"doc_id": "a", "entities": [{"start": 0, "end": 5, "label": "PER"}]})
    with pytest.raises(InvalidInput) as caught:
        read_predictions(path, TEXTS)
    [message] = caught.value.lines
    assert message.startswith(f"{path}:1: entities[0].label: 'PER' is not an entity label (PERSON, NORP, ")
    assert "--label-map PER=PERSON" in message


def test_a_label_map_is_applied_before_the_file_is_checked(tmp_path: Path) -> None:
    path = _write(tmp_path, {"doc_id": "a", "entities": [
        {"start": 0, "end": 5, "label": "LOCATION"}, {"start": 9, "end": 12, "label": "CARDINAL"}]})
    found = read_predictions(path, TEXTS, label_map=parse_label_map("LOCATION=GPE,CARDINAL=-"))
    assert found.by_doc["a"].entities == (Entity(0, 5, EntityLabel.GPE),)


def test_a_gold_annotation_file_is_read_as_predictions(write_gold: GoldWriter) -> None:
    annotation = write_gold() / "documents" / "tiny.json"
    found = read_predictions(annotation, {"tiny": TINY_TEXT})
    assert found.by_doc["tiny"] == gold.load_gold(annotation)[0].annotations
    assert found.attempted == set(Layer) and found.warnings == ()


def test_a_folder_of_gold_annotation_files_is_read_as_predictions(write_gold: GoldWriter) -> None:
    folder = write_gold()
    for path in (folder, folder / "documents"):
        assert set(read_predictions(path, {"tiny": TINY_TEXT}).by_doc) == {"tiny"}


def test_a_gold_file_with_a_byte_order_mark_is_read_as_predictions(write_gold: GoldWriter) -> None:
    annotation = write_gold() / "documents" / "tiny.json"
    annotation.write_bytes(b"\xef\xbb\xbf" + annotation.read_bytes())
    assert set(read_predictions(annotation, {"tiny": TINY_TEXT}).by_doc) == {"tiny"}


def test_a_defective_gold_file_as_predictions_is_exit_2_at_its_json_path(write_gold: GoldWriter) -> None:
    data = tiny_annotation()
    data["numbers"][0]["value"] = float("nan")
    annotation = write_gold(data) / "documents" / "tiny.json"
    with pytest.raises(InvalidInput) as caught:
        read_predictions(annotation, {"tiny": TINY_TEXT})
    assert caught.value.exit_code == 2
    assert caught.value.lines == (f"{annotation}: $.numbers[0].value: must be a finite number (NaN and Infinity are not allowed), got nan",)


def test_a_gold_file_over_another_text_is_rejected(write_gold: GoldWriter) -> None:
    annotation = write_gold() / "documents" / "tiny.json"
    with pytest.raises(InvalidInput) as caught:
        read_predictions(annotation, {"tiny": TINY_TEXT.upper()})
    assert caught.value.lines == (f"{annotation}: $: its text beside it differs from the gold text of 'tiny'",)


def test_problems_are_listed_in_line_order_whichever_check_finds_them(tmp_path: Path) -> None:
    # lines 1 and 3 fail the checks against the text (run over the whole file after parsing), line 2 the parse
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join([
        json.dumps({"doc_id": "a", "entities": [{"start": 0, "end": 99, "label": "GPE"}]}),
        '{"doc_id": "b", "entities": [',
        json.dumps({"doc_id": "c", "entities": [{"start": 3, "end": 1, "label": "GPE"}]}),
    ]) + "\n", "utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_predictions(path, {"a": "Paris", "b": "Rome", "c": "Nice"})
    assert [(p.file, p.where) for p in caught.value.problems] == [
        (f"{path}:1", "entities[0].end"), (f"{path}:2", "(document)"), (f"{path}:3", "entities[0].end")]
