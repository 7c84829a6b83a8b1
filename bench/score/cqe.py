"""The CQE evaluation (Almasian et al., EMNLP 2023 demo) as a named metric, ``cqe``, beside ours.

Definition (the procedure of ``evaluate_models.py::calculate_metrics`` in github.com/satya77/CQE_Evaluation,
commit 190c0ce409ce0acedc0eec82b9dadbd5336bf852, restated, not copied): per sentence, gold and predicted
quantities are each sorted by their normalised unit (as written, case-sensitive); each gold quantity in
turn walks the remaining predictions in order: every prediction whose value matches (``numpy.isclose``,
rtol 1e-5, atol 1e-8; a range matches only a range, on both ends) adds one *value* credit while the
sentence's value credits are below its gold count (value credit is not one-to-one: one prediction can
credit two gold values, two predictions one gold value); the first value match whose lower-cased unit is
equal adds one *value+unit* credit, is removed from the predictions and ends that gold's walk.
P = credits / predictions, R = credits / gold (corpus totals), F1 from the unrounded P and R; all three
reported in percent rounded to 0.1. For the system ``quantulum3`` gold ranges are averaged to one value
(quantulum3 reports a range as its mean). Predictions are first put in the authors' vocabulary for that
system: :data:`SYSTEM_UNIT_MAPS` (the per-tagger unit dictionaries of ``tagger.py`` at that commit) after
undoing the renamings our own adapters make (:data:`ADAPTER_UNDO`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.schema import Number

#: The unit a quantity without unit has in the authors' data ("-").
NO_UNIT = "-"

#: Per-system unit maps of the authors' taggers (``tagger.py``, commit 190c0ce, ``dictionary_unit`` of
#: ``QuantulumTagger`` and ``TextRecognizerTagger``), applied to the lower-cased unit.  Facts, as data.
SYSTEM_UNIT_MAPS: Mapping[str, Mapping[str, str]] = {
    "quantulum3": {
        "dimensionless": "-", "unk": "-", "per cent": "percentage", "dollar dollar": "dollar",
        "united states dollar": "dollar", "tonne": "metric ton", "degree angle": "degree",
        "degree celsius": "celsius", "degree fahrenheit": "fahrenheit", "percentage drop": "percentage",
        "second of arc": "second", "minute of arc": "minute", "yard yard": "yard",
        "cubic centimetre": "millilitre", "degree angle degree fahrenheit": "fahrenheit",
        "pound sterling year": "pound sterling per year", "per year per newton per day": "year",
    },
    "recognizers": {
        "liter": "litre", "kilometer": "kilometre", "milliliter": "millilitre", "millimeter": "millimetre",
        "centimeter": "centimetre", "square meter": "square metre", "meter": "metre", "c": "celsius",
        "british pound": "pound sterling", "kilometer per hour": "kilometre per hour", "decimeter": "decimetre",
        "picometer": "picometre", "micrometer": "micrometre", "square kilometer": "square kilometre",
        "f": "fahrenheit", "franc": "swiss franc", "united states dollar": "dollar",
    },
}
#: Added to every map on the authors' age test set (``set_dataset_text_recongizer``).
AGE_UNITS: Mapping[str, str] = {"year": "year of age", "day": "day of age", "week": "week of age", "month": "month of age"}

#: Our adapters' unit renamings (systems/quantulum.py, systems/recognizers.py) undone, back to the library's name.
ADAPTER_UNDO: Mapping[str, Mapping[str, str]] = {
    "quantulum3": {"percent": "percentage"},
    "recognizers": {"percent": "percentage", "degree celsius": "c", "degree fahrenheit": "f", "kelvin": "k"},
}


@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity as the authors' script sees it: a value or a (low, high) range, and a unit."""

    value: float | tuple[float, float]
    unit: str


@dataclass(frozen=True, slots=True)
class CqeCounts:
    """Summed CQE counts: value credits, value+unit credits, predictions, gold quantities."""

    value: int = 0
    value_unit: int = 0
    predicted: int = 0
    gold: int = 0

    def __add__(self, other: CqeCounts) -> CqeCounts:
        return CqeCounts(self.value + other.value, self.value_unit + other.value_unit,
                         self.predicted + other.predicted, self.gold + other.gold)

    def to_dict(self) -> dict[str, object]:
        """``{value: {precision, recall, f1}, value_unit: {...}, counts}`` in percent, rounded to 0.1."""
        return {
            "value": prf(self.value, self.gold, self.predicted),
            "value_unit": prf(self.value_unit, self.gold, self.predicted),
            "counts": {"value": self.value, "value_unit": self.value_unit, "predicted": self.predicted, "gold": self.gold},
        }


