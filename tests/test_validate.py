"""The gold validator: one fixture per defect class, each reported at its JSON path."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import gold
from tests.conftest import GoldWriter, tiny_annotation

Mutation = Callable[[dict[str, Any]], None]


def _set(path: tuple[Any, ...], value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _append_copy(layer: str, index: int, **changes: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data[layer].append({**data[layer][index], **changes})

    return mutate


# (defect class, mutation, JSON path reported, words the message must contain)
DEFECTS: list[tuple[str, Mutation, str, str]] = [
    ("hash mismatch", _set(("sha256",), "0" * 64), "$.sha256", "does not match"),
    ("offset past end", _set(("entities", 0, "end"), 10_000), "$.entities[0].end", "past the end"),
    ("negative offset", _set(("entities", 0, "start"), -1), "$.entities[0].start", "negative"),
    ("end before start", _set(("numbers", 0, "end"), 0), "$.numbers[0].end", "not after start"),
    ("text differs from slice", _set(("entities", 0, "text"), "Pari"), "$.entities[0].text", "does not equal"),
    ("missing text", _set(("entities", 1, "text"), None), "$.entities[1].text", "missing"),
    ("unknown entity label", _set(("entities", 0, "label"), "CITY"), "$.entities[0].label", "Input should be"),
    ("unknown qualifier", _set(("numbers", 0, "qualifier"), "roughly"), "$.numbers[0].qualifier", "Input should be"),
    ("unknown number kind", _set(("numbers", 0, "kind"), "amount"), "$.numbers[0].kind", "Input should be"),
    ("unknown quote kind", _set(("attributions", 0, "kind"), "reported"), "$.attributions[0].kind", "Input should be"),
    ("string offset", _set(("entities", 0, "start"), "12"), "$.entities[0].start", "valid integer"),
    ("missing layer key", lambda d: d.pop("numbers"), "$.numbers", "missing layer"),
    ("missing required field", lambda d: d["entities"][0].pop("label"), "$.entities[0].label", "required"),
    ("duplicate id", _set(("numbers", 0, "id"), "e1"), "$.numbers[0].id", "already used"),
    ("missing id", _set(("entities", 0, "id"), None), "$.entities[0].id", "missing id"),
    ("parent does not exist", _set(("attributions", 1, "parent"), "a9"), "$.attributions[1].parent", "not an attribution"),
    ("parent cycle", _set(("attributions", 0, "parent"), "a2"), "$.attributions[0].parent", "cycle"),
    ("self parent", _set(("attributions", 0, "parent"), "a1"), "$.attributions[0].parent", "cycle"),
    ("duplicate entity", _append_copy("entities", 0, id="e9"), "$.entities[2]", "duplicate"),
    ("duplicate attribution", _append_copy("attributions", 1, id="a9"), "$.attributions[2]", "duplicate"),
    ("overlapping entities", _append_copy("entities", 1, id="e9", start=44, end=52, text=None),
     "$.entities[2]", ""),
    ("range without value_max", _set(("numbers", 0, "qualifier"), "range"), "$.numbers[0].value_max", "range needs"),
    ("value_max below value", lambda d: d["numbers"][0].update(qualifier="range", value_max=3),
     "$.numbers[0].value_max", "below value"),
    ("value_max without range", _set(("numbers", 0, "value_max"), 20), "$.numbers[0].value_max", "not range"),
    ("empty content", _set(("attributions", 0, "content"), []), "$.attributions[0].content", "at least one"),
    ("doc_id differs from file name", _set(("doc_id",), "other"), "$.doc_id", "file name"),
    ("white space at span edge", lambda d: d["entities"][0].update(end=d["entities"][0]["end"] + 1,
                                                                   text="Paris "), "$.entities[0]", "white space"),
]


@pytest.mark.parametrize("name, mutate, path, words", DEFECTS, ids=[d[0] for d in DEFECTS])
def test_each_defect_is_reported_at_its_path(
    write_gold: GoldWriter, name: str, mutate: Mutation, path: str, words: str
) -> None:
    data = tiny_annotation()
    mutate(data)
    folder = write_gold(data)
    found = gold.problems(folder)
    assert any(p.where == path and words in p.message for p in found), [str(p) for p in found]


def test_valid_fixture_has_no_problems(write_gold: GoldWriter) -> None:
    assert gold.problems(write_gold()) == []


def test_missing_text_file_is_reported(write_gold: GoldWriter) -> None:
    folder = write_gold()
    (folder / "documents" / "tiny.txt").unlink()
    [problem] = gold.problems(folder)
    assert "raw text tiny.txt is missing" in problem.message


def test_invalid_json_is_one_problem(write_gold: GoldWriter) -> None:
    folder = write_gold()
    (folder / "documents" / "tiny.json").write_text('{"doc_id": "tiny",', "utf-8")
    [problem] = gold.problems(folder)
    assert problem.where == "$" and "Invalid JSON" in problem.message


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bench.cli", *args], capture_output=True, text=True, check=False)


def test_cli_exit_codes_and_one_line_per_problem(write_gold: GoldWriter, tmp_path: Path) -> None:
    clean = _cli("validate", str(write_gold()))
    assert clean.returncode == 0, clean.stderr
    data = tiny_annotation()
    data["entities"][0]["label"] = "CITY"
    data["sha256"] = "0" * 64
    bad = _cli("validate", str(write_gold(data)))
    assert bad.returncode == 1
    lines = bad.stdout.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(str(tmp_path / "gold" / "documents" / "tiny.json") + ": $.") for line in lines)
    assert "Traceback" not in bad.stderr
    unreadable = _cli("validate", str(tmp_path / "nowhere"))
    assert unreadable.returncode == 2 and "no such file" in unreadable.stderr
    assert "Traceback" not in unreadable.stderr


def test_file_passed_directly(write_gold: GoldWriter) -> None:
    folder = write_gold()
    assert gold.problems(folder / "documents" / "tiny.json") == []


def test_gold_jsonl_checks_offsets_with_line_numbers(tmp_path: Path) -> None:
    line = {"doc_id": "x", "text": "Paris", "entities": [{"start": 0, "end": 9, "label": "GPE"}]}
    path = tmp_path / "gold.jsonl"
    path.write_text("\n" + json.dumps(line) + "\n", "utf-8")
    [problem] = gold.problems(path)
    assert str(problem) == f"{path}:2: entities[0].end: offset 9 is past the end of the text (length 5)"


def test_text_without_annotation_file_is_reported(write_gold: GoldWriter) -> None:
    folder = write_gold()
    (folder / "documents" / "stray.txt").write_text("Nobody annotated this.\n", "utf-8")
    [problem] = gold.problems(folder)
    assert problem.file.endswith("stray.txt") and "no annotation file stray.json" in problem.message


@pytest.mark.parametrize("field", ["value", "value_max"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")], ids=["NaN", "Infinity", "-Infinity"])
def test_non_finite_gold_number_is_a_defect_at_its_path(
    write_gold: GoldWriter, tmp_path: Path, field: str, value: float
) -> None:
    data = tiny_annotation()
    data["numbers"][0].update(qualifier="range", value_max=20)
    data["numbers"][0][field] = value  # json.dumps writes NaN / Infinity / -Infinity
    folder = write_gold(data)
    [problem] = gold.problems(folder)
    assert problem.where == f"$.numbers[0].{field}" and problem.message.startswith("must be a finite number")
    done = _cli("validate", str(folder))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout.splitlines() == [str(problem)]


def test_non_finite_number_in_a_gold_jsonl_names_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text('{"doc_id": "x", "text": "ten", "numbers": [{"start": 0, "end": 3, "value": NaN}]}\n', "utf-8")
    [problem] = gold.problems(path)
    assert str(problem).startswith(f"{path}:1: numbers[0].value: must be a finite number")


def test_utf8_byte_order_mark_at_the_start_of_a_gold_json_is_accepted(write_gold: GoldWriter) -> None:
    folder = write_gold()
    annotation = folder / "documents" / "tiny.json"
    annotation.write_bytes(b"\xef\xbb\xbf" + annotation.read_bytes())
    assert gold.problems(folder) == []
    assert gold.load_gold(folder)[0].doc_id == "tiny"


def test_utf8_byte_order_mark_at_the_start_of_a_gold_jsonl_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    line = {"doc_id": "x", "text": "Paris", "entities": [{"start": 0, "end": 5, "label": "GPE"}]}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(line).encode())
    assert gold.problems(path) == []
    assert [d.doc_id for d in gold.load_gold(path)] == ["x"]


def test_one_gold_file_named_is_checked_without_its_neighbours(write_gold: GoldWriter) -> None:
    folder = write_gold()
    (folder / "documents" / "other.txt").write_text("Another document, annotated elsewhere.\n", "utf-8")
    assert gold.problems(folder / "documents" / "tiny.json") == []
    assert [p.file for p in gold.problems(folder)] == [str(folder / "documents" / "other.txt")]


@settings(max_examples=300, deadline=None)
@given(
    start=st.integers(-3, 12),
    end=st.integers(-3, 12),
    text=st.sampled_from(["Rome and Paris", "It’s Rome.", "😀 Rome", ""]),
    covered=st.one_of(st.none(), st.sampled_from(["Rome", "", "and", " Paris", "R"])),
    slice_as_text=st.booleans(),
)
def test_quick_in_range_check_passes_exactly_the_spans_the_full_check_finds_nothing_in(
    start: int, end: int, text: str, covered: str | None, slice_as_text: bool
) -> None:
    """The quick test before the full checks (prediction-style records) never hides a finding."""
    from bench.schema import Entity, EntityLabel
    from bench.validate import _plainly_valid, check_span

    if slice_as_text and 0 <= start <= end <= len(text):
        covered = text[start:end]
    entity = Entity(start, end, EntityLabel.GPE, text=covered)
    assert _plainly_valid((entity,), text) == (list(check_span(entity, text, "$", need_text=False)) == [])


@settings(max_examples=300, deadline=None)
@given(
    spans=st.lists(st.tuples(st.integers(-2, 16), st.integers(-2, 16),
                             st.one_of(st.none(), st.sampled_from(["Rome", "", "Paris", "and"]))), max_size=4),
    text=st.sampled_from(["Rome and Paris", "😀 Rome", ""]),
)
def test_quick_check_of_several_spans_passes_exactly_when_the_full_check_finds_nothing_in_any(
    spans: list[tuple[int, int, str | None]], text: str
) -> None:
    """Several spans (the quick test reads them column-wise): valid exactly when every one alone is."""
    from bench.schema import Entity, EntityLabel, Number
    from bench.validate import _plainly_valid, check_span

    entities = tuple(Entity(s, e, EntityLabel.GPE, text=t) for s, e, t in spans)
    expected = all(list(check_span(x, text, "$", need_text=False)) == [] for x in entities)
    assert _plainly_valid(entities, text) == expected
    numbers = tuple(Number(s, e, 1.0, text=t) for s, e, t in spans) + (Number(None, None, 2.0),)
    assert _plainly_valid(numbers, text) is False  # a number without offsets is never plainly valid


@settings(max_examples=150, deadline=None)
@given(
    documents=st.lists(st.tuples(st.lists(st.tuples(st.integers(-2, 16), st.integers(-2, 16)), max_size=5),
                                 st.integers(0, 14)), max_size=6),
    vectorised=st.booleans(),
)
def test_a_whole_file_offset_check_flags_exactly_the_documents_whose_spans_the_full_check_faults(
    documents: list[tuple[list[tuple[int, int]], int]], vectorised: bool
) -> None:
    """The offsets of a file's column-wise entities checked at once (in Python, or with numpy from a size on):
    a document passes exactly when the per-span check finds nothing in any of its spans."""
    from bench import validate
    from bench.fastparse import decode_annotations
    from bench.schema import Entity, EntityLabel

    records, expected = [], []
    for k, (spans, length) in enumerate(documents):
        line = json.dumps({"doc_id": f"d{k}", "entities": [{"start": s, "end": e, "label": "GPE"} for s, e in spans]})
        records.append((decode_annotations(line), length))
        text = "x" * length
        expected.append(all(list(validate.check_span(Entity(s, e, EntityLabel.GPE), text, "$", need_text=False)) == []
                            for s, e in spans))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validate, "VECTORISED_FROM", 0 if vectorised else 10**9)
        assert validate.entity_offsets_valid(records) == expected


def test_records_not_read_column_wise_are_left_to_the_per_span_checks() -> None:
    from bench.schema import Annotations, Entity, EntityLabel
    from bench.validate import entity_offsets_valid

    assert entity_offsets_valid([(Annotations("d", (Entity(0, 2, EntityLabel.GPE),)), 5)]) == [False]
