"""``newsbench score``: tables, JSON and Markdown outputs, one-line errors with exit 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bench.cli import main
from bench.gold import SHIPPED_GOLD, load_gold
from bench.schema import Layer
from tests.conftest import TINY_TEXT, GoldWriter, tiny_annotation


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["newsbench", "score", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    code = exit_info.value.code
    return 0 if code is None else int(code)


def gold_as_prediction() -> str:
    data = tiny_annotation()
    return json.dumps({k: data[k] for k in ("doc_id", "entities", "numbers", "attributions")}) + "\n"


def test_gold_scored_as_predictions_prints_tables_and_writes_json_and_markdown(
    tmp_path: Path, write_gold: GoldWriter, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = write_gold()
    predictions = tmp_path / "sys.jsonl"
    predictions.write_text(gold_as_prediction(), "utf-8")
    out_json, out_md = tmp_path / "out" / "s.json", tmp_path / "out" / "s.md"
    code = run(monkeypatch, str(predictions), "--gold", str(gold), "--json", str(out_json), "--markdown", str(out_md))
    assert code == 0
    printed = capsys.readouterr().out
    assert "Entities" in printed and "100.0" in printed
    data = json.loads(out_json.read_text("utf-8"))
    assert data["system"] == "sys"
    assert data["main"] == {"entities": 1.0, "numbers": 1.0, "attributions": 1.0}
    assert "| strict | 100.0 | 100.0 | 100.0 |" in out_md.read_text("utf-8")


def test_a_layer_not_attempted_shows_a_dash(
    tmp_path: Path, write_gold: GoldWriter, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = write_gold()
    predictions = tmp_path / "ner.jsonl"
    predictions.write_text(json.dumps({"doc_id": "tiny", "entities": []}) + "\n", "utf-8")
    out_md = tmp_path / "s.md"
    assert run(monkeypatch, str(predictions), "--gold", str(gold), "--markdown", str(out_md)) == 0
    assert "| numbers | — | — |" in out_md.read_text("utf-8")
    assert "—" in capsys.readouterr().out


def test_a_bad_prediction_line_is_one_line_naming_file_line_and_field_with_exit_2(
    tmp_path: Path, write_gold: GoldWriter, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = write_gold()
    predictions = tmp_path / "bad.jsonl"
    predictions.write_text(json.dumps({"doc_id": "tiny", "entities": [{"start": 0, "end": 5, "label": "CITY"}]}) + "\n", "utf-8")
    assert run(monkeypatch, str(predictions), "--gold", str(gold)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"{predictions}:1: entities[0].label:")
    assert "Traceback" not in err[0]


def test_offsets_past_the_text_are_rejected(
    tmp_path: Path, write_gold: GoldWriter, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = write_gold()
    predictions = tmp_path / "far.jsonl"
    far = len(TINY_TEXT) + 5
    predictions.write_text(json.dumps({"doc_id": "tiny", "entities": [{"start": 0, "end": far, "label": "GPE"}]}) + "\n", "utf-8")
    assert run(monkeypatch, str(predictions), "--gold", str(gold)) == 2
    assert "entities[0].end" in capsys.readouterr().err


def test_gold_may_be_a_jsonl_with_text_per_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Rain in Oslo."
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc_id": "x", "text": text, "entities": [{"start": 8, "end": 12, "label": "GPE"}]}) + "\n", "utf-8")
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(json.dumps({"doc_id": "x", "entities": [{"start": 8, "end": 12, "label": "LOC"}]}) + "\n", "utf-8")
    out = tmp_path / "s.json"
    assert run(monkeypatch, str(predictions), "--gold", str(gold), "--json", str(out)) == 0
    data = json.loads(out.read_text("utf-8"))
    assert data["entities"]["strict"]["incorrect"] == 1
    assert data["entities"]["coarse"]["strict"]["correct"] == 1
    assert data["numbers"] is None  # neither attempted nor annotated


def test_a_missing_document_is_warned_about_and_scored_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold.jsonl"
    lines = [{"doc_id": d, "text": "Rain in Oslo.", "entities": [{"start": 8, "end": 12, "label": "GPE"}]} for d in ("x", "y")]
    gold.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(json.dumps({"doc_id": "x", "entities": [{"start": 8, "end": 12, "label": "GPE"}]}) + "\n", "utf-8")
    out = tmp_path / "s.json"
    assert run(monkeypatch, str(predictions), "--gold", str(gold), "--json", str(out)) == 0
    assert "1 document(s) have no predictions, scored as empty: y" in capsys.readouterr().err
    strict = json.loads(out.read_text("utf-8"))["entities"]["strict"]
    assert (strict["correct"], strict["missed"], strict["recall"]) == (1, 1, 0.5)


def test_the_shipped_gold_folder_scored_as_predictions_is_1_on_every_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.json"
    assert run(monkeypatch, str(SHIPPED_GOLD / "documents"), "--gold", str(SHIPPED_GOLD), "--json", str(out)) == 0
    data = json.loads(out.read_text("utf-8"))
    assert data["main"] == {"entities": 1.0, "numbers": 1.0, "attributions": 1.0}
    assert data["system"] == "documents"
    assert "Invalid JSON" not in capsys.readouterr().err


@pytest.mark.parametrize("doc_id", [p.stem for p in sorted((SHIPPED_GOLD / "documents").glob("*.json"))])
def test_each_shipped_gold_file_scored_against_itself_is_1_on_every_layer_it_annotates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doc_id: str
) -> None:
    annotation = SHIPPED_GOLD / "documents" / f"{doc_id}.json"
    out = tmp_path / "s.json"
    assert run(monkeypatch, str(annotation), "--gold", str(annotation), "--json", str(out)) == 0
    data = json.loads(out.read_text("utf-8"))
    [document] = load_gold(annotation)
    expected = {layer.value: (1.0 if document.annotations.layer(layer) else None) for layer in Layer}
    assert data["system"] == doc_id and data["main"] == expected


def test_a_label_map_lets_another_scheme_be_scored(
    tmp_path: Path, write_gold: GoldWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    paris, le_monde = (tiny_annotation()["entities"][i] for i in (0, 1))
    line = {"doc_id": "tiny", "entities": [
        {"start": paris["start"], "end": paris["end"], "label": "LOCATION"},
        {"start": le_monde["start"], "end": le_monde["end"], "label": "ORGANIZATION"},
        {"start": 24, "end": 26, "label": "CARDINAL"},  # "12": a number, not an entity
    ]}
    predictions = tmp_path / "other.jsonl"
    predictions.write_text(json.dumps(line) + "\n", "utf-8")
    out = tmp_path / "s.json"
    code = run(monkeypatch, str(predictions), "--gold", str(write_gold()), "--json", str(out),
               "--label-map", "LOCATION=GPE,ORGANIZATION=ORG,CARDINAL=-")
    assert code == 0
    assert json.loads(out.read_text("utf-8"))["main"]["entities"] == 1.0


def test_a_bad_label_map_is_one_line_with_exit_2(
    tmp_path: Path, write_gold: GoldWriter, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(gold_as_prediction(), "utf-8")
    assert run(monkeypatch, str(predictions), "--gold", str(write_gold()), "--label-map", "PER=HUMAN") == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        (
            "--label-map: PER=HUMAN: 'HUMAN' is not a label (PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, "
            "WORK_OF_ART, LAW, LANGUAGE; - drops)"
        )
    ]


def test_phenomena_prints_a_table_and_writes_the_slices_into_json(
    tmp_path: Path, write_gold: GoldWriter, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = write_gold()
    predictions = tmp_path / "sys.jsonl"
    predictions.write_text(gold_as_prediction(), "utf-8")
    out_json = tmp_path / "s.json"
    assert run(monkeypatch, str(predictions), "--gold", str(gold), "--phenomena", "--json", str(out_json)) == 0
    assert "Phenomena" in capsys.readouterr().out
    slices = json.loads(out_json.read_text("utf-8"))["phenomena"]
    with_gold = [s for s in slices if s["gold"] > 0]
    main = {"entities": "strict", "numbers": "value", "attributions": "strict"}
    assert with_gold and all(s["recall"][main[s["layer"]]]["value"] == 1.0 for s in with_gold)  # gold against itself
