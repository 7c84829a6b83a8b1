"""Small addable count records and the pure functions that turn counts into P/R/F.

Every record here adds with ``+`` (field by field), so scores for a corpus, a
split or a bootstrap resample are the sum of per-document counts, and ratios are
computed once from the sum (never averaged over documents) by the division rule
of :mod:`bench.division` (an empty denominator is not applicable: ``None``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, Generic, Self, TypeVar

from bench.division import f1, ratio


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and their harmonic mean F1 (:func:`bench.division.f1`); ``None`` = not applicable."""

    precision: float | None
    recall: float | None
    f1: float | None

    @classmethod
    def of(cls, precision: float | None, recall: float | None) -> PRF:
        """Build from precision and recall; F1 = 2PR / (P + R) (see :mod:`bench.division`).

        >>> PRF.of(0.5, 1.0).f1 == 2 / 3, PRF.of(None, 0.0).f1
        (True, 0.0)
        """
        p = None if precision is None else float(precision)
        r = None if recall is None else float(recall)
        return cls(p, r, f1(p, r))

    def to_dict(self) -> dict[str, float | None]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


class _Addable:
    """Field-by-field ``+`` for frozen dataclasses of numbers or addable values."""

    __slots__ = ()

    def __add__(self, other: Self) -> Self:
        cls = type(self)
        if type(other) is not cls:
            return NotImplemented
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(self))  # type: ignore[arg-type]
        return cls(*[getattr(self, name) + getattr(other, name) for name in names])

    def __radd__(self, other: object) -> Self:
        # Lets ``sum(records)`` start from 0.
        if other == 0:
            return self
        return NotImplemented


@dataclass(frozen=True, slots=True)
class MatchCounts(_Addable):
    """Matched items (``correct``) out of ``predicted`` and ``gold`` items.

    Precision = correct / predicted; recall = correct / gold.

    >>> (MatchCounts(1, 2, 3) + MatchCounts(1, 0, 1)).prf()
    PRF(precision=1.0, recall=0.5, f1=0.6666666666666666)
    """

    correct: int = 0
    predicted: int = 0
    gold: int = 0

    def prf(self) -> PRF:
        return PRF.of(
            ratio(self.correct, self.predicted),
            ratio(self.correct, self.gold),
        )

    def to_dict(self) -> dict[str, float | int | None]:
        return {**self.prf().to_dict(), "correct": self.correct,
                "predicted": self.predicted, "gold": self.gold}


@dataclass(frozen=True, slots=True)
class OverlapCounts(_Addable):
    """Token coverage: tokens shared by aligned pairs, and all predicted / gold tokens.

    Precision = overlap / predicted tokens; recall = overlap / gold tokens
    (token coverage pooled over aligned pairs, as citron's PARC scorer pools it, so long spans weigh
    more; Johansson & Moschitti's per-item average is :class:`bench.score.attributions.CoverageCounts`).

    >>> OverlapCounts(overlap=3, predicted=3, gold=6).prf()
    PRF(precision=1.0, recall=0.5, f1=0.6666666666666666)
    """

    overlap: int = 0
    predicted: int = 0
    gold: int = 0

    def prf(self) -> PRF:
        return PRF.of(
            ratio(self.overlap, self.predicted),
            ratio(self.overlap, self.gold),
        )

    def to_dict(self) -> dict[str, float | int | None]:
        return {**self.prf().to_dict(), "overlap": self.overlap,
                "predicted": self.predicted, "gold": self.gold}


@dataclass(frozen=True, slots=True)
class SemEvalCounts(_Addable):
    """SemEval-2013 task 9.1 counts: COR, INC, PAR, MIS, SPU.

    POS (possible) = COR + INC + PAR + MIS; ACT (actual) = COR + INC + PAR + SPU.
    Precision = (COR + w·PAR) / ACT and recall = (COR + w·PAR) / POS, where the
    partial weight w is 0.5 in the partial and type modes and 0 in strict and exact
    (where PAR is always 0 anyway).

    >>> c = SemEvalCounts(correct=1, partial=1, spurious=2)
    >>> c.possible, c.actual, c.prf(partial_weight=0.5).precision
    (2, 4, 0.375)
    """

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    @property
    def possible(self) -> int:
        return self.correct + self.incorrect + self.partial + self.missed

    @property
    def actual(self) -> int:
        return self.correct + self.incorrect + self.partial + self.spurious

    def prf(self, *, partial_weight: float) -> PRF:
        credit = self.correct + partial_weight * self.partial
        return PRF.of(
            ratio(credit, self.actual),
            ratio(credit, self.possible),
        )

    def to_dict(self, *, partial_weight: float) -> dict[str, float | int | None]:
        return {
            **self.prf(partial_weight=partial_weight).to_dict(),
            "correct": self.correct,
            "incorrect": self.incorrect,
            "partial": self.partial,
            "missed": self.missed,
            "spurious": self.spurious,
            "possible": self.possible,
            "actual": self.actual,
        }


K = TypeVar("K", bound=StrEnum)


class Tally(Mapping[K, int], Generic[K]):
    """An immutable count per enum key that adds with ``+`` (missing keys count 0).

    >>> from bench.schema import Layer
    >>> t = Tally({Layer.ENTITIES: 2}) + Tally({Layer.ENTITIES: 1, Layer.NUMBERS: 4})
    >>> t[Layer.ENTITIES], t[Layer.ATTRIBUTIONS], len(t)
    (3, 0, 2)
    """

    __slots__ = ("_counts",)

    def __init__(self, counts: Mapping[K, int] | Iterable[K] = ()) -> None:
        data: dict[K, int] = {}
        if isinstance(counts, Mapping):
            for key, value in counts.items():
                if value:
                    data[key] = data.get(key, 0) + int(value)
        else:
            for key in counts:
                data[key] = data.get(key, 0) + 1
        self._counts = data

    def __getitem__(self, key: K) -> int:
        return self._counts.get(key, 0)

    def __iter__(self) -> Iterator[K]:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)

    def __contains__(self, key: object) -> bool:
        return key in self._counts

    def __add__(self, other: Tally[K]) -> Tally[K]:
        merged = dict(self._counts)
        for key, value in other._counts.items():
            merged[key] = merged.get(key, 0) + value
        return Tally(merged)

    def __radd__(self, other: object) -> Tally[K]:
        if other == 0:
            return self
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Tally):
            return self._counts == other._counts
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._counts.items()))

    def __repr__(self) -> str:
        return f"Tally({dict(sorted(self._counts.items()))!r})"

    def to_dict(self, keys: Iterable[K]) -> dict[str, int]:
        """Every key in ``keys`` (zeros included) as ``{key.value: count}``."""
        return {str(key.value): self[key] for key in keys}


def plain(value: Any) -> Any:
    """Recursively convert numpy scalars and tuples to plain JSON types."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value
