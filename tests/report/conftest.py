"""The tiny report fixture (tests/fixtures/report): 6 documents in 2 splits, systems alpha and beta.

alpha attempts every layer; beta attempts entities and numbers, and has no prediction for d3,
which the fixture records as a failure (as the runner would).

Cost figures (hand-picked): alpha took 6.0 s over its 6 documents (1.0 s/doc) and reports tokens,
6000 prompt + 1000 completion in 7 requests, priced at $0.15 / $0.60 per million tokens: $0.0015
in all, $0.00025 per document. beta reports no tokens; it took 0.01 s on each of five documents and
600 s on d3, where it timed out (600.05 s, 100.008 s/doc).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from bench.cost import DocumentCost, Price
from bench.gold import load_gold
from bench.predictions import read_predictions
from bench.report.build import ScoredSystem, build_result
from bench.report.model import BenchResult, Failure
from bench.score import score_corpus

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "report"
SNAPSHOTS = FIXTURE / "snapshots"


#: alpha's documents d0…d5: (seconds, prompt tokens, completion tokens, requests).
ALPHA_COSTS = tuple(DocumentCost(*figures) for figures in (
    (1.25, 1200, 200, 1), (0.5, 800, 150, 1), (2.0, 1000, 250, 2), (0.75, 900, 100, 1), (1.0, 1100, 180, 1),
    (0.5, 1000, 120, 1)))
ALPHA_PRICE = Price(prompt=0.15, completion=0.60)
#: beta's: seconds only; d3 timed out.
BETA_COSTS = tuple(DocumentCost(seconds) for seconds in (0.01, 0.01, 0.01, 600.0, 0.01, 0.01))


def fixture_result() -> BenchResult:
    gold = load_gold(FIXTURE / "gold.jsonl")
    texts = {d.doc_id: d.text for d in gold}
    systems = []
    for name, failures, costs, price in (
        ("alpha", (), ALPHA_COSTS, ALPHA_PRICE),
        ("beta", (Failure("d3", "TimeoutError: no answer within 600 s"),), BETA_COSTS, None),
    ):
        predictions = read_predictions(FIXTURE / f"{name}.jsonl", texts)
        score = score_corpus(gold, predictions.by_doc, system=name)
        # warnings name the file; keep snapshots independent of where the repository lives
        warnings = tuple(w.replace(f"{FIXTURE}/", "") for w in predictions.warnings)
        systems.append(ScoredSystem(score, version="1.0", failures=failures, warnings=warnings, costs=costs,
                                    price=price))
    return build_result(gold, systems)


@pytest.fixture(scope="session")
def result() -> BenchResult:
    return fixture_result()


def assert_snapshot(name: str, actual: str) -> None:
    """``actual`` must equal the stored snapshot ``name``; NEWSBENCH_UPDATE_SNAPSHOTS=1 rewrites it.

    Review the diff of a rewritten snapshot before committing it: it is the specification.
    """
    path = SNAPSHOTS / name
    if os.environ.get("NEWSBENCH_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    assert path.exists(), f"no snapshot {path}; create it with NEWSBENCH_UPDATE_SNAPSHOTS=1 and review it"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            "snapshot", "rendered", n=2))
        raise AssertionError(f"{name} differs from its snapshot:\n{diff[:6000]}")
