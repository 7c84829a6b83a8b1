"""Numeral reading shared by the ``rules`` and ``spacy`` systems (general English, no corpus-specific lists).

* :func:`parse_value` reads digits with separators and decimals, number words ("twenty-five",
  "one hundred and five"), scale words and abbreviations ("1.2 billion", "$5bn"), fractions,
  ordinals ("third", "21st") and vague plural quantity words, which take their lower bound
  as the annotation spec fixes it (dozens 24, scores 40, hundreds 100, thousands 1000, ...).
* :func:`qualifier_before` finds a qualifier phrase ("more than", "about", "up to") that ends
  right before a numeral.
* :func:`singular` turns a counted noun into its singular lemma with the regular English rules
  and the common irregular plurals.
"""

from __future__ import annotations

import re

from bench.schema import Qualifier

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SCALE_ABBREVIATIONS = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "trn": 1e12}
#: Vague plural quantity words and the lower bound the annotation spec assigns them.
VAGUE = {"dozens": 24.0, "scores": 40.0, "hundreds": 100.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90, "hundredth": 100, "thousandth": 1000,
}
FRACTIONS = {"half": 0.5, "halves": 0.5, "quarter": 0.25, "quarters": 0.25, "third": 1 / 3, "thirds": 1 / 3}
UNICODE_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
CURRENCY_SYMBOLS = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yen", "₹": "rupee", "₽": "rouble", "₩": "won"}
#: Words that make a numeral a count of ``word`` when they follow it ("dozen" stays a number).
NUMBER_WORDS = frozenset(UNITS) | frozenset(TENS) | frozenset(SCALES) | {"dozen", "a", "an", "and"}

_DIGITS = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+")
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$", re.IGNORECASE)


def _word_number(words: list[str]) -> float | None:
    """'twenty five', 'one hundred and five', 'two million', 'a dozen' → value; None if not a numeral."""
    total = 0.0
    current = 0.0
    seen = False
    for word in words:
        if word in ("and", "a", "an") and (seen or word != "and"):
            if word in ("a", "an"):
                current = max(current, 1.0)
                seen = True
            continue
        if word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "dozen":
            current = (current or 1.0) * 12
        elif word in SCALES:
            scale = SCALES[word]
            if scale == 100:
                current = (current or 1.0) * 100
            else:
                total += (current or 1.0) * scale
                current = 0.0
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_value(text: str) -> float | None:
    """The value a numeral expression states, or None.

    >>> [parse_value(t) for t in ["1,250", "$1.2 billion", "twenty-five", "3.5%", "5bn", "21st", "dozens", "½"]]
    [1250.0, 1200000000.0, 25.0, 3.5, 5000000000.0, 21.0, 24.0, 0.5]
    >>> parse_value("one hundred and five"), parse_value("a dozen"), parse_value("two thirds"), parse_value("people")
    (105.0, 12.0, 0.6666666666666666, None)
    """
    cleaned = text.strip().lower()
    for symbol in CURRENCY_SYMBOLS:
        cleaned = cleaned.replace(symbol, " ")
    cleaned = re.sub(r"\b(?:us|usd|eur|gbp)\b", " ", cleaned)
    cleaned = cleaned.replace("%", " ").replace("\u2013", "-").replace("\u2011", "-")
    cleaned = cleaned.strip(" .,;:")
    if cleaned in UNICODE_FRACTIONS:
        return UNICODE_FRACTIONS[cleaned]
    if cleaned in VAGUE:
        return VAGUE[cleaned]
    if cleaned in ORDINAL_WORDS:
        return float(ORDINAL_WORDS[cleaned])
    ordinal = _ORDINAL_DIGITS.match(cleaned)
    if ordinal:
        return float(ordinal.group(1))
    fraction = re.fullmatch(r"(\d+)\s*/\s*(\d+)", cleaned)
    if fraction and int(fraction.group(2)) != 0:
        return int(fraction.group(1)) / int(fraction.group(2))
    digits = _DIGITS.match(cleaned)
    if digits:
        value = float(digits.group().replace(",", ""))
        rest = cleaned[digits.end() :].strip().replace("-", " ")
        if not rest:
            return value
        if rest in SCALE_ABBREVIATIONS:
            return value * SCALE_ABBREVIATIONS[rest]
        scale = _word_number(rest.split())
        if scale is not None and all(w in SCALES or w == "and" for w in rest.split()):
            factor = 1.0
            for w in rest.split():
                factor *= SCALES.get(w, 1.0)
            return value * factor
        return None
    words = cleaned.replace("-", " ").split()
    if len(words) == 2 and words[1] in FRACTIONS and (words[1].endswith("s") or words[0] in ("one", "a", "an")):
        count = _word_number(words[:1])
        if count is not None:
            return count * FRACTIONS[words[1]]
    if words and words[-1] in ORDINAL_WORDS and len(words) > 1:
        head = _word_number(words[:-1])
        if head is not None:
            return head + ORDINAL_WORDS[words[-1]]
    if words in (["a"], ["an"], ["and"]):
        return None
    return _word_number(words)


