"""Errors in words and in context, as the reports print them."""

from __future__ import annotations

from bench.formatting import DASH, pct
from bench.report.describe import Category, category, context, describe, shorten, with_interval
from bench.report.model import BenchResult
from bench.schema import Layer
from bench.score.items import Outcome, ScoredItem
from bench.stats import Interval


def find(result: BenchResult, system: str, doc_id: str, layer: Layer, outcome: Outcome) -> ScoredItem:
    (item,) = [i for i in result.system(system).items
               if i.doc_id == doc_id and i.layer is layer and outcome in i.outcomes]
    return item


def test_a_missed_entity_names_its_label_and_quotes_its_context(result: BenchResult) -> None:
    item = find(result, "alpha", "d0", Layer.ENTITIES, Outcome.MISSED)
    text = result.text("d0")
    assert describe(item, text) == 'missed GPE "Homs"'
    assert context(item, text) == "…causing heavy losses in Raqqa and Homs provinces, the ministry said on…"


def test_a_wrong_qualifier_says_what_was_predicted_and_what_gold_says(result: BenchResult) -> None:
    item = find(result, "alpha", "d0", Layer.NUMBERS, Outcome.WRONG_QUALIFIER)
    assert describe(item, result.text("d0")) == 'number "20": qualifier exact, gold approx'


def test_every_number_difference_is_listed(result: BenchResult) -> None:
    text = result.text("d1")
    value = find(result, "alpha", "d1", Layer.NUMBERS, Outcome.WRONG_VALUE)
    assert describe(value, text) == 'number "$1.2 billion": value 1,200,000, gold 1,200,000,000'
    boundary = find(result, "alpha", "d1", Layer.NUMBERS, Outcome.WRONG_BOUNDARY)
    assert describe(boundary, text) == 'number "12 percent": span "12", gold "12 percent"'
    unit = find(result, "alpha", "d5", Layer.NUMBERS, Outcome.WRONG_UNIT)
    assert describe(unit, result.text("d5")) == 'number "seven months": unit year, gold month'


def test_entity_type_and_boundary_errors(result: BenchResult) -> None:
    text = result.text("d1")
    items = [i for i in result.system("alpha").errors if i.doc_id == "d1" and i.layer is Layer.ENTITIES]
    assert sorted(describe(i, text) for i in items) == [
        '"Acme Corp": span "Acme", gold "Acme Corp"',
        '"Acme Corp": type GPE, gold ORG',
    ]


def test_attribution_errors_name_the_component(result: BenchResult) -> None:
    source = find(result, "alpha", "d2", Layer.ATTRIBUTIONS, Outcome.WRONG_SOURCE)
    assert describe(source, result.text("d2")) == \
        'attribution with cue "according to": source "The court", gold "Le Monde"'
    missed = find(result, "alpha", "d4", Layer.ATTRIBUTIONS, Outcome.MISSED)
    assert describe(missed, result.text("d4")) == (
        'missed source "police", cue "reported", content "Officials in Paris said 12 people were hurt", indirect')
    # the context of an attribution is anchored on its cue and source, not its whole content
    assert context(missed, result.text("d4")) == \
        "…Paris said 12 people were hurt, police reported. Dozens of buses stopped in Île-de-France."


def test_spurious_items_describe_the_prediction(result: BenchResult) -> None:
    items = [i for i in result.system("alpha").errors if i.outcomes == (Outcome.SPURIOUS,) and i.doc_id == "d3"]
    assert [describe(i, result.text("d3")) for i in items] == ['spurious ORG "script"']


def test_categories_group_outcomes_into_colours() -> None:
    assert category((Outcome.MATCH,)) is Category.MATCH
    assert category((Outcome.WRONG_BOUNDARY, Outcome.WRONG_TYPE)) is Category.BOUNDARY
    assert category((Outcome.WRONG_QUALIFIER,)) is Category.VALUE
    assert category((Outcome.CONTENT_BOUNDARY,)) is Category.BOUNDARY
    assert category((Outcome.WRONG_CUE,)) is Category.COMPONENT
    assert {category((o,)) for o in Outcome} == set(Category)


def test_number_formatting() -> None:
    assert pct(0.71) == "71.0" and pct(None) == "n/a"
    assert with_interval(Interval(0.5, 0.4, 0.61, 10)) == "50.0 [40.0–61.0]"
    assert with_interval(Interval(0.5, None, None, 3, note="few")) == "50.0"
    assert with_interval(None) == DASH
    assert with_interval(Interval(None, None, None, 10, note="not applicable")) == "n/a"
    assert shorten("a " * 100, 21) == "a a a a a…a a a a a"
    assert shorten("short\n text") == "short text"
