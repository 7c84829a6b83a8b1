"""Cost through the commands: ``newsbench bench`` and ``newsbench run`` with the ``llm`` system against the
scripted OpenAI-compatible server of ``tests/systems/test_llm_system.py`` (every reply reports 100 prompt and
20 completion tokens), priced with ``--price-in/--price-out``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.commands.conftest import GOLD, newsbench
from tests.commands.test_bench import tree
from tests.systems.test_llm_system import Server, server  # noqa: F401  (server is a fixture)

PRICED = ("--price-in", "llm=0.15", "--price-out", "llm=0.60")


@pytest.fixture
def llm(server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Server:  # noqa: F811
    """The llm system configured for the scripted server; every cache (runner, replies, usage log) in tmp_path."""
    monkeypatch.setenv("NEWSBENCH_LLM_BASE_URL", server.url)
    monkeypatch.setenv("NEWSBENCH_LLM_MODEL", "test-model")
    monkeypatch.setenv("NEWSBENCH_CACHE", str(tmp_path / "cache"))
    return server


def bench_llm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, out: str, *args: str) -> int:
    return newsbench(monkeypatch, "bench", "--gold", str(GOLD), "--system", "llm", "--out", str(tmp_path / out),
                     "--predictions", str(tmp_path / "predictions"), "--baseline", str(tmp_path / "baseline.json"),
                     "--jobs", "0", *args)


def test_bench_reports_the_llms_tokens_and_price_per_document_in_every_report(
    llm: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench_llm(monkeypatch, tmp_path, "reports", *PRICED) == 0
    assert len(llm.requests) == 6  # one request per fixture document
    cost = json.loads((tmp_path / "reports" / "results.json").read_text("utf-8"))["systems"]["llm"]["cost"]
    # 6 × (100 × 0.15 + 20 × 0.60) / 1e6 = 6 × 0.000027 = 0.000162 USD
    assert {k: v for k, v in cost.items() if "seconds" not in k} == {
        "documents": 6, "token_documents": 6, "prompt_tokens": 600, "completion_tokens": 120, "requests": 6,
        "prompt_tokens_per_document": 100.0, "completion_tokens_per_document": 20.0, "requests_per_document": 1.0,
        "price_in": 0.15, "price_out": 0.6, "usd": 0.000162, "usd_per_document": 0.000027}
    assert cost["seconds"] > 0 and cost["seconds_per_document"] == pytest.approx(cost["seconds"] / 6, abs=1e-6)
    leaderboard = (tmp_path / "reports" / "leaderboard.md").read_text("utf-8")
    (row,) = [line for line in leaderboard.splitlines() if line.startswith("| llm | 6 |")]
    assert row.endswith("| 100 | 20.0 | 1.00 | $0.0000270 | $0.000162 | 0.15 / 0.6 |")
    page = (tmp_path / "reports" / "systems" / "llm.md").read_text("utf-8")
    assert "| prompt tokens | 100 | 600 |" in page and "| completion tokens | 20.0 | 120 |" in page
    assert "| price (USD 0.15 / 0.6 per million tokens in / out) | $0.0000270 | $0.000162 |" in page
    assert "$0.000162" in (tmp_path / "reports" / "systems" / "llm.html").read_text("utf-8")
    assert "Cost: all documents" in capsys.readouterr().out


def test_a_cached_bench_rerun_writes_byte_identical_reports_with_the_same_cost_figures(
    llm: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bench_llm(monkeypatch, tmp_path, "one", *PRICED) == 0
    assert bench_llm(monkeypatch, tmp_path, "two", *PRICED) == 0
    assert len(llm.requests) == 6  # the second run asked nothing: every prediction came from the cache
    run = json.loads((tmp_path / "predictions" / "llm.run.json").read_text("utf-8"))
    assert run["cached"] == 6 and run["usage"]["totals"]["documents"] == 0  # the run itself spent nothing
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_prediction_answered_from_the_llms_reply_cache_has_unknown_cost_not_zero(
    llm: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bench_llm(monkeypatch, tmp_path, "one", *PRICED) == 0
    # the runner's predictions are gone (an edited system, a moved cache) but the llm's reply cache is not
    for folder in (tmp_path / "cache" / "llm").iterdir():
        if folder.is_dir() and len(folder.name) == 2:
            shutil.rmtree(folder)
    for out in ("two", "three"):  # recomputed from cached replies, then served from the runner's cache
        assert bench_llm(monkeypatch, tmp_path, out, *PRICED) == 0
        cost = json.loads((tmp_path / out / "results.json").read_text("utf-8"))["systems"]["llm"]["cost"]
        assert (cost["documents"], cost["token_documents"], cost["prompt_tokens"], cost["usd"]) == (0, 0, None, None)
    assert len(llm.requests) == 6  # nothing was asked again: the server spent no tokens, and none are claimed


def test_a_reply_without_usage_leaves_the_documents_tokens_unknown(
    llm: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    llm.usage = None  # a server that sends no usage field
    assert bench_llm(monkeypatch, tmp_path, "one", *PRICED) == 0
    cost = json.loads((tmp_path / "one" / "results.json").read_text("utf-8"))["systems"]["llm"]["cost"]
    assert (cost["token_documents"], cost["prompt_tokens"], cost["completion_tokens"]) == (0, None, None)
    # the requests were made and timed: the documents' seconds are known, only their tokens are not
    assert cost["documents"] == 6 and cost["seconds"] is not None


def test_bench_no_cache_asks_the_llm_again_so_fresh_figures_are_real_requests(
    llm: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bench_llm(monkeypatch, tmp_path, "one") == 0
    assert bench_llm(monkeypatch, tmp_path, "two", "--no-cache") == 0
    assert len(llm.requests) == 12  # not answered from the llm's own reply cache either
    cost = json.loads((tmp_path / "two" / "results.json").read_text("utf-8"))["systems"]["llm"]["cost"]
    assert (cost["prompt_tokens"], cost["completion_tokens"], cost["requests"]) == (600, 120, 6)


def test_without_a_price_there_are_no_price_columns_and_without_tokens_no_token_columns(
    llm: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bench_llm(monkeypatch, tmp_path, "reports") == 0
    leaderboard = (tmp_path / "reports" / "leaderboard.md").read_text("utf-8")
    assert "| prompt tokens/doc |" in leaderboard and "$/doc" not in leaderboard
    assert json.loads((tmp_path / "reports" / "results.json").read_text("utf-8"))["systems"]["llm"]["cost"]["usd"] is None


def test_run_prints_each_systems_cost_per_document(
    llm: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert newsbench(monkeypatch, "run", "llm", "--gold", str(GOLD), "--out", str(tmp_path / "out"), "--jobs", "0",
                     "--price-in", "0.15", "--price-out", "0.60") == 0
    printed = " ".join(capsys.readouterr().err.split())  # the console wraps long lines
    assert "s/doc, 100 prompt + 20.0 completion tokens/doc, 1.00 requests/doc, $0.0000270/doc (over 6 documents)" in (
        printed)
    # the limits the llm asked under: the scripted server has no /props, so one request in flight on 127.0.0.1
    assert "limits: concurrency 1" in printed


def test_a_price_for_one_kind_of_token_only_is_refused_with_exit_2(
    llm: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench_llm(monkeypatch, tmp_path, "reports", "--price-in", "0.15") == 2
    assert "llm has a price for one kind of token only: give --price-out too" in capsys.readouterr().err
    assert llm.requests == []  # refused before anything ran
