"""A plain Markdown rendering of a :class:`~bench.score.result.CorpusScore` (no re-scoring).

Layers that were not scored show "—". The full reports are built elsewhere from
the same result object; this is the compact summary ``newsbench score --markdown`` writes.
Every table is a selection of the typed rows of :mod:`bench.score.rows`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields

from bench.formatting import DASH, layer_pct, markdown_escape, pct, table
from bench.schema import Layer
from bench.score.counts import MatchCounts, OverlapCounts, SemEvalCounts
from bench.score.keys import AttributionMetric, ComponentMetric, Mode, NumberMetric, RowKey, title
from bench.score.result import CorpusScore
from bench.score.rows import Row, Scope, corpus_rows, error_counts, kind_counts, layer_rows

#: Count columns of the entity tables: the SemEval-2013 categories, in field order.
SEMEVAL_COUNTS: tuple[str, ...] = tuple(f.name for f in fields(SemEvalCounts))
#: Count columns of a match table: matched, predicted and gold items.
MATCH_COUNTS: tuple[str, ...] = tuple(f.name for f in fields(MatchCounts))


def prf_cells(row: Row | None) -> list[str]:
    """Precision, recall and F1 of a row as percentages ("—" for no row: layer not scored)."""
    if row is None:
        return [DASH, DASH, DASH]
    return [pct(row.prf.precision), pct(row.prf.recall), pct(row.prf.f1)]


def by_key(rows: Iterable[Row]) -> dict[RowKey, Row]:
    """Rows by their key (for rows of one scope)."""
    return {row.key: row for row in rows}


def _prf_row(name: str, row: Row | None, extra: tuple[str, ...]) -> list[str]:
    if row is None:
        return [name, *prf_cells(None), *[DASH for _ in extra]]
    values = row.values()
    return [name, *prf_cells(row), *[str(values.get(k, DASH)) for k in extra]]


def _component_counts(row: Row | None) -> tuple[str, ...]:
    """The count columns of a component row: matched items, shared tokens or none (per-item coverage)."""
    counts = None if row is None else row.counts
    first = "correct" if isinstance(counts, MatchCounts) else "overlap" if isinstance(counts, OverlapCounts) else ""
    return (first, "predicted", "gold")


def render(score: CorpusScore) -> str:
    """The score as Markdown: main F1 per layer, then one table per layer."""
    counts = score.counts
    main, secondary = score.main, score.secondary
    parts = [f"# Scores: {markdown_escape(score.system)}", "", f"Documents: {counts.documents}", ""]
    parts.append(table(["layer", "main F1", "secondary F1"],
                       [[layer.value, layer_pct(main[layer], scored=counts.layer(layer) is not None),
                         layer_pct(secondary[layer], scored=counts.layer(layer) is not None)] for layer in Layer]))
    entities = by_key(corpus_rows(counts, Layer.ENTITIES))
    parts += ["", "## Entities", ""]
    parts.append(table(["mode", "P", "R", "F1", *SEMEVAL_COUNTS],
                       [_prf_row(m.value, entities.get(m), SEMEVAL_COUNTS) for m in Mode]))
    labels = [row for row in layer_rows(counts, Layer.ENTITIES) if row.scope is Scope.LABEL and row.key is Mode.STRICT]
    if labels:
        parts += ["", "Strict, by gold label:", ""]
        parts.append(table(["label", "P", "R", "F1", *SEMEVAL_COUNTS],
                           [_prf_row(row.label, row, SEMEVAL_COUNTS) for row in labels]))
    numbers = by_key(corpus_rows(counts, Layer.NUMBERS))
    parts += ["", "## Numbers", ""]
    parts.append(table(["metric", "P", "R", "F1", *MATCH_COUNTS],
                       [_prf_row(m.value, numbers.get(m), MATCH_COUNTS) for m in NumberMetric]))
    attributions = by_key(corpus_rows(counts, Layer.ATTRIBUTIONS))
    parts += ["", "## Attributions", ""]
    rows = [_prf_row(m.value, attributions.get(m), MATCH_COUNTS) for m in AttributionMetric]
    for metric in ComponentMetric:
        row = attributions.get(metric)
        rows.append(_prf_row(title(metric), row, _component_counts(row)))
    parts.append(table(["metric", "P", "R", "F1", "matched", "predicted", "gold"], rows))
    agreement = kind_counts(counts, Layer.ATTRIBUTIONS)
    if agreement is not None:
        parts += ["", (f"Kind accuracy over strictly aligned pairs where both have a kind: {pct(agreement.accuracy)} "
                       f"({agreement.correct} of {agreement.pairs} pairs).")]
    errors = [(layer, found) for layer in Layer if (found := error_counts(counts, layer)) is not None]
    if errors:
        parts += ["", "## Errors", ""]
        parts.append(table(["layer", "outcome", "count"],
                           [[layer.value, outcome.value, str(n)] for layer, found in errors for outcome, n in found.items()]))
    return "\n".join(parts) + "\n"
