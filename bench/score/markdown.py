"""A plain Markdown rendering of a :class:`~bench.score.result.CorpusScore` (no re-scoring).

Layers that were not scored show "—". The full reports are built elsewhere from
the same result object; this is the compact summary ``newsbench score --markdown`` writes.
"""

from __future__ import annotations

from typing import Any

from bench.formatting import DASH, layer_pct, markdown_escape, pct, table
from bench.score.numbers import NUMBER_METRIC_NAMES
from bench.score.result import CorpusScore


def _prf_row(name: str, block: dict[str, Any] | None, *extra: str) -> list[str]:
    if block is None:
        return [name, DASH, DASH, DASH, *[DASH for _ in extra]]
    return [name, pct(block["precision"]), pct(block["recall"]), pct(block["f1"]), *[str(block.get(k, DASH)) for k in extra]]


def render(score: CorpusScore) -> str:
    """The score as Markdown: main F1 per layer, then one table per layer."""
    data = score.to_dict()
    parts = [f"# Scores: {markdown_escape(data['system'])}", "", f"Documents: {data['documents']}", ""]
    parts.append(table(["layer", "main F1", "secondary F1"],
                       [[layer, layer_pct(data["main"][layer], scored=data[layer] is not None),
                         layer_pct(data["secondary"][layer], scored=data[layer] is not None)]
                        for layer in ("entities", "numbers", "attributions")]))
    entities = data["entities"]
    parts += ["", "## Entities", ""]
    counts = ("correct", "incorrect", "partial", "missed", "spurious")
    parts.append(table(["mode", "P", "R", "F1", *counts],
                       [_prf_row(m, None if entities is None else entities[m], *counts) for m in ("strict", "exact", "partial", "type")]))
    if entities is not None and entities["by_label"]:
        parts += ["", "Strict, by gold label:", ""]
        parts.append(table(["label", "P", "R", "F1", *counts],
                           [_prf_row(label, modes["strict"], *counts) for label, modes in sorted(entities["by_label"].items())]))
    numbers = data["numbers"]
    parts += ["", "## Numbers", ""]
    keys = ("correct", "predicted", "gold")
    parts.append(table(["metric", "P", "R", "F1", *keys],
                       [_prf_row(m, None if numbers is None else numbers[m], *keys) for m in NUMBER_METRIC_NAMES]))
    attributions = data["attributions"]
    parts += ["", "## Attributions", ""]
    rows = [_prf_row(m, None if attributions is None else attributions[m], *keys) for m in ("strict", "lenient")]
    for component in ("source", "cue", "content"):
        for kind in ("exact", "overlap", "overlap_jm"):
            block = None if attributions is None else attributions[component].get(kind)
            extra = {"exact": ("correct", "predicted", "gold"), "overlap": ("overlap", "predicted", "gold"),
                     "overlap_jm": ("", "predicted", "gold")}[kind]
            rows.append(_prf_row(f"{component} {kind.replace('_', ' ')}", block, *extra))
    rows.append(_prf_row("source resolved", None if attributions is None else attributions["source"]["resolved"], *keys))
    parts.append(table(["metric", "P", "R", "F1", "matched", "predicted", "gold"], rows))
    agreement = None if attributions is None else attributions.get("kind")
    if agreement is not None:
        parts += ["", (f"Kind accuracy over strictly aligned pairs where both have a kind: {pct(agreement['accuracy'])} "
                       f"({agreement['correct']} of {agreement['pairs']} pairs).")]
    errors = [(layer, data[layer]["errors"]) for layer in ("entities", "numbers", "attributions") if data[layer] is not None]
    if errors:
        parts += ["", "## Errors", ""]
        parts.append(table(["layer", "outcome", "count"], [[layer, k, str(v)] for layer, found in errors for k, v in found.items()]))
    return "\n".join(parts) + "\n"
