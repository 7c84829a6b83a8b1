"""results.json (snapshot and structure) and results.csv (tidy long format)."""

from __future__ import annotations

import io
import json

import pandas as pd

from bench.report.data import COLUMNS, results_csv, results_json
from bench.report.model import BenchResult
from tests.report.conftest import assert_snapshot


def test_results_json_snapshot(result: BenchResult) -> None:
    assert_snapshot("results.json", results_json(result))


def test_results_json_structure(result: BenchResult) -> None:
    data = json.loads(results_json(result))
    assert data["gold"]["splits"] == ["seed", "challenge", "overall"]
    beta = data["systems"]["beta"]
    assert beta["attempted"] == ["entities", "numbers"]
    assert beta["splits"]["overall"]["scores"]["attributions"] is None
    assert "attributions" not in beta["splits"]["overall"]["intervals"]
    assert beta["failures"] == [{"doc_id": "d3", "reason": "TimeoutError: no answer within 600 s"}]
    seed_f1 = data["systems"]["alpha"]["splits"]["seed"]["intervals"]["entities"]["strict"]["f1"]
    assert seed_f1["low"] is None and seed_f1["note"] == "fewer than 5 documents: no interval"
    overall_f1 = data["systems"]["alpha"]["splits"]["overall"]["intervals"]["entities"]["strict"]["f1"]
    assert overall_f1["low"] <= overall_f1["value"] <= overall_f1["high"]
    assert overall_f1["value"] == data["systems"]["alpha"]["splits"]["overall"]["scores"]["entities"]["strict"]["f1"]
    homs = [e for e in data["systems"]["alpha"]["errors"] if e["outcomes"] == ["missed"] and e["doc_id"] == "d0"]
    assert homs == [{
        "doc_id": "d0", "layer": "entities", "outcomes": ["missed"], "description": 'missed GPE "Homs"',
        "context": "…causing heavy losses in Raqqa and Homs provinces, the ministry said on…",
        "gold": {"start": 70, "end": 74, "text": "Homs", "label": "GPE"}, "pred": None,
    }]


def test_results_json_keys_are_sorted(result: BenchResult) -> None:
    text = results_json(result)
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_results_csv_is_tidy_and_matches_the_json(result: BenchResult) -> None:
    frame = pd.read_csv(io.StringIO(results_csv(result)), keep_default_na=False)
    assert tuple(frame.columns) == COLUMNS
    assert not frame.duplicated(subset=list(COLUMNS[:-1])).any()  # one value per key
    assert set(frame["split"]) == {"seed", "challenge", "overall"}

    def value(**key: str) -> float:
        rows = frame
        for column, wanted in key.items():
            rows = rows[rows[column] == wanted]
        assert len(rows) == 1, key
        return float(rows["value"].iloc[0])

    data = json.loads(results_json(result))
    alpha = data["systems"]["alpha"]["splits"]
    assert value(system="alpha", split="overall", layer="entities", mode="strict", label="all", metric="f1") \
        == alpha["overall"]["scores"]["entities"]["strict"]["f1"]
    assert value(system="alpha", split="challenge", layer="entities", mode="partial", label="GPE", metric="recall") \
        == alpha["challenge"]["scores"]["entities"]["by_label"]["GPE"]["partial"]["recall"]
    assert value(system="alpha", split="overall", layer="numbers", mode="errors", label="all",
                 metric="wrong_qualifier") == 1
    assert value(system="alpha", split="overall", layer="attributions", mode="lenient", label="all",
                 metric="f1_low") == alpha["overall"]["intervals"]["attributions"]["lenient"]["f1"]["low"]
    assert value(system="beta", split="overall", layer="", mode="", label="all", metric="failures") == 1
    # not attempted: no rows at all (never zeros)
    assert frame[(frame["system"] == "beta") & (frame["layer"] == "attributions")].empty
    # one document: no interval rows
    assert frame[(frame["split"] == "seed") & frame["metric"].str.endswith("_low")].empty


def test_a_ratio_that_is_not_applicable_is_an_empty_csv_value_and_null_in_the_json(result: BenchResult) -> None:
    frame = pd.read_csv(io.StringIO(results_csv(result)))
    empty = frame[frame["value"].isna()]
    assert len(empty) > 0 and set(empty["metric"]) <= {"precision", "recall", "f1", "accuracy"}
    data = json.loads(results_json(result))
    row = empty.iloc[0]
    assert row["layer"] in ("entities", "numbers", "attributions")
    assert data["systems"][row["system"]]["splits"][row["split"]]["scores"][row["layer"]] is not None
