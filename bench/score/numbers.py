"""Number scores: span-aligned P/R/F per metric, a span-free value mode, error counts and kind.

(Over 400 lines because the count record, its metric keys and the per-document scorer that fills it
change together; unit normalisation lives in :mod:`bench.score.units`, the alignment in :mod:`bench.score.align`.)

A predicted number can be credited for a gold number only when their spans
overlap (one character or more); each pair is credited one-to-one. Metrics
(:class:`NumberMetric`), each under its own best one-to-one alignment of
overlapping pairs — the one that maximises that metric's correct pairs, as the
entity modes do:

* ``span``            — identical span;
* ``value``           — equal value within relative tolerance 1e-5 (:data:`REL_TOL`),
  a range needing both ends equal (the main metric: "$4.2 billion" vs "4.2 billion"
  with the same value is correct, whatever the span convention);
* ``value_unit``      — ``value`` plus equal unit (after :func:`normalise_unit`);
* ``value_qualifier`` — ``value`` plus equal qualifier;
* ``full``            — ``value`` plus equal unit and qualifier (the secondary metric);
* ``strict``          — ``full`` plus identical span.

Precision divides by all predicted numbers, recall by all gold numbers.
``span_free`` ignores offsets: within each document predictions are matched to
gold numbers one-to-one by value (maximising full matches, then value matches),
for systems and corpora that give no usable offsets.

Error counts (per aligned pair several may apply: missed, spurious,
wrong_boundary = overlapping, not identical spans, wrong_value, wrong_unit,
wrong_qualifier) and kind accuracy (:class:`KindCounts`) use one reported
alignment, the best for ``value`` (ties: full, strict, span, characters shared).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.division import ratio
from bench.schema import Layer, Number, NumberKind
from bench.score.align import (
    Alignment,
    BoolArray,
    Candidates,
    IntArray,
    Spans,
    as_int_array,
    candidates,
    rank,
    unmatched,
)
from bench.score.counts import MatchCounts, Tally, _Addable
from bench.score.items import Outcome, ScoredItem
from bench.score.units import normalise_unit

#: Relative tolerance for value equality.
REL_TOL = 1e-5

#: Error-count outcomes of the number layer, in report order.
NUMBER_OUTCOMES: tuple[Outcome, ...] = (
    Outcome.MISSED,
    Outcome.SPURIOUS,
    Outcome.WRONG_BOUNDARY,
    Outcome.WRONG_VALUE,
    Outcome.WRONG_UNIT,
    Outcome.WRONG_QUALIFIER,
)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=0.0)


def values_equal(gold: Number, pred: Number) -> bool:
    """Same value within :data:`REL_TOL`; for ranges the upper ends must agree too.

    A missing value never equals anything.

    >>> values_equal(Number(0, 1, value=3.0), Number(0, 1, value=3.000001))
    True
    >>> values_equal(Number(0, 1, value=2, value_max=3), Number(0, 1, value=2))
    False
    """
    if gold.value is None or pred.value is None:
        return False
    return _close(gold.value, pred.value) and _close(gold.value_max, pred.value_max)


def units_equal(gold: Number, pred: Number) -> bool:
    """Units equal after :func:`normalise_unit` (two missing units are equal)."""
    return normalise_unit(gold.unit) == normalise_unit(pred.unit)


def qualifiers_equal(gold: Number, pred: Number) -> bool:
    """Same qualifier (two missing qualifiers are equal; a missing one equals no other)."""
    return gold.qualifier == pred.qualifier


def full_equal(gold: Number, pred: Number) -> bool:
    """Value, unit and qualifier all agree."""
    return values_equal(gold, pred) and units_equal(gold, pred) and qualifiers_equal(gold, pred)


def same_span(gold: Number, pred: Number) -> bool:
    """Identical offsets."""
    return (gold.start, gold.end) == (pred.start, pred.end)


class NumberMetric(StrEnum):
    """A criterion for an aligned (overlapping) pair; each is scored under its own best alignment."""

    SPAN = "span"  #: identical span
    VALUE = "value"  #: equal value (the main metric)
    VALUE_UNIT = "value_unit"  #: equal value and unit
    VALUE_QUALIFIER = "value_qualifier"  #: equal value and qualifier
    FULL = "full"  #: equal value, unit and qualifier (the secondary metric)
    STRICT = "strict"  #: identical span, equal value, unit and qualifier


#: Span-aligned number metrics, in report order.
NUMBER_METRICS: tuple[NumberMetric, ...] = tuple(NumberMetric)


class SpanFree(StrEnum):
    """A number metric matched by value with offsets ignored (``span_free`` in the score JSON)."""

    VALUE = "span_free_value"  #: equal value
    FULL = "span_free_full"  #: equal value, unit and qualifier

    @property
    def metric(self) -> NumberMetric:
        """The span-aligned metric whose criterion it shares (its key inside ``span_free``)."""
        return NumberMetric(self.value.removeprefix("span_free_"))


def credits(gold: Number, pred: Number) -> frozenset[NumberMetric]:
    """The metrics in which an overlapping pair is correct.

    >>> sorted(m.value for m in credits(Number(0, 4, value=4.2e9, unit="dollar"), Number(1, 4, value=4.2e9, unit="$")))
    ['full', 'value', 'value_qualifier', 'value_unit']
    """
    out: set[NumberMetric] = set()
    span = same_span(gold, pred)
    if span:
        out.add(NumberMetric.SPAN)
    if values_equal(gold, pred):
        out.add(NumberMetric.VALUE)
        unit, qualifier = units_equal(gold, pred), qualifiers_equal(gold, pred)
        if unit:
            out.add(NumberMetric.VALUE_UNIT)
        if qualifier:
            out.add(NumberMetric.VALUE_QUALIFIER)
        if unit and qualifier:
            out.add(NumberMetric.FULL)
            if span:
                out.add(NumberMetric.STRICT)
    return frozenset(out)


def pair_outcomes(gold: Number, pred: Number) -> tuple[Outcome, ...]:
    """Outcomes of an aligned number pair: MATCH, or every field that differs."""
    out: list[Outcome] = []
    if not same_span(gold, pred):
        out.append(Outcome.WRONG_BOUNDARY)
    if not values_equal(gold, pred):
        out.append(Outcome.WRONG_VALUE)
    if not units_equal(gold, pred):
        out.append(Outcome.WRONG_UNIT)
    if not qualifiers_equal(gold, pred):
        out.append(Outcome.WRONG_QUALIFIER)
    return tuple(out) or (Outcome.MATCH,)


#: Rows and columns of the kind confusion matrix: every :class:`NumberKind`, then ``none`` (no kind given).
KIND_LABELS: tuple[str, ...] = (*(kind.value for kind in NumberKind), "none")
_KIND_INDEX = {label: i for i, label in enumerate(KIND_LABELS)}
_NONE = len(KIND_LABELS) - 1


def _kind_index(kind: NumberKind | None) -> int:
    return _NONE if kind is None else _KIND_INDEX[kind.value]


@dataclass(frozen=True, slots=True)
class KindCounts:
    """Number kind over aligned pairs: a confusion matrix, rows gold kind, columns predicted (``none``: no kind).

    Accuracy = pairs whose predicted kind equals the gold kind / pairs whose gold number has a
    kind (a prediction without a kind is wrong; pairs without a gold kind are shown, not counted).

    >>> k = KindCounts.of([(NumberKind.MONEY, NumberKind.MONEY), (NumberKind.COUNT, None), (None, NumberKind.DATE)])
    >>> k.correct, k.pairs, k.accuracy
    (1, 2, 0.5)
    """

    cells: tuple[int, ...] = (0,) * len(KIND_LABELS) ** 2

    @classmethod
    def of(cls, pairs: Iterable[tuple[NumberKind | None, NumberKind | None]]) -> KindCounts:
        cells = [0] * len(KIND_LABELS) ** 2
        for gold, pred in pairs:
            cells[_kind_index(gold) * len(KIND_LABELS) + _kind_index(pred)] += 1
        return cls(tuple(cells))

    def __add__(self, other: KindCounts) -> KindCounts:
        if not isinstance(other, KindCounts):
            return NotImplemented
        return KindCounts(tuple(a + b for a, b in zip(self.cells, other.cells, strict=True)))

    def __radd__(self, other: object) -> KindCounts:
        if other == 0:
            return self
        return NotImplemented

    @property
    def matrix(self) -> list[list[int]]:
        size = len(KIND_LABELS)
        return [list(self.cells[row * size : (row + 1) * size]) for row in range(size)]

    @property
    def correct(self) -> int:
        return sum(self.matrix[i][i] for i in range(_NONE))

    @property
    def pairs(self) -> int:
        return sum(sum(row) for row in self.matrix[:_NONE])

    @property
    def accuracy(self) -> float | None:
        return ratio(self.correct, self.pairs)

    @property
    def labels(self) -> tuple[str, ...]:
        """Rows and columns of :attr:`matrix`."""
        return KIND_LABELS

    def to_dict(self) -> dict[str, Any]:
        """``{accuracy, correct, pairs, labels, matrix}``."""
        return {"accuracy": self.accuracy, "correct": self.correct, "pairs": self.pairs,
                "labels": list(KIND_LABELS), "matrix": self.matrix}


@dataclass(frozen=True, slots=True)
class NumberCounts(_Addable):
    """Addable number counts: one :class:`MatchCounts` per :class:`NumberMetric`, span-free matches,
    error outcomes and kind agreement (the last two over the reported alignment of :func:`score_numbers`)."""

    span: MatchCounts = field(default_factory=MatchCounts)
    value: MatchCounts = field(default_factory=MatchCounts)
    value_unit: MatchCounts = field(default_factory=MatchCounts)
    value_qualifier: MatchCounts = field(default_factory=MatchCounts)
    full: MatchCounts = field(default_factory=MatchCounts)
    strict: MatchCounts = field(default_factory=MatchCounts)
    span_free_value: MatchCounts = field(default_factory=MatchCounts)
    span_free_full: MatchCounts = field(default_factory=MatchCounts)
    errors: Tally[Outcome] = field(default_factory=Tally)
    kind: KindCounts = field(default_factory=KindCounts)
    #: Documents scored span-free only (gold without offsets): the span-aligned metrics are then not applicable.
    span_free_documents: int = 0

    def metric(self, metric: NumberMetric) -> MatchCounts:
        """The counts of one span-aligned metric."""
        return {
            NumberMetric.SPAN: self.span,
            NumberMetric.VALUE: self.value,
            NumberMetric.VALUE_UNIT: self.value_unit,
            NumberMetric.VALUE_QUALIFIER: self.value_qualifier,
            NumberMetric.FULL: self.full,
            NumberMetric.STRICT: self.strict,
        }[metric]

    def span_free(self, metric: SpanFree) -> MatchCounts:
        """The counts of one span-free metric."""
        return {SpanFree.VALUE: self.span_free_value, SpanFree.FULL: self.span_free_full}[metric]

    def to_dict(self) -> dict[str, Any]:
        """The ``numbers`` section of the score JSON (span-aligned metrics, errors and kind ``None`` for span-free gold)."""
        aligned = not self.span_free_documents
        return {
            **{metric.value: self.metric(metric).to_dict() if aligned else None for metric in NUMBER_METRICS},
            "span_free": {metric.metric.value: self.span_free(metric).to_dict() for metric in SpanFree},
            "errors": self.errors.to_dict(NUMBER_OUTCOMES) if aligned else None,
            "kind": self.kind.to_dict() if aligned else None,
        }


@dataclass(frozen=True, slots=True, eq=False)
class NumberScore:
    """One document's number result: counts plus the reported alignment (error list, kind)."""

    counts: NumberCounts
    gold: tuple[Number, ...]
    pred: tuple[Number, ...]
    gold_aligned: IntArray
    pred_aligned: IntArray

    def items(self, doc_id: str) -> Iterator[ScoredItem]:
        """Every aligned pair, missed gold number and spurious prediction (none for span-free gold: nothing is aligned)."""
        if self.counts.span_free_documents:
            return
        for g, p in zip(self.gold_aligned.tolist(), self.pred_aligned.tolist()):
            yield ScoredItem(doc_id, Layer.NUMBERS, pair_outcomes(self.gold[g], self.pred[p]), self.gold[g], self.pred[p], g, p)
        for g in unmatched(len(self.gold), self.gold_aligned).tolist():
            yield ScoredItem(doc_id, Layer.NUMBERS, (Outcome.MISSED,), self.gold[g], None, g, None)
        for p in unmatched(len(self.pred), self.pred_aligned).tolist():
            yield ScoredItem(doc_id, Layer.NUMBERS, (Outcome.SPURIOUS,), None, self.pred[p], None, p)


