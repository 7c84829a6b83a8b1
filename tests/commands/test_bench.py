"""``newsbench bench`` end to end on the fixture corpus: tables, reports, determinism and the gate.

Systems are the fixture's prediction files run as ``file:PATH`` systems through the runner.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bench.cli import main
from bench.commands.bench import apply_gate, score_runs
from bench.gold import load_gold
from bench.report.terminal import output_console
from tests.report.conftest import FIXTURE, fixture_result

GOLD = FIXTURE / "gold.jsonl"
SYSTEMS = ("--system", f"file:{FIXTURE / 'alpha.jsonl'}", "--system", f"file:{FIXTURE / 'beta.jsonl'}")


def bench(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str, out: str = "reports") -> int:
    argv = ["newsbench", "bench", "--gold", str(GOLD), *SYSTEMS, "--out", str(tmp_path / out),
            "--predictions", str(tmp_path / "predictions"), "--baseline", str(tmp_path / out / "baseline.json"),
            "--no-cache", "--jobs", "0", *args]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        main()
    code = exit_info.value.code
    return 0 if code is None else int(code)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_prints_the_leaderboard_and_writes_reports_without_a_baseline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench(monkeypatch, tmp_path) == 0
    printed = capsys.readouterr().out
    for title in ("Leaderboard: all documents", "Leaderboard: split seed", "Leaderboard: split challenge",
                  "Entities: all documents", "Numbers: all documents", "Attributions: all documents"):
        assert title in printed
    assert "71.0 [51.6–87.5]" in printed  # alpha, entities strict F1 on all documents, with its interval
    assert "no baseline" in printed
    assert sorted(tree(tmp_path / "reports")) == [
        "leaderboard.md", "leaderboard.png", "results.csv", "results.json",
        "systems/alpha.html", "systems/alpha.md", "systems/beta.html", "systems/beta.md",
        *(f"viewer/d{i}.html" for i in range(6)), "viewer/index.html",
    ]
    results = json.loads((tmp_path / "reports" / "results.json").read_text())
    # beta's file has no line for d3: not a failure, scored as empty with the warning `score` gives
    beta = results["systems"]["beta"]
    assert beta["failures"] == []
    assert beta["warnings"] == [f"{FIXTURE / 'beta.jsonl'}: 1 document(s) have no predictions, scored as empty: d3"]


def test_two_runs_write_byte_identical_reports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert bench(monkeypatch, tmp_path, out="one") == 0
    assert bench(monkeypatch, tmp_path, out="two") == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_the_command_reports_what_the_renderers_render(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Through the runner or read directly, the same predictions give the same scores and intervals."""
    from bench.report.data import result_dict

    assert bench(monkeypatch, tmp_path) == 0
    written = json.loads((tmp_path / "reports" / "results.json").read_text())
    direct = result_dict(fixture_result())
    assert written["gold"] == direct["gold"]
    for name in ("alpha", "beta"):
        assert written["systems"][name]["splits"] == direct["systems"][name]["splits"]
        assert written["systems"][name]["errors"] == direct["systems"][name]["errors"]


def test_gate_accepts_updates_then_passes_then_trips_on_a_drop(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench(monkeypatch, tmp_path, "--update-baseline") == 0
    path = tmp_path / "reports" / "baseline.json"
    accepted = json.loads(path.read_text())
    assert accepted["tolerance"] == 0.01
    # numbers: 7 of alpha's 8 predictions overlap a gold number of equal value (9 gold): F1 = 14/17
    assert accepted["systems"]["alpha"] == {"entities": 0.709677, "numbers": 0.823529, "attributions": 0.5}
    assert accepted["systems"]["beta"]["attributions"] is None
    assert sorted(accepted["gold"]) == ["d0", "d1", "d2", "d3", "d4", "d5"]
    capsys.readouterr()

    assert bench(monkeypatch, tmp_path) == 0
    assert "Regression gate PASSED" in capsys.readouterr().out

    accepted["systems"]["alpha"]["numbers"] = 0.9  # the accepted score was higher: now it is a drop of 7.6 points
    path.write_text(json.dumps(accepted))
    assert bench(monkeypatch, tmp_path) == 1
    printed = capsys.readouterr().out
    assert "Regression gate FAILED" in printed
    (line,) = [line for line in printed.splitlines() if "dropped" in line]
    assert "alpha" in line and "numbers" in line and "90.0" in line and "82.4" in line and "-7.6" in line
    # the reports are written even when the gate fails (CI keeps them as artifacts)
    assert (tmp_path / "reports" / "leaderboard.md").exists()


def test_a_drop_within_the_files_tolerance_passes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert bench(monkeypatch, tmp_path, "--update-baseline") == 0
    path = tmp_path / "reports" / "baseline.json"
    accepted = json.loads(path.read_text())
    accepted["tolerance"] = 0.1
    accepted["systems"]["alpha"]["numbers"] = 0.8
    path.write_text(json.dumps(accepted))
    assert bench(monkeypatch, tmp_path) == 0
    # updating keeps the tolerance written in the file
    assert bench(monkeypatch, tmp_path, "--update-baseline") == 0
    assert json.loads(path.read_text())["tolerance"] == 0.1


def test_changed_gold_fails_the_gate_and_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench(monkeypatch, tmp_path, "--update-baseline") == 0
    path = tmp_path / "reports" / "baseline.json"
    accepted = json.loads(path.read_text())
    accepted["gold"]["d2"] = "0" * 64
    del accepted["gold"]["d5"]
    path.write_text(json.dumps(accepted))
    capsys.readouterr()
    assert bench(monkeypatch, tmp_path) == 1
    printed = capsys.readouterr().out
    assert "the gold changed" in printed
    assert "gold document added" in printed and "gold document edited" in printed


def test_a_system_missing_from_the_run_fails_the_gate(tmp_path: Path) -> None:
    documents = load_gold(GOLD)
    result = fixture_result()
    path = tmp_path / "baseline.json"
    console = output_console()
    assert apply_gate(result, documents, path, update=True, only=None, console=console)
    only_alpha = type(result)(result.documents, result.splits, result.systems[:1], result.statistics)
    assert not apply_gate(only_alpha, documents, path, update=False, only=None, console=console)
    # asking for one system on purpose limits the gate to it
    assert apply_gate(only_alpha, documents, path, update=False, only=["alpha"], console=console)


def test_score_runs_is_importable_for_other_front_ends() -> None:
    assert callable(score_runs)
