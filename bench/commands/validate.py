"""``newsbench validate [PATH]``: check gold files; exit 0 clean, 1 defects, 2 unreadable."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bench import gold


def validate(
    path: Annotated[Path, typer.Argument(help="Gold folder, one annotation .json, or a gold .jsonl.", envvar=gold.GOLD_ENV)] = gold.SHIPPED_GOLD,
) -> None:
    """Check SHA-256, offsets, text slices, labels, ids, parents and duplicates; one line per problem."""
    found = gold.problems(path)
    for problem in found:
        print(problem, file=sys.stdout)
    if found:
        print(f"{len(found)} problem(s) in {path}", file=sys.stderr)
        raise typer.Exit(1)
    print(f"{path}: OK")


def register(app: typer.Typer) -> None:
    app.command()(validate)
