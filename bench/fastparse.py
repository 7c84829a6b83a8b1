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

Building the records: the entities of a line stay column-wise (:class:`bench.columns.LazyAnnotations`),
their records built only when something reads them; numbers and attributions are built at once, by
:class:`bench.columns.Builder`, which is faster than a frozen dataclass's own constructor.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable
from functools import reduce
from operator import or_
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

import msgspec

from bench.columns import ENTITIES, Builder, EntityColumns, LazyAnnotations
from bench.schema import Annotations, Attribution, Number, Span

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
        _MIRRORS[record] = msgspec.defstruct(f"Wire{record.__name__}", fields, gc=False)
    return _MIRRORS[record]


_astuple = msgspec.structs.astuple
_NUMBERS, _SPANS = Builder(Number), Builder(Span)


def _span(wire: Any) -> Span | None:
    return None if wire is None else _SPANS.one(wire.start, wire.end, wire.text)


def _attribution(wire: Any) -> Attribution:
    return Attribution(_SPANS.many(map(_astuple, wire.content)), _span(wire.source), _span(wire.cue), wire.kind,
                       wire.source_entity, wire.parent, wire.id, wire.tags)


#: Converters of the layer fields, from their mirrored Structs to the schema's records.
_LAYERS: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    "entities": lambda items: ENTITIES.many(map(_astuple, items)),
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
        except Exception:  # noqa: BLE001 (any problem, e.g. too deep a nesting: pydantic decides and words it)
            return None
        return record(*[v if convert is None or v is None else convert(v) for v, convert in zip(values, converters)])

    return decode


def _annotations(doc_id: str, wire: Any) -> Annotations:
    """The layers of a decoded line as :class:`~bench.schema.Annotations`, its entities column-wise
    (:class:`~bench.columns.LazyAnnotations`: the records are built only if something reads them)."""
    numbers = None if wire.numbers is None else _LAYERS["numbers"](wire.numbers)
    attributions = None if wire.attributions is None else _LAYERS["attributions"](wire.attributions)
    if wire.entities is None:
        return Annotations(doc_id, None, numbers, attributions)
    return LazyAnnotations.deferred(doc_id, EntityColumns.from_rows(map(_astuple, wire.entities)), numbers, attributions)


_ANNOTATIONS_DECODER: Any = None


def decode_annotations(raw: str | bytes) -> Annotations | None:
    """A prediction line (or a gold file's layers) as :class:`~bench.schema.Annotations`, entities
    column-wise; ``None`` when msgspec rejects it."""
    global _ANNOTATIONS_DECODER
    if _ANNOTATIONS_DECODER is None:
        _ANNOTATIONS_DECODER = msgspec.json.Decoder(mirror(Annotations))
    try:
        wire = _ANNOTATIONS_DECODER.decode(raw)
    except Exception:  # noqa: BLE001 (as in decoder)
        return None
    return _annotations_or_none(wire.doc_id, wire)


def _annotations_or_none(doc_id: str, wire: Any) -> Annotations | None:
    """:func:`_annotations`, or ``None`` for an entity offset beyond 64 bits (accepted by msgspec, but no
    machine integer: the line is left to pydantic, and the checks report the offset outside the text)."""
    try:
        return _annotations(doc_id, wire)
    except OverflowError:
        return None


def gold_line_decoder(line_record: type) -> Callable[[str | bytes], tuple[str, str, str, Annotations] | None]:
    """For the gold JSONL line record (:class:`bench.parse.GoldLine`): a function from one line to its
    ``(doc_id, text, split, annotations)``, entities column-wise; ``None`` when msgspec rejects it."""
    json_decoder = msgspec.json.Decoder(mirror(line_record))

    def decode(raw: str | bytes) -> tuple[str, str, str, Annotations] | None:
        try:
            wire: Any = json_decoder.decode(raw)
        except Exception:  # noqa: BLE001 (as in decoder)
            return None
        annotations = _annotations_or_none(wire.doc_id, wire)
        return None if annotations is None else (wire.doc_id, wire.text, wire.split, annotations)

    return decode


def fast_decoder(record: type[T]) -> Callable[[str | bytes], T | None]:
    """The fast path for ``record``: :func:`decode_annotations` for :class:`~bench.schema.Annotations`,
    else :func:`decoder`."""
    if record is Annotations:
        found: Callable[[str | bytes], Any] = decode_annotations
        return found
    return decoder(record)
