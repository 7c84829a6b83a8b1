"""Entity scores: the four SemEval-2013 task 9.1 modes, per label, micro and macro, coarse view.

Modes (as nervaluate 1.2.1 defines them; counts COR/INC/PAR/MIS/SPU):

* ``strict``  — correct when boundaries and label both match, otherwise incorrect;
* ``exact``   — correct when boundaries match (label ignored), otherwise incorrect;
* ``partial`` — correct when boundaries match, partial when they only overlap
  (label ignored); a partial counts 0.5;
* ``type``    — correct when the spans overlap and the labels match, otherwise incorrect.

A gold entity aligned to nothing is missed; a prediction aligned to nothing is
spurious. Unlike nervaluate, the alignment is one-to-one and independent of
input order: per mode, the matching maximises that mode's credit (correct = 1,
partial = 0.5), then exact boundaries, then matching labels, then characters of
overlap (:mod:`bench.score.align`). Any overlap of one character or more counts.

Per-label rows count the standard way (CoNLL, seqeval, scikit-learn, nervaluate's
per-tag results): label L is scored on its own, gold entities labelled L against
predictions labelled L, with its own alignment — so L's precision is over the
predictions labelled L and its recall over the gold entities labelled L. A
prediction whose span matches a gold entity of another label is thus a spurious
L' and a missed L in the label rows (in every mode), while in the overall
row it is one incorrect (or, in exact/partial mode, correct) pair; the label rows
therefore do not add up to the overall row. The confusion matrix shows which
label was predicted instead. Macro averages are the unweighted means of the
per-label precision, recall and F1 over every label that occurs in gold or
predictions; a value that is not applicable (a label only ever predicted has no
recall) is left out of its mean, as scikit-learn does with ``zero_division=nan``
(such a label still counts with precision 0 and F1 0).

The coarse view maps OntoNotes labels to CoNLL-style classes (:data:`COARSE_OF`)
and re-scores with the mapped labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.schema import Entity, EntityLabel, Layer
from bench.score.align import BoolArray, IntArray, unmatched
from bench.score.counts import PRF, SemEvalCounts
from bench.score.items import Outcome, ScoredItem

# SemEval categories, in SemEvalCounts field order.
COR, INC, PAR, MIS, SPU = range(5)
N_CATEGORIES = 5


class Mode(StrEnum):
    """SemEval-2013 evaluation mode; ``mode.strategy`` says how a pair is judged."""

    STRICT = "strict"
    EXACT = "exact"
    PARTIAL = "partial"
    TYPE = "type"

    @property
    def strategy(self) -> Strategy:
        return STRATEGIES[self]


@dataclass(frozen=True, slots=True)
class Strategy:
    """How one mode judges an aligned (overlapping) pair.

    ``judge(exact, same_label)`` returns the category (COR, INC or PAR) of each pair;
    ``partial_weight`` is the credit of a PAR in precision and recall.
    """

    judge: Callable[[BoolArray, BoolArray], IntArray]
    partial_weight: float
    uses_labels: bool

    def credit(self, exact: BoolArray, same: BoolArray) -> IntArray:
        """Twice the credit of each pair (2 correct, 1 partial, 0 incorrect), for alignment weights."""
        category = self.judge(exact, same)
        return np.where(category == COR, 2, np.where(category == PAR, 1, 0)).astype(np.int64)


def _strict(exact: BoolArray, same: BoolArray) -> IntArray:
    return np.where(exact & same, COR, INC).astype(np.int64)


def _exact(exact: BoolArray, same: BoolArray) -> IntArray:
    return np.where(exact, COR, INC).astype(np.int64)


def _partial(exact: BoolArray, same: BoolArray) -> IntArray:
    return np.where(exact, COR, PAR).astype(np.int64)


def _type(exact: BoolArray, same: BoolArray) -> IntArray:
    return np.where(same, COR, INC).astype(np.int64)


STRATEGIES: Mapping[Mode, Strategy] = {
    Mode.STRICT: Strategy(_strict, 0.0, True),
    Mode.EXACT: Strategy(_exact, 0.0, False),
    Mode.PARTIAL: Strategy(_partial, 0.5, False),
    Mode.TYPE: Strategy(_type, 0.5, True),
}
MODES: tuple[Mode, ...] = tuple(Mode)

#: Fine labels, in code order.
LABELS: tuple[EntityLabel, ...] = tuple(EntityLabel)
#: Coarse classes of the CoNLL-style view.
COARSE: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC")
#: OntoNotes label → coarse class: people PER; organisations ORG; places (GPE, LOC,
#: and facilities FAC, as CoNLL tags buildings and airports) LOC; everything else
#: (NORP nationalities and groups, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE) MISC.
COARSE_OF: Mapping[EntityLabel, str] = {
    EntityLabel.PERSON: "PER",
    EntityLabel.ORG: "ORG",
    EntityLabel.GPE: "LOC",
    EntityLabel.LOC: "LOC",
    EntityLabel.FAC: "LOC",
    EntityLabel.NORP: "MISC",
    EntityLabel.PRODUCT: "MISC",
    EntityLabel.EVENT: "MISC",
    EntityLabel.WORK_OF_ART: "MISC",
    EntityLabel.LAW: "MISC",
    EntityLabel.LANGUAGE: "MISC",
}
#: Label → its index in :data:`LABELS`; fine label index → coarse class index in :data:`COARSE`.
LABEL_CODE: Mapping[EntityLabel, int] = {label: i for i, label in enumerate(LABELS)}
COARSE_CODE = np.array([COARSE.index(COARSE_OF[label]) for label in LABELS], dtype=np.int64)

#: Error-count outcomes of the entity layer, in report order.
ENTITY_OUTCOMES: tuple[Outcome, ...] = (
    Outcome.MATCH,
    Outcome.MISSED,
    Outcome.SPURIOUS,
    Outcome.WRONG_TYPE,
    Outcome.WRONG_BOUNDARY,
)


def _mean(values: Sequence[float | None]) -> float | None:
    """Mean of the applicable values (``None`` when there are none)."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


