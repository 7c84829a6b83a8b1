"""A reader for brat standoff annotations (``.ann`` beside a ``.txt``) and their conversion to attributions.

brat writes one annotation per line: text-bound ``T<n>\\t<Type> <start> <end>[;<start> <end>…]\\t<text>``
(several fragments for a discontinuous span) and events ``E<n>\\t<Type>:<T> <Role>:<T> …``. Other
lines (notes ``#``, attributes ``A``, relations ``R``, normalisations ``N``) are read past. A line
that starts with none of these is the rest of the previous line's text (brat keeps a newline of the
covered text there) and is read past too.

:func:`attributions` turns events into our :class:`~bench.schema.Attribution` records with a role
map (``{"Source": "source", "Cue": "cue", "Content": "content"}`` by default; a role with a number
suffix, ``Content2``, takes the role of its stem). Source and cue hold one span: a discontinuous one
is replaced by the span from its first to its last character (counted in :class:`Conversion`); the
content keeps every fragment. Events of a type listed in ``no_source`` have no source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

from bench.errors import UserError
from bench.schema import Attribution, QuoteKind, Span

#: Event types read as attributions by default, and those of them without a source (PolNeAR's names).
DEFAULT_EVENTS = ("Attribution", "Attribution-no-source")
DEFAULT_NO_SOURCE = ("Attribution-no-source",)
#: brat role → our attribution component.
DEFAULT_ROLES: Mapping[str, str] = {"Source": "source", "Cue": "cue", "Content": "content"}
COMPONENTS = ("source", "cue", "content")
_OTHER_PREFIXES = ("#", "A", "R", "N", "M", "*")
_ROLE_NUMBER = re.compile(r"\d+$")


@dataclass(frozen=True, slots=True)
class TextBound:
    """A ``T`` line: a typed span of one or more fragments ``[start, end)``, and brat's copy of its text."""

    tid: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Event:
    """An ``E`` line: its type, trigger and ``(role, T id)`` arguments."""

    eid: str
    type: str
    trigger: str
    arguments: tuple[tuple[str, str], ...]
    line: int


@dataclass(frozen=True, slots=True)
class BratFile:
    """The text-bound annotations and events of one ``.ann`` file."""

    path: Path
    spans: Mapping[str, TextBound]
    events: tuple[Event, ...]


def _fragments(field_text: str, where: str) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for part in field_text.split(";"):
        bits = part.split()
        if len(bits) != 2 or not all(b.isdigit() for b in bits):
            raise UserError(f"{where}: offsets: expected 'start end[;start end…]', got {field_text!r}", exit_code=2)
        start, end = int(bits[0]), int(bits[1])
        if end < start:
            raise UserError(f"{where}: offsets: end {end} before start {start}", exit_code=2)
        out.append((start, end))
    return tuple(out)


def parse_ann(content: str, path: Path) -> BratFile:
    """Parse the text of a ``.ann`` file (errors name ``path:line``)."""
    spans: dict[str, TextBound] = {}
    events: list[Event] = []
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.rstrip("\r")
        where = f"{path}:{number}"
        if not line.strip():
            continue
        if line.startswith("T") and "\t" in line:
            parts = line.split("\t")
            if len(parts) < 2 or " " not in parts[1]:
                raise UserError(f"{where}: T line: expected 'T<n>\\t<Type> <start> <end>\\t<text>'", exit_code=2)
            kind, offsets = parts[1].split(" ", 1)
            spans[parts[0]] = TextBound(parts[0], kind, _fragments(offsets, where),
                                        "\t".join(parts[2:]), number)
        elif line.startswith("E") and "\t" in line:
            eid, body = line.split("\t", 1)
            args: list[tuple[str, str]] = []
            for item in body.split():
                if ":" not in item:
                    raise UserError(f"{where}: E line: argument {item!r} is not Role:T<n>", exit_code=2)
                role, tid = item.split(":", 1)
                args.append((role, tid))
            if not args:
                raise UserError(f"{where}: E line: no trigger", exit_code=2)
            (etype, trigger), rest = args[0], tuple(args[1:])
            events.append(Event(eid, etype, trigger, rest, number))
        # notes, attributes, relations and continuation lines carry nothing we use
    return BratFile(path, spans, tuple(events))


