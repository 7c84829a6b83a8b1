"""``newsbench bench``: what ``make bench`` runs.

Until the scorer and systems land this validates the gold and prints its summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bench import gold
from bench.commands.summary import summary_table


def bench(
    gold_path: Annotated[Path, typer.Option("--gold", help="Gold folder.")] = gold.DEFAULT_GOLD,
) -> None:
    """Validate the gold and print a summary."""
    Console().print(summary_table(gold_path))


def register(app: typer.Typer) -> None:
    app.command()(bench)
