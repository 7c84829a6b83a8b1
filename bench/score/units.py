"""Unit normalisation for the number layer: "US dollars", "$" and "USD" are one unit.

A unit is case-folded, its white space collapsed, its last word made singular
(:func:`singular`, with :mod:`inflect`) and then looked up in :data:`UNIT_ALIASES`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

_SPACE = re.compile(r"\s+")


@functools.cache
def _inflect() -> Any:
    """The inflect engine, made on first use (importing inflect costs ~2 s: not at start-up)."""
    import inflect

    return inflect.engine()

#: Symbols, abbreviations and variant names → one canonical unit (keys and values case-folded).
#: Looked up on the whole unit before and after its last word is made singular.
UNIT_ALIASES: Mapping[str, str] = {
    "%": "percent", "per cent": "percent", "pct": "percent", "percentage": "percent",
    "pp": "percentage point", "ppt": "percentage point", "pt": "percentage point",
    "bp": "basis point", "bps": "basis point",
    "$": "dollar", "us$": "dollar", "usd": "dollar", "us dollar": "dollar",
    "£": "pound", "gbp": "pound", "pound sterling": "pound", "sterling": "pound",
    "p": "penny", "pence": "penny",
    "€": "euro", "eur": "euro",
    "¥": "yen", "jpy": "yen", "japanese yen": "yen",
    "chf": "swiss franc",
    "km": "kilometre", "kilometer": "kilometre",
    "m": "metre", "meter": "metre",
    "cm": "centimetre", "centimeter": "centimetre",
    "mm": "millimetre", "millimeter": "millimetre",
    "mi": "mile",
    "kg": "kilogram", "g": "gram",
    "t": "tonne", "metric ton": "tonne",
    "°c": "degree celsius", "℃": "degree celsius", "celsius": "degree celsius", "degrees celsius": "degree celsius",
    "°f": "degree fahrenheit", "℉": "degree fahrenheit", "fahrenheit": "degree fahrenheit",
    "degrees fahrenheit": "degree fahrenheit",
    "h": "hour", "hr": "hour", "min": "minute", "yr": "year",
}


#: Singulars already worked out (see :func:`singular`); :mod:`bench.unit_memo` keeps them between runs.
_SINGULARS: dict[str, str] = {}


def singulars() -> Mapping[str, str]:
    """Every singular worked out (or taught) in this process, word → singular."""
    return dict(_SINGULARS)


def teach(known: Mapping[str, str]) -> None:
    """Take singulars worked out by an earlier run (same inflect, same rule), so inflect need not be imported."""
    _SINGULARS.update(known)


#: Sources of singulars not read yet (:func:`teach_when_needed`): each is read at the first word not known.
_PENDING: list[Callable[[], Mapping[str, str]]] = []


def teach_when_needed(load: Callable[[], Mapping[str, str]]) -> None:
    """Take the singulars ``load`` returns, but only when a word is first not known: a run that needs no
    singular (no units, or entities only) does not read them."""
    _PENDING.append(load)


def forget_pending(load: Callable[[], Mapping[str, str]]) -> bool:
    """Drop ``load`` if it was never read; whether it had been (False: it was read, or never given)."""
    if load in _PENDING:
        _PENDING.remove(load)
        return True
    return False


def singular(word: str) -> str:
    """``word`` as a singular noun (:mod:`inflect`), or unchanged when it already is one.

    :func:`inflect.engine.singular_noun` strips an ``s`` from any word, so "bus" alone
    would become "bu". A word counts as already singular when inflect pluralises it to
    something else that singularises back to it ("bus" → "buses" → "bus"); a plural
    pluralises to nonsense ("buses" → "busess") that does not.

    >>> [singular(w) for w in ("buses", "bus", "crises", "statuses", "status", "kms", "news", "percent")]
    ['bus', 'bus', 'crisis', 'status', 'status', 'km', 'news', 'percent']
    """
    if word not in _SINGULARS:
        while _PENDING:
            teach(_PENDING.pop(0)())
        if word not in _SINGULARS:
            _SINGULARS[word] = _singular(word)
    return _SINGULARS[word]


def _singular(word: str) -> str:
    engine = _inflect()
    one = engine.singular_noun(word)
    if not one:
        return word
    plural = engine.plural_noun(word)
    if plural != word and engine.singular_noun(plural) == word:
        return word
    return str(one)


@functools.lru_cache(maxsize=4096)
def normalise_unit(unit: str | None) -> str | None:
    """Case-folded, white space collapsed, last word singular (:func:`singular`), then :data:`UNIT_ALIASES`.

    Empty units count as missing.

    >>> [normalise_unit(u) for u in ("Militants", "casualties", "US dollars", "$", "kms", "pence", "%", " ")]
    ['militant', 'casualty', 'dollar', 'dollar', 'kilometre', 'penny', 'percent', None]
    """
    if unit is None:
        return None
    text = _SPACE.sub(" ", unit.strip().casefold())
    if not text:
        return None
    if text in UNIT_ALIASES:
        return UNIT_ALIASES[text]
    head, _, last = text.rpartition(" ")
    text = f"{head} {singular(last)}" if head else singular(last)
    return UNIT_ALIASES.get(text, text)
