"""``newsbench score PRED.jsonl``: score a system's predictions against the gold.

``PRED`` is a predictions JSONL, or a gold annotation ``.json`` file or folder of them (the gold's
own files are valid predictions), or a system name (anything that is not ``file:PATH``, a
``.jsonl`` path or an existing file or folder, exactly as in ``newsbench compare``): the system is
then run through the runner (its cache reused unless ``--no-cache``) and its predictions scored.
``--label-map PER=PERSON,DATE=-`` rewrites entity labels of another scheme before a file is
checked (``-`` or nothing drops the entity).

Prints rich tables; ``--json`` writes :meth:`bench.score.CorpusScore.to_json`,
``--markdown`` a Markdown summary (both atomically). ``--per-document`` and ``--phenomena`` add a
table each and the JSON keys ``per_document`` and ``phenomena`` (:mod:`bench.score.slices`). Exit codes: 0 scored;
1 the gold is defective; 2 the prediction file (or an argument) is unusable,
reported as one ``file:line: field: problem`` line per defect.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bench import gold, paths, unit_memo
from bench.allocator import keep_freed_memory
from bench.atomic import write_text
from bench.errors import UserError
from bench.formatting import DASH, layer_pct, pct
from bench.gcpause import without_gc
from bench.labels import parse_label_map
from bench.predictions import read_predictions
from bench.registry import as_file
from bench.schema import Annotations, Layer
from bench.score import CorpusScore, score_corpus
from bench.score.counts import SemEvalCounts
from bench.score.keys import (
    MAIN,
    AttributionMetric,
    ComponentMetric,
    ComponentView,
    Mode,
    NumberMetric,
    SpanFree,
    title,
)
from bench.score.markdown import by_key, prf_cells, render
from bench.score.rows import Row, corpus_rows, error_counts
from bench.subset import parse_doc_ids, select

if TYPE_CHECKING:  # --phenomena only: imported when asked for
    from bench.score.slices import Slice
    from bench.stats import Interval

#: Component views the terminal shows (the per-item coverage is in --json and --markdown).
TERMINAL_VIEWS = (ComponentView.EXACT, ComponentView.OVERLAP)


def _semeval_cells(row: Row | None) -> list[str]:
    counts = None if row is None else row.counts
    if not isinstance(counts, SemEvalCounts):
        return [DASH] * 5
    return [str(n) for n in (counts.correct, counts.incorrect, counts.partial, counts.missed, counts.spurious)]


def _shown(metric: ComponentMetric) -> bool:
    return metric.view is None or metric.view in TERMINAL_VIEWS


def tables(score: CorpusScore) -> list[Table]:
    """Rich tables of a corpus score: main F1, entity modes, numbers, attributions ("—" when not scored)."""
    counts = score.counts
    out: list[Table] = []
    main = Table(title=f"{score.system}: {counts.documents} document(s)")
    for column in ("layer", "main F1", "secondary F1"):
        main.add_column(column, justify="left" if column == "layer" else "right")
    for layer in Layer:
        scored = counts.layer(layer) is not None
        main.add_row(layer.value, layer_pct(score.main[layer], scored=scored),
                     layer_pct(score.secondary[layer], scored=scored))
    out.append(main)

    entities = by_key(corpus_rows(counts, Layer.ENTITIES))
    table = Table(title="Entities (SemEval-2013 modes)")
    for column in ("mode", "P", "R", "F1", "COR", "INC", "PAR", "MIS", "SPU"):
        table.add_column(column, justify="left" if column == "mode" else "right")
    for mode in Mode:
        row = entities.get(mode)
        table.add_row(title(mode), *prf_cells(row), *_semeval_cells(row))
    out.append(table)

    numbers = by_key(corpus_rows(counts, Layer.NUMBERS))
    table = Table(title="Numbers")
    for column in ("metric", "P", "R", "F1"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for key in (*NumberMetric, *SpanFree):
        table.add_row(title(key), *prf_cells(numbers.get(key)))
    out.append(table)

    attributions = by_key(corpus_rows(counts, Layer.ATTRIBUTIONS))
    table = Table(title="Attributions")
    for column in ("metric", "P", "R", "F1"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for key in (*AttributionMetric, *[m for m in ComponentMetric if _shown(m)]):
        table.add_row(title(key), *prf_cells(attributions.get(key)))
    out.append(table)

    errors = Table(title="Errors")
    for column in ("layer", "outcome", "count"):
        errors.add_column(column, justify="right" if column == "count" else "left")
    for layer in Layer:
        found = error_counts(counts, layer)
        for outcome, count in (found or {}).items():
            errors.add_row(layer.value, outcome.value, str(count))
    out.append(errors)
    return out


def per_document_table(rows: dict[str, dict[Layer, Row | None]]) -> Table:
    """One row per document: main-metric P / R / F1 of each layer ("—" not scored, "n/a" not applicable)."""
    main = ", ".join(f"{layer.value} {MAIN[layer].value}" for layer in Layer)
    table = Table(title=f"Per document (main metric: {main})")
    table.add_column("document", justify="left", overflow="fold")
    for layer in Layer:
        for part in ("P", "R", "F1"):
            table.add_column(f"{layer.value[:3]} {part}", justify="right")
    for doc_id, layers in rows.items():
        cells: list[str | Text] = [Text(doc_id)]  # Text: an id is never read as rich markup
        for layer in Layer:
            cells += prf_cells(layers[layer])
        table.add_row(*cells)
    return table


def _with_interval(interval: Interval) -> str:
    """``71.0 [58.2–80.1]``, the value alone without an interval (the report stack is not imported here)."""
    if interval.low is None or interval.high is None:
        return pct(interval.value)
    return f"{pct(interval.value)} [{pct(interval.low)}–{pct(interval.high)}]"


def phenomena_table(slices: tuple[Slice, ...]) -> Table:
    """One row per phenomenon with gold items: gold count, recall (main, secondary) with intervals, the gap to
    the layer's overall main recall, precision (main) or "recall only" (definitions: :mod:`bench.score.slices`)."""
    from bench.score.slices import RECALL_ONLY
    table = Table(title="Phenomena (all scored documents; no interval under 5 items)")
    for column in ("layer", "phenomenon", "gold", "recall main", "gap", "recall secondary", "precision main"):
        table.add_column(column, justify="left" if column in ("layer", "phenomenon") else "right")
    for s in slices:
        if s.gold == 0:
            continue
        precision = RECALL_ONLY if s.recall_only else _with_interval(s.precision[s.main])
        gap = "n/a" if s.gap is None else f"{100 * s.gap:+.1f}"
        table.add_row(s.layer.value, Text(f"{s.name} ({s.main}/{s.secondary})"), str(s.gold),
                      _with_interval(s.recall[s.main]), gap, _with_interval(s.recall[s.secondary]), precision)
    return table


