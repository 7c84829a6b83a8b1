"""Corpus scoring: not-attempted layers, missing documents, splits, bootstrap sums, the JSON."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pytest

from bench.schema import Annotations, Entity, EntityLabel, GoldDocument, Layer, Number, Qualifier
from bench.score import CorpusScore, main_f1, metric_dict, score_corpus, total

TEXT = "Paris and Lyon saw 12 protests; Berlin saw 3."
PARIS, LYON, BERLIN = Entity(0, 5, EntityLabel.GPE), Entity(10, 14, EntityLabel.GPE), Entity(32, 38, EntityLabel.GPE)
TWELVE = Number(19, 21, value=12.0, unit="protest", qualifier=Qualifier.EXACT)


def doc(doc_id: str, split: str = "test", *, entities: tuple[Entity, ...] = (PARIS, LYON, BERLIN)) -> GoldDocument:
    return GoldDocument(doc_id, split, TEXT, "", Annotations(doc_id, entities, (TWELVE,), ()))


GOLD = [doc("a", "dev"), doc("b"), doc("c")]


def entities_only(doc_id: str, *found: Entity) -> Annotations:
    return Annotations(doc_id, entities=tuple(found))


def test_a_layer_the_system_does_not_attempt_is_null_not_zero() -> None:
    result = score_corpus(GOLD, {"a": entities_only("a", PARIS)}, system="ner")
    data = result.to_dict()
    assert data["numbers"] is None and data["attributions"] is None
    assert data["main"] == {"entities": pytest.approx(2 * (1 / 1) * (1 / 9) / (1 + 1 / 9)), "numbers": None, "attributions": None}
    assert data["attempted"] == ["entities"]


def test_missing_documents_count_as_empty_for_attempted_layers() -> None:
    result = score_corpus(GOLD, {"a": entities_only("a", PARIS, LYON, BERLIN)}, system="ner")
    strict = result.to_dict()["entities"]["strict"]
    assert (strict["correct"], strict["missed"], strict["possible"]) == (3, 6, 9)
    assert result.per_document["b"].entities is not None
    assert result.per_document["b"].numbers is None


def test_a_layer_empty_in_some_records_is_attempted_if_any_record_has_it() -> None:
    predictions = {"a": Annotations("a", entities=(PARIS,), numbers=(TWELVE,)), "b": entities_only("b", PARIS)}
    data = score_corpus(GOLD, predictions, system="s").to_dict()
    assert data["numbers"]["value"]["correct"] == 1
    assert data["numbers"]["value"]["gold"] == 3


def test_an_explicit_attempted_set_overrides_what_the_predictions_carry() -> None:
    predictions = {"a": Annotations("a", entities=(PARIS,), numbers=(TWELVE,))}
    data = score_corpus(GOLD, predictions, system="s", attempted=frozenset({Layer.NUMBERS})).to_dict()
    assert data["entities"] is None
    assert data["numbers"]["value"]["correct"] == 1


def test_a_split_is_the_corpus_score_of_its_documents() -> None:
    predictions = {"a": entities_only("a", PARIS), "b": entities_only("b", LYON, Entity(20, 25, EntityLabel.ORG))}
    whole = score_corpus(GOLD, predictions, system="s")
    test_split = [d for d in GOLD if d.split == "test"]
    assert whole.subset(d.doc_id for d in test_split).to_dict() == score_corpus(test_split, predictions, system="s", attempted=whole.attempted).to_dict()


def test_bootstrap_resamples_sum_per_document_counts_without_rescoring() -> None:
    predictions = {"a": entities_only("a", PARIS), "b": entities_only("b", LYON, Entity(20, 25, EntityLabel.ORG))}
    result = score_corpus(GOLD, predictions, system="s")
    rng = random.Random(3)
    ids = sorted(result.per_document)
    sample = [rng.choice(ids) for _ in ids]
    summed = total(result.per_document[i].counts for i in sample)
    # The same resample scored from scratch, documents renamed so repeats are distinct.
    docs = [doc(f"{i}-{k}") for k, i in enumerate(sample)]
    renamed = {f"{i}-{k}": Annotations(f"{i}-{k}", entities=(predictions[i].entities if i in predictions else ()))
               for k, i in enumerate(sample)}
    direct = score_corpus(docs, renamed, system="s")
    assert metric_dict(summed) == metric_dict(direct.counts)
    assert main_f1(summed)[Layer.ENTITIES] == main_f1(direct.counts)[Layer.ENTITIES]


def test_json_has_the_documented_keys_sorted_with_plain_numbers() -> None:
    predictions = {d.doc_id: d.annotations for d in GOLD}
    text = score_corpus(GOLD, predictions, system="gold").to_json()
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert {"system", "documents", "main", "secondary", "entities", "numbers", "attributions"} <= set(data)
    for mode in ("strict", "exact", "partial", "type"):
        assert set(data["entities"][mode]) == {"precision", "recall", "f1", "correct", "incorrect", "partial",
                                               "missed", "spurious", "possible", "actual"}
    assert {"by_label", "macro", "coarse", "confusion", "errors"} <= set(data["entities"])
    assert {"span", "value", "full", "span_free", "errors"} <= set(data["numbers"])
    attributions = data["attributions"]
    assert {"strict", "lenient", "source", "cue", "content", "kind", "by_kind", "errors"} <= set(attributions)
    assert set(attributions["content"]) == {"exact", "overlap", "overlap_jm"}
    assert set(attributions["content"]["overlap_jm"]) == {"precision", "recall", "f1", "predicted", "gold"}
    assert set(attributions["kind"]) == {"accuracy", "correct", "pairs", "labels", "matrix"}
    assert "resolved" in attributions["source"]

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        else:
            assert value is None or type(value) in (str, int, float, bool)
            if isinstance(value, float):
                assert math.isfinite(value)

    walk(score_corpus(GOLD, predictions, system="gold").to_dict())


def test_a_gold_without_a_layer_leaves_it_null() -> None:
    gold = [GoldDocument("a", "test", TEXT, "", Annotations("a", entities=(PARIS,)))]
    data = score_corpus(gold, {"a": Annotations("a", entities=(PARIS,), numbers=(TWELVE,))}, system="s").to_dict()
    assert data["numbers"] is None
    assert data["entities"]["strict"]["f1"] == 1.0


def test_the_error_list_covers_every_item_once() -> None:
    predictions = {"a": entities_only("a", PARIS, Entity(10, 13, EntityLabel.GPE), Entity(20, 25, EntityLabel.ORG))}
    result: CorpusScore = score_corpus(GOLD, predictions, system="s")
    items = list(result.items(Layer.ENTITIES))
    assert len([i for i in items if i.gold is not None]) == 9
    assert len([i for i in items if i.pred is not None]) == 3
    assert [i.outcome.value for i in items if i.doc_id == "a"] == ["match", "wrong_boundary", "missed", "spurious"]
