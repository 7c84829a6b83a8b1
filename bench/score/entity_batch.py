"""Entity scoring of many documents at once: one sweep of the alignment engine, counts tallied in place per mode.

The modes, labels and count records are in :mod:`bench.score.entities`; this module
flattens every document's entities into arrays (:class:`_Side`), lets the alignment
engine (:mod:`bench.score.align`) cluster the whole corpus and align each mode and
label view, and tallies the categories of all documents together.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, pairwise

import numpy as np
import numpy.typing as npt

from bench.columns import EntityColumns, flat_offsets, machine_ints
from bench.schema import Entity
from bench.score.align import Alignment, BoolArray, Candidates, IntArray, Spans, candidates, unmatched
from bench.score.entities import (
    COARSE,
    COARSE_CODE,
    ENTITY_OUTCOMES,
    LABEL_CODE,
    LABELS,
    MIS,
    MODES,
    N_CATEGORIES,
    SPU,
    EntityCounts,
    EntityScore,
    Mode,
)
from bench.score.items import Outcome

_EMPTY = np.zeros(0, dtype=np.int64)
_LABELS = operator.attrgetter("labels")


@dataclass(frozen=True, slots=True)
class _Side:
    """One side (gold or predicted) of every document, flattened: offsets, label codes, document index."""

    starts: IntArray
    ends: IntArray
    labels: IntArray
    doc: IntArray
    first: IntArray  # index of each document's first item

    @classmethod
    def of(cls, entities: Sequence[Sequence[Entity]]) -> _Side:
        """Each document's entities (records, or :class:`~bench.columns.EntityColumns`) flattened."""
        documents = [_columns(d) for d in entities]
        starts, ends, doc = flat_offsets(documents)
        codes = list(map(LABEL_CODE.__getitem__, chain.from_iterable(map(_LABELS, documents))))
        labels = np.frombuffer(machine_ints(codes), dtype=np.int64)  # packed: faster than np.fromiter item by item
        sizes = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
        first = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if len(documents) else sizes
        return cls(starts, ends, labels, doc, first)

    def spans(self) -> Spans:
        """The side for the alignment engine: ties broken by offsets, then label code."""
        return Spans(self.starts, self.ends, self.doc, (self.starts, self.ends, self.labels))

    def subset(self, items: IntArray) -> _Side:
        """The ``items`` (indices, increasing) alone, in their order (``first`` is not kept)."""
        return _Side(self.starts[items], self.ends[items], self.labels[items], self.doc[items], _EMPTY)

    def by_label(self, labels: IntArray, n_labels: int) -> _Side:
        """Every (document, label) pair made a document of its own, holding only that label's entities."""
        return _Side(self.starts, self.ends, np.zeros_like(labels), self.doc * n_labels + labels, _EMPTY)



#: Per mode, the alignment credit (:meth:`Strategy.credit`) of a pair by ``2 * exact + same``.
_CREDIT_BY_CODE: tuple[IntArray, ...] = tuple(
    mode.strategy.credit(np.array([False, False, True, True]), np.array([False, True, False, True])) for mode in MODES
)


def _alignments(found: Candidates, exact: BoolArray, gl: IntArray, pl: IntArray) -> list[Alignment]:
    """Per mode, the alignment maximising that mode's credit, then exact boundaries, then equal
    labels, then characters of overlap (:mod:`bench.score.align`); ``exact`` per candidate pair."""
    same = gl[found.gold] == pl[found.pred]
    code = (exact.view(np.int8) << 1) | same.view(np.int8)
    return [found.align(credit[code], exact, same, found.shared) for credit in _CREDIT_BY_CODE]


def _tally(
    alignments: Sequence[Alignment], gold: _Side, pred: _Side, gl: IntArray, pl: IntArray, n_labels: int, n_docs: int
) -> npt.NDArray[np.int64]:
    """``(documents, modes, n_labels, 5)`` category counts, one alignment per mode, counted in place.

    Aligned pairs and missed entities count under the gold label, spurious ones under their own.
    """
    block = n_labels * N_CATEGORIES
    per_doc = len(MODES) * block
    counts = np.zeros(n_docs * per_doc, dtype=np.int64)
    cache: dict[int, tuple[BoolArray, BoolArray, IntArray, IntArray]] = {}
    for m, (mode, (g, p)) in enumerate(zip(MODES, alignments)):
        key = id(g)
        if key not in cache:  # modes sharing one alignment share this work
            exact = (gold.starts[g] == pred.starts[p]) & (gold.ends[g] == pred.ends[p])
            same = gl[g] == pl[p]
            missed, spurious = unmatched(len(gl), g), unmatched(len(pl), p)
            rest = np.concatenate([
                gold.doc[missed] * per_doc + gl[missed] * N_CATEGORIES + MIS,
                pred.doc[spurious] * per_doc + pl[spurious] * N_CATEGORIES + SPU,
            ])
            cache[key] = (exact, same, gold.doc[g] * per_doc + gl[g] * N_CATEGORIES, rest)
        exact, same, pair_base, rest = cache[key]
        offset = m * block
        # counted in place, mode by mode: no counts-sized temporary (a bincount's), no codes of all modes at once
        np.add.at(counts, pair_base + (mode.strategy.judge(exact, same) + offset), 1)
        np.add.at(counts, rest + offset, 1)
    return counts.reshape(n_docs, len(MODES), n_labels, N_CATEGORIES)


