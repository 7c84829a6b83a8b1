"""Subsets: `score --split/--docs` scores only the chosen documents, as if the gold held nothing else."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from bench import gold
from bench.cli import main
from bench.errors import UserError
from bench.subset import parse_doc_ids, select


def newsbench(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["newsbench", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    return 0 if exit_info.value.code is None else int(exit_info.value.code)


def test_doc_ids_come_from_a_comma_list_or_a_file(tmp_path: Path) -> None:
    assert parse_doc_ids("a,b , a") == ("a", "b")
    listing = tmp_path / "ids.txt"
    listing.write_text("# chosen\nb\n\na  # the seed\n", encoding="utf-8")
    assert parse_doc_ids(f"@{listing}") == ("b", "a")
    assert parse_doc_ids(str(listing)) == ("b", "a")


def test_a_comma_list_is_never_looked_up_on_disk_so_a_long_one_is_ids_not_a_too_long_file_name() -> None:
    ids = tuple(f"document-{n:03d}" for n in range(60))
    spec = ",".join(ids)
    assert len(spec) > 255  # longer than any file name the system accepts
    assert parse_doc_ids(spec) == ids
    assert parse_doc_ids("x" * 300) == ("x" * 300,)  # no comma, no such file: one id


def test_a_comma_holding_value_is_ids_even_when_a_file_has_that_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a,b").write_text("c\n", encoding="utf-8")
    assert parse_doc_ids("a,b") == ("a", "b")
    assert parse_doc_ids("@a,b") == ("c",)


def test_an_unreadable_at_file_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"--docs: .*: cannot read: File name too long"):
        parse_doc_ids("@" + "y" * 300)
    with pytest.raises(UserError, match=r"--docs: .*nowhere.txt: cannot read: No such file"):
        parse_doc_ids(f"@{tmp_path / 'nowhere.txt'}")


def test_score_with_a_long_docs_list_names_the_unknown_ids(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    ids = ",".join(f"document-{n:03d}" for n in range(60))
    assert newsbench(monkeypatch, "score", str(gold.SHIPPED_GOLD), "--docs", ids) == 2
    assert "--docs: not in the gold: document-000, document-001, document-002, document-003, document-004 and 55 more" in (
        capsys.readouterr().err)


def test_unknown_ids_and_splits_are_named() -> None:
    documents = gold.load_gold()
    with pytest.raises(UserError, match="--docs: not in the gold: nope"):
        select(documents, doc_ids=["nope"])
    with pytest.raises(UserError, match=r"--split: no gold documents in split 'nope' \(splits: "):
        select(documents, split="nope")


def test_two_documents_scored_with_docs_score_as_those_two_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    documents = gold.load_gold()
    two = [documents[0], documents[-1]]
    # predictions for those two only: their gold, with one entity dropped so the score is not trivially 1.0
    lines = []
    for doc in two:
        entities = [{"start": e.start, "end": e.end, "label": e.label.value} for e in (doc.annotations.entities or ())][1:]
        lines.append(json.dumps({"doc_id": doc.doc_id, "entities": entities}))
    predictions = tmp_path / "two.jsonl"
    predictions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # the reference: a gold folder that holds only those two documents
    alone = tmp_path / "alone" / "documents"
    alone.mkdir(parents=True)
    for doc in two:
        for suffix in (".json", ".txt"):
            shutil.copy(gold.SHIPPED_GOLD / "documents" / f"{doc.doc_id}{suffix}", alone / f"{doc.doc_id}{suffix}")
    assert newsbench(monkeypatch, "score", str(predictions), "--gold", str(alone.parent),
                     "--json", str(tmp_path / "alone.json")) == 0
    capsys.readouterr()
    ids = ",".join(d.doc_id for d in two)
    assert newsbench(monkeypatch, "score", str(predictions), "--docs", ids, "--json", str(tmp_path / "subset.json")) == 0
    assert "warning" not in capsys.readouterr().err  # the 11 other documents are neither scored nor warned about
    subset = json.loads((tmp_path / "subset.json").read_text("utf-8"))
    reference = json.loads((tmp_path / "alone.json").read_text("utf-8"))
    assert subset == reference
    assert subset["documents"] == 2 and subset["entities"]["strict"]["missed"] == 2


def test_split_scores_the_documents_of_that_split(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    documents = gold.load_gold()
    seed = [d for d in documents if d.split == "seed"]
    out = tmp_path / "seed.json"
    assert newsbench(monkeypatch, "score", str(gold.SHIPPED_GOLD / "documents"), "--split", "seed", "--json", str(out)) == 0
    data = json.loads(out.read_text("utf-8"))
    assert data["documents"] == len(seed) and data["main"]["entities"] == 1.0


def test_per_document_scores_are_each_documents_own_main_metric(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    documents = gold.load_gold()
    first, second = documents[0], documents[1]
    # first: its gold entities minus one (strict P 1, R (n-1)/n); second: no entity at all (R 0, P n/a)
    entities = [{"start": e.start, "end": e.end, "label": e.label.value} for e in (first.annotations.entities or ())]
    lines = [json.dumps({"doc_id": first.doc_id, "entities": entities[1:]}),
             json.dumps({"doc_id": second.doc_id, "entities": []})]
    predictions = tmp_path / "p.jsonl"
    predictions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "s.json"
    assert newsbench(monkeypatch, "score", str(predictions), "--docs", f"{first.doc_id},{second.doc_id}",
                     "--per-document", "--json", str(out)) == 0
    assert "Per document" in capsys.readouterr().out
    rows = json.loads(out.read_text("utf-8"))["per_document"]
    n = len(entities)
    assert rows[first.doc_id]["entities"]["precision"] == 1.0
    assert rows[first.doc_id]["entities"]["recall"] == pytest.approx((n - 1) / n)
    assert rows[second.doc_id]["entities"]["precision"] is None and rows[second.doc_id]["entities"]["recall"] == 0.0
    assert rows[first.doc_id]["numbers"] is None  # the file attempts entities only
