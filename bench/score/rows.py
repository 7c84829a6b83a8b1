"""Summed counts as typed rows ``(layer, key, scope, label, counts, prf)``: what every renderer reads.

One computed result, thin renderers (as seqeval's ``Reporter``): the score JSON's sections, the rich
tables of ``newsbench score``, both Markdown renderings and ``results.csv`` select rows from
:func:`rows` by their typed :mod:`bench.score.keys` instead of re-spelling metric names.

Row order (the order of ``results.csv``): per layer, per key in enum order, first the corpus row
(``Scope.ALL``), then its breakdowns — entities: macro average, each fine label, the coarse view
and each coarse class; attributions (strict and lenient): each kind, ``unspecified`` last.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from bench.schema import Layer
from bench.score.attributions import ATTRIBUTION_OUTCOMES, AttributionCounts, CoverageCounts, KindConfusion
from bench.score.counts import PRF, MatchCounts, OverlapCounts, SemEvalCounts
from bench.score.entities import MODES, EntityCounts, Mode
from bench.score.items import Outcome
from bench.score.keys import (
    AttributionMetric,
    ComponentMetric,
    MetricKey,
    NumberMetric,
    RowKey,
    layer_of,
    title,
)
from bench.score.numbers import NUMBER_METRICS, NUMBER_OUTCOMES, KindCounts, NumberCounts, SpanFree
from bench.score.sums import ScoreCounts

#: The counts behind one row (``None`` for a macro average, which has none).
RowCounts = SemEvalCounts | MatchCounts | OverlapCounts | CoverageCounts


class Scope(StrEnum):
    """What part of the data a row covers."""

    ALL = "all"  #: every item of the layer
    MACRO = "macro"  #: unweighted mean over fine labels (entities)
    LABEL = "label"  #: one fine label scored on its own (entities)
    COARSE = "coarse"  #: every item, labels mapped to PER/ORG/LOC/MISC (entities)
    COARSE_LABEL = "coarse_label"  #: one coarse class scored on its own (entities)
    KIND = "kind"  #: attributions of one kind (attributions)


@dataclass(frozen=True, slots=True)
class Row:
    """One metric on one scope: its key, the counts and the P/R/F1 computed from them."""

    key: RowKey
    scope: Scope
    label: str
    counts: RowCounts | None
    prf: PRF

    @property
    def layer(self) -> Layer:
        return layer_of(self.key)

    @property
    def title(self) -> str:
        """The key as a table shows it."""
        return title(self.key)

    @property
    def csv_label(self) -> str:
        """The ``label`` column of ``results.csv``: ``all``, ``macro``, a label, ``coarse``, ``coarse:PER``, a kind."""
        if self.scope is Scope.COARSE_LABEL:
            return f"coarse:{self.label}"
        if self.scope in (Scope.LABEL, Scope.KIND):
            return self.label
        return self.scope.value

    def values(self) -> dict[str, float | int | None]:
        """The row as the score JSON block: ``{precision, recall, f1}`` and the counts' own fields."""
        counts = self.counts
        if counts is None:
            return self.prf.to_dict()
        if isinstance(counts, SemEvalCounts):
            assert isinstance(self.key, Mode)
            return counts.to_dict(partial_weight=self.key.strategy.partial_weight)
        return counts.to_dict()


def _semeval(key: RowKey, scope: Scope, label: str, counts: SemEvalCounts, weight: float) -> Row:
    return Row(key, scope, label, counts, counts.prf(partial_weight=weight))


def entity_rows(entities: EntityCounts) -> Iterator[Row]:
    """Per mode: corpus, macro, each fine label (sorted), coarse, each coarse class (sorted)."""
    for mode in MODES:
        weight = mode.strategy.partial_weight
        yield _semeval(mode, Scope.ALL, Scope.ALL.value, entities.overall(mode), weight)
        yield Row(mode, Scope.MACRO, Scope.MACRO.value, None, entities.macro(mode))
        for label, counts in sorted(entities.by_label(mode).items()):
            yield _semeval(mode, Scope.LABEL, label, counts, weight)
        yield _semeval(mode, Scope.COARSE, Scope.COARSE.value, entities.overall(mode, coarse=True), weight)
        for label, counts in sorted(entities.by_label(mode, coarse=True).items()):
            yield _semeval(mode, Scope.COARSE_LABEL, label, counts, weight)


