"""Count the phenomena that make extraction hard, per split (pure).

Each phenomenon is a named predicate over one annotation. Most are derived from
the annotation's fields (qualifier, kind, parent, content spans, text); the few
that the fields cannot show (e.g. an organisation named after a place) come from
the annotator's ``tags`` (see gold/GUIDELINES.md). The datasheet's phenomenon
table is generated from :func:`table_markdown` and a test keeps it current.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bench.schema import Attribution, Entity, GoldDocument, Layer, Number, NumberKind, Qualifier, QuoteKind

_SCALE = re.compile(r"(?i)\b(thousand|million|billion|trillion|bn|m|k)\b|\d(bn|m|k)\b")
_PRONOUNS = frozenset(["he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "this", "that", "these", "those"])
_SAY = frozenset(["say", "says", "said", "saying"])
_CURRENCY_UNITS = ("dollar", "euro", "pound", "yen", "yuan", "franc", "rupee", "rouble", "ruble", "won", "real",
                   "peso", "krona", "krone", "lira", "rand", "dinar", "riyal", "dirham", "zloty", "shekel", "naira")


def _currency(n: Number) -> str | None:
    unit = (n.unit or "").lower()
    return next((c for c in _CURRENCY_UNITS if c in unit), None)


def _quote_marks(a: Attribution, marks: str) -> bool:
    return a.kind is not QuoteKind.INDIRECT and any((s.text or "")[:1] in marks for s in a.content)


@dataclass(frozen=True, slots=True)
class Phenomenon:
    """A named test over annotations of one layer.

    ``tag``: the annotator's tag the test reads (``None``: derived from the record's fields, so
    it is defined on predictions too, which carry no tags).
    """

    name: str
    layer: Layer
    test: Callable[[object], bool]
    tag: str | None = None


def _n(test: Callable[[Number], bool]) -> Callable[[object], bool]:
    return lambda record: isinstance(record, Number) and test(record)


def _a(test: Callable[[Attribution], bool]) -> Callable[[object], bool]:
    return lambda record: isinstance(record, Attribution) and test(record)


def _e(test: Callable[[Entity], bool]) -> Callable[[object], bool]:
    return lambda record: isinstance(record, Entity) and test(record)


def has_tag(name: str) -> Callable[[object], bool]:
    """A test: the record carries the annotator's tag ``name`` (only gold records have tags)."""
    return lambda record: name in getattr(record, "tags", ())


def _tagged(name: str, layer: Layer, tag: str) -> Phenomenon:
    """A phenomenon read from the annotator's ``tag`` (gold only)."""
    return Phenomenon(name, layer, has_tag(tag), tag=tag)


