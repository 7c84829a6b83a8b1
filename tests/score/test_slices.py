"""Phenomenon slices (bench.score.slices): each expected figure is counted by hand in the test."""

from __future__ import annotations

import pytest

from bench.schema import (
    Annotations,
    Attribution,
    Entity,
    EntityLabel,
    GoldDocument,
    Number,
    NumberKind,
    QuoteKind,
    Span,
)
from bench.score import score_corpus
from bench.score.slices import MIN_ITEMS, TOO_FEW_ITEMS, Slice, phenomenon_slices

NUMBERS_TEXT = "It cost $5 million, then seven, then 30%, then one."
ENTITIES_TEXT = "Mr Smith met the UN in Zürich."
QUOTES_TEXT = 'Ali said "we won". Officials reported that the war ended.'


def at(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def span(text: str, part: str, *, with_text: bool = False) -> Span:
    return Span(*at(text, part), part if with_text else None)


def number(text: str, part: str, **fields: object) -> Number:
    return Number(*at(text, part), text=part, **fields)  # type: ignore[arg-type]


def pred_number(text: str, part: str, **fields: object) -> Number:
    return Number(*at(text, part), **fields)  # type: ignore[arg-type]  # predictions carry no text


def entity(text: str, part: str, label: EntityLabel, *tags: str) -> Entity:
    return Entity(*at(text, part), label, text=part, tags=tags)


def attribution(text: str, source: str, cue: str, content: str, kind: QuoteKind, *tags: str,
                gold: bool = False) -> Attribution:
    """Gold spans carry their text (as validated gold does); predicted ones do not."""
    return Attribution((span(text, content, with_text=gold),), span(text, source, with_text=gold),
                       span(text, cue, with_text=gold), kind, tags=tags)


def gold_doc(doc_id: str, text: str, **layers: object) -> GoldDocument:
    return GoldDocument(doc_id, "test", text, "", Annotations(doc_id, **layers))  # type: ignore[arg-type]


def tiny_corpus() -> tuple[list[GoldDocument], dict[str, Annotations]]:
    t = NUMBERS_TEXT
    gold_numbers = (
        number(t, "$5 million", value=5e6, unit="dollar", kind=NumberKind.MONEY),
        number(t, "seven", value=7.0),
        number(t, "30%", value=30.0, unit="percent", kind=NumberKind.PERCENT),
        number(t, "one", value=1.0, tags=("in_words",)),
    )
    pred_numbers = (
        pred_number(t, "$5 million", value=5e6, unit="dollar", kind=NumberKind.MONEY),  # value 1, full 1
        pred_number(t, "seven", value=8.0),  # wrong value: 0, 0
        pred_number(t, "30%", value=30.0, kind=NumberKind.PERCENT),  # value 1, full 0 (no unit)
        pred_number(t, "one", value=1.0),  # 1, 1
        pred_number(t, "cost", value=1.0),  # spurious, a "numeral in words" to precision
    )
    e = ENTITIES_TEXT
    gold_entities = (
        entity(e, "Smith", EntityLabel.PERSON, "title_stripped"),
        entity(e, "UN", EntityLabel.ORG, "acronym"),
        entity(e, "Zürich", EntityLabel.GPE),
    )
    pred_entities = (
        Entity(*at(e, "Mr Smith"), EntityLabel.PERSON),  # overlap: strict 0, partial 0.5
        Entity(*at(e, "UN"), EntityLabel.GPE),  # wrong type: strict 0, partial 1
        Entity(*at(e, "Zürich"), EntityLabel.GPE),  # 1, 1
    )
    q = QUOTES_TEXT
    gold_quotes = (
        attribution(q, "Ali", "said", '"we won"', QuoteKind.DIRECT, gold=True),
        attribution(q, "Officials", "reported", "the war ended", QuoteKind.INDIRECT, "np_source", gold=True),
    )
    pred_quotes = (
        attribution(q, "Ali", "said", '"we won"', QuoteKind.DIRECT),  # strict 1, lenient 1
        attribution(q, "Officials", "reported", "war ended", QuoteKind.INDIRECT),  # strict 0, lenient 1
    )
    gold = [gold_doc("n", t, numbers=gold_numbers), gold_doc("e", e, entities=gold_entities),
            gold_doc("q", q, attributions=gold_quotes)]
    preds = {"n": Annotations("n", numbers=pred_numbers), "e": Annotations("e", entities=pred_entities),
             "q": Annotations("q", attributions=pred_quotes)}
    return gold, preds


@pytest.fixture(scope="module")
def slices() -> dict[str, Slice]:
    gold, preds = tiny_corpus()
    return {s.name: s for s in phenomenon_slices(score_corpus(gold, preds, system="s"))}


def figures(s: Slice, *, precision: bool = True) -> tuple[object, ...]:
    recall = tuple(s.recall[m].value for m in (s.main, s.secondary))
    if not precision:
        return (s.gold, *recall)
    return (s.gold, *recall, s.predicted, *(s.precision[m].value for m in (s.main, s.secondary)))


def test_numeral_in_words_recall_and_precision_by_hand(slices: dict[str, Slice]) -> None:
    # gold "seven" (0, 0) and "one" (1, 1); predicted without a digit: "seven" 0, "one" 1, "cost" 0
    assert figures(slices["numeral in words"]) == (2, 0.5, 0.5, 3, 1 / 3, 1 / 3)


def test_money_and_percentage_by_hand(slices: dict[str, Slice]) -> None:
    assert figures(slices["money"]) == (1, 1.0, 1.0, 1, 1.0, 1.0)
    assert figures(slices["percentage"]) == (1, 1.0, 0.0, 1, 1.0, 0.0)  # the unit is missing: full 0


def test_phenomenon_no_gold_item_has_is_not_applicable(slices: dict[str, Slice]) -> None:
    ranges = slices["range (value_max)"]
    assert ranges.gold == 0 and ranges.recall["value"].value is None
    assert ranges.predicted == 0 and ranges.precision["value"].value is None


def test_gap_is_slice_recall_minus_overall_main_recall(slices: dict[str, Slice]) -> None:
    # overall value recall: 3 of the 4 gold numbers
    assert slices["numeral in words"].overall_recall == 0.75
    assert slices["numeral in words"].gap == pytest.approx(0.5 - 0.75)


def test_a_gold_tag_no_phenomenon_reads_is_its_own_recall_only_slice(slices: dict[str, Slice]) -> None:
    tag = slices["tag: in_words"]
    assert (tag.layer.value, tag.recall_only, tag.predicted, tag.precision) == ("numbers", True, None, {})
    assert figures(tag, precision=False) == (1, 1.0, 1.0)
    assert "tag: acronym" not in slices  # read by the "acronym" phenomenon


def test_entity_tags_are_recall_only_strict_and_partial_by_hand(slices: dict[str, Slice]) -> None:
    assert slices["title stripped before a name"].recall_only
    assert figures(slices["title stripped before a name"], precision=False) == (1, 0.0, 0.5)  # "Mr Smith"
    assert figures(slices["acronym"], precision=False) == (1, 0.0, 1.0)  # UN as GPE: exact span, wrong type


def test_non_ascii_name_has_precision_from_the_predicted_text(slices: dict[str, Slice]) -> None:
    assert figures(slices["non-ASCII name"]) == (1, 1.0, 1.0, 1, 1.0, 1.0)


def test_attribution_slices_strict_and_lenient_by_hand(slices: dict[str, Slice]) -> None:
    assert figures(slices["direct quote"]) == (1, 1.0, 1.0, 1, 1.0, 1.0)
    assert figures(slices["indirect (reported speech)"]) == (1, 0.0, 1.0, 1, 0.0, 1.0)  # content "war ended"
    assert figures(slices["straight quotation marks"]) == (1, 1.0, 1.0, 1, 1.0, 1.0)
    assert figures(slices["cue other than say/said"]) == (1, 0.0, 1.0, 1, 0.0, 1.0)
    assert slices["noun-phrase source (the ministry)"].recall_only
    assert figures(slices["noun-phrase source (the ministry)"], precision=False) == (1, 0.0, 1.0)


def test_fewer_than_five_items_give_the_count_and_no_interval(slices: dict[str, Slice]) -> None:
    for s in slices.values():
        for interval in [*s.recall.values(), *s.precision.values()]:
            assert interval.low is None and interval.high is None
    words = slices["numeral in words"].recall["value"]
    assert words.note == TOO_FEW_ITEMS and words.value == 0.5


def money_corpus(found: list[bool]) -> tuple[list[GoldDocument], dict[str, Annotations]]:
    """One document per entry, each with one gold money amount, predicted right (True) or with a wrong value."""
    text = "It cost $5 million."
    gold, preds = [], {}
    for i, right in enumerate(found):
        doc_id = f"d{i}"
        gold.append(gold_doc(doc_id, text, numbers=(number(text, "$5 million", value=5e6, unit="dollar",
                                                           kind=NumberKind.MONEY),)))
        preds[doc_id] = Annotations(doc_id, numbers=(pred_number(text, "$5 million", value=5e6 if right else 1.0,
                                                                 unit="dollar", kind=NumberKind.MONEY),))
    return gold, preds


def test_five_gold_items_or_more_give_an_interval_around_the_point() -> None:
    gold, preds = money_corpus([True, True, False, True, False, True, True])
    money = {s.name: s for s in phenomenon_slices(score_corpus(gold, preds, system="s"))}["money"]
    assert money.gold == 7 >= MIN_ITEMS
    for interval in [*money.recall.values(), *money.precision.values()]:
        assert interval.low is not None and interval.high is not None
        assert interval.low <= interval.value == 5 / 7 <= interval.high
        assert interval.low < interval.high  # documents differ, so resamples do


def test_four_gold_items_give_no_interval() -> None:
    gold, preds = money_corpus([True, False, True, True])
    money = {s.name: s for s in phenomenon_slices(score_corpus(gold, preds, system="s"))}["money"]
    assert money.gold == 4 and money.recall["value"].value == 0.75
    assert money.recall["value"].low is None and money.recall["value"].note == TOO_FEW_ITEMS


def test_overall_main_recall_equals_the_scorer_recall() -> None:
    gold, preds = tiny_corpus()
    score = score_corpus(gold, preds, system="s")
    data = score.to_dict()
    by_layer = {s.layer.value: s.overall_recall for s in phenomenon_slices(score)}
    assert by_layer == {"entities": data["entities"]["strict"]["recall"], "numbers": data["numbers"]["value"]["recall"],
                        "attributions": data["attributions"]["strict"]["recall"]}


def test_a_layer_not_attempted_has_no_slices() -> None:
    gold, preds = tiny_corpus()
    only_numbers = {d: Annotations(d, numbers=p.numbers) for d, p in preds.items() if p.numbers is not None}
    layers = {s.layer.value for s in phenomenon_slices(score_corpus(gold, only_numbers, system="s"))}
    assert layers == {"numbers"}


def test_a_tag_marking_exactly_a_phenomenons_gold_items_is_not_repeated() -> None:
    text = "It cost seven, then one."
    gold = [gold_doc("n", text, numbers=(number(text, "seven", value=7.0, tags=("in_words",)),
                                         number(text, "one", value=1.0, tags=("in_words",))))]
    names = [s.name for s in phenomenon_slices(score_corpus(gold, {"n": Annotations("n", numbers=())}, system="s"))]
    assert "numeral in words" in names and "tag: in_words" not in names
