"""Numbers for the rules baseline: numerals in digits and words, ranges, qualifiers, units and kinds.

* Numerals: digits with separators and decimals (a glued currency symbol, a scale word or
  abbreviation and an ordinal suffix belong to the span), runs of number words, vague plural
  quantity words ("dozens", "thousands"), and ordinal words.
* Ranges: "between X and Y", "X or Y", "X to Y", "X-Y" become one span from X to Y with
  qualifier ``range`` (but "from X to Y" is two numbers: a change, not a range).
* Qualifier: a phrase right before the span ("more than", "about", "up to"; see
  :mod:`systems._numbers`); vague plurals are ``lower``; otherwise ``exact``.
* Unit: the currency (symbol or word), "percent", or the next noun (after an optional "of"),
  as its singular lemma; four-digit years and days next to a month name are dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bench.schema import Number, NumberKind, Qualifier
from systems._numbers import (
    CURRENCY_SYMBOLS,
    ORDINAL_WORDS,
    SCALES,
    TENS,
    UNITS,
    parse_value,
    qualifier_before,
    singular,
)
from systems._rules.lexicon import (
    CURRENCY_WORDS,
    FUNCTION_WORDS,
    MEASURE_UNITS,
    MONTHS,
    NUMBER_IDIOMS,
    TIME_UNITS,
)

_SYMBOL = "[" + re.escape("".join(CURRENCY_SYMBOLS)) + "]"
_DIGIT_NUMERAL = re.compile(
    rf"(?<![\w.,:/-])(?:(?:US|A|C|HK|NZ)?{_SYMBOL}\s?)?"
    r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    r"(?:(?:st|nd|rd|th)\b|%|(?:\s?(?:hundred|thousand|million|billion|trillion)\b)|(?:bn|mn|tn|m|k)\b)?"
    r"(?![\w:/]|,\d|\.\d)",
    re.IGNORECASE,
)
_NUMBER_WORD = "|".join(sorted([*UNITS, *TENS, *SCALES, "dozen"], key=len, reverse=True))
_WORD_NUMERAL = re.compile(
    rf"\b(?:{_NUMBER_WORD})(?:(?:-|\s|\sand\s)(?:{_NUMBER_WORD}))*\b(?:-(?:{'|'.join(ORDINAL_WORDS)})\b)?",
    re.IGNORECASE,
)
_VAGUE = re.compile(r"\b(?:dozens|hundreds|thousands|millions|billions)\b|\bscores(?= of\b)", re.IGNORECASE)
_ORDINAL_WORD = re.compile(r"\b(?:" + "|".join(ORDINAL_WORDS) + r")\b", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"^\s*(?:to|-|–|—|or|and)\s*$", re.IGNORECASE)
_NEXT_WORDS = re.compile(r"[A-Za-z][\w’'-]*")


@dataclass(frozen=True, slots=True)
class _Numeral:
    start: int
    end: int
    value: float
    vague: bool = False
    ordinal: bool = False


def _numerals(text: str) -> list[_Numeral]:
    found: list[_Numeral] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, *, vague: bool = False, ordinal: bool = False) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        value = parse_value(text[start:end])
        if value is None:
            return
        taken.append((start, end))
        found.append(_Numeral(start, end, value, vague, ordinal))

    lower = text.lower()
    idioms = [(m.start(), m.end()) for idiom in NUMBER_IDIOMS for m in re.finditer(rf"\b{re.escape(idiom)}\b", lower)]
    for match in _DIGIT_NUMERAL.finditer(text):
        add(match.start(), match.end(), ordinal=bool(re.search(r"\d(?:st|nd|rd|th)$", match.group(), re.IGNORECASE)))
    for match in _WORD_NUMERAL.finditer(text):
        start, end = match.start(), match.end()
        if any(s <= start < e for s, e in idioms):
            continue
        # a trailing "and" is not part of the numeral
        span = text[start:end]
        if re.search(r"\s+and$", span, re.IGNORECASE):
            end = start + len(re.sub(r"\s+and$", "", span, flags=re.IGNORECASE))
        add(start, end, ordinal=bool(re.search(r"-(?:" + "|".join(ORDINAL_WORDS) + r")$", text[start:end], re.IGNORECASE)))
    for match in _VAGUE.finditer(text):
        add(match.start(), match.end(), vague=True)
    for match in _ORDINAL_WORD.finditer(text):
        if any(s <= match.start() < e for s, e in idioms):
            continue
        word = match.group().lower()
        if word == "second" and re.match(r"\s*(?:half|hand)\b", text[match.end() :]):
            continue
        if word in ("second", "third", "quarter") and re.search(r"\b(?:a|one|\d+|two|three)\s+$", lower[: match.start()]):
            continue  # "a second", "two thirds": a time unit or a fraction, not an ordinal
        add(match.start(), match.end(), ordinal=True)
    return sorted(found, key=lambda n: n.start)


def _unit_after(text: str, end: int) -> tuple[str | None, int]:
    """The unit word(s) after a numeral: ``(unit, end of the unit)``."""
    rest = text[end : end + 60]
    lowered = rest.lower()
    for phrase, unit in (("percentage points", "percentage point"), ("percentage point", "percentage point"),
                         ("per cent", "percent"), ("percent", "percent")):
        if lowered.lstrip().startswith(phrase):
            return unit, end + lowered.index(phrase) + len(phrase)
    tokens = list(_NEXT_WORDS.finditer(rest))
    skip = {"of", "more", "additional", "other", "further", "extra", "new", "fewer", "or", "so"}
    for i, token in enumerate(tokens[:3]):
        gap = rest[(tokens[i - 1].end() if i else 0) : token.start()]
        if gap.strip(" -"):
            return None, end  # punctuation between: no unit
        word = token.group()
        low = word.lower()
        if low in skip:
            continue
        if low in FUNCTION_WORDS or low in MONTHS:
            return None, end
        if low == "times":
            per = re.match(r"\s+(?:a|per|each|every)\s+([a-z]+)", rest[token.end() :])
            if per:
                return f"times {rest[token.end():].split()[0]} {per.group(1)}", end + token.end() + per.end()
        return word, end + token.end()
    return None, end


def _kind(unit: str | None, *, money: bool, ordinal: bool) -> NumberKind:
    if money:
        return NumberKind.MONEY
    if ordinal:
        return NumberKind.ORDINAL
    if unit is None:
        return NumberKind.COUNT
    if unit in ("percent", "percentage point"):
        return NumberKind.PERCENT
    if unit.startswith("times "):
        return NumberKind.FREQUENCY
    if unit in TIME_UNITS:
        return NumberKind.DURATION
    if unit in MEASURE_UNITS:
        return NumberKind.MEASURE
    return NumberKind.COUNT


def _describe(text: str, first: _Numeral, last: _Numeral) -> tuple[str | None, NumberKind]:
    """Unit and kind of the numeral (or range) from ``first`` to ``last``."""
    span = text[first.start : last.end]
    symbol = next((CURRENCY_SYMBOLS[ch] for ch in span if ch in CURRENCY_SYMBOLS), None)
    if span.endswith("%"):
        return "percent", NumberKind.PERCENT
    before = re.findall(r"[A-Za-z]+", text[max(0, first.start - 12) : first.start])
    after = re.match(r"\s+([A-Za-z]+)", text[last.end :])
    digits_only = re.fullmatch(r"\d{1,2}", span)
    if digits_only and ((before and before[-1].lower() in MONTHS) or (after and after.group(1).lower() in MONTHS)):
        return "day", NumberKind.DATE
    if re.fullmatch(r"(?:1[89]|20)\d\d", span) and not (after and after.group(1).lower() in CURRENCY_WORDS):
        return "year", NumberKind.DATE
    raw, _ = _unit_after(text, last.end)
    if symbol is not None:
        return symbol, NumberKind.MONEY
    if raw is not None and raw.lower() in CURRENCY_WORDS:
        return CURRENCY_WORDS[raw.lower()], NumberKind.MONEY
    unit = None if raw is None else (raw if raw.startswith("times ") or raw in ("percent", "percentage point") else singular(raw))
    if unit is not None and re.fullmatch(r"\d+-year-old", text[first.start : last.end + 9]):
        unit = "year"
    return unit, _kind(unit, money=False, ordinal=first.ordinal)


def find_numbers(text: str) -> tuple[Number, ...]:
    """Numbers in ``text`` in document order (ranges are one record)."""
    numerals = _numerals(text)
    out: list[Number] = []
    i = 0
    while i < len(numerals):
        first = numerals[i]
        last = first
        qualifier, _ = qualifier_before(text, first.start)
        is_range = False
        if i + 1 < len(numerals) and not first.ordinal:
            following = numerals[i + 1]
            join = text[first.end : following.start]
            preceding = text[max(0, first.start - 8) : first.start].lower()
            if _RANGE_JOIN.match(join) and not following.ordinal:
                word = join.strip().lower()
                joined = (word == "and" and preceding.rstrip().endswith("between")) or (
                    word in ("or", "-", "–", "—") or (word == "to" and not preceding.rstrip().endswith("from"))
                )
                if joined and following.value >= first.value:
                    last, is_range, i = following, True, i + 1
        unit, kind = _describe(text, first, last)
        if is_range:
            qualifier = Qualifier.RANGE
        elif qualifier is None:
            qualifier = Qualifier.LOWER if first.vague else Qualifier.EXACT
        out.append(
            Number(
                first.start,
                last.end,
                value=first.value,
                value_max=last.value if is_range else None,
                unit=unit,
                qualifier=qualifier,
                kind=kind,
                text=text[first.start : last.end],
            )
        )
        i += 1
    return tuple(out)
