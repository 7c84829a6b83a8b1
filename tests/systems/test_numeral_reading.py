"""Numeral reading shared by the rules and spacy systems (systems/_numbers.py)."""

from __future__ import annotations

import pytest

from bench.schema import Qualifier
from systems._numbers import parse_value, qualifier_before, singular


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7", 7.0),
        ("1,250", 1250.0),
        ("12,000,000", 12e6),
        ("3.75", 3.75),
        ("$1.2 billion", 1.2e9),
        ("€40m", 40e6),
        ("5bn", 5e9),
        ("2 million", 2e6),
        ("45%", 45.0),
        ("twenty-five", 25.0),
        ("one hundred and five", 105.0),
        ("three thousand two hundred", 3200.0),
        ("a dozen", 12.0),
        ("two dozen", 24.0),
        ("dozens", 24.0),  # vague plurals take the spec's lower bounds
        ("scores", 40.0),
        ("hundreds", 100.0),
        ("thousands", 1000.0),
        ("millions", 1e6),
        ("third", 3.0),
        ("twenty-first", 21.0),
        ("42nd", 42.0),
        ("two thirds", 2 / 3),
        ("one quarter", 0.25),
        ("½", 0.5),
        ("3/4", 0.75),
    ],
)
def test_values(text: str, value: float) -> None:
    assert parse_value(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["people", "a", "and", "", "12 apples", "one of"])
def test_not_numerals(text: str) -> None:
    assert parse_value(text) is None


@pytest.mark.parametrize(
    ("text", "qualifier", "phrase"),
    [
        ("killed more than 200", Qualifier.LOWER, "more than"),
        ("at least 3", Qualifier.LOWER, "at least"),
        ("Up to 40", Qualifier.UPPER, "Up to"),
        ("fewer than 9", Qualifier.UPPER, "fewer than"),
        ("an estimated 125", Qualifier.APPROX, "an estimated"),
        ("around 20", Qualifier.APPROX, "around"),
        ("nearly 5", Qualifier.APPROX, "nearly"),
        ("exactly 5", None, ""),
        ("the 5", None, ""),
    ],
)
def test_qualifier_phrase_right_before_the_numeral(text: str, qualifier: Qualifier | None, phrase: str) -> None:
    start = len(text) - len(text.split()[-1])
    found, begins = qualifier_before(text, start)
    assert found is qualifier
    assert text[begins:start].strip() == phrase


@pytest.mark.parametrize(
    ("plural", "lemma"),
    [("people", "person"), ("children", "child"), ("cities", "city"), ("boxes", "box"), ("churches", "church"),
     ("houses", "house"), ("buses", "bus"), ("tonnes", "tonne"), ("ATMs", "ATM"), ("NGOs", "NGO"), ("news", "news"),
     ("species", "species"), ("glass", "glass"), ("year", "year"), ("Years", "year")],
)
def test_singular_lemmas(plural: str, lemma: str) -> None:
    assert singular(plural) == lemma
