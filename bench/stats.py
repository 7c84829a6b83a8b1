"""Uncertainty for corpus-level scores, from per-document counts (never by re-scoring).

Every score newsbench reports is a ratio of sums over documents (precision =
Σ credit / Σ predicted, recall = Σ credit / Σ gold, F1 their harmonic mean), so
resampling documents only needs each document's counts: sum the counts of a
resample and apply the same pure function the point estimate uses.

* :func:`bootstrap_interval`: 95% percentile bootstrap over documents with a
  fixed seed (``scipy.stats.bootstrap``). With fewer than :data:`MIN_DOCUMENTS`
  documents no interval is given, only the reason.
* :func:`paired_bootstrap`: the interval of the difference between two systems
  scored on the same documents, resampling documents jointly.
* :func:`approximate_randomization`: two-sided p-value of the difference under
  the null that the systems are exchangeable on every document (each
  document's pair of count vectors is swapped or not; ``scipy.stats.permutation_test``
  with ``permutation_type="samples"``, exact when 2^n is at most the resample count).

A *statistic* maps summed counts, an array of shape ``(..., k)``, to an array of
shape ``(...)``; it must be vectorised over leading axes.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bench.division import f1, ratios

#: Below this many documents an interval would be misleading, so none is given.
MIN_DOCUMENTS = 5
#: Fixed seed: every interval and p-value is reproducible run to run.
SEED = 20_240_917
#: Bootstrap resamples (percentile intervals at 95% are stable to ~0.005 at this size).
RESAMPLES = 2_000
#: Random relabelings for the approximate randomization test.
PERMUTATIONS = 9_999
LEVEL = 0.95

Counts = npt.NDArray[np.float64]
Statistic = Callable[[Counts], npt.NDArray[np.float64]]

TOO_FEW = f"fewer than {MIN_DOCUMENTS} documents: no interval"
NOT_APPLICABLE = "not applicable: empty denominator"


def _value(x: float) -> float | None:
    """A statistic's value, ``None`` for NaN (not applicable)."""
    return None if np.isnan(x) else float(x)


