"""Loading the gold: records, frames and datasets agree on every count; the seed is pinned."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bench import gold
from bench.errors import InvalidInput, UserError
from bench.schema import Layer
from bench.summary import counts
from tests.conftest import GoldWriter, tiny_annotation

SEED = "000_59703b9adca2838d"
SEED_SHA256 = "26ced16e06d465c707b4af3ae5bc0e92f33b5c11ba021aa26048300162a681bf"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / f"{SEED}.txt"


def test_seed_text_is_byte_identical_and_hash_pinned() -> None:
    data = (gold.default_gold() / "documents" / f"{SEED}.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256
    if SHARED_SEED.exists():
        assert SHARED_SEED.read_bytes() == data


def test_repository_gold_is_valid() -> None:
    assert [str(p) for p in gold.problems(gold.default_gold())] == []


def test_seed_is_its_own_split_with_every_layer() -> None:
    [seed] = gold.load_gold(splits=["seed"])
    assert seed.doc_id == SEED and seed.sha256 == SEED_SHA256
    for layer in Layer:
        assert seed.annotations.layer(layer), f"seed has no {layer}"


def _layer_counts_from_records(documents: tuple[gold.GoldDocument, ...]) -> dict[tuple[str, Layer], int]:
    return {(d.doc_id, layer): len(d.annotations.layer(layer) or ()) for d in documents for layer in Layer}


def test_frames_have_one_row_per_annotation() -> None:
    documents = gold.load_gold()
    expected = _layer_counts_from_records(documents)
    tables = gold.frames(documents)
    for layer in Layer:
        frame = tables[layer]
        per_doc = frame.groupby("doc_id").size().to_dict() if len(frame) else {}
        for doc in documents:
            assert per_doc.get(doc.doc_id, 0) == expected[(doc.doc_id, layer)]


def test_datasets_round_trip_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    documents = gold.load_gold()
    dataset = gold.to_datasets(documents)
    assert sorted(dataset) == sorted({d.split for d in documents})
    expected = _layer_counts_from_records(documents)
    for split in dataset:
        for row in dataset[split]:
            for layer in Layer:
                assert len(row[layer.value]) == expected[(row["doc_id"], layer)]
            original = next(d for d in documents if d.doc_id == row["doc_id"])
            assert row["text"] == original.text
            for entity in row["entities"]:
                assert row["text"][entity["start"]:entity["end"]] == entity["text"]


def test_summary_counts_match_records(write_gold: GoldWriter) -> None:
    [doc] = gold.load_gold(write_gold())
    tally = counts([doc])
    assert tally[("test", "documents", "")] == 1
    assert tally[("test", "entities", "GPE")] == 1 and tally[("test", "entities", "ORG")] == 1
    assert tally[("test", "numbers", "count")] == 1
    assert tally[("test", "attributions", "indirect")] == 2


def test_loading_defective_gold_raises_with_every_problem(write_gold: GoldWriter) -> None:
    data = tiny_annotation()
    data["entities"][0]["label"] = "CITY"
    data["numbers"][0]["end"] = 0
    with pytest.raises(InvalidInput) as caught:
        gold.load_gold(write_gold(data))
    assert caught.value.exit_code == 1
    assert len(caught.value.problems) == 1  # structure fails first; offsets are checked once it parses


def test_a_missing_shipped_gold_says_newsbench_needs_a_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A plain `pip install .` puts bench/ in site-packages without gold/ beside it.
    from bench import gold as gold_module

    monkeypatch.setattr(gold_module, "SHIPPED_GOLD", tmp_path / "gold")
    with pytest.raises(UserError) as error:
        gold_module.load_gold(tmp_path / "gold")
    (line,) = error.value.lines
    assert "checkout of the repository" in line and "--gold" in line
