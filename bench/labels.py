"""Entity labels from other schemes: ``--label-map`` and the hint an unknown label gets.

newsbench's entity labels are the OntoNotes names (:class:`~bench.schema.EntityLabel`). Systems
trained on other schemes say ``PER``, ``MISC`` or use the numeric OntoNotes types (``DATE``,
``CARDINAL``…), which newsbench keeps in its own numbers layer. ``--label-map PER=PERSON,DATE=-``
rewrites a predictions file's entity labels before it is checked; a label mapped to ``-`` or to
nothing is dropped with its entity.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bench.errors import UserError
from bench.schema import Annotations, EntityLabel

#: A label map: foreign label → ours, or ``None`` to drop the entity.
LabelMap = Mapping[str, EntityLabel | None]

#: The labels an entity may carry, in schema order.
ALLOWED = ", ".join(label.value for label in EntityLabel)
#: OntoNotes' numeric types: in newsbench they are numbers, not entities.
NUMERIC_TYPES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
#: Common names in other schemes (CoNLL, WNUT, ACE, spelled-out) for our labels.
EQUIVALENTS = {
    "PER": "PERSON", "PERS": "PERSON", "ORGANIZATION": "ORG", "ORGANISATION": "ORG", "LOCATION": "LOC",
    "FACILITY": "FAC", "NATIONALITY": "NORP", "WORK": "WORK_OF_ART", "CREATIVE-WORK": "WORK_OF_ART",
}
#: Tokens that drop an entity when they are the target of a mapping.
DROP = frozenset({"", "-"})

_LABEL_PATH = re.compile(r"^(?:\$\.)?entities\[\d+\]\.label$")
_GOT = re.compile(r", got '(?P<label>[^'\\]*)'$")


def parse_label_map(spec: str) -> dict[str, EntityLabel | None]:
    """``"PER=PERSON,DATE=-,CARDINAL="`` → ``{"PER": PERSON, "DATE": None, "CARDINAL": None}``.

    Raises :class:`UserError` (exit 2) for an item without ``=``, an empty or repeated source, or a
    target that is not one of our labels (nor ``-`` or empty, which drop the entity).

    >>> parse_label_map("PER=PERSON, MISC=-")
    {'PER': <EntityLabel.PERSON: 'PERSON'>, 'MISC': None}
    """
    mapping: dict[str, EntityLabel | None] = {}
    for item in spec.split(","):
        if not item.strip():
            continue
        source, sep, target = (part.strip() for part in item.partition("="))
        if not sep or not source:
            raise UserError(f"--label-map: {item.strip()!r} is not FROM=TO (e.g. PER=PERSON, or DATE=- to drop)", exit_code=2)
        if source in mapping:
            raise UserError(f"--label-map: {source!r} is mapped twice", exit_code=2)
        if target in DROP:
            mapping[source] = None
        elif target in EntityLabel.__members__:
            mapping[source] = EntityLabel(target)
        else:
            raise UserError(f"--label-map: {source}={target}: {target!r} is not a label ({ALLOWED}; - drops)", exit_code=2)
    return mapping


def map_line(line: str, mapping: LabelMap) -> str:
    """One JSONL line with its entity labels mapped (entities mapped to ``None`` removed).

    A line that is not a JSON object with an ``entities`` list is returned unchanged, so the
    parser reports it as it would without a map.
    """
    if not mapping:
        return line
    try:
        data: Any = json.loads(line)
    except json.JSONDecodeError:
        return line
    if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
        return line
    kept: list[Any] = []
    for entity in data["entities"]:
        label = entity.get("label") if isinstance(entity, dict) else None
        if isinstance(label, str) and label in mapping:
            target = mapping[label]
            if target is None:
                continue
            entity = {**entity, "label": target.value}
        kept.append(entity)
    return json.dumps({**data, "entities": kept}, ensure_ascii=False)


def map_record(record: Annotations, mapping: LabelMap) -> Annotations:
    """``record`` with its (already valid) entity labels mapped, for predictions read as gold files."""
    if not mapping or record.entities is None:
        return record
    entities = []
    for entity in record.entities:
        if entity.label.value not in mapping:
            entities.append(entity)
        elif (target := mapping[entity.label.value]) is not None:
            entities.append(replace(entity, label=target))
    return replace(record, entities=tuple(entities))


def suggestion(label: str) -> str:
    """The ``FROM=TO`` to offer for a foreign label: a known equivalent, else a placeholder.

    >>> suggestion("PER"), suggestion("org"), suggestion("DATE"), suggestion("XYZ")
    ('PER=PERSON', 'org=ORG', 'DATE=-', 'XYZ=<label>')
    """
    if label in NUMERIC_TYPES:
        return f"{label}=-"
    target = EQUIVALENTS.get(label.upper(), label.upper() if label.upper() in EntityLabel.__members__ else "<label>")
    return f"{label}={target}"


def label_hint(path: str, message: str) -> str:
    """The message for an unknown entity label: the allowed labels and the ``--label-map`` to use.

    Other messages are returned unchanged.

    >>> label_hint("entities[0].label", "Input should be 'PERSON', … or 'LANGUAGE', got 'PER'").split("; ")[-1]
    'from another scheme? map it with newsbench score --label-map PER=PERSON (- drops an entity)'
    """
    if not _LABEL_PATH.match(path) or not message.startswith("Input should be"):
        return message
    found = _GOT.search(message)
    if found is None:
        return f"not an entity label ({ALLOWED}); from another scheme? map it with newsbench score --label-map FROM=TO"
    label = found.group("label")
    if label in NUMERIC_TYPES:
        return (
            f"{label!r} is a numeric type: newsbench scores numbers in their own layer, not as entities "
            f"(entity labels: {ALLOWED}); drop it with newsbench score --label-map {label}=-"
        )
    return (
        f"{label!r} is not an entity label ({ALLOWED}); "
        f"from another scheme? map it with newsbench score --label-map {suggestion(label)} (- drops an entity)"
    )
