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
