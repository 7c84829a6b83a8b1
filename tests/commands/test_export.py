"""``newsbench export``: the gold round-trips through a saved Hugging Face dataset and CSV tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from datasets import load_from_disk
from typer.testing import CliRunner

from bench import gold
from bench.cli import app
from bench.errors import UserError
from bench.schema import Layer


def test_hf_export_loads_back_with_identical_counts(tmp_path: Path) -> None:
    out = tmp_path / "hf"
    result = CliRunner().invoke(app, ["export", str(out)])
    assert result.exit_code == 0, result.output
    dataset = load_from_disk(str(out))
    documents = gold.load_gold()
    assert sorted(dataset) == sorted({d.split for d in documents})
    for doc in documents:
        [row] = [r for r in dataset[doc.split] if r["doc_id"] == doc.doc_id]
        for layer in Layer:
            assert len(row[layer.value]) == len(doc.annotations.layer(layer) or ())


def test_csv_export_has_one_row_per_annotation(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", str(tmp_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    documents = gold.load_gold()
    for layer in Layer:
        frame = pd.read_csv(tmp_path / f"{layer.value}.csv")
        assert len(frame) == sum(len(d.annotations.layer(layer) or ()) for d in documents)


def test_hf_export_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x", "utf-8")
    result = CliRunner().invoke(app, ["export", str(tmp_path)])
    assert isinstance(result.exception, UserError)  # main() prints it as one line and exits 2
    assert result.exception.exit_code == 2 and "not empty" in result.exception.lines[0]


def test_hf_export_keeps_the_gold_tags(tmp_path: Path) -> None:
    out = tmp_path / "hf"
    assert CliRunner().invoke(app, ["export", str(out)]).exit_code == 0
    dataset = load_from_disk(str(out))
    documents = gold.load_gold()
    tagged = [(d, layer) for d in documents for layer in Layer
              if any(item.tags for item in d.annotations.layer(layer) or ())]
    assert tagged, "the shipped gold has tags"
    for doc, layer in tagged:
        [row] = [r for r in dataset[doc.split] if r["doc_id"] == doc.doc_id]
        assert [item["tags"] for item in row[layer.value]] == [list(x.tags) for x in doc.annotations.layer(layer) or ()]


def test_csv_writes_offsets_as_integers_and_lists_as_json(tmp_path: Path) -> None:
    import json

    assert CliRunner().invoke(app, ["export", str(tmp_path), "--format", "csv"]).exit_code == 0
    attributions = (tmp_path / "attributions.csv").read_text("utf-8")
    header, first = attributions.splitlines()[:2]
    frame = pd.read_csv(tmp_path / "attributions.csv", dtype=str, keep_default_na=False)
    assert not frame["source_start"].str.contains(r"\.").any()  # "406", never "406.0"
    for value in frame["tags"]:
        assert isinstance(json.loads(value), list)  # a JSON array, not a Python repr
    assert all(isinstance(json.loads(v), list) for v in frame["content"])
    assert header and first
