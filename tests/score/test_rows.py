"""Typed rows and keys: one description of every metric, read by every renderer."""

from __future__ import annotations

import pytest

from bench.report.model import Metric
from bench.schema import Annotations, Entity, EntityLabel, GoldDocument, Layer, Number
from bench.score import CorpusScore, score_corpus
from bench.score.keys import (
    MAIN,
    SECONDARY,
    AttributionMetric,
    Component,
    ComponentMetric,
    ComponentView,
    Mode,
    NumberMetric,
    SpanFree,
    layer_of,
    title,
)
from bench.score.rows import Scope, corpus_rows, error_counts, kind_counts, layer_rows, metric_row, rows

TEXT = "Acme Corp paid 12 dollars."
ACME_CORP, ACME = Entity(0, 9, EntityLabel.ORG), Entity(0, 4, EntityLabel.ORG)
TWELVE = Number(15, 17, value=12.0, unit="dollar")


def _score(gold_entities: tuple[Entity, ...], pred_entities: tuple[Entity, ...]) -> CorpusScore:
    gold = [GoldDocument("d", "test", TEXT, "", Annotations("d", gold_entities, (TWELVE,), ()))]
    return score_corpus(gold, {"d": Annotations("d", pred_entities, (TWELVE,), ())}, system="s",
                        attempted=frozenset({Layer.ENTITIES, Layer.NUMBERS}))


def test_a_boundary_miss_is_wrong_in_strict_and_half_right_in_partial() -> None:
    counts = _score((ACME_CORP,), (ACME,)).counts
    strict, partial = metric_row(counts, Mode.STRICT), metric_row(counts, Mode.PARTIAL)
    assert strict is not None and partial is not None
    # strict: one INC; P = 0/1, R = 0/1.  partial: one PAR at weight ½; P = R = 0.5/1.
    assert (strict.prf.precision, strict.prf.recall, strict.prf.f1) == (0.0, 0.0, 0.0)
    assert (partial.prf.precision, partial.prf.recall, partial.prf.f1) == (0.5, 0.5, 0.5)
    assert partial.values()["partial"] == 1 and partial.values()["possible"] == 1


def test_a_layer_not_scored_has_no_rows() -> None:
    counts = _score((ACME_CORP,), (ACME_CORP,)).counts
    assert list(layer_rows(counts, Layer.ATTRIBUTIONS)) == []
    assert metric_row(counts, AttributionMetric.STRICT) is None


def test_every_corpus_row_is_its_block_of_the_score_json() -> None:
    score = _score((ACME_CORP,), (ACME,))
    data = score.to_dict()
    for row in corpus_rows(score.counts, Layer.ENTITIES):
        assert row.values() == data["entities"][row.key.value]
    for row in corpus_rows(score.counts, Layer.NUMBERS):
        section = data["numbers"]["span_free"] if isinstance(row.key, SpanFree) else data["numbers"]
        name = row.key.metric.value if isinstance(row.key, SpanFree) else row.key.value
        assert row.values() == section[name]


def test_corpus_rows_come_one_per_key_in_enum_order() -> None:
    counts = _score((ACME_CORP,), (ACME_CORP,)).counts
    assert [r.key for r in corpus_rows(counts, Layer.ENTITIES)] == list(Mode)
    assert [r.key for r in corpus_rows(counts, Layer.NUMBERS)] == [*NumberMetric, *SpanFree]


def test_entity_breakdowns_follow_their_mode_row() -> None:
    counts = _score((ACME_CORP,), (ACME_CORP,)).counts
    strict = [(r.scope, r.csv_label) for r in rows(counts) if r.key is Mode.STRICT]
    assert strict == [(Scope.ALL, "all"), (Scope.MACRO, "macro"), (Scope.LABEL, "ORG"), (Scope.COARSE, "coarse"),
                      (Scope.COARSE_LABEL, "coarse:ORG")]


def test_component_metrics_name_their_component_and_view() -> None:
    assert ComponentMetric.CUE_OVERLAP_JM.component is Component.CUE
    assert ComponentMetric.CUE_OVERLAP_JM.view is ComponentView.OVERLAP_JM
    assert ComponentMetric.SOURCE_RESOLVED.view is None
    assert [ComponentMetric.of(c, v) for c in Component for v in ComponentView] == list(ComponentMetric)[:-1]


def test_titles_and_layers_of_keys() -> None:
    assert title(SpanFree.FULL) == "span-free full" and title(ComponentMetric.SOURCE_RESOLVED) == "source resolved"
    assert layer_of(NumberMetric.VALUE_UNIT) is Layer.NUMBERS and layer_of(AttributionMetric.LENIENT) is Layer.ATTRIBUTIONS


