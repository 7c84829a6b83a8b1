"""The progress bar: documents/s and time left count only documents computed in this run; no bar off a terminal."""

from __future__ import annotations

from typing import Any

import pytest

from bench.runner import progress as progress_module
from bench.runner.progress import rate, rich_progress, time_left


class Clock:
    """A ``time.monotonic`` that returns :attr:`now`."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _column_text(bar: Any, system_index: int, column: str) -> str:
    task = bar.tasks[system_index]
    for col in bar.columns:
        if type(col).__name__ == column:
            return str(col.render(task))
    raise AssertionError(f"no {column} column")


def test_rate_is_documents_over_seconds_and_unknown_before_the_first() -> None:
    assert rate(9, 4.0) == 2.25
    assert rate(0, 4.0) is None
    assert rate(3, 0.0) is None


def test_time_left_is_remaining_over_rate_as_hours_minutes_seconds() -> None:
    assert time_left(7300, 2.0) == "1:00:50"  # 3650 s
    assert time_left(1, 4.0) == "0:00:00"  # 0.25 s rounds to 0
    assert time_left(5, None) == "-:--:--"
    assert time_left(0, None) == "0:00:00"


def test_cached_documents_count_as_done_but_not_in_the_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(progress_module.time, "monotonic", clock)
    bar, adaptor = rich_progress()
    adaptor.start("spacy", 10)
    clock.now = 1001.0
    for _ in range(4):  # four cache hits at t = 1001: the clock of the rate starts there
        adaptor.advance("spacy", failed=False, cached=True)
    clock.now = 1005.0  # 4 s later: two documents computed, one of them failed
    adaptor.advance("spacy", failed=False)
    adaptor.advance("spacy", failed=True)
    task = bar.tasks[0]
    assert (task.completed, task.fields["failed"], task.fields["computed"]) == (6, 1, 2)
    assert _column_text(bar, 0, "Rate") == "  0.5 docs/s"  # 2 documents / 4 s
    assert _column_text(bar, 0, "Left") == "eta 0:00:08"  # 4 still to do at 0.5/s


def test_the_rate_stops_at_the_last_document(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(progress_module.time, "monotonic", clock)
    bar, adaptor = rich_progress()
    adaptor.start("rules", 2)
    clock.now = 1002.0
    adaptor.advance("rules", failed=False)
    adaptor.advance("rules", failed=False)
    clock.now = 1010.0  # the workers take 8 s to exit: not part of the rate
    adaptor.finish("rules")
    assert _column_text(bar, 0, "Rate") == "  1.0 docs/s"  # 2 documents / 2 s
    assert _column_text(bar, 0, "Left") == "eta 0:00:00"


def test_no_bar_is_drawn_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    bar, adaptor = rich_progress()
    with bar:
        adaptor.start("rules", 1)
        adaptor.advance("rules", failed=False)
        adaptor.finish("rules")
    assert bar.disable
    assert capsys.readouterr().err == ""
