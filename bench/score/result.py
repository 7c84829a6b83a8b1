"""Result objects: per-document scores and the corpus result (addable counts: :mod:`bench.score.sums`).

Reports and the leaderboard render these objects; they never re-score. The
JSON written by ``newsbench score --json`` is :meth:`CorpusScore.to_dict`; the
metric part of it is the pure function :func:`bench.score.metrics.metric_dict` of
the summed counts, so a bootstrap can resample documents, add their
:attr:`DocumentScore.counts` and call that function without re-scoring.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bench.schema import Layer
from bench.score.attributions import AttributionScore
from bench.score.entities import EntityScore, confusion
from bench.score.items import ScoredItem
from bench.score.keys import MAIN
from bench.score.metrics import main_f1, metric_dict, secondary_f1
from bench.score.numbers import NumberScore
from bench.score.rows import Row, metric_row
from bench.score.sums import ScoreCounts, total


@dataclass(frozen=True, slots=True, eq=False)
class DocumentScore:
    """One document's result per layer (``None``: layer not scored)."""

    doc_id: str
    text: str
    entities: EntityScore | None = None
    numbers: NumberScore | None = None
    attributions: AttributionScore | None = None

    @property
    def counts(self) -> ScoreCounts:
        """This document's addable counts."""
        return ScoreCounts(
            None if self.entities is None else self.entities.counts,
            None if self.numbers is None else self.numbers.counts,
            None if self.attributions is None else self.attributions.counts,
            1,
        )

    def layer(self, layer: Layer) -> EntityScore | NumberScore | AttributionScore | None:
        """The result of one layer (``None``: not scored)."""
        layers: dict[Layer, EntityScore | NumberScore | AttributionScore | None] = {
            Layer.ENTITIES: self.entities, Layer.NUMBERS: self.numbers, Layer.ATTRIBUTIONS: self.attributions}
        return layers[layer]

    def items(self, layer: Layer | None = None) -> Iterator[ScoredItem]:
        """The itemised error list (matches included) of one layer or of all scored layers."""
        for current in Layer if layer is None else (layer,):
            scored = self.layer(current)
            if scored is not None:
                yield from scored.items(self.doc_id)


@dataclass(frozen=True, eq=False)
class CorpusScore:
    """A system's result on a set of gold documents.

    ``per_document`` maps every gold document id to its :class:`DocumentScore`
    (documents without predictions are scored as empty for attempted layers).
    ``attempted`` lists the layers the system's predictions carry.
    """

    system: str
    attempted: frozenset[Layer]
    per_document: Mapping[str, DocumentScore]
    warnings: tuple[str, ...] = field(default=())

    @cached_property
    def counts(self) -> ScoreCounts:
        """Counts summed over every document, in document-id order: float sums (coverage) do not
        depend on the order of the gold."""
        return total(self.per_document[doc_id].counts for doc_id in sorted(self.per_document))

    @property
    def main(self) -> dict[Layer, float | None]:
        """The leaderboard F1 of each layer (:data:`bench.score.metrics.MAIN_METRIC`); ``None``: not scored.

        >>> from bench.schema import Annotations, Entity, EntityLabel, GoldDocument
        >>> from bench.score import score_corpus
        >>> gold = GoldDocument("d", "test", "Paris is big.", "", Annotations("d", entities=(Entity(0, 5, EntityLabel.GPE),)))
        >>> score = score_corpus([gold], {"d": Annotations("d", entities=(Entity(0, 5, EntityLabel.GPE),))}, system="s")
        >>> score.main[Layer.ENTITIES], score.main[Layer.NUMBERS]
        (1.0, None)
        """
        return main_f1(self.counts)

    @property
    def secondary(self) -> dict[Layer, float | None]:
        """The companion F1 of each layer (:data:`bench.score.metrics.SECONDARY_METRIC`)."""
        return secondary_f1(self.counts)

    def per_document_rows(self) -> dict[str, dict[Layer, Row | None]]:
        """Per document (by id) and layer, the main metric's row (``None``: layer not scored).

        Each document's ratios come from its own counts (a document with neither gold nor
        predictions in a layer is not applicable there: ``None``).
        """
        return {doc_id: {layer: metric_row(self.per_document[doc_id].counts, MAIN[layer]) for layer in Layer}
                for doc_id in sorted(self.per_document)}

    def per_document_main(self) -> dict[str, dict[str, dict[str, Any] | None]]:
        """:meth:`per_document_rows` as JSON data: ``{doc_id: {layer: {precision, recall, f1, counts…} or null}}``."""
        return {doc_id: {layer.value: None if row is None else row.values() for layer, row in layers.items()}
                for doc_id, layers in self.per_document_rows().items()}

    def subset(self, doc_ids: Iterable[str]) -> CorpusScore:
        """The result restricted to ``doc_ids`` (e.g. one split): per-document counts are reused, not re-scored."""
        wanted = set(doc_ids)
        docs = {d: s for d, s in self.per_document.items() if d in wanted}
        return CorpusScore(self.system, self.attempted, docs, self.warnings)

    def items(self, layer: Layer | None = None) -> Iterator[ScoredItem]:
        """The itemised error list over all documents, in document-id order."""
        for doc_id in sorted(self.per_document):
            yield from self.per_document[doc_id].items(layer)

    def confusion(self) -> tuple[tuple[str, ...], list[list[int]]]:
        """Entity label confusion matrix (rows gold, columns predicted) over strictly aligned pairs."""
        pairs = [doc.entities.label_pairs() for doc in self.per_document.values() if doc.entities is not None]
        return confusion(pairs)

    def to_dict(self) -> dict[str, Any]:
        """The score JSON (see :func:`bench.score.metrics.metric_dict` for every key)."""
        out: dict[str, Any] = {"system": self.system, **metric_dict(self.counts)}
        out["attempted"] = sorted(layer.value for layer in self.attempted)
        if out["entities"] is not None:
            labels, matrix = self.confusion()
            out["entities"]["confusion"] = {"labels": list(labels), "matrix": matrix}
        return out

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text: sorted keys, plain floats, two-space indent."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
