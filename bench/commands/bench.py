"""``newsbench bench``: what ``make bench`` runs.

Runs every available system (or those given with ``--system``) over the gold
texts through the runner (cached, fault-contained), scores each on every split
and on all documents, prints the leaderboard and per-layer tables, writes the
reports (see :mod:`bench.report.write`) and applies the regression gate against
``baseline.json`` in the reports folder.

Exit codes: 0 reports written and the gate passed (or there is no baseline yet);
1 the gate failed (a drop beyond the tolerance, a system or layer gone, or changed
gold) or the gold is defective; 2 unusable input or options.
Predictions are served from the runner's cache when the system's name, version,
code (a hash of its package's sources), configuration and the document text are
unchanged; ``--no-cache`` runs every system afresh. ``--update-baseline``
(``make bench-update``) never uses the cache, accepts the run as the new
baseline and exits 0.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bench import baseline as gate
from bench import gold, registry, runner
from bench.errors import UserError
from bench.report.build import ScoredSystem, build_result
from bench.report.model import BenchResult, Failure
from bench.report.terminal import error_console, gate_table, output_console, tables
from bench.report.write import write_reports
from bench.schema import GoldDocument, Layer
from bench.score import score_corpus

#: Where ``make bench`` writes reports; the committed baseline lives here too.
DEFAULT_REPORTS = Path("reports")
BASELINE_NAME = "baseline.json"
#: The committed baseline: it is about the shipped gold (:data:`bench.gold.SHIPPED_GOLD`) only.
SHIPPED_BASELINE = gold.SHIPPED_GOLD.parent / DEFAULT_REPORTS / BASELINE_NAME


def is_shipped(gold_path: Path) -> bool:
    """Whether ``gold_path`` is the repository's own gold folder (or its ``documents/``)."""
    return gold_path.resolve() in (gold.SHIPPED_GOLD, gold.SHIPPED_GOLD / "documents")


def corpus_name(gold_path: Path) -> str:
    """A name for imported gold: its folder's name (``data/gum`` → ``gum``), or a JSONL file's stem."""
    path = gold_path.resolve()
    if path.name == "documents":
        path = path.parent
    return path.stem if path.is_file() else path.name


def reports_folder(gold_path: Path, out: Path | None) -> Path:
    """``--out``, else ``reports/`` for the shipped gold and ``reports/<corpus>/`` for any other."""
    if out is not None:
        return out
    return DEFAULT_REPORTS if is_shipped(gold_path) else DEFAULT_REPORTS / corpus_name(gold_path)


def select_systems(requested: list[str] | None, console: Console) -> list[str]:
    """The requested systems, or every available one (unavailable ones are listed with the reason)."""
    if requested:
        return list(dict.fromkeys(requested))
    chosen = []
    for info in registry.list_systems():
        if info.availability.ok:
            chosen.append(info.name)
            continue
        hint = f" (install: {info.availability.install})" if info.availability.install else ""
        console.print(f"[yellow]skipped[/yellow] {info.name}: {info.availability.reason}{hint}")
    if not chosen:
        raise UserError("no system is available to run (see `newsbench systems`)", exit_code=2)
    return chosen


def score_runs(documents: tuple[GoldDocument, ...], runs: dict[str, runner.RunResult]) -> BenchResult:
    """Score every run on the gold and assemble the report result."""
    scored = []
    for name, run in sorted(runs.items()):
        score = score_corpus(documents, run.predictions, system=name, attempted=run.layers, warnings=run.warnings)
        failures = tuple(Failure(f.doc_id, f.reason) for f in run.failures)
        scored.append(ScoredSystem(score, version=run.version, failures=failures))
    return build_result(documents, scored)


def main_scores(result: BenchResult) -> dict[str, dict[Layer, float | None]]:
    """Each system's main F1 per layer on all documents (what the gate compares)."""
    out: dict[str, dict[Layer, float | None]] = {}
    for system in result.systems:
        main = system.overall.scores["main"]
        out[system.name] = {layer: main[layer.value] for layer in Layer}
    return out


