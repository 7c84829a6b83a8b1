"""``recognizers`` (numbers): Microsoft Recognizers-Text for Python 1.0.2a2, English culture.

The models run are number, ordinal, percentage, currency, dimension, age and temperature
(``recognizers_suite.recognize_*``; this Python release has no number-range model). Each
``ModelResult`` becomes one number; conversions:

* offsets: Recognizers-Text reports ``end`` inclusive (``text[start:end + 1]`` is the match),
  so the exclusive end is ``end + 1``;
* overlaps between models: a typed result is built on a bare number the number model also
  returns ("3.5%" contains "3.5"); when results overlap, the longest span is kept (ties go to
  the more specific model, in the order temperature, age, dimension, currency, percentage,
  ordinal, number). Nothing else is filtered, except results without a value (the currency
  model returns the word "cent" in "per cent" with value null);
* value: ``resolution["value"]`` as a float ("40%" → 40);
* unit: ``resolution["unit"]`` lower-cased ("Dollar" → "dollar", "Kilometer" → "kilometer");
  percentages get "percent"; temperature units C/F/K become "degree celsius", "degree
  fahrenheit", "kelvin"; bare numbers and ordinals have no unit (``null``);
* qualifier: the models report none, so it is ``null``;
* kind: currency → money, percentage → percent, dimension/temperature → measure, age →
  duration, ordinal → ordinal, number → ``null`` (the library does not say what is counted).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Mapping
from typing import Any

from bench.registry import Adapter, Availability, JSONValue
from bench.schema import Annotations, Document, Layer, Number, NumberKind

INSTALL = "pip install recognizers-text-suite==1.0.2a2 emoji==1.7.0"
#: Model name → number kind; the order is the tie-break priority (most specific first).
MODELS: dict[str, NumberKind | None] = {
    "temperature": NumberKind.MEASURE,
    "age": NumberKind.DURATION,
    "dimension": NumberKind.MEASURE,
    "currency": NumberKind.MONEY,
    "percentage": NumberKind.PERCENT,
    "ordinal": NumberKind.ORDINAL,
    "number": None,
}
TEMPERATURE_UNITS = {"c": "degree celsius", "f": "degree fahrenheit", "k": "kelvin"}


def _value(raw: object) -> float | None:
    if raw is None:
        return None
    try:
        return float(str(raw).replace(",", "").rstrip("%"))
    except ValueError:
        return None


def convert(model: str, result: Any, text: str) -> Number | None:
    """One ``ModelResult`` of ``model`` as a :class:`Number`, or None when it has no value."""
    resolution = result.resolution or {}
    value = _value(resolution.get("value"))
    if value is None:
        return None
    start, end = int(result.start), int(result.end) + 1  # inclusive → exclusive
    raw_unit = resolution.get("unit")
    unit: str | None
    if model == "percentage":
        unit = "percent"
    elif model == "temperature" and isinstance(raw_unit, str):
        unit = TEMPERATURE_UNITS.get(raw_unit.lower(), raw_unit.lower())
    elif isinstance(raw_unit, str) and raw_unit:
        unit = raw_unit.lower()
    else:
        unit = None
    return Number(start, end, value=value, unit=unit, qualifier=None, kind=MODELS[model], text=text[start:end])


def resolve_overlaps(found: list[tuple[str, Number]]) -> list[Number]:
    """Keep the longest of overlapping results (ties: the more specific model), in text order."""
    priority = {model: rank for rank, model in enumerate(MODELS)}
    ranked = sorted(found, key=lambda item: (-len(item[1].span), priority[item[0]], item[1].span.start))
    kept: list[Number] = []
    for _, number in ranked:
        if all(number.span.overlap(k.span) == 0 for k in kept):
            kept.append(number)
    return sorted(kept, key=lambda n: (n.span.start, n.span.end))


class RecognizersSystem(Adapter):
    """Microsoft Recognizers-Text number and number-with-unit models."""

    name = "recognizers"
    version = "1.0"
    layers = frozenset({Layer.NUMBERS})
    description = "Microsoft Recognizers-Text: numbers, ordinals, percentages, currency, dimensions, ages"

    def __init__(self) -> None:
        self._models: dict[str, Any] | None = None

    def availability(self) -> Availability:
        if importlib.util.find_spec("recognizers_suite") is None:
            return Availability.no("recognizers-text-suite is not installed", INSTALL)
        return Availability.yes()

    def config(self) -> Mapping[str, JSONValue]:
        try:
            version = importlib.metadata.version("recognizers-text-suite")
        except importlib.metadata.PackageNotFoundError:
            version = "?"
        return {"recognizers-text-suite": version, "culture": "en-us", "models": list(MODELS)}

    def setup(self) -> None:
        if self._models is None:
            import recognizers_suite as suite

            self._models = {model: getattr(suite, f"recognize_{model}") for model in MODELS}
            self._culture = suite.Culture.English

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._models = None

    def predict(self, document: Document) -> Annotations:
        self.setup()
        assert self._models is not None
        text = document.text
        found: list[tuple[str, Number]] = []
        for model, recognize in self._models.items():
            for result in recognize(text, self._culture):
                number = convert(model, result, text)
                if number is not None:
                    found.append((model, number))
        return Annotations(document.doc_id, numbers=tuple(resolve_overlaps(found)))


SYSTEM = RecognizersSystem
