"""The extraction prompt, its JSON schema, and turning a reply into grounded annotations.

The model is asked for strings, never offsets: each entity and number comes with the exact
words and a short ``context`` (the surrounding words as written) used to pick the right
occurrence; each attribution gives its source, cue and content strings. Strings are grounded
with :class:`systems._llm.grounding.Grounder`; every grounded record carries a tag naming the
method per component (``grounding:exact``, ``content:fuzzy``, ``source:normalised``, …).
Items whose strings cannot be found, or whose label/kind/qualifier is not one of ours, are
dropped and counted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import Any, TypeVar

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
from systems._llm.grounding import Grounder, Match, Method, sentence_window

#: Bump when the prompt or schema changes: it is part of the cache key.
PROMPT_VERSION = "2"

_NULLABLE_STRING = {"type": ["string", "null"]}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["entities", "numbers", "attributions"],
    "properties": {
        "entities": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text", "label", "context"],
                "properties": {
                    "text": {"type": "string"},
                    "label": {"type": "string", "enum": [label.value for label in EntityLabel]},
                    "context": {"type": "string"},
                },
            },
        },
        "numbers": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text", "context", "value", "value_max", "unit", "qualifier", "kind"],
                "properties": {
                    "text": {"type": "string"},
                    "context": {"type": "string"},
                    "value": {"type": "number"},
                    "value_max": {"type": ["number", "null"]},
                    "unit": _NULLABLE_STRING,
                    "qualifier": {"type": "string", "enum": [q.value for q in Qualifier]},
                    "kind": {"type": "string", "enum": [k.value for k in NumberKind]},
                },
            },
        },
        "attributions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["source", "cue", "content", "kind"],
                "properties": {
                    "source": _NULLABLE_STRING,
                    "cue": _NULLABLE_STRING,
                    "content": {"type": "array", "items": {"type": "string"}},
                    "kind": {"type": "string", "enum": [k.value for k in QuoteKind]},
                },
            },
        },
    },
}

#: The conventions, one paragraph per layer (their order is the order of the lists in the reply).
LAYER_RULES: dict[str, str] = {
    "entities": """entities: every named mention, each time it occurs, with an OntoNotes label (PERSON, NORP,
FAC, ORG, GPE, LOC, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE). "text" is the name exactly
as written, without a leading "the", a possessive 's or a title ("Dr", "President").
Common nouns are not entities. Dates, times and numbers are not entities.""",
    "numbers": """numbers: every numeral, in digits or words, including ordinals, years, days of the month and
vague quantity words ("dozens", "thousands"). "text" is the numeral only, copied exactly:
qualifier words and the unit stay outside, but a scale word ("1.2 billion") and a currency
symbol glued to the digits ("$5") belong to it; a range is one text from the first numeral
to the last ("two or three"). "value" is the number (thousands = 1000, dozens = 24, hundreds
= 100); "value_max" only for ranges; "unit" is the singular lemma of what is counted or
measured ("person", "dollar", "percent", "year"); "qualifier" is exact, approx (about,
around, nearly, an estimated), lower (more than, over, at least, vague plurals), upper (up
to, less than, under) or range; "kind" is count, money, percent, measure, duration,
frequency, ordinal, date or other. Not numbers: the article "a", idioms like "first of all".""",
    "attributions": """attributions: every report of what someone said, wrote or claimed. "source" is who reports