def _key(number: Number) -> tuple[Any, ...]:
    """A total order on numbers beyond their offsets (None sorts first)."""
    return (
        number.value is not None, number.value or 0.0,
        number.value_max is not None, number.value_max or 0.0,
        normalise_unit(number.unit) or "", str(number.qualifier or ""), str(number.kind or ""),
    )


#: Tiers of the reported alignment, most important first (then characters of overlap).
_REPORTED_TIERS: tuple[NumberMetric, ...] = (NumberMetric.VALUE, NumberMetric.FULL, NumberMetric.STRICT, NumberMetric.SPAN)


def _spans(numbers: Sequence[Number]) -> Spans:
    """Numbers for the alignment engine: ties broken by offsets, then :func:`_key`."""
    starts, ends = [n.span.start for n in numbers], [n.span.end for n in numbers]
    return Spans.of(starts, ends, order=(starts, ends, rank([_key(n) for n in numbers])))


@dataclass(frozen=True, slots=True)
class _Candidates:
    """The candidate pairs of one document (:func:`bench.score.align.candidates`) and the
    metrics each overlapping pair is correct in (:func:`credits`)."""

    found: Candidates
    credit: tuple[frozenset[NumberMetric], ...]

    @classmethod
    def of(cls, gold: Sequence[Number], pred: Sequence[Number]) -> _Candidates:
        found = candidates(_spans(gold), _spans(pred))
        none: frozenset[NumberMetric] = frozenset()
        pairs = zip(found.gold.tolist(), found.pred.tolist(), found.shared.tolist())
        return cls(found, tuple(credits(gold[i], pred[j]) if shared else none for i, j, shared in pairs))

    def tier(self, metric: NumberMetric) -> IntArray:
        """Per candidate pair: 1 when correct in ``metric``."""
        return np.fromiter((metric in c for c in self.credit), dtype=np.int64, count=len(self.credit))

    def best(self, metric: NumberMetric) -> int:
        """Pairs correct in ``metric`` under the one-to-one alignment of overlapping pairs that maximises them."""
        return len(self.found.align(self.tier(metric)))

    def reported(self) -> Alignment:
        """One alignment for the error list, error counts and kind: most value matches (so it is optimal
        for the main metric), then full, strict and span matches, then most characters of overlap."""
        found = self.found.align(*(self.tier(metric) for metric in _REPORTED_TIERS), self.found.shared)
        by = np.argsort(found.pair, kind="stable")  # the error list in cluster order
        return Alignment(found.gold[by], found.pred[by], found.pair[by])


