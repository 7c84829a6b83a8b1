"""NewsQuant (CQE evaluation, Almasian et al. 2023) → span-free number gold, one document per sentence.

Input: a JSON list of ``{"text", "quantities": [{"change", "value", "unit", "normalized_unit",
"referred_concepts"}]}`` (``NewsQuant.json`` or one of the four Recognizers-Text sets, which carry only
``value`` and ``normalized_unit``). The corpus gives no offsets, so the gold declares ``"offsets": false``
and numbers have no span. Per quantity: ``value`` a string, a range when it contains "-" past its first
character and no "E" (the authors' reading: "10-20"); ranges are kept as ranges (``value``, ``value_max``,
qualifier ``range``; a reversed range is stored low to high); ``unit`` is ``normalized_unit``, ``null``
for "-"; the qualifier maps ``change`` by :data:`CHANGE_QUALIFIERS`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench.errors import UserError
from bench.schema import Number, Qualifier

#: NewsQuant ``change`` → our qualifier (ranges take ``range`` whatever their change).
CHANGE_QUALIFIERS: dict[str, Qualifier] = {
    "=": Qualifier.EXACT,
    "~": Qualifier.APPROX,
    ">": Qualifier.LOWER,
    "<": Qualifier.UPPER,
    "up": Qualifier.EXACT,  # a stated increase by an exact amount; the direction has no qualifier here
    "down": Qualifier.EXACT,
}


@dataclass(frozen=True, slots=True)
class Sentence:
    """One imported sentence: its id, text and numbers."""

    doc_id: str
    text: str
    numbers: tuple[Number, ...]


@dataclass(frozen=True, slots=True)
class NewsQuantStats:
    """Import counts: sentences, quantities, ranges, reversed ranges, per-change counts."""

    sentences: int
    quantities: int
    ranges: int
    reversed_ranges: int
    changes: dict[str, int]


def parse_value(raw: str) -> tuple[float, float | None, bool]:
    """``(low, high or None, reversed)`` of a NewsQuant value string.

    >>> parse_value("10-20"), parse_value("-1.5"), parse_value("2.0-0.0"), parse_value("1E-5")
    ((10.0, 20.0, False), (-1.5, None, False), (0.0, 2.0, True), (1e-05, None, False))
    """
    text = raw.strip()
    if "E" not in text and not text.startswith("-") and "-" in text:
        left, right = text.split("-")  # "1-2-3" is no range: ValueError
        low, high = _finite(left), _finite(right)
        return min(low, high), max(low, high), high < low
    return _finite(text), None, False


def _finite(text: str) -> float:
    """``float(text)``, refusing NaN and infinities (gold may not hold them): ValueError."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def number(quantity: dict[str, Any], where: str) -> tuple[Number, bool]:
    """One quantity as a span-free :class:`Number` and whether its range was reversed."""
    try:
        low, high, flipped = parse_value(str(quantity["value"]))
    except (KeyError, ValueError):
        raise UserError(f"{where}: value: not a number or range: {quantity.get('value')!r}", exit_code=2) from None
    change = str(quantity.get("change", "="))
    if change not in CHANGE_QUALIFIERS:
        raise UserError(f"{where}: change: {change!r} is not one of {', '.join(CHANGE_QUALIFIERS)}", exit_code=2)
    unit = str(quantity.get("normalized_unit", "-")).strip()
    qualifier = Qualifier.RANGE if high is not None else CHANGE_QUALIFIERS[change]
    return Number(None, None, value=low, value_max=high, unit=None if unit in ("", "-") else unit,
                  qualifier=qualifier), flipped


def _quantities(item: object, where: str) -> list[dict[str, Any]]:
    """The quantities of one sentence item, after checking its shape (a one-line error naming the field)."""
    if not isinstance(item, dict):
        raise UserError(f"{where}: expected an object with text and quantities, got {type(item).__name__}", exit_code=2)
    if not isinstance(item.get("text"), str):
        raise UserError(f"{where}.text: missing or not a string", exit_code=2)
    quantities = item.get("quantities", [])
    if not isinstance(quantities, list):
        raise UserError(f"{where}.quantities: expected a list, got {type(quantities).__name__}", exit_code=2)
    for j, quantity in enumerate(quantities):
        if not isinstance(quantity, dict):
            raise UserError(f"{where}.quantities[{j}]: expected an object, got {type(quantity).__name__}", exit_code=2)
    return quantities


def import_newsquant(path: Path) -> tuple[list[Sentence], NewsQuantStats]:
    """Read a NewsQuant-format JSON file (or the ``NewsQuant.json`` in a folder)."""
    file = path / "NewsQuant.json" if path.is_dir() else path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"{file}: cannot read: {error.strerror or error}", exit_code=2) from None
    except json.JSONDecodeError as error:
        raise UserError(f"{file}:{error.lineno}: not JSON: {error.msg}", exit_code=2) from None
    if not isinstance(data, list):
        raise UserError(f"{file}: expected a JSON list of sentences", exit_code=2)
    stem = file.stem.lower().replace("-model", "")
    width = len(str(len(data)))
    sentences: list[Sentence] = []
    ranges = flipped = 0
    changes: dict[str, int] = {}
    for i, item in enumerate(data):
        numbers: list[Number] = []
        for j, quantity in enumerate(_quantities(item, f"{file}: [{i}]")):
            found, reversed_range = number(quantity, f"{file}: [{i}].quantities[{j}]")
            numbers.append(replace(found, id=f"q{j + 1}"))
            ranges += found.value_max is not None
            flipped += reversed_range
            change = str(quantity.get("change", "="))
            changes[change] = changes.get(change, 0) + 1
        sentences.append(Sentence(f"{stem}-{i:0{width}d}", str(item["text"]), tuple(numbers)))
    stats = NewsQuantStats(len(sentences), sum(len(s.numbers) for s in sentences), ranges, flipped, changes)
    return sentences, stats
