"""Plain-text structure for the rules baseline: words, sentences and quotations, all with offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENING_QUOTES = "“\"«„"
CLOSING_QUOTES = "”\"»“"
_WORD = re.compile(r"[^\W_](?:[\w]|[-’'.&](?=[^\W_]))*", re.UNICODE)
# A sentence ends at . ! or ? (optionally followed by closing quotes/brackets) before white space and
# an upper-case letter, digit or opening quote; or at a line break.
_SENTENCE_END = re.compile(r"[.!?][”\"’)\]]*(?=\s+[“\"‘(\[]?[A-Z0-9])|\n+")


@dataclass(frozen=True, slots=True)
class Word:
    start: int
    end: int
    text: str

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def words(text: str, start: int = 0, end: int | None = None) -> list[Word]:
    """Word tokens (letters/digits, with inner hyphens, apostrophes, dots and ampersands) in ``text[start:end]``."""
    stop = len(text) if end is None else end
    return [Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, stop)]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int  # exclusive; includes the final punctuation


def sentences(text: str, protect: list[Quote] | None = None) -> list[Sentence]:
    """Sentences split at end punctuation before a capital, and at line breaks; white space trimmed.

    No split falls strictly inside a ``protect``-ed quotation (a quote of several sentences stays whole).
    """
    inside = [(q.start, q.end) for q in protect or ()]
    out: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group()[0] != "\n" and any(s < match.start() and match.end() < e for s, e in inside):
            continue
        end = match.end() if match.group()[0] != "\n" else match.start()
        _add(text, start, end, out)
        start = match.end()
    _add(text, start, len(text), out)
    return out


def _add(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end))


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation including its marks: ``text[start:end]`` begins and ends with a quotation mark."""

    start: int
    end: int


def quotes(text: str) -> list[Quote]:
    """Double-quoted passages: curly pairs “…”, guillemets, and straight quotes paired in order per paragraph.

    An opening mark without a closing one before the paragraph ends is ignored.
    """
    found: list[Quote] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        open_at: int | None = None
        open_mark = ""
        for i in range(paragraph.start(), paragraph.end()):
            ch = text[i]
            if open_at is None:
                if ch in "“«„" or ch == '"':
                    open_at, open_mark = i, ch
            elif (open_mark == '"' and ch == '"') or (open_mark in "“„" and ch == "”") or (open_mark == "«" and ch == "»"):
                found.append(Quote(open_at, i + 1))
                open_at = None
            elif open_mark in "“„" and ch == "“":
                open_at = i  # an unclosed quote continued by a new one (multi-paragraph style)
    return found