def read_ann(path: Path) -> BratFile:
    """Read and parse one ``.ann`` file (UTF-8, a BOM tolerated)."""
    try:
        return parse_ann(path.read_text(encoding="utf-8-sig"), path)
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror or error}", exit_code=2) from None
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})", exit_code=2) from None


# --- quote kind --------------------------------------------------------------------------------

#: Double quotation marks (straight, curly, low, guillemets); single quotes are left out, since
#: they are also apostrophes ("Trump's").
OPENING = frozenset('"“„«')
CLOSING = frozenset('"”“»')
QUOTES = OPENING | CLOSING
_TRAILING = " \t\n,.;:!?"


def quote_kind(content: str) -> tuple[QuoteKind, bool]:
    """Direct, indirect or mixed from the double quotation marks in the content, and whether it is ambiguous.

    * no quotation mark → ``indirect``;
    * the content (after trailing punctuation) opens and closes with a mark and has no mark
      inside → ``direct``;
    * any other use of marks → ``mixed`` (part quoted, part paraphrased).

    Ambiguous: an odd number of marks (a quote opened or closed outside the content), or a
    content that opens and closes with marks but has more inside (two quotes joined, or one
    quote with a quoted phrase inside: direct and mixed both fit).

    >>> quote_kind("“We endorse her,”"), quote_kind("it was swayed"), quote_kind("he was “unhappy” about it")
    ((<QuoteKind.DIRECT: 'direct'>, False), (<QuoteKind.INDIRECT: 'indirect'>, False), (<QuoteKind.MIXED: 'mixed'>, False))
    """
    marks = sum(ch in QUOTES for ch in content)
    if not marks:
        return QuoteKind.INDIRECT, False
    core = content.strip()
    while core and core[-1] in _TRAILING:  # “…,” and “…”. both end in a mark once punctuation is off
        core = core[:-1]
    if len(core) >= 2 and core[0] in OPENING and core[-1] in CLOSING:
        inside = sum(ch in QUOTES for ch in core[1:-1])
        return (QuoteKind.DIRECT, False) if inside == 0 else (QuoteKind.MIXED, True)
    return QuoteKind.MIXED, marks % 2 == 1


# --- conversion --------------------------------------------------------------------------------


@dataclass(slots=True)
class Conversion:
    """What converting one corpus's events met (for the import summary)."""

    events: int = 0
    no_source: int = 0
    discontinuous_content: int = 0
    joined_source_or_cue: int = 0
    text_mismatches: int = 0
    trimmed: int = 0
    no_content: int = 0
    duplicates: int = 0
    skipped_types: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    ambiguous_kind: int = 0

    def add(self, other: Conversion) -> None:
        """Add ``other``'s counts into this one (every int field, and the two tallies key by key)."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, dict):
                for key, value in theirs.items():
                    mine[key] = mine.get(key, 0) + value
            else:
                setattr(self, f.name, mine + theirs)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without white space (no-break spaces included) at either edge."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _merged(fragments: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted fragments with overlapping or touching ones joined (several content arguments may overlap)."""
    out: list[tuple[int, int]] = []
    for start, end in fragments:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def _check_text(bound: TextBound, text: str, where: str) -> bool:
    """Whether brat's copy of the covered text equals the .txt at those offsets (fragments joined by a space)."""
    if any(end > len(text) for _, end in bound.fragments):
        raise UserError(f"{where}: offsets: {bound.fragments} outside the text ({len(text)} characters)", exit_code=2)
    covered = " ".join(text[s:e] for s, e in bound.fragments)
    return " ".join(covered.split()) == " ".join(bound.text.split())


