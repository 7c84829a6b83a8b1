"""Write every report of a bench run into one folder, atomically, file by file.

Layout (all deterministic: the same result gives byte-identical files)::

    leaderboard.md        F1 per split and P/R/F1 per layer, with intervals; system × phenomenon; links below
    leaderboard.png       the chart, linked from leaderboard.md
    results.json          everything, machine-readable (bench.report.data)
    results.csv           tidy long format (system, split, layer, mode, label, metric, value)
    systems/NAME.md       where it fails (phenomena), per-label tables, error breakdowns, errors in context, failures
    systems/NAME.html     where it fails; gold and predicted spans side by side

Pages of systems that are no longer in the result are removed from ``systems/``;
nothing else in the folder (e.g. ``baseline.json``) is touched.
"""

from __future__ import annotations

from pathlib import Path

from bench import atomic
from bench.report.chart import chart_png
from bench.report.data import results_csv, results_json
from bench.report.html import system_html
from bench.report.markdown import leaderboard_markdown, system_markdown
from bench.report.model import BenchResult, slug

LEADERBOARD_MD = "leaderboard.md"
CHART = "leaderboard.png"
RESULTS_JSON = "results.json"
RESULTS_CSV = "results.csv"
SYSTEMS = "systems"


def render_all(result: BenchResult) -> dict[str, bytes]:
    """Every report file as ``relative path → bytes`` (nothing written)."""
    files: dict[str, bytes] = {
        LEADERBOARD_MD: leaderboard_markdown(result, chart=CHART).encode("utf-8"),
        CHART: chart_png(result),
        RESULTS_JSON: results_json(result).encode("utf-8"),
        RESULTS_CSV: results_csv(result).encode("utf-8"),
    }
    for system in result.systems:
        files[f"{SYSTEMS}/{slug(system.name)}.md"] = system_markdown(result, system).encode("utf-8")
        files[f"{SYSTEMS}/{slug(system.name)}.html"] = system_html(result, system).encode("utf-8")
    return files


def write_reports(result: BenchResult, out_dir: Path) -> list[Path]:
    """Render and write every report under ``out_dir``; return the paths written, sorted."""
    files = render_all(result)
    written = []
    for relative, data in sorted(files.items()):
        path = out_dir / relative
        atomic.write_bytes(path, data)
        written.append(path)
    systems_dir = out_dir / SYSTEMS
    keep = {out_dir / relative for relative in files}
    for stale in sorted(systems_dir.glob("*")):
        if stale.is_file() and stale.suffix in (".md", ".html") and stale not in keep:
            stale.unlink()
    return written