def apply_gate(
    result: BenchResult,
    documents: tuple[GoldDocument, ...],
    path: Path,
    *,
    update: bool,
    only: list[str] | None,
    console: Console,
) -> bool:
    """Check (or with ``update`` rewrite) the baseline; print the verdict; return whether the run passes."""
    scores = main_scores(result)
    hashes = {d.doc_id: d.sha256 for d in documents}
    accepted = gate.read_baseline(path)
    if update:
        tolerance = accepted.tolerance if accepted is not None else gate.DEFAULT_TOLERANCE
        gate.write_baseline(path, gate.make_baseline(scores, hashes, tolerance=tolerance))
        console.print(f"baseline updated: {path} ({', '.join(sorted(scores))}; {len(hashes)} gold documents; "
                      f"tolerance {tolerance:g})")
        dropped = sorted(set(accepted.systems) - set(scores)) if accepted is not None else []
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
    verdict = gate.check(accepted, scores, hashes)
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
    gold_path: Annotated[Path, typer.Option("--gold", help="Gold folder or JSONL.")] = gold.DEFAULT_GOLD,
    out: Annotated[
        Path | None, typer.Option(help="Reports folder (default: reports/, or reports/<corpus>/ for other gold).")
    ] = None,
    predictions: Annotated[Path, typer.Option(help="Where each system's predictions JSONL is written.")] = runner.DEFAULT_OUT,
    baseline: Annotated[
        Path | None, typer.Option(help="Baseline file for the regression gate (default: OUT/baseline.json).")
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Accept this run as the new baseline (make bench-update).")
    ] = False,
    jobs: Annotated[int, typer.Option(min=0, help="Worker processes per system (0: in this process).")] = 1,
    cache: Annotated[
        bool,
        typer.Option("--cache/--no-cache", help="Reuse cached predictions (keyed by system name, version, code, "
                     "configuration and text); --no-cache runs every system afresh."),
    ] = True,
    timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds per document before it is recorded as a failure.")
    ] = runner.DEFAULT_TIMEOUT,
) -> None:
    """Run, score and report every system; fail if the regression gate trips (exit 1)."""
    console = output_console()
    errors = error_console()
    documents = gold.load_gold(gold_path)
    if not documents:
        raise UserError(f"{gold_path}: no gold documents", exit_code=2)
    names = select_systems(system, errors)
    # A new baseline is always computed afresh, so it never rests on anything cached.
    use_cache = cache and not update_baseline
    bar, progress = runner.rich_progress()
    with bar:
        runs = runner.run_systems(
            names, [d.document for d in documents], out_dir=predictions, jobs=jobs, use_cache=use_cache,
            timeout=timeout, progress=progress,
        )
    for run in runs.values():
        for warning in run.warnings:
            errors.print(f"[yellow]warning[/yellow] {warning}")
    result = score_runs(documents, runs)
    for table in tables(result):
        console.print(table)
    for item in result.systems:
        for failure in item.failures[:5]:
            errors.print(f"[red]failed[/red] {item.name} on {failure.doc_id}: {failure.reason}")
        if len(item.failures) > 5:
            errors.print(f"  … {len(item.failures) - 5} more failures of {item.name} in its report")
    out = reports_folder(gold_path, out)
    written = write_reports(result, out)
    console.print(f"reports: {len(written)} files in {out}/ (leaderboard: {out / 'leaderboard.md'})")
    gate_file = baseline or out / BASELINE_NAME
    if not is_shipped(gold_path) and gate_file.resolve() == SHIPPED_BASELINE:
        # The committed baseline describes the shipped gold only: never read or rewrite it for other gold.
        console.print(f"no baseline for this gold ({gold_path}): the regression gate is off "
                      f"({SHIPPED_BASELINE.parent.name}/{BASELINE_NAME} is for the shipped gold only)")
        passed = True
    else:
        passed = apply_gate(result, documents, gate_file, update=update_baseline,
                            only=sorted(runs) if system else None, console=console)
    sys.stdout.flush()
    if not passed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(bench)
