"""Number scores: span, value and full P/R/F, a span-free value mode, and error counts.

Predicted numbers are aligned to gold numbers one-to-one by span overlap,
preferring (in order) more credit — exact span, then also equal value, then also
equal unit and qualifier — then more characters of overlap.

* ``span``  — correct when the aligned spans are identical;
* ``value`` — correct when the spans are identical and the values are equal
  within relative tolerance 1e-5 (:data:`REL_TOL`); a range needs both ends equal;
* ``full``  — ``value`` plus equal unit (after :func:`normalise_unit`) and qualifier.

Precision divides by all predicted numbers, recall by all gold numbers.
``span_free`` ignores offsets: within each document predictions are matched to
gold numbers one-to-one by value (maximising full matches, then value matches),
for systems and corpora that give no usable offsets.

Error counts (per aligned pair several may apply): missed, spurious,
wrong_boundary (overlapping, not identical spans), wrong_value, wrong_unit,
wrong_qualifier.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.schema import Layer, Number
from bench.score.align import (
    BoolArray,
    IntArray,
    as_int_array,
    assign,
    clusters,
    lexicographic,
    overlaps,
    solve,
    unmatched,
)
from bench.score.counts import MatchCounts, Tally, _Addable
from bench.score.items import Outcome, ScoredItem

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


_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=4096)
def normalise_unit(unit: str | None) -> str | None:
    """Case-folded, white space collapsed, last word singular (simple English rules).

    ``-ies`` → ``-y``; ``-ches``, ``-shes``, ``-sses``, ``-xes``, ``-zes`` lose ``es``;
    otherwise a final ``s`` after a letter other than ``s``, ``u`` or ``i`` is dropped
    in words longer than three letters. Empty units count as missing.

    >>> [normalise_unit(u) for u in ("Militants", "casualties", "inches", "US dollars", "bus", "%", " ")]
    ['militant', 'casualty', 'inch', 'us dollar', 'bus', '%', None]
    """
    if unit is None:
        return None
    text = _SPACE.sub(" ", unit.strip().casefold())
    if not text:
        return None
    head, _, last = text.rpartition(" ")
    if len(last) > 3:
        if last.endswith("ies"):
            last = last[:-3] + "y"
        elif last.endswith(("ches", "shes", "sses", "xes", "zes")):
            last = last[:-2]
        elif last.endswith("s") and last[-2] not in "sui" and last[-2].isalpha():
            last = last[:-1]
    return f"{head} {last}" if head else last


def units_equal(gold: Number, pred: Number) -> bool:
    """Units equal after :func:`normalise_unit` (two missing units are equal)."""
    return normalise_unit(gold.unit) == normalise_unit(pred.unit)


def full_equal(gold: Number, pred: Number) -> bool:
    """Value, unit and qualifier all agree."""
    return values_equal(gold, pred) and units_equal(gold, pred) and gold.qualifier == pred.qualifier


def pair_outcomes(gold: Number, pred: Number) -> tuple[Outcome, ...]:
    """Outcomes of an aligned number pair: MATCH, or every field that differs."""
    out: list[Outcome] = []
    if (gold.start, gold.end) != (pred.start, pred.end):
        out.append(Outcome.WRONG_BOUNDARY)
    if not values_equal(gold, pred):
        out.append(Outcome.WRONG_VALUE)
    if not units_equal(gold, pred):
        out.append(Outcome.WRONG_UNIT)
    if gold.qualifier != pred.qualifier:
        out.append(Outcome.WRONG_QUALIFIER)
    return tuple(out) or (Outcome.MATCH,)


@dataclass(frozen=True, slots=True)
class NumberCounts(_Addable):
    """Addable number counts: span/value/full matches, span-free matches, and error outcomes."""

    span: MatchCounts = field(default_factory=MatchCounts)
    value: MatchCounts = field(default_factory=MatchCounts)
    full: MatchCounts = field(default_factory=MatchCounts)
    span_free_value: MatchCounts = field(default_factory=MatchCounts)
    span_free_full: MatchCounts = field(default_factory=MatchCounts)
    errors: Tally[Outcome] = field(default_factory=Tally)

    def to_dict(self) -> dict[str, Any]:
        """The ``numbers`` section of the score JSON."""
        return {
            "span": self.span.to_dict(),
            "value": self.value.to_dict(),
            "full": self.full.to_dict(),
            "span_free": {
                "value": self.span_free_value.to_dict(),
                "full": self.span_free_full.to_dict(),
            },
            "errors": self.errors.to_dict(NUMBER_OUTCOMES),
        }


@dataclass(frozen=True, slots=True, eq=False)
class NumberScore:
    """One document's number result: counts plus the span alignment for the error list."""

    counts: NumberCounts
    gold: tuple[Number, ...]
    pred: tuple[Number, ...]
    gold_aligned: IntArray
    pred_aligned: IntArray

    def items(self, doc_id: str) -> Iterator[ScoredItem]:
        """Every aligned pair, missed gold number and spurious prediction."""
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


