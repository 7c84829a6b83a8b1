"""Split a long document into paragraph chunks that fit a model's context, keeping their offsets.

A chunk is whole paragraphs (separated by blank lines) joined greedily while they fit in
``max_chars``; a single paragraph longer than that is cut after the last sentence end (". ",
"? ", "! ") or, failing that, the last space before the limit. Each chunk is ``(start, text)``
with ``document[start:start + len(text)] == text``, so spans found in a chunk map back by adding
``start``.
"""

from __future__ import annotations

import re

_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


def estimate_tokens(text: str) -> int:
    """A deliberately high token estimate (one token per three characters, English-like text).

    >>> estimate_tokens("abcdefg")
    3
    """
    return -(-len(text) // 3)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for gap in _BREAK.finditer(text):
        if gap.start() > start:
            spans.append((start, gap.start()))
        start = gap.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _cut(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        window = text[start : start + max_chars]
        at = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
        if at <= 0:
            at = window.rfind(" ")
        cut = start + (at + 1 if at > 0 else max_chars)
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def paragraph_chunks(text: str, max_chars: int) -> list[tuple[int, str]]:
    """The document as chunks of whole paragraphs of at most ``max_chars`` characters each.

    >>> paragraph_chunks("One.\\n\\nTwo two.\\n\\nThree.", 15)
    [(0, 'One.\\n\\nTwo two.'), (16, 'Three.')]
    >>> paragraph_chunks("Short.", 100)
    [(0, 'Short.')]
    """
    if len(text) <= max_chars:
        return [(0, text)]
    spans = [piece for start, end in _paragraphs(text) for piece in _cut(text, start, end, max_chars)]
    chunks: list[tuple[int, int]] = []
    for start, end in spans:
        if chunks and end - chunks[-1][0] <= max_chars:
            chunks[-1] = (chunks[-1][0], end)
        else:
            chunks.append((start, end))
    return [(start, text[start:end]) for start, end in chunks]