def _match(key: RowKey, scope: Scope, label: str, counts: MatchCounts | OverlapCounts | CoverageCounts) -> Row:
    return Row(key, scope, label, counts, counts.prf())


def number_rows(numbers: NumberCounts) -> Iterator[Row]:
    """Each span-aligned metric (none for span-free gold: not applicable), then each span-free one."""
    for metric in NUMBER_METRICS if not numbers.span_free_documents else ():
        yield _match(metric, Scope.ALL, Scope.ALL.value, numbers.metric(metric))
    for free in SpanFree:
        yield _match(free, Scope.ALL, Scope.ALL.value, numbers.span_free(free))


def attribution_rows(attributions: AttributionCounts) -> Iterator[Row]:
    """Strict and lenient (each with its kinds, sorted), then each component metric."""
    for metric in AttributionMetric:
        yield _match(metric, Scope.ALL, Scope.ALL.value, attributions.relation.metric(metric))
        for kind, relation in sorted(attributions.by_kind.by_name().items()):
            yield _match(metric, Scope.KIND, kind, relation.metric(metric))
    for component_metric in ComponentMetric:
        yield _match(component_metric, Scope.ALL, Scope.ALL.value, attributions.component_metric(component_metric))


def layer_rows(counts: ScoreCounts, layer: Layer) -> Iterator[Row]:
    """The rows of one layer (none when the layer was not scored)."""
    if layer is Layer.ENTITIES and counts.entities is not None:
        yield from entity_rows(counts.entities)
    elif layer is Layer.NUMBERS and counts.numbers is not None:
        yield from number_rows(counts.numbers)
    elif layer is Layer.ATTRIBUTIONS and counts.attributions is not None:
        yield from attribution_rows(counts.attributions)


def rows(counts: ScoreCounts) -> Iterator[Row]:
    """Every row of every scored layer, in layer order."""
    for layer in Layer:
        yield from layer_rows(counts, layer)


def corpus_rows(counts: ScoreCounts, layer: Layer) -> list[Row]:
    """The layer's rows over every item (:attr:`Scope.ALL`), one per key in enum order."""
    return [row for row in layer_rows(counts, layer) if row.scope is Scope.ALL]


#: Span-free gold (no offsets): the span-free metric standing for a leaderboard metric.
_SPAN_FREE_OF = {free.metric: free for free in SpanFree}


def metric_row(counts: ScoreCounts, key: MetricKey) -> Row | None:
    """The corpus row of one leaderboard metric (``None`` when its layer was not scored)."""
    if isinstance(key, Mode):
        entities = counts.entities
        return None if entities is None else _semeval(key, Scope.ALL, Scope.ALL.value, entities.overall(key),
                                                      key.strategy.partial_weight)
    if isinstance(key, NumberMetric):
        numbers = counts.numbers
        if numbers is None:
            return None
        if numbers.span_free_documents:  # gold without offsets: value and full come from the span-free mode
            free = _SPAN_FREE_OF.get(key)
            return None if free is None else _match(key, Scope.ALL, Scope.ALL.value, numbers.span_free(free))
        return _match(key, Scope.ALL, Scope.ALL.value, numbers.metric(key))
    attributions = counts.attributions
    return None if attributions is None else _match(key, Scope.ALL, Scope.ALL.value, attributions.relation.metric(key))


def error_counts(counts: ScoreCounts, layer: Layer) -> dict[Outcome, int] | None:
    """The layer's error outcomes and their counts in report order (``None``: layer not scored)."""
    if layer is Layer.ENTITIES:
        if counts.entities is None:
            return None
        return {o: n for o, n in counts.entities.error_counts().items() if o is not Outcome.MATCH}
    if layer is Layer.NUMBERS:
        if counts.numbers is None or counts.numbers.span_free_documents:  # span-free gold: nothing aligned
            return None
        return {o: counts.numbers.errors[o] for o in NUMBER_OUTCOMES}
    return None if counts.attributions is None else {o: counts.attributions.errors[o] for o in ATTRIBUTION_OUTCOMES}


def kind_counts(counts: ScoreCounts, layer: Layer) -> KindCounts | KindConfusion | None:
    """Kind agreement of aligned pairs (numbers and attributions; ``None``: entities, or not scored)."""
    if layer is Layer.NUMBERS:
        return None if counts.numbers is None or counts.numbers.span_free_documents else counts.numbers.kind
    if layer is Layer.ATTRIBUTIONS:
        return None if counts.attributions is None else counts.attributions.kind
    return None
