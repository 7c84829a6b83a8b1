"""The ``rules`` baseline on short texts written for these tests (never on gold documents)."""

from __future__ import annotations

from bench.schema import Annotations, Document, EntityLabel, Layer, NumberKind, Qualifier, QuoteKind
from systems._rules.entities import find_entities
from systems._rules.numbers import find_numbers
from systems._rules.text import quotes, sentences
from systems.rules import RulesSystem

FLOOD = (
    "Floods Hit Riverside Towns\n"
    "Heavy rain flooded the town of Marlow on Tuesday, officials said. More than 300 homes were damaged and "
    "about 1,200 residents left, according to the county council.\n"
    "“We have never seen water this high,” said Mayor Helen Ortiz. She added that repairs could cost up to "
    "$4.5 million.\n"
    "The Environment Agency warned that rivers would stay high for two or three days. Ortiz’s office said "
    "12 schools were closed."
)


def _predict(text: str) -> Annotations:
    return RulesSystem().predict(Document("t", text))


def test_declares_and_fills_all_three_layers() -> None:
    result = _predict(FLOOD)
    assert RulesSystem.layers == frozenset(Layer)
    assert result.attempted() == frozenset(Layer)


def test_entities_are_capitalised_names_without_determiners_titles_or_possessives() -> None:
    found = [(e.text, e.label) for e in _predict(FLOOD).entities or ()]
    assert found == [
        ("Marlow", EntityLabel.GPE),  # "the town of X"; the weekday after it is not part of the name
        ("Helen Ortiz", EntityLabel.PERSON),  # title "Mayor" stripped
        ("Environment Agency", EntityLabel.ORG),  # "The" dropped; "Agency" is an organisation head word
        ("Ortiz", EntityLabel.PERSON),  # possessive ’s cut off
    ]


def test_headline_capitals_count_only_when_prose_confirms_them() -> None:
    # "Floods Hit Riverside Towns" is a title-case line: none of it is a name in the prose.
    assert all(e.start > FLOOD.index("\n") for e in _predict(FLOOD).entities or ())
    text = "Storm Leaves Ashford Without Power In Wales\nPower lines fell across Ashford overnight."
    assert [(e.text, e.label) for e in find_entities(text)] == [
        ("Ashford", EntityLabel.GPE),  # confirmed by the prose, labelled as there
        ("Wales", EntityLabel.GPE),  # a known country
        ("Ashford", EntityLabel.GPE),
    ]


def test_entity_labels_from_general_heuristics() -> None:
    text = (
        "Talks between France and the United Nations ended. Reporters from Norway met President Ana Lopes of "
        "Brazil and the Bank of England near the Danube River, while German Chancellor Olaf Scholz visited NATO "
        "at the Palace Hotel."
    )
    found = {e.text: e.label for e in find_entities(text)}
    assert found == {
        "France": EntityLabel.GPE,
        "United Nations": EntityLabel.ORG,
        "Norway": EntityLabel.GPE,
        "Ana Lopes": EntityLabel.PERSON,
        "Brazil": EntityLabel.GPE,  # "of" splits two names…
        "Bank of England": EntityLabel.ORG,  # …unless a head word comes before it
        "Danube River": EntityLabel.LOC,
        "German": EntityLabel.NORP,
        "Olaf Scholz": EntityLabel.PERSON,
        "NATO": EntityLabel.ORG,
        "Palace Hotel": EntityLabel.FAC,
    }


def test_a_capitalised_common_word_starting_a_sentence_is_not_a_name() -> None:
    assert find_entities("Officials met today. Residents were calm.") == ()


def test_numbers_with_values_ranges_qualifiers_units_and_kinds() -> None:
    found = [(n.text, n.value, n.value_max, n.unit, n.qualifier, n.kind) for n in _predict(FLOOD).numbers or ()]
    assert found == [
        ("300", 300.0, None, "home", Qualifier.LOWER, NumberKind.COUNT),
        ("1,200", 1200.0, None, "resident", Qualifier.APPROX, NumberKind.COUNT),
        ("$4.5 million", 4_500_000.0, None, "dollar", Qualifier.UPPER, NumberKind.MONEY),
        ("two or three", 2.0, 3.0, "day", Qualifier.RANGE, NumberKind.DURATION),
        ("12", 12.0, None, "school", Qualifier.EXACT, NumberKind.COUNT),
    ]


