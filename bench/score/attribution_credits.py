"""What each attribution count credits a (gold, predicted) pair with, and its alignment.

Every candidate pair of a document (the alignment engine's, :mod:`bench.score.align`)
is judged once per :class:`Credit`; each credit then gets its own one-to-one
alignment, ties broken by the strict alignment's preferences (module docstring of
:mod:`bench.score.attributions`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from bench.schema import Attribution
from bench.score.align import Alignment, Candidates, IntArray, Spans, candidates
from bench.score.attribution_match import Parts, agrees, names_entity, same_span, shared


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


def _spans(parts: Sequence[Parts], order: IntArray) -> Spans:
    """Attributions for the alignment engine: one cluster per document (every gold × predicted pair a
    candidate pair, the non-candidates with zero tiers), in the canonical ``order``.

    Attributions are not clustered by overlap: clusters of their token ranges would give the same
    optima but, between exactly tied alignments, may pick another one than the whole-document
    assignment scored so far (and so move a number); a document holds a handful of attributions.
    """
    return Spans.of([0] * len(parts), [1] * len(parts), order=(order,))


@dataclass(frozen=True, slots=True)
class Grid:
    """Every candidate pair of the engine judged (:func:`bench.score.align.candidates`).

    A *candidate* has contents identical or sharing a word token (only these pairs align);
    ``credits[c]``: credit of each pair under ``c`` (0 or 1, or shared tokens for overlaps);
    ``agree``: how many of source and cue are identical (missing agreeing with missing).
    """

    found: Candidates
    credits: Mapping[Credit, IntArray]
    agree: IntArray

    @classmethod
    def of(cls, gold: Sequence[Attribution], pred: Sequence[Attribution], gp: Sequence[Parts], pp: Sequence[Parts],
           text: str, order: tuple[IntArray, IntArray]) -> Grid:
        found = candidates(_spans(gp, order[0]), _spans(pp, order[1]))
        pairs = list(zip(found.gold.tolist(), found.pred.tolist()))

        def vector(judge: Any) -> IntArray:
            return np.fromiter((int(judge(gold[i], pred[j], gp[i], pp[j])) for i, j in pairs), dtype=np.int64, count=len(pairs))

        same_content = vector(lambda g, p, gx, px: gx.key == px.key)
        shared_words = vector(lambda g, p, gx, px: bool(gx.content_words & px.content_words))
        source = vector(lambda g, p, gx, px: same_span(g.source, p.source))
        cue = vector(lambda g, p, gx, px: same_span(g.cue, p.cue))
        candidate = (same_content | shared_words).astype(np.int64)
        lenient = vector(lambda g, p, gx, px: agrees(g.source, p.source, gx.source_words, px.source_words)
                         and agrees(g.cue, p.cue, gx.cue_words, px.cue_words)) * candidate
        has_source = vector(lambda g, p, gx, px: g.source is not None and p.source is not None)
        resolved = vector(lambda g, p, gx, px: g.source is not None and p.source is not None
                          and names_entity(text, p.source, g.source_entity))
        credits = {
            Credit.STRICT: same_content * source * cue,
            Credit.LENIENT: lenient,
            Credit.SOURCE_EXACT: source * has_source,
            Credit.CUE_EXACT: vector(lambda g, p, gx, px: g.cue is not None and same_span(g.cue, p.cue)),
            Credit.CONTENT_EXACT: same_content,
            Credit.SOURCE_OVERLAP: vector(lambda g, p, gx, px: shared(gx.source, px.source)),
            Credit.CUE_OVERLAP: vector(lambda g, p, gx, px: shared(gx.cue, px.cue)),
            Credit.CONTENT_OVERLAP: vector(lambda g, p, gx, px: len(gx.content & px.content)),
            Credit.SOURCE_RESOLVED: has_source * (source | resolved),
        }
        return cls(found, {c: m * candidate for c, m in credits.items()}, (source + cue) * candidate)

    def alignments(self) -> dict[Credit, Alignment]:
        """Per credit, the one-to-one alignment of candidates maximising it, then the strict
        alignment's preferences (identical relation, identical content, shared content tokens,
        agreeing source and cue). (A candidate always has a positive tier: identical content or
        shared content tokens.)"""
        ties = (self.credits[Credit.STRICT], self.credits[Credit.CONTENT_EXACT],
                self.credits[Credit.CONTENT_OVERLAP], self.agree)
        return {c: self.found.align(self.credits[c], *ties) for c in Credit}

    def total(self, credit: Credit, alignment: Alignment) -> int:
        return int(self.credits[credit][alignment.pair].sum())
