"""The alignment engine (:mod:`bench.score.align`) as a specification: tiers in order, one-to-one,
clusters independent, documents apart, canonical tie-breaking, and optimal against brute force."""

from __future__ import annotations

import itertools
import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.schema import Entity
from bench.score.align import (
    Alignment,
    Spans,
    _by_start_then_end,
    align,
    as_int_array,
    candidates,
    lexicographic_edges,
)
from bench.score.entities import MODES, Mode
from bench.score.entity_batch import _alignments, _Side, score_entities

from .strategies import FEW_LABELS


def pairs(a: Alignment) -> set[tuple[int, int]]:
    return set(zip(a.gold.tolist(), a.pred.tolist()))


def by_shared(gold: Spans, pred: Spans) -> Alignment:
    return align(gold, pred, lambda c: [c.shared])


# --- hand-made cases ---------------------------------------------------------------------------


def test_a_larger_first_tier_wins_whatever_the_later_tiers() -> None:
    # Gold [0,10) and [20,30); prediction 0 = [0,30) overlaps both. Tier 1 prefers gold 1 (1 vs 0),
    # tier 2 (characters shared: 10 each) would not decide; a huge tier 2 towards gold 0 must not win.
    gold, pred = Spans.of([0, 20], [10, 30]), Spans.of([0], [30])
    found = candidates(gold, pred)
    first = np.array([int(g == 1) for g in found.gold.tolist()], dtype=np.int64)
    second = np.array([1000 * int(g == 0) for g in found.gold.tolist()], dtype=np.int64)
    assert pairs(found.align(first, second)) == {(1, 0)}
    assert pairs(found.align(second, first)) == {(0, 0)}


def test_the_later_tiers_break_ties_of_the_first() -> None:
    gold, pred = Spans.of([0], [10]), Spans.of([0, 2], [10, 5])
    found = candidates(gold, pred)
    same = np.ones(len(found), dtype=np.int64)
    assert pairs(found.align(same, found.shared)) == {(0, 0)}  # 10 characters beat 3


def test_the_alignment_is_one_to_one() -> None:
    # One long prediction over three gold spans: it takes one of them, the other two are missed.
    a = by_shared(Spans.of([0, 4, 8], [3, 7, 12]), Spans.of([0], [12]))
    assert pairs(a) == {(2, 0)}  # 4 characters beat 3 and 3


def test_pairs_that_share_nothing_or_have_zero_tiers_are_never_aligned() -> None:
    gold, pred = Spans.of([0, 5], [5, 10]), Spans.of([5, 2], [10, 4])
    found = candidates(gold, pred)
    assert pairs(found.align(found.shared)) == {(1, 0), (0, 1)}
    assert len(found.align(np.zeros(len(found), dtype=np.int64))) == 0
    # [0,5) and [5,10) touch: not a candidate even with a positive tier.
    touching = candidates(Spans.of([0], [5]), Spans.of([5], [10]))
    assert len(touching) == 0


def test_items_of_different_documents_never_align() -> None:
    gold = Spans.of([0, 0], [5, 5], doc=[0, 1])
    pred = Spans.of([0], [5], doc=[1])
    assert pairs(by_shared(gold, pred)) == {(1, 0)}


def test_clusters_chain_overlaps_and_keep_touching_spans_apart() -> None:
    # [0,5) and [5,10) touch; the prediction [4,6) chains them into one cluster of 2 gold × 1 pred.
    found = candidates(Spans.of([0, 5, 20], [5, 10, 25]), Spans.of([4, 20], [6, 25]))
    assert (found.n_simple, found.gold[: found.n_simple].tolist(), found.pred[: found.n_simple].tolist()) == (1, [2], [1])
    assert (found.rows.tolist(), found.cols.tolist()) == ([2], [1])
    assert sorted(zip(found.gold[1:].tolist(), found.pred[1:].tolist())) == [(0, 0), (1, 0)]


def test_ties_go_to_the_first_item_in_canonical_order_not_input_order() -> None:
    # Two predictions identical in offsets and tiers: the one whose order key is smaller wins,
    # wherever it stands in the input.
    gold = Spans.of([0], [5])
    for keys, winner in (([1, 0], 1), ([0, 1], 0)):
        pred = Spans.of([0, 0], [5, 5], order=(as_int_array([0, 0]), as_int_array(keys)))
        assert pairs(by_shared(gold, pred)) == {(0, winner)}


def test_equal_items_are_taken_in_index_order() -> None:
    # A 2 × 2 cluster where every pair has the same weight: the canonical (index) order pairs 0–0, 1–1.
    a = by_shared(Spans.of([0, 0], [5, 5]), Spans.of([0, 0], [5, 5]))
    assert pairs(a) == {(0, 0), (1, 1)}


def test_lexicographic_edges_let_the_first_tier_dominate_per_cluster() -> None:
    # One 2 × 2 cluster, row-major: tier 1 wants 0–0 and nothing else; tier 2 huge elsewhere.
    cluster = as_int_array([0, 0, 0, 0])
    weights = lexicographic_edges(cluster, as_int_array([2]), as_int_array([2]),
                                  as_int_array([1, 0, 0, 0]), as_int_array([0, 1000, 1000, 0]))
    assert weights[0] > weights[1] + weights[2]


