"""A worker's answers: what each document's seconds hold when its batch call raised."""

from __future__ import annotations

import time
from collections.abc import Sequence

from bench.registry import Adapter
from bench.runner.worker import predict_chunk
from bench.schema import Annotations, Document, Layer

DOCS = [Document("a", "Alpha."), Document("b", "Beta."), Document("c", "Gamma.")]


class SlowBatchThatRaises(Adapter):
    """Spends 0.3 s on its batch call and then raises; each document alone is instant."""

    name = "slow-batch"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def predict_batch(self, documents: Sequence[Document]) -> list[Annotations]:
        time.sleep(0.3)
        raise RuntimeError("one bad document spoils the batch")

    def predict(self, document: Document) -> Annotations:
        return Annotations(document.doc_id, entities=())


def test_a_document_retried_after_its_batch_raised_is_charged_its_share_of_that_batch() -> None:
    answers = predict_chunk(SlowBatchThatRaises(), DOCS)
    assert [a.reason for a in answers] == ["", "", ""]
    # 0.3 s of batch shared by 3 documents, plus each one's own (instant) retry: at least 0.1 s each
    assert all(a.seconds is not None and a.seconds >= 0.1 for a in answers), [a.seconds for a in answers]


def test_a_single_document_is_charged_its_own_call_only() -> None:
    (answer,) = predict_chunk(SlowBatchThatRaises(), DOCS[:1])  # one document: no batch call, no 0.3 s sleep
    assert answer.seconds is not None and answer.seconds < 0.3
