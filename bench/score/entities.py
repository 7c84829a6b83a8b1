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

Per-label rows count the same pairs as the overall row: an aligned pair and a
missed entity count under the gold label, a spurious prediction under its own
label, so the label rows add up to the overall row. (A wrong-type pair thus
lowers the gold label's precision as well as its recall; the confusion matrix
shows which label was predicted instead.) Macro averages are the unweighted
means of per-label precision, recall and F1 over labels seen in gold or predictions.

The coarse view maps OntoNotes labels to CoNLL-style classes (:data:`COARSE_OF`)
and re-scores with the mapped labels.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.schema import Entity, EntityLabel, Layer
from bench.score.align import (
    BoolArray,
    Clusters,
    IntArray,
    clusters,
    lexicographic,
    overlaps,
    solve,
    unmatched,
)
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
_CODE: Mapping[EntityLabel, int] = {label: i for i, label in enumerate(LABELS)}
_COARSE_CODE = np.array([COARSE.index(COARSE_OF[label]) for label in LABELS], dtype=np.int64)

#: Error-count outcomes of the entity layer, in report order.
ENTITY_OUTCOMES: tuple[Outcome, ...] = (
    Outcome.MATCH,
    Outcome.MISSED,
    Outcome.SPURIOUS,
    Outcome.WRONG_TYPE,
    Outcome.WRONG_BOUNDARY,
)


def _array(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return np.asarray(counts, dtype=np.int64)


@dataclass(frozen=True, slots=True, eq=False)
class EntityCounts:
    """Addable entity counts of one document or many.

    ``fine[m, l, c]``: count of category ``c`` (COR, INC, PAR, MIS, SPU) for mode
    ``MODES[m]`` and label ``LABELS[l]``; ``coarse`` likewise over :data:`COARSE`;
    ``errors[k]``: items with outcome ``ENTITY_OUTCOMES[k]`` in the strict alignment.
    """

    fine: npt.NDArray[np.int64]
    coarse: npt.NDArray[np.int64]
    errors: npt.NDArray[np.int64]

    @classmethod
    def zero(cls) -> EntityCounts:
        return cls(
            np.zeros((len(MODES), len(LABELS), N_CATEGORIES), dtype=np.int64),
            np.zeros((len(MODES), len(COARSE), N_CATEGORIES), dtype=np.int64),
            np.zeros(len(ENTITY_OUTCOMES), dtype=np.int64),
        )

    def __add__(self, other: EntityCounts) -> EntityCounts:
        return EntityCounts(self.fine + other.fine, self.coarse + other.coarse, self.errors + other.errors)

    def __radd__(self, other: object) -> EntityCounts:
        if other == 0:
            return self
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EntityCounts):
            return NotImplemented
        return bool(
            np.array_equal(self.fine, other.fine)
            and np.array_equal(self.coarse, other.coarse)
            and np.array_equal(self.errors, other.errors)
        )

    __hash__ = None  # type: ignore[assignment]

    def _table(self, coarse: bool) -> tuple[npt.NDArray[np.int64], Sequence[str]]:
        if coarse:
            return self.coarse, COARSE
        return self.fine, [str(label) for label in LABELS]

    def overall(self, mode: Mode, *, coarse: bool = False) -> SemEvalCounts:
        """Micro counts of ``mode`` (all labels summed)."""
        table, _ = self._table(coarse)
        return SemEvalCounts(*(int(x) for x in table[MODES.index(mode)].sum(axis=0)))

    def by_label(self, mode: Mode, *, coarse: bool = False) -> dict[str, SemEvalCounts]:
        """Counts of ``mode`` per label, for labels seen in gold or predictions."""
        table, names = self._table(coarse)
        rows = table[MODES.index(mode)]
        return {
            name: SemEvalCounts(*(int(x) for x in rows[i]))
            for i, name in enumerate(names)
            if rows[i].any()
        }

    def macro(self, mode: Mode, *, coarse: bool = False, zero_division: float = 0.0) -> PRF:
        """Unweighted mean of per-label precision, recall and F1 (0 when no label is seen)."""
        weight = mode.strategy.partial_weight
        scores = [c.prf(partial_weight=weight, zero_division=zero_division) for c in self.by_label(mode, coarse=coarse).values()]
        if not scores:
            return PRF(0.0, 0.0, 0.0)
        n = len(scores)
        return PRF(sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n, sum(s.f1 for s in scores) / n)

    def error_counts(self) -> dict[Outcome, int]:
        return {outcome: int(self.errors[k]) for k, outcome in enumerate(ENTITY_OUTCOMES)}

    def to_dict(self, *, zero_division: float = 0.0) -> dict[str, Any]:
        """The ``entities`` section of the score JSON (see :func:`bench.score.metrics.metrics`)."""

        def view(coarse: bool) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for mode in MODES:
                weight = mode.strategy.partial_weight
                out[mode.value] = self.overall(mode, coarse=coarse).to_dict(partial_weight=weight, zero_division=zero_division)
            out["macro"] = {mode.value: self.macro(mode, coarse=coarse, zero_division=zero_division).to_dict() for mode in MODES}
            labels: dict[str, dict[str, Any]] = {}
            for mode in MODES:
                weight = mode.strategy.partial_weight
                for name, counts in self.by_label(mode, coarse=coarse).items():
                    labels.setdefault(name, {})[mode.value] = counts.to_dict(partial_weight=weight, zero_division=zero_division)
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
    gold: tuple[Entity, ...]
    pred: tuple[Entity, ...]
    gold_aligned: IntArray  # strict alignment: gold indices ...
    pred_aligned: IntArray  # ... and the predictions aligned to them

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
        gold = np.array([_CODE[self.gold[g].label] for g in self.gold_aligned.tolist()], dtype=np.int64)
        pred = np.array([_CODE[self.pred[p].label] for p in self.pred_aligned.tolist()], dtype=np.int64)
        return gold, pred


