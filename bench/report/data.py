"""Machine-readable outputs: ``results.json`` (everything) and ``results.csv`` (tidy long format).

``results.json`` keys (sorted on output)::

    {"statistics": {method, level, resamples, seed, min_documents},
     "gold": {"splits": [...], "documents": [{doc_id, split, sha256}, ...]},
     "systems": {NAME: {
         "version", "attempted": [layers], "failures": [{doc_id, reason}], "warnings": [...],
         "splits": {SPLIT: {"documents", "scores": <the scorer's score JSON>,
                            "intervals": {LAYER: {METRIC: {precision|recall|f1:
                                {value, low, high, documents, level, note}}}}}},
         "errors": [{doc_id, layer, outcomes, description, context, gold, pred}, ...],
         "phenomena": [{name, layer, gold, predicted, recall_only, overall_recall, gap,
                        "recall": {METRIC: {value, low, high, documents, level, note}},
                        "precision": {METRIC: {...}} | null}, ...],
         "per_document": {DOC_ID: {LAYER: {precision, recall, f1, ...} | null}},
         "cost": {documents, seconds, seconds_per_document, token_documents,
                  prompt_tokens, prompt_tokens_per_document, completion_tokens,
                  completion_tokens_per_document, requests, requests_per_document,
                  price_in, price_out, usd, usd_per_document}}}}

``phenomena`` holds every phenomenon slice on all documents (main and secondary metric of its
layer; definitions in :mod:`bench.score.slices`); ``per_document`` each document's main-metric
block per layer, as ``newsbench score --per-document`` writes it. ``cost`` is
:func:`cost_dict` (:class:`~bench.cost.CostRecord`): a figure the system does not report is
``null``, never 0; seconds are rounded to the microsecond, means of tokens and requests to 0.001,
dollars to 1e-9.

A layer a system does not attempt is ``null`` in ``scores`` and absent from
``intervals``; ``low``/``high`` are ``null`` when ``note`` says why.

``results.csv`` has one row per number: ``system, split, layer, mode, label,
metric, value``. ``label`` is ``all`` for corpus-level rows, a label, coarse
class (``coarse:PER``) or attribution kind otherwise; interval bounds are the
metrics ``f1_low``/``f1_high`` (and precision/recall likewise). Layers not
attempted have no rows. Phenomenon slices add rows with split ``overall``, mode the metric,
label ``phenomenon:NAME`` and metrics ``recall``, ``precision`` (when defined on predictions),
their ``_low``/``_high``, ``gold_items`` and ``predicted_items``. Cost adds rows with split
``overall``, empty layer, mode ``cost``, label ``all`` and each reported (non-null) figure of
``cost`` as a metric.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from typing import Any

from bench.cost import CostRecord
from bench.report.describe import context, describe
from bench.report.model import BenchResult, Cell, SystemResult
from bench.report.phenomena import phenomena_json, phenomena_rows
from bench.schema import Attribution, Entity, Layer, Number, Span
from bench.score.attributions import KindConfusion
from bench.score.items import Record, ScoredItem
from bench.score.rows import error_counts, kind_counts, layer_rows
from bench.score.sums import ScoreCounts
from bench.stats import Interval

COLUMNS = ("system", "split", "layer", "mode", "label", "metric", "value")
ALL = "all"


def interval_dict(interval: Interval) -> dict[str, Any]:
    return asdict(interval)


def _cell_dict(cell: Cell) -> dict[str, Any]:
    return {"precision": interval_dict(cell.precision), "recall": interval_dict(cell.recall),
            "f1": interval_dict(cell.f1)}


def _span_dict(span: Span | None, text: str) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"start": span.start, "end": span.end, "text": text[span.start : span.end]}


def record_dict(record: Record | None, text: str) -> dict[str, Any] | None:
    """A gold or predicted record as JSON, spans with their text taken from the document."""
    if record is None:
        return None
    if isinstance(record, Entity):
        return {**(_span_dict(record.span, text) or {}), "label": str(record.label)}
    if isinstance(record, Number):
        return {
            **(_span_dict(record.span, text) or {}),
            "value": record.value,
            "value_max": record.value_max,
            "unit": record.unit,
            "qualifier": None if record.qualifier is None else str(record.qualifier),
            "kind": None if record.kind is None else str(record.kind),
        }
    assert isinstance(record, Attribution)
    return {
        "source": _span_dict(record.source, text),
        "cue": _span_dict(record.cue, text),
        "content": [_span_dict(s, text) for s in record.content],
        "kind": None if record.kind is None else str(record.kind),
    }


def item_dict(item: ScoredItem, text: str) -> dict[str, Any]:
    """One scored item as JSON (what, where, and both records)."""
    return {
        "doc_id": item.doc_id,
        "layer": item.layer.value,
        "outcomes": [o.value for o in item.outcomes],
        "description": describe(item, text),
        "context": context(item, text),
        "gold": record_dict(item.gold, text),
        "pred": record_dict(item.pred, text),
    }


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def cost_dict(cost: CostRecord) -> dict[str, Any]:
    """A system's cost figures as JSON (see the module doc); ``null`` for what it does not report.

    >>> from bench.cost import DocumentCost, cost_record
    >>> figures = cost_dict(cost_record([DocumentCost(0.5), DocumentCost(0.25)]))
    >>> figures["seconds_per_document"], figures["prompt_tokens"], figures["usd"]
    (0.375, None, None)
    """
    price = cost.price
    return {
        "documents": cost.documents,
        "seconds": _rounded(cost.seconds, 6),
        "seconds_per_document": _rounded(cost.seconds_per_document, 6),
        "token_documents": cost.token_documents,
        "prompt_tokens": cost.prompt_tokens,
        "prompt_tokens_per_document": _rounded(cost.prompt_tokens_per_document, 3),
        "completion_tokens": cost.completion_tokens,
        "completion_tokens_per_document": _rounded(cost.completion_tokens_per_document, 3),
        "requests": cost.requests,
        "requests_per_document": _rounded(cost.requests_per_document, 3),
        "price_in": None if price is None else price.prompt,
        "price_out": None if price is None else price.completion,
        "usd": _rounded(cost.usd, 9),
        "usd_per_document": _rounded(cost.usd_per_document, 9),
    }


def system_dict(result: BenchResult, system: SystemResult) -> dict[str, Any]:
    """Everything reported about one system."""
    splits: dict[str, Any] = {}
    for split in system.splits:
        intervals: dict[str, dict[str, Any]] = {}
        for metric, cell in sorted(split.cells.items()):
            intervals.setdefault(metric.layer.value, {})[metric.name] = _cell_dict(cell)
        splits[split.split] = {"documents": split.documents, "scores": split.score.to_dict(), "intervals": intervals}
    return {
        "version": system.version,
        "attempted": [layer.value for layer in Layer if layer in system.attempted],
        "failures": [{"doc_id": f.doc_id, "reason": f.reason} for f in system.failures],
        "warnings": list(system.warnings),
        "splits": splits,
        "errors": [item_dict(item, result.text(item.doc_id)) for item in system.errors],
        "phenomena": phenomena_json(system),
        "per_document": system.per_document,
        "cost": cost_dict(system.cost),
    }


def result_dict(result: BenchResult) -> dict[str, Any]:
    """The whole result as plain JSON data."""
    return {
        "statistics": asdict(result.statistics),
        "gold": {
            "splits": list(result.splits),
            "documents": [{"doc_id": d.doc_id, "split": d.split, "sha256": d.sha256} for d in result.documents],
        },
        "systems": {system.name: system_dict(result, system) for system in result.systems},
    }


def results_json(result: BenchResult) -> str:
    """``results.json``: sorted keys, two-space indent, UTF-8 kept, trailing newline."""
    return json.dumps(result_dict(result), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# --- tidy rows --------------------------------------------------------------------------------

Row = tuple[str, str, str, str, str, str, float | None]
#: Ratios written even when not applicable (an empty ``value`` cell, never a made-up 0).
_RATIOS = frozenset({"precision", "recall", "f1", "accuracy"})


def _prf_rows(prefix: tuple[str, str, str, str, str], block: Mapping[str, Any]) -> Iterator[Row]:
    for metric in sorted(block):
        value = block[metric]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            yield (*prefix, metric, float(value))
        elif value is None and metric in _RATIOS:
            yield (*prefix, metric, None)


def _layer_rows(system: str, split: str, layer: Layer, counts: ScoreCounts) -> Iterator[Row]:
    """The layer's typed rows (:func:`bench.score.rows.layer_rows`), kind agreement and error counts."""
    def base(mode: str, label: str = ALL) -> tuple[str, str, str, str, str]:
        return system, split, layer.value, mode, label

    for row in layer_rows(counts, layer):
        yield from _prf_rows(base(row.key.value, row.csv_label), row.values())
    kind = kind_counts(counts, layer)
    if kind is not None:
        yield from _prf_rows(base("kind"), kind.to_dict())  # accuracy, correct, pairs
        if isinstance(kind, KindConfusion):
            for gold_kind, cells in zip(kind.labels, kind.matrix, strict=True):
                for pred_kind, count in zip(kind.labels, cells, strict=True):
                    yield base("kind_confusion", gold_kind) + (f"predicted_{pred_kind}", float(count))
    for outcome, count in sorted((error_counts(counts, layer) or {}).items()):
        yield base("errors") + (outcome.value, float(count))