def test_number_words_vague_plurals_ordinals_dates_and_percentages() -> None:
    text = (
        "Thousands of people marched on 4 May 2021, the third protest in twenty-five days. "
        "Prices rose 7.5% and wages 3 per cent; between 40 and 60 buses ran three times a week."
    )
    found = [(n.text, n.value, n.value_max, n.unit, n.qualifier, n.kind) for n in find_numbers(text)]
    assert found == [
        ("Thousands", 1000.0, None, "person", Qualifier.LOWER, NumberKind.COUNT),
        ("4", 4.0, None, "day", Qualifier.EXACT, NumberKind.DATE),
        ("2021", 2021.0, None, "year", Qualifier.EXACT, NumberKind.DATE),
        ("third", 3.0, None, "protest", Qualifier.EXACT, NumberKind.ORDINAL),
        ("twenty-five", 25.0, None, "day", Qualifier.EXACT, NumberKind.DURATION),
        ("7.5%", 7.5, None, "percent", Qualifier.EXACT, NumberKind.PERCENT),
        ("3", 3.0, None, "percent", Qualifier.EXACT, NumberKind.PERCENT),
        ("40 and 60", 40.0, 60.0, "bus", Qualifier.RANGE, NumberKind.COUNT),
        ("three", 3.0, None, "times a week", Qualifier.EXACT, NumberKind.FREQUENCY),
    ]


def test_not_numbers_articles_idioms_times_and_codes() -> None:
    text = "First of all, a week passed. The 10:30 train on route A7 was late; at first nobody knew."
    assert [n.text for n in find_numbers(text)] == []


def test_from_x_to_y_is_a_change_not_a_range() -> None:
    found = [(n.text, n.qualifier) for n in find_numbers("Output grew from 20 to 35 tonnes.")]
    assert found == [("20", Qualifier.EXACT), ("35", Qualifier.EXACT)]


def test_attributions_from_reporting_verbs_quotes_and_according_to() -> None:
    found = [
        (a.source.text if a.source else None, a.cue.text if a.cue else None, [c.text for c in a.content], a.kind)
        for a in _predict(FLOOD).attributions or ()
    ]
    assert found == [
        ("officials", "said", ["Heavy rain flooded the town of Marlow on Tuesday"], QuoteKind.INDIRECT),
        ("the county council", "according to", ["More than 300 homes were damaged and about 1,200 residents left"],
         QuoteKind.INDIRECT),
        ("Helen Ortiz", "said", ["“We have never seen water this high,”"], QuoteKind.DIRECT),
        ("She", "added", ["repairs could cost up to $4.5 million"], QuoteKind.INDIRECT),
        ("Environment Agency", "warned", ["rivers would stay high for two or three days"], QuoteKind.INDIRECT),
        ("Ortiz’s office", "said", ["12 schools were closed"], QuoteKind.INDIRECT),
    ]


def test_interrupted_quotes_mixed_content_and_cues_with_auxiliaries() -> None:
    text = (
        "“The vote is over,” the chairman said, “and we accept it.” "
        "The union has said the offer was “frankly insulting” to staff. "
        "Rain fell all day."
    )
    found = [
        (a.source.text if a.source else None, a.cue.text if a.cue else None, [c.text for c in a.content], a.kind)
        for a in _predict(text).attributions or ()
    ]
    assert found == [
        ("the chairman", "said", ["“The vote is over,”", "“and we accept it.”"], QuoteKind.DIRECT),
        ("The union", "has said", ["the offer was “frankly insulting” to staff"], QuoteKind.MIXED),
    ]


def test_a_quote_without_a_cue_is_not_an_attribution() -> None:
    assert _predict("“Nothing will change.” The hall emptied slowly.").attributions == ()


def test_sentences_never_split_inside_a_quotation() -> None:
    text = "“It rained. Then it poured,” she said. Next came snow."
    found = quotes(text)
    assert [text[q.start : q.end] for q in found] == ["“It rained. Then it poured,”"]
    assert [text[s.start : s.end] for s in sentences(text, found)] == [
        "“It rained. Then it poured,” she said.",
        "Next came snow.",
    ]


def test_offsets_always_match_the_text() -> None:
    result = _predict(FLOOD)
    for entity in result.entities or ():
        assert FLOOD[entity.start : entity.end] == entity.text
    for number in result.numbers or ():
        assert FLOOD[number.start : number.end] == number.text
    for attribution in result.attributions or ():
        for span in [*attribution.content, attribution.source, attribution.cue]:
            if span is not None:
                assert FLOOD[span.start : span.end] == span.text
