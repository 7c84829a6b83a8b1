"""Attribution scoring, hand-computed: relations, components, resolved source, kinds, errors."""

from __future__ import annotations

import pytest

from bench.schema import Attribution, QuoteKind, Span
from bench.score.attribution_match import normalise_name
from bench.score.attributions import score_attributions
from bench.score.counts import MatchCounts, OverlapCounts
from bench.score.items import Outcome

TEXT = (
    'The Interior Ministry said troops shelled Homs. "We lost 12 men," the ministry added. '
    "Police reported that roads were closed. Witnesses said the army left. Rebels denied it."
)


def at(needle: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(needle, start + 1)
    return Span(start, start + len(needle))


def attribution(source: Span | None, cue: Span | None, *content: Span, kind: QuoteKind | None = None,
                entity: str | None = None) -> Attribution:
    return Attribution(content=content, source=source, cue=cue, kind=kind, source_entity=entity)


DIRECT, INDIRECT = QuoteKind.DIRECT, QuoteKind.INDIRECT

GOLD = [
    attribution(at("The Interior Ministry"), at("said"), at("troops shelled Homs"), kind=INDIRECT, entity="Interior Ministry"),
    attribution(at("the ministry"), at("added"), at('"We lost 12 men,"'), kind=DIRECT, entity="Interior Ministry"),
    attribution(at("Police"), at("reported"), at("roads were closed"), kind=INDIRECT),
    attribution(at("Witnesses"), at("said", 1), at("the army left"), kind=INDIRECT),
    attribution(at("Rebels"), at("denied"), at("it", 1), kind=INDIRECT),
]
# Tokens: words, and each punctuation mark on its own.
#   pred                                                       aligned to  strict lenient  outcomes
# P1 identical to G1                                             G1          ✓      ✓        match
# P2 "Interior Ministry" / added / We lost 12 men (4 of 7 tok.)  G2          ✗      ✗        source_resolved, content_boundary
# P3 Police / "reported that" / "that roads were closed"         G3          ✗      ✓        wrong_cue, content_boundary
# P4 troops / shelled / Homs  (loses G1 to the identical P1)     —                           spurious
# P5 "the army" / said / the army left                           G4          ✗      ✗        wrong_source
# G5 Rebels denied it                                            —                           missed
PRED = [
    GOLD[0],
    attribution(at("Interior Ministry"), at("added"), at("We lost 12 men"), kind=DIRECT),
    attribution(at("Police"), at("reported that"), at("that roads were closed")),
    attribution(at("troops"), at("shelled"), at("Homs")),
    attribution(at("the army"), at("said", 1), at("the army left"), kind=INDIRECT),
]


@pytest.fixture(scope="module")
def scored():  # type: ignore[no-untyped-def]
    return score_attributions(GOLD, PRED, text=TEXT)


def test_relation_scores(scored) -> None:  # type: ignore[no-untyped-def]
    assert scored.counts.relation.strict == MatchCounts(correct=1, predicted=5, gold=5)
    assert scored.counts.relation.lenient == MatchCounts(correct=2, predicted=5, gold=5)


@pytest.mark.parametrize(
    ("component", "exact", "overlap"),
    [
        # content tokens: gold 3+7+3+3+1 = 17; predicted 3+4+4+1+3 = 15; shared 3+4+3+3 = 13
        ("content", MatchCounts(2, 5, 5), OverlapCounts(13, 15, 17)),
        # source tokens: gold 3+2+1+1+1 = 8; predicted 3+2+1+1+2 = 9; shared 3+0+1+0 = 4
        ("source", MatchCounts(2, 5, 5), OverlapCounts(4, 9, 8)),
        # cue tokens: gold 5 × 1; predicted 1+1+2+1+1 = 6; shared 4
        ("cue", MatchCounts(3, 5, 5), OverlapCounts(4, 6, 5)),
    ],
)
def test_component_exact_and_token_overlap(scored, component: str, exact: MatchCounts, overlap: OverlapCounts) -> None:  # type: ignore[no-untyped-def]
    counts = getattr(scored.counts, component)
    assert counts.exact == exact
    assert counts.overlap == overlap


def test_overlap_precision_divides_by_predicted_tokens_and_recall_by_gold_tokens(scored) -> None:  # type: ignore[no-untyped-def]
    prf = scored.counts.content.overlap.prf()
    assert (prf.precision, prf.recall) == (13 / 15, 13 / 17)


def test_resolved_source_credits_a_span_naming_the_gold_entity(scored) -> None:  # type: ignore[no-untyped-def]
    # P1 and P3 identical; P2 "Interior Ministry" names G2's source entity though the gold span is "the ministry".
    assert scored.counts.resolved_source == MatchCounts(correct=3, predicted=5, gold=5)


def test_by_kind_counts_pairs_under_the_gold_kind(scored) -> None:  # type: ignore[no-untyped-def]
    kinds = scored.counts.by_kind
    assert kinds.indirect.strict == MatchCounts(correct=1, predicted=3, gold=4)
    assert kinds.indirect.lenient == MatchCounts(correct=2, predicted=3, gold=4)
    assert kinds.direct.strict == MatchCounts(correct=0, predicted=1, gold=1)
    assert kinds.unspecified.strict == MatchCounts(correct=0, predicted=1, gold=0)  # spurious P4 has no kind
    assert kinds.mixed.strict == MatchCounts()


def test_error_counts_and_items(scored) -> None:  # type: ignore[no-untyped-def]
    assert dict(scored.counts.errors) == {
        Outcome.MISSED: 1,
        Outcome.SPURIOUS: 1,
        Outcome.SOURCE_RESOLVED: 1,
        Outcome.WRONG_SOURCE: 1,
        Outcome.WRONG_CUE: 1,
        Outcome.CONTENT_BOUNDARY: 2,
    }
    outcomes = {(item.gold_index, item.pred_index): item.outcomes for item in scored.items("d")}
    assert outcomes == {
        (0, 0): (Outcome.MATCH,),
        (1, 1): (Outcome.SOURCE_RESOLVED, Outcome.CONTENT_BOUNDARY),
        (2, 2): (Outcome.WRONG_CUE, Outcome.CONTENT_BOUNDARY),
        (3, 4): (Outcome.WRONG_SOURCE,),
        (4, None): (Outcome.MISSED,),
        (None, 3): (Outcome.SPURIOUS,),
    }


def test_a_missing_source_agrees_only_with_a_missing_source() -> None:
    gold = [attribution(None, at("reported"), at("roads were closed"))]
    assert score_attributions(gold, gold, text=TEXT).counts.relation.strict.correct == 1
    with_source = [attribution(at("Police"), at("reported"), at("roads were closed"))]
    counts = score_attributions(gold, with_source, text=TEXT).counts
    assert (counts.relation.strict.correct, counts.relation.lenient.correct) == (0, 0)
    assert counts.source.exact == MatchCounts(correct=0, predicted=1, gold=0)


def test_multi_span_content_is_compared_as_a_set_of_spans() -> None:
    two = attribution(at("Police"), at("reported"), at("roads were"), at("closed"))
    counts = score_attributions([two], [attribution(at("Police"), at("reported"), at("closed"), at("roads were"))], text=TEXT).counts
    assert counts.relation.strict.correct == 1


def test_content_spans_that_touch_are_the_characters_they_cover() -> None:
    # Gold content "roads were" + " closed" split at a character boundary, as [a, b) + [b, c).
    whole = at("roads were closed")
    cut = whole.start + len("roads were")
    gold = [attribution(at("Police"), at("reported"), Span(whole.start, cut), Span(cut, whole.end))]
    pred = [attribution(at("Police"), at("reported"), whole)]
    counts = score_attributions(gold, pred, text=TEXT).counts
    assert counts.relation.strict == MatchCounts(correct=1, predicted=1, gold=1)
    assert counts.content.exact == MatchCounts(correct=1, predicted=1, gold=1)
    assert dict(counts.errors) == {}


def test_content_spans_separated_only_by_white_space_are_merged() -> None:
    # "roads were" and "closed" have one space between them: together they cover "roads were closed".
    two = attribution(at("Police"), at("reported"), at("roads were"), at("closed"))
    merged = score_attributions([two], [attribution(at("Police"), at("reported"), at("roads were closed"))], text=TEXT).counts
    assert merged.relation.strict.correct == 1
    assert merged.content.overlap == OverlapCounts(3, 3, 3)


def test_content_spans_separated_by_punctuation_are_not_merged() -> None:
    # '"We lost 12 men,"': the spans "We lost 12 men" and the closing quote have a comma between them.
    quote = at('"We lost 12 men,"')
    gold = [attribution(at("the ministry"), at("added"), at("We lost 12 men"), Span(quote.end - 1, quote.end))]
    pred = [attribution(at("the ministry"), at("added"), Span(quote.start + 1, quote.end))]  # 'We lost 12 men,"'
    counts = score_attributions(gold, pred, text=TEXT).counts
    assert counts.relation.strict.correct == 0
    assert counts.relation.lenient.correct == 1


def test_lenient_content_overlap_needs_a_shared_word_token_not_just_punctuation() -> None:
    # Gold '"We lost 12 men,"'; the prediction's content is the closing ',"' only: the two share the
    # tokens "," and '"' but no word, so they are not aligned (lenient 0, one missed, one spurious).
    quote = at('"We lost 12 men,"')
    gold = [attribution(at("the ministry"), at("added"), quote)]
    pred = [attribution(at("the ministry"), at("added"), Span(quote.end - 2, quote.end))]
    counts = score_attributions(gold, pred, text=TEXT).counts
    assert counts.relation.lenient == MatchCounts(correct=0, predicted=1, gold=1)
    assert dict(counts.errors) == {Outcome.MISSED: 1, Outcome.SPURIOUS: 1}
    # One word shared ("men") is enough.
    pred = [attribution(at("the ministry"), at("added"), Span(quote.end - 5, quote.end))]  # 'men,"'
    assert score_attributions(gold, pred, text=TEXT).counts.relation.lenient.correct == 1


def test_name_normalisation() -> None:
    assert normalise_name("the Interior Ministry’s") == normalise_name("Interior  ministry") == "interior ministry"


# --- regressions ---------------------------------------------------------------------------


def test_overlap_precision_and_recall_are_not_swapped_as_in_citron() -> None:
    # citron's all-quote overlap score passes (overlaps, actual lengths, predicted lengths) to a
    # function expecting (overlaps, predicted, actual), swapping P and R. A prediction inside
    # the gold content is fully precise and incomplete: P = 1, R = 4/7.
    gold = [GOLD[1]]
    pred = [attribution(at("the ministry"), at("added"), at("We lost 12 men"))]
    prf = score_attributions(gold, pred, text=TEXT).counts.content.overlap.prf()
    assert (prf.precision, prf.recall) == (1.0, 4 / 7)


def test_overlap_is_counted_once_per_aligned_pair_not_against_every_gold_item() -> None:
    # citron sums each prediction's overlap with every gold quote, so nested gold contents
    # count the shared tokens twice and precision can exceed 1.
    outer = attribution(at("Police"), at("reported"), at("reported that roads were closed"))
    inner = attribution(at("Police"), at("reported"), at("roads were closed"))
    pred = [attribution(at("Police"), at("reported"), at("roads were closed"))]
    overlap = score_attributions([outer, inner], pred, text=TEXT).counts.content.overlap
    assert overlap == OverlapCounts(overlap=3, predicted=3, gold=5 + 3)
    assert overlap.prf().precision == 1.0


# --- each count on the alignment that maximises it ----------------------------------------------

NESTED = "The mayor said police reported that roads were closed."


def in_nested(needle: str) -> Span:
    start = NESTED.index(needle)
    return Span(start, start + len(needle))


# Outer: The mayor / said / "police reported that roads were closed" (6 tokens);
# inner, nested in it: police / reported / "roads were closed" (3 tokens).
NESTED_GOLD = [
    attribution(in_nested("The mayor"), in_nested("said"), in_nested("police reported that roads were closed")),
    attribution(in_nested("police"), in_nested("reported"), in_nested("roads were closed")),
]
# The inner one's source and cue; content one token early: "that roads were closed" (4 tokens). It shares
# 4 content tokens with the outer and 3 with the inner, so the strict alignment (then most shared content
# tokens) pairs it with the outer, where source and cue differ.
NESTED_PRED = [attribution(in_nested("police"), in_nested("reported"), in_nested("that roads were closed"))]


@pytest.fixture(scope="module")
def nested():  # type: ignore[no-untyped-def]
    return score_attributions(NESTED_GOLD, NESTED_PRED, text=NESTED)


def test_lenient_uses_the_alignment_that_maximises_lenient_matches(nested) -> None:  # type: ignore[no-untyped-def]
    # Paired with the inner one: source and cue identical, content overlapping → lenient-correct.
    assert nested.counts.relation.lenient == MatchCounts(correct=1, predicted=1, gold=2)
    assert nested.counts.relation.strict == MatchCounts(correct=0, predicted=1, gold=2)


def test_source_and_cue_exact_use_their_own_alignments(nested) -> None:  # type: ignore[no-untyped-def]
    assert nested.counts.source.exact == MatchCounts(correct=1, predicted=1, gold=2)
    assert nested.counts.cue.exact == MatchCounts(correct=1, predicted=1, gold=2)
    assert nested.counts.resolved_source == MatchCounts(correct=1, predicted=1, gold=2)


def test_overlap_counts_use_the_alignment_maximising_shared_tokens(nested) -> None:  # type: ignore[no-untyped-def]
    # content: with the outer, 4 shared; tokens predicted 4, gold 6 + 3
    assert nested.counts.content.overlap == OverlapCounts(overlap=4, predicted=4, gold=9)
    # source "police" and cue "reported": with the inner, 1 shared each; gold "The mayor" + "police" = 3, "said" + "reported" = 2
    assert nested.counts.source.overlap == OverlapCounts(overlap=1, predicted=1, gold=3)
    assert nested.counts.cue.overlap == OverlapCounts(overlap=1, predicted=1, gold=2)


def test_the_error_list_keeps_the_strict_alignment(nested) -> None:  # type: ignore[no-untyped-def]
    outcomes = {(item.gold_index, item.pred_index): item.outcomes for item in nested.items("d")}
    assert outcomes == {
        (0, 0): (Outcome.WRONG_SOURCE, Outcome.WRONG_CUE, Outcome.CONTENT_BOUNDARY),
        (1, None): (Outcome.MISSED,),
    }


def test_by_kind_lenient_counts_on_the_lenient_alignment(nested) -> None:  # type: ignore[no-untyped-def]
    assert nested.counts.by_kind.unspecified.lenient == MatchCounts(correct=1, predicted=1, gold=2)


# --- Johansson & Moschitti's per-item coverage -------------------------------------------------


def test_overlap_jm_averages_coverage_per_item_with_unaligned_items_counting_zero(scored) -> None:  # type: ignore[no-untyped-def]
    # Content, on the overlap alignment (G1–P1, G2–P2, G3–P3, G4–P5; P4 spurious, G5 missed):
    #   precision: P1 3/3, P2 4/4, P3 3/4, P5 3/3, P4 0  → 3.75 / 5
    #   recall:    G1 3/3, G2 4/7, G3 3/3, G4 3/3, G5 0  → (3 + 4/7) / 5
    jm = scored.counts.content.overlap_jm
    assert (jm.predicted, jm.gold) == (5, 5)
    assert jm.prf().precision == pytest.approx(3.75 / 5)
    assert jm.prf().recall == pytest.approx((3 + 4 / 7) / 5)


def test_overlap_jm_counts_a_long_and_a_short_span_alike(nested) -> None:  # type: ignore[no-untyped-def]
    # Pooled recall is 4 / 9; per item it is (4/6 + 0/3) / 2.
    jm = nested.counts.content.overlap_jm.prf()
    assert (jm.precision, jm.recall) == (pytest.approx(1.0), pytest.approx((4 / 6) / 2))


# --- kind ----------------------------------------------------------------------------------------


def test_kind_accuracy_and_confusion_over_pairs_where_both_have_a_kind() -> None:
    gold = [GOLD[0], GOLD[1], GOLD[2]]  # indirect, direct, indirect
    pred = [
        attribution(GOLD[0].source, GOLD[0].cue, *GOLD[0].content, kind=DIRECT),  # gold indirect → direct: wrong
        attribution(GOLD[1].source, GOLD[1].cue, *GOLD[1].content, kind=DIRECT),  # right
        attribution(GOLD[2].source, GOLD[2].cue, *GOLD[2].content),  # no kind: not counted
    ]
    kind = score_attributions(gold, pred, text=TEXT).counts.to_dict()["kind"]
    assert kind == {
        "accuracy": 0.5,
        "correct": 1,
        "pairs": 2,
        "labels": ["direct", "indirect", "mixed"],
        "matrix": [[1, 0, 0], [1, 0, 0], [0, 0, 0]],  # rows gold, columns predicted
    }


def test_a_wrong_kind_leaves_strict_and_lenient_unchanged_but_lowers_kind_accuracy() -> None:
    pred = [attribution(GOLD[0].source, GOLD[0].cue, *GOLD[0].content, kind=QuoteKind.MIXED)]
    counts = score_attributions([GOLD[0]], pred, text=TEXT).counts
    assert counts.relation.strict.correct == 1
    assert (counts.kind.correct, counts.kind.pairs) == (0, 1)


def test_kind_counts_add_up_over_documents() -> None:
    one = score_attributions([GOLD[0]], [GOLD[0]], text=TEXT).counts
    two = score_attributions([GOLD[1]], [attribution(GOLD[1].source, GOLD[1].cue, *GOLD[1].content, kind=INDIRECT)], text=TEXT).counts
    total = (one + two).kind
    assert (total.correct, total.pairs) == (1, 2)
    assert total.matrix == ((0, 1, 0), (0, 1, 0), (0, 0, 0))
