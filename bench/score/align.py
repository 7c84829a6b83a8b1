"""One-to-one, order-independent alignment of gold and predicted spans.

Spans on both sides are grouped into clusters of chained overlaps (a sweep over
start offsets). A cluster holding exactly one gold and one predicted span is
aligned directly (vectorised: the common case); any larger cluster is solved as
an assignment problem with :func:`scipy.optimize.linear_sum_assignment` on a
weight matrix the caller supplies. Weights encode preferences lexicographically
(:func:`lexicographic`): e.g. "credit in this mode, then exact boundaries, then
the largest overlap". Pairs of weight 0 are never aligned.

Items inside a large cluster are put in a canonical order (by offsets, then the
caller's key) before solving, so the result does not depend on input order:
shuffling predictions never changes a score.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
#: ``weights(gold_indices, pred_indices)`` → matrix ``len(gold) × len(pred)`` of non-negative weights.
WeightFn = Callable[[IntArray, IntArray], npt.NDArray[np.int64]]
#: Sort key of an item (by index) that breaks ties between equal offsets.
KeyFn = Callable[[int], Hashable]

_EMPTY = np.zeros(0, dtype=np.int64)


def as_int_array(values: Sequence[int] | npt.ArrayLike) -> IntArray:
    """A 1-d int64 array."""
    return np.asarray(values, dtype=np.int64).reshape(-1)


def overlaps(gs: IntArray, ge: IntArray, ps: IntArray, pe: IntArray) -> IntArray:
    """Matrix of characters shared by each gold span (rows) and predicted span (columns).

    >>> overlaps(as_int_array([0, 10]), as_int_array([5, 12]), as_int_array([3]), as_int_array([11])).tolist()
    [[2], [1]]
    """
    shared: IntArray = np.minimum(ge[:, None], pe[None, :]) - np.maximum(gs[:, None], ps[None, :])
    out: IntArray = np.maximum(shared, 0)
    return out


def lexicographic(*tiers: npt.ArrayLike) -> npt.NDArray[np.int64] | npt.NDArray[np.float64]:
    """Combine non-negative integer tiers (most important first) into one weight matrix.

    A matching with a larger first tier always wins, whatever the later tiers:
    each tier's base exceeds the largest possible total of all later tiers over a
    matching (at most ``min(rows, cols)`` pairs). Entries where every tier is 0
    stay 0. If the weights would exceed 2**52 they are computed in float64 and
    the least important tiers may lose precision (never the order of the first).

    >>> lexicographic([[1, 0]], [[0, 9]]).tolist()
    [[10, 9]]
    """
    arrays = [np.asarray(t, dtype=np.int64) for t in tiers]
    shape = arrays[0].shape
    n = max(1, min(shape)) if len(shape) == 2 else 1
    bases: list[int] = []
    base = 1
    for tier in reversed(arrays):
        bases.append(base)
        base *= n * int(tier.max(initial=0)) + 1
    bases.reverse()
    if base < 2**52:
        total = np.zeros(shape, dtype=np.int64)
        for tier, weight in zip(arrays, bases):
            total += tier * weight
        return total
    as_float = np.zeros(shape, dtype=np.float64)
    for tier, weight in zip(arrays, bases):
        as_float += tier.astype(np.float64) * float(weight)
    return as_float


@dataclass(frozen=True, slots=True)
class Clusters:
    """Clusters of chained overlaps between two sides.

    ``simple_gold[k]`` and ``simple_pred[k]`` form a cluster of exactly one gold
    and one predicted span (which therefore overlap); ``complex`` lists the
    (gold indices, pred indices) of every cluster with more than one item on a
    side and at least one on each. Items outside all of these overlap nothing on
    the other side.
    """

    simple_gold: IntArray
    simple_pred: IntArray
    complex: tuple[tuple[IntArray, IntArray], ...]

    def general(self) -> Clusters:
        """The same clusters with the one-to-one ones listed as complex (to exercise the general path)."""
        simple = tuple((self.simple_gold[k : k + 1], self.simple_pred[k : k + 1]) for k in range(len(self.simple_gold)))
        return Clusters(_EMPTY, _EMPTY, simple + self.complex)


def clusters(gs: IntArray, ge: IntArray, ps: IntArray, pe: IntArray) -> Clusters:
    """Group spans of both sides into clusters of chained overlaps (vectorised sweep).

    >>> c = clusters(as_int_array([0, 10]), as_int_array([5, 15]), as_int_array([1, 9, 12]), as_int_array([4, 11, 14]))
    >>> c.simple_gold.tolist(), c.simple_pred.tolist(), [(g.tolist(), p.tolist()) for g, p in c.complex]
    ([0], [0], [([1], [1, 2])])
    """
    n_gold, n_pred = len(gs), len(ps)
    if n_gold == 0 or n_pred == 0:
        return Clusters(_EMPTY, _EMPTY, ())
    starts = np.concatenate([gs, ps])
    ends = np.concatenate([ge, pe])
    order = np.lexsort((ends, starts))
    s, e = starts[order], ends[order]
    reach = np.maximum.accumulate(e)
    new = np.empty(len(s), dtype=bool)
    new[0] = True
    new[1:] = s[1:] >= reach[:-1]
    cluster_of_sorted = np.cumsum(new) - 1
    cluster = np.empty_like(cluster_of_sorted)
    cluster[order] = cluster_of_sorted
    gold_cluster, pred_cluster = cluster[:n_gold], cluster[n_gold:]
    n_clusters = int(cluster_of_sorted[-1]) + 1
    gold_count = np.bincount(gold_cluster, minlength=n_clusters)
    pred_count = np.bincount(pred_cluster, minlength=n_clusters)
    simple = (gold_count == 1) & (pred_count == 1)
    gold_simple = np.flatnonzero(simple[gold_cluster])
    pred_simple = np.flatnonzero(simple[pred_cluster])
    # Both sides list their simple clusters' items; pair them by cluster id.
    gold_simple = gold_simple[np.argsort(gold_cluster[gold_simple], kind="stable")]
    pred_simple = pred_simple[np.argsort(pred_cluster[pred_simple], kind="stable")]
    hard = np.flatnonzero((gold_count >= 1) & (pred_count >= 1) & ~simple)
    complex_clusters: list[tuple[IntArray, IntArray]] = []
    if len(hard):
        gold_by = np.argsort(gold_cluster, kind="stable")
        pred_by = np.argsort(pred_cluster, kind="stable")
        gold_bounds = np.searchsorted(gold_cluster[gold_by], [hard, hard + 1])
        pred_bounds = np.searchsorted(pred_cluster[pred_by], [hard, hard + 1])
        for k in range(len(hard)):
            complex_clusters.append(
                (
                    gold_by[gold_bounds[0, k] : gold_bounds[1, k]].astype(np.int64),
                    pred_by[pred_bounds[0, k] : pred_bounds[1, k]].astype(np.int64),
                )
            )
    return Clusters(gold_simple.astype(np.int64), pred_simple.astype(np.int64), tuple(complex_clusters))


def canonical(indices: IntArray, starts: IntArray, ends: IntArray, key: KeyFn | None) -> IntArray:
    """``indices`` sorted by (start, end, key(index)): an order independent of the input order."""
    items = [(int(starts[i]), int(ends[i]), key(int(i)) if key else 0, int(i)) for i in indices]
    items.sort(key=lambda t: t[:3])  # ties beyond the key are identical items: any order is equivalent
    return as_int_array([t[3] for t in items])


def assign(weights: npt.NDArray[np.int64] | npt.NDArray[np.float64]) -> tuple[IntArray, IntArray]:
    """Rows and columns of a maximum-weight one-to-one matching, keeping only pairs of positive weight."""
    if weights.size == 0:
        return _EMPTY, _EMPTY
    rows, cols = linear_sum_assignment(weights, maximize=True)
    keep = weights[rows, cols] > 0
    return rows[keep].astype(np.int64), cols[keep].astype(np.int64)


def solve(
    found: Clusters,
    spans: tuple[IntArray, IntArray, IntArray, IntArray],
    weights: WeightFn,
    *,
    gold_key: KeyFn | None = None,
    pred_key: KeyFn | None = None,
) -> tuple[IntArray, IntArray]:
    """Aligned ``(gold indices, pred indices)``: simple clusters as they are, complex ones by assignment.

    ``spans`` is ``(gold starts, gold ends, pred starts, pred ends)``.
    """
    gs, ge, ps, pe = spans
    gold_parts = [found.simple_gold]
    pred_parts = [found.simple_pred]
    for gold_idx, pred_idx in found.complex:
        g = canonical(gold_idx, gs, ge, gold_key)
        p = canonical(pred_idx, ps, pe, pred_key)
        rows, cols = assign(weights(g, p))
        gold_parts.append(g[rows])
        pred_parts.append(p[cols])
    return np.concatenate(gold_parts).astype(np.int64), np.concatenate(pred_parts).astype(np.int64)


def unmatched(n: int, matched: IntArray) -> IntArray:
    """Indices ``0..n-1`` not in ``matched``."""
    mask = np.ones(n, dtype=bool)
    mask[matched] = False
    return np.flatnonzero(mask).astype(np.int64)


# --- vectorised assignment over many small clusters -----------------------------------------------


@dataclass(frozen=True, slots=True)
class Edges:
    """Every (gold, pred) pair inside the complex clusters, cluster by cluster, row-major.

    Items of a cluster are in canonical order (offsets, then the caller's key), so
    edge ``k`` of a cluster with ``cols[c]`` predictions is row ``k // cols[c]``,
    column ``k % cols[c]``. ``first[c]`` is the cluster's first edge.
    """

    gold: IntArray
    pred: IntArray
    cluster: IntArray
    rows: IntArray
    cols: IntArray
    first: IntArray

    def __len__(self) -> int:
        return len(self.gold)


def _members(groups: Sequence[IntArray], starts: IntArray, ends: IntArray, key: IntArray) -> tuple[IntArray, IntArray]:
    """Items of every group, concatenated group by group in canonical order, and their group numbers."""
    items = np.concatenate(groups) if groups else _EMPTY
    group = np.repeat(np.arange(len(groups), dtype=np.int64), [len(x) for x in groups])
    order = np.lexsort((key[items], ends[items], starts[items], group))
    return items[order].astype(np.int64), group[order]


def edges(found: Clusters, spans: tuple[IntArray, IntArray, IntArray, IntArray], gold_key: IntArray, pred_key: IntArray) -> Edges:
    """All candidate pairs of the complex clusters of ``found`` (vectorised)."""
    gs, ge, ps, pe = spans
    gold_items, _ = _members([g for g, _ in found.complex], gs, ge, gold_key)
    pred_items, _ = _members([p for _, p in found.complex], ps, pe, pred_key)
    rows = as_int_array([len(g) for g, _ in found.complex])
    cols = as_int_array([len(p) for _, p in found.complex])
    gold_first = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64)
    pred_first = np.concatenate([[0], np.cumsum(cols)[:-1]]).astype(np.int64)
    sizes = rows * cols
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    cluster = np.repeat(np.arange(len(rows), dtype=np.int64), sizes)
    k = np.arange(int(sizes.sum()), dtype=np.int64) - first[cluster]
    row, col = k // cols[cluster], k % cols[cluster]
    return Edges(
        gold_items[gold_first[cluster] + row],
        pred_items[pred_first[cluster] + col],
        cluster,
        rows,
        cols,
        first,
    )


def lexicographic_edges(found: Edges, *tiers: IntArray) -> npt.NDArray[np.float64]:
    """:func:`lexicographic` per cluster, on edge arrays: one weight per edge.

    Bases are computed per cluster (from its size and its tiers' maxima), so
    weights are exact integers in float64 unless a cluster's total would exceed
    2**52, in which case only its least important tiers may lose precision.
    """
    n_clusters = len(found.rows)
    n = np.maximum(1, np.minimum(found.rows, found.cols)).astype(np.float64)
    base = np.ones(n_clusters, dtype=np.float64)
    total = np.zeros(len(found), dtype=np.float64)
    for tier in reversed(tiers):
        total += tier * base[found.cluster]
        peak = np.zeros(n_clusters, dtype=np.int64)
        np.maximum.at(peak, found.cluster, tier)
        base = base * (n * peak + 1)
    return total


def best_edges(found: Edges, weights: npt.NDArray[np.float64]) -> tuple[IntArray, IntArray]:
    """Maximum-weight one-to-one matching in every cluster (pairs of weight 0 dropped).

    A cluster with a single row or column takes its first maximum in canonical
    order, all such clusters at once; larger ones go through
    :func:`scipy.optimize.linear_sum_assignment` one by one.
    """
    line = (found.rows == 1) | (found.cols == 1)
    on_line = line[found.cluster]
    picked: list[IntArray] = []
    if on_line.any():
        idx = np.flatnonzero(on_line)
        order = np.lexsort((idx, -weights[idx], found.cluster[idx]))
        ranked = idx[order]
        head = np.ones(len(ranked), dtype=bool)
        head[1:] = found.cluster[ranked][1:] != found.cluster[ranked][:-1]
        best = ranked[head]
        picked.append(best[weights[best] > 0])
    for c in np.flatnonzero(~line).tolist():
        start, rows, cols = int(found.first[c]), int(found.rows[c]), int(found.cols[c])
        matrix = weights[start : start + rows * cols].reshape(rows, cols)
        r, k = assign(matrix)
        picked.append(start + r * cols + k)
    chosen = np.concatenate(picked) if picked else _EMPTY
    return found.gold[chosen], found.pred[chosen]
