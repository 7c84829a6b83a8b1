"""Alignment: clusters of overlaps, lexicographic weights, and optimality against brute force."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.schema import Entity
from bench.score.align import as_int_array, clusters, lexicographic
from bench.score.entities import MODES, Mode, score_entities

from .strategies import FEW_LABELS


@st.composite
def entity(draw: Any) -> Entity:
    start = draw(st.integers(0, 30))
    return Entity(start, draw(st.integers(start + 1, start + 12)), draw(st.sampled_from(FEW_LABELS)))


def objective(mode: Mode, pairs: list[tuple[Entity, Entity]]) -> tuple[float, int, int, int]:
    """What the alignment maximises, in order: mode credit, exact boundaries, equal labels, overlap."""
    credit = exact = same = shared = 0.0
    for g, p in pairs:
        is_exact = (g.start, g.end) == (p.start, p.end)
        is_same = g.label == p.label
        category = mode.strategy.judge(np.array([is_exact]), np.array([is_same]))[0]
        credit += {0: 1.0, 2: 0.5}.get(int(category), 0.0)
        exact += is_exact
        same += is_same
        shared += min(g.end, p.end) - max(g.start, p.start)
    return credit, int(exact), int(same), int(shared)


def brute_force(mode: Mode, gold: list[Entity], pred: list[Entity]) -> tuple[float, int, int, int]:
    best = (0.0, 0, 0, 0)
    for k in range(min(len(gold), len(pred)) + 1):
        for gs in itertools.combinations(range(len(gold)), k):
            for ps in itertools.permutations(range(len(pred)), k):
                pairs = [(gold[i], pred[j]) for i, j in zip(gs, ps)]
                if all(min(g.end, p.end) > max(g.start, p.start) for g, p in pairs):
                    best = max(best, objective(mode, pairs))
    return best


@settings(max_examples=250, deadline=None)
@given(st.lists(entity(), max_size=4), st.lists(entity(), max_size=4))
def test_alignment_is_optimal_in_every_mode(gold: list[Entity], pred: list[Entity]) -> None:
    from bench.score.entities import _align_views, _separate, _Side

    gold_side, pred_side = _Side.of([gold]), _Side.of([pred])
    spans = _separate(gold_side, pred_side, 1)
    (views,) = [_align_views(clusters(*spans), spans, [(gold_side.labels, pred_side.labels)])[0]]
    for mode, (g, p) in zip(MODES, views):
        ours = objective(mode, [(gold[i], pred[j]) for i, j in zip(g.tolist(), p.tolist())])
        assert ours == brute_force(mode, gold, pred), mode
        assert len(set(g.tolist())) == len(g) and len(set(p.tolist())) == len(p)  # one-to-one


@settings(max_examples=150, deadline=None)
@given(st.lists(entity(), max_size=6), st.lists(entity(), max_size=6))
def test_general_and_fast_paths_agree_on_any_data(gold: list[Entity], pred: list[Entity]) -> None:
    assert score_entities(gold, pred).counts == score_entities(gold, pred, fast=False).counts


def test_clusters_chain_overlaps_and_keep_touching_spans_apart() -> None:
    found = clusters(as_int_array([0, 5, 20]), as_int_array([5, 10, 25]), as_int_array([4, 20]), as_int_array([6, 25]))
    # [0,5) and [5,10) touch but do not overlap; the prediction [4,6) chains them into one cluster.
    assert found.simple_gold.tolist() == [2] and found.simple_pred.tolist() == [1]
    assert [(g.tolist(), p.tolist()) for g, p in found.complex] == [([0, 1], [0])]


def test_lexicographic_weights_let_the_first_tier_dominate() -> None:
    # Row 0 may take column 0 (tier 1) or column 1 (huge tier 2): tier 1 must win even
    # against the best possible sum of later tiers.
    weights = lexicographic([[1, 0], [0, 0]], [[0, 1000], [1000, 0]])
    assert weights[0, 0] > weights[0, 1] + weights[1, 0]
