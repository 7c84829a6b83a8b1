"""Attribution scores: relation-level strict/lenient, per-component exact and token overlap,
resolved source, breakdown by kind, and error counts.

Predicted attributions are aligned to gold ones one-to-one by content overlap
in tokens (:mod:`bench.score.tokens`), preferring a fully identical relation,
then identical content, then more shared content tokens, then agreeing source
and cue spans. Pairs whose contents differ and share no token are never aligned.

* ``strict``  — an aligned pair whose source, cue and content are all identical
  (a missing source or cue agrees only with a missing one);
* ``lenient`` — an aligned pair whose source, cue and content are each identical
  or share at least one token (again, missing agrees only with missing).
  Both: precision over all predicted attributions, recall over all gold ones.
* per component (``source``, ``cue``, ``content``): ``exact`` counts aligned pairs
  where both have the component and it is identical, over predictions / gold
  items that have it; ``overlap`` is Johansson & Moschitti's coverage pooled over
  tokens: precision = Σ shared tokens of aligned pairs / Σ tokens of every
  predicted component, recall = the same Σ / Σ tokens of every gold component.
  (J&M average per-span coverage ratios; we pool tokens, so long spans weigh more.)
* ``source.resolved`` — like ``source.exact``, but a predicted source also counts
  when its text names the gold ``source_entity`` (:func:`names_entity`), so
  "Russian Defense Ministry" is credited where the gold span is "the ministry".
* ``by_kind`` — strict and lenient counts per gold kind (a spurious prediction
  counts under its own kind, or ``unspecified``).
* errors — missed, spurious, and per aligned pair: wrong_source (or
  source_resolved when the differing source names the gold entity), wrong_cue,
  content_boundary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench.schema import Attribution, Layer, QuoteKind, Span
from bench.score.align import IntArray, as_int_array, assign, lexicographic, unmatched
from bench.score.counts import MatchCounts, OverlapCounts, Tally, _Addable
from bench.score.items import Outcome, ScoredItem
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


@dataclass(frozen=True, slots=True)
class ComponentCounts(_Addable):
    """Exact-match and token-overlap counts of one component (source, cue or content)."""

    exact: MatchCounts = field(default_factory=MatchCounts)
    overlap: OverlapCounts = field(default_factory=OverlapCounts)

    def to_dict(self) -> dict[str, Any]:
        return {"exact": self.exact.to_dict(),
                "overlap": self.overlap.to_dict()}


@dataclass(frozen=True, slots=True)
class RelationCounts(_Addable):
    """Strict and lenient relation matches."""

    strict: MatchCounts = field(default_factory=MatchCounts)
    lenient: MatchCounts = field(default_factory=MatchCounts)

    def to_dict(self) -> dict[str, Any]:
        return {"strict": self.strict.to_dict(),
                "lenient": self.lenient.to_dict()}


@dataclass(frozen=True, slots=True)
class KindCounts(_Addable):
    """Relation counts per attribution kind."""

    direct: RelationCounts = field(default_factory=RelationCounts)
    indirect: RelationCounts = field(default_factory=RelationCounts)
    mixed: RelationCounts = field(default_factory=RelationCounts)
    unspecified: RelationCounts = field(default_factory=RelationCounts)

    def to_dict(self) -> dict[str, Any]:
        names = [k.value for k in QuoteKind] + [UNSPECIFIED]
        return {name: getattr(self, name).to_dict() for name in names}


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

    def to_dict(self) -> dict[str, Any]:
        """The ``attributions`` section of the score JSON."""
        source = self.source.to_dict()
        source["resolved"] = self.resolved_source.to_dict()
        return {
            "strict": self.relation.strict.to_dict(),
            "lenient": self.relation.lenient.to_dict(),
            "source": source,
            "cue": self.cue.to_dict(),
            "content": self.content.to_dict(),
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


@dataclass(frozen=True, slots=True)
class _Parts:
    """Token sets of one attribution's components (``None`` when absent)."""

    source: frozenset[int] | None
    cue: frozenset[int] | None
    content: frozenset[int]

    @classmethod
    def of(cls, a: Attribution, tokens: Tokens) -> _Parts:
        return cls(
            None if a.source is None else tokens.token_set([a.source]),
            None if a.cue is None else tokens.token_set([a.cue]),
            tokens.token_set(a.content),
        )


