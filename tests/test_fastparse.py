"""The msgspec fast path of the parser (bench.fastparse) against the pydantic path it stands in for.

The fast path may only accept what pydantic accepts, and must then build equal records of the same
types; whatever it rejects goes to pydantic, so the reported problems are pydantic's, unchanged.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.columns import Builder, EntityColumns, LazyAnnotations, entity_columns
from bench.fastparse import decode_annotations, decoder, mirror
from bench.parse import (
    ANNOTATIONS,
    GOLD_HEADER,
    GOLD_LINE,
    GoldHeader,
    GoldLine,
    TextLine,
    fast_gold_line,
    validate,
)
from bench.predictions import to_json
from bench.schema import (
    Annotations,
    Attribution,
    Entity,
    EntityLabel,
    Number,
    NumberKind,
    Qualifier,
    QuoteKind,
    Span,
)

FAST_ANNOTATIONS = decoder(Annotations)
FAST_GOLD_LINE = decoder(GoldLine)


def _pydantic(kind: Any, raw: str) -> Any:
    adapter = ANNOTATIONS if kind is Annotations else GOLD_LINE
    try:
        return adapter.validate_json_pydantic(raw)
    except Exception:  # noqa: BLE001 (any rejection: the fast path must reject it too)
        return None


def _same_records(left: Any, right: Any) -> bool:
    """Equal, and of the same types all the way down (``1 == 1.0``, but the reports would differ)."""
    if dataclasses.is_dataclass(left) and not isinstance(left, type):
        return type(left) is type(right) and all(
            _same_records(getattr(left, f.name), getattr(right, f.name)) for f in dataclasses.fields(left))
    if isinstance(left, tuple):
        return type(right) is tuple and len(left) == len(right) and all(map(_same_records, left, right))
    return type(left) is type(right) and left == right


def _check(kind: Any, raw: str) -> None:
    """Both fast paths of ``kind`` (records built at once, and entities column-wise) against pydantic."""
    slow = _pydantic(kind, raw)
    fast = (FAST_ANNOTATIONS if kind is Annotations else FAST_GOLD_LINE)(raw)
    lazy: Any = decode_annotations(raw) if kind is Annotations else fast_gold_line(raw)
    if lazy is None and fast is not None:  # only an entity offset beyond 64 bits: no machine integer holds it
        record: Any = fast
        entities = (record if kind is Annotations else record.annotations()).entities or ()
        assert any(not -(2**63) <= e.start < 2**63 or not -(2**63) <= e.end < 2**63 for e in entities), raw
        return
    assert (fast is None) == (lazy is None), raw
    if fast is None:
        return
    assert slow is not None, f"the fast path accepted a line pydantic rejects: {raw}"
    assert _same_records(fast, slow), raw
    if kind is Annotations:
        assert lazy == slow and _same_records(_plain(lazy), slow), raw
    else:
        head, annotations = lazy
        assert head == TextLine(slow.doc_id, slow.text, slow.split), raw
        assert annotations == slow.annotations() and _same_records(_plain(annotations), slow.annotations()), raw


def _plain(record: Annotations) -> Annotations:
    """A lazy record as the plain one (its entity records built)."""
    return record.plain() if isinstance(record, LazyAnnotations) else record


# --- random valid records -----------------------------------------------------------------------

_text = st.text(max_size=6)
_opt_text = st.none() | _text
_tags = st.lists(_text, max_size=2).map(tuple)
_offset = st.integers(min_value=-3, max_value=2**63 - 1)  # msgspec refuses larger ones: pydantic then parses them
_float = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**40), 2**40)
_span = st.builds(Span, _offset, _offset, _opt_text)
_entity = st.builds(Entity, _offset, _offset, st.sampled_from(EntityLabel), _opt_text, _opt_text, _tags)
_number = st.builds(
    Number, st.none() | _offset, st.none() | _offset, st.none() | _float, st.none() | _float, _opt_text,
    st.none() | st.sampled_from(Qualifier), st.none() | st.sampled_from(NumberKind), _opt_text, _opt_text, _tags,
)
_attribution = st.builds(
    Attribution, st.lists(_span, max_size=2).map(tuple), st.none() | _span, st.none() | _span,
    st.none() | st.sampled_from(QuoteKind), _opt_text, _opt_text, _opt_text, _tags,
)
_annotations = st.builds(
    Annotations, _text,
    st.none() | st.lists(_entity, max_size=3).map(tuple),
    st.none() | st.lists(_number, max_size=2).map(tuple),
    st.none() | st.lists(_attribution, max_size=2).map(tuple),
)


def _as_json(record: Annotations) -> dict[str, Any]:
    """Every field written out (ids and tags too, which the prediction writer leaves out)."""
    data = to_json(record)
    for layer in ("entities", "numbers", "attributions"):
        for item, source in zip(data.get(layer) or (), getattr(record, layer) or (), strict=True):
            item.update({f.name: _plain_json(getattr(source, f.name)) for f in dataclasses.fields(source)})
    return data


def _plain_json(value: Any) -> Any:
    if isinstance(value, Span):
        return {"start": value.start, "end": value.end, "text": value.text}
    if isinstance(value, tuple):
        return [_plain_json(v) for v in value]
    return value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_annotations, st.booleans())
def test_valid_records_decode_to_equal_records_on_both_paths(record: Annotations, as_gold: bool) -> None:
    data = _as_json(record)
    if as_gold:
        data["text"] = "some text"
        _check(GoldLine, json.dumps(data, ensure_ascii=False))
    raw = json.dumps(data, ensure_ascii=False)
    _check(Annotations, raw)
    fast, lazy = FAST_ANNOTATIONS(raw), decode_annotations(raw)
    assert fast is not None and _same_records(fast, ANNOTATIONS.validate_json_pydantic(raw))
    assert fast == record and lazy == record and record == lazy and hash(lazy) == hash(record)


# --- random defective lines -----------------------------------------------------------------------

_json_scalar = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
                | st.sampled_from(["ORG", "exact", "direct", "count", "x", ""]))
_json_value = st.recursive(_json_scalar, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.sampled_from(["start", "end", "label", "text", "x"]), inner, max_size=3),
                           max_leaves=8)
_fields = {
    "entities": ["start", "end", "label", "id", "text", "tags"],
    "numbers": ["start", "end", "value", "value_max", "unit", "qualifier", "kind", "id", "text", "tags"],
    "attributions": ["content", "source", "cue", "kind", "source_entity", "parent", "id", "tags"],
}


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    """A valid line with one value replaced by an arbitrary JSON value, or a key dropped or repeated."""
    data = _as_json(draw(_annotations))
    data["text"] = "some text"
    layer = draw(st.sampled_from(["doc_id", "text", "split", *_fields]))
    target: Any = data
    key: Any = layer
    items = data.get(layer)
    if layer in _fields and isinstance(items, list) and items:
        target = draw(st.sampled_from(items))
        key = draw(st.sampled_from(_fields[layer]))
    action = draw(st.sampled_from(["replace", "drop", "repeat"]))
    if action == "drop":
        target.pop(key, None)
        return json.dumps(data)
    value = draw(_json_value)
    if action == "repeat":  # a duplicated key: the last one wins on both paths
        body = json.dumps(data)
        return body[:-1] + ("," if len(body) > 2 else "") + f'{json.dumps(key)}: {json.dumps(value)}' + "}"
    target[key] = value
    return json.dumps(data)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_the_fast_path_accepts_only_what_pydantic_accepts_and_builds_the_same(raw: str) -> None:
    _check(Annotations, raw)
    _check(GoldLine, raw)


@pytest.mark.parametrize(
    "raw",
    [
        '{"doc_id": "a", "entities": [{"start": true, "end": 2, "label": "ORG"}]}',
        '{"doc_id": "a", "entities": [{"start": 1.0, "end": 2, "label": "ORG"}]}',
        '{"doc_id": "a", "entities": [{"start": "1", "end": 2, "label": "ORG"}]}',
        '{"doc_id": "a", "entities": [{"start": 1, "end": 2, "label": "PER"}]}',
        '{"doc_id": "a", "entities": [{"start": 1, "end": 2, "label": "org"}]}',
        '{"doc_id": "a", "entities": [{"start": 1, "end": 2}]}',
        '{"doc_id": "a", "entities": [{"start": 1, "end": 2, "label": "ORG", "tags": null}]}',
        '{"doc_id": "a", "entities": [{"start": 1, "end": 2, "label": "ORG", "tags": "x"}]}',
        '{"doc_id": "a", "numbers": [{"start": 0, "end": 1, "value": NaN}]}',
        '{"doc_id": "a", "numbers": [{"start": 0, "end": 1, "value": 1e400}]}',
        '{"doc_id": "a", "numbers": [{"start": 0, "end": 1, "value": "1"}]}',
        '{"doc_id": "a", "numbers": [{"start": 0, "end": 1, "value": 3}]}',
        '{"doc_id": "a", "numbers": [{"end": 1}]}',
        '{"doc_id": "a", "attributions": [{"content": null}]}',
        '{"doc_id": "a", "attributions": [{"content": [], "source": {"start": 0}}]}',
        '{"doc_id": "a", "doc_id": "b"}',
        '{"doc_id": "\\ud800"}',
        '{"doc_id": 1}',
        '{"doc_id": "a"} x',
        '["doc_id"]',
        '{"doc_id": "a", "entities": [{"start": 18446744073709551616, "end": 2, "label": "ORG"}]}',
        '{"doc_id": "a", "text": "t", "split": null}',
    ],
)
def test_edge_cases_agree_with_pydantic(raw: str) -> None:
    _check(Annotations, raw)
    _check(GoldLine, raw)


def test_a_rejected_line_reports_exactly_the_pydantic_problems() -> None:
    raw = '{"doc_id": "a", "entities": [{"start": true, "end": 2, "label": "PER"}]}'
    assert FAST_ANNOTATIONS(raw) is None
    assert validate(ANNOTATIONS, raw, root="") == (None, [
        ("entities[0].start", "Input should be a valid integer, got True"),
        ("entities[0].label", ("Input should be 'PERSON', 'NORP', 'FAC', 'ORG', 'GPE', 'LOC', 'PRODUCT', 'EVENT', "
                               "'WORK_OF_ART', 'LAW' or 'LANGUAGE', got 'PER'")),
    ])


def test_a_line_msgspec_cannot_even_walk_goes_to_pydantic_too() -> None:
    """msgspec raises RecursionError (not a DecodeError) on a deep nesting, even under an ignored key."""
    raw = '{"doc_id": "a", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    assert FAST_ANNOTATIONS(raw) is None and decode_annotations(raw) is None and fast_gold_line(raw) is None
    record, found = validate(ANNOTATIONS, raw, root="")
    assert record is None and found[0][1].startswith("Invalid JSON: recursion limit exceeded")


# --- the pieces -------------------------------------------------------------------------------------

# --- the header of a gold annotation file ------------------------------------------------------------

_header_value = st.one_of(_json_value, st.lists(st.sampled_from(["entities", "numbers", "x"]), max_size=3))


@st.composite
def _header(draw: st.DrawFn) -> str:
    """A gold file's header (layers beside it, as in a gold file), valid or with fields replaced or dropped."""
    data: dict[str, Any] = {"doc_id": "d1", "split": "dev", "sha256": "ab", "entities": [], "numbers": []}
    optional = {"provenance": st.text(max_size=3) | st.none(), "layers": st.none() | st.lists(
        st.sampled_from(["entities", "numbers"]), max_size=2), "offsets": st.booleans()}
    for key in draw(st.sets(st.sampled_from(sorted(optional)))):
        data[key] = draw(optional[key])
    for key in draw(st.sets(st.sampled_from(["doc_id", "split", "sha256", "provenance", "layers", "offsets"]),
                            max_size=2)):
        if draw(st.booleans()):
            data.pop(key, None)
        else:
            data[key] = draw(_header_value)
    return json.dumps(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_header())
