"""JSON wire formats → records, with every defect reported by its JSON path.

Parsing is strict (a string where an int belongs is an error, not coerced) and
ignores unknown keys, so the same parser reads gold files and predictions.

Speed: a line is first decoded by msgspec (:mod:`bench.fastparse`, which accepts only what the
pydantic path accepts and builds equal records, several times faster); only a line it rejects goes
through pydantic, whose errors word the problems, so they read exactly as they always have. The
cyclic garbage collector would walk the millions of records already built, for nothing, so
readers parse with it paused (:func:`bench.gcpause.gc_paused`). A gold JSONL line is decoded once, as a
:class:`GoldLine`; only a defective line is validated again to word its problems.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bench.schema import _STRICT, Annotations, Attribution, Entity, Number

if TYPE_CHECKING:
    from pydantic import TypeAdapter, ValidationError


@dataclass(frozen=True, slots=True)
class GoldHeader:
    """The document-level fields of a gold annotation file."""

    __pydantic_config__ = _STRICT

    doc_id: str
    split: str
    sha256: str
    provenance: str | None = None
    #: The layers this gold annotates (default: all three); the others are absent, scored as "—".
    layers: tuple[str, ...] | None = None
    #: ``False``: span-free number gold (no offsets; scored by the ``span_free`` number metrics and ``cqe`` only).
    offsets: bool = True


@dataclass(frozen=True, slots=True)
class TextLine:
    """The extra fields of a gold JSONL line (prediction format plus its text)."""

    __pydantic_config__ = _STRICT

    doc_id: str
    text: str
    split: str = "default"


@dataclass(frozen=True, slots=True)
class GoldLine:
    """A whole gold JSONL line: :class:`TextLine` and :class:`~bench.schema.Annotations` fields in one record.

    It validates exactly when both of them do (same fields, types and strictness), in one pass.
    """

    __pydantic_config__ = _STRICT

    doc_id: str
    text: str
    split: str = "default"
    entities: tuple[Entity, ...] | None = None
    numbers: tuple[Number, ...] | None = None
    attributions: tuple[Attribution, ...] | None = None

    def annotations(self) -> Annotations:
        """The line's annotation layers as the record predictions are parsed into."""
        return Annotations(self.doc_id, self.entities, self.numbers, self.attributions)


T = TypeVar("T")

#: The message for NaN, Infinity, -Infinity (or a literal that overflows to infinity) in a number field.
NON_FINITE = "must be a finite number (NaN and Infinity are not allowed)"

class LazyAdapter(Generic[T]):
    """A pydantic ``TypeAdapter`` built on first use: building one costs tens of milliseconds at
    start-up, and a command needs only the two or so its input format uses.

    With ``fast=True`` a document is first decoded by msgspec (:func:`bench.fastparse.decoder`, also
    built on first use); pydantic validates only what msgspec rejects, so its errors are the ones raised.
    """

    def __init__(self, kind: type[T], *, fast: bool = False) -> None:
        self._kind = kind
        self._fast = fast
        self._decode: Callable[[str | bytes], T | None] | None = None
        self._adapter: TypeAdapter[T] | None = None

    def validate_json(self, raw: str | bytes) -> T:
        if self._fast:
            if self._decode is None:
                from bench.fastparse import fast_decoder

                self._decode = fast_decoder(self._kind)
            record = self._decode(raw) if _utf8(raw) else None
            if record is not None:
                return record
        return self.validate_json_pydantic(raw)

    def validate_json_pydantic(self, raw: str | bytes) -> T:
        """``raw`` validated by pydantic alone (the path whose errors are reported)."""
        if self._adapter is None:
            from pydantic import TypeAdapter

            self._adapter = TypeAdapter(self._kind)
        return self._adapter.validate_json(raw)


def _utf8(raw: str | bytes) -> bool:
    """Whether ``raw`` is text or UTF-8 bytes: msgspec skips the values of unknown keys without checking
    their UTF-8, which pydantic rejects (a gold annotation file is parsed from its bytes)."""
    if isinstance(raw, str) or raw.isascii():
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