@without_gc  # loading, scoring and printing build millions of acyclic records (bench.gcpause)
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
    phenomena: Annotated[
        bool, typer.Option("--phenomena", help="Also print, and write into --json as `phenomena`, recall (and "
                           "precision where defined) per phenomenon of the gold, with bootstrap intervals.")
    ] = False,
    docs: Annotated[
        str | None,
        typer.Option("--docs", help="Score these documents only: ID,ID,… or @FILE (one id per line). "
                     "Documents outside the subset are neither scored nor warned about."),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option("--metric", help="Also report a named metric beside ours: cqe (the CQE/NewsQuant authors' "
                     "evaluation, numbers; printed and written into --json as `cqe`)."),
    ] = None,
) -> None:
    """Score PREDICTIONS (a file or a system name) against the gold; print tables, optionally write JSON and Markdown."""
    keep_freed_memory()  # corpus-sized arrays are dropped and made again: reuse their memory (bench.allocator)
    mapping = parse_label_map(label_map) if label_map is not None else None
    every = gold.load_gold(gold_path)
    texts = {doc.doc_id: doc.text for doc in every}  # a file is checked against every gold text
    documents = select(every, split=split, doc_ids=parse_doc_ids(docs) if docs is not None else None)
    path = Path(predictions) if Path(predictions).is_dir() else as_file(predictions)
    predicted: Mapping[str, Annotations]
    warnings: Sequence[str]
    if path is None:
        from bench import runner  # only for a system name: its imports are not paid to score a file

        run = runner.run_systems([predictions], [d.document for d in documents],
                                 out_dir=paths.predictions_folder(gold_path, predictions_dir), use_cache=cache)[predictions]
        for warning in run.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        for failure in run.failures:
            print(f"warning: {predictions} failed on {failure.doc_id}: {failure.reason} (scored as empty)",
                  file=sys.stderr)
        name = system if system is not None else predictions
        predicted, attempted, warnings = run.predictions, run.layers, ()
    else:
        found = read_predictions(path, texts, label_map=mapping, scored=[d.doc_id for d in documents])
        for warning in found.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        name = system if system is not None else path.name.removesuffix(".jsonl").removesuffix(".json")
        predicted, attempted, warnings = found.by_doc, found.attempted, found.warnings
    with unit_memo.remembered(paths.default_cache()):  # unit singulars from disk: no inflect import (~3 s)
        result = score_corpus(documents, predicted, system=name, attempted=attempted, warnings=warnings)
        named = named_metrics(metric or [], documents, predicted, system if system is not None else predictions)
    console = Console()
    for table in tables(result):
        console.print(table)
    for table in named_tables(named):
        console.print(table)
    rows = result.per_document_main() if per_document else None
    if per_document:
        console.print(per_document_table(result.per_document_rows()))
    slices = None
    if phenomena:
        from bench.score.slices import phenomenon_slices

        slices = phenomenon_slices(result)
    if slices is not None:
        console.print(phenomena_table(slices))
    if json_out is not None:
        if rows is None and slices is None and not named:
            write_text(json_out, result.to_json())
        else:
            data = result.to_dict()
            if rows is not None:
                data["per_document"] = rows
            if slices is not None:
                data["phenomena"] = [s.to_dict() for s in slices]
            data.update(named)
            write_text(json_out, json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    if markdown_out is not None:
        write_text(markdown_out, render(result))


def named_metrics(names: list[str], documents: Any, predicted: Any, system: str) -> dict[str, Any]:
    """``{name: result}`` of each named metric asked for (``cqe``: :mod:`bench.score.cqe`, imported only then)."""
    out: dict[str, Any] = {}
    for name in names:
        if name != "cqe":
            raise UserError(f"--metric: {name!r} is not a named metric (known: cqe)", exit_code=2)
        from bench.score import cqe

        out["cqe"] = cqe.corpus_dict(documents, predicted, system)
    return out


def named_tables(named: dict[str, Any]) -> list[Table]:
    """One table per named metric (P / R / F1 as the metric's authors round them)."""
    out: list[Table] = []
    if "cqe" in named:
        block = named["cqe"]
        table = Table(title=f"CQE evaluation (authors' procedure, system {block['system']!r})")
        for column in ("metric", "P", "R", "F1"):
            table.add_column(column, justify="left" if column == "metric" else "right")
        for key in ("value", "value_unit"):
            table.add_row(key.replace("_", "+"), *(DASH if block[key][k] is None else f"{block[key][k]:.1f}"
                                                   for k in ("precision", "recall", "f1")))
        out.append(table)
    return out


def register(app: typer.Typer) -> None:
    app.command()(score)
