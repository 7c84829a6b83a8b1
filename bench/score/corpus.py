"""Score documents and corpora: the entry points :func:`score_document`, :func:`score_documents` and :func:`score_corpus`."""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence

from bench.columns import LazyAnnotations, entity_columns, has_layer
from bench.gcpause import gc_paused
from bench.schema import Annotations, GoldDocument, Layer
from bench.score.attributions import score_attributions
from bench.score.entity_batch import score_entity_documents
from bench.score.numbers import score_numbers
from bench.score.result import CorpusScore, DocumentScore

_GET = {layer: operator.attrgetter(layer.value) for layer in Layer}


def _layer(annotations: Annotations, layer: Layer) -> tuple[object, ...] | None:
    """``annotations.layer(layer)``, without its per-call overhead (this runs per document and layer)."""
    value: tuple[object, ...] | None = _GET[layer](annotations)
    return value


def score_document(gold: Annotations, pred: Annotations, *, text: str) -> DocumentScore:
    """Score one document. A layer is scored when both gold and prediction carry it (even empty)."""
    return score_documents([(gold, pred, text)])[0]


def score_documents(documents: Sequence[tuple[Annotations, Annotations, str]]) -> list[DocumentScore]:
    """Score many ``(gold, prediction, text)`` documents, each as :func:`score_document` would.

    Entities of all documents go through the alignment engine at once (vectorised over the
    corpus); the other layers are scored per document.
    """

    def both(gold: Annotations, pred: Annotations, layer: Layer) -> bool:
        return has_layer(gold, layer) and has_layer(pred, layer)

    with_entities = [k for k, (gold, pred, _) in enumerate(documents) if both(gold, pred, Layer.ENTITIES)]
    entity_scores = score_entity_documents(
        [(entity_columns(documents[k][0]), entity_columns(documents[k][1])) for k in with_entities])
    entities = dict(zip(with_entities, entity_scores))
    return [
        DocumentScore(
            doc_id=gold.doc_id,
            text=text,
            entities=entities.get(k),
            numbers=score_numbers(gold.numbers or (), pred.numbers or ()) if both(gold, pred, Layer.NUMBERS) else None,
            attributions=(
                score_attributions(gold.attributions or (), pred.attributions or (), text=text)
                if both(gold, pred, Layer.ATTRIBUTIONS)
                else None
            ),
        )
        for k, (gold, pred, text) in enumerate(documents)
    ]


def attempted_layers(predictions: Mapping[str, Annotations]) -> frozenset[Layer]:
    """Layers carried by at least one prediction record."""
    out: set[Layer] = set()
    for record in predictions.values():
        out |= record.attempted()
    return frozenset(out)


def _complete_already(pred: Annotations, doc_id: str, attempted: frozenset[Layer]) -> bool:
    """``pred`` is ``doc_id``'s and carries exactly the ``attempted`` layers, as tuples (lazy entities
    are, once built: :class:`bench.columns.LazyAnnotations`)."""
    if pred.doc_id != doc_id or pred.attempted() != attempted:
        return False
    return all(isinstance(_layer(pred, layer), tuple) for layer in attempted
               if not (layer is Layer.ENTITIES and isinstance(pred, LazyAnnotations)))


def complete(pred: Annotations | None, doc_id: str, attempted: frozenset[Layer]) -> Annotations:
    """The prediction with every attempted layer present (empty when missing) and the others ``None``
    (``pred`` itself when it is so already)."""
    if pred is not None and _complete_already(pred, doc_id, attempted):
        return pred

    def layer(name: Layer) -> tuple[object, ...] | None:
        if name not in attempted:
            return None
        found = None if pred is None else _layer(pred, name)
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
    with gc_paused():  # many small acyclic objects while millions of records are alive
        return _score_corpus(gold, predictions, system=system, attempted=attempted, warnings=warnings)


def _score_corpus(
    gold: Sequence[GoldDocument],
    predictions: Mapping[str, Annotations],
    *,
    system: str,
    attempted: frozenset[Layer] | None,
    warnings: Sequence[str],
) -> CorpusScore:
    layers = attempted_layers(predictions) if attempted is None else attempted
    pairs = [(doc.annotations, complete(predictions.get(doc.doc_id), doc.doc_id, layers), doc.text) for doc in gold]
    per_document = {doc.doc_id: score for doc, score in zip(gold, score_documents(pairs))}
    return CorpusScore(system, layers, per_document, tuple(warnings))
