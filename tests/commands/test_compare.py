"""``newsbench compare A B`` on the fixture corpus: differences, paired intervals, p-values."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bench.cli import main
from tests.report.conftest import FIXTURE

GOLD = FIXTURE / "gold.jsonl"


def compare(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["newsbench", "compare", *args, "--gold", str(GOLD)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    code = exit_info.value.code
    return 0 if code is None else int(code)


def test_two_prediction_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "comparison.json"
    code = compare(monkeypatch, str(FIXTURE / "alpha.jsonl"), f"file:{FIXTURE / 'beta.jsonl'}", "--json", str(out))
    assert code == 0
    printed = capsys.readouterr().out
    assert "6 documents" in printed and "beta.jsonl: 1 document(s) have no predictions" in printed
    data = json.loads(out.read_text())
    rows = {(m["layer"], m["metric"]): m for m in data["metrics"]}
    strict = rows[("entities", "strict")]
    assert strict["documents"] == 6 and strict["permutations"] == 64
    assert strict["test"] == "approximate randomization (exact: all 2^n swaps)"
    assert strict["a_f1"] == pytest.approx(22 / 31) and strict["b_f1"] == pytest.approx(0.64)
    assert strict["difference"] == pytest.approx(22 / 31 - 0.64)
    assert strict["low"] <= strict["difference"] <= strict["high"]
    assert 0 < strict["p_value"] <= 1
    assert rows[("attributions", "strict")] == {"layer": "attributions", "metric": "strict", "documents": 6,
                                                "missing": "not attempted by B"}


def test_a_system_against_itself_on_one_split(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "same.json"
    alpha = str(FIXTURE / "alpha.jsonl")
    assert compare(monkeypatch, alpha, alpha, "--split", "challenge", "--json", str(out)) == 0
    data = json.loads(out.read_text())
    assert data["split"] == "challenge"
    for row in data["metrics"]:
        assert row["documents"] == 5 and row["difference"] == 0.0 and row["p_value"] == 1.0


def test_fewer_than_five_documents_give_a_p_value_but_no_interval(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "seed.json"
    assert compare(monkeypatch, str(FIXTURE / "alpha.jsonl"), str(FIXTURE / "beta.jsonl"), "--split", "seed",
                   "--json", str(out)) == 0
    row = json.loads(out.read_text())["metrics"][0]
    assert row["documents"] == 1 and row["low"] is None and row["note"] == "fewer than 5 documents: no interval"
    assert row["p_value"] == 1.0  # one document, two orderings, both as extreme


def test_an_unknown_split_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert compare(monkeypatch, str(FIXTURE / "alpha.jsonl"), str(FIXTURE / "beta.jsonl"), "--split", "nope") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["--split: no gold documents in split 'nope' (splits: challenge, seed)"]


def _compare_on(monkeypatch: pytest.MonkeyPatch, gold: Path, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["newsbench", "compare", *args, "--gold", str(gold)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    return 0 if exit_info.value.code is None else int(exit_info.value.code)


def test_documents_whose_gold_lacks_a_layer_are_left_out_of_that_layers_comparison(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "b" has no entity layer in the gold: it scores entities on neither side (it was a traceback)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc_id": "a", "text": "Paris is big.",
                                "entities": [{"start": 0, "end": 5, "label": "GPE"}]}) + "\n"
                    + json.dumps({"doc_id": "b", "text": "Rome."}) + "\n", "utf-8")
    pred = tmp_path / "p.jsonl"
    pred.write_text(json.dumps({"doc_id": "a", "entities": [{"start": 0, "end": 5, "label": "GPE"}]}) + "\n"
                    + json.dumps({"doc_id": "b", "entities": []}) + "\n", "utf-8")
    out = tmp_path / "c.json"
    assert _compare_on(monkeypatch, gold, str(pred), f"file:{pred}", "--json", str(out)) == 0
    assert "2 documents" in capsys.readouterr().out
    rows = {(m["layer"], m["metric"]): m for m in json.loads(out.read_text())["metrics"]}
    assert rows[("entities", "strict")]["documents"] == 1 and rows[("entities", "strict")]["difference"] == 0

    empty_gold = tmp_path / "bare.jsonl"
    empty_gold.write_text(json.dumps({"doc_id": "a", "text": "Paris is big."}) + "\n", "utf-8")
    assert _compare_on(monkeypatch, empty_gold, str(pred), f"file:{pred}", "--json", str(out)) == 0
    printed = capsys.readouterr().out
    assert "no document scores this layer" in printed and "no document's gold has the layers both attempt" in printed
    rows = {(m["layer"], m["metric"]): m for m in json.loads(out.read_text())["metrics"]}
    assert rows[("entities", "strict")] == {"layer": "entities", "metric": "strict", "documents": 0,
                                            "missing": "no document scores this layer"}
