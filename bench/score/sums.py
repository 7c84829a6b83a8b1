"""Addable counts of every layer for one document or a sum of documents.

:class:`ScoreCounts` is what a bootstrap resample, a split or the corpus sums;
:mod:`bench.score.metrics` turns any such sum into the metric dictionary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bench.schema import Layer
from bench.score.attributions import AttributionCounts
from bench.score.entities import EntityCounts
from bench.score.numbers import NumberCounts


def _add_optional(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


@dataclass(frozen=True, slots=True, eq=True)
class ScoreCounts:
    """Counts of every layer for one document or a sum of documents.

    A layer is ``None`` when it was not scored (not attempted by the system, or
    not annotated in the gold); ``None + counts`` is ``counts``.
    ``documents`` is the number of documents summed.
    """

    entities: EntityCounts | None = None
    numbers: NumberCounts | None = None
    attributions: AttributionCounts | None = None
    documents: int = 0

    def __add__(self, other: ScoreCounts) -> ScoreCounts:
        if not isinstance(other, ScoreCounts):
            return NotImplemented
        return ScoreCounts(
            _add_optional(self.entities, other.entities),
            _add_optional(self.numbers, other.numbers),
            _add_optional(self.attributions, other.attributions),
            self.documents + other.documents,
        )

    def __radd__(self, other: object) -> ScoreCounts:
        if other == 0:
            return self
        return NotImplemented

    def layer(self, layer: Layer) -> EntityCounts | NumberCounts | AttributionCounts | None:
        """The counts of one layer (``None``: not scored)."""
        layers: dict[Layer, EntityCounts | NumberCounts | AttributionCounts | None] = {
            Layer.ENTITIES: self.entities, Layer.NUMBERS: self.numbers, Layer.ATTRIBUTIONS: self.attributions}
        return layers[layer]


def total(counts: Iterable[ScoreCounts]) -> ScoreCounts:
    """The sum of ``counts`` (an empty sum has every layer ``None``).

    Equal to adding them one by one, left to right: entity counts (integers only) are summed in one
    stacked array sum (:meth:`EntityCounts.sum_of`); number and attribution counts, which hold float
    sums whose rounding depends on the order, are still added in the given order.
    """
    entities: list[EntityCounts] = []
    numbers: NumberCounts | None = None
    attributions: AttributionCounts | None = None
    documents = 0
    for c in counts:
        if c.entities is not None:
            entities.append(c.entities)
        numbers = _add_optional(numbers, c.numbers)
        attributions = _add_optional(attributions, c.attributions)
        documents += c.documents
    return ScoreCounts(EntityCounts.sum_of(entities) if entities else None, numbers, attributions, documents)
