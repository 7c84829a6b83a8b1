"""Imported gold through ``newsbench bench``, the cross-corpus summary and ``make bench-external``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import paths
from bench.cli import main
from bench.commands.bench import SHIPPED_BASELINE, reports_folder
from bench.importers.gold_folder import write_gold_folder
from bench.importers.gum import import_gum
from tests.importers.test_gum import FIXTURE

REPO = Path(__file__).resolve().parents[2]


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["newsbench", *args])
    with pytest.raises(SystemExit) as done:
        main()
    return 0 if done.value.code is None else int(done.value.code)


@pytest.fixture
def gum_copy(tmp_path: Path) -> Path:
    root = tmp_path / "external" / "gum-news"
    (root / "dep").mkdir(parents=True)
    (root / "dep" / "GUM_news_tiny.conllu").write_text(FIXTURE, encoding="utf-8")
    return root


@pytest.fixture
def gum_gold(tmp_path: Path, gum_copy: Path) -> Path:
    documents, _ = import_gum(gum_copy)
    write_gold_folder(documents, tmp_path / "data" / "gum")
    return tmp_path / "data" / "gum"


def predictions(tmp_path: Path, gold: Path) -> tuple[Path, Path]:
    """An entity system that copies the gold's first entity, and a numbers-only system."""
    record = json.loads((gold / "documents" / "GUM_news_tiny.json").read_text())
    first = record["entities"][0]
    entities = tmp_path / "ents.jsonl"
    entities.write_text(json.dumps({"doc_id": "GUM_news_tiny", "entities": [
        {"start": first["start"], "end": first["end"], "label": first["label"]}]}) + "\n")
    numbers = tmp_path / "nums.jsonl"
    numbers.write_text(json.dumps({"doc_id": "GUM_news_tiny", "numbers": []}) + "\n")
    return entities, numbers


def test_default_reports_folder_is_reports_for_shipped_gold_and_per_corpus_otherwise(gum_gold: Path) -> None:
    assert reports_folder(REPO / "gold", None) == REPO / "reports"
    assert reports_folder(gum_gold, None) == REPO / "reports" / "gum"
    assert reports_folder(gum_gold, None, partial=True) == REPO / "reports" / "gum" / "partial"
    assert reports_folder(gum_gold, Path("elsewhere")) == Path("elsewhere")


def test_bench_on_imported_gold_reports_per_corpus_and_never_touches_the_shipped_baseline(
    tmp_path: Path, gum_gold: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path)
    before = SHIPPED_BASELINE.read_bytes()
    ents, nums = predictions(tmp_path, gum_gold)
    common = ("bench", "--gold", str(gum_gold), "--system", f"file:{ents}", "--system", f"file:{nums}",
              "--no-cache", "--jobs", "0", "--predictions", str(tmp_path / "preds"))
    assert run(monkeypatch, *common) == 0
    printed = capsys.readouterr().out
    assert "no baseline for this gold" in printed
    # two systems selected on purpose: a partial run, beside (never over) the corpus' full reports
    leaderboard = (tmp_path / "reports" / "gum" / "partial" / "leaderboard.md").read_text()
    # one of the 3 gold entities found exactly: P 1/1, R 1/3, F1 = 2·1·(1/3)/(1 + 1/3) = 50.0
    assert "| [ents](systems/ents.md) | 50.0 | 50.0 | — | — | — | — | 0 |" in leaderboard
    # the numbers-only system does not attempt entities, and the gold has no numbers: all "—"
    assert "| [nums](systems/nums.md) | — | — | — | — | — | — | 0 |" in leaderboard
    # even pointed at the shipped baseline, other gold neither reads nor rewrites it
    assert run(monkeypatch, *common, "--baseline", str(SHIPPED_BASELINE), "--update-baseline") == 0
    assert "no baseline for this gold" in capsys.readouterr().out
    assert SHIPPED_BASELINE.read_bytes() == before


def test_summary_table_has_one_column_per_corpus_and_annotated_layer(
    tmp_path: Path, gum_gold: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ents, nums = predictions(tmp_path, gum_gold)
    out = tmp_path / "external"
    assert run(monkeypatch, "bench", "--gold", str(gum_gold), "--system", f"file:{ents}", "--system", f"file:{nums}",
               "--no-cache", "--jobs", "0", "--predictions", str(tmp_path / "preds"), "--out", str(out / "gum")) == 0
    assert run(monkeypatch, "summary-external", str(out)) == 0
    summary = (out / "summary.md").read_text()
    assert "| system | gum entities (1 docs) |" in summary
    assert "| ents | 50.0 |" in summary and "| nums | — |" in summary
    data = json.loads((out / "summary.json").read_text())
    assert data == {"gum": {"entities": {
        "ents": {"documents": 1, "f1": 0.5, "high": None, "low": None},
        "nums": {"documents": 1, "f1": None, "high": None, "low": None},
    }}}


@pytest.mark.skipif(shutil.which("make") is None or not (REPO / ".venv" / "bin" / "newsbench").exists(),
                    reason="needs make and the project's .venv (make .venv/.installed)")
def test_make_bench_external_benches_gum_and_skips_a_corpus_without_importer(tmp_path: Path, gum_copy: Path) -> None:
    done = subprocess.run(
        ["make", "-s", "bench-external", f"EXTERNAL={gum_copy.parent}", f"DATA={tmp_path / 'data'}",
         f"EXTERNAL_REPORTS={tmp_path / 'reports'}", "EXTERNAL_CORPORA=gum:gum-news nosuch:nosuch",
         "BENCH_ARGS=--system rules --no-cache --jobs 0"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "bench-external: skipped nosuch: this checkout has no `newsbench import nosuch`" in done.stdout
    assert "bench-external: gum: import" in done.stdout
    assert (tmp_path / "reports" / "gum" / "leaderboard.md").is_file()
    assert "| rules |" in (tmp_path / "reports" / "summary.md").read_text()
