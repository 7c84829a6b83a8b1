"""Phenomenon counts: definitions on hand-built records, and the datasheet table kept current."""

from __future__ import annotations

from bench import gold
from bench.commands.phenomena import END, START, datasheet_tables, with_table
from bench.phenomena import count
from bench.schema import (
    Annotations,
    Attribution,
    Entity,
    EntityLabel,
    GoldDocument,
    Number,
    NumberKind,
    Qualifier,
    QuoteKind,
    Span,
)

TEXT = "“Prices rose,” she said. Zoë paid $1.2 billion, about 450 million euros, or two to three times more."


def _doc() -> GoldDocument:
    def span(needle: str) -> Span:
        start = TEXT.index(needle)
        return Span(start, start + len(needle), needle)

    def number(needle: str, **fields: object) -> Number:
        s = span(needle)
        return Number(s.start, s.end, text=needle, **fields)  # type: ignore[arg-type]

    ann = Annotations(
        "d",
        entities=(Entity(TEXT.index("Zoë"), TEXT.index("Zoë") + 3, EntityLabel.PERSON, text="Zoë"),),
        numbers=(
            number("$1.2 billion", value=1.2e9, unit="dollar", qualifier=Qualifier.EXACT, kind=NumberKind.MONEY),
            number("450 million", value=4.5e8, unit="euro", qualifier=Qualifier.APPROX, kind=NumberKind.MONEY),
            number("two to three", value=2, value_max=3, unit="time", qualifier=Qualifier.RANGE,
                   kind=NumberKind.OTHER),
        ),
        attributions=(
            Attribution(content=(span("“Prices rose,”"),), source=span("she"), cue=span("said"),
                        kind=QuoteKind.DIRECT),
        ),
    )
    return GoldDocument("d", "test", TEXT, "", ann)


def test_counts_follow_the_definitions() -> None:
    tally = count([_doc()])
    expected = {
        "money": 2,
        "money with a scale word (million, bn, m)": 2,
        "approximate (around, nearly)": 1,
        "range (value_max)": 1,
        "numeral in words": 1,
        "direct quote": 1,
        "pronoun source": 1,
        "curly quotation marks": 1,
        "straight quotation marks": 0,
        "cue other than say/said": 0,
        "non-ASCII name": 1,
        "distinct currencies": 2,
    }
    assert {name: tally[("test", name)] for name in expected} == expected


def test_datasheet_table_is_current() -> None:
    sheet = (gold.default_gold() / "DATASHEET.md").read_text("utf-8")
    assert START in sheet and END in sheet
    assert with_table(sheet, datasheet_tables(gold.load_gold())) == sheet, (
        "gold/DATASHEET.md is stale: run `newsbench phenomena --write-datasheet`"
    )