def _credit(gold: Number, pred: Number) -> int:
    """0 no credit, 1 identical span, 2 also equal value, 3 also equal unit and qualifier."""
    if (gold.start, gold.end) != (pred.start, pred.end):
        return 0
    if not values_equal(gold, pred):
        return 1
    return 3 if full_equal(gold, pred) else 2


def _span_alignment(gold: Sequence[Number], pred: Sequence[Number]) -> tuple[IntArray, IntArray]:
    gs = as_int_array([n.start for n in gold])
    ge = as_int_array([n.end for n in gold])
    ps = as_int_array([n.start for n in pred])
    pe = as_int_array([n.end for n in pred])
    found = clusters(gs, ge, ps, pe)

    def weights(g: IntArray, p: IntArray) -> Any:
        shared = overlaps(gs[g], ge[g], ps[p], pe[p])
        credit = np.array([[_credit(gold[i], pred[j]) for j in p.tolist()] for i in g.tolist()], dtype=np.int64)
        value = np.array([[values_equal(gold[i], pred[j]) for j in p.tolist()] for i in g.tolist()], dtype=np.int64)
        touching = shared > 0
        return lexicographic(credit * touching, shared, value * touching)

    return solve(found, (gs, ge, ps, pe), weights, gold_key=lambda i: _key(gold[i]), pred_key=lambda j: _key(pred[j]))


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
    """(value matches, full matches) of a one-to-one matching by value that maximises full, then value matches."""
    if not gold or not pred:
        return 0, 0
    g_order = sorted(range(len(gold)), key=lambda i: _key(gold[i]))
    p_order = sorted(range(len(pred)), key=lambda j: _key(pred[j]))
    g_sorted, p_sorted = [gold[i] for i in g_order], [pred[j] for j in p_order]
    value = value_matrix(g_sorted, p_sorted)
    rows_with = np.flatnonzero(value.any(axis=1))
    cols_with = np.flatnonzero(value.any(axis=0))
    if not len(rows_with):
        return 0, 0
    value = value[np.ix_(rows_with, cols_with)]
    full = full_matrix([g_sorted[i] for i in rows_with], [p_sorted[j] for j in cols_with], value)
    rows, cols = assign(lexicographic(full.astype(np.int64), value.astype(np.int64)))
    return int(value[rows, cols].sum()), int(full[rows, cols].sum())


def score_numbers(gold: Sequence[Number], pred: Sequence[Number]) -> NumberScore:
    """Score one document's predicted numbers against its gold numbers."""
    g, p = _span_alignment(gold, pred)
    n_gold, n_pred = len(gold), len(pred)
    credits = [_credit(gold[i], pred[j]) for i, j in zip(g.tolist(), p.tolist())]
    outcomes: list[Outcome] = [Outcome.MISSED] * (n_gold - len(g)) + [Outcome.SPURIOUS] * (n_pred - len(p))
    for i, j in zip(g.tolist(), p.tolist()):
        outcomes += [o for o in pair_outcomes(gold[i], pred[j]) if o is not Outcome.MATCH]
    free_value, free_full = _span_free(gold, pred)
    counts = NumberCounts(
        span=MatchCounts(sum(c >= 1 for c in credits), n_pred, n_gold),
        value=MatchCounts(sum(c >= 2 for c in credits), n_pred, n_gold),
        full=MatchCounts(sum(c >= 3 for c in credits), n_pred, n_gold),
        span_free_value=MatchCounts(free_value, n_pred, n_gold),
        span_free_full=MatchCounts(free_full, n_pred, n_gold),
        errors=Tally(outcomes),
    )
    return NumberScore(counts, tuple(gold), tuple(pred), g, p)
