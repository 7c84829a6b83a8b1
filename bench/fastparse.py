"""The fast path of :mod:`bench.parse`: msgspec decodes a JSON line, pydantic only words its problems.

msgspec decodes a line straight into typed Structs that mirror the records of :mod:`bench.schema`
(:func:`mirror` builds them from the dataclasses, so the two cannot drift apart) and checks in C what
the strict pydantic path checks: integers that are JSON integers (no ``true``, no ``1.0``), strings,
enum values, arrays of strings, required keys, ``null`` only where a field is optional, no NaN or
Infinity (they are not JSON) and no number that overflows a float; unknown keys are ignored and the
last of two equal keys wins, as in pydantic. The Structs are then turned into the schema's records.

:func:`decoder` returns ``None`` for any line msgspec rejects; the caller then parses it with pydantic
(:func:`bench.parse.validate`), so every problem is reported exactly as before. The fast path must
therefore accept only lines pydantic accepts, and build equal records from them: tests check both
on random valid and invalid lines.

Building the records: a frozen dataclass's generated ``__init__`` sets each field through
``object.__setattr__``, about a microsecond per entity; that, not JSON decoding, was most of the
time of reading a large file. :func:`fast_constructor` builds the same record as an instance of a
non-frozen twin class with the same slots (a third of the cost) and then re-labels it as the record
class (``__class__`` assignment, which CPython allows between classes of identical layout): the result
is an ordinary instance of the record class, frozen from then on.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable, Iterable
from functools import reduce
from itertools import starmap
from operator import or_
from typing import Any, Generic, TypeVar, get_args, get_origin, get_type_hints

import msgspec

from bench.schema import Attribution, Entity, Number, Span

T = TypeVar("T")

_MIRRORS: dict[type, type[msgspec.Struct]] = {}


def _mirror_type(hint: Any) -> Any:
    """``hint`` with every record dataclass in it replaced by its Struct mirror."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return mirror(hint)
    origin, args = get_origin(hint), get_args(hint)
    if origin is types.UnionType:
        return reduce(or_, [_mirror_type(a) for a in args])
    if origin is tuple:
        return tuple[tuple(_mirror_type(a) if a is not Ellipsis else a for a in args)]  # type: ignore[misc]
    return hint


def mirror(record: type) -> type[msgspec.Struct]:
    """A msgspec Struct with the fields, types (records mirrored too), defaults and field order of the
    dataclass ``record``."""
    if record not in _MIRRORS:
        hints = get_type_hints(record)
        fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
        for f in dataclasses.fields(record):
            kind = _mirror_type(hints[f.name])
            if f.default is not dataclasses.MISSING:
                fields.append((f.name, kind, f.default))
            elif f.default_factory is not dataclasses.MISSING:
                fields.append((f.name, kind, msgspec.field(default_factory=f.default_factory)))
            else:
                fields.append((f.name, kind))
        _MIRRORS[record] = msgspec.defstruct(f"Wire{record.__name__}", fields)
    return _MIRRORS[record]


class Builder(Generic[T]):
    """Instances of the frozen slots dataclass ``record``, built without ``object.__setattr__`` per field.

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


_astuple = msgspec.structs.astuple
_ENTITIES, _NUMBERS, _SPANS = Builder(Entity), Builder(Number), Builder(Span)


def _span(wire: Any) -> Span | None:
    return None if wire is None else _SPANS.one(wire.start, wire.end, wire.text)


def _attribution(wire: Any) -> Attribution:
    return Attribution(_SPANS.many(map(_astuple, wire.content)), _span(wire.source), _span(wire.cue), wire.kind,
                       wire.source_entity, wire.parent, wire.id, wire.tags)


#: Converters of the layer fields, from their mirrored Structs to the schema's records.
_LAYERS: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    "entities": lambda items: _ENTITIES.many(map(_astuple, items)),
    "numbers": lambda items: _NUMBERS.many(map(_astuple, items)),
    "attributions": lambda items: tuple(map(_attribution, items)),
}


def decoder(record: type[T]) -> Callable[[str | bytes], T | None]:
    """A function from one JSON document to a ``record`` (a dataclass of plain fields and the annotation
    layers, such as :class:`~bench.schema.Annotations`), or ``None`` when msgspec rejects it."""
    fields = dataclasses.fields(record)  # type: ignore[arg-type]
    wire = mirror(record)
    json_decoder = msgspec.json.Decoder(wire)
    converters = [_LAYERS.get(f.name) for f in fields]

    def decode(raw: str | bytes) -> T | None:
        try:
            values = _astuple(json_decoder.decode(raw))
        except msgspec.DecodeError:  # msgspec.ValidationError too
            return None
        return record(*[v if convert is None or v is None else convert(v) for v, convert in zip(values, converters)])

    return decode