@dataclass(frozen=True, slots=True, eq=False)
class EntityCounts:
    """Addable entity counts of one document or many.

    ``total[m, c]``: overall count of category ``c`` (COR, INC, PAR, MIS, SPU) for
    mode ``MODES[m]``; ``fine[m, l, c]``: the same for label ``LABELS[l]`` scored on
    its own (both sides filtered to that label); ``coarse_total`` and ``coarse``
    likewise over :data:`COARSE`; ``errors[k]``: items with outcome
    ``ENTITY_OUTCOMES[k]`` in the strict alignment.
    """

    total: npt.NDArray[np.int64]
    fine: npt.NDArray[np.int64]
    coarse_total: npt.NDArray[np.int64]
    coarse: npt.NDArray[np.int64]
    errors: npt.NDArray[np.int64]

    @classmethod
    def zero(cls) -> EntityCounts:
        return cls(
            np.zeros((len(MODES), N_CATEGORIES), dtype=np.int64),
            np.zeros((len(MODES), len(LABELS), N_CATEGORIES), dtype=np.int64),
            np.zeros((len(MODES), N_CATEGORIES), dtype=np.int64),
            np.zeros((len(MODES), len(COARSE), N_CATEGORIES), dtype=np.int64),
            np.zeros(len(ENTITY_OUTCOMES), dtype=np.int64),
        )

    def _arrays(self) -> tuple[npt.NDArray[np.int64], ...]:
        return (self.total, self.fine, self.coarse_total, self.coarse, self.errors)

    def __add__(self, other: EntityCounts) -> EntityCounts:
        return EntityCounts(*(a + b for a, b in zip(self._arrays(), other._arrays(), strict=True)))

    def __radd__(self, other: object) -> EntityCounts:
        if other == 0:
            return self
        return NotImplemented

    @classmethod
    def sum_of(cls, many: Sequence[EntityCounts]) -> EntityCounts:
        """The sum of ``many`` (at least one) in one stacked ``sum`` per array: equal to adding them one by
        one (integer counts), without a Python-level addition and five new arrays per document."""
        if len(many) == 1:
            return many[0]
        return cls(*(np.stack(arrays).sum(axis=0, dtype=np.int64) for arrays in zip(*(c._arrays() for c in many), strict=True)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EntityCounts):
            return NotImplemented
        return all(np.array_equal(a, b) for a, b in zip(self._arrays(), other._arrays(), strict=True))

    __hash__ = None  # type: ignore[assignment]

    def overall(self, mode: Mode, *, coarse: bool = False) -> SemEvalCounts:
        """Micro counts of ``mode`` over all labels (one alignment over every entity)."""
        table = self.coarse_total if coarse else self.total
        return SemEvalCounts(*(int(x) for x in table[MODES.index(mode)]))

    def by_label(self, mode: Mode, *, coarse: bool = False) -> dict[str, SemEvalCounts]:
        """Counts of ``mode`` per label scored on its own, for labels seen in gold or predictions."""
        table, names = (self.coarse, COARSE) if coarse else (self.fine, [str(label) for label in LABELS])
        rows = table[MODES.index(mode)]
        return {
            name: SemEvalCounts(*(int(x) for x in rows[i]))
            for i, name in enumerate(names)
            if rows[i].any()
        }

    def macro(self, mode: Mode, *, coarse: bool = False) -> PRF:
        """Unweighted means of per-label P, R and F1 over labels seen in gold or predictions.

        Values that are not applicable are left out of their mean; no label at all gives ``None`` throughout.
        """
        weight = mode.strategy.partial_weight
        scores = [c.prf(partial_weight=weight) for c in self.by_label(mode, coarse=coarse).values()]
        return PRF(
            _mean([s.precision for s in scores]),
            _mean([s.recall for s in scores]),
            _mean([s.f1 for s in scores]),
        )

    def error_counts(self) -> dict[Outcome, int]:
        return {outcome: int(self.errors[k]) for k, outcome in enumerate(ENTITY_OUTCOMES)}

    def to_dict(self) -> dict[str, Any]:
        """The ``entities`` section of the score JSON (see :func:`bench.score.metrics.metric_dict`)."""

        def view(coarse: bool) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for mode in MODES:
                weight = mode.strategy.partial_weight
                out[mode.value] = self.overall(mode, coarse=coarse).to_dict(partial_weight=weight)
            out["macro"] = {mode.value: self.macro(mode, coarse=coarse).to_dict() for mode in MODES}
            labels: dict[str, dict[str, Any]] = {}
            for mode in MODES:
                weight = mode.strategy.partial_weight
                for name, counts in self.by_label(mode, coarse=coarse).items():
                    labels.setdefault(name, {})[mode.value] = counts.to_dict(partial_weight=weight)
            out["by_label"] = labels
            return out

        result = view(False)
        result["coarse"] = view(True)
        result["errors"] = {o.value: n for o, n in self.error_counts().items() if o is not Outcome.MATCH}
        return result


@dataclass(frozen=True, slots=True, eq=False)
class EntityScore:
    """One document's entity result: counts plus the strict-mode alignment for the error list."""

    counts: EntityCounts
    gold: Sequence[Entity]  # (records of a bench.columns.EntityColumns are built when first read)
    pred: Sequence[Entity]
    gold_aligned: IntArray  # strict alignment: gold indices ...
    pred_aligned: IntArray  # ... and the predictions aligned to them
    #: Label codes (indices into :data:`LABELS`) of those pairs, gold and predicted, for the confusion matrix.
    gold_labels: IntArray
    pred_labels: IntArray

    def items(self, doc_id: str) -> Iterator[ScoredItem]:
        """Every aligned pair, missed gold entity and spurious prediction (strict alignment)."""
        for g, p in zip(self.gold_aligned.tolist(), self.pred_aligned.tolist()):
            yield ScoredItem(doc_id, Layer.ENTITIES, pair_outcomes(self.gold[g], self.pred[p]), self.gold[g], self.pred[p], g, p)
        for g in unmatched(len(self.gold), self.gold_aligned).tolist():
            yield ScoredItem(doc_id, Layer.ENTITIES, (Outcome.MISSED,), self.gold[g], None, g, None)
        for p in unmatched(len(self.pred), self.pred_aligned).tolist():
            yield ScoredItem(doc_id, Layer.ENTITIES, (Outcome.SPURIOUS,), None, self.pred[p], None, p)

    def label_pairs(self) -> tuple[IntArray, IntArray]:
        """Gold and predicted label codes (indices into :data:`LABELS`) of the strictly aligned pairs."""
        return self.gold_labels, self.pred_labels


def pair_outcomes(gold: Entity, pred: Entity) -> tuple[Outcome, ...]:
    """Outcomes of an aligned entity pair: MATCH, or WRONG_BOUNDARY and/or WRONG_TYPE."""
    out: list[Outcome] = []
    if (gold.start, gold.end) != (pred.start, pred.end):
        out.append(Outcome.WRONG_BOUNDARY)
    if gold.label != pred.label:
        out.append(Outcome.WRONG_TYPE)
    return tuple(out) or (Outcome.MATCH,)


def confusion(pairs: Sequence[tuple[IntArray, IntArray]]) -> tuple[tuple[str, ...], list[list[int]]]:
    """Label confusion matrix over aligned pairs (rows gold, columns predicted), counted from label codes.

    Only labels that occur in some pair are listed, in :data:`LABELS` order. (One ``bincount``
    over ``gold × n + pred``; a test checks it equals scikit-learn's ``confusion_matrix``.)
    """
    gold = np.concatenate([g for g, _ in pairs]) if pairs else np.zeros(0, dtype=np.int64)
    pred = np.concatenate([p for _, p in pairs]) if pairs else np.zeros(0, dtype=np.int64)
    n = len(LABELS)
    full = np.bincount(gold * n + pred, minlength=n * n).reshape(n, n)
    present = np.flatnonzero(full.sum(axis=0) + full.sum(axis=1))
    if not len(present):
        return (), []
    matrix = full[np.ix_(present, present)]
    return tuple(str(LABELS[i]) for i in present.tolist()), [[int(x) for x in row] for row in matrix]
