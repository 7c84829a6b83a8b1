"""``newsbench summary [PATH]``: documents and annotation counts per split, layer and label."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bench import gold
from bench.schema import Layer
from bench.summary import counts


def summary_table(path: Path) -> Table:
    """A rich table of the gold's counts (loading validates the gold first)."""
    documents = gold.load_gold(path)
    tally = counts(documents)
    splits = sorted({split for split, _, _ in tally})
    table = Table(title=f"Gold: {path}")
    table.add_column("layer")
    table.add_column("label")
    for split in splits:
        table.add_column(split, justify="right")
    table.add_column("total", justify="right")

    def add(layer: str, label: str) -> None:
        values = [tally[(split, layer, label)] for split in splits]
        table.add_row(layer, label, *map(str, values), str(sum(values)))

    add("documents", "")
    for layer in Layer:
        labels = sorted({label for _, lay, label in tally if lay == layer.value})
        table.add_section()
        for label in labels:
            add(layer.value, label)
    return table


def summary(
    path: Annotated[Path, typer.Argument(help="Gold folder or file.", envvar=gold.GOLD_ENV)] = gold.SHIPPED_GOLD,
) -> None:
    """Print how many documents and annotations the gold holds."""
    Console().print(summary_table(path))


def register(app: typer.Typer) -> None:
    app.command()(summary)