def test_a_gold_header_is_read_by_msgspec_only_as_pydantic_reads_it(raw: str) -> None:
    fast = decoder(GoldHeader)(raw)
    try:
        slow = GOLD_HEADER.validate_json_pydantic(raw)
    except Exception:  # noqa: BLE001 (any rejection: the fast path must reject it too)
        slow = None
    assert (fast is None) == (slow is None), raw
    assert fast is None or _same_records(fast, slow), raw
    record, found = validate(GOLD_HEADER, raw)
    assert found or _same_records(record, slow), raw  # what the loader sees: the same record, or pydantic's problems


@pytest.mark.parametrize("record", [Span, Entity, Number, Attribution, Annotations, GoldLine, GoldHeader])
def test_a_mirror_has_the_fields_and_defaults_of_its_record(record: type) -> None:
    import msgspec

    wire = {f.name: f for f in msgspec.structs.fields(mirror(record))}
    assert list(wire) == [f.name for f in dataclasses.fields(record)]
    for f in dataclasses.fields(record):
        default = wire[f.name].default
        assert default == (f.default if f.default is not dataclasses.MISSING else msgspec.NODEFAULT)


def test_built_records_are_ordinary_frozen_instances() -> None:
    built = Builder(Entity).many([(1, 4, EntityLabel.ORG, None, "Acme", ("t",))])
    (entity,) = built
    plain = Entity(1, 4, EntityLabel.ORG, None, "Acme", ("t",))
    assert type(entity) is Entity and entity == plain and hash(entity) == hash(plain)
    assert pickle.loads(pickle.dumps(entity)) == plain
    assert dataclasses.replace(entity, start=0) == dataclasses.replace(plain, start=0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entity.start = 2  # type: ignore[misc]
    number = Builder(Number).one(0, 1, 2.0, None, "u", Qualifier.EXACT, NumberKind.COUNT, None, None, ())
    assert type(number) is Number and number == Number(0, 1, 2.0, None, "u", Qualifier.EXACT, NumberKind.COUNT)


def test_a_record_without_slots_is_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class Plain:
        x: int

    with pytest.raises(TypeError, match="not a slots dataclass"):
        Builder(Plain)


# --- entities column-wise ---------------------------------------------------------------------------

def test_lazy_annotations_build_their_entity_records_only_when_read() -> None:
    raw = '{"doc_id": "d", "entities": [{"start": 0, "end": 5, "label": "GPE", "text": "Paris"}], "numbers": []}'
    lazy = decode_annotations(raw)
    assert isinstance(lazy, LazyAnnotations) and not lazy.columns._records
    columns = entity_columns(lazy)
    assert (columns.starts.tolist(), columns.ends.tolist(), columns.labels, columns.texts) == (
        [0], [5], (EntityLabel.GPE,), ("Paris",))
    assert lazy.attempted() == Annotations("d", (), ()).attempted() and not lazy.columns._records
    plain = Annotations("d", (Entity(0, 5, EntityLabel.GPE, text="Paris"),), ())
    assert lazy == plain and plain == lazy and hash(lazy) == hash(plain) and repr(lazy) == repr(plain)
    assert lazy.entities is lazy.entities is lazy.columns.records()
    copied = pickle.loads(pickle.dumps(lazy))
    assert type(copied) is Annotations and copied == plain
    replaced = dataclasses.replace(lazy, numbers=None)
    assert type(replaced) is Annotations and replaced == Annotations("d", plain.entities)
    assert dataclasses.asdict(lazy) == dataclasses.asdict(plain)
    with pytest.raises(dataclasses.FrozenInstanceError):
        lazy.doc_id = "e"  # type: ignore[misc]


def test_entity_columns_of_records_keep_them() -> None:
    records = (Entity(0, 5, EntityLabel.GPE), Entity(6, 9, EntityLabel.ORG, "e1", "x", ("t",)))
    columns = EntityColumns.of(records)
    assert columns.records() is records or columns.records() == records
    assert list(columns) == list(records) and columns[1] == records[1] and len(columns) == 2
    assert columns.ids == (None, "e1") and columns.tags == ((), ("t",))
    assert columns.starts.tolist() == [0, 6] and columns.ends.tolist() == [5, 9]
    assert len(EntityColumns.of(())) == 0 and len(entity_columns(Annotations("d")).starts) == 0


@pytest.mark.parametrize("extra", [b'"caf\xe9"', b'"\xed\xa0\x80"', b'"\xff"'])
def test_bytes_that_are_not_utf8_in_an_unknown_key_go_to_pydantic(extra: bytes) -> None:
    """msgspec skips an unknown key's value without checking its UTF-8; pydantic rejects the document."""
    raw = b'{"doc_id": "d1", "split": "dev", "sha256": "ab", "entities": [], "note": ' + extra + b"}"
    for adapter in (GOLD_HEADER, ANNOTATIONS):
        record, found = validate(adapter, raw)
        assert record is None and "invalid unicode code point" in found[0][1], (adapter, found)
