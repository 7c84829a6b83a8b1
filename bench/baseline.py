"""The regression gate: compare a bench run with the committed ``reports/baseline.json``.

The baseline records, for every system that ran, its main F1 per layer on all
gold documents (the ``overall`` split), the SHA-256 of every gold document, and
the tolerance. A run fails the gate when

* a system's main F1 on a layer drops by more than the tolerance (absolute F1),
* a system in the baseline is missing from the run, or stops attempting a layer,
* the gold changed (documents added, removed or edited): the numbers are then
  not comparable, and the baseline must be regenerated deliberately
  (``make bench-update``).

New systems, newly attempted layers and improvements are reported but pass.
Only *gated* systems can fail it: by default those shipped with newsbench
(:func:`bench.registry.shipped_systems`); any other system (a private plugin, a
predictions file) is reported with the status "not gated", whether it ran or is
only in the baseline, so a plugin installed on one machine never fails another's run.
Everything here is pure except :func:`read_baseline` and :func:`write_baseline`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from bench import atomic
from bench.errors import UserError
from bench.schema import Layer
from bench.score.metrics import MAIN_METRIC  # the leaderboard's main F1 per layer: the one the gate watches

#: Default tolerance: a drop of more than one F1 point (0.01) fails. Stored in the file; edit it there.
DEFAULT_TOLERANCE = 0.01
#: Decimal places kept in the file (scores are compared after rounding to this).
DIGITS = 6
FORMAT_VERSION = 1

#: ``system → layer → F1`` (``None``: the layer is not attempted).
Scores = Mapping[str, Mapping[Layer, float | None]]


class Status(StrEnum):
    """The gate's verdict on one system and layer (or one system)."""

    OK = "ok"
    IMPROVED = "improved"
    NEW = "new"
    DROPPED = "dropped"
    MISSING = "system missing"
    NOT_ATTEMPTED = "no longer attempted"
    NOT_GATED = "not gated"

    @property
    def fails(self) -> bool:
        return self in (Status.DROPPED, Status.MISSING, Status.NOT_ATTEMPTED)


@dataclass(frozen=True, slots=True)
class Baseline:
    """The accepted results: tolerance, gold hashes (doc_id → SHA-256) and main F1 per system and layer."""

    tolerance: float
    gold: Mapping[str, str]
    systems: Mapping[str, Mapping[Layer, float | None]]


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the gate table; ``layer`` is ``None`` for a whole missing or new system."""

    system: str
    layer: Layer | None
    baseline: float | None
    current: float | None
    status: Status

    @property
    def change(self) -> float | None:
        if self.baseline is None or self.current is None:
            return None
        return round(self.current - self.baseline, DIGITS)


@dataclass(frozen=True, slots=True)
class GoldChange:
    """How the gold differs from the baseline's: document ids added, removed and edited."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.edited)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The gate's result: every row, the gold change, and whether the run passes."""

    rows: tuple[Row, ...]
    gold: GoldChange
    tolerance: float

    @property
    def failures(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.status.fails)

    @property
    def passed(self) -> bool:
        return not self.failures and not self.gold.changed


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), DIGITS)


def make_baseline(scores: Scores, gold: Mapping[str, str], *, tolerance: float = DEFAULT_TOLERANCE) -> Baseline:
    """A baseline accepting ``scores`` on the gold with hashes ``gold``."""
    return Baseline(
        tolerance=tolerance,
        gold=dict(sorted(gold.items())),
        systems={name: {layer: _rounded(by_layer.get(layer)) for layer in Layer} for name, by_layer in sorted(scores.items())},
    )


def compare_gold(baseline: Mapping[str, str], current: Mapping[str, str]) -> GoldChange:
    """Documents added, removed and edited (same id, different SHA-256)."""
    return GoldChange(
        added=tuple(sorted(set(current) - set(baseline))),
        removed=tuple(sorted(set(baseline) - set(current))),
        edited=tuple(sorted(d for d in set(baseline) & set(current) if baseline[d] != current[d])),
    )


def _ungated_rows(
    name: str, old: Mapping[Layer, float | None] | None, new: Mapping[Layer, float | None] | None
) -> list[Row]:
    """Rows for a system the gate does not watch: its numbers shown, nothing judged."""
    if new is None:
        return [Row(name, None, None, None, Status.NOT_GATED)]
    rows = []
    for layer in Layer:
        before = None if old is None else old.get(layer)
        after = _rounded(new.get(layer))
        if before is not None or after is not None:
            rows.append(Row(name, layer, before, after, Status.NOT_GATED))
    return rows or [Row(name, None, None, None, Status.NOT_GATED)]


def updated(
    accepted: Baseline | None, scores: Scores, gold: Mapping[str, str], *, only: Collection[str] | None = None
) -> Baseline:
    """The baseline after accepting ``scores``: all rows replaced, or with ``only`` just those systems' rows.

    A partial update keeps every other system's row and the tolerance; it is refused (exit 2) when
    the gold changed, because the kept rows were measured on the old gold.
    """
    tolerance = accepted.tolerance if accepted is not None else DEFAULT_TOLERANCE
    if only is None or accepted is None:
        chosen = scores if only is None else {k: v for k, v in scores.items() if k in only}
        return make_baseline(chosen, gold, tolerance=tolerance)
    if compare_gold(accepted.gold, gold).changed:
        raise UserError("the gold changed since the baseline was made: update the whole baseline "
                        "(without --system/--exclude), so no row rests on the old gold", exit_code=2)
    merged = {**accepted.systems, **{k: v for k, v in scores.items() if k in only}}
    return make_baseline(merged, gold, tolerance=tolerance)


def _judge(old: float | None, new: float | None, tolerance: float) -> Status:
    if old is None:
        return Status.OK if new is None else Status.NEW
    if new is None:
        return Status.NOT_ATTEMPTED
    change = round(new - old, DIGITS)
    if change < -tolerance:
        return Status.DROPPED
    if change > tolerance:
        return Status.IMPROVED
    return Status.OK


def check(
    baseline: Baseline, scores: Scores, gold: Mapping[str, str], *, gated: Collection[str] | None = None
) -> Verdict:
    """Judge a run's ``scores`` (system → layer → main F1) and gold hashes against ``baseline``.

    ``gated``: the systems that can fail the gate (default: all); the others get "not gated" rows.
    """
    rows: list[Row] = []
    for name in sorted(set(baseline.systems) | set(scores)):
        if gated is not None and name not in gated:
            rows.extend(_ungated_rows(name, baseline.systems.get(name), scores.get(name)))
            continue
        if name not in scores:
            rows.append(Row(name, None, None, None, Status.MISSING))
            continue
        if name not in baseline.systems:
            rows.append(Row(name, None, None, None, Status.NEW))
            continue
        for layer in Layer:
            old = baseline.systems[name].get(layer)
            new = _rounded(scores[name].get(layer))
            if old is None and new is None:
                continue
            rows.append(Row(name, layer, old, new, _judge(old, new, baseline.tolerance)))
    return Verdict(tuple(rows), compare_gold(baseline.gold, gold), baseline.tolerance)


# --- the file ---------------------------------------------------------------------------------


def to_json(baseline: Baseline) -> str:
    """The file's text: sorted keys, the tolerance and the watched metrics stated, no timestamps."""
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "about": (
            "Regression gate for `make bench`: the run fails if a system's main F1 on a layer "
            "(metric per layer below, all gold documents) drops by more than `tolerance` (absolute F1), "
            "if a system or layer listed here is missing, or if the gold's SHA-256 hashes differ. "
            "Accept new results with `make bench-update`."
        ),
        "tolerance": baseline.tolerance,
        "metric": {layer.value: MAIN_METRIC[layer] for layer in Layer},
        "split": "overall",
        "gold": dict(sorted(baseline.gold.items())),
        "systems": {
            name: {layer.value: by_layer.get(layer) for layer in Layer}
            for name, by_layer in sorted(baseline.systems.items())
        },
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _number(value: Any, where: str, path: Path) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UserError(f"{path}: {where}: expected a number or null, got {value!r}", exit_code=2)
    return float(value)