PHENOMENA: tuple[Phenomenon, ...] = (
    Phenomenon("money", Layer.NUMBERS, _n(lambda n: n.kind is NumberKind.MONEY)),
    Phenomenon("money with a scale word (million, bn, m)", Layer.NUMBERS,
               _n(lambda n: n.kind is NumberKind.MONEY and bool(_SCALE.search(n.text or "")))),
    Phenomenon("percentage", Layer.NUMBERS, _n(lambda n: n.kind is NumberKind.PERCENT)),
    Phenomenon("percentage points", Layer.NUMBERS,
               _n(lambda n: "percentage point" in (n.unit or "") or "percentage_point" in n.tags)),
    Phenomenon("range (value_max)", Layer.NUMBERS, _n(lambda n: n.qualifier is Qualifier.RANGE)),
    Phenomenon("approximate (around, nearly)", Layer.NUMBERS, _n(lambda n: n.qualifier is Qualifier.APPROX)),
    Phenomenon("bounded (more than, up to)", Layer.NUMBERS,
               _n(lambda n: n.qualifier in (Qualifier.LOWER, Qualifier.UPPER) and "vague" not in n.tags)),
    _tagged("vague quantity (dozens, thousands)", Layer.NUMBERS, "vague"),
    Phenomenon("numeral in words", Layer.NUMBERS, _n(lambda n: not any(c.isdigit() for c in n.text or ""))),
    Phenomenon("ordinal", Layer.NUMBERS, _n(lambda n: n.kind is NumberKind.ORDINAL)),
    Phenomenon("date", Layer.NUMBERS, _n(lambda n: n.kind is NumberKind.DATE)),
    Phenomenon("duration", Layer.NUMBERS, _n(lambda n: n.kind is NumberKind.DURATION)),
    Phenomenon("direct quote", Layer.ATTRIBUTIONS, _a(lambda a: a.kind is QuoteKind.DIRECT)),
    Phenomenon("indirect (reported speech)", Layer.ATTRIBUTIONS, _a(lambda a: a.kind is QuoteKind.INDIRECT)),
    Phenomenon("mixed quote", Layer.ATTRIBUTIONS, _a(lambda a: a.kind is QuoteKind.MIXED)),
    Phenomenon("nested reporting (has parent)", Layer.ATTRIBUTIONS, _a(lambda a: a.parent is not None)),
    Phenomenon("interrupted quote (2+ content spans)", Layer.ATTRIBUTIONS, _a(lambda a: len(a.content) > 1)),
    Phenomenon("no stated source", Layer.ATTRIBUTIONS, _a(lambda a: a.source is None)),
    Phenomenon("pronoun source", Layer.ATTRIBUTIONS,
               _a(lambda a: a.source is not None and (a.source.text or "").lower() in _PRONOUNS)),
    _tagged("noun-phrase source (the ministry)", Layer.ATTRIBUTIONS, "np_source"),
    Phenomenon("cue other than say/said", Layer.ATTRIBUTIONS,
               _a(lambda a: a.cue is None or not (_SAY & set((a.cue.text or "").lower().split())))),
    Phenomenon("curly quotation marks", Layer.ATTRIBUTIONS, _a(lambda a: _quote_marks(a, "“‘"))),
    Phenomenon("straight quotation marks", Layer.ATTRIBUTIONS, _a(lambda a: _quote_marks(a, "\"'"))),
    _tagged("title stripped before a name", Layer.ENTITIES, "title_stripped"),
    _tagged("acronym", Layer.ENTITIES, "acronym"),
    Phenomenon("non-ASCII name", Layer.ENTITIES, _e(lambda e: any(ord(c) > 127 for c in e.text or ""))),
    _tagged("organisation named after a place", Layer.ENTITIES, "org_named_after_place"),
    _tagged("person named after a place", Layer.ENTITIES, "person_named_after_place"),
    _tagged("name nested in a longer name", Layer.ENTITIES, "nested_name"),
)


def count(documents: Iterable[GoldDocument]) -> Counter[tuple[str, str]]:
    """``(split, phenomenon name) → number of annotations showing it``.

    Also counts ``(split, "currencies")``: distinct currencies among money amounts.
    """
    out: Counter[tuple[str, str]] = Counter()
    currencies: dict[str, set[str]] = {}
    for doc in documents:
        for phenomenon in PHENOMENA:
            for record in doc.annotations.layer(phenomenon.layer) or ():
                if phenomenon.test(record):
                    out[(doc.split, phenomenon.name)] += 1
        for number in doc.annotations.numbers or ():
            currency = _currency(number) if number.kind is NumberKind.MONEY else None
            if currency:
                currencies.setdefault(doc.split, set()).add(currency)
    for split, names in currencies.items():
        out[(split, "distinct currencies")] = len(names)
    return out


def table_markdown(documents: Iterable[GoldDocument]) -> str:
    """The datasheet's phenomenon table: one row per phenomenon, one column per split."""
    docs = list(documents)
    tally = count(docs)
    splits = sorted({d.split for d in docs})
    lines = ["| layer | phenomenon | " + " | ".join(splits) + " | total |",
             "|---|---|" + "---:|" * (len(splits) + 1)]
    rows = [(p.layer.value, p.name) for p in PHENOMENA] + [("numbers", "distinct currencies")]
    for layer, name in rows:
        values = [tally[(split, name)] for split in splits]
        total = sum(values) if name != "distinct currencies" else len(
            {c for d in docs for n in d.annotations.numbers or () if n.kind is NumberKind.MONEY
             for c in [_currency(n)] if c})
        lines.append(f"| {layer} | {name} | " + " | ".join(map(str, values)) + f" | {total} |")
    return "\n".join(lines) + "\n"
