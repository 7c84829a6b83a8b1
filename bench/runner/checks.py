"""What the runner accepts from a system: one check of every output, and failure reasons as one line.

An output must be :class:`~bench.schema.Annotations` for that document, attempt only declared
layers, parse strictly in the prediction format (known labels, integer offsets) and pass
:func:`bench.validate.check_annotations` (offsets in range, end after start, ``text`` equal to
the slice). What is kept is the strict re-parse of its JSON form: exactly what the JSONL says.
"""

from __future__ import annotations

from bench.parse import ANNOTATIONS, validate
from bench.predictions import to_json_line
from bench.registry import layer_names
from bench.schema import Annotations, Attribution, Document, Entity, Layer, Number, Span
from bench.validate import check_annotations

#: Longest failure reason kept (reasons are one line).
MAX_REASON = 300


def short(text: str) -> str:
    """``text`` on one line, cut at :data:`MAX_REASON` characters.

    >>> short("a\\n  b")
    'a b'
    """
    line = " ".join(text.split())
    return line if len(line) <= MAX_REASON else line[: MAX_REASON - 1] + "…"


def reason(error: BaseException) -> str:
    """An exception as a failure reason: ``Type: message`` on one line.

    >>> reason(ValueError("bad\\nvalue")), reason(KeyError())
    ('ValueError: bad value', 'KeyError')
    """
    message = str(error)
    return short(f"{type(error).__name__}: {message}" if message else type(error).__name__)


_ITEM_TYPES: tuple[tuple[str, type], ...] = (("entities", Entity), ("numbers", Number), ("attributions", Attribution))


def _kind(value: object) -> str:
    return type(value).__name__


def _shape_problem(output: Annotations) -> str:
    """Where ``output`` holds an object of the wrong class (``"entities[0]: a dict, not an Entity"``), or ``""``.

    Field values (a string offset, an unknown label) are left to the strict re-parse, which names them.
    """
    for layer, item_type in _ITEM_TYPES:
        items = getattr(output, layer)
        if items is None:
            continue
        if not isinstance(items, (tuple, list)):
            return f"{layer}: a {_kind(items)}, not a tuple of {item_type.__name__}"
        for index, item in enumerate(items):
            if not isinstance(item, item_type):
                return f"{layer}[{index}]: a {_kind(item)}, not {item_type.__name__}"
            if isinstance(item, Attribution):
                spans = {"source": item.source, "cue": item.cue}
                if not isinstance(item.content, (tuple, list)):
                    return f"{layer}[{index}].content: a {_kind(item.content)}, not a tuple of Span"
                spans.update({f"content[{i}]": span for i, span in enumerate(item.content)})
                for name, span in spans.items():
                    optional = not name.startswith("content")
                    if not isinstance(span, Span) and not (span is None and optional):
                        return f"{layer}[{index}].{name}: a {_kind(span)}, not Span"
    return ""


def check_output(layers: frozenset[Layer], document: Document, output: object) -> tuple[Annotations | None, str]:
    """``(record, "")`` when ``output`` is a valid prediction for ``document``, else ``(None, reason)``.

    The returned record is the strict re-parse of the output's JSON form, so what is kept is
    exactly what the JSONL file will say.
    """
    if not isinstance(output, Annotations):
        return None, f"invalid output: returned {type(output).__name__}, not Annotations"
    if output.doc_id != document.doc_id:
        return None, f"invalid output: doc_id is {output.doc_id!r}"
    shape = _shape_problem(output)
    if shape:
        return None, short(f"invalid output: {shape}")
    extra = output.attempted() - layers
    if extra:
        return None, f"invalid output: layer(s) {', '.join(layer_names(extra))} not declared by the system"
    try:
        line = to_json_line(output)
    except Exception as error:  # noqa: BLE001 — whatever an adapter returned, it fails its document only
        return None, short(f"invalid output: not JSON-serialisable ({reason(error)})")
    parsed, found = validate(ANNOTATIONS, line, root="")
    if parsed is None:
        where, message = found[0]
        return None, short(f"invalid output: {where}: {message}")
    assert isinstance(parsed, Annotations)
    problems = check_annotations(parsed, document.text, gold=False)
    if problems:
        where, message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return None, short(f"invalid output: {where.removeprefix('$.')}: {message}{more}")
    return parsed, ""