def _scored(
    gold: _Side, pred: _Side, views: Sequence[tuple[IntArray, IntArray, int]], n_docs: int, *, general: bool
) -> tuple[Candidates, list[tuple[list[Alignment], npt.NDArray[np.int64]]]]:
    """Cluster once, then per label view ``(gold labels, predicted labels, number of labels)``: the
    alignment of every mode and the ``(documents, modes, labels, 5)`` counts it gives (and the clusters)."""
    found = candidates(gold.spans(), pred.spans(), general=general)
    exact = (gold.starts[found.gold] == pred.starts[found.pred]) & (gold.ends[found.gold] == pred.ends[found.pred])
    out = []
    for gl, pl, n_labels in views:
        alignments = _alignments(found, exact, gl, pl)
        out.append((alignments, _tally(alignments, gold, pred, gl, pl, n_labels, n_docs)))
    return found, out


def _errors(gold: _Side, pred: _Side, g: IntArray, p: IntArray, n_docs: int) -> npt.NDArray[np.int64]:
    """``(documents, outcomes)`` error counts of the strict alignment."""
    boundary = (gold.starts[g] != pred.starts[p]) | (gold.ends[g] != pred.ends[p])
    wrong_type = gold.labels[g] != pred.labels[p]
    doc = gold.doc[g]
    out = np.zeros((n_docs, len(ENTITY_OUTCOMES)), dtype=np.int64)
    out[:, ENTITY_OUTCOMES.index(Outcome.MATCH)] = np.bincount(doc[~boundary & ~wrong_type], minlength=n_docs)
    out[:, ENTITY_OUTCOMES.index(Outcome.MISSED)] = np.bincount(gold.doc[unmatched(len(gold.doc), g)], minlength=n_docs)
    out[:, ENTITY_OUTCOMES.index(Outcome.SPURIOUS)] = np.bincount(pred.doc[unmatched(len(pred.doc), p)], minlength=n_docs)
    out[:, ENTITY_OUTCOMES.index(Outcome.WRONG_TYPE)] = np.bincount(doc[wrong_type], minlength=n_docs)
    out[:, ENTITY_OUTCOMES.index(Outcome.WRONG_BOUNDARY)] = np.bincount(doc[boundary], minlength=n_docs)
    return out


def _per_document(columns: Sequence[IntArray], doc: IntArray, n_docs: int) -> list[npt.NDArray[np.int64]]:
    """Equal-length ``columns`` split by document (``doc`` gives each value's document): per document, a
    ``(len(columns), k)`` array whose rows are that document's values of each column, in their order."""
    order = np.argsort(doc, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(doc, minlength=n_docs))]).tolist()
    block = np.stack(columns)[:, order]
    return [block[:, start:end] for start, end in pairwise(bounds)]  # (np.split: a swapaxes per piece)


def _members_of(items: IntArray, n: int) -> IntArray:
    """The distinct ``items`` (indices below ``n``), increasing (``np.unique`` without its import of numpy.ma)."""
    member = np.zeros(n, dtype=bool)
    member[items] = True
    return np.flatnonzero(member)