def tidy_rows(result: BenchResult) -> Iterator[Row]:
    """Every number of the result as ``(system, split, layer, mode, label, metric, value)``."""
    for system in result.systems:
        for split in system.splits:
            for layer in Layer:
                yield from _layer_rows(system.name, split.split, layer, split.score.counts)
            for metric, cell in sorted(split.cells.items()):
                for name, interval in (("precision", cell.precision), ("recall", cell.recall), ("f1", cell.f1)):
                    for bound, value in (("low", interval.low), ("high", interval.high)):
                        if value is not None:
                            yield (system.name, split.split, metric.layer.value, metric.name, ALL,
                                   f"{name}_{bound}", float(value))
            yield (system.name, split.split, "", "", ALL, "documents", float(split.documents))
        yield (system.name, "overall", "", "", ALL, "failures", float(len(system.failures)))
        for figure, value in cost_dict(system.cost).items():
            if value is not None:
                yield (system.name, "overall", "", "cost", ALL, figure, float(value))
        yield from phenomena_rows(system)


def results_frame(result: BenchResult) -> Any:
    """The tidy rows as a pandas DataFrame with the columns :data:`COLUMNS`."""
    import pandas as pd

    return pd.DataFrame(list(tidy_rows(result)), columns=list(COLUMNS))


def results_csv(result: BenchResult) -> str:
    """``results.csv``: the tidy frame, no index, ``\\n`` line ends, floats in shortest round-trip form."""
    buffer = io.StringIO()
    results_frame(result).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()
