"""``newsbench summary-external``: the "system × corpus × layer" table of ``make bench-external``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bench import paths


def summary_external(
    reports: Annotated[Path, typer.Argument(help="Folder holding one reports folder per corpus (<corpus>/results.json).")]
    = paths.PROJECT_ROOT / paths.REPORTS / "external",
) -> None:
    """Write REPORTS/summary.md and summary.json from every REPORTS/<corpus>/results.json."""
    from bench.errors import UserError
    from bench.external import write_summary

    folders = {p.parent.name: p.parent for p in sorted(reports.glob("*/results.json"))}
    if not folders:
        raise UserError(f"{reports}: no <corpus>/results.json found (run `make bench-external`)", exit_code=2)
    table = write_summary(folders, reports)
    typer.echo(f"summary of {', '.join(folders)} ({len(table)} cells) → {reports / 'summary.md'}")


def register(app: typer.Typer) -> None:
    app.command("summary-external")(summary_external)
