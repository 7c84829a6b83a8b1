"""Entity counts agree with nervaluate 1.2.1, the reference SemEval-2013 implementation.

Where the one-to-one matching is unambiguous (every cluster of overlaps holds at
most one gold and one predicted entity) our counts must equal nervaluate's in
every mode, overall and per label (label changes included: both score each
label on its own). Where it is ambiguous, nervaluate's greedy,
order-dependent matching can only do worse than ours, never better.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.score.counts import SemEvalCounts
from bench.score.entities import MODES, EntityCounts
from bench.score.entity_batch import score_entities

from .strategies import NERVALUATE_NAME, Doc, disjoint_entities, nervaluate_results, slotted_doc


def ours(docs: list[Doc]) -> EntityCounts:
    return sum((score_entities(g, p).counts for g, p in docs), EntityCounts.zero())


def as_tuple(result: object) -> tuple[int, int, int, int, int]:
    return tuple(getattr(result, k) for k in ("correct", "incorrect", "partial", "missed", "spurious"))  # type: ignore[return-value]


def counts_tuple(c: SemEvalCounts) -> tuple[int, int, int, int, int]:
    return c.correct, c.incorrect, c.partial, c.missed, c.spurious


@settings(max_examples=400, deadline=None)
@given(st.lists(slotted_doc(), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_overall_counts_and_scores_equal_nervaluate_in_every_mode(docs: list[Doc], rng: object) -> None:
    docs = [(g, rng.sample(p, len(p))) for g, p in docs]  # type: ignore[attr-defined]
    reference = nervaluate_results(docs)["overall"]
    mine = ours(docs)
    for mode in MODES:
        theirs = reference[NERVALUATE_NAME[mode.value]]
        counts = mine.overall(mode)
        assert counts_tuple(counts) == as_tuple(theirs), mode
        assert (counts.possible, counts.actual) == (theirs.possible, theirs.actual)
        prf = counts.prf(partial_weight=mode.strategy.partial_weight)
        # nervaluate says 0 where a denominator is empty; we say not applicable (None).
        for ours_value, their_value, empty in (
            (prf.precision, theirs.precision, counts.actual == 0),
            (prf.recall, theirs.recall, counts.possible == 0),
            (prf.f1, theirs.f1, counts.actual + counts.possible == 0),
        ):
            if empty:
                assert ours_value is None and their_value == 0
            else:
                assert ours_value == pytest.approx(their_value, rel=1e-12, abs=1e-15)


@settings(max_examples=400, deadline=None)
@given(st.lists(slotted_doc(), min_size=1, max_size=4))
def test_per_label_counts_equal_nervaluates_per_tag_counts_in_every_mode_label_changes_included(docs: list[Doc]) -> None:
    # nervaluate scores each label on its own (filtering both sides to it), and so do we.
    reference = nervaluate_results(docs)["entities"]
    mine = ours(docs)
    for mode in MODES:
        theirs = {label: as_tuple(r[NERVALUATE_NAME[mode.value]]) for label, r in reference.items()}
        theirs = {label: t for label, t in theirs.items() if any(t)}  # nervaluate lists every tag asked for
        assert {label: counts_tuple(c) for label, c in mine.by_label(mode).items()} == theirs, mode


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(disjoint_entities(), disjoint_entities()), min_size=1, max_size=3))
def test_on_ambiguous_data_our_credit_is_never_below_nervaluates(docs: list[Doc]) -> None:
    # Both produce one-to-one matchings of overlapping spans; ours maximises each mode's
    # credit, so it can only be >= the greedy one. Possible and actual always agree.
    reference = nervaluate_results(docs)["overall"]
    mine = ours(docs)
    for mode in MODES:
        theirs = reference[NERVALUATE_NAME[mode.value]]
        counts = mine.overall(mode)
        weight = mode.strategy.partial_weight
        assert (counts.possible, counts.actual) == (theirs.possible, theirs.actual)
        assert counts.correct + weight * counts.partial >= theirs.correct + weight * theirs.partial
