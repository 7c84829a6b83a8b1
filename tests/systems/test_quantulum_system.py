"""The ``quantulum3`` wrapper: one number per quantity quantulum finds, converted as documented."""

from __future__ import annotations

import pytest

from bench.schema import Document, Layer, NumberKind, Qualifier
from systems.quantulum import QuantulumSystem

TEXT = "Prices rose 3.5% to $1.2 million, about 20 km away; 300-450 people came and 40 per cent left in 3 hours."


@pytest.fixture(scope="module")
def system() -> QuantulumSystem:
    adapter = QuantulumSystem()
    if not adapter.availability().ok:
        pytest.skip(adapter.availability().reason)
    adapter.setup()
    return adapter


def test_each_quantity_converted(system: QuantulumSystem) -> None:
    found = [(n.text, n.value, n.value_max, n.unit, n.qualifier, n.kind) for n in system.predict(Document("q", TEXT)).numbers or ()]
    assert found == [
        ("3.5%", 3.5, None, "percent", None, NumberKind.PERCENT),  # unit "percentage" renamed
        ("$1.2 million", 1.2e6, None, "dollar", None, NumberKind.MONEY),
        ("20 km", 20.0, None, "kilometre", None, NumberKind.MEASURE),  # span includes the unit, as reported
        ("300-450", 300.0, 450.0, None, Qualifier.RANGE, NumberKind.COUNT),  # 375 ± 75 → [300, 450]
        ("40 per cent", 40.0, None, "percent", None, NumberKind.PERCENT),
        ("3 hours", 3.0, None, "hour", None, NumberKind.DURATION),
    ]


def test_faithful_to_the_library(system: QuantulumSystem) -> None:
    from quantulum3 import parser

    quantities = parser.parse(TEXT, lang="en_US")
    numbers = system.predict(Document("q", TEXT)).numbers or ()
    assert [(n.start, n.end) for n in numbers] == [tuple(q.span) for q in quantities]
    assert QuantulumSystem.layers == frozenset({Layer.NUMBERS})
