"""Rich tables for the terminal: the leaderboard per split, P/R/F1 per layer, cost, and the gate's verdict."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bench.baseline import Status, Verdict
from bench.formatting import DASH, pct, signed_pct
from bench.report.costs import cost_columns
from bench.report.describe import with_interval
from bench.report.markup import plain
from bench.report.model import LEADERBOARD, OVERALL, BenchResult
from bench.schema import Layer

#: Table width when stdout is not a terminal (CI logs): room for the intervals instead of 80 columns.
WIDE = 150


def output_console() -> Console:
    """A console on stdout; wide when stdout is a log file or pipe rather than a terminal."""
    return Console() if sys.stdout.isatty() else Console(width=WIDE)


def error_console() -> Console:
    """A console on stderr; wide when stderr is not a terminal."""
    return Console(stderr=True) if sys.stderr.isatty() else Console(stderr=True, width=WIDE)


def _split_caption(result: BenchResult, split: str) -> str:
    documents = len(result.documents_in(split))
    note = (f"; fewer than {result.statistics.min_documents} documents: no interval"
            if documents < result.statistics.min_documents else "")
    return f"{documents} document(s); F1 % [95% bootstrap interval]; {DASH} = not attempted{note}"


def leaderboard_table(result: BenchResult, split: str) -> Table:
    """F1 of every system on one split, one column per leaderboard metric."""
    title = "Leaderboard: all documents" if split == OVERALL else f"Leaderboard: split {split}"
    table = Table(title=plain(title), caption=_split_caption(result, split))
    table.add_column("system")
    for metric in LEADERBOARD:
        table.add_column(f"{metric.layer.value}\n{metric.name}" + (" (main)" if metric.main else ""), justify="right")
    table.add_column("failed", justify="right")
    for system in result.systems:
        part = system.split(split)
        cells = []
        for metric in LEADERBOARD:
            cell = part.cells.get(metric)
            cells.append(DASH if cell is None else with_interval(cell.f1))
        table.add_row(plain(system.name), *cells, str(len(system.failures)))
    return table


def layer_table(result: BenchResult, layer: Layer, split: str = OVERALL) -> Table:
    """Precision, recall and F1 of both of a layer's leaderboard metrics, per system."""
    metrics = [m for m in LEADERBOARD if m.layer is layer]
    where = "all documents" if split == OVERALL else f"split {split}"
    table = Table(title=plain(f"{layer.value.capitalize()}: {where}"))
    table.add_column("system")
    for metric in metrics:
        for name in ("P", "R", "F1"):
            table.add_column(f"{metric.name} {name}", justify="right")
    for system in result.systems:
        part = system.split(split)
        row: list[str | Text] = [plain(system.name)]
        for metric in metrics:
            cell = part.cells.get(metric)
            row += [DASH] * 3 if cell is None else [pct(cell.precision.value), pct(cell.recall.value), pct(cell.f1.value)]
        table.add_row(*row)
    return table


def cost_table(result: BenchResult) -> Table:
    """What each system's predictions cost (:func:`~bench.report.costs.cost_columns`), all documents."""
    columns = cost_columns(result)
    table = Table(title="Cost: all documents", caption=f"seconds when each prediction was computed; {DASH} = not reported; "
                  "definitions in leaderboard.md")
    table.add_column("system")
    for column in columns:
        table.add_column(column.title, justify="right")
    for system in result.systems:
        table.add_row(plain(system.name), *[column.cell(system.cost) for column in columns])
    return table


def tables(result: BenchResult) -> list[Table]:
    """What ``newsbench bench`` prints: the leaderboard per split (overall first), per-layer tables, then cost."""
    splits = [OVERALL] + [s for s in result.splits if s != OVERALL]
    return ([leaderboard_table(result, s) for s in splits] + [layer_table(result, layer) for layer in Layer]
            + [cost_table(result)])


_STYLE = {
    Status.OK: "green",
    Status.IMPROVED: "cyan",
    Status.NEW: "cyan",
    Status.DROPPED: "bold red",
    Status.MISSING: "bold red",
    Status.NOT_ATTEMPTED: "bold red",
    Status.NOT_GATED: "dim",
}
#: The gate table's note when some systems are only reported.
NOT_GATED_NOTE = ("not gated: not shipped with newsbench (e.g. a locally installed plugin), so it is "
                  "reported but cannot fail the gate; select it with --system to gate it")


def gate_table(verdict: Verdict) -> Table:
    """The regression gate: baseline vs current main F1 per system and layer, failures in red."""
    verdict_text = "PASSED" if verdict.passed else "FAILED"
    table = Table(
        title=f"Regression gate {verdict_text} (tolerance {verdict.tolerance:g} absolute F1)",
        caption="\n".join(note for note in (
            "accept new results with `make bench-update`" if not verdict.passed else "",
            NOT_GATED_NOTE if any(row.status is Status.NOT_GATED for row in verdict.rows) else "",
        ) if note) or None,
    )
    for column, justify in (("system", "left"), ("layer", "left"), ("baseline F1", "right"),
                            ("current F1", "right"), ("change", "right"), ("status", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in verdict.rows:
        change = DASH if row.change is None else signed_pct(row.change)
        table.add_row(
            plain(row.system),
            DASH if row.layer is None else row.layer.value,
            pct(row.baseline),
            pct(row.current),
            change,
            Text(row.status.value, style=_STYLE[row.status]),
        )
    gold = verdict.gold
    for label, ids in (("gold document added", gold.added), ("gold document removed", gold.removed),
                       ("gold document edited", gold.edited)):
        for doc_id in ids:
            table.add_row("(gold)", plain(doc_id), DASH, DASH, DASH, Text(label, style="bold red"))
    return table
