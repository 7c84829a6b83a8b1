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

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.division import ratio
from bench.schema import Attribution, Layer, QuoteKind, Span
from bench.score.align import IntArray, as_int_array, assign, lexicographic, unmatched
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
#: A content as the characters it covers: sorted, disjoint ``(start, end)`` ranges.
ContentKey = tuple[tuple[int, int], ...]


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


_ARTICLE = re.compile(r"^(the|a|an)\s+")
_POSSESSIVE = re.compile(r"['’]s$")


def normalise_name(name: str) -> str:
    """Case-folded, NFKC, white space collapsed, outer punctuation, a leading article and a final 's dropped.

    >>> normalise_name("  The Russian\\nDefense Ministry’s, ")
    'russian defense ministry'
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = " ".join(text.split())
    text = text.strip(" \t\"'“”‘’.,;:()[]-—–")
    text = _POSSESSIVE.sub("", text)
    return _ARTICLE.sub("", text)


def names_entity(text: str, span: Span, entity: str | None) -> bool:
    """Whether the text of ``span`` names ``entity`` (equal after :func:`normalise_name`)."""
    if entity is None:
        return False
    return normalise_name(text[span.start : span.end]) == normalise_name(entity)


def content_key(spans: Sequence[Span], text: str) -> ContentKey:
    """The characters a content covers, as sorted disjoint ``(start, end)`` ranges: spans that
    overlap, touch or are separated only by white space in ``text`` are merged.

    >>> content_key([Span(4, 7), Span(0, 3)], "one two")
    ((0, 7),)
    >>> content_key([Span(0, 3), Span(5, 8)], "one, two")
    ((0, 3), (5, 8))
    """
    merged: list[list[int]] = []
    for start, end in sorted((s.start, s.end) for s in spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].isspace()):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


@dataclass(frozen=True, slots=True)
class _Parts:
    """One attribution's token sets (``None`` when a component is absent), its word tokens and content key."""

    source: frozenset[int] | None
    cue: frozenset[int] | None
    content: frozenset[int]
    source_words: frozenset[int]
    cue_words: frozenset[int]
    content_words: frozenset[int]
    key: ContentKey

    @classmethod
    def of(cls, a: Attribution, tokens: Tokens, text: str) -> _Parts:
        source = None if a.source is None else tokens.token_set([a.source])
        cue = None if a.cue is None else tokens.token_set([a.cue])
        content = tokens.token_set(a.content)
        words = tokens.words
        return cls(source, cue, content, (source or frozenset()) & words, (cue or frozenset()) & words,
                   content & words, content_key(a.content, text))

    def size(self, component: str) -> int:
        """Tokens of ``component`` (0 when absent)."""
        found: frozenset[int] | None = getattr(self, component)
        return 0 if found is None else len(found)


