"""Invariants every scorer must satisfy, on generated data and on the real gold."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import gold as gold_module
from bench.errors import UserError
from bench.schema import Annotations, Attribution, Entity, Number, Qualifier, QuoteKind, Span
from bench.score import Mode, score_corpus, score_document
from bench.score.entity_batch import score_entities

from .strategies import FEW_LABELS

TEXT = " ".join(f"w{i}" for i in range(80))  # 80 tokens of 2-3 characters


@st.composite
def spans(draw: Any, *, limit: int = len(TEXT)) -> Span:
    start = draw(st.integers(0, limit - 1))
    return Span(start, draw(st.integers(start + 1, min(limit, start + 25))))


@st.composite
def entities(draw: Any) -> Entity:
    s = draw(spans())
    return Entity(s.start, s.end, draw(st.sampled_from(FEW_LABELS)))


@st.composite
def numbers(draw: Any) -> Number:
    s = draw(spans())
    return Number(s.start, s.end, value=draw(st.sampled_from([1.0, 2.0, 12.0])), unit=draw(st.sampled_from(["km", "people", None])),
                  qualifier=draw(st.sampled_from([Qualifier.EXACT, Qualifier.APPROX, None])))


@st.composite
def attributions(draw: Any) -> Attribution:
    return Attribution(
        content=(draw(spans()),),
        source=draw(st.none() | spans()),
        cue=draw(st.none() | spans()),
        kind=draw(st.sampled_from([None, *QuoteKind])),
    )


@st.composite
def annotations(draw: Any, *, size: int = 8) -> Annotations:
    return Annotations(
        "d",
        entities=tuple(draw(st.lists(entities(), max_size=size))),
        numbers=tuple(draw(st.lists(numbers(), max_size=size))),
        attributions=tuple(draw(st.lists(attributions(), max_size=size // 2))),
    )


def blocks(data: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every P/R/F block of a score dictionary, with its path."""
    if isinstance(data, dict):
        if "precision" in data:
            yield path, data
        for key, value in data.items():
            yield from blocks(value, f"{path}.{key}")


def flat(ann: Annotations) -> dict[str, Any]:
    return score_corpus_of(ann, ann).to_dict()


def score_corpus_of(gold: Annotations, pred: Annotations) -> Any:
    from bench.schema import GoldDocument

    return score_corpus([GoldDocument("d", "test", TEXT, "", gold)], {"d": pred}, system="s")


def counts_of(gold: Annotations, pred: Annotations) -> Any:
    return score_document(gold, pred, text=TEXT).counts


@settings(max_examples=150, deadline=None)
@given(annotations(), annotations(), st.randoms(use_true_random=False))
def test_shuffling_predictions_or_gold_never_changes_a_count(gold: Annotations, pred: Annotations, rng: random.Random) -> None:
    def shuffle(a: Annotations) -> Annotations:
        return Annotations(a.doc_id, *(tuple(rng.sample(list(x or ()), len(x or ()))) for x in (a.entities, a.numbers, a.attributions)))

    assert counts_of(gold, pred) == counts_of(shuffle(gold), shuffle(pred))


@settings(max_examples=100, deadline=None)
@given(annotations())
def test_anything_scored_against_itself_is_perfect(ann: Annotations) -> None:
    # Generated data may hold overlapping or duplicate items; the scorer must still pair
    # each with itself.
    for path, block in blocks(flat(ann)):
        assert_perfect_or_not_applicable(path, block)


def assert_perfect_or_not_applicable(path: str, block: dict[str, Any]) -> None:
    """Against itself a metric is 1.0 where it is defined, and not applicable only where nothing is counted."""
    values = (block["precision"], block["recall"], block["f1"])
    denominators = [block[k] for k in ("predicted", "gold", "possible", "actual") if k in block]
    if denominators and not any(denominators):
        assert values == (None, None, None), path
    elif denominators:
        assert values == (1.0, 1.0, 1.0), path
    else:  # a macro average: means of per-label values, none when no label is seen
        assert values in ((1.0, 1.0, 1.0), (None, None, None)), path