def _floats(values: Sequence[float | None]) -> npt.NDArray[np.float64]:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64).reshape(-1, 1)


def _close_matrix(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> BoolArray:
    """``math.isclose(x, y, rel_tol=REL_TOL)`` for every pair of a column and a row (NaN equals nothing)."""
    with np.errstate(invalid="ignore"):
        tolerance = np.abs(a - b) <= REL_TOL * np.maximum(np.abs(a), np.abs(b))
        close: BoolArray = (a == b) | (np.isfinite(a) & np.isfinite(b) & tolerance)
    return close


def value_matrix(gold: Sequence[Number], pred: Sequence[Number]) -> BoolArray:
    """:func:`values_equal` for every (gold, pred) pair, vectorised."""
    gv, pv = _floats([n.value for n in gold]), _floats([n.value for n in pred]).T
    gm, pm = _floats([n.value_max for n in gold]), _floats([n.value_max for n in pred]).T
    both_open = np.isnan(gm) & np.isnan(pm)
    result: BoolArray = _close_matrix(gv, pv) & (_close_matrix(gm, pm) | both_open)
    return result


def full_matrix(gold: Sequence[Number], pred: Sequence[Number], values: BoolArray) -> BoolArray:
    """:func:`full_equal` for every pair, given the :func:`value_matrix`."""
    codes: dict[tuple[str | None, str | None], int] = {}

    def code(n: Number) -> int:
        return codes.setdefault((normalise_unit(n.unit), None if n.qualifier is None else str(n.qualifier)), len(codes))

    g = np.array([code(n) for n in gold], dtype=np.int64).reshape(-1, 1)
    p = np.array([code(n) for n in pred], dtype=np.int64).reshape(1, -1)
    result: BoolArray = values & (g == p)
    return result


def _span_free(gold: Sequence[Number], pred: Sequence[Number]) -> tuple[int, int]:
    """(value matches, full matches) of a one-to-one matching by value that maximises full, then value
    matches: every gold number is a candidate for every prediction (one cluster, offsets ignored)."""
    if not gold or not pred:
        return 0, 0

    def side(numbers: Sequence[Number]) -> Spans:
        return Spans.of([0] * len(numbers), [1] * len(numbers), order=(rank([_key(n) for n in numbers]),))

    found = candidates(side(gold), side(pred))
    value = value_matrix(gold, pred)
    full = full_matrix(gold, pred, value)
    g, p = found.align(full[found.gold, found.pred].astype(np.int64), value[found.gold, found.pred].astype(np.int64))
    return int(value[g, p].sum()), int(full[g, p].sum())


def _span_free_score(gold: Sequence[Number], pred: Sequence[Number]) -> NumberScore:
    """Span-free gold: only the ``span_free`` counts; nothing is aligned by span."""
    free_value, free_full = _span_free(gold, pred)
    counts = NumberCounts(span_free_value=MatchCounts(free_value, len(pred), len(gold)),
                          span_free_full=MatchCounts(free_full, len(pred), len(gold)), span_free_documents=1)
    empty = as_int_array([])
    return NumberScore(counts, tuple(gold), tuple(pred), empty, empty)


def score_numbers(gold: Sequence[Number], pred: Sequence[Number]) -> NumberScore:
    """Score one document's predicted numbers against its gold numbers.

    Each :class:`NumberMetric` counts the pairs correct in it under its own best
    one-to-one alignment of overlapping pairs (as entity modes do): one shared
    alignment cannot be optimal for all of them (gold "12" at [0,2); predictions
    "12" at [0,2) with value 13 and "12 km" at [0,5) with value 12: span wants the
    first, value the second).
    """
    n_gold, n_pred = len(gold), len(pred)
    if any(n.span_free for n in (*gold, *pred)):
        return _span_free_score(gold, pred)
    found = _Candidates.of(gold, pred)
    g, p = found.reported()
    outcomes: list[Outcome] = [Outcome.MISSED] * (n_gold - len(g)) + [Outcome.SPURIOUS] * (n_pred - len(p))
    for i, j in zip(g.tolist(), p.tolist()):
        outcomes += [o for o in pair_outcomes(gold[i], pred[j]) if o is not Outcome.MATCH]
    free_value, free_full = _span_free(gold, pred)
    best: dict[str, Any] = {metric.value: MatchCounts(found.best(metric), n_pred, n_gold) for metric in NUMBER_METRICS}
    counts = NumberCounts(
        **best,
        span_free_value=MatchCounts(free_value, n_pred, n_gold),
        span_free_full=MatchCounts(free_full, n_pred, n_gold),
        errors=Tally(outcomes),
        kind=KindCounts.of((gold[i].kind, pred[j].kind) for i, j in zip(g.tolist(), p.tolist())),
    )
    return NumberScore(counts, tuple(gold), tuple(pred), g, p)
