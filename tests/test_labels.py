"""Entity labels of other schemes: ``--label-map`` parsing and mapping, and the hint for an unknown label."""

from __future__ import annotations

import doctest
import json

import pytest

import bench.labels
from bench.errors import UserError
from bench.labels import ALLOWED, label_hint, map_line, map_record, parse_label_map
from bench.schema import Annotations, Entity, EntityLabel


def test_doctests_hold() -> None:
    assert doctest.testmod(bench.labels).failed == 0


def test_label_map_maps_to_our_labels_and_dash_or_nothing_drops() -> None:
    assert parse_label_map("PER=PERSON,MISC=NORP, DATE=-,CARDINAL=") == {
        "PER": EntityLabel.PERSON, "MISC": EntityLabel.NORP, "DATE": None, "CARDINAL": None,
    }


@pytest.mark.parametrize(
    "spec, words",
    [("PER", "is not FROM=TO"), ("=PERSON", "is not FROM=TO"), ("PER=PERSON,PER=ORG", "mapped twice"),
     ("PER=HUMAN", f"'HUMAN' is not a label ({ALLOWED}; - drops)")],
)
def test_a_bad_label_map_is_one_line_with_exit_2(spec: str, words: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_label_map(spec)
    [line] = caught.value.lines
    assert line.startswith("--label-map: ") and words in line and caught.value.exit_code == 2


def test_mapping_a_line_rewrites_labels_and_drops_entities_mapped_to_nothing() -> None:
    line = json.dumps({"doc_id": "a", "entities": [
        {"start": 0, "end": 5, "label": "PER"}, {"start": 6, "end": 10, "label": "DATE"}, {"start": 11, "end": 13, "label": "GPE"},
    ], "numbers": []})
    mapped = json.loads(map_line(line, {"PER": EntityLabel.PERSON, "DATE": None}))
    assert mapped == {"doc_id": "a", "entities": [
        {"start": 0, "end": 5, "label": "PERSON"}, {"start": 11, "end": 13, "label": "GPE"},
    ], "numbers": []}


@pytest.mark.parametrize("line", ['{"doc_id": "a", "entities": [', '[1, 2]', '{"doc_id": "a", "entities": 3}'])
def test_a_line_the_map_cannot_read_is_left_for_the_parser_to_report(line: str) -> None:
    assert map_line(line, {"PER": EntityLabel.PERSON}) == line


def test_mapping_a_record_read_from_a_gold_file() -> None:
    record = Annotations("a", entities=(Entity(0, 5, EntityLabel.LOC), Entity(6, 9, EntityLabel.ORG)))
    mapped = map_record(record, {"LOC": EntityLabel.GPE, "ORG": None})
    assert mapped.entities == (Entity(0, 5, EntityLabel.GPE),)


def test_an_unknown_label_names_the_allowed_labels_and_suggests_a_label_map() -> None:
    message = label_hint("entities[2].label", "Input should be 'PERSON', 'NORP' or 'LANGUAGE', got 'PER'")
    assert message == (
        f"'PER' is not an entity label ({ALLOWED}); "
        "from another scheme? map it with newsbench score --label-map PER=PERSON (- drops an entity)"
    )


@pytest.mark.parametrize("label", ["DATE", "CARDINAL"])
def test_a_numeric_ontonotes_type_is_explained_and_dropping_it_suggested(label: str) -> None:
    message = label_hint("entities[0].label", f"Input should be 'PERSON' or 'LANGUAGE', got '{label}'")
    assert "numeric type" in message and message.endswith(f"--label-map {label}=-") and ALLOWED in message


def test_other_messages_are_left_alone() -> None:
    assert label_hint("numbers[0].kind", "Input should be 'count', got 'x'") == "Input should be 'count', got 'x'"
