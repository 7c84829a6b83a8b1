"""`make perf`'s whole-process half (bench.perf_cli) on a small corpus: same counts as nervaluate, phases timed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import perf_cli


@pytest.mark.slow
def test_newsbench_score_and_nervaluate_count_alike_as_whole_processes(tmp_path: Path) -> None:
    gold, pred, mentions = perf_cli.write_corpus(tmp_path, 12, 20)
    assert mentions > 0
    ours = perf_cli.run_newsbench(gold, pred, tmp_path / "score.json", 1)
    theirs = perf_cli.run_nervaluate(gold, pred, 1)
    assert ours.modes == theirs.modes
    assert ours.peak_rss_mb > 0 and ours.seconds > 0


@pytest.mark.slow
def test_the_phase_timer_times_every_step_of_the_command(tmp_path: Path) -> None:
    gold, pred, _ = perf_cli.write_corpus(tmp_path, 5, 10)
    found = perf_cli.phases(gold, pred, 1)
    assert list(found) == ["imports", "gold", "predictions", "scoring", "json", "tables"]
    assert all(seconds >= 0 for seconds in found.values())