def test_an_alignment_lists_its_candidate_pair_numbers() -> None:
    gold, pred = Spans.of([0, 10], [5, 15]), Spans.of([1, 3, 12], [4, 5, 14])
    found = candidates(gold, pred)
    a = found.align(found.shared)
    assert found.gold[a.pair].tolist() == a.gold.tolist() and found.pred[a.pair].tolist() == a.pred.tolist()


# --- random cases ------------------------------------------------------------------------------


@st.composite
def sides(draw: Any, docs: int = 1) -> tuple[Spans, Spans, int]:
    """Two sides of up to 4 spans each over a few documents, and a seed for random tiers."""

    def side() -> Spans:
        n = draw(st.integers(0, 4))
        starts = [draw(st.integers(0, 12)) for _ in range(n)]
        ends = [s + draw(st.integers(1, 6)) for s in starts]
        doc = [draw(st.integers(0, docs - 1)) for _ in range(n)]
        return Spans.of(starts, ends, doc=doc)

    return side(), side(), draw(st.integers(0, 2**31))


def random_tiers(found: Any, seed: int, n_tiers: int = 3) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 3, len(found)).astype(np.int64) for _ in range(n_tiers)]


def value(tiers: list[np.ndarray], chosen: list[int]) -> tuple[int, ...]:
    return tuple(int(t[chosen].sum()) for t in tiers)


def brute_force(found: Any, tiers: list[np.ndarray]) -> tuple[int, ...]:
    """The lexicographically largest tier totals over every one-to-one set of candidate pairs that
    overlap and have some positive tier."""
    usable = [k for k in range(len(found)) if found.shared[k] > 0 and any(t[k] > 0 for t in tiers)]
    best = tuple(0 for _ in tiers)
    for size in range(len(usable) + 1):
        for chosen in itertools.combinations(usable, size):
            g, p = found.gold[list(chosen)], found.pred[list(chosen)]
            if len(set(g.tolist())) == size and len(set(p.tolist())) == size:
                best = max(best, value(tiers, list(chosen)))
    return best


@settings(max_examples=300, deadline=None)
@given(sides(docs=2))
def test_the_alignment_equals_brute_force_on_random_tiers(case: tuple[Spans, Spans, int]) -> None:
    gold, pred, seed = case
    found = candidates(gold, pred)
    tiers = random_tiers(found, seed)
    a = found.align(*tiers)
    assert len(set(a.gold.tolist())) == len(a) and len(set(a.pred.tolist())) == len(a)  # one-to-one
    assert all(found.shared[a.pair] > 0)
    assert value(tiers, a.pair.tolist()) == brute_force(found, tiers)


@settings(max_examples=200, deadline=None)
@given(sides(docs=3))
def test_the_general_path_equals_the_fast_path(case: tuple[Spans, Spans, int]) -> None:
    gold, pred, seed = case
    fast, general = candidates(gold, pred), candidates(gold, pred, general=True)
    key = {pair: k for k, pair in enumerate(zip(fast.gold.tolist(), fast.pred.tolist()))}
    fast_tiers = random_tiers(fast, seed)
    moved = [as_int_array([t[key[pair]] for pair in zip(general.gold.tolist(), general.pred.tolist())]) for t in fast_tiers]
    assert pairs(fast.align(*fast_tiers)) == pairs(general.align(*moved))


@settings(max_examples=200, deadline=None)
@given(sides(), sides())
def test_clusters_are_solved_independently(left: tuple[Spans, Spans, int], right: tuple[Spans, Spans, int]) -> None:
    # The same problem with a second one far to the right: the first one's pairs do not change.
    (g1, p1, _), (g2, p2, _) = left, right

    def joined(a: Spans, b: Spans) -> Spans:
        return Spans.of(np.concatenate([a.starts, b.starts + 100]), np.concatenate([a.ends, b.ends + 100]))

    together = by_shared(joined(g1, g2), joined(p1, p2))
    alone = by_shared(g1, p1)
    assert {(g, p) for g, p in pairs(together) if g < len(g1)} == pairs(alone)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), min_size=2, max_size=200), st.booleans(),
       st.randoms())
