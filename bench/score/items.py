"""The itemised error list: one record per aligned pair or unaligned item.

Reports render these; they never re-score. Each item names its document and
layer, carries the gold and predicted records (with their offsets) and their
indices in the document's layer, and one or more :class:`Outcome` values, e.g.
``(WRONG_BOUNDARY, WRONG_TYPE)`` for an entity predicted with both wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bench.schema import Attribution, Entity, Layer, Number, Span


class Outcome(StrEnum):
    """What happened to one gold item, predicted item, or aligned pair."""

    MATCH = "match"  # every compared field agrees
    MISSED = "missed"  # a gold item no prediction was aligned to
    SPURIOUS = "spurious"  # a prediction aligned to no gold item
    WRONG_TYPE = "wrong_type"  # entity: label differs
    WRONG_BOUNDARY = "wrong_boundary"  # entity/number: spans overlap but differ
    WRONG_VALUE = "wrong_value"  # number: value (or range end) differs beyond tolerance
    WRONG_UNIT = "wrong_unit"  # number: normalised unit differs
    WRONG_QUALIFIER = "wrong_qualifier"  # number: qualifier differs
    WRONG_SOURCE = "wrong_source"  # attribution: source span differs and does not name the gold source entity
    SOURCE_RESOLVED = "source_resolved"  # attribution: source span differs but names the gold source entity
    WRONG_CUE = "wrong_cue"  # attribution: cue span differs
    CONTENT_BOUNDARY = "content_boundary"  # attribution: content overlaps but differs


Record = Entity | Number | Attribution


def record_spans(record: Record | None) -> tuple[tuple[str, Span], ...]:
    """``(role, span)`` pairs of a record: ``mention`` for entities and numbers;
    ``source``, ``cue`` and ``content`` for attributions."""
    if record is None:
        return ()
    if isinstance(record, Attribution):
        out: list[tuple[str, Span]] = []
        if record.source is not None:
            out.append(("source", record.source))
        if record.cue is not None:
            out.append(("cue", record.cue))
        out += [("content", span) for span in record.content]
        return tuple(out)
    return (("mention", record.span),)


@dataclass(frozen=True, slots=True)
class ScoredItem:
    """One entry of the error list (``outcomes`` is never empty; ``MATCH`` alone when all agrees)."""

    doc_id: str
    layer: Layer
    outcomes: tuple[Outcome, ...]
    gold: Record | None
    pred: Record | None
    gold_index: int | None
    pred_index: int | None

    @property
    def outcome(self) -> Outcome:
        """The first (most important) outcome."""
        return self.outcomes[0]

    @property
    def is_error(self) -> bool:
        return self.outcomes != (Outcome.MATCH,)

    def gold_spans(self) -> tuple[tuple[str, Span], ...]:
        """The gold record's ``(role, span)`` pairs, for colouring text."""
        return record_spans(self.gold)

    def pred_spans(self) -> tuple[tuple[str, Span], ...]:
        """The predicted record's ``(role, span)`` pairs, for colouring text."""
        return record_spans(self.pred)

    @property
    def extent(self) -> Span:
        """The character range covering every gold and predicted span of the item."""
        spans = [s for _, s in self.gold_spans() + self.pred_spans()]
        return Span(min(s.start for s in spans), max(s.end for s in spans))

    def context(self, text: str, *, width: int = 40) -> tuple[str, str, str]:
        """``(left, middle, right)`` text around :attr:`extent` with up to ``width`` characters each side.

        >>> from bench.schema import EntityLabel
        >>> item = ScoredItem("d", Layer.ENTITIES, (Outcome.MISSED,), Entity(12, 16, EntityLabel.GPE), None, 0, None)
        >>> item.context("Shelling in Homs went on.", width=5)
        ('g in ', 'Homs', ' went')
        """
        extent = self.extent
        left = text[max(0, extent.start - width) : extent.start]
        return left, text[extent.start : extent.end], text[extent.end : extent.end + width]
