"""Writing reports: every file, atomically, and byte-identical across runs."""

from __future__ import annotations

from pathlib import Path

from bench.report.model import BenchResult
from bench.report.write import render_all, write_reports
from tests.report.conftest import fixture_result


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_writes_every_report(tmp_path: Path, result: BenchResult) -> None:
    written = write_reports(result, tmp_path)
    assert sorted(tree(tmp_path)) == [
        "leaderboard.md", "leaderboard.png", "results.csv", "results.json",
        "systems/alpha.html", "systems/alpha.md", "systems/beta.html", "systems/beta.md",
        *(f"viewer/d{i}.html" for i in range(6)), "viewer/index.html",
    ]
    assert written == sorted(tmp_path / name for name in tree(tmp_path))
    assert not list(tmp_path.rglob("*.tmp"))


def test_two_runs_give_byte_identical_files(tmp_path: Path) -> None:
    """Built twice from scratch (scoring, bootstrap, rendering): same bytes."""
    write_reports(fixture_result(), tmp_path / "one")
    write_reports(fixture_result(), tmp_path / "two")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], name


def test_stale_system_pages_go_and_other_files_stay(tmp_path: Path, result: BenchResult) -> None:
    (tmp_path / "systems").mkdir()
    (tmp_path / "systems" / "retired.md").write_text("old")
    (tmp_path / "systems" / "retired.html").write_text("old")
    (tmp_path / "viewer").mkdir()
    (tmp_path / "viewer" / "retired-document.html").write_text("old")
    (tmp_path / "baseline.json").write_text("{}")
    write_reports(result, tmp_path)
    assert not (tmp_path / "viewer" / "retired-document.html").exists()
    assert not (tmp_path / "systems" / "retired.md").exists()
    assert not (tmp_path / "systems" / "retired.html").exists()
    assert (tmp_path / "baseline.json").read_text() == "{}"


def test_no_report_contains_a_timestamp_or_absolute_path(result: BenchResult) -> None:
    import re

    for name, data in render_all(result).items():
        if name.endswith(".png"):
            continue
        text = data.decode("utf-8")
        assert not re.search(r"20\d\d-\d\d-\d\d[T ]\d\d:\d\d", text), name
        assert str(Path.cwd()) not in text and "/tmp/" not in text, name
