"""Number scoring, hand-computed: span, value, value_unit, value_qualifier, full, strict, span-free, errors, kind."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.schema import Number, NumberKind, Qualifier
from bench.score.counts import MatchCounts
from bench.score.items import Outcome
from bench.score.numbers import (
    KIND_LABELS,
    NUMBER_METRICS,
    credits,
    full_equal,
    full_matrix,
    score_numbers,
    units_equal,
    value_matrix,
    values_equal,
)
from bench.score.units import normalise_unit, singular

EXACT, APPROX, LOWER, RANGE = Qualifier.EXACT, Qualifier.APPROX, Qualifier.LOWER, Qualifier.RANGE
MONEY, COUNT, DATE, PERCENT = NumberKind.MONEY, NumberKind.COUNT, NumberKind.DATE, NumberKind.PERCENT


def n(start: int, end: int, value: float | None, unit: str | None = "people", qualifier: Qualifier | None = EXACT,
      value_max: float | None = None) -> Number:
    return Number(start, end, value=value, value_max=value_max, unit=unit, qualifier=qualifier)


# gold                              prediction                      span value v+unit v+qual full strict  errors
# [0,3)   200 militant exact        [0,3)   200 Militants exact     ✓    ✓     ✓      ✓      ✓    ✓       —
# [10,13) 12 people exact           [10,13) 12.00001 person exact   ✓    ✓     ✗      ✓      ✗    ✗       wrong_unit
# [20,29) 300-450 people range      [20,29) 300 people range        ✓    ✗     ✗      ✗      ✗    ✗       wrong_value
# [40,48) 5 km approx               [40,48) 5 miles approx          ✓    ✓     ✗      ✓      ✗    ✗       wrong_unit
# [50,53) 20 % lower                [50,53) 20 % exact              ✓    ✓     ✓      ✗      ✗    ✗       wrong_qualifier
# [60,70) 7 day exact               [62,70) 7 day exact             ✗    ✓     ✓      ✓      ✓    ✗       wrong_boundary
# [80,82) 3 people exact            —                                                                      missed
# —                                 [90,92) 4 people exact                                                 spurious
# column totals                                                     5    5     3      4      2    1
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


def test_every_metric_counts_as_tabulated() -> None:
    counts = score_numbers(GOLD, PRED).counts
    expected = {"span": 5, "value": 5, "value_unit": 3, "value_qualifier": 4, "full": 2, "strict": 1}
    assert {m.value: counts.metric(m) for m in NUMBER_METRICS} == {
        name: MatchCounts(correct=c, predicted=7, gold=7) for name, c in expected.items()
    }
    assert counts.value.prf().f1 == pytest.approx(5 / 7)


def test_score_json_lists_the_number_metrics_by_these_keys() -> None:
    data = score_numbers(GOLD, PRED).counts.to_dict()
    assert list(data) == ["span", "value", "value_unit", "value_qualifier", "full", "strict", "span_free", "errors", "kind"]
    assert data["value_unit"] == {"precision": 3 / 7, "recall": 3 / 7, "f1": pytest.approx(3 / 7), "correct": 3,
                                  "predicted": 7, "gold": 7}


def test_error_counts_as_tabulated() -> None:
    errors = score_numbers(GOLD, PRED).counts.errors
    assert dict(errors) == {
        Outcome.WRONG_VALUE: 1,
        Outcome.WRONG_UNIT: 2,  # "people" vs "person" (inflect keeps "people"), km vs miles
        Outcome.WRONG_QUALIFIER: 1,
        Outcome.WRONG_BOUNDARY: 1,
        Outcome.MISSED: 1,
        Outcome.SPURIOUS: 1,
    }


def test_a_currency_symbol_inside_the_span_is_value_correct_and_span_wrong() -> None:
    # "raised $4.2 billion": gold "4.2 billion" is [8,19), the prediction "$4.2 billion" [7,19).
    gold = [n(8, 19, 4.2e9, "dollar")]
    pred = [n(7, 19, 4.2e9, "$")]
    counts = score_numbers(gold, pred).counts
    assert (counts.span.correct, counts.value.correct, counts.full.correct, counts.strict.correct) == (0, 1, 1, 0)


def test_a_counted_noun_inside_the_span_is_value_correct_and_span_wrong() -> None:
    # quantulum3 style: "20 SUVs" [0,7) for gold "20" [0,2), unit SUV.
    gold = [n(0, 2, 20, "SUV")]
    pred = [n(0, 7, 20, "SUVs", qualifier=None)]
    counts = score_numbers(gold, pred).counts
    assert (counts.span.correct, counts.value.correct, counts.value_unit.correct) == (0, 1, 1)
    assert (counts.value_qualifier.correct, counts.full.correct) == (0, 0)


def test_a_system_without_qualifiers_gets_value_unit_credit() -> None:
    gold = [n(0, 2, 20, "percent", EXACT), n(10, 14, 3, "euro", APPROX), n(20, 22, 5, "day", LOWER)]
    pred = [n(0, 2, 20, "%", None), n(10, 14, 3, "€", None), n(20, 22, 5, "hour", None)]
    counts = score_numbers(gold, pred).counts
    assert counts.value_unit == MatchCounts(correct=2, predicted=3, gold=3)  # percent, euro; day ≠ hour
    assert counts.full.correct == 0 and counts.value_qualifier.correct == 0


def test_each_metric_takes_its_own_best_alignment() -> None:
    # gold "12" [0,2); prediction A [0,2) reads 13, prediction B [0,5) ("12 km") reads 12.
    # span's best pairing is gold–A, value's is gold–B: one shared pairing gets one of them wrong.
    gold = [n(0, 2, 12)]
    pred = [n(0, 2, 13), n(0, 5, 12)]
    scored = score_numbers(gold, pred)
    assert (scored.counts.span.correct, scored.counts.value.correct, scored.counts.strict.correct) == (1, 1, 0)
    assert scored.pred_aligned.tolist() == [1]  # the reported alignment is the value-optimal one
    assert dict(scored.counts.errors) == {Outcome.WRONG_BOUNDARY: 1, Outcome.SPURIOUS: 1}


def test_credit_is_one_to_one() -> None:
    # One prediction [0,10) overlapping two gold numbers of the same value earns one match, not two.
    gold = [n(0, 2, 5), n(5, 7, 5)]
    pred = [n(0, 10, 5)]
    counts = score_numbers(gold, pred).counts
    assert counts.value == MatchCounts(correct=1, predicted=1, gold=2)


def test_spans_that_do_not_overlap_earn_nothing() -> None:
    counts = score_numbers([n(0, 2, 5)], [n(2, 4, 5)]).counts
    assert counts.value.correct == 0 and counts.span_free_value.correct == 1


def test_kind_accuracy_and_confusion_over_the_reported_pairs() -> None:
    gold = [Number(0, 2, value=1, kind=MONEY), Number(5, 7, value=2, kind=COUNT), Number(10, 12, value=3, kind=COUNT),
            Number(20, 22, value=4, kind=DATE)]
    pred = [Number(0, 3, value=1, kind=MONEY), Number(5, 7, value=9, kind=PERCENT), Number(10, 12, value=3)]
    kind = score_numbers(gold, pred).counts.kind  # the 4th gold number is missed: not a pair
    # pairs: money→money ✓, count→percent ✗ (value wrong, still aligned), count→none ✗
    assert (kind.correct, kind.pairs, kind.accuracy) == (1, 3, 1 / 3)
    matrix = kind.to_dict()["matrix"]
    at = KIND_LABELS.index
    assert matrix[at("money")][at("money")] == 1
    assert matrix[at("count")][at("percent")] == 1
    assert matrix[at("count")][at("none")] == 1
    assert sum(map(sum, matrix)) == 3


def test_kind_counts_add_up_over_documents() -> None:
    one = score_numbers([Number(0, 1, value=1, kind=MONEY)], [Number(0, 1, value=1, kind=MONEY)]).counts
    two = score_numbers([Number(0, 1, value=1, kind=DATE)], [Number(0, 1, value=1, kind=COUNT)]).counts
    total = one + two
    assert (total.kind.correct, total.kind.pairs) == (1, 2)


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
    ("plural", "one"),
    [("buses", "bus"), ("viruses", "virus"), ("crises", "crisis"), ("analyses", "analysis"), ("statuses", "status"),
     ("gases", "gas"), ("kms", "km"), ("casualties", "casualty"), ("inches", "inch"), ("boxes", "box"),
     ("militants", "militant"), ("suvs", "suv"), ("euros", "euro"), ("persons", "person")],
)
def test_the_counted_noun_is_made_singular_by_inflect(plural: str, one: str) -> None:
    assert singular(plural) == one


@pytest.mark.parametrize("word", ["bus", "status", "gas", "virus", "crisis", "census", "percent", "news", "series",
                                  "km", "euro", "day", "people", "pence"])
def test_a_word_already_singular_or_invariant_is_left_alone(word: str) -> None:
    assert singular(word) == word


@pytest.mark.parametrize(
    ("unit", "normal"),
    [("People", "people"), ("militants", "militant"), ("Casualties", "casualty"), ("boxes", "box"),
     ("US  Dollars", "dollar"), ("tons", "ton"), ("census", "census"), ("bus", "bus"), ("Buses", "bus"),
     ("pence", "penny"), ("pennies", "penny"), ("kms", "kilometre"), ("percentage points", "percentage point"),
     ("degree Celsius", "degree celsius"), ("city councillors", "city councillor"), ("", None), ("  ", None)],
)
def test_units_compare_after_case_plural_and_alias_normalisation(unit: str, normal: str | None) -> None:
    assert normalise_unit(unit) == normal


@pytest.mark.parametrize(
    ("symbol", "word"),
    [("%", "percent"), ("per cent", "percent"), ("$", "dollar"), ("£", "pound"), ("€", "euro"), ("¥", "yen"),
     ("km", "kilometre"), ("kilometers", "kilometres"), ("meter", "metre"), ("pence", "penny"), ("p", "pence"),
     ("°C", "degrees Celsius"), ("japanese yen", "yen"), ("pound sterling", "pounds")],
)
def test_a_symbol_or_abbreviation_equals_its_unit_word(symbol: str, word: str) -> None:
    assert normalise_unit(symbol) == normalise_unit(word)
    assert units_equal(n(0, 1, 1, symbol), n(0, 1, 1, word))


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


_bounds = st.tuples(st.integers(0, 8), st.integers(1, 4)).map(lambda t: (t[0], t[0] + t[1]))


@st.composite
def _placed(draw: Any) -> Number:
    start, end = draw(_bounds)
    return Number(start, end, value=draw(st.sampled_from([1.0, 2.0])), unit=draw(st.sampled_from([None, "km"])),
                  qualifier=draw(st.sampled_from([None, EXACT])))


def _brute_force_best(gold: list[Number], pred: list[Number], metric: str) -> int:
    """The most pairs correct in ``metric`` over every one-to-one matching of overlapping pairs."""
    def ok(g: Number, p: Number) -> bool:
        return min(g.end, p.end) > max(g.start, p.start) and metric in {m.value for m in credits(g, p)}

    best = 0
    for chosen in itertools.permutations(range(len(pred)), min(len(gold), len(pred))):
        best = max(best, sum(ok(gold[i], pred[j]) for i, j in enumerate(chosen)))
    if len(pred) > len(gold):
        return best
    for chosen in itertools.permutations(range(len(gold)), len(pred)):
        best = max(best, sum(ok(gold[i], pred[j]) for j, i in enumerate(chosen)))
    return best


@settings(max_examples=200, deadline=None)
@given(st.lists(_placed(), max_size=4), st.lists(_placed(), max_size=4))
def test_every_metric_is_the_optimum_of_its_own_one_to_one_alignment(gold: list[Number], pred: list[Number]) -> None:
    counts = score_numbers(gold, pred).counts
    for metric in NUMBER_METRICS:
        assert counts.metric(metric).correct == _brute_force_best(gold, pred, metric.value)
    assert counts.strict.correct <= min(counts.full.correct, counts.span.correct)
    assert counts.full.correct <= min(counts.value_unit.correct, counts.value_qualifier.correct)
    assert max(counts.value_unit.correct, counts.value_qualifier.correct) <= counts.value.correct


@settings(max_examples=200, deadline=None)
@given(st.lists(_placed(), max_size=5), st.lists(_placed(), max_size=5))
def test_the_reported_alignment_is_optimal_for_the_main_metric(gold: list[Number], pred: list[Number]) -> None:
    scored = score_numbers(gold, pred)
    pairs = list(zip(scored.gold_aligned.tolist(), scored.pred_aligned.tolist()))
    assert all(min(gold[i].end, pred[j].end) > max(gold[i].start, pred[j].start) for i, j in pairs)
    assert sum(values_equal(gold[i], pred[j]) for i, j in pairs) == scored.counts.value.correct
    assert scored.counts.kind.pairs == 0  # generated numbers have no kind: their pairs sit in row "none"
    assert sum(map(sum, scored.counts.kind.matrix)) == len(pairs)
