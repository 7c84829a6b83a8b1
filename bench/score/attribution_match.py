"""Comparing one gold and one predicted attribution: names, content keys, token sets, agreement.

Content is compared by what it covers (:func:`content_key`); sources and cues by
their spans, leniently by a shared word token (:func:`agrees`); a predicted
source may name the gold ``source_entity`` (:func:`names_entity`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.schema import Attribution, Span
from bench.score.items import Outcome
from bench.score.tokens import Tokens

#: A content as the characters it covers: sorted, disjoint ``(start, end)`` ranges.
ContentKey = tuple[tuple[int, int], ...]


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
class Parts:
    """One attribution's token sets (``None`` when a component is absent), its word tokens and content key."""

    source: frozenset[int] | None
    cue: frozenset[int] | None
    content: frozenset[int]
    source_words: frozenset[int]
    cue_words: frozenset[int]
    content_words: frozenset[int]
    key: ContentKey

    @classmethod
    def of(cls, a: Attribution, tokens: Tokens, text: str) -> Parts:
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


def same_span(a: Span | None, b: Span | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return (a.start, a.end) == (b.start, b.end)


def agrees(a: Span | None, b: Span | None, a_words: frozenset[int], b_words: frozenset[int]) -> bool:
    """Lenient agreement of a source or cue: both missing, identical, or sharing a word token."""
    if a is None or b is None:
        return a is None and b is None
    return same_span(a, b) or bool(a_words & b_words)


def shared(a: frozenset[int] | None, b: frozenset[int] | None) -> int:
    if a is None or b is None:
        return 0
    return len(a & b)


def sort_key(a: Attribution, key: ContentKey) -> tuple[Any, ...]:
    def span(s: Span | None) -> tuple[int, int]:
        return (-1, -1) if s is None else (s.start, s.end)

    return (key, span(a.source), span(a.cue), str(a.kind or ""), a.source_entity or "")


def pair_outcomes(gold: Attribution, pred: Attribution, text: str) -> tuple[Outcome, ...]:
    """Outcomes of an aligned attribution pair: MATCH, or each component that differs."""
    out: list[Outcome] = []
    if not same_span(gold.source, pred.source):
        resolved = pred.source is not None and names_entity(text, pred.source, gold.source_entity)
        out.append(Outcome.SOURCE_RESOLVED if resolved else Outcome.WRONG_SOURCE)
    if not same_span(gold.cue, pred.cue):
        out.append(Outcome.WRONG_CUE)
    if content_key(gold.content, text) != content_key(pred.content, text):
        out.append(Outcome.CONTENT_BOUNDARY)
    return tuple(out) or (Outcome.MATCH,)