def pair_outcomes(gold: Entity, pred: Entity) -> tuple[Outcome, ...]:
    """Outcomes of an aligned entity pair: MATCH, or WRONG_BOUNDARY and/or WRONG_TYPE."""
    out: list[Outcome] = []
    if (gold.start, gold.end) != (pred.start, pred.end):
        out.append(Outcome.WRONG_BOUNDARY)
    if gold.label != pred.label:
        out.append(Outcome.WRONG_TYPE)
    return tuple(out) or (Outcome.MATCH,)


@dataclass(frozen=True, slots=True)
class _Side:
    starts: IntArray
    ends: IntArray
    labels: IntArray

    @classmethod
    def of(cls, entities: Sequence[Entity]) -> _Side:
        n = len(entities)
        starts = np.fromiter((e.start for e in entities), dtype=np.int64, count=n)
        ends = np.fromiter((e.end for e in entities), dtype=np.int64, count=n)
        labels = np.fromiter((_CODE[e.label] for e in entities), dtype=np.int64, count=n)
        return cls(starts, ends, labels)


def _weights(mode: Mode, gold: _Side, pred: _Side, gl: IntArray, pl: IntArray) -> Callable[[IntArray, IntArray], Any]:
    strategy = mode.strategy

    def weights(g: IntArray, p: IntArray) -> Any:
        shared = overlaps(gold.starts[g], gold.ends[g], pred.starts[p], pred.ends[p])
        touching = shared > 0
        exact = (gold.starts[g][:, None] == pred.starts[p][None, :]) & (gold.ends[g][:, None] == pred.ends[p][None, :])
        same = gl[g][:, None] == pl[p][None, :]
        credit = strategy.credit(exact, same)
        return lexicographic(credit * touching, exact & touching, same & touching, shared)

    return weights


def _tally(
    mode: Mode,
    gold: _Side,
    pred: _Side,
    g: IntArray,
    p: IntArray,
    gl: IntArray,
    pl: IntArray,
    n_labels: int,
) -> npt.NDArray[np.int64]:
    """``(n_labels, 5)`` category counts for one mode and alignment."""
    exact = (gold.starts[g] == pred.starts[p]) & (gold.ends[g] == pred.ends[p])
    same = gl[g] == pl[p]
    category = mode.strategy.judge(exact, same)
    missed = unmatched(len(gl), g)
    spurious = unmatched(len(pl), p)
    codes = np.concatenate([gl[g] * N_CATEGORIES + category, gl[missed] * N_CATEGORIES + MIS, pl[spurious] * N_CATEGORIES + SPU])
    return np.bincount(codes, minlength=n_labels * N_CATEGORIES).reshape(n_labels, N_CATEGORIES).astype(np.int64)


