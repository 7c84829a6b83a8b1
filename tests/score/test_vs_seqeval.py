"""Strict-mode precision, recall and F1 equal seqeval's entity-level scores on BIO tags."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import f1_score, precision_score, recall_score

from bench.schema import Entity
from bench.score.entities import Mode, score_entities

from .strategies import disjoint_entities


def bio(entities: list[Entity], length: int) -> list[str]:
    """One tag per position (a position stands for a token)."""
    tags = ["O"] * length
    for e in entities:
        tags[e.start] = f"B-{e.label}"
        for i in range(e.start + 1, e.end):
            tags[i] = f"I-{e.label}"
    return tags


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(disjoint_entities(limit=60), disjoint_entities(limit=60)), min_size=1, max_size=3))
def test_strict_scores_equal_seqeval(docs: list[tuple[list[Entity], list[Entity]]]) -> None:
    total = sum((score_entities(g, p).counts for g, p in docs[1:]), score_entities(*docs[0]).counts)
    prf = total.overall(Mode.STRICT).prf(partial_weight=0)
    true = [bio(g, 61) for g, _ in docs]
    pred = [bio(p, 61) for _, p in docs]
    assert prf.precision == pytest.approx(precision_score(true, pred, zero_division=0))
    assert prf.recall == pytest.approx(recall_score(true, pred, zero_division=0))
    assert prf.f1 == pytest.approx(f1_score(true, pred, zero_division=0))
