"""Ground strings a language model returns to character offsets in the document.

A model quotes the text; it does not count characters. Each returned string is located in
three steps, and the step that succeeded is recorded:

1. ``exact``: the string occurs verbatim;
2. ``normalised``: it occurs after both sides are normalised — case folded, every run of
   white space made one space, curly quotes and apostrophes made straight, dashes made "-";
   the match is mapped back to the original offsets;
3. ``fuzzy``: the best window by :class:`difflib.SequenceMatcher` ratio, at least
   :data:`FUZZY_THRESHOLD`, anchored on the longest common block and snapped to word
   boundaries; a window that spans a paragraph break (a blank line) is refused.

When a string occurs more than once, the occurrence inside the ``within`` window is preferred
(a mention's context sentence, or the neighbourhood of an attribution's content), then the
first one not yet used, then the first one.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

FUZZY_THRESHOLD = 0.8
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_TRANSLATE = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'",
                            "–": "-", "—": "-", "‑": "-", "\u00a0": " "})


class Method(StrEnum):
    """How a string was found in the text."""

    EXACT = "exact"
    NORMALISED = "normalised"
    FUZZY = "fuzzy"


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    method: Method


def normalise(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character.

    >>> normalise("A  “B”\\n")
    ('a "b" ', [0, 1, 3, 4, 5, 6])
    """
    out: list[str] = []
    index: list[int] = []
    previous_space = False
    for i, ch in enumerate(text.translate(_TRANSLATE)):
        if ch.isspace():
            if previous_space:
                continue
            out.append(" ")
            index.append(i)
            previous_space = True
            continue
        previous_space = False
        folded = ch.casefold()
        if len(folded) != 1:
            folded = ch.lower()
        out.append(folded)
        index.append(i)
    return "".join(out), index


def _occurrences(haystack: str, needle: str) -> list[int]:
    found = []
    start = haystack.find(needle)
    while start >= 0:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


def _pick(starts: list[int], length: int, within: tuple[int, int] | None, used: set[tuple[int, int]]) -> int:
    if within is not None:
        inside = [s for s in starts if within[0] <= s and s + length <= within[1]]
        if inside:
            free = [s for s in inside if (s, s + length) not in used]
            return (free or inside)[0]
    free = [s for s in starts if (s, s + length) not in used]
    return (free or starts)[0]


class Grounder:
    """Locates strings in one document's text; remembers used spans so repeated mentions spread out."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.normalised, self.index = normalise(text)
        self.used: set[tuple[int, int]] = set()

    def locate(self, needle: str, *, within: tuple[int, int] | None = None) -> Match | None:
        """Where ``needle`` is in the text, preferring the ``within`` window; None if not found."""
        needle = needle.strip()
        if not needle:
            return None
        starts = _occurrences(self.text, needle)
        if starts:
            start = _pick(starts, len(needle), within, self.used)
            return self._take(start, start + len(needle), Method.EXACT)
        folded, _ = normalise(needle)
        folded = folded.strip()
        starts = _occurrences(self.normalised, folded)
        if starts:
            window = None if within is None else self._to_normalised(within)
            start = _pick(starts, len(folded), window, self.used)
            begin = self.index[start]
            end = self.index[start + len(folded) - 1] + 1
            return self._take(begin, end, Method.NORMALISED)
        return self._fuzzy(folded, within)

    def _to_normalised(self, window: tuple[int, int]) -> tuple[int, int]:
        return bisect.bisect_left(self.index, window[0]), bisect.bisect_left(self.index, window[1])

    def _fuzzy(self, folded: str, within: tuple[int, int] | None) -> Match | None:
        haystack = self.normalised
        offset = 0
        if within is not None:
            lo, hi = self._to_normalised(within)
            if hi - lo >= len(folded) // 2:
                haystack, offset = haystack[lo:hi], lo
        matcher = difflib.SequenceMatcher(None, haystack, folded, autojunk=False)
        block = matcher.find_longest_match(0, len(haystack), 0, len(folded))
        if block.size == 0:
            return None
        best: tuple[float, int, int] | None = None
        anchor = block.a - block.b
        for shift in range(-3, 4):
            for stretch in range(-3, 4):
                start = max(0, anchor + shift)
                end = min(len(haystack), anchor + len(folded) + shift + stretch)
                if end <= start:
                    continue
                ratio = difflib.SequenceMatcher(None, haystack[start:end], folded, autojunk=False).ratio()
                if best is None or ratio > best[0]:
                    best = (ratio, start, end)
        if best is None or best[0] < FUZZY_THRESHOLD:
            return None
        _, start, end = best
        start, end = self._snap(start + offset, end + offset)
        if end <= start:
            return None
        begin, finish = self.index[start], self.index[end - 1] + 1
        if _PARAGRAPH_BREAK.search(self.text, begin, finish):
            return None  # a fuzzy match never joins two paragraphs
        return self._take(begin, finish, Method.FUZZY)

    def _snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen to whole words, then drop white space and punctuation at the edges."""
        text = self.normalised
        while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
        while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
            end += 1
        while start < end and not text[start].isalnum() and text[start] not in "\"'$€£(":
            start += 1
        while end > start and not text[end - 1].isalnum() and text[end - 1] not in "\"'%.!?,)":
            end -= 1
        return start, end

    def _take(self, start: int, end: int, method: Method) -> Match:
        self.used.add((start, end))
        return Match(start, end, method)


def sentence_window(text: str, start: int, end: int, *, margin: int = 300) -> tuple[int, int]:
    """A window around ``[start, end)`` reaching ``margin`` characters out, cut at paragraph breaks."""
    lo = max(0, start - margin)
    hi = min(len(text), end + margin)
    before = text.rfind("\n\n", lo, start)
    after = text.find("\n\n", end, hi)
    return (before + 2 if before >= 0 else lo), (after if after >= 0 else hi)
