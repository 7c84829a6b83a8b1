"""``newsbench systems``: every discovered system, its layers, and whether it can run here."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bench import registry
from bench.report.markup import safe


def systems_table(infos: list[registry.SystemInfo]) -> Table:
    """One row per system; an unavailable one shows the reason and the install command."""
    table = Table(title="Systems")
    table.add_column("system")
    table.add_column("version")
    table.add_column("layers")
    table.add_column("available")
    table.add_column("origin / notes", overflow="fold")
    for info in infos:
        status = info.availability
        if status.ok:
            state, note = "[green]yes[/green]", info.description or info.origin
        else:
            state = "[red]no[/red]"
            note = status.reason + (f" — to fix: {status.install}" if status.install else "")
        table.add_row(info.name, info.version, ", ".join(registry.layer_names(info.layers)) or "—", state, note)
    return table


def systems(
    model: Annotated[str | None, typer.Option(help="Model option to check availability with (as for `run`).")] = None,
) -> None:
    """List built-in systems and those installed through the `newsbench.systems` entry point."""
    found = registry.discover()
    console = Console()
    console.print(systems_table(registry.list_systems({"model": model}, discovery=found)))
    for warning in found.warnings:
        console.print(f"[yellow]warning:[/yellow] {safe(warning)}")


def register(app: typer.Typer) -> None:
    app.command()(systems)
