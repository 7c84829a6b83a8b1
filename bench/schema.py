"""Records shared by gold annotations and system predictions.

Everything here is a frozen dataclass or an enum. One type serves both sides of
the comparison: a gold annotation file and a system's prediction line are both
parsed into :class:`Annotations`, so gold scored against itself goes through
exactly the code path a system does.

Offsets are Python ``str`` indices into the raw text (code points, not bytes),
``end`` exclusive. ``text`` on a span is optional: gold always carries it (the
validator checks it equals the slice); predictions may leave it out. ``tags``
are optional gold-only phenomenon markers (see gold/GUIDELINES.md) that the
datasheet counts; scoring ignores them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a TypedDict: at run time the config below is a plain dict, and pydantic is not imported
    from pydantic import ConfigDict


class Layer(StrEnum):
    """The three annotation layers, in report order."""

    ENTITIES = "entities"
    NUMBERS = "numbers"
    ATTRIBUTIONS = "attributions"


class EntityLabel(StrEnum):
    """OntoNotes 5 named-entity types (the numeric OntoNotes types live in the numbers layer)."""

    PERSON = "PERSON"
    NORP = "NORP"
    FAC = "FAC"
    ORG = "ORG"
    GPE = "GPE"
    LOC = "LOC"
    PRODUCT = "PRODUCT"
    EVENT = "EVENT"
    WORK_OF_ART = "WORK_OF_ART"
    LAW = "LAW"
    LANGUAGE = "LANGUAGE"


class Qualifier(StrEnum):
    """How a stated number relates to the true quantity."""

    EXACT = "exact"
    APPROX = "approx"  # around, about, an estimated, nearly
    LOWER = "lower"  # more than, over, at least, thousands
    UPPER = "upper"  # up to, less than
    RANGE = "range"  # two or three, between 300 and 450


class NumberKind(StrEnum):
    """What sort of quantity a number expresses."""

    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"
    MEASURE = "measure"
    DURATION = "duration"
    FREQUENCY = "frequency"
    ORDINAL = "ordinal"
    DATE = "date"
    OTHER = "other"


class QuoteKind(StrEnum):
    """Direct (verbatim, in quotation marks), indirect (paraphrase) or mixed."""

    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"


# Input is JSON; strict mode refuses "12" for an int and 1.5 for a str. Python's JSON accepts NaN,
# Infinity and -Infinity (and 1e400 overflows to inf): no number field may hold them.
_STRICT: ConfigDict = {"strict": True, "extra": "ignore", "allow_inf_nan": False}


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` of the raw text.

    >>> Span(3, 8).overlap(Span(6, 12))
    2
    """

    __pydantic_config__ = _STRICT

    start: int
    end: int
    text: str | None = field(default=None, compare=False)

    def __len__(self) -> int:
        return self.end - self.start

    def overlap(self, other: Span) -> int:
        """Number of characters the two spans share (0 when disjoint)."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))


@dataclass(frozen=True, slots=True)
class Entity:
    """A named mention: span and OntoNotes type."""

    __pydantic_config__ = _STRICT

    start: int
    end: int
    label: EntityLabel
    id: str | None = None
    text: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True, slots=True)
class Number:
    """A numeral with its normalised value, unit and qualifier.

    ``value_max`` is set only for ranges ("two or three": value 2, value_max 3). ``start`` and
    ``end`` are ``None`` only in span-free gold (header ``"offsets": false``, e.g. NewsQuant), which
    only the ``span_free`` number metrics and ``cqe`` score.
    """

    __pydantic_config__ = _STRICT

    start: int | None
    end: int | None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    qualifier: Qualifier | None = None
    kind: NumberKind | None = None
    id: str | None = None
    text: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def span_free(self) -> bool:
        """No offsets (span-free gold)."""
        return self.start is None or self.end is None

    @property
    def span(self) -> Span:
        if self.start is None or self.end is None:
            raise ValueError(f"number {self.text or self.value!r} has no span (span-free gold)")
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said what (PARC style): source, cue and one or more content spans.

    ``parent`` names the enclosing attribution when reporting is nested
    ("..., the statement says, RT reported": the statement's sits inside RT's).
    """

    __pydantic_config__ = _STRICT

    content: tuple[Span, ...]
    source: Span | None = None
    cue: Span | None = None
    kind: QuoteKind | None = None
    source_entity: str | None = None
    parent: str | None = None
    id: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Annotations:
    """One document's annotations (gold) or predictions (a system).

    A layer that is ``None`` was not attempted, which is different from an
    empty tuple (attempted, found nothing).
    """

    __pydantic_config__ = _STRICT

    doc_id: str
    entities: tuple[Entity, ...] | None = None
    numbers: tuple[Number, ...] | None = None
    attributions: tuple[Attribution, ...] | None = None

    def layer(self, layer: Layer) -> tuple[Entity, ...] | tuple[Number, ...] | tuple[Attribution, ...] | None:
        """The records of one layer, or ``None`` when it was not attempted."""
        value: tuple[Entity, ...] | tuple[Number, ...] | tuple[Attribution, ...] | None = getattr(self, layer.value)
        return value

    def attempted(self) -> frozenset[Layer]:
        """The layers this record carries (even if empty)."""
        return LAYER_SETS[self.entities is not None, self.numbers is not None, self.attributions is not None]


#: Every set of layers, by whether each layer (in :class:`Layer` order) is present: one record per
#: combination instead of a new set per call (``attempted`` is asked for every document, often twice).
LAYER_SETS: dict[tuple[bool, bool, bool], frozenset[Layer]] = {
    (e, n, a): frozenset(layer for layer, there in zip(Layer, (e, n, a), strict=True) if there)
    for e, n, a in itertools.product((False, True), repeat=3)
}


@dataclass(frozen=True, slots=True)
class Document:
    """A raw text to run systems on. This is all a system ever receives."""

    doc_id: str
    text: str


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """A gold document: raw text, its split and hash, and its annotations."""

    doc_id: str
    split: str
    text: str
    sha256: str
    annotations: Annotations
    provenance: str | None = None

    @property
    def document(self) -> Document:
        """The view handed to systems: id and text, nothing else."""
        return Document(self.doc_id, self.text)