def parse_baseline(text: str, path: Path) -> Baseline:
    """Parse the file's text; a malformed file is one :class:`UserError` line (exit 2)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"{path}: line {error.lineno}: not JSON: {error.msg}", exit_code=2) from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: $: expected an object", exit_code=2)
    for key in ("tolerance", "gold", "systems"):
        if key not in data:
            raise UserError(f"{path}: $.{key}: missing", exit_code=2)
    tolerance = _number(data["tolerance"], "$.tolerance", path)
    if tolerance is None or tolerance < 0:
        raise UserError(f"{path}: $.tolerance: must be a number >= 0", exit_code=2)
    metric = data.get("metric", {})
    for layer in Layer:
        if isinstance(metric, dict) and metric.get(layer.value, MAIN_METRIC[layer]) != MAIN_METRIC[layer]:
            raise UserError(
                f"{path}: $.metric.{layer.value}: the gate watches {MAIN_METRIC[layer].value!r}, the file says "
                f"{metric[layer.value]!r}; regenerate it with `make bench-update`",
                exit_code=2,
            )
    gold = data["gold"]
    if not isinstance(gold, dict) or not all(isinstance(v, str) for v in gold.values()):
        raise UserError(f"{path}: $.gold: expected an object of doc_id → SHA-256", exit_code=2)
    systems_raw = data["systems"]
    if not isinstance(systems_raw, dict):
        raise UserError(f"{path}: $.systems: expected an object", exit_code=2)
    systems: dict[str, dict[Layer, float | None]] = {}
    for name, by_layer in systems_raw.items():
        if not isinstance(by_layer, dict):
            raise UserError(f"{path}: $.systems.{name}: expected an object of layer → F1", exit_code=2)
        unknown = sorted(set(by_layer) - {layer.value for layer in Layer})
        if unknown:
            raise UserError(f"{path}: $.systems.{name}.{unknown[0]}: not a layer", exit_code=2)
        systems[name] = {
            layer: _number(by_layer.get(layer.value), f"$.systems.{name}.{layer.value}", path) for layer in Layer
        }
    return Baseline(tolerance, dict(gold), systems)


def read_baseline(path: Path) -> Baseline | None:
    """The baseline at ``path``, or ``None`` when there is no file yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror}", exit_code=2) from None
    return parse_baseline(text, path)


def write_baseline(path: Path, baseline: Baseline) -> None:
    """Write the baseline atomically."""
    atomic.write_text(path, to_json(baseline))
