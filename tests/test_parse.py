"""Strict JSON parsing: rules that hold for every entry point (gold, predictions, system output, cache)."""

from __future__ import annotations

import math

import pytest

from bench import runner
from bench.parse import ANNOTATIONS, NON_FINITE, validate
from bench.schema import Annotations, Document, Layer, Number


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_number_is_refused_by_the_shared_parser(literal: str) -> None:
    record, found = validate(ANNOTATIONS, f'{{"doc_id": "a", "numbers": [{{"start": 0, "end": 1, "value": {literal}}}]}}', root="")
    assert record is None
    assert found == [("numbers[0].value", f"{NON_FINITE}, got {float(literal)!r}")]


def test_a_system_returning_nan_is_an_invalid_output_not_a_wrong_value() -> None:
    output = Annotations("d", numbers=(Number(0, 3, value=math.nan, unit="x"),))
    record, reason = runner.check_output(frozenset({Layer.NUMBERS}), Document("d", "ten"), output)
    assert record is None
    assert reason.startswith("invalid output: numbers[0].value: must be a finite number"), reason


@pytest.mark.parametrize(
    "line",
    [
        '{"doc_id": "a", "text": "Rome", "entities": [{"start": 0, "end": 4, "label": "GPE"}]}',
        '{"doc_id": "a", "text": "Rome"}',
        '{"doc_id": "a", "entities": []}',
        '{"text": "Rome", "entities": []}',
        '{"doc_id": "a", "text": 4}',
        '{"doc_id": "a", "text": "Rome", "split": null}',
        '{"doc_id": "a", "text": "Rome", "numbers": [{"start": 0, "end": 1, "value": "1"}]}',
        '{"doc_id": "a", "text": "Rome", "extra": 1}',
        "[1]",
    ],
)
def test_a_gold_line_validates_in_one_pass_exactly_when_its_text_fields_and_annotations_both_do(line: str) -> None:
    from bench.parse import GOLD_LINE, TEXT_LINE, GoldLine

    whole, _ = validate(GOLD_LINE, line)
    head, _ = validate(TEXT_LINE, line)
    annotations, _ = validate(ANNOTATIONS, line)
    assert (whole is not None) == (head is not None and annotations is not None)
    if isinstance(whole, GoldLine):
        assert (whole.doc_id, whole.text, whole.split) == (head.doc_id, head.text, head.split)
        assert whole.annotations() == annotations
