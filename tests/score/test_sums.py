"""Summing per-document counts: the stacked entity sum equals adding documents one by one."""

from __future__ import annotations

import numpy as np

from bench.schema import Entity, EntityLabel
from bench.score import ScoreCounts, total
from bench.score.entities import EntityCounts
from bench.score.entity_batch import score_entities


def _counts(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> EntityCounts:
    def ents(spans: list[tuple[int, int]]) -> tuple[Entity, ...]:
        return tuple(Entity(s, e, EntityLabel.PERSON) for s, e in spans)

    return score_entities(ents(gold), ents(pred)).counts


def test_sum_of_entity_counts_equals_adding_them_one_by_one() -> None:
    a = _counts([(0, 4)], [(0, 4)])  # strict: 1 correct
    b = _counts([(0, 4), (10, 14)], [(1, 4)])  # strict: 1 incorrect, 1 missed
    c = _counts([], [(3, 5)])  # strict: 1 spurious
    assert EntityCounts.sum_of([a, b, c]) == a + b + c
    strict = EntityCounts.sum_of([a, b, c]).overall("strict")
    # by hand: correct 1 (a), incorrect 1 (b's overlapping pair), missed 1 (b), spurious 1 (c)
    assert (strict.correct, strict.incorrect, strict.missed, strict.spurious) == (1, 1, 1, 1)


def test_sum_of_one_entity_count_is_that_count() -> None:
    a = _counts([(0, 4)], [(0, 4)])
    assert EntityCounts.sum_of([a]) is a


def test_total_skips_unscored_layers_and_counts_documents() -> None:
    a, b = _counts([(0, 4)], [(0, 4)]), _counts([(0, 4)], [])
    summed = total([ScoreCounts(entities=a, documents=1), ScoreCounts(documents=1), ScoreCounts(entities=b, documents=1)])
    assert summed.documents == 3
    assert summed.entities is not None and summed.entities == a + b
    assert np.array_equal(summed.entities.fine, a.fine + b.fine)
    assert summed.numbers is None and summed.attributions is None
    assert total([]).entities is None and total([]).documents == 0
