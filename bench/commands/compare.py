"""``newsbench compare A B``: is system A better than system B on the gold, beyond noise?

A and B are system names (run through the runner; cached predictions are reused
as in ``newsbench bench``, ``--no-cache`` runs afresh), ``file:PATH`` or a
path to a predictions ``.jsonl``. For every leaderboard metric both attempt, it
prints F1 of A and B, the difference A − B with a 95% paired bootstrap interval
over documents, the two-sided p-value of an approximate randomization test
(documents' counts swapped between systems; exact over all 2^n swaps when n is
small), and the number of documents. ``--json OUT`` writes the same as JSON.

Exit codes: 0 compared; 1 the gold is defective; 2 unusable input or options.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from bench import atomic, gold, paths, runner, unit_memo
from bench.allocator import keep_freed_memory
from bench.errors import UserError
from bench.formatting import DASH, pct, signed_pct
from bench.predictions import read_predictions
from bench.registry import as_file
from bench.report.build import MetricComparison, compare_scores
from bench.report.markup import safe
from bench.report.model import OVERALL
from bench.report.terminal import output_console
from bench.schema import Annotations, GoldDocument, Layer
from bench.score import CorpusScore, score_corpus
from bench.stats import MIN_DOCUMENTS, RESAMPLES, SEED, Comparison
from bench.subset import parse_doc_ids, select


def load_side(
    spec: str, documents: tuple[GoldDocument, ...], *, predictions: Path, use_cache: bool, console: Console,
    texts: dict[str, str] | None = None,
) -> CorpusScore:
    """Score one side on ``documents``: a predictions file read directly, or a system run through the runner.

    ``texts`` (doc_id → text, default: the documents') is what a predictions file is checked against,
    so lines for gold documents outside the compared split are not reported as unknown.
    """
    path = as_file(spec)
    by_doc: Mapping[str, Annotations]
    if path is not None:
        known = texts if texts is not None else {d.doc_id: d.text for d in documents}
        wanted = {d.doc_id for d in documents}
        found = read_predictions(path, known, scored=wanted)  # warns about the compared documents only
        for warning in found.warnings:
            console.print(f"[yellow]warning[/yellow] {safe(warning)}")
        by_doc, attempted = {d: a for d, a in found.by_doc.items() if d in wanted}, found.attempted
    else:
        run = runner.run_systems([spec], [d.document for d in documents], out_dir=predictions, use_cache=use_cache)[spec]
        for warning in run.warnings:
            console.print(f"[yellow]warning[/yellow] {safe(warning)}")
        for failure in run.failures:
            console.print(f"[yellow]failed[/yellow] {safe(spec)} on {safe(failure.doc_id)}: {safe(failure.reason)} (scored as empty)")
        by_doc, attempted = run.predictions, run.layers
    with unit_memo.remembered(paths.default_cache()):  # unit singulars from disk: no inflect import (~3 s)
        return score_corpus(documents, by_doc, system=spec, attempted=attempted)


def comparison_dict(rows: list[MetricComparison], a: str, b: str, split: str) -> dict[str, Any]:
    """The comparison as JSON data (F1 as ratios, not percent)."""
    out: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {"layer": row.metric.layer.value, "metric": row.metric.name, "documents": row.documents}
        c = row.comparison
        if c is None:
            item["missing"] = row.missing
        else:
            item.update({
                "a_f1": c.a, "b_f1": c.b, "difference": c.difference.value,
                "low": c.difference.low, "high": c.difference.high, "note": c.difference.note,
                "p_value": c.p_value, "test": c.test, "permutations": c.permutations,
            })
        out.append(item)
    return {"a": a, "b": b, "split": split, "resamples": RESAMPLES, "seed": SEED, "metrics": out}


def _difference_interval(comparison: Comparison) -> str:
    low, high = comparison.difference.low, comparison.difference.high
    if low is None or high is None:
        return comparison.difference.note or ""
    return f"[{signed_pct(low)}, {signed_pct(high)}]"


def comparison_table(rows: list[MetricComparison], a: str, b: str, split: str, documents: int) -> Table:
    """Rich table of the comparison of ``documents`` documents (each row says how many score its layer)."""
    where = "all documents" if split == OVERALL else f"split {split}"
    tests = sorted({r.comparison.test for r in rows if r.comparison is not None})
    table = Table(
        title=f"A = {a}  vs  B = {b}  ({where}, {documents} documents)",
        caption=(f"F1 in %; difference A − B with 95% paired bootstrap interval over documents "
                 f"({RESAMPLES} resamples, seed {SEED}; none below {MIN_DOCUMENTS} documents); "
                 f"p: two-sided, {'; '.join(tests) or 'approximate randomization'}"),
    )
    for column in ("layer", "metric", "A F1", "B F1", "A − B", "95% CI", "p", "documents"):
        table.add_column(column, justify="left" if column in ("layer", "metric") else "right")
    for row in rows:
        c = row.comparison
        if c is None:
            table.add_row(row.metric.layer.value, row.metric.name, DASH, DASH, DASH, row.missing, DASH,
                          str(row.documents))
            continue
        table.add_row(
            row.metric.layer.value,
            row.metric.name + (" (main)" if row.metric.main else ""),
            pct(c.a),
            pct(c.b),
            signed_pct(c.difference.value),
            _difference_interval(c),
            DASH if c.p_value is None else f"{c.p_value:.4f}",
            str(row.documents),
        )
    return table


def compare(
    a: Annotated[str, typer.Argument(help="System A: a name, file:PATH or a predictions .jsonl.")],
    b: Annotated[str, typer.Argument(help="System B: a name, file:PATH or a predictions .jsonl.")],
    gold_path: Annotated[Path, typer.Option("--gold", help="Gold folder or JSONL.", envvar=gold.GOLD_ENV)] = gold.SHIPPED_GOLD,
    split: Annotated[str, typer.Option(help="Compare on one split only (default: all documents).")] = OVERALL,
    predictions: Annotated[
        Path | None,
        typer.Option(help="Where named systems' predictions are written (default: the project's predictions/, "
                     "or predictions/<corpus>/ for other gold, so runs on different gold never overwrite each other)."),
    ] = None,
    cache: Annotated[
        bool, typer.Option("--cache/--no-cache", help="Reuse cached predictions of named systems (keyed by name, "
                           "version, code, configuration and text); --no-cache runs them afresh.")
    ] = True,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the comparison as JSON.")] = None,
    docs: Annotated[
        str | None,
        typer.Option("--docs", help="Compare on these documents only: ID,ID,… or @FILE (one id per line)."),
    ] = None,
) -> None:
    """Per-layer F1 difference A − B with a paired bootstrap interval and an approximate randomization p-value."""
    keep_freed_memory()  # as `score` does (bench.allocator)
    console = output_console()
    documents = gold.load_gold(gold_path)
    texts = {d.doc_id: d.text for d in documents}
    if not documents:
        raise UserError(f"{gold_path}: no gold documents", exit_code=2)
    documents = select(documents, split=None if split == OVERALL else split,
                       doc_ids=parse_doc_ids(docs) if docs is not None else None)
    if not documents:
        raise UserError(f"{gold_path}: no gold documents", exit_code=2)
    folder = paths.predictions_folder(gold_path, predictions)
    sides = [load_side(spec, documents, predictions=folder, use_cache=cache, console=console, texts=texts)
             for spec in (a, b)]
    rows = compare_scores(sides[0], sides[1], [d.doc_id for d in documents])
    console.print(comparison_table(rows, a, b, split, len(documents)))
    if not any(r.comparison is not None for r in rows):
        both = [layer.value for layer in Layer if layer in sides[0].attempted and layer in sides[1].attempted]
        if both:
            console.print(f"[yellow]no document's gold has the layers both attempt ({', '.join(both)})[/yellow]")
        else:
            console.print(f"[yellow]no layer is attempted by both: {a} ("
                          + ", ".join(l.value for l in Layer if l in sides[0].attempted) + f"), {b} ("
                          + ", ".join(l.value for l in Layer if l in sides[1].attempted) + ")[/yellow]")
    if json_out is not None:
        atomic.write_text(json_out, json.dumps(comparison_dict(rows, a, b, split), indent=2, sort_keys=True,
                                               ensure_ascii=False) + "\n")


def register(app: typer.Typer) -> None:
    app.command()(compare)
