"""Bootstrap intervals and paired tests from per-document counts (bench.stats).

Counts rows are ``[precision credit, predicted, recall credit, gold]`` per document.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bench import stats


def corpus(documents: int, *, seed: int = 1) -> np.ndarray:
    """Per-document counts of a plausible system: 0-9 gold items, a noisy share found, some spurious."""
    rng = np.random.default_rng(seed)
    gold = rng.integers(1, 10, documents)
    found = rng.binomial(gold, 0.7)
    spurious = rng.integers(0, 3, documents)
    return np.stack([found, found + spurious, found, gold], axis=1).astype(float)


def hand_f1(rows: np.ndarray) -> float:
    credit_p, predicted, credit_r, gold = rows.sum(axis=0)
    precision, recall = credit_p / predicted, credit_r / gold
    return float(2 * precision * recall / (precision + recall))


# --- the statistics themselves -------------------------------------------------------------------


def test_f1_statistic_is_the_harmonic_mean_of_ratio_of_sums() -> None:
    # P = 3/4, R = 3/6 -> F1 = 2 * .75 * .5 / 1.25 = 0.6
    assert stats.f1_statistic(np.array([3.0, 4.0, 3.0, 6.0])) == pytest.approx(0.6)
    assert stats.precision_statistic(np.array([3.0, 4.0, 3.0, 6.0])) == pytest.approx(0.75)
    assert stats.recall_statistic(np.array([3.0, 4.0, 3.0, 6.0])) == pytest.approx(0.5)


def test_f1_is_zero_with_gold_and_no_predictions_and_not_applicable_with_neither() -> None:
    assert float(stats.f1_statistic(np.array([0.0, 0.0, 0.0, 5.0]))) == 0.0
    assert np.isnan(stats.precision_statistic(np.array([0.0, 0.0, 0.0, 5.0])))
    assert np.isnan(stats.f1_statistic(np.array([0.0, 0.0, 0.0, 0.0])))


def test_resamples_where_the_statistic_is_not_applicable_are_left_out_of_the_interval() -> None:
    # Precision over 10 documents of which only the first has predictions (2 of 4 right):
    # every resample that contains it gives 0.5, the rest are not applicable.
    rows = np.zeros((10, 4))
    rows[0] = [2.0, 4.0, 2.0, 4.0]
    rows[1:, 3] = 1.0
    interval = stats.bootstrap_interval(rows, stats.precision_statistic)
    assert (interval.value, interval.low, interval.high) == (0.5, 0.5, 0.5)


def test_f1_statistic_is_vectorised_over_leading_axes() -> None:
    rows = corpus(7)
    assert stats.f1_statistic(rows).shape == (7,)
    assert stats.f1_statistic(rows[None, :, :]).shape == (1, 7)


# --- bootstrap interval --------------------------------------------------------------------------


def test_point_estimate_is_the_corpus_score_and_lies_inside_the_interval() -> None:
    rows = corpus(20)
    interval = stats.bootstrap_interval(rows, stats.f1_statistic)
    assert interval.value == pytest.approx(hand_f1(rows))
    assert interval.low is not None and interval.high is not None
    assert interval.low <= interval.value <= interval.high
    assert interval.low < interval.high
    assert interval.documents == 20 and interval.note is None


def test_interval_narrows_with_more_documents() -> None:
    widths = []
    for documents in (10, 40, 160, 640):
        interval = stats.bootstrap_interval(corpus(documents), stats.f1_statistic)
        assert interval.low is not None and interval.high is not None
        widths.append(interval.high - interval.low)
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] < widths[0] / 4  # ~1/sqrt(n): 64x the documents, about 8x narrower


def test_same_documents_repeated_give_a_narrower_interval_around_the_same_value() -> None:
    rows = corpus(10)
    few = stats.bootstrap_interval(rows, stats.f1_statistic)
    many = stats.bootstrap_interval(np.tile(rows, (8, 1)), stats.f1_statistic)
    assert many.value == pytest.approx(few.value)
    assert few.low is not None and few.high is not None and many.low is not None and many.high is not None
    assert many.high - many.low < few.high - few.low


def test_fewer_than_five_documents_give_no_interval_and_say_so() -> None:
    rows = corpus(4)
    interval = stats.bootstrap_interval(rows, stats.f1_statistic)
    assert interval.low is None and interval.high is None and not interval.has_interval
    assert interval.note == "fewer than 5 documents: no interval"
    assert interval.value == pytest.approx(hand_f1(rows))


def test_no_documents_at_all() -> None:
    interval = stats.bootstrap_interval(np.zeros((0, 4)), stats.f1_statistic)
    assert interval.value is None and interval.documents == 0 and not interval.has_interval


def test_a_perfect_system_has_a_degenerate_interval_at_one() -> None:
    gold = corpus(12)[:, 3]
    rows = np.stack([gold, gold, gold, gold], axis=1)
    interval = stats.bootstrap_interval(rows, stats.f1_statistic)
    assert (interval.low, interval.value, interval.high) == (1.0, 1.0, 1.0)


def test_fixed_seed_makes_intervals_reproducible() -> None:
    rows = corpus(30)
    assert stats.bootstrap_interval(rows, stats.f1_statistic) == stats.bootstrap_interval(rows, stats.f1_statistic)


def test_interval_agrees_with_a_plain_numpy_percentile_bootstrap() -> None:
    """An independent implementation (own resampling loop) gives the same interval up to Monte Carlo noise."""
    rows = corpus(200)
    rng = np.random.default_rng(7)
    picks = rng.integers(0, len(rows), size=(4000, len(rows)))
    values = [hand_f1(rows[pick]) for pick in picks]
    low, high = np.percentile(values, [2.5, 97.5])
    interval = stats.bootstrap_interval(rows, stats.f1_statistic)
    assert interval.low == pytest.approx(low, abs=0.01)
    assert interval.high == pytest.approx(high, abs=0.01)


def test_counts_must_be_two_dimensional() -> None:
    with pytest.raises(ValueError, match="2-D"):
        stats.bootstrap_interval(np.zeros(4), stats.f1_statistic)


# --- paired comparison ---------------------------------------------------------------------------


def brute_force_randomization_p(a: np.ndarray, b: np.ndarray) -> float:
    """Exact two-sided p-value: enumerate every per-document swap of A's and B's counts."""
    observed = abs(hand_f1(a) - hand_f1(b))
    at_least = 0
    swaps = list(itertools.product((False, True), repeat=len(a)))
    for swap in swaps:
        mask = np.array(swap)[:, None]
        x, y = np.where(mask, b, a), np.where(mask, a, b)
        at_least += abs(hand_f1(x) - hand_f1(y)) >= observed - 1e-12
    return at_least / len(swaps)


def test_exact_randomization_p_value_matches_brute_force_enumeration() -> None:
    a = corpus(9, seed=3)
    b = a.copy()
    b[:, 0] = np.maximum(b[:, 0] - 1, 0)  # B finds one item fewer per document
    b[:, 2] = b[:, 0]
    p = stats.approximate_randomization(a, b, stats.f1_statistic)
    assert p == pytest.approx(brute_force_randomization_p(a, b))


def test_identical_systems_do_not_differ() -> None:
    rows = corpus(15)
    result = stats.compare(rows, rows.copy(), stats.f1_statistic)
    assert result.difference.value == 0.0
    assert (result.difference.low, result.difference.high) == (0.0, 0.0)
    assert result.p_value == 1.0


def test_a_clearly_better_system_is_significant_and_its_interval_excludes_zero() -> None:
    gold = corpus(60, seed=5)[:, 3]
    good = np.stack([gold, gold, gold, gold], axis=1)
    half = np.floor(gold / 2)
    bad = np.stack([half, gold, half, gold], axis=1)
    result = stats.compare(good, bad, stats.f1_statistic)
    assert result.a == 1.0 and result.b == pytest.approx(hand_f1(bad))
    assert result.difference.value == pytest.approx(1.0 - hand_f1(bad))
    assert result.difference.low is not None and result.difference.low > 0
    assert result.p_value is not None and result.p_value < 0.01
    assert "random swaps" in result.test and result.permutations == stats.PERMUTATIONS


def test_small_comparisons_are_exact_and_say_so() -> None:
    a, b = corpus(6, seed=2), corpus(6, seed=9)
    b[:, 3] = a[:, 3]
    result = stats.compare(a, b, stats.f1_statistic)
    assert result.permutations == 64 and "exact" in result.test


def test_paired_bootstrap_contains_the_observed_difference() -> None:
    a, b = corpus(25, seed=1), corpus(25, seed=2)
    interval = stats.paired_bootstrap(a, b, stats.f1_statistic)
    assert interval.value == pytest.approx(hand_f1(a) - hand_f1(b))
    assert interval.low is not None and interval.high is not None
    assert interval.low <= interval.value <= interval.high


def test_paired_interval_agrees_with_a_plain_numpy_joint_resampling() -> None:
    """Own loop: the same documents are drawn for both systems, then F1(A) − F1(B) per resample."""
    a, b = corpus(200, seed=3), corpus(200, seed=4)
    rng = np.random.default_rng(11)
    picks = rng.integers(0, len(a), size=(4000, len(a)))
    values = [hand_f1(a[pick]) - hand_f1(b[pick]) for pick in picks]
    low, high = np.percentile(values, [2.5, 97.5])
    interval = stats.paired_bootstrap(a, b, stats.f1_statistic)
    assert interval.low == pytest.approx(low, abs=0.01)
    assert interval.high == pytest.approx(high, abs=0.01)


def test_paired_comparison_of_four_documents_gives_no_interval_but_a_p_value() -> None:
    a, b = corpus(4, seed=1), corpus(4, seed=2)
    result = stats.compare(a, b, stats.f1_statistic)
    assert not result.difference.has_interval and result.difference.note == stats.TOO_FEW
    assert result.p_value is not None


def test_paired_counts_must_cover_the_same_documents() -> None:
    with pytest.raises(ValueError, match="same"):
        stats.compare(corpus(5), corpus(6), stats.f1_statistic)


def test_many_statistics_share_resamples_and_match_single_runs() -> None:
    rows = corpus(30)

    def prf(counts: np.ndarray) -> np.ndarray:
        return np.stack([stats.precision_statistic(counts), stats.recall_statistic(counts),
                         stats.f1_statistic(counts)], axis=-1)

    precision, recall, f1 = stats.bootstrap_intervals(rows, prf)
    assert f1 == stats.bootstrap_interval(rows, stats.f1_statistic)
    assert precision == stats.bootstrap_interval(rows, stats.precision_statistic)
    assert recall.value == pytest.approx(float(stats.recall_statistic(rows.sum(axis=0))))
    few = stats.bootstrap_intervals(rows[:3], prf)
    assert [i.note for i in few] == [stats.TOO_FEW] * 3


def test_one_document_cannot_show_a_difference() -> None:
    a, b = corpus(1, seed=1), corpus(1, seed=2)
    assert stats.approximate_randomization(a, b, stats.f1_statistic) == 1.0
    assert brute_force_randomization_p(a, b) == 1.0
