"""The CQE metric (bench.score.cqe): credits, corpus totals and rounding, each expected value worked out by hand."""

from __future__ import annotations

from bench.schema import Annotations, GoldDocument, Number
from bench.score.cqe import Quantity, corpus_dict, predicted_quantity, score_corpus, score_sentence


def _n(value: float, unit: str | None = None) -> Number:
    return Number(None, None, value=value, unit=unit)


def test_two_predictions_can_credit_one_gold_value_while_the_sentence_has_gold_left() -> None:
    # gold sorted by unit: 5 dollar, 7 euro; predictions sorted: 5 "-", 5 yen.
    # 5 dollar walks both predictions: each matches the value (credits 1, 2: cap 2 not passed), no unit match;
    # 7 euro matches nothing. value 2 though only one gold value was found; value+unit 0.
    counts = score_sentence([Quantity(5.0, "dollar"), Quantity(7.0, "euro")], [Quantity(5.0, "-"), Quantity(5.0, "yen")])
    assert (counts.value, counts.value_unit, counts.predicted, counts.gold) == (2, 0, 2, 2)


def test_precision_recall_from_corpus_totals_and_f1_from_unrounded_precision_and_recall() -> None:
    # sentence 1: gold 1, 2; predictions 1, 2, 3 → 2 value and 2 value+unit credits ("-" = "-")
    # sentence 2: gold 4; prediction 5 → nothing.  Totals: credits 2, predictions 4, gold 3.
    # P = 2/4 = 50.0, R = 2/3 = 66.7; F1 = 2·(1/2)·(2/3) / (1/2 + 2/3) = 4/7 = 57.1
    # (from the rounded 50.0 and 66.7 it would be 57.2; a per-sentence mean of F1 would be (0.8 + 0)/2 = 40.0)
    pairs = [((_n(1), _n(2)), (_n(1), _n(2), _n(3))), ((_n(4),), (_n(5),))]
    data = score_corpus(pairs, "other").to_dict()
    assert data["value"] == data["value_unit"] == {"precision": 50.0, "recall": 66.7, "f1": 57.1}
    assert data["counts"] == {"value": 2, "value_unit": 2, "predicted": 4, "gold": 3}


def test_no_predictions_precision_not_applicable_recall_zero() -> None:
    data = score_corpus([((_n(1),), ())], "other").to_dict()
    assert data["value"] == {"precision": None, "recall": 0.0, "f1": 0.0}


def test_value_closeness_is_numpy_isclose_relative_to_the_prediction() -> None:
    # |a − b| ≤ 1e-8 + 1e-5·|b|: 100 vs 100.0009 (limit 0.00100001) matches, 100 vs 100.0011 does not
    assert score_sentence([Quantity(100.0, "-")], [Quantity(100.0009, "-")]).value == 1
    assert score_sentence([Quantity(100.0, "-")], [Quantity(100.0011, "-")]).value == 0


def test_age_documents_add_the_age_units_and_a_missing_prediction_counts_as_none() -> None:
    docs = [GoldDocument("age-1", "test", "She is 30.", "", Annotations("age-1", numbers=(_n(30, "year of age"),))),
            GoldDocument("age-2", "test", "He is 4.", "", Annotations("age-2", numbers=(_n(4, "year of age"),)))]
    block = corpus_dict(docs, {"age-1": Annotations("age-1", numbers=(_n(30, "year"),))}, "recognizers")
    # "year" → "year of age" on the age set: 1 credit of 1 prediction, 2 gold → P 100, R 50, F1 66.7
    assert block["age_units"] is True and block["unit_map"] == "recognizers"
    assert block["value_unit"] == {"precision": 100.0, "recall": 50.0, "f1": 66.7}
    assert predicted_quantity(_n(30, "year"), "recognizers").unit == "year"  # not on other sets
