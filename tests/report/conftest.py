"""The tiny report fixture (tests/fixtures/report): 6 documents in 2 splits, systems alpha and beta.

alpha attempts every layer; beta attempts entities and numbers, and has no prediction for d3,
which the fixture records as a failure (as the runner would).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.gold import load_gold
from bench.predictions import read_predictions
from bench.report.build import ScoredSystem, build_result
from bench.report.model import BenchResult, Failure
from bench.score import score_corpus

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "report"
SNAPSHOTS = FIXTURE / "snapshots"


def fixture_result() -> BenchResult:
    gold = load_gold(FIXTURE / "gold.jsonl")
    texts = {d.doc_id: d.text for d in gold}
    systems = []
    for name, failures in (("alpha", ()), ("beta", (Failure("d3", "TimeoutError: no answer within 600 s"),))):
        predictions = read_predictions(FIXTURE / f"{name}.jsonl", texts)
        score = score_corpus(gold, predictions.by_doc, system=name)
        systems.append(ScoredSystem(score, version="1.0", failures=failures, warnings=predictions.warnings))
    return build_result(gold, systems)


@pytest.fixture(scope="session")
def result() -> BenchResult:
    return fixture_result()
