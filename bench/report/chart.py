"""The leaderboard chart: F1 per system and metric, one panel per split, 95% intervals as error bars.

Rendered with matplotlib's Agg canvas (no display, no pyplot state) into PNG bytes
with fixed size, DPI, font and metadata, so the same result gives the same bytes.
"""

from __future__ import annotations

import io

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bench.report.model import LEADERBOARD, OVERALL, BenchResult

DPI = 100
WIDTH = 11.0
PANEL_HEIGHT = 3.4


def chart_png(result: BenchResult) -> bytes:
    """PNG bytes of :func:`chart_figure` (no timestamp or software metadata)."""
    buffer = io.BytesIO()
    chart_figure(result).savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def chart_figure(result: BenchResult) -> Figure:
    """A grouped bar chart: metrics on the x axis, one bar per system, a panel per split."""
    splits = [OVERALL] + [s for s in result.splits if s != OVERALL]
    systems = result.systems
    with matplotlib.rc_context(
        {"font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}
    ):
        figure = Figure(figsize=(WIDTH, PANEL_HEIGHT * len(splits) + 0.6), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.subplots(len(splits), 1, squeeze=False)[:, 0]
        palette = matplotlib.colormaps["tab10"]
        colours = [palette(i) for i in range(10)]
        width = 0.8 / max(1, len(systems))
        for ax, split in zip(axes, splits, strict=True):
            documents = len(result.documents_in(split))
            title = "all documents" if split == OVERALL else f"split {split}"
            ax.set_title(f"F1 — {title} ({documents} document{'s' if documents != 1 else ''})", loc="left")
            for s, system in enumerate(systems):
                part = system.split(split)
                for m, metric in enumerate(LEADERBOARD):
                    x = m - 0.4 + width * (s + 0.5)
                    cell = part.cells.get(metric)
                    if cell is None:
                        ax.text(x, 0.01, "—", ha="center", va="bottom", fontsize=7, color="0.45")
                        continue
                    f1 = cell.f1
                    if f1.value is None:  # not applicable: nothing to draw, say so
                        ax.text(x, 0.01, "n/a", ha="center", va="bottom", fontsize=7, color="0.45")
                        continue
                    ax.bar(x, f1.value, width=width * 0.92, color=colours[s % len(colours)])
                    if f1.value == 0:  # a zero bar is invisible: say it is zero, not missing
                        ax.text(x, 0.01, "0", ha="center", va="bottom", fontsize=7, color=colours[s % len(colours)])
                    if f1.low is not None and f1.high is not None:
                        ax.errorbar(x, f1.value, yerr=[[f1.value - f1.low], [f1.high - f1.value]],
                                    fmt="none", ecolor="0.2", elinewidth=0.8, capsize=2)
            ax.set_xticks(range(len(LEADERBOARD)))
            ax.set_xticklabels([f"{m.layer.value}\n{m.name}" + (" (main)" if m.main else "") for m in LEADERBOARD])
            ax.set_ylim(0, 1.05)
            ax.set_ylabel("F1")
            ax.grid(axis="y", color="0.9", linewidth=0.6)
            ax.set_axisbelow(True)
        if systems:
            handles = [Patch(color=colours[s % len(colours)], label=system.name) for s, system in enumerate(systems)]
            figure.legend(handles=handles, loc="upper center", ncols=min(len(systems), 8), frameon=False)
        figure.text(0.99, 0.005, "error bars: 95% percentile bootstrap over documents; — not attempted; 0: F1 of zero",
                    ha="right", va="bottom", fontsize=7, color="0.4")
        figure.tight_layout(rect=(0, 0.02, 1, 1 - 0.5 / (PANEL_HEIGHT * len(splits) + 0.6)))
    return figure
