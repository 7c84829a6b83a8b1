"""Read, check and write a system's predictions file (JSONL, one object per document).

The format is the public contract in the README: ``doc_id`` plus any of the
layers ``entities``, ``numbers``, ``attributions``. A missing layer key means the
system does not attempt that layer; unknown keys are ignored; optional fields
may be null. Every problem is reported as ``file:line: field: problem``.

A gold annotation file (``<doc_id>.json`` beside its ``.txt``) or a folder of them is read as
predictions too, through the gold loader: the gold's own files are valid predictions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import gold
from bench.errors import InvalidInput, Problem, UserError
from bench.gcpause import gc_paused
from bench.labels import LabelMap, label_hint, map_line, map_record
from bench.parse import ANNOTATIONS, jsonl_lines, validate
from bench.schema import Annotations, Attribution, Entity, Layer, Number, Span
from bench.validate import check_annotations, entity_offsets_valid


@dataclass(frozen=True, slots=True)
class Predictions:
    """A system's predictions keyed by document id, plus non-fatal warnings."""

    by_doc: Mapping[str, Annotations]
    warnings: tuple[str, ...] = ()
    #: Layers any line of the file carries, including lines for documents not in the gold.
    attempted: frozenset[Layer] = frozenset()


def parse_lines(
    lines: list[str], source: str, texts: Mapping[str, str] | None = None, label_map: LabelMap | None = None
) -> tuple[dict[str, Annotations], list[Problem], list[str], frozenset[Layer]]:
    """Parse prediction lines; check offsets against ``texts`` (doc_id → raw text) when given.

    ``label_map`` rewrites entity labels before a line is parsed (see :mod:`bench.labels`).
    Returns the records by document, the problems, the warnings and the layers attempted.
    """
    by_doc: dict[str, Annotations] = {}
    attempted: set[Layer] = set()
    first_line: dict[str, int] = {}
    problems: list[tuple[int, Problem]] = []  # by line number: the checks against the texts come last
    warnings: list[str] = []
    to_check: list[tuple[int, Annotations, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record, found = validate(ANNOTATIONS, map_line(line, label_map or {}), root="")
        if record is None:
            problems += [(number, Problem(f"{source}:{number}", path, label_hint(path, message))) for path, message in found]
            continue
        assert isinstance(record, Annotations)
        attempted |= record.attempted()
        if record.doc_id in first_line:
            problems.append((number, Problem(f"{source}:{number}", "doc_id",
                                             f"{record.doc_id!r} already appeared on line {first_line[record.doc_id]}")))
            continue
        first_line[record.doc_id] = number
        if texts is not None:
            if record.doc_id not in texts:
                warnings.append(f"{source}:{number}: doc_id: {record.doc_id!r} is not in the gold; ignored")
                continue
            to_check.append((number, record, texts[record.doc_id]))
        by_doc[record.doc_id] = record
    checked = entity_offsets_valid([(record, len(text)) for _, record, text in to_check])  # the file at once
    for (number, record, text), offsets_valid in zip(to_check, checked, strict=True):
        for path, message in check_annotations(record, text, gold=False, entity_offsets_checked=offsets_valid):
            problems.append((number, Problem(f"{source}:{number}", path.removeprefix("$."), message)))
    problems.sort(key=lambda item: item[0])  # stable: a line's problems keep their order
    return by_doc, [problem for _, problem in problems], warnings, frozenset(attempted)


def _check_against_gold(
    records: list[tuple[str, Annotations, str]], texts: Mapping[str, str] | None
) -> tuple[dict[str, Annotations], list[Problem], list[str]]:
    """Records read from gold annotation files, as ``(file, record, its text)``, checked like JSONL lines."""
    by_doc: dict[str, Annotations] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    for source, record, text in records:
        if texts is not None:
            if record.doc_id not in texts:
                warnings.append(f"{source}: doc_id: {record.doc_id!r} is not in the gold; ignored")
                continue
            if text != texts[record.doc_id]:
                problems.append(Problem(source, "$", f"its text beside it differs from the gold text of {record.doc_id!r}"))
                continue
            # span-free numbers here come from gold whose header declared them (gold.load_all checked it)
            span_free = any(n.span_free for n in record.numbers or ())
            problems += [Problem(source, w, m) for w, m in check_annotations(record, text, gold=False, offsets=not span_free)]
        by_doc[record.doc_id] = record
    return by_doc, problems, warnings


def _read_gold_files(
    path: Path, texts: Mapping[str, str] | None, label_map: LabelMap | None
) -> tuple[dict[str, Annotations], list[Problem], list[str], frozenset[Layer]]:
    """Predictions from a gold annotation file or a folder of them (validated by the gold loader)."""
    documents, problems = gold.load_all(path)
    if problems:
        return {}, problems, [], frozenset()
    folder = path / "documents" if (path / "documents").is_dir() else path
    records = [
        (str(folder / f"{d.doc_id}.json" if path.is_dir() else path), map_record(d.annotations, label_map or {}), d.text)
        for d in documents
    ]
    by_doc, problems, warnings = _check_against_gold(records, texts)
    attempted = frozenset(layer for d in documents for layer in d.annotations.attempted())
    return by_doc, problems, warnings, attempted


def is_gold_format(path: Path) -> bool:
    """A folder or a ``.json`` file is read as gold annotation files; anything else as JSONL."""
    return path.is_dir() or path.suffix.lower() == ".json"


def read_predictions(
    path: Path | str,
    texts: Mapping[str, str] | None = None,
    *,
    label_map: LabelMap | None = None,
    scored: Iterable[str] | None = None,
) -> Predictions:
    """Load ``path``; raise :class:`InvalidInput` (exit 2) listing every defective line.

    ``path`` is a JSONL file, or a gold annotation ``.json`` file or folder of them (see
    :func:`is_gold_format`). Documents in ``texts`` (or, when given, in ``scored``: the subset
    that will be scored) but not in the file are warned about; the scorer treats them as empty
    predictions for every layer the file attempts.
    """
    path = Path(path)
    if is_gold_format(path):
        by_doc, problems, warnings, attempted = _read_gold_files(path, texts, label_map)
    else:
        try:
            content = path.read_bytes().decode("utf-8-sig")  # a leading byte-order mark is dropped
        except OSError as error:
            raise UserError(f"{path}: cannot read: {error.strerror}", exit_code=2) from None
        except UnicodeDecodeError as error:
            raise UserError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})", exit_code=2) from None
        with gc_paused():  # the records hold no cycles (see bench.parse)
            by_doc, problems, warnings, attempted = parse_lines(jsonl_lines(content), str(path), texts, label_map)
    if problems:
        raise InvalidInput(problems, exit_code=2)
    expected = set(scored) if scored is not None else set(texts) if texts is not None else None
    if expected is not None:
        missing = sorted(expected - set(by_doc))
        if missing:
            warnings.append(missing_warning(path, missing))
    return Predictions(by_doc, tuple(warnings), attempted)