def attributions(
    ann: BratFile,
    text: str,
    *,
    event_types: Sequence[str] = DEFAULT_EVENTS,
    no_source: Sequence[str] = DEFAULT_NO_SOURCE,
    roles: Mapping[str, str] = DEFAULT_ROLES,
) -> tuple[tuple[Attribution, ...], Conversion]:
    """The attributions of one brat file over ``text`` (sorted by content offsets), and what was met."""
    stats = Conversion()
    out: list[Attribution] = []
    checked: set[str] = set()

    def trim(fragment: tuple[int, int]) -> tuple[int, int] | None:
        """The fragment without edge white space (counted), ``None`` when nothing is left."""
        start, end = _trimmed(text, *fragment)
        stats.trimmed += (start, end) != fragment
        return (start, end) if start < end else None

    for event in ann.events:
        where = f"{ann.path}:{event.line}"
        if event.type not in event_types:
            stats.skipped_types[event.type] = stats.skipped_types.get(event.type, 0) + 1
            continue
        parts: dict[str, list[TextBound]] = {name: [] for name in COMPONENTS}
        for role, tid in event.arguments:
            component = roles.get(role, roles.get(_ROLE_NUMBER.sub("", role)))
            if component is None:
                continue
            bound = ann.spans.get(tid)
            if bound is None:
                raise UserError(f"{where}: {role}: no text-bound annotation {tid}", exit_code=2)
            if tid not in checked:
                checked.add(tid)
                stats.text_mismatches += not _check_text(bound, text, f"{ann.path}:{bound.line}")
            parts[component].append(bound)
        if not parts["content"]:  # an attribution of nothing: not scorable, counted and left out
            stats.no_content += 1
            continue
        kept = (trim(f) for bound in parts["content"] for f in bound.fragments)
        fragments = _merged(sorted({f for f in kept if f is not None}))
        if not fragments:
            stats.no_content += 1
            continue
        content = tuple(_span(text, s, e) for s, e in fragments)
        stats.discontinuous_content += len(content) > 1

        def single(bounds: Sequence[TextBound]) -> Span | None:
            frags = [t for t in (trim(f) for bound in bounds for f in bound.fragments) if t is not None]
            if not frags:
                return None
            if len(frags) > 1:
                stats.joined_source_or_cue += 1
            return _span(text, min(s for s, _ in frags), max(e for _, e in frags))

        source = None if event.type in no_source else single(parts["source"])
        stats.no_source += source is None
        kind, ambiguous = quote_kind(" ".join(text[s:e] for s, e in fragments))
        stats.kinds[kind.value] = stats.kinds.get(kind.value, 0) + 1
        stats.ambiguous_kind += ambiguous
        stats.events += 1
        out.append(Attribution(content=content, source=source, cue=single(parts["cue"]), kind=kind, id=event.eid))
    out.sort(key=lambda a: (a.content[0].start, a.content[0].end, a.id or ""))
    unique: dict[tuple[object, ...], Attribution] = {}
    for a in out:  # the same source, cue and content annotated twice counts once
        key = (tuple((c.start, c.end) for c in a.content), _offsets(a.source), _offsets(a.cue))
        if key in unique:
            stats.duplicates += 1
        else:
            unique[key] = a
    return tuple(unique.values()), stats


def _offsets(span: Span | None) -> tuple[int, int] | None:
    return None if span is None else (span.start, span.end)


def parse_role_map(spec: str) -> dict[str, str]:
    """``Source=source,Cue=cue,Content=content`` → a role map (components checked).

    >>> parse_role_map("Speaker=source, Said=cue,Quote=content")
    {'Speaker': 'source', 'Said': 'cue', 'Quote': 'content'}
    """
    out: dict[str, str] = {}
    for item in filter(None, (x.strip() for x in spec.split(","))):
        if "=" not in item:
            raise UserError(f"--map: {item!r} is not Role=component", exit_code=2)
        role, component = (x.strip() for x in item.split("=", 1))
        if component not in COMPONENTS:
            raise UserError(f"--map: {role}={component}: the component must be one of {', '.join(COMPONENTS)}",
                            exit_code=2)
        out[role] = component
    return out or dict(DEFAULT_ROLES)