def _label_restricted(gold: _Side, pred: _Side, found: Candidates, gl: IntArray, pl: IntArray, n_labels: int,
                      n_docs: int, *, general: bool) -> npt.NDArray[np.int64]:
    """``(documents, modes, n_labels, 5)`` counts with each label scored on its own: every
    (document, label) pair is scored as a document holding only that label's entities.

    Derived from the clusters of all labels (``found``): keeping one label's spans can only split a
    cluster. A one-to-one cluster stays one (its pair aligned in every mode, as the labels are equal)
    or becomes two singletons; a cluster with one side only stays unmatched; only the items of the
    larger clusters are clustered and aligned again, per (document, label).
    """
    ns = found.n_simple
    sg, sp = found.gold[:ns], found.pred[:ns]
    gold_larger, pred_larger = _members_of(found.gold[ns:], len(gl)), _members_of(found.pred[ns:], len(pl))
    sub_g, sub_p = gold.subset(gold_larger).by_label(gl[gold_larger], n_labels), pred.subset(pred_larger).by_label(
        pl[pred_larger], n_labels)
    _, ((_, larger),) = _scored(sub_g, sub_p, [(sub_g.labels, sub_p.labels, 1)], n_docs * n_labels, general=general)
    counts = larger.reshape(n_docs * n_labels * len(MODES) * N_CATEGORIES)
    # (document, label, mode, category), flattened
    block = len(MODES) * N_CATEGORIES
    same = gl[sg] == pl[sp]
    paired_g, paired_p = sg[same], sp[same]
    exact = (gold.starts[paired_g] == pred.starts[paired_p]) & (gold.ends[paired_g] == pred.ends[paired_p])
    equal = np.ones(len(paired_g), dtype=bool)
    missed = np.ones(len(gl), dtype=bool)
    missed[paired_g] = False
    missed[gold_larger] = False
    spurious = np.ones(len(pl), dtype=bool)
    spurious[paired_p] = False
    spurious[pred_larger] = False
    missed_base = (gold.doc[missed] * n_labels + gl[missed]) * block + MIS
    spurious_base = (pred.doc[spurious] * n_labels + pl[spurious]) * block + SPU
    pair_base = (gold.doc[paired_g] * n_labels + gl[paired_g]) * block
    parts: list[IntArray] = []
    for m, mode in enumerate(MODES):
        offset = m * N_CATEGORIES
        parts += [pair_base + mode.strategy.judge(exact, equal) + offset, missed_base + offset, spurious_base + offset]
    for part in parts:  # counted in place into `larger` (this function's own)
        np.add.at(counts, part, 1)
    return counts.reshape(n_docs, n_labels, len(MODES), N_CATEGORIES).transpose(0, 2, 1, 3).copy()


def score_entity_documents(
    documents: Sequence[tuple[Sequence[Entity], Sequence[Entity]]], *, fast: bool = True
) -> list[EntityScore]:
    """Score many documents' ``(gold, predicted)`` entities at once, vectorised over the corpus.

    A side may be given column-wise (:class:`bench.columns.EntityColumns`, itself a sequence of the
    records, built only if the error list asks for them). The alignment engine clusters the whole corpus in one sweep and aligns one-to-one
    clusters (the common case) without per-document Python work; all counts come
    tallied in place (``np.add.at``) per view and mode. ``fast=False`` sends every cluster, one-to-one
    ones included, through the general assignment (for tests: both paths must agree).
    """
    n_docs = len(documents)
    columns = [(_columns(g), _columns(p)) for g, p in documents]
    gold = _Side.of([g for g, _ in columns])
    pred = _Side.of([p for _, p in columns])
    gc, pc = COARSE_CODE[gold.labels], COARSE_CODE[pred.labels]
    found, ((alignments, fine_total), (_, coarse_total)) = _scored(
        gold, pred, [(gold.labels, pred.labels, len(LABELS)), (gc, pc, len(COARSE))], n_docs, general=not fast)
    total, coarse_total = fine_total.sum(axis=2), coarse_total.sum(axis=2)
    fine = _label_restricted(gold, pred, found, gold.labels, pred.labels, len(LABELS), n_docs, general=not fast)
    coarse = _label_restricted(gold, pred, found, gc, pc, len(COARSE), n_docs, general=not fast)
    g, p = alignments[MODES.index(Mode.STRICT)]
    errors = _errors(gold, pred, g, p, n_docs)
    pair_doc = gold.doc[g]
    # per document: the strict pairs as local indices and as label codes (the confusion matrix's input)
    pairs = _per_document([g - gold.first[pair_doc], p - pred.first[pred.doc[p]], gold.labels[g], pred.labels[p]],
                          pair_doc, n_docs)
    out: list[EntityScore] = []
    for d, (gold_entities, pred_entities) in enumerate(columns):
        local_g, local_p, gold_labels, pred_labels = pairs[d]
        out.append(
            EntityScore(
                EntityCounts(total[d], fine[d], coarse_total[d], coarse[d], errors[d]),
                gold_entities, pred_entities, local_g, local_p, gold_labels, pred_labels,
            )
        )
    return out


def _columns(entities: Sequence[Entity]) -> EntityColumns:
    """``entities`` column-wise (records are kept: :meth:`EntityColumns.of`)."""
    return entities if isinstance(entities, EntityColumns) else EntityColumns.of(entities)


def score_entities(gold: Sequence[Entity], pred: Sequence[Entity], *, fast: bool = True) -> EntityScore:
    """Score one document's predicted entities against its gold entities (see :func:`score_entity_documents`)."""
    return score_entity_documents([(gold, pred)], fast=fast)[0]