def prf(correct: int, gold: int, predicted: int) -> dict[str, float | None]:
    """P, R, F1 in percent rounded to 0.1 (F1 from unrounded P and R; 0 when P + R is 0; None when undefined).

    >>> prf(1, 3, 2)
    {'precision': 50.0, 'recall': 33.3, 'f1': 40.0}
    """
    if gold == 0 or predicted == 0:
        return {"precision": None if predicted == 0 else 0.0, "recall": None if gold == 0 else 0.0,
                "f1": None if gold == predicted == 0 else 0.0}
    p, r = correct / predicted, correct / gold
    f1 = 0.0 if p + r == 0 else 2 * p * r / (p + r)
    return {"precision": round(p * 100, 1), "recall": round(r * 100, 1), "f1": round(f1 * 100, 1)}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-8 + 1e-5 * abs(b)  # numpy.isclose(a, b, rtol=1e-5, atol=1e-8)


def values_match(gold: float | tuple[float, float], pred: float | tuple[float, float]) -> bool:
    """Close values; a range matches only a range, both ends close.

    >>> values_match((1.0, 2.0), (1.0, 2.0)), values_match((1.0, 2.0), 1.5), values_match(100.0, 100.0005)
    (True, False, True)
    """
    if isinstance(gold, tuple) or isinstance(pred, tuple):
        return isinstance(gold, tuple) and isinstance(pred, tuple) and _close(gold[0], pred[0]) and _close(gold[1], pred[1])
    return _close(gold, pred)


def score_sentence(gold: Sequence[Quantity], pred: Sequence[Quantity]) -> CqeCounts:
    """The CQE counts of one sentence (see the module docstring)."""
    remaining = sorted(pred, key=lambda q: q.unit)
    budget = len(gold)
    value = value_unit = 0
    for g in sorted(gold, key=lambda q: q.unit):
        for p in remaining:
            if not values_match(g.value, p.value):
                continue
            if budget > 0:
                value += 1
                budget -= 1
            if p.unit.lower() == g.unit.lower():
                value_unit += 1
                remaining.remove(p)  # still sorted
                break
    return CqeCounts(value, value_unit, len(pred), len(gold))


def gold_quantity(number: Number, *, average_ranges: bool = False) -> Quantity:
    """A gold :class:`Number` as a :class:`Quantity` (no unit → "-"; a range averaged when asked)."""
    unit = NO_UNIT if number.unit is None else number.unit
    low = 0.0 if number.value is None else number.value
    if number.value_max is None:
        return Quantity(low, unit)
    if average_ranges:
        return Quantity((low + number.value_max) / 2, unit)
    return Quantity((low, number.value_max), unit)


def predicted_quantity(number: Number, system: str, *, age: bool = False) -> Quantity:
    """A predicted :class:`Number` of ``system`` in the authors' vocabulary for that system.

    quantulum3 reports one value (the mean) for a range; our adapter widens it by its uncertainty,
    undone here. The unit is the library's again (:data:`ADAPTER_UNDO`), lower-cased, then mapped
    (:data:`SYSTEM_UNIT_MAPS`, plus :data:`AGE_UNITS` on the age set). Other systems: unit lower-cased.
    """
    low = 0.0 if number.value is None else number.value
    value: float | tuple[float, float]
    if number.value_max is None:
        value = low
    elif system == "quantulum3":
        value = (low + number.value_max) / 2
    else:
        value = (low, number.value_max)
    unit = NO_UNIT if number.unit is None else number.unit
    unit = ADAPTER_UNDO.get(system, {}).get(unit, unit).strip()
    table = {**SYSTEM_UNIT_MAPS.get(system, {}), **(AGE_UNITS if age else {})}
    return Quantity(value, table.get(unit.lower(), unit))


def score_corpus(
    pairs: Iterable[tuple[Sequence[Number], Sequence[Number]]], system: str, *, age: bool = False
) -> CqeCounts:
    """Summed CQE counts over ``(gold numbers, predicted numbers)`` per sentence, for ``system``."""
    average = system == "quantulum3"
    total = CqeCounts()
    for gold, pred in pairs:
        total = total + score_sentence([gold_quantity(n, average_ranges=average) for n in gold],
                                       [predicted_quantity(n, system, age=age) for n in pred])
    return total



def corpus_dict(documents: Iterable[Any], predicted: Mapping[str, Any], system: str) -> dict[str, object]:
    """The ``cqe`` block of the score JSON for gold ``documents`` and ``{doc_id: Annotations}`` predictions.

    ``system`` picks the authors' unit map (:data:`SYSTEM_UNIT_MAPS`); documents of the age set (id
    ``age-…``) add :data:`AGE_UNITS`, as the authors do on that set.
    """
    docs = list(documents)
    pairs = [(doc.annotations.numbers or (), getattr(predicted.get(doc.doc_id), "numbers", None) or ()) for doc in docs]
    age = bool(docs) and all(doc.doc_id.startswith("age-") for doc in docs)
    return {"system": system, "unit_map": system if system in SYSTEM_UNIT_MAPS else None, "age_units": age,
            **score_corpus(pairs, system, age=age).to_dict()}
