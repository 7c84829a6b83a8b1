"""Score documents and corpora: the entry points :func:`score_document` and :func:`score_corpus`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bench.schema import Annotations, GoldDocument, Layer
from bench.score.attributions import score_attributions
from bench.score.entities import score_entities
from bench.score.numbers import score_numbers
from bench.score.result import CorpusScore, DocumentScore


def score_document(gold: Annotations, pred: Annotations, *, text: str) -> DocumentScore:
    """Score one document. A layer is scored when both gold and prediction carry it (even empty)."""

    def both(layer: Layer) -> bool:
        return gold.layer(layer) is not None and pred.layer(layer) is not None

    return DocumentScore(
        doc_id=gold.doc_id,
        text=text,
        entities=score_entities(gold.entities or (), pred.entities or ()) if both(Layer.ENTITIES) else None,
        numbers=score_numbers(gold.numbers or (), pred.numbers or ()) if both(Layer.NUMBERS) else None,
        attributions=(
            score_attributions(gold.attributions or (), pred.attributions or (), text=text)
            if both(Layer.ATTRIBUTIONS)
            else None
        ),
    )


def attempted_layers(predictions: Mapping[str, Annotations]) -> frozenset[Layer]:
    """Layers carried by at least one prediction record."""
    out: set[Layer] = set()
    for record in predictions.values():
        out |= record.attempted()
    return frozenset(out)


def complete(pred: Annotations | None, doc_id: str, attempted: frozenset[Layer]) -> Annotations:
    """The prediction with every attempted layer present (empty when missing) and the others ``None``."""

    def layer(name: Layer) -> tuple[object, ...] | None:
        if name not in attempted:
            return None
        found = None if pred is None else pred.layer(name)
        return tuple(found) if found is not None else ()

    return Annotations(
        doc_id,
        entities=layer(Layer.ENTITIES),  # type: ignore[arg-type]
        numbers=layer(Layer.NUMBERS),  # type: ignore[arg-type]
        attributions=layer(Layer.ATTRIBUTIONS),  # type: ignore[arg-type]
    )


def score_corpus(
    gold: Sequence[GoldDocument],
    predictions: Mapping[str, Annotations],
    *,
    system: str,
    attempted: frozenset[Layer] | None = None,
    warnings: Sequence[str] = (),
) -> CorpusScore:
    """Score a system on ``gold`` documents.

    ``attempted`` defaults to the layers any prediction carries; a layer outside
    it is "not attempted" (``null``), never zero. A gold document missing from
    ``predictions`` is scored as empty for the attempted layers. Predictions for
    documents not in ``gold`` are ignored. Scoring a split is scoring its documents
    (or :meth:`CorpusScore.subset`).
    """
    layers = attempted_layers(predictions) if attempted is None else attempted
    per_document = {
        doc.doc_id: score_document(doc.annotations, complete(predictions.get(doc.doc_id), doc.doc_id, layers), text=doc.text)
        for doc in gold
    }
    return CorpusScore(system, layers, per_document, tuple(warnings))
