"""Pure consistency checks of one document's annotations against its raw text.

Structural checks (types, enums, required keys) happen when JSON is parsed
(:mod:`bench.parse`); these are the checks that need the text or the whole
record: offsets in range, ``text`` equal to the slice, unique ids, parents that
exist without cycles, no duplicates, no overlapping entities.

Each check yields ``(json_path, message)`` pairs; callers attach the file name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from operator import attrgetter, lt
from typing import cast

from bench.columns import LazyAnnotations, flat_offsets
from bench.schema import Annotations, Attribution, Entity, Number, Qualifier, Span

Finding = tuple[str, str]


#: Encodings whose units are mistaken for characters, as ``(codec, bytes per unit, name in messages)``.
_UNITS = (("utf-8", 1, "UTF-8 bytes"), ("utf-16-le", 2, "UTF-16 code units"))


def offset_units(text: str, start: int, end: int, covered: str) -> str | None:
    """The units ``[start, end)`` seem counted in when ``covered`` is not the character slice but is the
    slice of ``text`` encoded as UTF-8 bytes or UTF-16 code units (None when neither fits).

    >>> offset_units("It’s Rome.", 7, 11, "Rome"), offset_units("It’s Rome.", 5, 9, "Rome")
    ('UTF-8 bytes', None)
    >>> offset_units("😀 Rome", 3, 7, "Rome")
    'UTF-16 code units'
    """
    if 0 <= start < end and text[start:end] != covered:
        for codec, width, name in _UNITS:
            encoded = text.encode(codec)
            if encoded[start * width:end * width].decode(codec, errors="replace") == covered:
                return name
    return None


def _units_note(text: str, start: int, end: int, covered: str | None) -> str:
    units = None if covered is None else offset_units(text, start, end, covered)
    return "" if units is None else f"; offsets look like {units}, not characters"


#: A number without offsets outside span-free gold.
SPAN_FREE_MISUSE = 'missing offsets (only gold whose header says "offsets": false may give numbers no span)'


def check_span(span: Span | Entity | Number, text: str, path: str, *, need_text: bool) -> Iterator[Finding]:
    """Offsets inside the text, non-empty, and ``text`` (when given, or required) equal to the slice.

    When ``text`` disagrees with the character slice but agrees with the UTF-8 byte or UTF-16 slice,
    the message says the offsets look like bytes or code units (:func:`offset_units`).
    """
    start, end, covered = span.start, span.end, span.text
    if start is None or end is None:
        yield f"{path}.start", SPAN_FREE_MISUSE
        return
    if start < 0:
        yield f"{path}.start", f"offset {start} is negative"
    if start > len(text):
        yield f"{path}.start", f"offset {start} is past the end of the text (length {len(text)})"
    if end > len(text):
        note = _units_note(text, start, end, covered)
        yield f"{path}.end", f"offset {end} is past the end of the text (length {len(text)}){note}"
    if end <= start:
        yield f"{path}.end", f"end {end} is not after start {start}"
        return
    if start < 0 or end > len(text):
        return
    actual = text[start:end]
    if covered is None:
        if need_text:
            yield f"{path}.text", f"missing; the slice is {actual!r}"
    elif covered != actual:
        note = _units_note(text, start, end, covered)
        yield f"{path}.text", f"{covered!r} does not equal the text at [{start}:{end}], {actual!r}{note}"
    if need_text and actual != actual.strip():
        yield f"{path}", f"span {actual!r} starts or ends with white space"


def _check_ids(ann: Annotations) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    layers: tuple[tuple[str, tuple[Entity | Number | Attribution, ...]], ...] = (
        ("entities", ann.entities or ()),
        ("numbers", ann.numbers or ()),
        ("attributions", ann.attributions or ()),
    )
    for layer, records in layers:
        for i, record in enumerate(records):
            path = f"$.{layer}[{i}].id"
            if record.id is None:
                yield path, "missing id"
            elif record.id in seen:
                yield path, f"id {record.id!r} is already used at {seen[record.id]}"
            else:
                seen[record.id] = path


def _check_parents(attributions: tuple[Attribution, ...]) -> Iterator[Finding]:
    ids = {a.id: i for i, a in enumerate(attributions) if a.id is not None}
    for i, a in enumerate(attributions):
        if a.parent is None:
            continue
        if a.parent not in ids:
            yield f"$.attributions[{i}].parent", f"parent {a.parent!r} is not an attribution id in this document"
            continue
        # Follow the chain; a cycle returns to an id already visited.
        visited = {a.id}
        current: str | None = a.parent
        while current is not None:
            if current in visited:
                yield f"$.attributions[{i}].parent", f"parent chain from {a.id!r} is a cycle"
                break
            visited.add(current)
            current = attributions[ids[current]].parent if current in ids else None


def _check_numbers(numbers: tuple[Number, ...], *, span_free: bool = False) -> Iterator[Finding]:
    """Complete number fields; span-free gold (a corpus without offsets) needs no kind and may have no unit."""
    for i, n in enumerate(numbers):
        path = f"$.numbers[{i}]"
        if n.value is None:
            yield f"{path}.value", "missing value"
        if n.qualifier is None:
            yield f"{path}.qualifier", "missing qualifier"
        if n.kind is None and not span_free:
            yield f"{path}.kind", "missing kind"
        if (n.unit is None and not span_free) or (n.unit is not None and not n.unit.strip()):
            yield f"{path}.unit", "missing unit"
        if n.qualifier is Qualifier.RANGE and n.value_max is None:
            yield f"{path}.value_max", "a range needs value_max"
        if n.value_max is not None:
            if n.qualifier is not Qualifier.RANGE:
                yield f"{path}.value_max", f"value_max is set but qualifier is {n.qualifier}, not range"
            if n.value is not None and n.value_max < n.value:
                yield f"{path}.value_max", f"value_max {n.value_max:g} is below value {n.value:g}"


def _check_attribution(a: Attribution, text: str, path: str, *, gold: bool) -> Iterator[Finding]:
    if not a.content:
        yield f"{path}.content", "needs at least one content span"
    for j, span in enumerate(a.content):
        yield from check_span(span, text, f"{path}.content[{j}]", need_text=gold)
    ordered = sorted(a.content)
    for left, right in pairwise(ordered):
        if left.overlap(right):
            yield f"{path}.content", f"content spans [{left.start}:{left.end}] and [{right.start}:{right.end}] overlap"
    if a.source is not None:
        yield from check_span(a.source, text, f"{path}.source", need_text=gold)
    if a.cue is not None:
        yield from check_span(a.cue, text, f"{path}.cue", need_text=gold)
    if gold and a.kind is None:
        yield f"{path}.kind", "missing kind"


def _duplicates(keys: list[object], layer: str) -> Iterator[Finding]:
    counts = Counter(keys)
    seen: set[object] = set()
    for i, key in enumerate(keys):
        if counts[key] > 1 and key in seen:
            yield f"$.{layer}[{i}]", "duplicate of an earlier annotation"
        seen.add(key)


def _check_span_free(ann: Annotations, annotated: tuple[str, ...] | None) -> Iterator[Finding]:
    """Span-free gold (header ``"offsets": false``): numbers only, and none of them with offsets."""
    if tuple(annotated or ()) != ("numbers",):
        yield "$.offsets", '"offsets": false is for number gold only: $.layers must be ["numbers"]'
    for i, n in enumerate(ann.numbers or ()):
        if n.start is not None or n.end is not None:
            yield f"$.numbers[{i}].start", 'has offsets, but the header says "offsets": false (give null or none)'


_START, _END, _TEXT = attrgetter("start"), attrgetter("end"), attrgetter("text")


def _plainly_valid(spans: tuple[Entity, ...] | tuple[Number, ...], text: str) -> bool:
    """Every span non-empty inside ``text`` with no ``text`` or the exact slice: :func:`check_span`
    (``need_text=False``) finds nothing. A quick test run before the full checks on large files
    (attribute reads and comparisons run in C through ``map``; a span ``text`` is compared only if given)."""
    if not spans:
        return True
    return _plainly_valid_columns(list(map(_START, spans)), list(map(_END, spans)), list(map(_TEXT, spans)), text)


def _plainly_valid_columns(
    starts: Sequence[int | None], ends: Sequence[int | None], texts: Sequence[str | None], text: str
) -> bool:
    """:func:`_plainly_valid` of spans given column-wise."""
    if not starts:
        return True
    if None in starts or None in ends:
        return False
    known_starts, known_ends = cast(Sequence[int], starts), cast(Sequence[int], ends)  # no None: just checked
    return _offsets_valid(known_starts, known_ends, len(text)) and _texts_plainly_valid(starts, ends, texts, text)


def _texts_plainly_valid(starts: Iterable[int | None], ends: Iterable[int | None], texts: Sequence[str | None],
                         text: str) -> bool:
    """Every span ``text`` given is the exact slice of ``text``."""
    if texts.count(None) == len(texts):
        return True
    return all(t is None or t == text[s:e] for s, e, t in zip(starts, ends, texts, strict=True))


def _entities_plainly_valid(ann: Annotations, text: str, *, offsets_valid: bool = False) -> bool:
    """:func:`_plainly_valid` of the entities, read column-wise when they are (no records are built);
    ``offsets_valid``: :func:`entity_offsets_valid` found the offsets valid, only span texts are left."""
    if isinstance(ann, LazyAnnotations):
        columns = ann.columns
        if not offsets_valid and not _offsets_valid(columns.starts, columns.ends, len(text)):
            return False
        return _texts_plainly_valid(columns.starts, columns.ends, columns.texts, text)
    return _plainly_valid(ann.entities or (), text)


def _offsets_valid(starts: Sequence[int], ends: Sequence[int], length: int) -> bool:
    return not starts or (min(starts) >= 0 and max(ends) <= length and all(map(lt, starts, ends)))


#: From this many entities on, :func:`entity_offsets_valid` checks them with numpy (imported then).
VECTORISED_FROM = 20_000


def entity_offsets_valid(documents: Sequence[tuple[Annotations, int]]) -> list[bool]:
    """Per ``(annotations, length of its text)``, whether the offsets of column-wise entities
    (:class:`~bench.columns.LazyAnnotations`, as the fast JSON path reads them) are all plainly valid:
    ``0 <= start < end <= length``. ``False`` for other records: their spans are checked one by one.

    A reader checks a whole file's documents at once, then passes each flag to :func:`check_annotations`
    (``entity_offsets_checked=``): on a large file this is one vectorised pass instead of a comparison
    per offset in Python, which took 6% of ``newsbench score`` on 300,000 mentions.

    >>> from bench.fastparse import decode_annotations
    >>> lines = ['{"doc_id": "a", "entities": [{"start": 0, "end": 5, "label": "GPE"}]}',
    ...          '{"doc_id": "b", "entities": [{"start": 4, "end": 2, "label": "GPE"}]}']
    >>> entity_offsets_valid([(decode_annotations(line), 5) for line in lines])
    [True, False]
    """
    lazy = [isinstance(ann, LazyAnnotations) for ann, _ in documents]
    columns = [ann.columns for ann, _ in documents if isinstance(ann, LazyAnnotations)]
    lengths = [length for (_, length), is_lazy in zip(documents, lazy, strict=True) if is_lazy]
    if sum(map(len, columns)) < VECTORISED_FROM:
        valid = [_offsets_valid(c.starts, c.ends, length) for c, length in zip(columns, lengths, strict=True)]
    else:
        import numpy as np  # a large file: the scorer imports numpy anyway

        starts, ends, doc = flat_offsets(columns)
        bad = (starts < 0) | (starts >= ends) | (ends > np.asarray(lengths, dtype=np.int64)[doc])
        valid = (np.bincount(doc[bad], minlength=len(columns)) == 0).tolist()
    found = iter(valid)
    return [next(found) if is_lazy else False for is_lazy in lazy]


def check_annotations(
    ann: Annotations, text: str, *, gold: bool, annotated: tuple[str, ...] | None = None, offsets: bool = True,
    entity_offsets_checked: bool = False,
) -> list[Finding]:
    """Every problem in ``ann`` against ``text``.

    With ``gold=True`` the stricter gold rules apply too: every layer present,
    ``text`` on every span, ids, parents, complete number fields, no
    overlapping entities and no duplicates. ``annotated`` (a gold file's ``layers``, e.g. an
    imported corpus with entities only) names the layers the gold holds; the others must be absent.
    ``offsets=False`` (header ``"offsets": false``) is span-free number gold: numbers without offsets.
    ``entity_offsets_checked=True``: the caller found the entity offsets valid (:func:`entity_offsets_valid`).
    """
    if (not gold and not ann.attributions and _entities_plainly_valid(ann, text, offsets_valid=entity_offsets_checked)
            and _plainly_valid(ann.numbers or (), text)):
        return []
    found: list[Finding] = []
    if not offsets and gold:
        found.extend(_check_span_free(ann, annotated))
    if gold:
        names = ("entities", "numbers", "attributions")
        for i, name in enumerate(annotated or ()):
            if name not in names:
                found.append((f"$.layers[{i}]", f"{name!r} is not a layer ({', '.join(names)})"))
        for layer in names:
            listed = annotated is None or layer in annotated
            if listed and getattr(ann, layer) is None:
                found.append((f"$.{layer}", "missing layer (gold must list every layer, [] when empty)"))
            elif not listed and getattr(ann, layer) is not None:
                found.append((f"$.{layer}", "present, but not listed in $.layers"))
    entities = ann.entities or ()
    numbers = ann.numbers or ()
    attributions = ann.attributions or ()
    for i, e in enumerate(entities):
        found.extend(check_span(e, text, f"$.entities[{i}]", need_text=gold))
    for i, n in enumerate(numbers if offsets else ()):
        found.extend(check_span(n, text, f"$.numbers[{i}]", need_text=gold))
    for i, a in enumerate(attributions):
        found.extend(_check_attribution(a, text, f"$.attributions[{i}]", gold=gold))
    if not gold:
        return found
    found.extend(_check_ids(ann))
    found.extend(_check_parents(attributions))
    found.extend(_check_numbers(numbers, span_free=not offsets))
    found.extend(_duplicates([(e.start, e.end) for e in entities], "entities"))
    if offsets:
        found.extend(_duplicates([(n.start, n.end) for n in numbers], "numbers"))
    # one content may be reported by two sources (PolNeAR: "earned him the adulation of X and hostility
    # from Y"): a duplicate is the same content, source and cue
    found.extend(_duplicates([(tuple(sorted(a.content)), a.source, a.cue) for a in attributions], "attributions"))
    by_start = sorted(range(len(entities)), key=lambda k: (entities[k].start, entities[k].end))
    for left, right in pairwise(by_start):
        if entities[right].start < entities[left].end and (entities[left].start, entities[left].end) != (
            entities[right].start,
            entities[right].end,
        ):
            found.append(
                (
                    f"$.entities[{right}]",
                    f"overlaps $.entities[{left}] {entities[left].text!r}; entities do not nest (longest name wins)",
                )
            )
    return found
