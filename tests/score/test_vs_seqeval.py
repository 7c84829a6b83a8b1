"""Strict-mode precision, recall and F1 equal seqeval's entity-level scores on BIO tags, overall and per label.

Where a denominator is empty we say "not applicable" (``None``) and seqeval, asked
for ``zero_division=0``, says 0: the tests compare those cases as such.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

from bench.schema import Entity
from bench.score.entities import Mode
from bench.score.entity_batch import score_entities

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
    counts = total.overall(Mode.STRICT)
    assert same(prf.precision, precision_score(true, pred, zero_division=0), empty=counts.actual == 0)
    assert same(prf.recall, recall_score(true, pred, zero_division=0), empty=counts.possible == 0)
    assert same(prf.f1, f1_score(true, pred, zero_division=0), empty=counts.actual + counts.possible == 0)


def same(ours: float | None, theirs: float, *, empty: bool) -> bool:
    """Ours is ``None`` exactly where the denominator is empty (seqeval then says 0); else equal."""
    if empty:
        return ours is None and theirs == 0
    return ours is not None and ours == pytest.approx(float(theirs))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # seqeval averages over empty documents
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(disjoint_entities(limit=60), disjoint_entities(limit=60)), min_size=1, max_size=3))
def test_per_label_strict_scores_equal_seqevals_report_label_changes_included(
    docs: list[tuple[list[Entity], list[Entity]]],
) -> None:
    total = sum((score_entities(g, p).counts for g, p in docs[1:]), score_entities(*docs[0]).counts)
    true = [bio(g, 61) for g, _ in docs]
    pred = [bio(p, 61) for _, p in docs]
    report = classification_report(true, pred, output_dict=True, zero_division=0)
    theirs = {label: row for label, row in report.items() if not label.endswith(" avg")}
    mine = total.by_label(Mode.STRICT)
    assert set(mine) == set(theirs)
    for label, counts in mine.items():
        prf = counts.prf(partial_weight=0)
        row = theirs[label]
        assert counts.possible == row["support"]
        assert same(prf.precision, row["precision"], empty=counts.actual == 0)
        assert same(prf.recall, row["recall"], empty=counts.possible == 0)
        assert same(prf.f1, row["f1-score"], empty=False)
    if mine:  # every seen label has an F1, so the macro F1 is seqeval's whatever its zero_division
        assert total.macro(Mode.STRICT).f1 == pytest.approx(float(report["macro avg"]["f1-score"]))
