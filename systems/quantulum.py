"""``quantulum3`` (numbers): quantulum3 0.10.0 with its scikit-learn unit classifier, wrapped faithfully.

Every quantity ``quantulum3.parser.parse(text)`` returns becomes one number; none is added,
dropped, merged or re-bounded. Conversions:

* span: quantulum's ``span`` as is (end exclusive). It covers the quantity's surface, so it
  usually includes the unit ("20 km", "1,500 tonnes"), unlike the benchmark's numeral-only
  spans; the scorer's overlap alignment still pairs them, strict span scores do not.
* value: ``value``. When quantulum reports an ``uncertainty`` u (it reads "300-450" as
  375 ± 75 and "10 ± 2" as 10 ± 2) the number becomes a range [value − u, value + u] with
  qualifier ``range``.
* qualifier: quantulum reports no qualifier words, so it is ``null`` except for those ranges.
* unit: ``unit.name``, which is already a singular lemma ("kilometre", "tonne", "dollar");
  the dimensionless unit becomes ``null``; "percentage" and "per cent" become "percent",
  the benchmark's name for it.
* kind: from ``unit.entity.name``: currency → money, percent units → percent, time →
  duration, dimensionless → count, unknown → other, every physical entity (length, mass,
  speed, …) → measure.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Mapping
from typing import Any

from bench.registry import Adapter, Availability, JSONValue
from bench.schema import Annotations, Document, Layer, Number, NumberKind, Qualifier

PERCENT_UNITS = frozenset({"percentage", "per cent", "percent"})
INSTALL = "pip install 'quantulum3[classifier]==0.10.0' scikit-learn==1.8.0"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def convert(quantity: Any, text: str) -> Number:
    """One quantulum ``Quantity`` as a :class:`Number` (see the module docstring)."""
    start, end = quantity.span
    unit_name = str(quantity.unit.name)
    entity = str(quantity.unit.entity.name)
    unit: str | None
    if unit_name == "dimensionless":
        unit = None
    elif unit_name in PERCENT_UNITS:
        unit = "percent"
    else:
        unit = unit_name
    if unit == "percent":
        kind = NumberKind.PERCENT
    elif entity == "currency":
        kind = NumberKind.MONEY
    elif entity == "time":
        kind = NumberKind.DURATION
    elif entity == "dimensionless":
        kind = NumberKind.COUNT
    elif entity == "unknown":
        kind = NumberKind.OTHER
    else:
        kind = NumberKind.MEASURE
    value = float(quantity.value)
    uncertainty = quantity.uncertainty
    if uncertainty:
        return Number(start, end, value=value - float(uncertainty), value_max=value + float(uncertainty), unit=unit,
                      qualifier=Qualifier.RANGE, kind=kind, text=text[start:end])
    return Number(start, end, value=value, unit=unit, qualifier=None, kind=kind, text=text[start:end])


class QuantulumSystem(Adapter):
    """quantulum3's quantities as numbers."""

    name = "quantulum3"
    version = "1.0"
    layers = frozenset({Layer.NUMBERS})
    description = "quantulum3 quantities (value, unit, ranges from its uncertainty)"

    def __init__(self) -> None:
        self._parse: Any = None

    def availability(self) -> Availability:
        if importlib.util.find_spec("quantulum3") is None:
            return Availability.no("quantulum3 is not installed", INSTALL)
        if importlib.util.find_spec("sklearn") is None:
            return Availability.no("scikit-learn (quantulum3's classifier) is not installed", INSTALL)
        return Availability.yes()

    def config(self) -> Mapping[str, JSONValue]:
        return {"quantulum3": _version("quantulum3"), "scikit-learn": _version("scikit-learn"), "lang": "en_US"}

    def setup(self) -> None:
        if self._parse is None:
            from quantulum3 import parser

            parser.parse("warm up the classifier: 3 km", lang="en_US")
            self._parse = parser.parse

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._parse = None

    def predict(self, document: Document) -> Annotations:
        self.setup()
        quantities = self._parse(document.text, lang="en_US")
        return Annotations(document.doc_id, numbers=tuple(convert(q, document.text) for q in quantities))


SYSTEM = QuantulumSystem
