"""Read and check a system's predictions file (JSONL, one object per document).

The format is the public contract in the README: ``doc_id`` plus any of the
layers ``entities``, ``numbers``, ``attributions``. A missing layer key means the
system does not attempt that layer; unknown keys are ignored; optional fields
may be null. Every problem is reported as ``file:line: field: problem``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.errors import InvalidInput, Problem, UserError
from bench.parse import ANNOTATIONS, validate
from bench.schema import Annotations, Layer
from bench.validate import check_annotations


@dataclass(frozen=True, slots=True)
class Predictions:
    """A system's predictions keyed by document id, plus non-fatal warnings."""

    by_doc: Mapping[str, Annotations]
    warnings: tuple[str, ...] = ()
    #: Layers any line of the file carries, including lines for documents not in the gold.
    attempted: frozenset[Layer] = frozenset()


def parse_lines(
    lines: list[str], source: str, texts: Mapping[str, str] | None = None
) -> tuple[dict[str, Annotations], list[Problem], list[str], frozenset[Layer]]:
    """Parse prediction lines; check offsets against ``texts`` (doc_id → raw text) when given.

    Returns the records by document, the problems, the warnings and the layers attempted.
    """
    by_doc: dict[str, Annotations] = {}
    attempted: set[Layer] = set()
    first_line: dict[str, int] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        record, found = validate(ANNOTATIONS, line, root="")
        if record is None:
            problems += [Problem(where, path, message) for path, message in found]
            continue
        assert isinstance(record, Annotations)
        attempted |= record.attempted()
        if record.doc_id in first_line:
            problems.append(Problem(where, "doc_id", f"{record.doc_id!r} already appeared on line {first_line[record.doc_id]}"))
            continue
        first_line[record.doc_id] = number
        if texts is not None:
            if record.doc_id not in texts:
                warnings.append(f"{where}: doc_id: {record.doc_id!r} is not in the gold; ignored")
                continue
            for path, message in check_annotations(record, texts[record.doc_id], gold=False):
                problems.append(Problem(where, path.removeprefix("$."), message))
        by_doc[record.doc_id] = record
    return by_doc, problems, warnings, frozenset(attempted)


def read_predictions(path: Path | str, texts: Mapping[str, str] | None = None) -> Predictions:
    """Load ``path``; raise :class:`InvalidInput` (exit 2) listing every defective line.

    Documents in ``texts`` but not in the file are warned about; the scorer
    treats them as empty predictions for every layer the file attempts.
    """
    path = Path(path)
    try:
        content = path.read_bytes().decode("utf-8-sig")  # a leading byte-order mark is dropped
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror}", exit_code=2) from None
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})", exit_code=2) from None
    by_doc, problems, warnings, attempted = parse_lines(content.splitlines(), str(path), texts)
    if problems:
        raise InvalidInput(problems, exit_code=2)
    if texts is not None:
        missing = sorted(set(texts) - set(by_doc))
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            warnings.append(f"{path}: {len(missing)} gold document(s) have no predictions, scored as empty: {shown}")
    return Predictions(by_doc, tuple(warnings), attempted)
