"""``newsbench export OUT``: the gold as a Hugging Face dataset on disk, or as CSV tables."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bench import atomic, gold
from bench.errors import UserError
from bench.schema import Layer


class ExportFormat(StrEnum):
    """``hf``: ``datasets.DatasetDict.save_to_disk`` (one split per gold split); ``csv``: one table per layer."""

    HF = "hf"
    CSV = "csv"


def export(
    out: Annotated[Path, typer.Argument(help="Output folder (created; must be empty or absent for hf).")],
    gold_path: Annotated[Path, typer.Option("--gold", help="Gold folder or JSONL.", envvar=gold.GOLD_ENV)] = gold.SHIPPED_GOLD,
    format: Annotated[ExportFormat, typer.Option("--format", help="hf or csv.")] = ExportFormat.HF,
) -> None:
    """Write the (validated) gold for use elsewhere; texts and annotations, offsets unchanged."""
    documents = gold.load_gold(gold_path)
    if format is ExportFormat.CSV:
        for layer, frame in gold.frames(documents).items():
            atomic.write_text(out / f"{layer.value}.csv", gold.csv_frame(frame).to_csv(index=False))
        print(f"{out}: {', '.join(f'{layer.value}.csv' for layer in Layer)}")
        return
    if out.exists() and any(out.iterdir()):
        raise UserError(f"{out}: folder is not empty; choose a new folder for the dataset", exit_code=2)
    gold.to_datasets(documents).save_to_disk(str(out))
    print(f"{out}: datasets.DatasetDict with splits {', '.join(sorted({d.split for d in documents}))}")


def register(app: typer.Typer) -> None:
    app.command()(export)
