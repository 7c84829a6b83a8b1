"""The alignment engine: one-to-one, order-independent matching of gold and predicted items.

Every layer calls it the same way (:func:`candidates`, then :meth:`Candidates.align`
once per count it needs, or :func:`align` for a single alignment):

* each side is a :class:`Spans`: an interval per item (characters for entities and
  numbers, token indices for attribution contents), the document it belongs to,
  and sort keys that put the items of a cluster in a canonical order;
* items are grouped into *clusters of chained overlaps* (a sweep over start
  offsets; documents are laid one after another with a gap, so a corpus is one
  sweep and no item ever meets another document's); the candidate pairs are every
  (gold, predicted) pair inside a cluster;
* the caller gives *tiers*: per candidate pair, non-negative integer credits, most
  important first (e.g. "credit in this mode, then exact boundaries, then the
  largest overlap");
* the alignment is one-to-one and maximises the tiers lexicographically: a larger
  first tier always wins, whatever the later ones. A pair whose tiers are all 0 is
  never aligned, nor is a pair whose intervals share nothing.

Solving, per cluster: a cluster of one gold and one predicted item keeps its pair
(vectorised: the common case); a cluster with one item on a side takes that item's
first best partner in canonical order (vectorised over all such clusters); any other
cluster is solved by :func:`scipy.optimize.linear_sum_assignment` on its weights
(:func:`lexicographic_edges`), rows and columns in canonical order. The result thus
never depends on the input order: shuffling predictions never changes a score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
#: Non-negative integer credits, one per candidate pair (booleans count as 0 and 1).
Tier = IntArray | BoolArray

_EMPTY = np.zeros(0, dtype=np.int64)


def as_int_array(values: Sequence[int] | npt.ArrayLike) -> IntArray:
    """A 1-d int64 array."""
    return np.asarray(values, dtype=np.int64).reshape(-1)


def unmatched(n: int, matched: IntArray) -> IntArray:
    """Indices ``0..n-1`` not in ``matched``."""
    mask = np.ones(n, dtype=bool)
    mask[matched] = False
    return np.flatnonzero(mask).astype(np.int64)


def rank(keys: Sequence[Any]) -> IntArray:
    """Each item's position when the items are sorted by ``keys`` (equal keys share a position).

    >>> rank(["b", "a", "b"]).tolist()
    [1, 0, 1]
    """
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    out = np.zeros(len(keys), dtype=np.int64)
    position = 0
    for k, i in enumerate(order):
        if k and keys[i] != keys[order[k - 1]]:
            position = k
        out[i] = position
    return out


@dataclass(frozen=True, slots=True)
class Spans:
    """One side's items: intervals ``[starts, ends)``, documents, and canonical sort keys.

    Items of different documents never align. Inside a cluster items are ordered by
    ``order`` (most significant key first, then the item's index): the tie-breaking
    rule, so it must depend on the items only, never on their input order.
    """

    starts: IntArray
    ends: IntArray
    doc: IntArray
    order: tuple[IntArray, ...]

    @classmethod
    def of(
        cls,
        starts: Sequence[int] | IntArray,
        ends: Sequence[int] | IntArray,
        *,
        doc: Sequence[int] | IntArray | None = None,
        order: Sequence[Sequence[int] | IntArray] | None = None,
    ) -> Spans:
        """Spans of one document (or of ``doc``), ordered by ``order`` (default: start, then end)."""
        s, e = as_int_array(starts), as_int_array(ends)
        d = np.zeros(len(s), dtype=np.int64) if doc is None else as_int_array(doc)
        return cls(s, e, d, (s, e) if order is None else tuple(as_int_array(k) for k in order))

    def __len__(self) -> int:
        return len(self.starts)


@dataclass(frozen=True, slots=True)
class Alignment:
    """Aligned pairs: ``gold[k]`` is aligned to ``pred[k]`` (indices into the two sides); ``pair[k]``
    is their index among the candidate pairs (to read a tier's value for the aligned pairs).

    Pairs are listed by kind of cluster (one-to-one, one item on a side, larger), each kind in cluster
    order; sort by ``pair`` for plain cluster order.
    """

    gold: IntArray
    pred: IntArray
    pair: IntArray

    def __iter__(self) -> Iterator[IntArray]:
        """``g, p = alignment``."""
        return iter((self.gold, self.pred))

    def __len__(self) -> int:
        return len(self.gold)


def _separate(gold: Spans, pred: Spans) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Offsets moved so that documents lie one after another with a gap: no span of one document
    can overlap or touch a span of another, and clustering runs once over the whole corpus."""
    n_docs = int(max(gold.doc.max(initial=-1), pred.doc.max(initial=-1))) + 1
    if n_docs <= 1:
        return gold.starts, gold.ends, pred.starts, pred.ends
    lo = np.full(n_docs, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(n_docs, np.iinfo(np.int64).min, dtype=np.int64)
    for side in (gold, pred):
        np.minimum.at(lo, side.doc, side.starts)
        np.maximum.at(hi, side.doc, side.ends)
    empty = lo > hi
    lo[empty], hi[empty] = 0, 0
    base = np.concatenate([[0], np.cumsum(hi - lo + 1)[:-1]]).astype(np.int64)
    shift = base - lo
    return (gold.starts + shift[gold.doc], gold.ends + shift[gold.doc],
            pred.starts + shift[pred.doc], pred.ends + shift[pred.doc])


@dataclass(frozen=True, slots=True)
class _Clusters:
    """Clusters of chained overlaps: one-to-one ones as pairs; of the others (with items on both sides),
    each side's items cluster by cluster (a cluster's items in index order) and their counts per cluster."""

    simple_gold: IntArray
    simple_pred: IntArray
    complex_gold: IntArray
    complex_pred: IntArray
    rows: IntArray  # gold items of each complex cluster
    cols: IntArray  # predicted items of each complex cluster


def _by_start_then_end(starts: IntArray, ends: IntArray) -> IntArray:
    """An order of the spans by start, then end (``np.lexsort((ends, starts))`` up to the order of equal
    spans), from one sort of a combined key when it fits in 63 bits (offsets here are non-negative).

    Each side usually comes in reading order (gold files, most systems), so the key is a few sorted runs:
    then a merge sort (numpy's stable sort finds the runs) takes a quarter of the time of the default
    quicksort on 600,000 spans, which stays the choice for keys in no particular order (where it is
    faster, about 2.5x).
    """
    if len(starts) and int(starts.min()) >= 0 and int(ends.min()) >= 0:
        width = int(ends.max()) + 1
        if (int(starts.max()) + 1) * width < 2**62:
            key = starts * width + ends
            descents = int(np.count_nonzero(key[1:] < key[:-1]))
            return np.argsort(key, kind="stable" if descents <= len(key) // 64 else None)
    return np.lexsort((ends, starts))


def _clusters(gs: IntArray, ge: IntArray, ps: IntArray, pe: IntArray) -> _Clusters:
    """Group spans of both sides into clusters of chained overlaps (vectorised sweep)."""
    n_gold, n_pred = len(gs), len(ps)
    if n_gold == 0 or n_pred == 0:
        return _Clusters(_EMPTY, _EMPTY, _EMPTY, _EMPTY, _EMPTY, _EMPTY)
    # Each corpus-sized temporary is dropped (or overwritten in place) as soon as it has served: this
    # sweep held the scorer's peak memory.
    starts = np.concatenate([gs, ps])
    ends = np.concatenate([ge, pe])
    order = _by_start_then_end(starts, ends)
    s, reach = starts[order], ends[order]
    del starts, ends
    np.maximum.accumulate(reach, out=reach)  # the furthest end so far, in place of the sorted ends
    new = np.empty(len(s), dtype=bool)
    new[0] = True
    np.greater_equal(s[1:], reach[:-1], out=new[1:])
    del s, reach
    cluster_of_sorted = np.cumsum(new, dtype=np.int64)
    del new
    cluster_of_sorted -= 1
    n_clusters = int(cluster_of_sorted[-1]) + 1
    cluster = np.empty_like(cluster_of_sorted)
    cluster[order] = cluster_of_sorted
    del order, cluster_of_sorted
    gold_cluster, pred_cluster = cluster[:n_gold], cluster[n_gold:]
    gold_count = np.bincount(gold_cluster, minlength=n_clusters)
    pred_count = np.bincount(pred_cluster, minlength=n_clusters)
    simple = (gold_count == 1) & (pred_count == 1)
    # Each simple cluster holds one item of each side: list them by cluster id, paired.
    simple_ids = np.flatnonzero(simple)
    gold_simple, pred_simple = np.zeros(n_clusters, dtype=np.int64), np.zeros(n_clusters, dtype=np.int64)
    on_gold, on_pred = np.flatnonzero(simple[gold_cluster]), np.flatnonzero(simple[pred_cluster])
    gold_simple[gold_cluster[on_gold]] = on_gold
    pred_simple[pred_cluster[on_pred]] = on_pred
    hard = (gold_count >= 1) & (pred_count >= 1) & ~simple
    on_gold, on_pred = np.flatnonzero(hard[gold_cluster]), np.flatnonzero(hard[pred_cluster])
    hard_ids = np.flatnonzero(hard)
    return _Clusters(
        gold_simple[simple_ids], pred_simple[simple_ids],
        on_gold[np.argsort(gold_cluster[on_gold], kind="stable")].astype(np.int64),
        on_pred[np.argsort(pred_cluster[on_pred], kind="stable")].astype(np.int64),
        gold_count[hard_ids].astype(np.int64), pred_count[hard_ids].astype(np.int64),
    )


def _members(items: IntArray, sizes: IntArray, order: tuple[IntArray, ...]) -> IntArray:
    """``items``, listed group by group (``sizes`` items each), each group sorted into canonical order."""
    group = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    keys = tuple(k[items] for k in reversed(order))
    return items[np.lexsort((*keys, group))].astype(np.int64)


@dataclass(frozen=True, slots=True, eq=False)
class Candidates:
    """The candidate pairs of two sides: every (gold, pred) pair inside a cluster of overlaps.

    Pairs ``0 .. n_simple-1`` are the clusters of one gold and one predicted item;
    the rest are the larger clusters' pairs, cluster by cluster, row-major with rows
    and columns in canonical order (so pair ``first[c] + k`` of cluster ``c`` is row
    ``k // cols[c]``, column ``k % cols[c]``). ``shared`` is the length both
    intervals of a pair cover (0 for pairs of a cluster that do not overlap).
    """

    gold: IntArray
    pred: IntArray
    shared: IntArray
    n_simple: int
    cluster: IntArray  # of each complex pair (index into rows, cols, first)
    rows: IntArray
    cols: IntArray
    first: IntArray  # each complex cluster's first pair, counted from n_simple
    _simple: Alignment

    def __len__(self) -> int:
        return len(self.gold)

    def align(self, *tiers: Tier) -> Alignment:
        """The one-to-one alignment maximising ``tiers`` (arrays over the pairs, most important first)."""
        ns = self.n_simple
        keep = tiers[-1][:ns] > 0
        for tier in tiers[-2::-1]:
            if keep.all():
                break
            keep |= tier[:ns] > 0
        simple = self._simple if keep.all() else Alignment(*(a[keep] for a in (self._simple.gold, self._simple.pred, self._simple.pair)))
        if len(self.rows) == 0:
            return simple
        touching = self.shared[ns:] > 0  # pairs of a cluster that share nothing are never aligned
        rest = tuple(np.asarray(t[ns:], dtype=np.int64) * touching for t in tiers)
        chosen = ns + self._best(lexicographic_edges(self.cluster, self.rows, self.cols, *rest))
        return Alignment(np.concatenate([simple.gold, self.gold[chosen]]), np.concatenate([simple.pred, self.pred[chosen]]),
                         np.concatenate([simple.pair, chosen]))

    def _best(self, weights: npt.NDArray[np.float64]) -> IntArray:
        """Per complex cluster, the maximum-weight one-to-one matching (pairs of weight 0 dropped), as
        complex pair numbers (from 0): the clusters with one item on a side first, then the others."""
        line = (self.rows == 1) | (self.cols == 1)
        on_line = line[self.cluster]
        picked: list[IntArray] = []
        if on_line.any():
            idx = np.flatnonzero(on_line)
            ranked = idx[np.lexsort((idx, -weights[idx], self.cluster[idx]))]
            head = np.ones(len(ranked), dtype=bool)
            head[1:] = self.cluster[ranked][1:] != self.cluster[ranked][:-1]
            best = ranked[head]
            picked.append(best[weights[best] > 0])
        general = np.flatnonzero(~line).tolist()
        if general:  # imported here: scipy.optimize costs ~0.25 s at start-up, and most corpora never need it
            from scipy.optimize import linear_sum_assignment
        for c in general:
            start, rows, cols = int(self.first[c]), int(self.rows[c]), int(self.cols[c])
            matrix = weights[start : start + rows * cols].reshape(rows, cols)
            r, k = linear_sum_assignment(matrix, maximize=True)
            keep = matrix[r, k] > 0
            picked.append(start + r[keep].astype(np.int64) * cols + k[keep].astype(np.int64))
        return np.concatenate(picked).astype(np.int64) if picked else _EMPTY


def candidates(gold: Spans, pred: Spans, *, general: bool = False) -> Candidates:
    """The clusters of overlaps of ``gold`` and ``pred`` and their candidate pairs (vectorised).

    ``general=True`` lists one-to-one clusters as larger ones (for tests: both paths must agree).
    """
    gs, ge, ps, pe = _separate(gold, pred)
    found = _clusters(gs, ge, ps, pe)
    simple_gold, simple_pred = found.simple_gold, found.simple_pred
    complex_gold, complex_pred, rows, cols = found.complex_gold, found.complex_pred, found.rows, found.cols
    if general:  # every one-to-one cluster as a complex cluster of its own, before the others
        ones = np.ones(len(simple_gold), dtype=np.int64)
        complex_gold, complex_pred = np.concatenate([simple_gold, complex_gold]), np.concatenate([simple_pred, complex_pred])
        rows, cols = np.concatenate([ones, rows]), np.concatenate([ones, cols])
        simple_gold, simple_pred = _EMPTY, _EMPTY
    if len(rows):
        gold_items = _members(complex_gold, rows, gold.order)
        pred_items = _members(complex_pred, cols, pred.order)
        gold_first = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64)
        pred_first = np.concatenate([[0], np.cumsum(cols)[:-1]]).astype(np.int64)
        sizes = rows * cols
        first = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        cluster = np.repeat(np.arange(len(rows), dtype=np.int64), sizes)
        k = np.arange(int(sizes.sum()), dtype=np.int64) - first[cluster]
        g_complex = gold_items[gold_first[cluster] + k // cols[cluster]]
        p_complex = pred_items[pred_first[cluster] + k % cols[cluster]]
    else:
        first = cluster = g_complex = p_complex = _EMPTY
    g = np.concatenate([simple_gold, g_complex]).astype(np.int64)
    p = np.concatenate([simple_pred, p_complex]).astype(np.int64)
    shared = np.maximum(np.minimum(ge[g], pe[p]) - np.maximum(gs[g], ps[p]), 0)
    simple = Alignment(simple_gold, simple_pred, np.arange(len(simple_gold), dtype=np.int64))
    return Candidates(g, p, shared, len(simple_gold), cluster, rows, cols, first, simple)


def align(gold: Spans, pred: Spans, tiers: Callable[[Candidates], Sequence[Tier]]) -> Alignment:
    """The one-to-one alignment of ``gold`` and ``pred`` maximising ``tiers(candidates)`` lexicographically.

    >>> gold = Spans.of([0, 10], [5, 15])
    >>> pred = Spans.of([1, 3, 12], [4, 5, 14])
    >>> a = align(gold, pred, lambda c: [c.shared])  # most characters shared
    >>> a.gold.tolist(), a.pred.tolist()
    ([1, 0], [2, 0])
    """
    found = candidates(gold, pred)
    return found.align(*tiers(found))


def lexicographic_edges(cluster: IntArray, rows: IntArray, cols: IntArray, *tiers: Tier) -> npt.NDArray[np.float64]:
    """One weight per pair combining non-negative integer tiers (most important first), per cluster.

    Each tier's base exceeds the largest total of all later tiers over a matching of
    the cluster (at most ``min(rows, cols)`` pairs), so a larger first tier always
    wins. Weights are exact integers in float64 unless a cluster's total would exceed
    2**52, in which case only its least important tiers may lose precision.

    >>> lexicographic_edges(as_int_array([0, 0]), as_int_array([1]), as_int_array([2]),
    ...                     as_int_array([1, 0]), as_int_array([0, 9])).tolist()
    [10.0, 9.0]
    """
    n_clusters = len(rows)
    n = np.maximum(1, np.minimum(rows, cols)).astype(np.float64)
    base = np.ones(n_clusters, dtype=np.float64)
    total = np.zeros(len(cluster), dtype=np.float64)
    for tier in reversed(tiers):
        total += tier * base[cluster]
        peak = np.zeros(n_clusters, dtype=np.int64)
        np.maximum.at(peak, cluster, tier)
        base = base * (n * peak + 1)
    return total