def _same_span(a: Span | None, b: Span | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return (a.start, a.end) == (b.start, b.end)


def _content_key(a: Attribution) -> tuple[tuple[int, int], ...]:
    return tuple(sorted((s.start, s.end) for s in a.content))


def _same_content(a: Attribution, b: Attribution) -> bool:
    return _content_key(a) == _content_key(b)


def _touch(a: frozenset[int] | None, b: frozenset[int] | None, a_span: Span | None, b_span: Span | None) -> bool:
    """Lenient agreement of a component: both missing, identical, or sharing a token."""
    if a is None or b is None:
        return a is None and b is None
    return _same_span(a_span, b_span) or bool(a & b)


def _shared(a: frozenset[int] | None, b: frozenset[int] | None) -> int:
    if a is None or b is None:
        return 0
    return len(a & b)


def _sort_key(a: Attribution) -> tuple[Any, ...]:
    def span(s: Span | None) -> tuple[int, int]:
        return (-1, -1) if s is None else (s.start, s.end)

    return (_content_key(a), span(a.source), span(a.cue), str(a.kind or ""), a.source_entity or "")


def strict_match(gold: Attribution, pred: Attribution) -> bool:
    """Source, cue and content all identical."""
    return _same_span(gold.source, pred.source) and _same_span(gold.cue, pred.cue) and _same_content(gold, pred)


def pair_outcomes(gold: Attribution, pred: Attribution, text: str) -> tuple[Outcome, ...]:
    """Outcomes of an aligned attribution pair: MATCH, or each component that differs."""
    out: list[Outcome] = []
    if not _same_span(gold.source, pred.source):
        resolved = pred.source is not None and names_entity(text, pred.source, gold.source_entity)
        out.append(Outcome.SOURCE_RESOLVED if resolved else Outcome.WRONG_SOURCE)
    if not _same_span(gold.cue, pred.cue):
        out.append(Outcome.WRONG_CUE)
    if not _same_content(gold, pred):
        out.append(Outcome.CONTENT_BOUNDARY)
    return tuple(out) or (Outcome.MATCH,)


@dataclass(frozen=True, slots=True, eq=False)
class AttributionScore:
    """One document's attribution result: counts plus the alignment for the error list."""

    counts: AttributionCounts
    gold: tuple[Attribution, ...]
    pred: tuple[Attribution, ...]
    gold_aligned: IntArray
    pred_aligned: IntArray
    text: str

    def items(self, doc_id: str) -> Iterator[ScoredItem]:
        """Every aligned pair, missed gold attribution and spurious prediction."""
        for g, p in zip(self.gold_aligned.tolist(), self.pred_aligned.tolist()):
            outcomes = pair_outcomes(self.gold[g], self.pred[p], self.text)
            yield ScoredItem(doc_id, Layer.ATTRIBUTIONS, outcomes, self.gold[g], self.pred[p], g, p)
        for g in unmatched(len(self.gold), self.gold_aligned).tolist():
            yield ScoredItem(doc_id, Layer.ATTRIBUTIONS, (Outcome.MISSED,), self.gold[g], None, g, None)
        for p in unmatched(len(self.pred), self.pred_aligned).tolist():
            yield ScoredItem(doc_id, Layer.ATTRIBUTIONS, (Outcome.SPURIOUS,), None, self.pred[p], None, p)


def _align(
    gold: Sequence[Attribution], pred: Sequence[Attribution], gp: Sequence[_Parts], pp: Sequence[_Parts]
) -> tuple[IntArray, IntArray]:
    if not gold or not pred:
        return as_int_array([]), as_int_array([])
    g_keys = [_sort_key(a) for a in gold]
    p_keys = [_sort_key(a) for a in pred]
    g_order = sorted(range(len(gold)), key=g_keys.__getitem__)
    p_order = sorted(range(len(pred)), key=p_keys.__getitem__)
    # _sort_key is (content, source, cue, ...): components compare equal exactly when the key parts do.
    shared = np.array([[len(gp[i].content & pp[j].content) for j in p_order] for i in g_order], dtype=np.int64)
    content = np.array([[g_keys[i][0] == p_keys[j][0] for j in p_order] for i in g_order], dtype=np.int64)
    source = np.array([[g_keys[i][1] == p_keys[j][1] for j in p_order] for i in g_order], dtype=np.int64)
    cue = np.array([[g_keys[i][2] == p_keys[j][2] for j in p_order] for i in g_order], dtype=np.int64)
    touching = (shared > 0) | (content > 0)  # identical content aligns even if it covers no token
    whole = content * source * cue
    rows, cols = assign(lexicographic(whole * touching, content * touching, shared, (source + cue) * touching))
    return as_int_array([g_order[r] for r in rows.tolist()]), as_int_array([p_order[c] for c in cols.tolist()])


def score_attributions(gold: Sequence[Attribution], pred: Sequence[Attribution], *, text: str, tokens: Tokens | None = None) -> AttributionScore:
    """Score one document's predicted attributions against its gold attributions."""
    tokens = tokens if tokens is not None else Tokens.of(text)
    gp = [_Parts.of(a, tokens) for a in gold]
    pp = [_Parts.of(a, tokens) for a in pred]
    g_idx, p_idx = _align(gold, pred, gp, pp)

    def present(parts: Sequence[_Parts], name: str) -> int:
        return sum(getattr(x, name) is not None for x in parts)

    def size(parts: Sequence[_Parts], name: str) -> int:
        return sum(len(getattr(x, name) or ()) for x in parts)

    strict = lenient = resolved = 0
    exact = {"source": 0, "cue": 0, "content": 0}
    shared = {"source": 0, "cue": 0, "content": 0}
    kind_tally: dict[str, list[int]] = {}  # kind → strict correct, lenient correct, predicted, gold

    def add_kind(kind: QuoteKind | None, strict_ok: bool, lenient_ok: bool, predicted: int, gold_n: int) -> None:
        row = kind_tally.setdefault(UNSPECIFIED if kind is None else kind.value, [0, 0, 0, 0])
        row[0] += strict_ok
        row[1] += lenient_ok
        row[2] += predicted
        row[3] += gold_n

    outcomes: list[Outcome] = [Outcome.MISSED] * (len(gold) - len(g_idx)) + [Outcome.SPURIOUS] * (len(pred) - len(p_idx))
    for i, j in zip(g_idx.tolist(), p_idx.tolist()):
        g, p, gx, px = gold[i], pred[j], gp[i], pp[j]
        is_strict = strict_match(g, p)
        is_lenient = (
            _touch(gx.source, px.source, g.source, p.source)
            and _touch(gx.cue, px.cue, g.cue, p.cue)
            and (_same_content(g, p) or bool(gx.content & px.content))
        )
        strict += is_strict
        lenient += is_lenient
        exact["source"] += g.source is not None and _same_span(g.source, p.source)
        exact["cue"] += g.cue is not None and _same_span(g.cue, p.cue)
        exact["content"] += _same_content(g, p)
        for name in shared:
            shared[name] += _shared(getattr(gx, name), getattr(px, name))
        if g.source is not None and p.source is not None:
            resolved += _same_span(g.source, p.source) or names_entity(text, p.source, g.source_entity)
        add_kind(g.kind, is_strict, is_lenient, 1, 1)
        outcomes += [o for o in pair_outcomes(g, p, text) if o is not Outcome.MATCH]
    for i in unmatched(len(gold), g_idx).tolist():
        add_kind(gold[i].kind, False, False, 0, 1)
    for j in unmatched(len(pred), p_idx).tolist():
        add_kind(pred[j].kind, False, False, 1, 0)

    def component(name: str) -> ComponentCounts:
        n_pred = present(pp, name) if name != "content" else len(pred)
        n_gold = present(gp, name) if name != "content" else len(gold)
        return ComponentCounts(
            MatchCounts(exact[name], n_pred, n_gold),
            OverlapCounts(shared[name], size(pp, name), size(gp, name)),
        )

    counts = AttributionCounts(
        relation=RelationCounts(MatchCounts(strict, len(pred), len(gold)), MatchCounts(lenient, len(pred), len(gold))),
        source=component("source"),
        cue=component("cue"),
        content=component("content"),
        resolved_source=MatchCounts(resolved, present(pp, "source"), present(gp, "source")),
        by_kind=KindCounts(**{
            kind: RelationCounts(MatchCounts(s, p, g), MatchCounts(lenient_n, p, g))
            for kind, (s, lenient_n, p, g) in kind_tally.items()
        }),
        errors=Tally(outcomes),
    )
    return AttributionScore(counts, tuple(gold), tuple(pred), g_idx, p_idx, text)
