"""Tokens for overlap scores: runs of word characters, or single other non-space characters.

Overlap in the attribution layer is counted in tokens, not characters, so that
a span boundary one character off inside a word costs one token, and white
space costs nothing. A character span covers every token it touches. A *word*
token has at least one alphanumeric character (a run of underscores, a quotation
mark or a comma is not one): lenient attribution matches must share a word token.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bench.schema import Span

TOKEN = re.compile(r"\w+|[^\w\s]")


def is_word(token: str) -> bool:
    """Whether a token has at least one alphanumeric character.

    >>> is_word("Homs"), is_word("12"), is_word("__"), is_word("“")
    (True, True, False, False)
    """
    return any(c.isalnum() for c in token)


@dataclass(frozen=True, slots=True, eq=False)
class Tokens:
    """Token boundaries of one text (character offsets, ``end`` exclusive)."""

    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    _starts: list[int]
    _ends: list[int]
    #: Indices of the word tokens (at least one alphanumeric character).
    words: frozenset[int]

    @classmethod
    def of(cls, text: str) -> Tokens:
        """Tokenise ``text``.

        >>> t = Tokens.of("The ministry's statement.")
        >>> [ "The ministry's statement."[s:e] for s, e in zip(t.starts, t.ends)]
        ['The', 'ministry', "'", 's', 'statement', '.']
        """
        matches = list(TOKEN.finditer(text))
        starts = [m.start() for m in matches]
        ends = [m.end() for m in matches]
        words = frozenset(i for i, m in enumerate(matches) if is_word(m.group()))
        return cls(np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), starts, ends, words)

    def covered(self, span: Span) -> range:
        """Indices of the tokens that share at least one character with ``span``.

        >>> Tokens.of("one two three").covered(Span(2, 5))
        range(0, 2)
        """
        first = bisect.bisect_right(self._ends, span.start)
        last = bisect.bisect_left(self._starts, span.end)
        return range(first, max(first, last))

    def token_set(self, spans: Iterable[Span | None]) -> frozenset[int]:
        """The union of the tokens covered by ``spans`` (``None`` entries are skipped)."""
        out: set[int] = set()
        for span in spans:
            if span is not None:
                out.update(self.covered(span))
        return frozenset(out)
