"""Progress as the runner reports it (one start, one advance per document, one finish per system), and a rich bar.

The bar shows, per system: done/total, failures, documents/s and the time left. Both figures count
only documents computed in this run (a cached one costs nothing and would make the rate a lie):
documents/s = documents computed / seconds since the last cached one was counted (worker start-up
included); time left = documents still to do / that rate. The bar is drawn only on a terminal.
"""

from __future__ import annotations

import time
from typing import Any, Protocol


class Progress(Protocol):
    """What the runner reports progress to (see :func:`rich_progress`)."""

    def start(self, system: str, total: int) -> None: ...

    def advance(self, system: str, *, failed: bool, cached: bool = False) -> None: ...

    def finish(self, system: str) -> None: ...


def rate(computed: int, seconds: float) -> float | None:
    """Documents per second, or None before the first document (or no time) to measure it by.

    >>> rate(30, 12.0), rate(0, 5.0)
    (2.5, None)
    """
    return computed / seconds if computed and seconds > 0 else None


def time_left(remaining: int, per_second: float | None) -> str:
    """``remaining`` documents at ``per_second`` as ``H:MM:SS`` ("-:--:--" when the rate is unknown).

    >>> time_left(250, 2.0), time_left(3, None), time_left(0, None)
    ('0:02:05', '-:--:--', '0:00:00')
    """
    if remaining <= 0:
        return "0:00:00"
    if per_second is None:
        return "-:--:--"
    seconds = round(remaining / per_second)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def rich_progress() -> tuple[Any, Progress]:
    """A started-on-enter ``rich.progress.Progress`` (use as a context manager) and its runner adaptor.

    Off a terminal (output to a file or a pipe) the bar is disabled and prints nothing.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress
    from rich.text import Text

    def measured(task: Any) -> float | None:
        end = task.fields["stopped"] if task.fields["stopped"] is not None else time.monotonic()
        return rate(task.fields["computed"], end - task.fields["since"])

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            per_second = measured(task)
            return Text("   — docs/s" if per_second is None else f"{per_second:5.1f} docs/s")

    class Left(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(f"eta {time_left(int(task.total or 0) - int(task.completed), measured(task))}")

    console = Console(stderr=True)
    bar = RichProgress(
        TextColumn("{task.description:<14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        Rate(),
        Left(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    tasks: dict[str, Any] = {}
    counts: dict[str, list[int]] = {}

    class _Adaptor:
        def start(self, system: str, total: int) -> None:
            tasks[system] = bar.add_task(system, total=total, failed=0, computed=0, since=time.monotonic(), stopped=None)
            counts[system] = [0, 0, total]  # failed, computed, still to do

        def advance(self, system: str, *, failed: bool, cached: bool = False) -> None:
            failed_count, computed, left = counts[system]
            counts[system] = [failed_count + int(failed), computed + int(not cached), left - 1]
            fields: dict[str, Any] = {"failed": counts[system][0], "computed": counts[system][1]}
            if cached:
                fields["since"] = time.monotonic()
            if left == 1:  # the last one: the rate stops here, not when the workers have exited
                fields["stopped"] = time.monotonic()
            bar.update(tasks[system], advance=1, **fields)

        def finish(self, system: str) -> None:
            if counts[system][2] > 0:  # not stopped by its last document (an interrupted or empty run)
                bar.update(tasks[system], stopped=time.monotonic())
            bar.refresh()

    return bar, _Adaptor()
