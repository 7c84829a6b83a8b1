"""The cross-corpus summary of ``make bench-external``: one table "system × corpus × layer".

Reads each corpus' ``results.json`` (written by ``newsbench bench --gold data/<corpus>``) and
collects every system's main F1 on all documents of that corpus (entities strict, numbers
value, attributions strict), with its 95% bootstrap interval. A layer appears for a corpus only
when the corpus annotates it (some system has a score there); a system that does not attempt
it is "—" (``null`` in JSON), never 0.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import atomic
from bench.errors import UserError
from bench.formatting import DASH, pct, table
from bench.schema import Layer
from bench.score.metrics import MAIN_METRIC


@dataclass(frozen=True, slots=True)
class Cell:
    """One system's main F1 on one corpus and layer (``None``: not attempted), with its interval."""

    system: str
    corpus: str
    layer: Layer
    f1: float | None
    low: float | None
    high: float | None
    documents: int


def cells(corpus: str, results: Mapping[str, Any]) -> list[Cell]:
    """The summary cells of one corpus from its ``results.json`` data."""
    systems: Mapping[str, Any] = results.get("systems", {})
    out: list[Cell] = []
    for layer in Layer:
        row = []
        for name, data in sorted(systems.items()):
            overall = data["splits"]["overall"]
            f1 = overall["scores"]["main"][layer.value]
            interval = overall.get("intervals", {}).get(layer.value, {}).get(MAIN_METRIC[layer], {}).get("f1") or {}
            row.append(Cell(name, corpus, layer, f1, interval.get("low"), interval.get("high"), overall["documents"]))
        if any(c.f1 is not None for c in row):
            out.extend(row)
    return out


def read_results(folder: Path) -> dict[str, Any]:
    """``folder/results.json``; a missing or broken file is one line (exit 2)."""
    path = folder / "results.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: missing (run `newsbench bench --gold … --out {folder}` first)", exit_code=2) from None
    except (OSError, json.JSONDecodeError) as error:
        raise UserError(f"{path}: cannot read: {error}", exit_code=2) from None
    return data


def to_markdown(summary: list[Cell]) -> str:
    """The summary as Markdown: one row per system, one column per corpus and layer."""
    columns = sorted({(c.corpus, c.layer) for c in summary}, key=lambda k: (k[0], list(Layer).index(k[1])))
    systems = sorted({c.system for c in summary})
    by_key = {(c.system, c.corpus, c.layer): c for c in summary}
    docs = {c.corpus: c.documents for c in summary}
    rows = []
    for system in systems:
        shown = []
        for corpus, layer in columns:
            cell = by_key.get((system, corpus, layer))
            if cell is None or cell.f1 is None:
                shown.append(DASH)
            elif cell.low is None or cell.high is None:
                shown.append(pct(cell.f1))
            else:
                shown.append(f"{pct(cell.f1)} [{pct(cell.low)}–{pct(cell.high)}]")
        rows.append([system, *shown])
    header = ["system", *(f"{corpus} {layer.value} ({docs[corpus]} docs)" for corpus, layer in columns)]
    intro = ("Main F1 (%) on all imported documents of each corpus — entities strict, numbers value, attributions "
             "strict — with the 95% bootstrap interval over documents; — means the system does not attempt the "
             "layer. Only the layers a corpus annotates are shown. Per-corpus leaderboards: `<corpus>/leaderboard.md`.")
    return f"# External corpora: system × corpus × layer\n\n{intro}\n\n{table(header, rows)}\n"


def to_json(summary: list[Cell]) -> str:
    """The summary as JSON: ``{corpus: {layer: {system: {f1, low, high}}}}`` (sorted keys)."""
    data: dict[str, Any] = {}
    for c in summary:
        data.setdefault(c.corpus, {}).setdefault(c.layer.value, {})[c.system] = {
            "f1": c.f1, "low": c.low, "high": c.high, "documents": c.documents,
        }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def write_summary(folders: Mapping[str, Path], out: Path) -> list[Cell]:
    """Summarise the corpora ``name → reports folder`` into ``out/summary.md`` and ``out/summary.json``."""
    summary = [cell for corpus, folder in sorted(folders.items()) for cell in cells(corpus, read_results(folder))]
    atomic.write_text(out / "summary.md", to_markdown(summary))
    atomic.write_text(out / "summary.json", to_json(summary))
    return summary