(a name without "the"; a noun phrase with its determiner; a pronoun), or null if unstated.
"cue" is the reporting verb with its auxiliaries ("has said"), or "according to". "content"
is what is reported, as one or more exact pieces of the text: direct quotes keep their
quotation marks; indirect content leaves out "that". "kind" is direct (all quoted), indirect
(paraphrase) or mixed.""",
}
#: The reply's lists, in order.
LISTS: tuple[str, ...] = tuple(LAYER_RULES)
_CONTEXT_RULE = """repeats about eight words of the text around the mention,
exactly as written, so the mention can be found."""
_COPY_RULE = "Copy every string exactly from the article."

INSTRUCTIONS = "You annotate news articles. Return one JSON object with three lists.\n\n" + "\n\n".join(
    LAYER_RULES.values()) + f'\n\nFor entities and numbers, "context" {_CONTEXT_RULE} {_COPY_RULE}'

#: A short worked example, made up for the prompt (not from any gold document).
EXAMPLE_TEXT = 'Acme Corp said on Tuesday that about 300 workers in Lyon would lose their jobs. ' \
    '"This is a sad day," union leader Marie Dubois told reporters.'
EXAMPLE_REPLY: dict[str, Any] = {
    "entities": [
        {"text": "Acme Corp", "label": "ORG", "context": "Acme Corp said on Tuesday that about"},
        {"text": "Lyon", "label": "GPE", "context": "300 workers in Lyon would lose their jobs"},
        {"text": "Marie Dubois", "label": "PERSON", "context": "union leader Marie Dubois told reporters"},
    ],
    "numbers": [
        {"text": "300", "context": "that about 300 workers in Lyon", "value": 300, "value_max": None,
         "unit": "worker", "qualifier": "approx", "kind": "count"},
    ],
    "attributions": [
        {"source": "Acme Corp", "cue": "said", "content": ["about 300 workers in Lyon would lose their jobs"],
         "kind": "indirect"},
        {"source": "union leader Marie Dubois", "cue": "told", "content": ['"This is a sad day,"'], "kind": "direct"},
    ],
}


def instructions() -> str:
    """The system prompt: the conventions, then the worked example (which also shows the JSON shape)."""
    example = json.dumps(EXAMPLE_REPLY, ensure_ascii=False)
    return f"{INSTRUCTIONS}\n\nExample article:\n<<<\n{EXAMPLE_TEXT}\n>>>\nIts JSON:\n{example}"


#: The full prompt text as sent; it is part of the cache key and the run record (by hash).
PROMPT_TEXT = instructions()
PROMPT_SHA = hashlib.sha256(PROMPT_TEXT.encode("utf-8")).hexdigest()[:12]




def layer_instructions(name: str) -> str:
    """The system prompt of a request for one list only (``requests=per-layer``): that list's rules and example."""
    closing = f'"context" {_CONTEXT_RULE} {_COPY_RULE}' if name != "attributions" else _COPY_RULE
    example = json.dumps({name: EXAMPLE_REPLY[name]}, ensure_ascii=False)
    return (f'You annotate news articles. Return one JSON object with one list, "{name}".\n\n'
            f"{LAYER_RULES[name]}\n\n{closing}\n\nExample article:\n<<<\n{EXAMPLE_TEXT}\n>>>\nIts JSON:\n{example}")


def layer_schema(name: str) -> dict[str, Any]:
    """:data:`SCHEMA` reduced to the one list ``name``."""
    return {**SCHEMA, "required": [name], "properties": {name: SCHEMA["properties"][name]}}


#: The per-layer prompts as sent (``requests=per-layer``), by list name, and their hashes.
LAYER_PROMPTS: dict[str, str] = {name: layer_instructions(name) for name in LISTS}
LAYER_PROMPT_SHAS: dict[str, str] = {
    name: hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] for name, text in LAYER_PROMPTS.items()}


def messages(text: str, prompt: str = PROMPT_TEXT, *, system_role: bool = True) -> list[dict[str, str]]:
    """The chat messages for one document (or chunk) under system prompt ``prompt``.

    ``system_role=False``: the prompt opens the user message instead, for chat templates that drop
    system messages (llama-cpp-python's ``gemma`` format does, silently).
    """
    article = f"Article:\n<<<\n{text}\n>>>"
    if not system_role:
        return [{"role": "user", "content": f"{prompt}\n\n{article}"}]
    return [{"role": "system", "content": prompt}, {"role": "user", "content": article}]


@dataclass(frozen=True, slots=True)
class Grounded:
    """The annotations, how many returned items could not be used, and the strings not found per layer."""

    annotations: Annotations
    dropped: int
    unfound: dict[str, tuple[str, ...]]


def _string(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) and value.strip() else None


E = TypeVar("E", bound=StrEnum)


def _enum(cls: type[E], value: object) -> E | None:
    """``cls(value)`` for a valid string value, else None."""
    if not isinstance(value, str):
        return None
    try:
        return cls(value)
    except ValueError:
        return None