def _same_span(a: Span | None, b: Span | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return (a.start, a.end) == (b.start, b.end)


def _agrees(a: Span | None, b: Span | None, a_words: frozenset[int], b_words: frozenset[int]) -> bool:
    """Lenient agreement of a source or cue: both missing, identical, or sharing a word token."""
    if a is None or b is None:
        return a is None and b is None
    return _same_span(a, b) or bool(a_words & b_words)


def _shared(a: frozenset[int] | None, b: frozenset[int] | None) -> int:
    if a is None or b is None:
        return 0
    return len(a & b)


def _sort_key(a: Attribution, key: ContentKey) -> tuple[Any, ...]:
    def span(s: Span | None) -> tuple[int, int]:
        return (-1, -1) if s is None else (s.start, s.end)

    return (key, span(a.source), span(a.cue), str(a.kind or ""), a.source_entity or "")


def strict_match(gold: Attribution, pred: Attribution, text: str) -> bool:
    """Source, cue and content all identical (content by the characters it covers, :func:`content_key`)."""
    return (
        _same_span(gold.source, pred.source)
        and _same_span(gold.cue, pred.cue)
        and content_key(gold.content, text) == content_key(pred.content, text)
    )


def pair_outcomes(gold: Attribution, pred: Attribution, text: str) -> tuple[Outcome, ...]:
    """Outcomes of an aligned attribution pair: MATCH, or each component that differs."""
    out: list[Outcome] = []
    if not _same_span(gold.source, pred.source):
        resolved = pred.source is not None and names_entity(text, pred.source, gold.source_entity)
        out.append(Outcome.SOURCE_RESOLVED if resolved else Outcome.WRONG_SOURCE)
    if not _same_span(gold.cue, pred.cue):
        out.append(Outcome.WRONG_CUE)
    if content_key(gold.content, text) != content_key(pred.content, text):
        out.append(Outcome.CONTENT_BOUNDARY)
    return tuple(out) or (Outcome.MATCH,)


class Credit(StrEnum):
    """What one count credits an aligned pair with; each has its own alignment maximising it."""

    STRICT = "strict"
    LENIENT = "lenient"
    SOURCE_EXACT = "source.exact"
    CUE_EXACT = "cue.exact"
    CONTENT_EXACT = "content.exact"
    SOURCE_OVERLAP = "source.overlap"
    CUE_OVERLAP = "cue.overlap"
    CONTENT_OVERLAP = "content.overlap"
    SOURCE_RESOLVED = "source.resolved"


Alignment = tuple[IntArray, IntArray]


@dataclass(frozen=True, slots=True)
class _Grid:
    """Every (gold, predicted) pair judged, rows and columns in canonical order.

    ``candidate``: contents identical or sharing a word token (only these pairs align);
    ``credits[c]``: credit of each pair under ``c`` (0 or 1, or shared tokens for overlaps);
    ``agree``: how many of source and cue are identical (missing agreeing with missing).
    """

    candidate: npt.NDArray[np.int64]
    credits: Mapping[Credit, npt.NDArray[np.int64]]
    agree: npt.NDArray[np.int64]

    @classmethod
    def of(cls, gold: Sequence[Attribution], pred: Sequence[Attribution],
           gp: Sequence[_Parts], pp: Sequence[_Parts], text: str) -> _Grid:
        def matrix(judge: Any) -> npt.NDArray[np.int64]:
            return np.array([[int(judge(gold[i], pred[j], gp[i], pp[j])) for j in range(len(pred))]
                             for i in range(len(gold))], dtype=np.int64).reshape(len(gold), len(pred))

        same_content = matrix(lambda g, p, gx, px: gx.key == px.key)
        shared_words = matrix(lambda g, p, gx, px: bool(gx.content_words & px.content_words))
        source = matrix(lambda g, p, gx, px: _same_span(g.source, p.source))
        cue = matrix(lambda g, p, gx, px: _same_span(g.cue, p.cue))
        candidate = (same_content | shared_words).astype(np.int64)
        lenient = matrix(lambda g, p, gx, px: _agrees(g.source, p.source, gx.source_words, px.source_words)
                         and _agrees(g.cue, p.cue, gx.cue_words, px.cue_words)) * candidate
        has_source = matrix(lambda g, p, gx, px: g.source is not None and p.source is not None)
        resolved = matrix(lambda g, p, gx, px: g.source is not None and p.source is not None
                          and names_entity(text, p.source, g.source_entity))
        credits = {
            Credit.STRICT: same_content * source * cue,
            Credit.LENIENT: lenient,
            Credit.SOURCE_EXACT: source * has_source,
            Credit.CUE_EXACT: matrix(lambda g, p, gx, px: g.cue is not None and _same_span(g.cue, p.cue)),
            Credit.CONTENT_EXACT: same_content,
            Credit.SOURCE_OVERLAP: matrix(lambda g, p, gx, px: _shared(gx.source, px.source)),
            Credit.CUE_OVERLAP: matrix(lambda g, p, gx, px: _shared(gx.cue, px.cue)),
            Credit.CONTENT_OVERLAP: matrix(lambda g, p, gx, px: len(gx.content & px.content)),
            Credit.SOURCE_RESOLVED: has_source * (source | resolved),
        }
        return cls(candidate, {c: m * candidate for c, m in credits.items()}, (source + cue) * candidate)

    def alignments(self) -> dict[Credit, Alignment]:
        """Per credit, the one-to-one alignment of candidates maximising it, then the strict
        alignment's preferences (identical relation, identical content, shared content tokens,
        agreeing source and cue)."""
        rows, cols = np.nonzero(self.candidate)
        if len(np.unique(rows)) == len(rows) and len(np.unique(cols)) == len(cols):
            forced = (rows.astype(np.int64), cols.astype(np.int64))  # no choice to make: every count agrees
            return {c: forced for c in Credit}
        ties = (self.credits[Credit.STRICT], self.credits[Credit.CONTENT_EXACT],
                self.credits[Credit.CONTENT_OVERLAP], self.agree)
        return {c: assign(lexicographic(self.credits[c], *ties)) for c in Credit}

    def total(self, credit: Credit, alignment: Alignment) -> int:
        rows, cols = alignment
        return int(self.credits[credit][rows, cols].sum())


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


def _coverage(grid: _Grid, credit: Credit, alignment: Alignment, gold_sizes: Sequence[int],
              pred_sizes: Sequence[int]) -> CoverageCounts:
    """Per-item coverage of one component on its overlap alignment (items without tokens are left out)."""
    shared = grid.credits[credit]
    rows, cols = alignment
    pairs = list(zip(rows.tolist(), cols.tolist()))
    pred_cover = sorted(shared[r, c] / pred_sizes[c] for r, c in pairs if pred_sizes[c])
    gold_cover = sorted(shared[r, c] / gold_sizes[r] for r, c in pairs if gold_sizes[r])
    return CoverageCounts(float(sum(pred_cover)), sum(1 for n in pred_sizes if n),
                          float(sum(gold_cover)), sum(1 for n in gold_sizes if n))


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


def score_attributions(gold: Sequence[Attribution], pred: Sequence[Attribution], *, text: str, tokens: Tokens | None = None) -> AttributionScore:
    """Score one document's predicted attributions against its gold attributions (module docstring)."""
    tokens = tokens if tokens is not None else Tokens.of(text)
    g_parts = [_Parts.of(a, tokens, text) for a in gold]
    p_parts = [_Parts.of(a, tokens, text) for a in pred]
    # Canonical order (independent of input order), so that ties are always broken the same way.
    g_order = sorted(range(len(gold)), key=lambda i: _sort_key(gold[i], g_parts[i].key))
    p_order = sorted(range(len(pred)), key=lambda j: _sort_key(pred[j], p_parts[j].key))
    gs, ps = [gold[i] for i in g_order], [pred[j] for j in p_order]
    gp, pp = [g_parts[i] for i in g_order], [p_parts[j] for j in p_order]
    grid = _Grid.of(gs, ps, gp, pp, text)
    aligned = grid.alignments()

    def original(alignment: Alignment) -> Alignment:
        rows, cols = alignment
        return as_int_array([g_order[r] for r in rows.tolist()]), as_int_array([p_order[c] for c in cols.tolist()])

    def present(parts: Sequence[_Parts], name: str) -> int:
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
        rows, cols = aligned[credit]
        return [bool(x) for x in grid.credits[credit][rows, cols].tolist()]

    strict_rows = _kind_rows(gs, ps, aligned[Credit.STRICT], verdicts(Credit.STRICT))
    lenient_rows = _kind_rows(gs, ps, aligned[Credit.LENIENT], verdicts(Credit.LENIENT))
    by_kind = KindCounts(**{
        name: RelationCounts(strict_rows.get(name, MatchCounts()), lenient_rows.get(name, MatchCounts()))
        for name in strict_rows.keys() | lenient_rows.keys()
    })
    g_idx, p_idx = original(aligned[Credit.STRICT])
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
