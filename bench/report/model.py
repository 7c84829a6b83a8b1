"""The result of a bench run, as every renderer sees it.

Nothing here computes a score: :mod:`bench.report.build` fills these records
from the scorer's results, and the renderers only read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bench.cost import CostRecord as CostRecord  # noqa: PLC0414 — re-exported for the renderers
from bench.failures import Failure as Failure  # noqa: PLC0414 — re-exported: the one Failure type
from bench.names import slug as slug  # noqa: PLC0414 — re-exported for the renderers
from bench.schema import Layer
from bench.score.items import ScoredItem
from bench.score.keys import MAIN, SECONDARY, MetricKey, layer_of
from bench.score.result import CorpusScore
from bench.score.slices import Slice
from bench.stats import Interval

#: The pseudo-split holding every gold document.
OVERALL = "overall"


@dataclass(frozen=True, slots=True, order=True)
class Metric:
    """One leaderboard column group: a layer and one of its F1 variants (e.g. entities/strict)."""

    layer: Layer
    key: MetricKey

    def __post_init__(self) -> None:
        if layer_of(self.key) is not self.layer:
            raise ValueError(f"{self.key!r} is not a metric of {self.layer.value}")

    @property
    def name(self) -> str:
        """The metric's name (its key in the score JSON)."""
        return self.key.value

    @property
    def main(self) -> bool:
        return MAIN[self.layer] is self.key

    @property
    def title(self) -> str:
        return f"{self.layer.value} {self.name}"


#: Leaderboard columns: per layer its main F1 then its secondary F1 (see bench.score.keys).
LEADERBOARD: tuple[Metric, ...] = tuple(
    metric for layer in Layer for metric in (Metric(layer, MAIN[layer]), Metric(layer, SECONDARY[layer]))
)


@dataclass(frozen=True, slots=True)
class Cell:
    """Precision, recall and F1 of one metric, each with its bootstrap interval."""

    precision: Interval
    recall: Interval
    f1: Interval


@dataclass(frozen=True, slots=True)
class SplitResult:
    """A system's scores on one split (or :data:`OVERALL`).

    ``cells`` holds the leaderboard metrics of attempted layers only (a missing
    metric is "not attempted", shown as —); ``score`` is the scorer's result on the
    split's documents (renderers read its rows, :mod:`bench.score.rows`; ``results.json``
    its :meth:`~bench.score.CorpusScore.to_dict`).
    """

    split: str
    documents: int
    cells: Mapping[Metric, Cell]
    score: CorpusScore


@dataclass(frozen=True, slots=True)
class SystemResult:
    """Everything reported about one system.

    ``items`` is the scorer's itemised list over all documents, matches included,
    in document order; ``phenomena`` the phenomenon slices on all documents
    (:mod:`bench.score.slices`); ``per_document`` each document's main-metric P/R/F1
    per layer (:meth:`bench.score.CorpusScore.per_document_main`); ``cost`` what its
    predictions cost (:class:`~bench.cost.CostRecord`; empty when nothing was measured).
    """

    name: str
    version: str
    attempted: frozenset[Layer]
    splits: tuple[SplitResult, ...]
    items: tuple[ScoredItem, ...]
    failures: tuple[Failure, ...] = ()
    warnings: tuple[str, ...] = ()
    phenomena: tuple[Slice, ...] = ()
    #: :meth:`~bench.score.CorpusScore.per_document_main`: document id → layer → main-metric P/R/F1 (or ``None``).
    per_document: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    cost: CostRecord = field(default_factory=CostRecord)

    def split(self, name: str) -> SplitResult:
        for split in self.splits:
            if split.split == name:
                return split
        raise KeyError(name)

    @property
    def overall(self) -> SplitResult:
        return self.split(OVERALL)

    @property
    def errors(self) -> tuple[ScoredItem, ...]:
        return tuple(item for item in self.items if item.is_error)


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A gold document as reports show it: id, split, hash and raw text (no annotations)."""

    doc_id: str
    split: str
    sha256: str
    text: str


@dataclass(frozen=True, slots=True)
class Statistics:
    """How intervals were computed (stated in every report)."""

    method: str
    level: float
    resamples: int
    seed: int
    min_documents: int


@dataclass(frozen=True, slots=True)
class BenchResult:
    """One bench run: the gold documents, the split order (``overall`` last) and every system."""

    documents: tuple[DocumentInfo, ...]
    splits: tuple[str, ...]
    systems: tuple[SystemResult, ...]
    statistics: Statistics

    def text(self, doc_id: str) -> str:
        return self.document(doc_id).text

    def document(self, doc_id: str) -> DocumentInfo:
        for document in self.documents:
            if document.doc_id == doc_id:
                return document
        raise KeyError(doc_id)

    def system(self, name: str) -> SystemResult:
        for system in self.systems:
            if system.name == name:
                return system
        raise KeyError(name)

    def documents_in(self, split: str) -> tuple[DocumentInfo, ...]:
        return self.documents if split == OVERALL else tuple(d for d in self.documents if d.split == split)