def real_gold() -> list[Any]:
    try:
        return list(gold_module.load_gold())
    except UserError:  # the gold is being annotated; a defective gold is its own tests' business
        return []


@pytest.mark.skipif(not real_gold(), reason="no readable gold documents")
def test_the_real_gold_scored_against_itself_is_one_on_every_metric() -> None:
    documents = real_gold()
    result = score_corpus(documents, {d.doc_id: d.annotations for d in documents}, system="gold")
    data = result.to_dict()
    assert data["documents"] == len(documents)
    checked = 0
    for path, block in blocks(data):
        assert_perfect_or_not_applicable(path, block)
        checked += block["f1"] is not None
    assert checked > 20
    assert data["main"] == {"entities": 1.0, "numbers": 1.0, "attributions": 1.0}
    assert data["attributions"]["kind"]["accuracy"] == 1.0
    # a kind no gold attribution has is not applicable, not 0 (it read 0.0 before)
    assert data["attributions"]["by_kind"]["unspecified"]["strict"]["f1"] is None
    assert all(not item.is_error for item in result.items())


@settings(max_examples=100, deadline=None)
@given(annotations())
def test_empty_predictions_have_zero_recall_everywhere(gold: Annotations) -> None:
    empty = Annotations("d", (), (), ())
    for path, block in blocks(score_corpus_of(gold, empty).to_dict()):
        # nothing predicted: precision is not applicable (0/0), never 0; recall 0 where there is gold
        assert block["precision"] is None, path
        gold_items = block.get("gold", block.get("possible"))
        if gold_items is None:  # a macro block: means of per-label values
            assert block["recall"] in (0.0, None), path
        else:
            assert block["recall"] == (0.0 if gold_items else None), path


@settings(max_examples=150, deadline=None)
@given(annotations(), annotations(), st.sampled_from(FEW_LABELS))
def test_a_spurious_prediction_never_raises_precision(gold: Annotations, pred: Annotations, label: Any) -> None:
    # A prediction past every gold span overlaps nothing, so it can only be spurious.
    far = len(TEXT) + 10
    text = TEXT + " " * 30
    more = Annotations(
        "d",
        entities=(*(pred.entities or ()), Entity(far, far + 3, label)),
        numbers=(*(pred.numbers or ()), Number(far, far + 3, value=987654.0)),
        attributions=(*(pred.attributions or ()), Attribution(content=(Span(far, far + 3),), source=Span(far + 4, far + 6))),
    )
    before = dict(blocks(score_corpus_of(gold, pred).to_dict()))
    after = dict(blocks(_score_with_text(gold, more, text).to_dict()))
    for path, block in before.items():
        if block["precision"] is None:  # nothing predicted there before: no precision to raise
            continue
        assert after[path]["precision"] is not None, path
        assert after[path]["precision"] <= block["precision"] + 1e-12, path


def _score_with_text(gold: Annotations, pred: Annotations, text: str) -> Any:
    from bench.schema import GoldDocument

    return score_corpus([GoldDocument("d", "test", text, "", gold)], {"d": pred}, system="s")


@settings(max_examples=200, deadline=None)
@given(st.lists(entities(), max_size=8), st.lists(entities(), max_size=8), entities())
def test_adding_any_entity_prediction_never_lowers_recall(gold: list[Entity], pred: list[Entity], extra: Entity) -> None:
    # Each mode's alignment maximises its credit, and a superset of predictions offers
    # a superset of matchings.
    before, after = score_entities(gold, pred).counts, score_entities(gold, [*pred, extra]).counts
    for mode in Mode:
        weight = mode.strategy.partial_weight
        recall_after = after.overall(mode).prf(partial_weight=weight).recall
        recall_before = before.overall(mode).prf(partial_weight=weight).recall
        assert (recall_after is None) == (recall_before is None)  # not applicable exactly when there is no gold
        assert (recall_after or 0.0) >= (recall_before or 0.0)
