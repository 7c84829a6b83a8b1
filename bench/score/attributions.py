"""Attribution scores: relation-level strict/lenient, per-component exact and token overlap,
resolved source, kind agreement, breakdown by kind, and error counts.

Content is compared by what it covers: its spans are sorted and spans that
overlap, touch or are separated only by white space are merged
(:func:`content_key`), so content ``[23,34)+[34,39)`` equals ``[23,39)``.

Alignment. A gold and a predicted attribution are *candidates* for each other
when their contents are identical or share a word token (a token with an
alphanumeric character, :mod:`bench.score.tokens`); other pairs are never
aligned. Every count below has its own one-to-one alignment of candidates, the
one that maximises that count's credit (as the entity scorer does per mode);
ties are broken by the preferences of the *strict alignment*: a fully identical
relation, then identical content, then more shared content tokens, then more
agreeing source and cue spans (:mod:`bench.score.align`). The strict alignment
also serves the error list (:meth:`AttributionScore.items`, ``errors``) and ``kind``.

* ``strict``  — pairs whose source, cue and content are all identical
  (a missing source or cue agrees only with a missing one);
* ``lenient`` — pairs whose source, cue and content are each identical or share
  at least one word token (again, missing agrees only with missing).
  Both: precision over all predicted attributions, recall over all gold ones.
* per component (``source``, ``cue``, ``content``):

  - ``exact`` — pairs where both have the component and it is identical, over
    predictions / gold items that have it;
  - ``overlap`` — token coverage *pooled over aligned pairs* (as citron's PARC
    scorer pools it): precision = Σ tokens shared by aligned pairs / Σ tokens of
    every predicted component, aligned or not; recall = the same Σ / Σ tokens of
    every gold component; the alignment maximises Σ shared tokens. Long spans
    weigh more than short ones.
  - ``overlap_jm`` — Johansson & Moschitti's coverage *averaged per item* (one
    span, one vote), on the ``overlap`` alignment: precision = mean over predicted
    items having the component (with at least one token) of shared tokens / the
    item's tokens, an unaligned item counting 0; recall = the same mean over gold items.
* ``source.resolved`` — like ``source.exact``, but a predicted source also counts
  when its text names the gold ``source_entity`` (:func:`names_entity`), so
  "Russian Defense Ministry" is credited where the gold span is "the ministry".
* ``kind`` — over pairs of the strict alignment where both have a kind: accuracy
  = pairs with equal kinds / those pairs, and the confusion matrix (rows gold
  kind, columns predicted kind, in :class:`~bench.schema.QuoteKind` order).
* ``by_kind`` — strict counts (strict alignment) and lenient counts (lenient
  alignment) per kind: an aligned pair and a missed gold item count under the
  gold kind, a spurious prediction under its own kind (or ``unspecified``).
* errors — on the strict alignment: missed, spurious, and per aligned pair:
  wrong_source (or source_resolved when the differing source names the gold
  entity), wrong_cue, content_boundary.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench.division import ratio
from bench.schema import Attribution, Layer, QuoteKind
from bench.score.align import Alignment, IntArray, rank, unmatched
from bench.score.attribution_credits import Credit, Grid
from bench.score.attribution_match import (
    Parts,
    pair_outcomes,
    sort_key,
)
from bench.score.counts import PRF, MatchCounts, OverlapCounts, Tally, _Addable
from bench.score.items import Outcome, ScoredItem
from bench.score.keys import AttributionMetric, Component, ComponentMetric, ComponentView
from bench.score.tokens import Tokens

#: Error-count outcomes of the attribution layer, in report order.
ATTRIBUTION_OUTCOMES: tuple[Outcome, ...] = (
    Outcome.MISSED,
    Outcome.SPURIOUS,
    Outcome.WRONG_SOURCE,
    Outcome.SOURCE_RESOLVED,
    Outcome.WRONG_CUE,
    Outcome.CONTENT_BOUNDARY,
)
#: Key for attributions without a kind in ``by_kind``.
UNSPECIFIED = "unspecified"
#: Rows and columns of the kind confusion matrix.
KINDS: tuple[QuoteKind, ...] = tuple(QuoteKind)


@dataclass(frozen=True, slots=True)
class CoverageCounts(_Addable):
    """Per-item token coverage sums (Johansson & Moschitti's average coverage).

    ``precision_sum`` = Σ over predicted items of shared tokens / the item's tokens
    (0 for an unaligned item) over ``predicted`` items; ``recall_sum`` likewise over
    ``gold`` items. Precision and recall are the means.

    >>> CoverageCounts(precision_sum=1.5, predicted=2, recall_sum=0.5, gold=1).prf()
    PRF(precision=0.75, recall=0.5, f1=0.6)
    """

    precision_sum: float = 0.0
    predicted: int = 0
    recall_sum: float = 0.0
    gold: int = 0

    def prf(self) -> PRF:
        return PRF.of(ratio(self.precision_sum, self.predicted), ratio(self.recall_sum, self.gold))

    def to_dict(self) -> dict[str, float | int | None]:
        return {**self.prf().to_dict(), "predicted": self.predicted, "gold": self.gold}


@dataclass(frozen=True, slots=True)
class ComponentCounts(_Addable):
    """Exact-match, pooled token-overlap and per-item coverage counts of one component."""

    exact: MatchCounts = field(default_factory=MatchCounts)
    overlap: OverlapCounts = field(default_factory=OverlapCounts)
    overlap_jm: CoverageCounts = field(default_factory=CoverageCounts)

    def view(self, view: ComponentView) -> MatchCounts | OverlapCounts | CoverageCounts:
        """The counts of one way of comparing the component."""
        views: dict[ComponentView, MatchCounts | OverlapCounts | CoverageCounts] = {
            ComponentView.EXACT: self.exact, ComponentView.OVERLAP: self.overlap, ComponentView.OVERLAP_JM: self.overlap_jm}
        return views[view]

    def to_dict(self) -> dict[str, Any]:
        return {view.value: self.view(view).to_dict() for view in ComponentView}


@dataclass(frozen=True, slots=True)
class RelationCounts(_Addable):
    """Strict and lenient relation matches."""

    strict: MatchCounts = field(default_factory=MatchCounts)
    lenient: MatchCounts = field(default_factory=MatchCounts)

    def metric(self, metric: AttributionMetric) -> MatchCounts:
        """The counts of one relation-level metric."""
        return {AttributionMetric.STRICT: self.strict, AttributionMetric.LENIENT: self.lenient}[metric]

    def to_dict(self) -> dict[str, Any]:
        return {metric.value: self.metric(metric).to_dict() for metric in AttributionMetric}


@dataclass(frozen=True, slots=True)
class KindCounts(_Addable):
    """Relation counts per attribution kind."""

    direct: RelationCounts = field(default_factory=RelationCounts)
    indirect: RelationCounts = field(default_factory=RelationCounts)
    mixed: RelationCounts = field(default_factory=RelationCounts)
    unspecified: RelationCounts = field(default_factory=RelationCounts)

    def of(self, kind: QuoteKind | None) -> RelationCounts:
        """The counts of one kind (``None``: attributions without a kind, ``unspecified``)."""
        return {QuoteKind.DIRECT: self.direct, QuoteKind.INDIRECT: self.indirect, QuoteKind.MIXED: self.mixed,
                None: self.unspecified}[kind]

    def by_name(self) -> dict[str, RelationCounts]:
        """``{kind or unspecified: counts}`` for every kind."""
        return {UNSPECIFIED if kind is None else kind.value: self.of(kind) for kind in (*QuoteKind, None)}

    def to_dict(self) -> dict[str, Any]:
        return {name: counts.to_dict() for name, counts in self.by_name().items()}


_ZERO_MATRIX: tuple[tuple[int, ...], ...] = tuple((0,) * len(KINDS) for _ in KINDS)


@dataclass(frozen=True, slots=True)
class KindConfusion:
    """Kind agreement of aligned pairs where both sides have a kind.

    ``matrix[i][j]``: pairs with gold kind ``KINDS[i]`` and predicted kind ``KINDS[j]``.
    Accuracy = the diagonal's sum / all such pairs.

    >>> c = KindConfusion.of([(QuoteKind.DIRECT, QuoteKind.DIRECT), (QuoteKind.MIXED, QuoteKind.DIRECT)])
    >>> c.correct, c.pairs, c.matrix[2]
    (1, 2, (1, 0, 0))
    """

    matrix: tuple[tuple[int, ...], ...] = _ZERO_MATRIX

    @classmethod
    def of(cls, pairs: Sequence[tuple[QuoteKind, QuoteKind]]) -> KindConfusion:
        rows = [[0] * len(KINDS) for _ in KINDS]
        for gold, pred in pairs:
            rows[KINDS.index(gold)][KINDS.index(pred)] += 1
        return cls(tuple(tuple(row) for row in rows))

    @property
    def correct(self) -> int:
        return sum(self.matrix[i][i] for i in range(len(KINDS)))

    @property
    def pairs(self) -> int:
        return sum(map(sum, self.matrix))

    def __add__(self, other: KindConfusion) -> KindConfusion:
        if not isinstance(other, KindConfusion):
            return NotImplemented
        return KindConfusion(tuple(tuple(a + b for a, b in zip(x, y)) for x, y in zip(self.matrix, other.matrix)))

    def __radd__(self, other: object) -> KindConfusion:
        if other == 0:
            return self
        return NotImplemented

    @property
    def accuracy(self) -> float | None:
        return ratio(self.correct, self.pairs)

    @property
    def labels(self) -> tuple[str, ...]:
        """Rows and columns of :attr:`matrix`."""
        return tuple(k.value for k in KINDS)

    def to_dict(self) -> dict[str, Any]:
        return {"accuracy": self.accuracy, "correct": self.correct, "pairs": self.pairs,
                "labels": list(self.labels), "matrix": [list(row) for row in self.matrix]}


@dataclass(frozen=True, slots=True)
class AttributionCounts(_Addable):
    """Addable attribution counts of one document or many."""

    relation: RelationCounts = field(default_factory=RelationCounts)
    source: ComponentCounts = field(default_factory=ComponentCounts)
    cue: ComponentCounts = field(default_factory=ComponentCounts)
    content: ComponentCounts = field(default_factory=ComponentCounts)
    resolved_source: MatchCounts = field(default_factory=MatchCounts)
    by_kind: KindCounts = field(default_factory=KindCounts)
    errors: Tally[Outcome] = field(default_factory=Tally)
    kind: KindConfusion = field(default_factory=KindConfusion)

    def component(self, component: Component) -> ComponentCounts:
        """The counts of one component."""
        return {Component.SOURCE: self.source, Component.CUE: self.cue, Component.CONTENT: self.content}[component]

    def component_metric(self, metric: ComponentMetric) -> MatchCounts | OverlapCounts | CoverageCounts:
        """The counts of one component metric (:attr:`ComponentMetric.SOURCE_RESOLVED`: the resolved source)."""
        view = metric.view
        return self.resolved_source if view is None else self.component(metric.component).view(view)

    def to_dict(self) -> dict[str, Any]:
        """The ``attributions`` section of the score JSON."""
        components = {component.value: self.component(component).to_dict() for component in Component}
        components[Component.SOURCE.value]["resolved"] = self.resolved_source.to_dict()
        return {
            **{metric.value: self.relation.metric(metric).to_dict() for metric in AttributionMetric},
            **components,
            "kind": self.kind.to_dict(),
            "by_kind": self.by_kind.to_dict(),
            "errors": self.errors.to_dict(ATTRIBUTION_OUTCOMES),
        }


@dataclass(frozen=True, slots=True, eq=False)
class AttributionScore:
    """One document's attribution result: counts plus the strict alignment for the error list."""

    counts: AttributionCounts
    gold: tuple[Attribution, ...]
    pred: tuple[Attribution, ...]
    gold_aligned: IntArray
    pred_aligned: IntArray
    text: str

    def items(self, doc_id: str) -> Iterator[ScoredItem]:
        """Every pair of the strict alignment, missed gold attribution and spurious prediction."""
        for g, p in zip(self.gold_aligned.tolist(), self.pred_aligned.tolist()):
            outcomes = pair_outcomes(self.gold[g], self.pred[p], self.text)
            yield ScoredItem(doc_id, Layer.ATTRIBUTIONS, outcomes, self.gold[g], self.pred[p], g, p)
        for g in unmatched(len(self.gold), self.gold_aligned).tolist():
            yield ScoredItem(doc_id, Layer.ATTRIBUTIONS, (Outcome.MISSED,), self.gold[g], None, g, None)
        for p in unmatched(len(self.pred), self.pred_aligned).tolist():
            yield ScoredItem(doc_id, Layer.ATTRIBUTIONS, (Outcome.SPURIOUS,), None, self.pred[p], None, p)


def _coverage(grid: Grid, credit: Credit, alignment: Alignment, gold_sizes: Sequence[int],
              pred_sizes: Sequence[int]) -> CoverageCounts:
    """Per-item coverage of one component on its overlap alignment (items without tokens are left out)."""
    pairs = zip(alignment.gold.tolist(), alignment.pred.tolist(), grid.credits[credit][alignment.pair].tolist())
    pred_cover, gold_cover = [], []
    for r, c, shared_tokens in pairs:
        if pred_sizes[c]:
            pred_cover.append(shared_tokens / pred_sizes[c])
        if gold_sizes[r]:
            gold_cover.append(shared_tokens / gold_sizes[r])
    return CoverageCounts(float(sum(sorted(pred_cover))), sum(1 for n in pred_sizes if n),
                          float(sum(sorted(gold_cover))), sum(1 for n in gold_sizes if n))


def _kind_rows(gold: Sequence[Attribution], pred: Sequence[Attribution], alignment: Alignment,
               correct: Sequence[bool]) -> dict[str, MatchCounts]:
    """Matches per kind: a pair and a missed item under the gold kind, a spurious one under its own."""
    rows: dict[str, MatchCounts] = {}

    def add(kind: QuoteKind | None, counts: MatchCounts) -> None:
        name = UNSPECIFIED if kind is None else kind.value
        rows[name] = rows.get(name, MatchCounts()) + counts

    g_idx, p_idx = alignment
    for i, ok in zip(g_idx.tolist(), correct):
        add(gold[i].kind, MatchCounts(int(ok), 1, 1))
    for i in unmatched(len(gold), g_idx).tolist():
        add(gold[i].kind, MatchCounts(0, 0, 1))
    for j in unmatched(len(pred), p_idx).tolist():
        add(pred[j].kind, MatchCounts(0, 1, 0))
    return rows


def _canonical(alignment: Alignment, gold_order: IntArray) -> tuple[IntArray, IntArray]:
    """The aligned pairs listed by their gold item's canonical position (the error list's order)."""
    by = np.lexsort((alignment.gold, gold_order[alignment.gold]))
    return alignment.gold[by], alignment.pred[by]


def score_attributions(gold: Sequence[Attribution], pred: Sequence[Attribution], *, text: str, tokens: Tokens | None = None) -> AttributionScore:
    """Score one document's predicted attributions against its gold attributions (module docstring)."""
    tokens = tokens if tokens is not None else Tokens.of(text)
    gp = [Parts.of(a, tokens, text) for a in gold]
    pp = [Parts.of(a, tokens, text) for a in pred]
    # Canonical order (independent of input order), so that ties are always broken the same way.
    order = (rank([sort_key(a, x.key) for a, x in zip(gold, gp)]), rank([sort_key(a, x.key) for a, x in zip(pred, pp)]))
    grid = Grid.of(gold, pred, gp, pp, text, order)
    aligned = grid.alignments()

    def present(parts: Sequence[Parts], name: str) -> int:
        return sum(getattr(x, name) is not None for x in parts)

    def match(credit: Credit, predicted: int, gold_n: int) -> MatchCounts:
        return MatchCounts(grid.total(credit, aligned[credit]), predicted, gold_n)

    def component(name: str) -> ComponentCounts:
        n_pred = present(pp, name) if name != "content" else len(pred)
        n_gold = present(gp, name) if name != "content" else len(gold)
        overlap = Credit(f"{name}.overlap")
        g_sizes, p_sizes = [x.size(name) for x in gp], [x.size(name) for x in pp]
        return ComponentCounts(
            match(Credit(f"{name}.exact"), n_pred, n_gold),
            OverlapCounts(grid.total(overlap, aligned[overlap]), sum(p_sizes), sum(g_sizes)),
            _coverage(grid, overlap, aligned[overlap], g_sizes, p_sizes),
        )

    def verdicts(credit: Credit) -> list[bool]:
        return [bool(x) for x in grid.credits[credit][aligned[credit].pair].tolist()]

    strict_rows = _kind_rows(gold, pred, aligned[Credit.STRICT], verdicts(Credit.STRICT))
    lenient_rows = _kind_rows(gold, pred, aligned[Credit.LENIENT], verdicts(Credit.LENIENT))
    by_kind = KindCounts(**{
        name: RelationCounts(strict_rows.get(name, MatchCounts()), lenient_rows.get(name, MatchCounts()))
        for name in strict_rows.keys() | lenient_rows.keys()
    })
    g_idx, p_idx = _canonical(aligned[Credit.STRICT], order[0])
    pairs = list(zip(g_idx.tolist(), p_idx.tolist()))
    outcomes: list[Outcome] = [Outcome.MISSED] * (len(gold) - len(pairs)) + [Outcome.SPURIOUS] * (len(pred) - len(pairs))
    for i, j in pairs:
        outcomes += [o for o in pair_outcomes(gold[i], pred[j], text) if o is not Outcome.MATCH]
    kinds = [(k, q) for k, q in ((gold[i].kind, pred[j].kind) for i, j in pairs) if k is not None and q is not None]
    counts = AttributionCounts(
        relation=RelationCounts(match(Credit.STRICT, len(pred), len(gold)), match(Credit.LENIENT, len(pred), len(gold))),
        source=component("source"),
        cue=component("cue"),
        content=component("content"),
        resolved_source=match(Credit.SOURCE_RESOLVED, present(pp, "source"), present(gp, "source")),
        by_kind=by_kind,
        errors=Tally(outcomes),
        kind=KindConfusion.of(kinds),
    )
    return AttributionScore(counts, tuple(gold), tuple(pred), g_idx, p_idx, text)