ANNOTATIONS: LazyAdapter[Annotations] = LazyAdapter(Annotations, fast=True)
GOLD_HEADER: LazyAdapter[GoldHeader] = LazyAdapter(GoldHeader, fast=True)  # no pydantic to read good gold
TEXT_LINE: LazyAdapter[TextLine] = LazyAdapter(TextLine)
GOLD_LINE: LazyAdapter[GoldLine] = LazyAdapter(GoldLine)  # the fast path for gold lines is fast_gold_line

_gold_line_decoder: Callable[[str | bytes], tuple[str, str, str, Annotations] | None] | None = None


def fast_gold_line(raw: str | bytes) -> tuple[TextLine, Annotations] | None:
    """A gold JSONL line decoded in one pass by msgspec, as its text fields and its annotations (entities
    column-wise, :class:`bench.columns.LazyAnnotations`); ``None`` when msgspec rejects it, and the line
    must go through :data:`GOLD_LINE` (pydantic) to word its problems."""
    global _gold_line_decoder
    if _gold_line_decoder is None:
        from bench.fastparse import gold_line_decoder

        _gold_line_decoder = gold_line_decoder(GoldLine)
    found = _gold_line_decoder(raw)
    if found is None:
        return None
    doc_id, text, split, annotations = found
    return TextLine(doc_id, text, split), annotations


def jsonl_lines(content: str) -> list[str]:
    r"""The lines of a JSON Lines file: split at ``\n``, ``\r\n`` or ``\r`` only.

    Not :meth:`str.splitlines`, which also splits at characters a JSON string may hold unescaped
    (U+2028 and U+2029, the line and paragraph separators of news text scraped from the web, and
    U+0085), so a valid line holding one was reported as two broken ones. Blank lines stay (the
    readers skip them), so line numbers are the file's.

    Long lines (a news text per line) are cut at each ``\n`` found by :meth:`str.find`, which jumps to
    it (``memchr``) where :meth:`str.split` looks at every character (3% of ``newsbench score`` on a
    29 MB corpus); once the first lines prove short, the rest is split at once.

    >>> jsonl_lines('{"text": "a\u2028b"}\r\n{}\n\n')
    ['{"text": "a\u2028b"}', '{}', '', '']
    """
    if "\r" in content:
        content = content.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[str] = []
    find, start = content.find, 0
    while (end := find("\n", start)) >= 0:
        lines.append(content[start:end])
        start = end + 1
        if len(lines) == _PROBE and start < _PROBE * _LONG:  # short lines: a Python step per line costs more
            return lines + content[start:].split("\n")
    lines.append(content[start:])
    return lines


#: :func:`jsonl_lines` looks at this many lines, and keeps finding line ends one by one if they average
#: at least ``_LONG`` characters.
_PROBE, _LONG = 32, 256


def json_path(loc: Sequence[int | str], *, root: str = "$") -> str:
    """``('entities', 3, 'label')`` → ``$.entities[3].label``.

    >>> json_path(('entities', 3, 'label'))
    '$.entities[3].label'
    >>> json_path((), root='')
    '(document)'
    """
    out = root
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"


def findings(error: ValidationError, *, root: str = "$") -> list[tuple[str, str]]:
    """One ``(path, message)`` per pydantic error, with the offending value when short."""
    out: list[tuple[str, str]] = []
    for err in error.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = NON_FINITE if err["type"] == "finite_number" else err["msg"]
        if err["type"] not in ("missing", "json_invalid"):
            shown = repr(err.get("input"))
            if len(shown) <= 40:
                message = f"{message}, got {shown}"
        out.append((json_path(loc, root=root), message))
    return out


def validate(adapter: TypeAdapter[Any] | LazyAdapter[Any], raw: str | bytes, *, root: str = "$") -> tuple[Any, list[tuple[str, str]]]:
    """Parse ``raw`` JSON with ``adapter``; returns ``(record or None, findings)``."""
    try:
        return adapter.validate_json(raw), []
    except Exception as error:  # pydantic is imported only when a line was defective
        from pydantic import ValidationError

        if isinstance(error, ValidationError):
            return None, findings(error, root=root)
        raise
