"""Cost figures: per-document seconds and tokens, their totals and means, the price formula, the price flags."""

from __future__ import annotations

import pytest

from bench.cost import DocumentCost, Price, cost_record, document_tokens, parse_prices, usd
from bench.errors import UserError


def test_seconds_per_document_is_the_total_over_the_documents_whose_time_is_known() -> None:
    record = cost_record([DocumentCost(0.2), DocumentCost(0.4), DocumentCost(None), DocumentCost(1.2)])
    assert (record.documents, record.seconds, record.seconds_per_document) == (3, pytest.approx(1.8), pytest.approx(0.6))


def test_tokens_per_document_are_totals_over_the_documents_that_report_tokens() -> None:
    record = cost_record([DocumentCost(1.0, 1000, 100, 1), DocumentCost(3.0, 2000, 300, 3), DocumentCost(2.0)])
    assert (record.token_documents, record.prompt_tokens, record.completion_tokens, record.requests) == (
        2, 3000, 400, 4)
    assert (record.prompt_tokens_per_document, record.completion_tokens_per_document,
            record.requests_per_document) == (1500, 200, 2)
    assert record.seconds_per_document == 2.0  # time is over all three timed documents


def test_the_price_is_prompt_tokens_times_price_in_plus_completion_tokens_times_price_out_per_million() -> None:
    assert usd(1_000_000, 0, Price(2.5, 10.0)) == 2.5
    assert usd(0, 1_000_000, Price(2.5, 10.0)) == 10.0
    # 3000 × 0.15 + 400 × 0.60 = 450 + 240 = 690 USD per million tokens → $0.00069 for two documents
    record = cost_record([DocumentCost(1.0, 1000, 100), DocumentCost(1.0, 2000, 300)], Price(0.15, 0.60))
    assert record.usd == pytest.approx(0.00069)
    assert record.usd_per_document == pytest.approx(0.000345)


def test_what_a_system_does_not_report_is_none_never_zero() -> None:
    record = cost_record([DocumentCost(0.5), DocumentCost(0.5)], Price(1.0, 1.0))
    assert (record.prompt_tokens, record.completion_tokens, record.requests, record.usd, record.usd_per_document) == (
        None, None, None, None, None)
    assert record.prompt_tokens_per_document is None and not record.reports_tokens
    nothing = cost_record([])
    assert (nothing.documents, nothing.seconds, nothing.seconds_per_document) == (0, None, None)


def test_requests_are_none_unless_every_document_with_tokens_reports_them() -> None:
    assert cost_record([DocumentCost(1.0, 10, 1, 2), DocumentCost(1.0, 10, 1)]).requests is None


def test_real_zero_tokens_stay_zero() -> None:
    """A prediction served from the llm's own reply cache spent 0 tokens: reported as 0, not as missing."""
    record = cost_record([DocumentCost(0.01, 0, 0, 0)], Price(1.0, 1.0))
    assert (record.prompt_tokens, record.usd) == (0, 0.0)


def test_a_document_cost_round_trips_through_json_and_ignores_malformed_figures() -> None:
    cost = DocumentCost(0.1234564, 100, 20, 1)
    assert DocumentCost.from_json(cost.to_json()) == DocumentCost(0.123456, 100, 20, 1)
    assert DocumentCost.from_json({"seconds": -1, "prompt_tokens": True, "requests": 1.5}) == DocumentCost()
    assert DocumentCost.from_json([1, 2]) is None


def test_tokens_per_document_are_read_from_the_usage_a_system_reports() -> None:
    usage = {"totals": {"prompt_tokens": 999}, "documents": [
        {"doc_id": "a", "prompt_tokens": 100, "completion_tokens": 20, "requests": 1, "wall_seconds": 3.0},
        {"doc_id": "b", "unfound": {}},  # nothing to count
        "not an object",
    ]}
    assert document_tokens(usage) == {"a": DocumentCost(None, 100, 20, 1)}


def test_a_price_for_every_system_or_for_one_which_wins() -> None:
    prices = parse_prices(["1", "llm=0.15"], ["2", "llm=0.6"], ["llm", "rules"])
    assert prices == {"llm": Price(0.15, 0.6), "rules": Price(1.0, 2.0)}


@pytest.mark.parametrize(("price_in", "price_out", "message"), [
    (["0.15"], [], "give --price-out too"),
    ([], ["llm=0.6"], "give --price-in too"),
    (["cheap"], ["1"], "not a price"),
    (["-1"], ["1"], "not a price"),
    (["nan"], ["1"], "not a price"),
    (["1e308"], ["1"], "above 1,000,000 USD per million tokens"),  # the totals would overflow to inf
    (["lmm=0.15"], ["0.6"], "no system 'lmm' in this run"),
])
def test_a_bad_price_is_a_one_line_error(price_in: list[str], price_out: list[str], message: str) -> None:
    with pytest.raises(UserError, match=message) as error:
        parse_prices(price_in, price_out, ["llm"])
    assert error.value.exit_code == 2
