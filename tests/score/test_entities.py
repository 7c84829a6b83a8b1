"""Entity scoring: hand-computed cases, the coarse view, macro averages, the confusion matrix,
and regression cases for faults of other scorers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from bench.schema import Entity, EntityLabel
from bench.score.counts import SemEvalCounts
from bench.score.entities import COARSE_OF, LABELS, Mode, confusion
from bench.score.entity_batch import score_entities
from bench.score.items import Outcome

from .strategies import nervaluate_results

PER, ORG, GPE, LOC, NORP, FAC = (EntityLabel.PERSON, EntityLabel.ORG, EntityLabel.GPE, EntityLabel.LOC,
                                 EntityLabel.NORP, EntityLabel.FAC)

# One document exercising every SemEval case (as in Batista's table of the five scenarios):
#   gold                pred                  strict exact partial type
#   [0,5)  PER          [0,5)  PER            COR    COR   COR     COR
#   [10,15) ORG         [10,15) GPE           INC    COR   COR     INC
#   [20,30) GPE         [22,30) GPE           INC    INC   PAR     COR
#   [40,45) PER         [38,47) ORG           INC    INC   PAR     INC
#   [50,55) LOC         —                     MIS    MIS   MIS     MIS
#   —                   [60,65) PER           SPU    SPU   SPU     SPU
GOLD = [Entity(0, 5, PER), Entity(10, 15, ORG), Entity(20, 30, GPE), Entity(40, 45, PER), Entity(50, 55, LOC)]
PRED = [Entity(0, 5, PER), Entity(10, 15, GPE), Entity(22, 30, GPE), Entity(38, 47, ORG), Entity(60, 65, PER)]

EXPECTED = {
    #              COR INC PAR MIS SPU  precision  recall
    Mode.STRICT: ((1, 3, 0, 1, 1), 1 / 5, 1 / 5),
    Mode.EXACT: ((2, 2, 0, 1, 1), 2 / 5, 2 / 5),
    Mode.PARTIAL: ((2, 0, 2, 1, 1), 3 / 5, 3 / 5),
    Mode.TYPE: ((2, 2, 0, 1, 1), 2 / 5, 2 / 5),
}


@pytest.mark.parametrize("mode", list(Mode))
def test_the_five_semeval_cases_score_as_tabulated(mode: Mode) -> None:
    counts = score_entities(GOLD, PRED).counts.overall(mode)
    expected, precision, recall = EXPECTED[mode]
    assert (counts.correct, counts.incorrect, counts.partial, counts.missed, counts.spurious) == expected
    prf = counts.prf(partial_weight=mode.strategy.partial_weight)
    assert (prf.precision, prf.recall) == pytest.approx((precision, recall))


def test_the_tabulated_case_matches_nervaluate() -> None:
    reference = nervaluate_results([(GOLD, PRED)])["overall"]
    assert (reference["partial"].correct, reference["partial"].partial) == (2, 2)
    assert (reference["ent_type"].correct, reference["ent_type"].incorrect) == (2, 2)


def test_error_items_name_what_went_wrong_with_offsets() -> None:
    items = list(score_entities(GOLD, PRED).items("doc"))
    by_outcome = {item.outcomes: item for item in items}
    assert set(by_outcome) == {
        (Outcome.MATCH,),
        (Outcome.WRONG_TYPE,),
        (Outcome.WRONG_BOUNDARY,),
        (Outcome.WRONG_BOUNDARY, Outcome.WRONG_TYPE),
        (Outcome.MISSED,),
        (Outcome.SPURIOUS,),
    }
    missed = by_outcome[(Outcome.MISSED,)]
    assert (missed.gold, missed.pred, missed.gold_index) == (GOLD[4], None, 4)
    spurious = by_outcome[(Outcome.SPURIOUS,)]
    assert (spurious.pred, spurious.pred_index) == (PRED[4], 4)
    assert by_outcome[(Outcome.WRONG_BOUNDARY, Outcome.WRONG_TYPE)].extent.start == 38
    errors = score_entities(GOLD, PRED).counts.error_counts()
    assert errors == {Outcome.MATCH: 1, Outcome.MISSED: 1, Outcome.SPURIOUS: 1, Outcome.WRONG_TYPE: 2, Outcome.WRONG_BOUNDARY: 2}


def test_each_label_row_scores_that_label_on_its_own() -> None:
    # Label L: gold entities labelled L against predictions labelled L (CoNLL, seqeval, nervaluate).
    #   PERSON: gold [0,5) [40,45); pred [0,5) [60,65)  -> 1 COR, 1 MIS, 1 SPU
    #   ORG:    gold [10,15);       pred [38,47)         -> no overlap: 1 MIS, 1 SPU
    #   GPE:    gold [20,30);       pred [10,15) [22,30) -> [22,30) INC (boundary), [10,15) SPU
    #   LOC:    gold [50,55);       no prediction        -> 1 MIS
    strict = score_entities(GOLD, PRED).counts.by_label(Mode.STRICT)
    assert strict == {
        "PERSON": SemEvalCounts(correct=1, missed=1, spurious=1),
        "ORG": SemEvalCounts(missed=1, spurious=1),
        "GPE": SemEvalCounts(incorrect=1, spurious=1),
        "LOC": SemEvalCounts(missed=1),
    }


def test_a_label_with_no_predictions_has_no_precision_but_recall_and_f1_zero() -> None:
    loc = score_entities(GOLD, PRED).counts.by_label(Mode.STRICT)["LOC"].prf(partial_weight=0)
    assert (loc.precision, loc.recall, loc.f1) == (None, 0.0, 0.0)


def test_a_wrongly_labelled_exact_span_is_correct_overall_in_exact_mode_but_missed_and_spurious_per_label() -> None:
    counts = score_entities([Entity(0, 5, PER)], [Entity(0, 5, ORG)]).counts
    assert counts.overall(Mode.EXACT) == SemEvalCounts(correct=1)
    assert counts.by_label(Mode.EXACT) == {"PERSON": SemEvalCounts(missed=1), "ORG": SemEvalCounts(spurious=1)}


def test_labelling_everything_org_does_not_give_org_precision_one() -> None:
    gold = [Entity(0, 5, PER), Entity(10, 15, ORG), Entity(20, 25, GPE)]
    pred = [Entity(0, 5, ORG), Entity(10, 15, ORG), Entity(20, 25, ORG)]
    org = score_entities(gold, pred).counts.by_label(Mode.STRICT)["ORG"].prf(partial_weight=0)
    assert (org.precision, org.recall) == pytest.approx((1 / 3, 1.0))


def test_macro_is_the_unweighted_mean_over_labels_seen_leaving_out_what_is_not_applicable() -> None:
    macro = score_entities(GOLD, PRED).counts.macro(Mode.STRICT)
    # precision: PERSON 1/2, ORG 0, GPE 0 (LOC has no predictions: not applicable) -> 1/6
    # recall:    PERSON 1/2, ORG 0, GPE 0, LOC 0 -> 1/8;  F1: PERSON 1/2, the rest 0 -> 1/8
    assert (macro.precision, macro.recall, macro.f1) == pytest.approx((1 / 6, 1 / 8, 1 / 8))


def test_a_label_only_ever_predicted_counts_in_the_macro_with_precision_zero() -> None:
    counts = score_entities([Entity(0, 5, PER)], [Entity(0, 5, PER), Entity(10, 15, ORG)]).counts
    org = counts.by_label(Mode.STRICT)["ORG"].prf(partial_weight=0)
    assert (org.precision, org.recall, org.f1) == (0.0, None, 0.0)
    macro = counts.macro(Mode.STRICT)
    # precision (1 + 0) / 2; recall: PERSON 1 alone (ORG has no gold); F1 (1 + 0) / 2
    assert (macro.precision, macro.recall, macro.f1) == pytest.approx((0.5, 1.0, 0.5))


def test_macro_of_nothing_is_not_applicable() -> None:
    macro = score_entities([], []).counts.macro(Mode.STRICT)
    assert (macro.precision, macro.recall, macro.f1) == (None, None, None)


def test_coarse_view_merges_places_so_a_gpe_loc_confusion_is_forgiven() -> None:
    gold = [Entity(0, 5, GPE), Entity(10, 15, FAC), Entity(20, 25, NORP)]
    pred = [Entity(0, 5, LOC), Entity(10, 15, GPE), Entity(20, 25, PER)]
    counts = score_entities(gold, pred).counts
    assert counts.overall(Mode.STRICT).correct == 0
    coarse = counts.overall(Mode.STRICT, coarse=True)
    assert (coarse.correct, coarse.incorrect) == (2, 1)  # LOC=LOC twice; MISC vs PER stays wrong
    # per coarse label: LOC 2 of 2 (P and R 1); MISC gold only (missed); PER prediction only (spurious)
    assert counts.by_label(Mode.STRICT, coarse=True) == {
        "LOC": SemEvalCounts(correct=2), "MISC": SemEvalCounts(missed=1), "PER": SemEvalCounts(spurious=1),
    }


def test_every_label_has_a_coarse_class() -> None:
    assert set(COARSE_OF) == set(LABELS)
    assert set(COARSE_OF.values()) == {"PER", "ORG", "LOC", "MISC"}


def test_confusion_matrix_counts_aligned_pairs_like_scikit_learn() -> None:
    scored = score_entities(GOLD, PRED)
    labels, matrix = confusion([scored.label_pairs()])
    assert labels == ("PERSON", "ORG", "GPE")  # LOC was missed: not an aligned pair
    gold = [str(GOLD[i].label) for i in scored.gold_aligned]
    pred = [str(PRED[i].label) for i in scored.pred_aligned]
    assert matrix == confusion_matrix(gold, pred, labels=list(labels)).tolist()
    assert matrix[labels.index("ORG")][labels.index("GPE")] == 1
    assert matrix[labels.index("PERSON")][labels.index("ORG")] == 1


def test_fast_path_and_general_assignment_agree() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        gold, pred = [], []
        for slot in range(rng.integers(0, 10)):
            base = 20 * slot
            if rng.random() < 0.7:
                s = int(base + rng.integers(0, 10))
                gold.append(Entity(s, s + int(rng.integers(1, 10)), LABELS[rng.integers(0, 3)]))
            if rng.random() < 0.7:
                s = int(base + rng.integers(0, 10))
                pred.append(Entity(s, s + int(rng.integers(1, 10)), LABELS[rng.integers(0, 3)]))
        fast = score_entities(gold, pred)
        general = score_entities(gold, pred, fast=False)
        assert fast.counts == general.counts
        assert sorted(zip(fast.gold_aligned.tolist(), fast.pred_aligned.tolist())) == sorted(
            zip(general.gold_aligned.tolist(), general.pred_aligned.tolist())
        )


# --- regressions: faults of other scorers ----------------------------------------------------


def test_greedy_order_dependence_of_nervaluate_does_not_affect_us() -> None:
    # nervaluate walks predictions in list order and gives each the first overlapping
    # unmatched gold entity, so an early sloppy prediction can steal the gold entity an
    # exact prediction needed. Our assignment is optimal and order-independent.
    gold = [Entity(0, 5, PER), Entity(5, 10, PER)]
    sloppy, exact = Entity(3, 8, PER), Entity(0, 5, PER)
    theirs = {order: nervaluate_results([(gold, list(order))])["overall"]["strict"].correct
              for order in itertools.permutations([sloppy, exact])}
    assert sorted(theirs.values()) == [0, 1]  # nervaluate: 0 or 1 correct depending on order
    for order in itertools.permutations([sloppy, exact]):
        counts = score_entities(gold, list(order)).counts.overall(Mode.STRICT)
        assert (counts.correct, counts.incorrect, counts.missed, counts.spurious) == (1, 1, 0, 0)


def test_per_label_rows_equal_nervaluates_per_tag_rows_on_a_label_change() -> None:
    # nervaluate scores each label separately: a boundary-exact prediction with the wrong
    # label is correct overall in partial mode, but missed + spurious in the per-label rows.
    gold, pred = [Entity(0, 5, PER)], [Entity(0, 5, ORG)]
    reference = nervaluate_results([(gold, pred)])
    assert reference["overall"]["partial"].correct == 1
    assert reference["entities"]["PERSON"]["partial"].missed == 1
    assert reference["entities"]["ORG"]["partial"].spurious == 1
    counts = score_entities(gold, pred).counts
    assert counts.by_label(Mode.PARTIAL) == {"PERSON": SemEvalCounts(missed=1), "ORG": SemEvalCounts(spurious=1)}
    assert counts.overall(Mode.PARTIAL) == SemEvalCounts(correct=1)


def test_partial_credit_survives_summing_over_documents() -> None:
    # nervaluate before PR #109 (issue #108) recomputed partial/ent_type precision and
    # recall without the half credit after merging documents. Counts are summed and the
    # ratio taken once: (1 COR + 0.5 * 1 PAR) / 2.
    docs = [([Entity(0, 10, PER)], [Entity(2, 10, PER)]), ([Entity(0, 4, ORG)], [Entity(0, 4, ORG)])]
    total = score_entities(*docs[0]).counts + score_entities(*docs[1]).counts
    prf = total.overall(Mode.PARTIAL).prf(partial_weight=0.5)
    assert (prf.precision, prf.recall) == (0.75, 0.75)
    assert nervaluate_results(docs)["overall"]["partial"].precision == 0.75


def test_split_prediction_counts_one_correct_one_incorrect_one_spurious() -> None:
    # nervaluate issue #29: gold [1,2] [3,10]; predictions [1,2] [3,5] [6,10] (inclusive ends).
    gold = [Entity(1, 3, PER), Entity(3, 11, PER)]
    pred = [Entity(1, 3, PER), Entity(3, 6, PER), Entity(6, 11, PER)]
    counts = score_entities(gold, pred).counts.overall(Mode.EXACT)
    assert counts == SemEvalCounts(correct=1, incorrect=1, spurious=1)
    assert counts.prf(partial_weight=0).recall == 0.5


def test_alignment_prefers_exact_boundaries_then_largest_overlap() -> None:
    gold = [Entity(0, 10, PER)]
    small, large = Entity(0, 3, PER), Entity(2, 10, PER)
    scored = score_entities(gold, [small, large])
    assert scored.pred_aligned.tolist() == [1]  # 8 characters beat 3
    scored = score_entities(gold, [large, Entity(0, 10, ORG)])
    assert scored.pred_aligned.tolist() == [1]  # exact boundaries (wrong label) beat overlap in strict
    assert scored.counts.overall(Mode.TYPE).correct == 1  # type mode aligns the same-label prediction


def test_confusion_from_label_codes_equals_scikit_learns_on_random_pairs() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        n = int(rng.integers(0, 30))
        gold_codes = rng.integers(0, len(LABELS), n).astype(np.int64)
        pred_codes = rng.integers(0, len(LABELS), n).astype(np.int64)
        labels, matrix = confusion([(gold_codes, pred_codes)])
        present = sorted(set(gold_codes.tolist()) | set(pred_codes.tolist()))
        assert labels == tuple(str(LABELS[i]) for i in present)
        if present:
            assert matrix == confusion_matrix(gold_codes, pred_codes, labels=present).tolist()