def _resampled_bounds(
    of_indices: Callable[..., npt.NDArray[np.float64]], documents: int, *, resamples: int, seed: int, level: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The percentile bootstrap (``scipy.stats.bootstrap``, fixed seed) over document indices, as :func:`_bounds`."""
    # imported when used: ~0.45 s at start-up for commands that need no interval
    from scipy import stats as sps

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN resamples are handled in _bounds
        result = sps.bootstrap(
            (np.arange(documents),),
            of_indices,
            n_resamples=resamples,
            vectorized=True,
            confidence_level=level,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
    return _bounds(result, level)


def _bounds(result: object, level: float) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Percentile bounds of a scipy bootstrap result, over the resamples where the statistic is applicable.

    Resamples with an empty denominator (NaN) are left out; with none of them the
    bounds are scipy's own. All NaN gives NaN bounds.
    """
    low = np.asarray(result.confidence_interval.low, dtype=np.float64)  # type: ignore[attr-defined]
    high = np.asarray(result.confidence_interval.high, dtype=np.float64)  # type: ignore[attr-defined]
    distribution = np.asarray(result.bootstrap_distribution, dtype=np.float64)  # type: ignore[attr-defined]
    if not np.isnan(distribution).any():
        return low, high
    alpha = (1 - level) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN row gives NaN bounds
        low = np.nanpercentile(distribution, 100 * alpha, axis=-1)
        high = np.nanpercentile(distribution, 100 * (1 - alpha), axis=-1)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate on all documents and, when there are enough, its percentile interval.

    ``low``/``high`` are ``None`` exactly when ``note`` says why; ``value`` is ``None``
    when the statistic is not applicable (an empty denominator, :mod:`bench.division`).
    """

    value: float | None
    low: float | None
    high: float | None
    documents: int
    level: float = LEVEL
    note: str | None = None

    @property
    def has_interval(self) -> bool:
        return self.low is not None and self.high is not None


@dataclass(frozen=True, slots=True)
class Comparison:
    """System A minus system B on one statistic, over the same documents."""

    a: float | None
    b: float | None
    difference: Interval
    p_value: float | None
    test: str
    permutations: int


def as_counts(rows: npt.ArrayLike) -> Counts:
    """Per-document counts as a float array of shape ``(documents, k)``."""
    array = np.asarray(rows, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"per-document counts must be 2-D (documents, k), got shape {array.shape}")
    return array


def f1_statistic(counts: Counts) -> npt.NDArray[np.float64]:
    """F1 from summed ``[precision credit, predicted, recall credit, gold]`` (last axis).

    P = credit_p / predicted, R = credit_r / gold, F1 = 2PR / (P + R), by the rule of :mod:`bench.division`.

    >>> float(f1_statistic(np.array([3.0, 4.0, 3.0, 6.0])))
    0.6
    """
    return f1(precision_statistic(counts), recall_statistic(counts))


def precision_statistic(counts: Counts) -> npt.NDArray[np.float64]:
    """Precision = Σ credit_p / Σ predicted from ``[credit_p, predicted, credit_r, gold]``."""
    return ratios(counts[..., 0], counts[..., 1])


def recall_statistic(counts: Counts) -> npt.NDArray[np.float64]:
    """Recall = Σ credit_r / Σ gold from ``[credit_p, predicted, credit_r, gold]``."""
    return ratios(counts[..., 2], counts[..., 3])


def _on_documents(counts: Counts, statistic: Statistic) -> Callable[..., npt.NDArray[np.float64]]:
    """The statistic of the documents whose indices scipy hands over (any leading batch axes)."""

    def of_indices(indices: npt.NDArray[np.int64], axis: int = -1) -> npt.NDArray[np.float64]:
        picked = counts[np.moveaxis(np.asarray(indices), axis, -1)]  # (..., n, k)
        return statistic(picked.sum(axis=-2))

    return of_indices


def bootstrap_interval(
    counts: Counts,
    statistic: Statistic,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    level: float = LEVEL,
) -> Interval:
    """Percentile bootstrap interval of ``statistic`` over documents (rows of ``counts``).

    The point estimate is the statistic of all documents' summed counts.
    """
    counts = as_counts(counts)
    documents = counts.shape[0]
    value = _value(float(statistic(counts.sum(axis=0)))) if documents else None
    return _percentile_interval(value, documents, _on_documents(counts, statistic),
                                resamples=resamples, seed=seed, level=level)


def _percentile_interval(
    value: float | None,
    documents: int,
    of_indices: Callable[..., npt.NDArray[np.float64]],
    *,
    resamples: int,
    seed: int,
    level: float,
) -> Interval:
    """The percentile bootstrap over document indices, or no interval below MIN_DOCUMENTS.

    The interval is reported as scipy computes it, not widened to include ``value``.
    """
    if value is None:
        return Interval(None, None, None, documents, level, NOT_APPLICABLE)
    if documents < MIN_DOCUMENTS:
        return Interval(value, None, None, documents, level, TOO_FEW)
    low, high = _resampled_bounds(of_indices, documents, resamples=resamples, seed=seed, level=level)
    if np.isnan(low) or np.isnan(high):
        return Interval(value, None, None, documents, level, NOT_APPLICABLE)
    return Interval(value, float(low), float(high), documents, level)


def bootstrap_intervals(
    counts: Counts,
    statistics: Statistic,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    level: float = LEVEL,
) -> list[Interval]:
    """Like :func:`bootstrap_interval` for a statistic with ``m`` outputs: ``(..., k) → (..., m)``.

    All outputs are computed on the same resamples, so one run of the
    bootstrap serves precision, recall and F1 of every mode.
    """
    counts = as_counts(counts)
    documents = counts.shape[0]
    values = [_value(v) for v in np.atleast_1d(statistics(counts.sum(axis=0)))]
    if documents < MIN_DOCUMENTS:
        return [
            Interval(None, None, None, documents, level, NOT_APPLICABLE) if v is None
            else Interval(v, None, None, documents, level, TOO_FEW)
            for v in values
        ]

    def of_indices(indices: npt.NDArray[np.int64], axis: int = -1) -> npt.NDArray[np.float64]:
        picked = counts[np.moveaxis(np.asarray(indices), axis, -1)]
        return np.moveaxis(statistics(picked.sum(axis=-2)), -1, 0)

    lows, highs = (np.atleast_1d(b) for b in _resampled_bounds(of_indices, documents, resamples=resamples,
                                                                 seed=seed, level=level))
    return [
        Interval(None, None, None, documents, level, NOT_APPLICABLE) if v is None
        else _widened(v, float(lo), float(hi), documents, level)
        for v, lo, hi in zip(values, lows, highs, strict=True)
    ]


def _widened(value: float, low: float, high: float, documents: int, level: float) -> Interval:
    """The interval made to include ``value`` (no interval when no resample was applicable)."""
    if np.isnan(low) or np.isnan(high):
        return Interval(value, None, None, documents, level, NOT_APPLICABLE)
    return Interval(value, min(low, value), max(high, value), documents, level)


def _paired_difference(a: Counts, b: Counts, statistic: Statistic) -> Callable[..., npt.NDArray[np.float64]]:
    def of_indices(indices: npt.NDArray[np.int64], axis: int = -1) -> npt.NDArray[np.float64]:
        chosen = np.moveaxis(np.asarray(indices), axis, -1)
        return statistic(a[chosen].sum(axis=-2)) - statistic(b[chosen].sum(axis=-2))

    return of_indices


def paired_bootstrap(
    a: Counts,
    b: Counts,
    statistic: Statistic,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    level: float = LEVEL,
) -> Interval:
    """Interval of statistic(A) − statistic(B), resampling documents jointly for both systems.

    Row *i* of ``a`` and of ``b`` must be the same document.
    """
    a, b = as_counts(a), as_counts(b)
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"paired counts need the same documents: {a.shape[0]} vs {b.shape[0]} rows")
    documents = a.shape[0]
    value = _value(float(statistic(a.sum(axis=0)) - statistic(b.sum(axis=0)))) if documents else None
    return _percentile_interval(value, documents, _paired_difference(a, b, statistic),
                                resamples=resamples, seed=seed, level=level)


def approximate_randomization(
    a: Counts,
    b: Counts,
    statistic: Statistic,
    *,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
) -> float | None:
    """Two-sided p-value for statistic(A) − statistic(B) = 0 by swapping systems per document.

    Each document's two count rows are exchanged at random (all 2^n ways when
    that is at most ``permutations``, which makes the test exact). ``None``
    when there are no documents.
    """
    a, b = as_counts(a), as_counts(b)
    if a.shape != b.shape:
        raise ValueError(f"paired counts need the same shape: {a.shape} vs {b.shape}")
    documents = a.shape[0]
    if documents == 0:
        return None
    if documents == 1:
        # Two arrangements, the observed one and its swap (the same difference negated):
        # both are as extreme, so the exact two-sided p-value is 1 (scipy needs two observations).
        return 1.0
    both = np.concatenate([a, b])  # rows 0..n-1 are A's documents, n..2n-1 B's

    def difference(x: npt.NDArray[np.int64], y: npt.NDArray[np.int64], axis: int = -1) -> npt.NDArray[np.float64]:
        xs, ys = np.moveaxis(np.asarray(x), axis, -1), np.moveaxis(np.asarray(y), axis, -1)
        return statistic(both[xs].sum(axis=-2)) - statistic(both[ys].sum(axis=-2))

    from scipy import stats as sps

    result = sps.permutation_test(
        (np.arange(documents), np.arange(documents) + documents),
        difference,
        permutation_type="samples",
        vectorized=True,
        n_resamples=permutations,
        alternative="two-sided",
        rng=np.random.default_rng(seed),
    )
    return float(min(1.0, result.pvalue))


def compare(
    a: Counts,
    b: Counts,
    statistic: Statistic,
    *,
    resamples: int = RESAMPLES,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
) -> Comparison:
    """Paired bootstrap interval and approximate randomization p-value of A − B."""
    a, b = as_counts(a), as_counts(b)
    difference = paired_bootstrap(a, b, statistic, resamples=resamples, seed=seed)
    p_value = None if difference.value is None else approximate_randomization(
        a, b, statistic, permutations=permutations, seed=seed)
    exhaustive = a.shape[0] > 0 and 2 ** a.shape[0] <= permutations
    return Comparison(
        a=_value(float(statistic(a.sum(axis=0)))) if a.shape[0] else None,
        b=_value(float(statistic(b.sum(axis=0)))) if b.shape[0] else None,
        difference=difference,
        p_value=p_value,
        test="approximate randomization (exact: all 2^n swaps)" if exhaustive
        else f"approximate randomization ({permutations} random swaps)",
        permutations=2 ** a.shape[0] if exhaustive else permutations,
    )
