"""Assemble a :class:`~bench.report.model.BenchResult` from the scorer's results.

Scores are never recomputed here: a split is :meth:`CorpusScore.subset` of the
corpus result (per-document counts reused) and renderers read its typed rows
(:mod:`bench.score.rows`), and intervals come from :mod:`bench.stats` applied to
per-document count vectors ``[precision credit, predicted, recall credit, gold]``
read off each document's counts. Each interval's point estimate is checked
against the scorer's own number, so the two can never silently disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bench import stats
from bench.cost import DocumentCost, Price, cost_record
from bench.report.model import (
    LEADERBOARD,
    OVERALL,
    BenchResult,
    Cell,
    DocumentInfo,
    Failure,
    Metric,
    SplitResult,
    Statistics,
    SystemResult,
)
from bench.schema import GoldDocument
from bench.score import CorpusScore, ScoreCounts
from bench.score.counts import MatchCounts, SemEvalCounts
from bench.score.entities import Mode
from bench.score.rows import metric_row
from bench.score.slices import phenomenon_slices


@dataclass(frozen=True, slots=True)
class ScoredSystem:
    """What the bench hands over per system: its corpus score, version, run failures and warnings, what each
    computed document cost (:attr:`bench.runner.RunResult.costs`) and its price (``--price-in/--price-out``)."""

    score: CorpusScore
    version: str
    failures: tuple[Failure, ...] = ()
    warnings: tuple[str, ...] = ()
    costs: tuple[DocumentCost, ...] = ()
    price: Price | None = None


def count_vector(counts: ScoreCounts, metric: Metric) -> tuple[float, float, float, float] | None:
    """``[precision credit, predicted, recall credit, gold]`` of ``metric`` (``None``: layer not scored).

    Entities (SemEval): credit = COR + w·PAR with the mode's partial weight,
    predicted = ACT, gold = POS. Numbers and attribution relations: credit =
    matched pairs, predicted and gold = item counts.
    """
    row = metric_row(counts, metric.key)
    if row is None:
        return None
    found = row.counts
    if isinstance(found, SemEvalCounts):
        assert isinstance(metric.key, Mode)
        credit = found.correct + metric.key.strategy.partial_weight * found.partial
        return float(credit), float(found.actual), float(credit), float(found.possible)
    assert isinstance(found, MatchCounts)
    return float(found.correct), float(found.predicted), float(found.correct), float(found.gold)


def prf_statistic(counts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Precision, recall and F1 (last axis) of summed count vectors."""
    return np.stack(
        [stats.precision_statistic(counts), stats.recall_statistic(counts), stats.f1_statistic(counts)], axis=-1
    )


def _cell(score: CorpusScore, metric: Metric) -> Cell | None:
    rows = [count_vector(doc.counts, metric) for _, doc in sorted(score.per_document.items())]
    if not rows or any(row is None for row in rows):
        return None
    precision, recall, f1 = stats.bootstrap_intervals(np.array(rows, dtype=np.float64), prf_statistic)
    return Cell(precision, recall, f1)


def split_order(gold: Sequence[GoldDocument]) -> tuple[str, ...]:
    """Splits in order of first appearance over documents sorted by id, then ``overall``."""
    seen: list[str] = []
    for doc in sorted(gold, key=lambda d: d.doc_id):
        if doc.split not in seen:
            seen.append(doc.split)
    return (*seen, OVERALL)


def split_result(score: CorpusScore, split: str) -> SplitResult:
    """Scores and intervals of ``score`` (already restricted to the split's documents)."""
    cells = {}
    for metric in LEADERBOARD:
        if metric.layer not in score.attempted:
            continue
        cell = _cell(score, metric)
        if cell is not None:
            cells[metric] = cell
    return SplitResult(split, len(score.per_document), cells, score)


def system_result(scored: ScoredSystem, gold: Sequence[GoldDocument], splits: Sequence[str]) -> SystemResult:
    """One system's per-split results, its item list, failures and cost record (:func:`~bench.cost.cost_record`)."""
    score = scored.score
    results = []
    for split in splits:
        ids = [d.doc_id for d in gold if split == OVERALL or d.split == split]
        results.append(split_result(score.subset(ids), split))
    return SystemResult(
        name=score.system,
        version=scored.version,
        attempted=score.attempted,
        splits=tuple(results),
        items=tuple(score.items()),
        failures=tuple(sorted(scored.failures, key=lambda f: (f.doc_id, f.reason))),
        warnings=tuple(scored.warnings) + tuple(w for w in score.warnings if w not in scored.warnings),
        phenomena=phenomenon_slices(score),
        per_document=score.per_document_main(),
        cost=cost_record(scored.costs, scored.price),
    )


def statistics() -> Statistics:
    """The interval settings of :mod:`bench.stats`."""
    return Statistics(
        method="percentile bootstrap over documents",
        level=stats.LEVEL,
        resamples=stats.RESAMPLES,
        seed=stats.SEED,
        min_documents=stats.MIN_DOCUMENTS,
    )


def build_result(gold: Sequence[GoldDocument], systems: Sequence[ScoredSystem]) -> BenchResult:
    """The bench result: systems sorted by name, documents by id, splits in gold order."""
    documents = tuple(
        DocumentInfo(d.doc_id, d.split, d.sha256, d.text) for d in sorted(gold, key=lambda d: d.doc_id)
    )
    splits = split_order(gold)
    ordered = sorted(systems, key=lambda s: s.score.system)
    names = [s.score.system for s in ordered]
    if len(set(names)) != len(names):
        raise ValueError(f"systems named twice: {names}")
    return BenchResult(
        documents=documents,
        splits=splits,
        systems=tuple(system_result(s, gold, splits) for s in ordered),
        statistics=statistics(),
    )


# --- paired comparison of two systems -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricComparison:
    """System A vs system B on one leaderboard metric over the same documents.

    ``comparison`` is ``None`` when either system does not attempt the layer, or no document scores it
    (``missing`` says which); ``documents`` counts the documents that score it.
    """

    metric: Metric
    documents: int
    comparison: stats.Comparison | None
    missing: str = ""


def compare_scores(a: CorpusScore, b: CorpusScore, doc_ids: Sequence[str]) -> list[MetricComparison]:
    """Paired bootstrap interval and approximate randomization p-value of A − B per leaderboard metric.

    Both scores must cover ``doc_ids``; row *i* of each side is the same document. A document whose gold
    lacks the layer scores it on neither side and is left out of that metric's resampling, as it is left
    out of the layer's totals.
    """
    ids = sorted(doc_ids)
    out = []
    for metric in LEADERBOARD:
        absent = [name for name, score in (("A", a), ("B", b)) if metric.layer not in score.attempted]
        if absent:
            out.append(MetricComparison(metric, len(ids), None, f"not attempted by {' and '.join(absent)}"))
            continue
        rows = [(count_vector(a.per_document[d].counts, metric), count_vector(b.per_document[d].counts, metric))
                for d in ids]
        paired = [(row_a, row_b) for row_a, row_b in rows if row_a is not None and row_b is not None]
        if not paired:
            out.append(MetricComparison(metric, 0, None, "no document scores this layer"))
            continue
        comparison = stats.compare(np.array([row for row, _ in paired], dtype=np.float64),
                                   np.array([row for _, row in paired], dtype=np.float64), stats.f1_statistic)
        out.append(MetricComparison(metric, len(paired), comparison))
    return out
