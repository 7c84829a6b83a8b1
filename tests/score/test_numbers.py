"""Number scoring, hand-computed: span, value, full, span-free, error counts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.schema import Number, Qualifier
from bench.score.counts import MatchCounts
from bench.score.items import Outcome
from bench.score.numbers import (
    full_equal,
    full_matrix,
    normalise_unit,
    score_numbers,
    value_matrix,
    values_equal,
)

EXACT, APPROX, LOWER, RANGE = Qualifier.EXACT, Qualifier.APPROX, Qualifier.LOWER, Qualifier.RANGE


def n(start: int, end: int, value: float | None, unit: str | None = "people", qualifier: Qualifier | None = EXACT,
      value_max: float | None = None) -> Number:
    return Number(start, end, value=value, value_max=value_max, unit=unit, qualifier=qualifier)


# gold                              prediction                           span value full  errors
# [0,3)   200 militant exact        [0,3)   200 Militants exact          ✓    ✓     ✓     —
# [10,13) 12 people exact           [10,13) 12.00001 person exact        ✓    ✓     ✗     wrong_unit (value within 1e-5)
# [20,29) 300-450 people range      [20,29) 300 people range             ✓    ✗     ✗     wrong_value
# [40,48) 5 km approx               [40,48) 5 miles approx               ✓    ✓     ✗     wrong_unit
# [50,53) 20 % lower                [50,53) 20 % exact                   ✓    ✓     ✗     wrong_qualifier
# [60,70) 7 day exact               [62,70) 7 day exact                  ✗    ✗     ✗     wrong_boundary
# [80,82) 3 people exact            —                                                      missed
# —                                 [90,92) 4 people exact                                 spurious
GOLD = [
    n(0, 3, 200, "militant"),
    n(10, 13, 12),
    n(20, 29, 300, value_max=450, qualifier=RANGE),
    n(40, 48, 5, "km", APPROX),
    n(50, 53, 20, "%", LOWER),
    n(60, 70, 7, "day"),
    n(80, 82, 3),
]
PRED = [
    n(0, 3, 200, "Militants"),
    n(10, 13, 12.00001, "person"),
    n(20, 29, 300, qualifier=RANGE),
    n(40, 48, 5, "miles", APPROX),
    n(50, 53, 20, "%", EXACT),
    n(62, 70, 7, "day"),
    n(90, 92, 4),
]


def test_span_value_and_full_counts_as_tabulated() -> None:
    counts = score_numbers(GOLD, PRED).counts
    assert counts.span == MatchCounts(correct=5, predicted=7, gold=7)
    assert counts.value == MatchCounts(correct=4, predicted=7, gold=7)
    assert counts.full == MatchCounts(correct=1, predicted=7, gold=7)
    assert counts.value.prf().f1 == pytest.approx(4 / 7)


def test_error_counts_as_tabulated() -> None:
    errors = score_numbers(GOLD, PRED).counts.errors
    assert dict(errors) == {
        Outcome.WRONG_VALUE: 1,
        Outcome.WRONG_UNIT: 2,  # "people" vs "person" is not a plural; so is km vs miles
        Outcome.WRONG_QUALIFIER: 1,
        Outcome.WRONG_BOUNDARY: 1,
        Outcome.MISSED: 1,
        Outcome.SPURIOUS: 1,
    }


def test_span_free_mode_matches_by_value_ignoring_offsets() -> None:
    # Values: gold 200, 12, 300-450, 5, 20, 7, 3; predictions 200, 12.00001, 300, 5, 20, 7, 4.
    counts = score_numbers(GOLD, PRED).counts
    assert counts.span_free_value == MatchCounts(correct=5, predicted=7, gold=7)  # 200, 12, 5, 20, 7
    assert counts.span_free_full == MatchCounts(correct=2, predicted=7, gold=7)  # 200 militant, 7 day


def test_span_free_mode_prefers_the_fully_matching_partner() -> None:
    gold = [n(0, 2, 5, "km"), n(10, 12, 5, "mile")]
    pred = [n(50, 52, 5, "mile")]  # offsets wrong; the value 5 matches both, the unit only the second
    counts = score_numbers(gold, pred).counts
    assert (counts.span_free_value.correct, counts.span_free_full.correct) == (1, 1)
    assert counts.span.correct == 0


def test_items_list_every_wrong_field_of_a_pair() -> None:
    gold, pred = [n(0, 5, 10, "km", EXACT)], [n(1, 5, 11, "mile", APPROX)]
    (item,) = score_numbers(gold, pred).items("d")
    assert item.outcomes == (Outcome.WRONG_BOUNDARY, Outcome.WRONG_VALUE, Outcome.WRONG_UNIT, Outcome.WRONG_QUALIFIER)


def test_alignment_prefers_the_prediction_with_the_right_value_on_the_same_span() -> None:
    gold = [n(0, 3, 200)]
    pred = [n(0, 3, 201), n(0, 3, 200)]
    scored = score_numbers(gold, pred)
    assert scored.pred_aligned.tolist() == [1]
    assert scored.counts.value.correct == 1


@pytest.mark.parametrize(
    ("gold", "pred", "equal"),
    [
        (n(0, 1, 100000), n(0, 1, 100000.9), True),  # relative difference 9e-6
        (n(0, 1, 100000), n(0, 1, 100001.1), False),  # 1.1e-5
        (n(0, 1, 0), n(0, 1, 0.0), True),
        (n(0, 1, 2, value_max=3), n(0, 1, 2, value_max=3.00001), True),
        (n(0, 1, 2, value_max=3), n(0, 1, 2), False),  # a range needs both ends
        (n(0, 1, 2), n(0, 1, None), False),
    ],
)
def test_value_equality_uses_relative_tolerance_1e_5(gold: Number, pred: Number, equal: bool) -> None:
    assert values_equal(gold, pred) is equal


@pytest.mark.parametrize(
    ("unit", "normal"),
    [("People", "people"), ("militants", "militant"), ("Casualties", "casualty"), ("boxes", "box"),
     ("US  Dollars", "us dollar"), ("tons", "ton"), ("census", "census"), ("bus", "bus"), ("%", "%"), ("", None)],
)
def test_units_compare_after_case_and_plural_normalisation(unit: str, normal: str | None) -> None:
    assert normalise_unit(unit) == normal


_values = st.one_of(st.none(), st.sampled_from([0.0, 1.0, 12.0, 12.00001, 12.0002, -3.0, 1e9, 1e9 + 5, float("inf")]))


@st.composite
def _number(draw: Any) -> Number:
    return Number(0, 1, value=draw(_values), value_max=draw(_values),
                  unit=draw(st.sampled_from([None, "km", "KM", "people", "persons", "person"])),
                  qualifier=draw(st.sampled_from([None, EXACT, APPROX])))


@settings(max_examples=300, deadline=None)
@given(st.lists(_number(), max_size=6), st.lists(_number(), max_size=6))
def test_vectorised_value_and_full_matrices_equal_the_pairwise_definitions(gold: list[Number], pred: list[Number]) -> None:
    values = value_matrix(gold, pred)
    full = full_matrix(gold, pred, values)
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            assert values[i, j] == values_equal(g, p)
            assert full[i, j] == full_equal(g, p)
