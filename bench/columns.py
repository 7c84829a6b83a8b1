"""Entities column-wise: what the checks and the scorer read, without building a record per entity.

Reading a large file, building one frozen :class:`~bench.schema.Entity` per mention cost more than
decoding the JSON, and the checks and the scorer then read each record's offsets and label back out.
:class:`EntityColumns` holds a document's entities as one tuple per field; :class:`LazyAnnotations`
(what the fast JSON path, :mod:`bench.fastparse`, returns) is an ordinary
:class:`~bench.schema.Annotations` whose ``entities`` records are built from those columns the first
time anything reads them, so every other reader sees the usual records. :func:`entity_columns` gives
the columns of any :class:`~bench.schema.Annotations`, lazy or not.

:class:`Builder` builds frozen slots dataclasses (the records) faster than their own constructor.
"""

from __future__ import annotations

import dataclasses
import struct
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import starmap
from operator import attrgetter
from typing import Any, Generic, TypeVar, overload

from bench.schema import LAYER_SETS, Annotations, Entity, EntityLabel, Layer

T = TypeVar("T")


class Builder(Generic[T]):
    """Instances of the frozen slots dataclass ``record``, built without ``object.__setattr__`` per field.

    A frozen dataclass's generated ``__init__`` sets each field through ``object.__setattr__``, about
    a microsecond per record. A builder makes the record as an instance of a non-frozen twin class with
    the same slots (a third of that) and re-labels it as ``record`` (``__class__`` assignment, which
    CPython allows between classes of identical layout): the result is an ordinary ``record``, frozen
    from then on.

    >>> from bench.schema import Span
    >>> spans = Builder(Span)
    >>> made = spans.one(3, 8, "Paris")
    >>> made == Span(3, 8, "Paris"), type(made) is Span, spans.many([(1, 2, None)]) == (Span(1, 2),)
    (True, True, True)
    """

    def __init__(self, record: type[T]) -> None:
        fields = dataclasses.fields(record)  # type: ignore[arg-type]
        twin: Any = dataclasses.make_dataclass(
            f"_Mutable{record.__name__}",
            [(f.name, f.type, dataclasses.field(default=f.default, default_factory=f.default_factory)) for f in fields],
            slots=True,
        )
        if twin.__slots__ != getattr(record, "__slots__", None):
            raise TypeError(f"{record.__name__} is not a slots dataclass: it cannot be built by its twin")
        self.record = record
        self.twin = twin

    def many(self, rows: Iterable[tuple[Any, ...]]) -> tuple[T, ...]:
        """One record per tuple of field values (in field order)."""
        made = list(starmap(self.twin, rows))
        record = self.record
        for item in made:
            item.__class__ = record
        return tuple(made)

    def one(self, *values: Any) -> T:
        """One record from its field values (in field order)."""
        made = self.twin(*values)
        made.__class__ = self.record
        result: T = made
        return result


def machine_ints(values: Sequence[int]) -> array[int]:
    """``values`` as machine integers (``array('q')``: 8 bytes each where an int object takes 32 and a
    tuple slot 8 more): 300,000 entity offsets take ~40 MB less, and numpy reads them as one buffer
    (:func:`flat_offsets`). Raises ``OverflowError`` beyond 64 bits (such an offset lies outside any
    text: the fast JSON path then leaves the line to pydantic and the checks, :mod:`bench.fastparse`).
    From :data:`_PACKED_FROM` values on they are packed by :func:`struct.pack`, about half the time of
    ``array('q', values)``, which converts them one by one (and is the faster below).

    >>> machine_ints([3, 1, 2]).tolist()
    [3, 1, 2]
    """
    if len(values) < _PACKED_FROM:
        return array("q", values)
    packed = array("q")
    try:
        packed.frombytes(struct.pack(f"{len(values)}q", *values))
    except struct.error:  # an int beyond 64 bits, or not an int: array() raises the error it always raised
        return array("q", values)
    return packed


_PACKED_FROM = 32


def flat_offsets(columns: Sequence[EntityColumns]) -> tuple[Any, Any, Any]:
    """The starts, ends and document index (position in ``columns``) of every entity of ``columns``, as
    int64 numpy arrays in document order (the offsets read from their buffers, not converted). numpy is
    imported here, when a corpus is flattened, not when this module is.

    >>> starts, ends, doc = flat_offsets([EntityColumns.of((Entity(0, 5, EntityLabel.GPE),)), EntityColumns.of(())])
    >>> starts.tolist(), ends.tolist(), doc.tolist()
    ([0], [5], [0])
    """
    import numpy as np

    sizes = np.fromiter(map(len, columns), dtype=np.int64, count=len(columns))
    starts = np.frombuffer(b"".join(c.starts for c in columns), dtype=np.int64)
    ends = np.frombuffer(b"".join(c.ends for c in columns), dtype=np.int64)
    return starts, ends, np.repeat(np.arange(len(columns), dtype=np.int64), sizes)