def _number_or_none(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _locate(grounder: Grounder, needle: str, context: str | None) -> Match | None:
    within = None
    if context:
        found = grounder.locate(context)
        if found is not None:
            grounder.used.discard((found.start, found.end))
            within = (found.start, found.end)
    return grounder.locate(needle, within=within)


def _items(reply: dict[str, Any], key: str) -> list[dict[str, Any]]:
    if key not in reply:
        raise ValueError(f"reply has no list {key!r}")
    value = reply[key]
    if not isinstance(value, list):
        raise TypeError(f"reply's {key!r} is not a list")
    return [item for item in value if isinstance(item, dict)]


def check_shape(reply: object, *, truncated: bool = False, lists: tuple[str, ...] = LISTS) -> None:
    """Raise unless ``reply`` is the promised object with ``lists`` (a cut-off reply may lack trailing lists)."""
    if not isinstance(reply, dict):
        raise TypeError("reply is not a JSON object")
    for key in lists:
        if key in reply or not truncated:
            _items(reply, key)


def ground(doc_id: str, text: str, reply: object, *, truncated: bool = False, offset: int = 0,
           lists: tuple[str, ...] = LISTS) -> Grounded:
    """Turn a parsed reply into annotations with offsets; raises if it is not the promised object.

    ``truncated``: the reply was cut off; missing lists count as empty and every record is
    tagged ``truncated``. ``offset`` is added to every span (``text`` is a chunk of a document).
    ``lists``: the lists asked for; any other list in the reply is ignored.
    """
    check_shape(reply, truncated=truncated, lists=lists)
    assert isinstance(reply, dict)
    reply = {key: reply.get(key, []) if key in lists else [] for key in LISTS}
    extra = ("truncated",) if truncated else ()
    unfound: dict[str, list[str]] = {"entities": [], "numbers": [], "attributions": []}
    dropped = 0
    entities: dict[tuple[int, int], Entity] = {}
    grounder = Grounder(text)
    raw_entities = _items(reply, "entities")
    raw_numbers = _items(reply, "numbers")
    raw_attributions = _items(reply, "attributions")
    for item in raw_entities:
        name = _string(item, "text")
        label = _enum(EntityLabel, item.get("label"))
        if name is None or label is None:
            dropped += 1
            continue
        match = _locate(grounder, name, _string(item, "context"))
        if match is None or (match.start, match.end) in entities:
            dropped += 1
            if match is None:
                unfound["entities"].append(name)
            continue
        entities[(match.start, match.end)] = Entity(
            match.start + offset, match.end + offset, label, text=text[match.start : match.end],
            tags=(f"grounding:{match.method}", *extra),
        )
    numbers: dict[tuple[int, int], Number] = {}
    grounder = Grounder(text)
    for item in raw_numbers:
        numeral = _string(item, "text")
        if numeral is None:
            dropped += 1
            continue
        match = _locate(grounder, numeral, _string(item, "context"))
        if match is None or (match.start, match.end) in numbers:
            dropped += 1
            if match is None:
                unfound["numbers"].append(numeral)
            continue
        numbers[(match.start, match.end)] = Number(
            match.start + offset,
            match.end + offset,
            value=_number_or_none(item.get("value")),
            value_max=_number_or_none(item.get("value_max")),
            unit=_string(item, "unit"),
            qualifier=_enum(Qualifier, item.get("qualifier")),
            kind=_enum(NumberKind, item.get("kind")),
            text=text[match.start : match.end],
            tags=(f"grounding:{match.method}", *extra),
        )
    attributions: list[Attribution] = []
    grounder = Grounder(text)
    for item in raw_attributions:
        pieces = item.get("content")
        strings = [p for p in pieces if isinstance(p, str) and p.strip()] if isinstance(pieces, list) else []
        found_pieces = [(p, grounder.locate(p)) for p in strings]
        located = [m for _, m in found_pieces if m is not None]
        if not located or len(located) < len(strings):
            dropped += 1
            unfound["attributions"].extend(p for p, m in found_pieces if m is None)
            continue
        located = sorted({(m.start, m.end): m for m in located}.values(), key=lambda m: m.start)
        if any(a.end > b.start for a, b in pairwise(located)):
            dropped += 1
            continue
        window = sentence_window(text, located[0].start, located[-1].end)
        tags = [f"content:{_worst(m.method for m in located)}"]
        parts: dict[str, Span | None] = {}
        for component in ("source", "cue"):
            wanted = _string(item, component)
            found = grounder.locate(wanted, within=window) if wanted else None
            if found is not None and any(m.start <= found.start < m.end for m in located):
                found = None  # a source or cue inside the content is a grounding slip
            parts[component] = None if found is None else Span(
                found.start + offset, found.end + offset, text[found.start : found.end])
            if found is not None:
                tags.append(f"{component}:{found.method}")
        attributions.append(
            Attribution(
                content=tuple(Span(m.start + offset, m.end + offset, text[m.start : m.end]) for m in located),
                source=parts["source"],
                cue=parts["cue"],
                kind=_enum(QuoteKind, item.get("kind")),
                tags=(*tags, *extra),
            )
        )
    annotations = Annotations(
        doc_id,
        entities=tuple(sorted(entities.values(), key=lambda e: (e.start, e.end))),
        numbers=tuple(sorted(numbers.values(), key=lambda n: (n.start, n.end))),
        attributions=tuple(attributions),
    )
    return Grounded(annotations, dropped, {layer: tuple(strings) for layer, strings in unfound.items()})


def _worst(methods: Iterable[Method]) -> Method:
    order = [Method.EXACT, Method.NORMALISED, Method.FUZZY]
    return max(methods, key=order.index)