#: Qualifier phrases (lower case) that may stand right before a numeral, longest first when matched.
QUALIFIER_PHRASES: dict[str, Qualifier] = {
    "more than": Qualifier.LOWER,
    "over": Qualifier.LOWER,
    "at least": Qualifier.LOWER,
    "upwards of": Qualifier.LOWER,
    "in excess of": Qualifier.LOWER,
    "no fewer than": Qualifier.LOWER,
    "no less than": Qualifier.LOWER,
    "just over": Qualifier.LOWER,
    "well over": Qualifier.LOWER,
    "above": Qualifier.LOWER,
    "up to": Qualifier.UPPER,
    "less than": Qualifier.UPPER,
    "fewer than": Qualifier.UPPER,
    "under": Qualifier.UPPER,
    "at most": Qualifier.UPPER,
    "no more than": Qualifier.UPPER,
    "just under": Qualifier.UPPER,
    "below": Qualifier.UPPER,
    "about": Qualifier.APPROX,
    "around": Qualifier.APPROX,
    "roughly": Qualifier.APPROX,
    "approximately": Qualifier.APPROX,
    "an estimated": Qualifier.APPROX,
    "some": Qualifier.APPROX,
    "nearly": Qualifier.APPROX,
    "almost": Qualifier.APPROX,
    "close to": Qualifier.APPROX,
    "circa": Qualifier.APPROX,
    "an approximate": Qualifier.APPROX,
    "estimated": Qualifier.APPROX,
}
_QUALIFIER = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(QUALIFIER_PHRASES, key=len, reverse=True)) + r")\s+$",
    re.IGNORECASE,
)


def qualifier_before(text: str, start: int) -> tuple[Qualifier | None, int]:
    """The qualifier phrase ending right before ``start`` and where it begins, else ``(None, start)``.

    >>> qualifier_before("killed more than 200 people", 17)
    (<Qualifier.LOWER: 'lower'>, 7)
    """
    window = text[max(0, start - 40) : start]
    match = _QUALIFIER.search(window)
    if match is None:
        return None, start
    return QUALIFIER_PHRASES[match.group(1).lower()], start - len(window) + match.start()


IRREGULAR_PLURALS = {
    "people": "person", "children": "child", "men": "man", "women": "woman", "feet": "foot", "teeth": "tooth",
    "mice": "mouse", "geese": "goose", "lives": "life", "wives": "wife", "knives": "knife", "halves": "half",
    "leaves": "leaf", "thieves": "thief", "police": "police", "staff": "staff", "data": "data", "media": "media",
    "buses": "bus", "criteria": "criterion", "phenomena": "phenomenon", "crises": "crisis", "analyses": "analysis",
}
_INVARIANT_ENDINGS = ("ss", "us", "is", "ics")
INVARIANT = frozenset({"series", "species", "news", "sheep", "fish", "deer", "aircraft", "percent", "gas", "bus"})


def singular(word: str) -> str:
    """Singular lemma of a plural English noun (lower-cased unless it is an acronym).

    >>> [singular(w) for w in ["people", "cities", "boxes", "buses", "tonnes", "ATMs", "years", "news", "kilometres"]]
    ['person', 'city', 'box', 'bus', 'tonne', 'ATM', 'year', 'news', 'kilometre']
    """
    if word.isupper() and len(word) > 1 or (word[:-1].isupper() and word.endswith("s") and len(word) > 2):
        return word[:-1] if word.endswith("s") and word[:-1].isupper() else word
    lower = word.lower()
    if lower in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[lower]
    if lower in INVARIANT or len(lower) <= 3 or lower.endswith(_INVARIANT_ENDINGS):
        return lower
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("ches", "shes", "xes", "sses")):
        return lower[:-2]
    if lower.endswith("s") and not lower.endswith("ss"):
        return lower[:-1]
    return lower
