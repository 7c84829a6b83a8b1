"""Write every report of a bench run into one folder, atomically, file by file.

Layout (all deterministic: the same result gives byte-identical files)::

    leaderboard.md        F1 per split and P/R/F1 per layer, with intervals; system × phenomenon; links below
    leaderboard.png       the chart, linked from leaderboard.md
    results.json          everything, machine-readable (bench.report.data)
    results.csv           tidy long format (system, split, layer, mode, label, metric, value)
    systems/NAME.md       where it fails (phenomena), per-label tables, error breakdowns, errors in context, failures
    systems/NAME.html     where it fails; gold and predicted spans side by side
    viewer/index.html     the comparison viewer: every document, linked (bench.report.viewer)
    viewer/DOC.html       one document: every system's spans around the gold, filters

Pages of systems (documents) that are no longer in the result are removed from ``systems/`` (``viewer/``);
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
from bench.report.viewer import VIEWER, viewer_files

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
    files.update({name: page.encode("utf-8") for name, page in viewer_files(result).items()})
    return files


def write_reports(result: BenchResult, out_dir: Path) -> list[Path]:
    """Render and write every report under ``out_dir``; return the paths written, sorted."""
    files = render_all(result)
    written = []
    for relative, data in sorted(files.items()):
        path = out_dir / relative
        atomic.write_bytes(path, data)
        written.append(path)
    keep = {out_dir / relative for relative in files}
    for stale in sorted([*(out_dir / SYSTEMS).glob("*"), *(out_dir / VIEWER).glob("*")]):
        if stale.is_file() and stale.suffix in (".md", ".html") and stale not in keep:
            stale.unlink()
    return written