ENTITIES: Builder[Entity] = Builder(Entity)
_FIELDS = tuple(f.name for f in dataclasses.fields(Entity))
_ROW = attrgetter(*_FIELDS)


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class EntityColumns(Sequence[Entity]):
    """One document's entities, one column per :class:`~bench.schema.Entity` field (the offsets as
    ``array('q')``, the others as tuples); as a sequence, the records themselves (built on first access,
    once).

    >>> columns = EntityColumns.of((Entity(0, 5, EntityLabel.GPE),))
    >>> columns.starts.tolist(), columns.labels, columns[0] == Entity(0, 5, EntityLabel.GPE)
    ([0], (<EntityLabel.GPE: 'GPE'>,), True)
    """

    starts: array[int]
    ends: array[int]
    labels: tuple[EntityLabel, ...]
    ids: tuple[str | None, ...]
    texts: tuple[str | None, ...]
    tags: tuple[tuple[str, ...], ...]
    _records: list[tuple[Entity, ...]] = dataclasses.field(default_factory=list)

    @classmethod
    def of(cls, entities: Sequence[Entity]) -> EntityColumns:
        """The columns of existing records (which are kept, not built again)."""
        columns = cls.from_rows(map(_ROW, entities))
        columns._records.append(tuple(entities))
        return columns

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[Any, ...]]) -> EntityColumns:
        """From one ``(start, end, label, id, text, tags)`` tuple per entity."""
        columns: Any = tuple(zip(*rows, strict=True))
        if not columns:
            return cls(machine_ints(()), machine_ints(()), (), (), (), ())
        starts, ends, labels, ids, texts, tags = columns
        return cls(machine_ints(starts), machine_ints(ends), labels, ids, texts, tags)

    def records(self) -> tuple[Entity, ...]:
        """The :class:`~bench.schema.Entity` records, built the first time they are asked for."""
        if not self._records:
            self._records.append(ENTITIES.many(zip(self.starts, self.ends, self.labels, self.ids, self.texts, self.tags)))
        return self._records[0]

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> Entity: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Entity]: ...

    def __getitem__(self, index: int | slice) -> Entity | Sequence[Entity]:
        return self.records()[index]

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.records())


_ENTITIES_SLOT: Any = Annotations.__dict__["entities"]  # the slot the dataclass reads and writes


class LazyAnnotations(Annotations):
    """:class:`~bench.schema.Annotations` whose ``entities`` are kept as :class:`EntityColumns` until read.

    It is an ``Annotations`` in every way that shows: equal to (and hashed like) the plain record with
    the same fields, printed and pickled as one; ``asdict`` works and ``dataclasses.replace`` (like any
    call of the class) makes a plain record. Only
    :func:`entity_columns` (the checks, the scorer) reads the columns without building the records.
    """

    __slots__ = ("columns",)
    columns: EntityColumns

    def __new__(cls, *args: Any, **kwargs: Any) -> Annotations:  # type: ignore[misc]
        """Called as a class (``dataclasses.replace``, a copy), it makes a plain record: only
        :meth:`deferred` makes a lazy one."""
        return Annotations(*args, **kwargs)

    @classmethod
    def deferred(cls, doc_id: str, entities: EntityColumns, numbers: Any, attributions: Any) -> LazyAnnotations:
        """The record of ``doc_id`` whose entities are ``entities``'s records, built when first read."""
        made: LazyAnnotations = object.__new__(cls)
        _set = object.__setattr__
        for name, value in (("doc_id", doc_id), ("numbers", numbers), ("attributions", attributions),
                            ("columns", entities)):
            _set(made, name, value)
        return made

    @property
    def entities(self) -> tuple[Entity, ...] | None:
        try:
            value: tuple[Entity, ...] | None = _ENTITIES_SLOT.__get__(self, type(self))
        except AttributeError:
            value = self.columns.records()
            _ENTITIES_SLOT.__set__(self, value)
        return value


    def plain(self) -> Annotations:
        """The same record as a plain :class:`~bench.schema.Annotations`."""
        return Annotations(self.doc_id, self.entities, self.numbers, self.attributions)

    def attempted(self) -> frozenset[Layer]:
        return LAYER_SETS[True, self.numbers is not None, self.attributions is not None]  # entities: not built

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Annotations):
            return NotImplemented
        return (self.doc_id, self.entities, self.numbers, self.attributions) == (
            other.doc_id, other.entities, other.numbers, other.attributions)

    def __hash__(self) -> int:
        return hash(self.plain())

    def __repr__(self) -> str:
        return repr(self.plain())

    def __reduce__(self) -> tuple[Any, ...]:
        return Annotations, (self.doc_id, self.entities, self.numbers, self.attributions)


def has_layer(annotations: Annotations, layer: Layer) -> bool:
    """Whether ``annotations`` carries ``layer`` (even empty), without building lazy entity records."""
    if layer is Layer.ENTITIES and isinstance(annotations, LazyAnnotations):
        return True
    return getattr(annotations, layer.value) is not None


def entity_columns(annotations: Annotations) -> EntityColumns:
    """The entities of ``annotations`` column-wise (none when the layer is absent)."""
    if isinstance(annotations, LazyAnnotations):
        return annotations.columns
    return EntityColumns.of(annotations.entities or ())
