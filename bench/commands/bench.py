"""``newsbench bench``: what ``make bench`` runs.

Runs every available system (or those given with ``--system``) over the gold
texts through the runner (cached, fault-contained), scores each on every split
and on all documents, prints the leaderboard and per-layer tables, writes the
reports (see :mod:`bench.report.write`) and applies the regression gate against the
baseline (see :mod:`bench.paths` for where each lives; none depends on ``--out`` or the
current directory). Selecting systems (``--system``, ``--exclude``) writes the reports to
``partial/`` and limits the gate, and an update, to the selected systems. Only systems
shipped with newsbench (or selected with ``--system``) are gated; others are reported
"not gated".

Exit codes: 0 reports written and the gate passed (or there is no baseline yet);
1 the gate failed (a drop beyond the tolerance, a system or layer gone, or changed
gold) or the gold is defective; 2 unusable input or options.
Predictions are served from the runner's cache when the system's name, version,
code (a hash of its package's sources), configuration and the document text are
unchanged; ``--no-cache`` runs every system afresh. ``--update-baseline``
(``make bench-update``) never uses the cache, accepts the run as the new
baseline and exits 0.

Every report carries each system's cost (:mod:`bench.cost`): seconds per document as
measured when each prediction was computed (kept with the cached prediction, so a
cached re-run reports the same figures), tokens and requests for systems that report
them, and with ``--price-in``/``--price-out`` (USD per million tokens; ``SYSTEM=USD``
for one system) a price per document and in total.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bench import baseline as gate
from bench import gold, interrupt, paths, registry, run_options, runner, unit_memo
from bench.cost import Price, parse_prices
from bench.errors import UserError
from bench.report.build import ScoredSystem, build_result
from bench.report.markup import safe
from bench.report.model import BenchResult
from bench.report.terminal import error_console, gate_table, output_console, tables
from bench.report.write import write_reports
from bench.schema import GoldDocument, Layer
from bench.score import score_corpus

#: The committed baseline: it is about the shipped gold (:data:`bench.gold.SHIPPED_GOLD`) only.
SHIPPED_BASELINE = gold.SHIPPED_GOLD.parent / paths.REPORTS / paths.BASELINE_NAME
BASELINE_NAME = paths.BASELINE_NAME
is_shipped = paths.is_shipped
corpus_name = paths.corpus_name
reports_folder = paths.reports_folder


def select_systems(requested: list[str] | None, console: Console, excluded: list[str] | None = None) -> list[str]:
    """The requested systems, or every available one (unavailable ones are listed with the reason); minus ``excluded``."""
    skip = set(excluded or [])
    if requested:
        chosen = [name for name in dict.fromkeys(requested) if name not in skip]
    else:
        chosen = []
        for info in registry.list_systems():
            if info.name in skip:
                console.print(f"[yellow]excluded[/yellow] {safe(info.name)}")
            elif info.availability.ok:
                chosen.append(info.name)
            else:
                hint = f" (install: {info.availability.install})" if info.availability.install else ""
                console.print(f"[yellow]skipped[/yellow] {safe(info.name)}: {safe(info.availability.reason + hint)}")
    if not chosen:
        raise UserError("no system is available to run (see `newsbench systems`)", exit_code=2)
    return chosen


def add_cqe(results: Path, documents: tuple[GoldDocument, ...], runs: dict[str, runner.RunResult]) -> None:
    """Span-free number gold (NewsQuant): add ``cqe: {system: block}`` (:mod:`bench.score.cqe`) to results.json.

    Other gold is left byte for byte as the renderers wrote it.
    """
    if not any(n.span_free for d in documents for n in d.annotations.numbers or ()):
        return
    from bench.atomic import write_text
    from bench.score import cqe

    data = json.loads(results.read_text(encoding="utf-8"))
    data["cqe"] = {name: cqe.corpus_dict(documents, run.predictions, name)
                   for name, run in sorted(runs.items()) if Layer.NUMBERS in run.layers}
    write_text(results, json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def score_runs(
    documents: tuple[GoldDocument, ...], runs: dict[str, runner.RunResult], prices: Mapping[str, Price] | None = None,
) -> BenchResult:
    """Score every run on the gold and assemble the report result (with each run's costs, priced per ``prices``)."""
    scored = []
    for name, run in sorted(runs.items()):
        score = score_corpus(documents, run.predictions, system=name, attempted=run.layers, warnings=run.warnings)
        scored.append(ScoredSystem(score, version=run.version, failures=run.failures,
                                   costs=tuple(run.costs.values()), price=(prices or {}).get(name)))
    return build_result(documents, scored)


def main_scores(result: BenchResult) -> dict[str, dict[Layer, float | None]]:
    """Each system's main F1 per layer on all documents (what the gate compares)."""
    out: dict[str, dict[Layer, float | None]] = {}
    for system in result.systems:
        out[system.name] = system.overall.score.main
    return out


def apply_gate(
    result: BenchResult,
    documents: tuple[GoldDocument, ...],
    path: Path,
    *,
    update: bool,
    only: list[str] | None,
    console: Console,
    gated: Collection[str] | None = None,
) -> bool:
    """Check (or with ``update`` rewrite) the baseline; print the verdict; return whether the run passes.

    ``only``: the systems selected on purpose; an update then rewrites only their rows and keeps
    every other system's. ``gated``: the systems that can fail the gate (default: all); a full
    update records only those.
    """
    scores = main_scores(result)
    hashes = {d.doc_id: d.sha256 for d in documents}
    accepted = gate.read_baseline(path)
    if update:
        if only is None and gated is not None:
            ungated = sorted(set(scores) - set(gated))
            if ungated:
                console.print(f"not recorded in the baseline (not shipped with newsbench, so not gated): "
                              f"{', '.join(ungated)}")
            scores = {k: v for k, v in scores.items() if k in gated}
        new = gate.updated(accepted, scores, hashes, only=only)
        gate.write_baseline(path, new)
        which = ", ".join(sorted(only)) + " only" if only is not None else ", ".join(sorted(scores))
        console.print(f"baseline updated: {path} ({which}; {len(hashes)} gold documents; "
                      f"tolerance {new.tolerance:g})")
        dropped = sorted(set(accepted.systems) - set(new.systems)) if accepted is not None else []
        if dropped:
            console.print(f"[yellow]no longer in the baseline: {', '.join(dropped)}[/yellow]")
        return True
    if accepted is None:
        console.print(f"[yellow]no baseline for this gold at {path}: the regression gate is off; "
                      "create it with `newsbench bench --update-baseline`[/yellow]")
        return True
    if only:
        accepted = gate.Baseline(accepted.tolerance, accepted.gold,
                                 {k: v for k, v in accepted.systems.items() if k in set(only)})
        console.print("gate limited to the selected systems")
    verdict = gate.check(accepted, scores, hashes, gated=gated)
    console.print(gate_table(verdict))
    if verdict.gold.changed:
        console.print(f"[bold red]the gold changed since {path} was made[/bold red] "
                      f"(added {len(verdict.gold.added)}, removed {len(verdict.gold.removed)}, "
                      f"edited {len(verdict.gold.edited)}): scores are not comparable; "
                      "review and accept with `make bench-update`")
    return verdict.passed


def bench(
    system: Annotated[
        list[str] | None,
        typer.Option("--system", "-s", help="Run only this system (name or file:PATH); repeatable. Default: all available."),
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", "-x", help="Do not run this system; repeatable.")
    ] = None,
    gold_path: Annotated[Path, typer.Option("--gold", help="Gold folder or JSONL.", envvar=gold.GOLD_ENV)] = gold.SHIPPED_GOLD,
    out: Annotated[
        Path | None,
        typer.Option(help="Reports folder (default: the project's reports/, or reports/<corpus>/ for other gold; "
                     "with --system or --exclude, partial/ inside it)."),
    ] = None,
    predictions: Annotated[
        Path | None,
        typer.Option(help="Where each system's predictions JSONL is written (default: the project's "
                     "predictions/, or predictions/<corpus>/ for other gold)."),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="Baseline file for the regression gate (default: the project's reports/baseline.json, "
                     "or reports/<corpus>/baseline.json for other gold; never depends on --out)."),
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Accept this run as the new baseline (make bench-update); "
                           "with --system or --exclude only the selected systems' rows.")
    ] = False,
    jobs: Annotated[int, typer.Option(min=0, help="Worker processes per system (0: in this process).")] = 1,
    cache: Annotated[
        bool,
        typer.Option("--cache/--no-cache", help="Reuse cached predictions (keyed by system name, version, code, "
                     "configuration and text); --no-cache runs every system afresh."),
    ] = True,
    timeout: run_options.Timeout = runner.DEFAULT_TIMEOUT,
    max_memory: run_options.MaxMemory = None,
    log_samples: run_options.LogSamples = False,
    executor: run_options.Executor = runner.ExecutorName.LOCAL,
    price_in: run_options.PriceIn = None,
    price_out: run_options.PriceOut = None,
) -> None:
    """Run, score and report every system; fail if the regression gate trips (exit 1)."""
    console = output_console()
    errors = error_console()
    documents = gold.load_gold(gold_path)
    if not documents:
        raise UserError(f"{gold_path}: no gold documents", exit_code=2)
    names = select_systems(system, errors, exclude)
    prices = parse_prices(price_in or [], price_out or [], names)
    selected = bool(system or exclude)
    # A new baseline is always computed afresh, so it never rests on anything cached.
    use_cache = cache and not update_baseline
    bar, progress = runner.rich_progress()
    with bar:
        runs = runner.run_systems(
            names, [d.document for d in documents], out_dir=paths.predictions_folder(gold_path, predictions),
            jobs=jobs, use_cache=use_cache, timeout=timeout, progress=progress, max_memory=runner.worker_memory(max_memory),
            log_samples=log_samples, splits={d.doc_id: d.split for d in documents}, executor=executor.value,
            # as `newsbench run` does: systems with their own caches (llm) ask again under --no-cache, so the
            # tokens and seconds of a fresh run are those of real requests
            options={"response_cache": use_cache, "document_timeout": timeout},
        )
    for run in runs.values():
        for warning in run.warnings:
            errors.print(f"[yellow]warning[/yellow] {safe(warning)}")
    with unit_memo.remembered(paths.default_cache()):  # a cached re-run need not import inflect (~3 s)
        result = score_runs(documents, runs, prices)
    for table in tables(result):
        console.print(table)
    for item in result.systems:
        for failure in item.failures[:5]:
            errors.print(f"[red]failed[/red] {safe(item.name)} on {safe(failure.doc_id)}: {safe(failure.reason)}")
        if len(item.failures) > 5:
            errors.print(f"  … {len(item.failures) - 5} more failures of {safe(item.name)} in its report")
    folder = paths.reports_folder(gold_path, out, partial=selected)
    with interrupt.deferred():  # Ctrl-C or SIGTERM waits until the report set is complete
        written = write_reports(result, folder)
        add_cqe(folder / "results.json", documents, runs)
    console.print(f"reports: {len(written)} files in {folder}/ (leaderboard: {folder / 'leaderboard.md'})")
    if selected and out is None:
        console.print(f"partial run (selected systems only): the full reports in {paths.default_reports(gold_path)}/ "
                      "are left as they were")
    gate_file = paths.baseline_file(gold_path, baseline)
    if not is_shipped(gold_path) and gate_file.resolve() == SHIPPED_BASELINE:
        # The committed baseline describes the shipped gold only: never read or rewrite it for other gold.
        console.print(f"no baseline for this gold ({gold_path}): the regression gate is off "
                      f"({SHIPPED_BASELINE.parent.name}/{BASELINE_NAME} is for the shipped gold only)")
        passed = True
    else:
        # Systems shipped with newsbench are gated; others only if selected on purpose with --system.
        gated = set(runs) if system else registry.shipped_systems()
        only = sorted(runs) if system else sorted(set(runs) & gated) if exclude else None
        passed = apply_gate(result, documents, gate_file, update=update_baseline, only=only, console=console,
                            gated=gated)
    sys.stdout.flush()
    if not passed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(bench)