def _score_view(
    gold: _Side, pred: _Side, found: Clusters, gl: IntArray, pl: IntArray, n_labels: int, keys: tuple[Any, Any]
) -> tuple[npt.NDArray[np.int64], dict[Mode, tuple[IntArray, IntArray]]]:
    spans = (gold.starts, gold.ends, pred.starts, pred.ends)
    table = np.zeros((len(MODES), n_labels, N_CATEGORIES), dtype=np.int64)
    alignments: dict[Mode, tuple[IntArray, IntArray]] = {}
    shared: tuple[IntArray, IntArray] | None = None
    for m, mode in enumerate(MODES):
        if found.complex:
            g, p = solve(found, spans, _weights(mode, gold, pred, gl, pl), gold_key=keys[0], pred_key=keys[1])
        else:
            # Only one-to-one clusters: the alignment is forced and the same in every mode.
            if shared is None:
                shared = (found.simple_gold, found.simple_pred)
            g, p = shared
        alignments[mode] = (g, p)
        table[m] = _tally(mode, gold, pred, g, p, gl, pl, n_labels)
    return table, alignments


def score_entities(gold: Sequence[Entity], pred: Sequence[Entity], *, fast: bool = True) -> EntityScore:
    """Score one document's predicted entities against its gold entities.

    ``fast=False`` sends every cluster, one-to-one ones included, through the
    general assignment (for tests: both paths must agree).
    """
    gold_side, pred_side = _Side.of(gold), _Side.of(pred)
    found = clusters(gold_side.starts, gold_side.ends, pred_side.starts, pred_side.ends)
    if not fast:
        found = found.general()

    def keyed(side: _Side) -> Callable[[int], int]:
        return lambda i: int(side.labels[i])

    fine, alignments = _score_view(
        gold_side, pred_side, found, gold_side.labels, pred_side.labels, len(LABELS), (keyed(gold_side), keyed(pred_side))
    )
    gc, pc = _COARSE_CODE[gold_side.labels], _COARSE_CODE[pred_side.labels]
    coarse, _ = _score_view(gold_side, pred_side, found, gc, pc, len(COARSE), (keyed(gold_side), keyed(pred_side)))
    g, p = alignments[Mode.STRICT]
    errors = _error_counts(gold_side, pred_side, g, p)
    return EntityScore(EntityCounts(fine, coarse, errors), tuple(gold), tuple(pred), g, p)


def _error_counts(gold: _Side, pred: _Side, g: IntArray, p: IntArray) -> npt.NDArray[np.int64]:
    boundary = (gold.starts[g] != pred.starts[p]) | (gold.ends[g] != pred.ends[p])
    wrong_type = gold.labels[g] != pred.labels[p]
    out = np.zeros(len(ENTITY_OUTCOMES), dtype=np.int64)
    out[ENTITY_OUTCOMES.index(Outcome.MATCH)] = int((~boundary & ~wrong_type).sum())
    out[ENTITY_OUTCOMES.index(Outcome.MISSED)] = len(gold.starts) - len(g)
    out[ENTITY_OUTCOMES.index(Outcome.SPURIOUS)] = len(pred.starts) - len(p)
    out[ENTITY_OUTCOMES.index(Outcome.WRONG_TYPE)] = int(wrong_type.sum())
    out[ENTITY_OUTCOMES.index(Outcome.WRONG_BOUNDARY)] = int(boundary.sum())
    return out


def confusion(pairs: Sequence[tuple[IntArray, IntArray]]) -> tuple[tuple[str, ...], list[list[int]]]:
    """Label confusion matrix over aligned pairs (rows gold, columns predicted), via scikit-learn.

    Only labels that occur in some pair are listed, in :data:`LABELS` order.
    """
    from sklearn.metrics import confusion_matrix

    gold = np.concatenate([g for g, _ in pairs]) if pairs else np.zeros(0, dtype=np.int64)
    pred = np.concatenate([p for _, p in pairs]) if pairs else np.zeros(0, dtype=np.int64)
    present = sorted(set(gold.tolist()) | set(pred.tolist()))
    if not present:
        return (), []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "a single label was found": we pass labels
        matrix = confusion_matrix(gold, pred, labels=present)
    return tuple(str(LABELS[i]) for i in present), [[int(x) for x in row] for row in matrix]
