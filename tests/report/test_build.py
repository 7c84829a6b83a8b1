"""Building the result: splits are subsets of the scorer's per-document results, intervals agree with it."""

from __future__ import annotations

import pytest

from bench.report.build import compare_scores, count_vector, split_order
from bench.report.model import LEADERBOARD, OVERALL, BenchResult, Metric
from bench.schema import Layer
from bench.score.keys import Mode
from bench.stats import TOO_FEW
from tests.report.conftest import FIXTURE


def test_splits_follow_gold_order_and_end_with_overall(result: BenchResult) -> None:
    assert result.splits == ("seed", "challenge", OVERALL)
    assert [d.doc_id for d in result.documents_in("seed")] == ["d0"]
    assert len(result.documents_in("challenge")) == 5 and len(result.documents_in(OVERALL)) == 6


def test_every_cell_is_the_scorers_number(result: BenchResult) -> None:
    for system in result.systems:
        for split in system.splits:
            for metric, cell in split.cells.items():
                reported = split.score.to_dict()[metric.layer.value][metric.name]
                assert cell.precision.value == pytest.approx(reported["precision"], abs=1e-12)
                assert cell.recall.value == pytest.approx(reported["recall"], abs=1e-12)
                assert cell.f1.value == pytest.approx(reported["f1"], abs=1e-12)


def test_split_scores_count_only_their_documents(result: BenchResult) -> None:
    alpha = result.system("alpha")
    seed, challenge, overall = (alpha.split(s).score.to_dict() for s in ("seed", "challenge", OVERALL))
    for key in ("correct", "incorrect", "partial", "missed", "spurious"):
        assert seed["entities"]["strict"][key] + challenge["entities"]["strict"][key] \
            == overall["entities"]["strict"][key]
    assert (seed["documents"], challenge["documents"], overall["documents"]) == (1, 5, 6)


def test_layers_not_attempted_have_no_cells_and_null_scores(result: BenchResult) -> None:
    beta = result.system("beta")
    assert beta.attempted == frozenset({Layer.ENTITIES, Layer.NUMBERS})
    for split in beta.splits:
        assert split.score.to_dict()["attributions"] is None
        assert not [m for m in split.cells if m.layer is Layer.ATTRIBUTIONS]
        assert len(split.cells) == 4


def test_one_document_split_has_values_but_no_intervals(result: BenchResult) -> None:
    seed = result.system("alpha").split("seed")
    for cell in seed.cells.values():
        assert not cell.f1.has_interval and cell.f1.note == TOO_FEW


def test_larger_splits_have_intervals_around_the_value(result: BenchResult) -> None:
    for name in ("challenge", OVERALL):
        for cell in result.system("alpha").split(name).cells.values():
            for interval in (cell.precision, cell.recall, cell.f1):
                assert interval.low is not None and interval.high is not None
                assert interval.low <= interval.value <= interval.high


def test_failures_and_warnings_are_carried(result: BenchResult) -> None:
    beta = result.system("beta")
    assert [(f.doc_id, f.reason) for f in beta.failures] == [("d3", "TimeoutError: no answer within 600 s")]
    assert any("d3" in w for w in beta.warnings)
    assert result.system("alpha").failures == ()


def test_items_include_matches_and_errors_in_document_order(result: BenchResult) -> None:
    alpha = result.system("alpha")
    assert [i.doc_id for i in alpha.items] == sorted(i.doc_id for i in alpha.items)
    assert any(not i.is_error for i in alpha.items) and alpha.errors


def test_count_vector_of_partial_mode_gives_half_credit(result: BenchResult) -> None:
    from bench.gold import load_gold
    from bench.predictions import read_predictions
    from bench.score import score_corpus

    gold = load_gold(FIXTURE / "gold.jsonl")
    alpha = read_predictions(FIXTURE / "alpha.jsonl").by_doc
    d1 = score_corpus(gold, alpha, system="alpha").per_document["d1"].counts
    # d1: "Acme" for "Acme Corp" (partial), Jane Doe exact, second "Acme Corp" exact with a wrong label.
    assert count_vector(d1, Metric(Layer.ENTITIES, Mode.PARTIAL)) == (2.5, 3.0, 2.5, 3.0)
    assert count_vector(d1, Metric(Layer.ENTITIES, Mode.STRICT)) == (1.0, 3.0, 1.0, 3.0)


def test_split_order_puts_splits_in_order_of_first_document() -> None:
    from bench.gold import load_gold

    assert split_order(load_gold(FIXTURE / "gold.jsonl")) == ("seed", "challenge", OVERALL)


def test_comparing_a_system_with_itself_shows_no_difference() -> None:
    from bench.gold import load_gold
    from bench.predictions import read_predictions
    from bench.score import score_corpus

    gold = load_gold(FIXTURE / "gold.jsonl")
    alpha = score_corpus(gold, read_predictions(FIXTURE / "alpha.jsonl").by_doc, system="alpha")
    beta = score_corpus(gold, read_predictions(FIXTURE / "beta.jsonl").by_doc, system="beta")
    same = compare_scores(alpha, alpha, [d.doc_id for d in gold])
    assert [r.metric for r in same] == list(LEADERBOARD)
    for row in same:
        assert row.comparison is not None
        assert row.comparison.difference.value == 0.0 and row.comparison.p_value == 1.0
    other = compare_scores(alpha, beta, [d.doc_id for d in gold])
    missing = [r for r in other if r.comparison is None]
    assert [r.metric.layer for r in missing] == [Layer.ATTRIBUTIONS, Layer.ATTRIBUTIONS]
    assert missing[0].missing == "not attempted by B"
    strict = next(r for r in other if r.metric == Metric(Layer.ENTITIES, Mode.STRICT))
    assert strict.comparison is not None and strict.documents == 6
    assert strict.comparison.a == pytest.approx(alpha.to_dict()["entities"]["strict"]["f1"])
    assert strict.comparison.b == pytest.approx(beta.to_dict()["entities"]["strict"]["f1"])