def missing_warning(path: Path | str, missing: Sequence[str]) -> str:
    """The one warning about documents a predictions file has no line for (``score``, ``compare``, ``file:``).

    >>> missing_warning("p.jsonl", ["a", "b"])
    'p.jsonl: 2 document(s) have no predictions, scored as empty: a, b'
    """
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return f"{path}: {len(missing)} document(s) have no predictions, scored as empty: {shown}"


# --- writing the format ----------------------------------------------------------------------


def _span(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    out: dict[str, Any] = {"start": span.start, "end": span.end}
    if span.text is not None:
        out["text"] = span.text
    return out


def _plain(value: object) -> object:
    """String enums to their value, everything else as is (the strict re-parse rejects wrong types)."""
    return str(value) if isinstance(value, str) else value


def _entity(e: Entity) -> dict[str, Any]:
    out: dict[str, Any] = {"start": e.start, "end": e.end, "label": _plain(e.label)}
    if e.text is not None:
        out["text"] = e.text
    if e.tags:
        out["tags"] = list(e.tags)
    return out


def _number(n: Number) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start": n.start,
        "end": n.end,
        "value": n.value,
        "value_max": n.value_max,
        "unit": n.unit,
        "qualifier": _plain(n.qualifier),
        "kind": _plain(n.kind),
    }
    if n.text is not None:
        out["text"] = n.text
    if n.tags:
        out["tags"] = list(n.tags)
    return out


def _attribution(a: Attribution) -> dict[str, Any]:
    out = {
        "source": _span(a.source),
        "cue": _span(a.cue),
        "content": [_span(s) for s in a.content],
        "kind": _plain(a.kind),
    }
    if a.tags:
        out["tags"] = list(a.tags)
    return out


def to_json(record: Annotations) -> dict[str, Any]:
    """A record as a prediction-format object; layers not attempted are left out (not ``[]``).

    ``text`` is written for readability and ``tags`` when a system sets them (the ``llm`` system
    records how each string was grounded); the scorer ignores both.
    """
    out: dict[str, Any] = {"doc_id": record.doc_id}
    if record.entities is not None:
        out["entities"] = [_entity(e) for e in record.entities]
    if record.numbers is not None:
        out["numbers"] = [_number(n) for n in record.numbers]
    if record.attributions is not None:
        out["attributions"] = [_attribution(a) for a in record.attributions]
    return out


def to_json_line(record: Annotations) -> str:
    """One JSONL line (no newline), UTF-8 characters kept."""
    return json.dumps(to_json(record), ensure_ascii=False)