def test_the_sweep_orders_spans_by_start_then_end_whether_they_come_sorted_or_not(
    spans: list[tuple[int, int]], in_runs: bool, rnd: random.Random
) -> None:
    # two sorted sides one after the other take numpy's stable sort (a merge of runs) from 64 spans on;
    # spans in any order take its quicksort: either way, the order is by start, then end
    if in_runs:
        half = len(spans) // 2
        spans = sorted(spans[:half]) + sorted(spans[half:])
    else:
        rnd.shuffle(spans)
    starts = np.array([s for s, _ in spans], dtype=np.int64)
    ends = np.array([s + n for s, n in spans], dtype=np.int64)
    key = starts * (int(ends.max()) + 1) + ends
    runs = 1 + int(np.count_nonzero(key[1:] < key[:-1]))
    kinds: list[object] = []
    argsort = np.argsort

    def spy(a: Any, kind: Any = None, **options: Any) -> Any:
        kinds.append(kind)
        return argsort(a, kind=kind, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(np, "argsort", spy)
        order = _by_start_then_end(starts, ends)
    assert kinds == ["stable" if runs - 1 <= len(spans) // 64 else None]
    if in_runs and len(spans) >= 64:
        assert kinds == ["stable"]
    assert sorted(order.tolist()) == list(range(len(spans)))
    assert list(zip(starts[order].tolist(), ends[order].tolist())) == sorted(zip(starts.tolist(), ends.tolist()))


@settings(max_examples=200, deadline=None)
@given(sides(docs=2))
def test_shuffling_the_input_never_changes_the_alignment(case: tuple[Spans, Spans, int]) -> None:
    gold, pred, seed = case
    order = random.Random(seed)
    perm_g = list(range(len(gold)))
    perm_p = list(range(len(pred)))
    order.shuffle(perm_g)
    order.shuffle(perm_p)

    def moved(side: Spans, perm: list[int]) -> Spans:
        return Spans.of(side.starts[perm], side.ends[perm], doc=side.doc[perm])

    # Tiers as a function of the items (not of their position): here, characters shared and exact boundaries.
    def tiers(c: Any, g: Spans, p: Spans) -> list[np.ndarray]:
        exact = (g.starts[c.gold] == p.starts[c.pred]) & (g.ends[c.gold] == p.ends[c.pred])
        return [exact.astype(np.int64), c.shared]

    def described(a: Alignment, g: Spans, p: Spans) -> list[tuple[int, ...]]:
        """The aligned pairs as what they are (items equal in every respect are interchangeable)."""
        return sorted((int(g.starts[i]), int(g.ends[i]), int(g.doc[i]), int(p.starts[j]), int(p.ends[j]))
                      for i, j in pairs(a))

    original = align(gold, pred, lambda c: tiers(c, gold, pred))
    g2, p2 = moved(gold, perm_g), moved(pred, perm_p)
    shuffled = align(g2, p2, lambda c: tiers(c, g2, p2))
    assert described(shuffled, g2, p2) == described(original, gold, pred)


# --- the entity layer on the engine --------------------------------------------------------------


@st.composite
def entity(draw: Any) -> Entity:
    start = draw(st.integers(0, 30))
    return Entity(start, draw(st.integers(start + 1, start + 12)), draw(st.sampled_from(FEW_LABELS)))


def objective(mode: Mode, chosen: list[tuple[Entity, Entity]]) -> tuple[float, int, int, int]:
    """What the alignment maximises, in order: mode credit, exact boundaries, equal labels, overlap."""
    credit = exact = same = shared = 0.0
    for g, p in chosen:
        is_exact = (g.start, g.end) == (p.start, p.end)
        is_same = g.label == p.label
        category = mode.strategy.judge(np.array([is_exact]), np.array([is_same]))[0]
        credit += {0: 1.0, 2: 0.5}.get(int(category), 0.0)
        exact += is_exact
        same += is_same
        shared += min(g.end, p.end) - max(g.start, p.start)
    return credit, int(exact), int(same), int(shared)


def entity_brute_force(mode: Mode, gold: list[Entity], pred: list[Entity]) -> tuple[float, int, int, int]:
    best = (0.0, 0, 0, 0)
    for k in range(min(len(gold), len(pred)) + 1):
        for gs in itertools.combinations(range(len(gold)), k):
            for ps in itertools.permutations(range(len(pred)), k):
                chosen = [(gold[i], pred[j]) for i, j in zip(gs, ps)]
                if all(min(g.end, p.end) > max(g.start, p.start) for g, p in chosen):
                    best = max(best, objective(mode, chosen))
    return best


@settings(max_examples=250, deadline=None)
@given(st.lists(entity(), max_size=4), st.lists(entity(), max_size=4))
def test_entity_alignment_is_optimal_in_every_mode(gold: list[Entity], pred: list[Entity]) -> None:
    gold_side, pred_side = _Side.of([gold]), _Side.of([pred])
    found = candidates(gold_side.spans(), pred_side.spans())
    exact = (gold_side.starts[found.gold] == pred_side.starts[found.pred]) & (gold_side.ends[found.gold] == pred_side.ends[found.pred])
    for mode, (g, p) in zip(MODES, _alignments(found, exact, gold_side.labels, pred_side.labels)):
        ours = objective(mode, [(gold[i], pred[j]) for i, j in zip(g.tolist(), p.tolist())])
        assert ours == entity_brute_force(mode, gold, pred), mode
        assert len(set(g.tolist())) == len(g) and len(set(p.tolist())) == len(p)  # one-to-one


@settings(max_examples=150, deadline=None)
@given(st.lists(entity(), max_size=6), st.lists(entity(), max_size=6))
def test_general_and_fast_paths_agree_on_any_data(gold: list[Entity], pred: list[Entity]) -> None:
    assert score_entities(gold, pred).counts == score_entities(gold, pred, fast=False).counts