def test_main_and_secondary_are_declared_for_every_layer_in_their_own_layer() -> None:
    assert {layer: key.value for layer, key in MAIN.items()} == {
        Layer.ENTITIES: "strict", Layer.NUMBERS: "value", Layer.ATTRIBUTIONS: "strict"}
    assert {layer: key.value for layer, key in SECONDARY.items()} == {
        Layer.ENTITIES: "partial", Layer.NUMBERS: "full", Layer.ATTRIBUTIONS: "lenient"}
    assert all(layer_of(MAIN[layer]) is layer and layer_of(SECONDARY[layer]) is layer for layer in Layer)


def test_a_leaderboard_metric_must_belong_to_its_layer() -> None:
    with pytest.raises(ValueError):
        Metric(Layer.ENTITIES, NumberMetric.VALUE)
    with pytest.raises(ValueError):
        Metric(Layer.ENTITIES, "strict")  # type: ignore[arg-type]  # a plain string is no key


def test_span_free_gold_ranks_by_span_free_value_and_full_and_has_no_aligned_rows_errors_or_kind() -> None:
    from bench.score.counts import MatchCounts
    from bench.score.numbers import NumberCounts
    from bench.score.rows import error_counts, kind_counts, number_rows
    from bench.score.sums import ScoreCounts

    # Hand-made sum of span-free documents: 3 of 4 predictions equal a gold value (5 gold), 1 in full.
    numbers = NumberCounts(span_free_value=MatchCounts(3, 4, 5), span_free_full=MatchCounts(1, 4, 5), span_free_documents=2)
    counts = ScoreCounts(numbers=numbers)
    value, full = metric_row(counts, NumberMetric.VALUE), metric_row(counts, NumberMetric.FULL)
    assert value is not None and full is not None
    assert (value.prf.precision, value.prf.recall) == (3 / 4, 3 / 5)  # P 0.75, R 0.6
    assert value.prf.f1 == pytest.approx(2 * 3 / (4 + 5))  # 2c / (pred + gold) = 0.667
    assert (full.prf.precision, full.prf.recall) == (1 / 4, 1 / 5)
    assert metric_row(counts, NumberMetric.SPAN) is None  # span-aligned: not applicable, never 0
    assert [row.key for row in number_rows(numbers)] == list(SpanFree)
    assert error_counts(counts, Layer.NUMBERS) is None
    assert kind_counts(counts, Layer.NUMBERS) is None
    data = numbers.to_dict()
    assert data["value"] is None and data["errors"] is None and data["kind"] is None
    assert data["span_free"]["value"]["correct"] == 3


def test_span_free_gold_ranks_by_span_free_value_and_full_and_has_no_span_metrics_errors_or_kind() -> None:
    text = "Prices rose 5 percent and 7 people left."
    gold_numbers = (Number(None, None, value=5.0, unit="percent"), Number(None, None, value=7.0, unit=None))
    # value 5 right but unit wrong; value 7 right with its (missing) unit; 9 spurious
    pred_numbers = (Number(None, None, value=5.0, unit="dollar"), Number(None, None, value=7.0, unit=None),
                    Number(None, None, value=9.0, unit=None))
    gold = [GoldDocument("d", "test", text, "", Annotations("d", numbers=gold_numbers))]
    score = score_corpus(gold, {"d": Annotations("d", numbers=pred_numbers)}, system="s")
    counts, data = score.counts, score.to_dict()
    # span-free value: 2 correct of 3 predicted, 2 gold → P 2/3, R 1, F1 = 2·(2/3)·1/(5/3) = 0.8
    # span-free full: 1 correct → P 1/3, R 1/2, F1 = 2·(1/6)/(5/6) = 0.4
    assert data["main"]["numbers"] == pytest.approx(0.8) and data["secondary"]["numbers"] == pytest.approx(0.4)
    value, full = metric_row(counts, NumberMetric.VALUE), metric_row(counts, NumberMetric.FULL)
    assert value is not None and full is not None
    assert (value.values()["correct"], value.values()["predicted"], value.values()["gold"]) == (2, 3, 2)
    assert full.values()["correct"] == 1
    assert metric_row(counts, NumberMetric.SPAN) is None  # no span-free counterpart: not applicable
    assert all(data["numbers"][m.value] is None for m in NumberMetric)
    assert data["numbers"]["errors"] is None and data["numbers"]["kind"] is None
    assert data["numbers"]["span_free"]["value"]["correct"] == 2
    assert error_counts(counts, Layer.NUMBERS) is None and kind_counts(counts, Layer.NUMBERS) is None
    assert [r.key for r in layer_rows(counts, Layer.NUMBERS)] == list(SpanFree)
    assert list(score.items(Layer.NUMBERS)) == []  # nothing aligned by span
