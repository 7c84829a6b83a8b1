"""``newsbench view A B …``: write the comparison viewer for the given systems and print where it is.

Each side is a system name (run through the runner and its cache, as in ``newsbench compare``),
``file:PATH`` or a predictions ``.jsonl``. The pages (:mod:`bench.report.viewer`) go to ``--out``
(default ``<reports>/view/``); ``--doc ID`` writes that document's page only.

Exit codes: 0 written; 1 the gold is defective; 2 unusable input or options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bench import atomic, gold, paths
from bench.commands.compare import load_side
from bench.errors import UserError
from bench.report.build import ScoredSystem, build_result
from bench.report.terminal import output_console
from bench.report.viewer import INDEX, VIEWER, page_names, viewer_files
from bench.subset import select


def view(
    systems: Annotated[list[str], typer.Argument(help="Systems to compare: names, file:PATH or predictions .jsonl.")],
    doc: Annotated[str | None, typer.Option("--doc", help="Write this document's page only.")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder of the pages (default: <reports>/view/).")] = None,
    gold_path: Annotated[Path, typer.Option("--gold", help="Gold folder or JSONL.", envvar=gold.GOLD_ENV)] = gold.SHIPPED_GOLD,
    predictions: Annotated[
        Path | None, typer.Option(help="Where named systems' predictions are written (as in `newsbench compare`).")
    ] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse cached predictions of named systems.")] = True,
) -> None:
    """Write the comparison viewer for the given systems (gold in the middle, spans by outcome)."""
    console = output_console()
    if len(set(systems)) != len(systems):
        raise UserError(f"a system is named twice: {' '.join(systems)}", exit_code=2)
    documents = gold.load_gold(gold_path)
    texts = {d.doc_id: d.text for d in documents}
    if not documents:
        raise UserError(f"{gold_path}: no gold documents", exit_code=2)
    if doc is not None:
        documents = select(documents, doc_ids=[doc], option="--doc")
    if not documents:
        raise UserError(f"{gold_path}: no gold documents", exit_code=2)
    folder = paths.predictions_folder(gold_path, predictions)
    scores = [load_side(spec, documents, predictions=folder, use_cache=cache, console=console, texts=texts)
              for spec in systems]
    result = build_result(documents, [ScoredSystem(score, version="") for score in scores])
    target = out if out is not None else paths.default_reports(gold_path) / "view"
    for relative, page in sorted(viewer_files(result).items()):
        atomic.write_text(target / relative.removeprefix(f"{VIEWER}/"), page)
    opened = page_names([doc])[doc] if doc is not None else INDEX
    console.print(f"viewer: {target / opened}")


def register(app: typer.Typer) -> None:
    app.command()(view)
