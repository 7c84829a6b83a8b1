"""Progress as the runner reports it (one start, one advance per document, one finish per system), and a rich bar."""

from __future__ import annotations

from typing import Any, Protocol


class Progress(Protocol):
    """What the runner reports progress to (see :func:`rich_progress`)."""

    def start(self, system: str, total: int) -> None: ...

    def advance(self, system: str, *, failed: bool) -> None: ...

    def finish(self, system: str) -> None: ...


def rich_progress() -> tuple[Any, Progress]:
    """A started-on-enter ``rich.progress.Progress`` (use as a context manager) and its runner adaptor."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    bar = RichProgress(
        TextColumn("{task.description:<14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    tasks: dict[str, Any] = {}
    failures: dict[str, int] = {}

    class _Adaptor:
        def start(self, system: str, total: int) -> None:
            tasks[system] = bar.add_task(system, total=total, failed=0)
            failures[system] = 0

        def advance(self, system: str, *, failed: bool) -> None:
            failures[system] += int(failed)
            bar.update(tasks[system], advance=1, failed=failures[system])

        def finish(self, system: str) -> None:
            bar.refresh()

    return bar, _Adaptor()
