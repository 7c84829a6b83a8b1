"""The ``recognizers`` wrapper: inclusive ends made exclusive, overlapping model results resolved."""

from __future__ import annotations

import pytest

from bench.schema import Document, Layer, Number, NumberKind
from systems.recognizers import RecognizersSystem, resolve_overlaps

TEXT = "Prices rose 3.5% to $1.2 million, about 20 km away; two people left and 40 per cent stayed. He is 45 years old, the third."


@pytest.fixture(scope="module")
def system() -> RecognizersSystem:
    adapter = RecognizersSystem()
    if not adapter.availability().ok:
        pytest.skip(adapter.availability().reason)
    return adapter


def test_results_converted(system: RecognizersSystem) -> None:
    found = [(n.text, n.value, n.unit, n.qualifier, n.kind) for n in system.predict(Document("r", TEXT)).numbers or ()]
    assert found == [
        ("3.5%", 3.5, "percent", None, NumberKind.PERCENT),
        ("$1.2 million", 1.2e6, "dollar", None, NumberKind.MONEY),
        ("20 km", 20.0, "kilometer", None, NumberKind.MEASURE),
        ("two", 2.0, None, None, None),
        ("40 per cent", 40.0, "percent", None, NumberKind.PERCENT),  # the currency model's "cent" has no value
        ("45 years old", 45.0, "year", None, NumberKind.DURATION),
        ("third", 3.0, None, None, NumberKind.ORDINAL),
    ]


def test_inclusive_end_offsets_become_exclusive(system: RecognizersSystem) -> None:
    from recognizers_suite import Culture, recognize_number

    raw = recognize_number("about 20 km", Culture.English)
    assert [(r.start, r.end, r.text) for r in raw] == [(6, 7, "20")]  # inclusive end
    numbers = system.predict(Document("r", "about 20 km")).numbers or ()
    assert [(n.start, n.end) for n in numbers] == [(6, 11)]  # the dimension "20 km", end exclusive
    assert "about 20 km"[6:11] == "20 km"


def test_overlaps_keep_the_longest_then_the_more_specific_model() -> None:
    found = [
        ("number", Number(0, 3, value=3.5)),
        ("percentage", Number(0, 4, value=3.5)),
        ("currency", Number(10, 14, value=None)),
        ("ordinal", Number(10, 14, value=1.0)),
        ("number", Number(20, 22, value=7.0)),
    ]
    assert [(n.start, n.end, n.value) for n in resolve_overlaps(found)] == [(0, 4, 3.5), (10, 14, None), (20, 22, 7.0)]
    assert RecognizersSystem.layers == frozenset({Layer.NUMBERS})
