"""Grounding model strings to offsets: exact, then normalised, then fuzzy; windows pick occurrences."""

from __future__ import annotations

from systems._llm.grounding import Grounder, Method, normalise

TEXT = "The minister said: “We’re ready.”\nPrices rose in Paris.  Paris  is   calm."


def _found(grounder: Grounder, needle: str, **kwargs: object) -> tuple[str, Method] | None:
    match = grounder.locate(needle, **kwargs)  # type: ignore[arg-type]
    return None if match is None else (TEXT[match.start : match.end], match.method)


def test_exact_first_and_repeated_mentions_take_successive_occurrences() -> None:
    grounder = Grounder(TEXT)
    assert _found(grounder, "Paris") == ("Paris", Method.EXACT)
    second = grounder.locate("Paris")
    assert second is not None and second.start == TEXT.rindex("Paris")


def test_normalised_matching_folds_case_space_quotes_and_maps_back_to_original_offsets() -> None:
    grounder = Grounder(TEXT)
    assert _found(grounder, "We're ready") == ("We’re ready", Method.NORMALISED)
    assert _found(grounder, '"We\'re ready."') == ("“We’re ready.”", Method.NORMALISED)
    assert _found(grounder, "paris is calm") == ("Paris  is   calm", Method.NORMALISED)


def test_fuzzy_matching_tolerates_small_slips_and_snaps_to_words() -> None:
    grounder = Grounder(TEXT)
    assert _found(grounder, "Prices roze in Paris") == ("Prices rose in Paris", Method.FUZZY)
    assert _found(grounder, "completely different words") is None


def test_a_window_prefers_the_occurrence_inside_it() -> None:
    grounder = Grounder(TEXT)
    second = TEXT.rindex("Paris")
    match = grounder.locate("Paris", within=(second - 2, second + 10))
    assert match is not None and match.start == second


def test_normalise_keeps_an_index_back_to_the_original() -> None:
    folded, index = normalise("A  “B”\n")
    assert folded == 'a "b" '
    assert index == [0, 1, 3, 4, 5, 6]


def test_fuzzy_grounding_never_joins_two_paragraphs() -> None:
    text = "The council met on Monday.\n\nIt voted to close the bridge."
    grounder = Grounder(text)
    # one edit away from the text, but only across the blank line
    assert grounder.locate("met on Mondy. It voted") is None
    found = grounder.locate("It votd to close the bridge")
    assert found is not None and (text[found.start : found.end], found.method) == ("It voted to close the bridge", Method.FUZZY)
