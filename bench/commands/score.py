"""``newsbench score PRED.jsonl``: score a system's predictions against the gold.

``PRED`` is a predictions JSONL, or a gold annotation ``.json`` file or folder of them (the gold's
own files are valid predictions), or a system name (anything that is not ``file:PATH``, a
``.jsonl`` path or an existing file or folder, exactly as in ``newsbench compare``): the system is
then run through the runner (its cache reused unless ``--no-cache``) and its predictions scored.
``--label-map PER=PERSON,DATE=-`` rewrites entity labels of another scheme before a file is
checked (``-`` or nothing drops the entity).

Prints rich tables; ``--json`` writes :meth:`bench.score.CorpusScore.to_json`,
``--markdown`` a Markdown summary (both atomically). Exit codes: 0 scored;
1 the gold is defective; 2 the prediction file (or an argument) is unusable,
reported as one ``file:line: field: problem`` line per defect.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bench import gold, paths, runner
from bench.atomic import write_text
from bench.formatting import DASH, layer_pct, pct
from bench.labels import parse_label_map
from bench.predictions import read_predictions
from bench.registry import as_file
from bench.score import CorpusScore, score_corpus
from bench.score.markdown import render
from bench.score.numbers import NUMBER_METRIC_NAMES
from bench.subset import parse_doc_ids, select

MODES = ("strict", "exact", "partial", "type")


def _prf_cells(block: dict[str, Any] | None) -> list[str]:
    if block is None:
        return [DASH, DASH, DASH]
    return [pct(block["precision"]), pct(block["recall"]), pct(block["f1"])]


def tables(score: CorpusScore) -> list[Table]:
    """Rich tables of a corpus score: main F1, entity modes, numbers, attributions ("—" when not scored)."""
    data = score.to_dict()
    out: list[Table] = []
    main = Table(title=f"{data['system']}: {data['documents']} document(s)")
    for column in ("layer", "main F1", "secondary F1"):
        main.add_column(column, justify="left" if column == "layer" else "right")
    for layer in ("entities", "numbers", "attributions"):
        scored = data[layer] is not None
        main.add_row(layer, layer_pct(data["main"][layer], scored=scored), layer_pct(data["secondary"][layer], scored=scored))
    out.append(main)

    entities = data["entities"]
    table = Table(title="Entities (SemEval-2013 modes)")
    for column in ("mode", "P", "R", "F1", "COR", "INC", "PAR", "MIS", "SPU"):
        table.add_column(column, justify="left" if column == "mode" else "right")
    for mode in MODES:
        block = None if entities is None else entities[mode]
        counts = [DASH] * 5 if block is None else [str(block[k]) for k in ("correct", "incorrect", "partial", "missed", "spurious")]
        table.add_row(mode, *_prf_cells(block), *counts)
    out.append(table)

    numbers = data["numbers"]
    table = Table(title="Numbers")
    for column in ("metric", "P", "R", "F1"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for metric in NUMBER_METRIC_NAMES:
        table.add_row(metric, *_prf_cells(None if numbers is None else numbers[metric]))
    for metric in ("value", "full"):
        table.add_row(f"span-free {metric}", *_prf_cells(None if numbers is None else numbers["span_free"][metric]))
    out.append(table)

    attributions = data["attributions"]
    table = Table(title="Attributions")
    for column in ("metric", "P", "R", "F1"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for metric in ("strict", "lenient"):
        table.add_row(metric, *_prf_cells(None if attributions is None else attributions[metric]))
    for component in ("source", "cue", "content"):
        for kind in ("exact", "overlap"):
            table.add_row(f"{component} {kind}", *_prf_cells(None if attributions is None else attributions[component][kind]))
    table.add_row("source resolved", *_prf_cells(None if attributions is None else attributions["source"]["resolved"]))
    out.append(table)

    errors = Table(title="Errors")
    for column in ("layer", "outcome", "count"):
        errors.add_column(column, justify="right" if column == "count" else "left")
    for layer in ("entities", "numbers", "attributions"):
        if data[layer] is not None:
            for outcome, count in data[layer]["errors"].items():
                errors.add_row(layer, outcome, str(count))
    out.append(errors)
    return out


def per_document_table(rows: dict[str, dict[str, dict[str, Any] | None]]) -> Table:
    """One row per document: main-metric P / R / F1 of each layer ("—" not scored, "n/a" not applicable)."""
    table = Table(title="Per document (main metric: entities strict, numbers value, attributions strict)")
    table.add_column("document", justify="left", overflow="fold")
    for layer in ("entities", "numbers", "attributions"):
        for part in ("P", "R", "F1"):
            table.add_column(f"{layer[:3]} {part}", justify="right")
    for doc_id, layers in rows.items():
        cells: list[str | Text] = [Text(doc_id)]  # Text: an id is never read as rich markup
        for layer in ("entities", "numbers", "attributions"):
            cells += _prf_cells(layers[layer])
        table.add_row(*cells)
    return table


def score(
    predictions: Annotated[
        str,
        typer.Argument(help="Predictions JSONL (one object per document, or file:PATH), a gold annotation .json "
                       "or a folder of them; or a system name, run through the runner and its cache as `compare` "
                       "does.", show_default=False),
    ],
    gold_path: Annotated[Path, typer.Option("--gold", help="Gold folder, or a JSONL with `text` per line.", envvar=gold.GOLD_ENV)] = gold.SHIPPED_GOLD,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON here.")] = None,
    markdown_out: Annotated[Path | None, typer.Option("--markdown", help="Write a Markdown summary here.")] = None,
    system: Annotated[str | None, typer.Option("--system", help="System name (default: the file name).")] = None,
    label_map: Annotated[
        str | None,
        typer.Option(
            "--label-map",
            help="Map entity labels of another scheme before checking: PER=PERSON,MISC=NORP,DATE=- (- or empty drops).",
        ),
    ] = None,
    predictions_dir: Annotated[
        Path | None,
        typer.Option("--predictions-dir", help="For a system name: where its predictions are written (default as "
                     "in `compare`: the project's predictions/, or predictions/<corpus>/ for other gold)."),
    ] = None,
    cache: Annotated[
        bool, typer.Option("--cache/--no-cache", help="For a system name: reuse cached predictions (as in `compare`).")
    ] = True,
    split: Annotated[str | None, typer.Option("--split", help="Score the documents of one gold split only.")] = None,
    per_document: Annotated[
        bool, typer.Option("--per-document", help="Also print, and write into --json as `per_document`, each "
                           "document's main-metric P/R/F1 per layer.")
    ] = False,
    docs: Annotated[
        str | None,
        typer.Option("--docs", help="Score these documents only: ID,ID,… or @FILE (one id per line). "
                     "Documents outside the subset are neither scored nor warned about."),
    ] = None,
) -> None:
    """Score PREDICTIONS (a file or a system name) against the gold; print tables, optionally write JSON and Markdown."""
    mapping = parse_label_map(label_map) if label_map is not None else None
    every = gold.load_gold(gold_path)
    texts = {doc.doc_id: doc.text for doc in every}  # a file is checked against every gold text
    documents = select(every, split=split, doc_ids=parse_doc_ids(docs) if docs is not None else None)
    path = Path(predictions) if Path(predictions).is_dir() else as_file(predictions)
    if path is None:
        run = runner.run_systems([predictions], [d.document for d in documents],
                                 out_dir=paths.predictions_folder(gold_path, predictions_dir), use_cache=cache)[predictions]
        for warning in run.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        for failure in run.failures:
            print(f"warning: {predictions} failed on {failure.doc_id}: {failure.reason} (scored as empty)",
                  file=sys.stderr)
        name = system if system is not None else predictions
        result = score_corpus(documents, run.predictions, system=name, attempted=run.layers)
    else:
        found = read_predictions(path, texts, label_map=mapping, scored=[d.doc_id for d in documents])
        for warning in found.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        name = system if system is not None else path.name.removesuffix(".jsonl").removesuffix(".json")
        result = score_corpus(documents, found.by_doc, system=name, attempted=found.attempted, warnings=found.warnings)
    console = Console()
    for table in tables(result):
        console.print(table)
    rows = result.per_document_main() if per_document else None
    if rows is not None:
        console.print(per_document_table(rows))
    if json_out is not None:
        if rows is None:
            write_text(json_out, result.to_json())
        else:
            data = {**result.to_dict(), "per_document": rows}
            write_text(json_out, json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    if markdown_out is not None:
        write_text(markdown_out, render(result))


def register(app: typer.Typer) -> None:
    app.command()(score)
