"""Convert a parsed spaCy ``Doc`` into the three newsbench layers (pure functions; no model loading).

Entities
    spaCy's English pipelines use the OntoNotes 5 label set, so the eleven named types map to
    themselves (PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE).
    Its numeric types go to the numbers layer; DATE and TIME spans are not used. A leading
    determiner is trimmed ("the United Nations" → "United Nations"), as are a trailing
    possessive and punctuation, to follow the benchmark's span rules.

Numbers
    From CARDINAL, MONEY, PERCENT, QUANTITY and ORDINAL spans. The numeral core is the span
    from the first numeric token (a digit, number word or glued currency symbol) to the last
    numeric or scale token; a qualifier phrase before it ("more than", "about", inside the
    entity or just before it) sets the qualifier, "between X and Y" / "X or Y" / "X to Y" make
    a range (two adjacent CARDINAL spans joined by "or"/"to"/a dash, or by "and" after "between",
    are merged into one range).
    Value: :func:`systems._numbers.parse_value`. Unit: the currency (symbol or word) for MONEY,
    "percent" for % / per cent, the unit tokens after the core for QUANTITY, and for CARDINAL
    and ORDINAL the noun the numeral modifies in the dependency parse (``nummod``/``amod``
    head, or the object of "of": "thousands of residents"), as a lower-case singular lemma.
    Kind: money when a currency is found, percent for percent units, ordinal for ORDINAL,
    duration for time units, measure for other QUANTITY, otherwise count.

Attributions
    From the dependency parse: a token whose lemma is a reporting verb (a general list) with a
    nominal subject gives the source (the subject's subtree without appositions and relative
    clauses; a determiner dropped when the rest is a proper name), the cue (the verb with its auxiliaries and negation), and the
    content: its clausal complement (``ccomp``; a leading "that" dropped) or, when the
    sentence holds quotation marks around the complement or no complement exists, the
    quotations of the sentence. "according to X" gives cue "according to", source X, and the
    rest of the sentence as content. Kind: direct when every content span is a quotation,
    mixed when the content contains one, else indirect.
"""

from __future__ import annotations

import re
from typing import Any

from bench.schema import Attribution, Entity, EntityLabel, Number, NumberKind, Qualifier, QuoteKind, Span
from systems._numbers import CURRENCY_SYMBOLS, SCALES, VAGUE, parse_value, qualifier_before, singular
from systems._rules.lexicon import CURRENCY_WORDS, REPORTING_VERBS, TIME_UNITS
from systems._rules.text import quotes

NAMED = frozenset(label.value for label in EntityLabel)
NUMERIC = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"})
_TRIM_CHARS = " \t\n,.;:!?—–-'’\"“”()"
_RANGE_WORDS = frozenset({"and", "or", "to", "-", "–", "—"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_CUE_CHILDREN = frozenset({"aux", "auxpass", "neg"})


def _clean(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in _TRIM_CHARS:
        end -= 1
    return start, end


def entities(doc: Any) -> tuple[Entity, ...]:
    """Named entities with their OntoNotes labels, determiners and possessives trimmed."""
    text = doc.text  # spaCy rebuilds Doc.text from every token on each access: read it once
    out: list[Entity] = []
    for ent in doc.ents:
        if ent.label_ not in NAMED:
            continue
        tokens = list(ent)
        while len(tokens) > 1 and tokens[0].dep_ == "det" or (len(tokens) > 1 and tokens[0].lower_ == "the"):
            tokens = tokens[1:]
        while len(tokens) > 1 and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct):
            tokens = tokens[:-1]
        start, end = _clean(text, tokens[0].idx, tokens[-1].idx + len(tokens[-1]))
        if end > start:
            out.append(Entity(start, end, EntityLabel(ent.label_), text=text[start:end]))
    return tuple(out)


def _numeric(token: Any) -> bool:
    return bool(token.like_num or token.text in CURRENCY_SYMBOLS or token.lower_ in SCALES or token.lower_ in VAGUE
                or token.lower_ in ("bn", "mn", "m", "k", "dozen") or token.pos_ == "NUM" or token.ent_type_ == "ORDINAL")


def _core(tokens: list[Any]) -> list[Any]:
    """The numeral tokens of an entity: first numeric token to last numeric or range-joined one."""
    numeric = [i for i, t in enumerate(tokens) if _numeric(t)]
    if not numeric:
        return tokens
    first, last = numeric[0], numeric[-1]
    if tokens[first].text in CURRENCY_SYMBOLS or first + 1 < len(tokens) and tokens[first].text in ("US", "A", "C"):
        pass
    if last + 1 < len(tokens) and tokens[last + 1].text == "%":
        last += 1
    return tokens[first : last + 1]


def _unit_from_parse(core: list[Any]) -> str | None:
    """The noun a numeral counts: its head (nummod/amod/compound), or the object of a following "of"."""
    last = core[-1]
    for child in last.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return _lemma(objects[0])
    head = last.head
    if last.dep_ in ("nummod", "amod", "compound", "quantmod", "npadvmod") and head.pos_ in ("NOUN", "PROPN") and head not in core:
        return _lemma(head)
    if last.dep_ == "conj" and head.head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("nummod", "amod"):
        return _lemma(head.head)
    return None


def _lemma(token: Any) -> str:
    """Lower-case singular lemma (acronyms keep their case: "ATMs" → "ATM")."""
    if token.pos_ == "PROPN" or token.text.isupper():
        return singular(token.text)
    lemma = str(token.lemma_ or token.text).lower()
    return singular(lemma) if token.tag_ in ("NNS", "NNPS") else lemma


def _split_range(text: str) -> tuple[str, str] | None:
    match = re.fullmatch(r"(.+?)\s*(?:\band\b|\bor\b|\bto\b|-|–|—)\s*(.+)", text.strip(), re.IGNORECASE)
    if match and parse_value(match.group(1)) is not None and parse_value(match.group(2)) is not None:
        return match.group(1), match.group(2)
    return None


def _number(text: str, tokens: list[Any], label: str) -> Number | None:
    core = _core(tokens)
    start, end = core[0].idx, core[-1].idx + len(core[-1])
    start, end = _clean(text, start, end)
    if end <= start:
        return None
    core_text = text[start:end]
    qualifier, _ = qualifier_before(text, start)
    value_max: float | None = None
    pair = _split_range(core_text)
    if pair is not None:
        value = parse_value(pair[0])
        value_max = parse_value(pair[1])
        qualifier = Qualifier.RANGE
    else:
        value = parse_value(core_text)
    if value is None:
        return None
    if qualifier is None:
        qualifier = Qualifier.LOWER if core_text.lower() in VAGUE else Qualifier.EXACT
    after = [t for t in tokens if t.idx >= end]
    currency = next((CURRENCY_SYMBOLS[ch] for ch in core_text if ch in CURRENCY_SYMBOLS), None)
    if currency is None:
        currency = next((CURRENCY_WORDS[t.lower_] for t in after if t.lower_ in CURRENCY_WORDS and t.lower_ not in ("cent", "cents")), None)
    unit: str | None
    rest = " ".join(t.lower_ for t in after)
    if core_text.endswith("%") or rest.startswith(("percent", "per cent")):
        unit = "percent"
    elif currency is not None:
        unit = currency
    elif label == "QUANTITY" and after:
        unit = " ".join(_lemma(t) for t in after if not t.is_punct) or None
    else:
        unit = _unit_from_parse(core)
    if unit == "percent":
        kind = NumberKind.PERCENT
    elif currency is not None:
        kind = NumberKind.MONEY
    elif label == "ORDINAL":
        kind = NumberKind.ORDINAL
    elif unit in TIME_UNITS:
        kind = NumberKind.DURATION
    elif label == "QUANTITY":
        kind = NumberKind.MEASURE
    else:
        kind = NumberKind.COUNT
    if value_max is not None and value_max < value:
        value_max, qualifier = None, Qualifier.EXACT if qualifier is Qualifier.RANGE else qualifier
    return Number(start, end, value=value, value_max=value_max, unit=unit, qualifier=qualifier, kind=kind, text=text[start:end])


def numbers(doc: Any) -> tuple[Number, ...]:
    """Numbers from the numeric entity types; adjacent CARDINALs joined by or/to/a dash (or "between … and") form one range."""
    ents = [e for e in doc.ents if e.label_ in NUMERIC]
    groups: list[tuple[list[Any], str]] = []
    for ent in ents:
        if groups and ent.label_ == "CARDINAL" and groups[-1][1] == "CARDINAL":
            previous = groups[-1][0]
            between = doc[previous[-1].i + 1 : ent.start]
            after_between = previous[0].lower_ == "between" or (previous[0].i > 0 and doc[previous[0].i - 1].lower_ == "between")
            joiners = _RANGE_WORDS if after_between else _RANGE_WORDS - {"and"}
            if len(between) == 1 and between[0].lower_ in joiners:
                previous.extend([between[0], *ent])
                continue
        groups.append((list(ent), ent.label_))
    text = doc.text  # read once (see entities)
    out = [n for tokens, label in groups if (n := _number(text, tokens, label)) is not None]
    return tuple(out)


def _hull(text: str, tokens: list[Any]) -> Span | None:
    if not tokens:
        return None
    start, end = min(t.idx for t in tokens), max(t.idx + len(t) for t in tokens)
    start, end = _clean(text, start, end)
    return Span(start, end, text[start:end]) if end > start else None


def _subtree(token: Any) -> list[Any]:
    return list(token.subtree)


_SOURCE_DROPS = frozenset({"appos", "relcl", "acl", "punct", "advcl"})


def _source(text: str, subject: Any) -> Span | None:
    """The subject's phrase without appositions or relative clauses ("Maria Keller, a union official")."""
    dropped = {t for child in subject.children if child.dep_ in _SOURCE_DROPS for t in child.subtree}
    tokens = [t for t in _subtree(subject) if t not in dropped]
    if len(tokens) > 1 and tokens[0].dep_ == "det" and all(t.pos_ == "PROPN" or t.is_punct for t in tokens[1:]):
        tokens = tokens[1:]
    return _hull(text, tokens)


def _kind(content: list[Span], quoted: list[tuple[int, int]]) -> QuoteKind:
    if all(any(qs <= c.start and c.end <= qe for qs, qe in quoted) for c in content):
        return QuoteKind.DIRECT
    if any(any(c.start <= qs and qe <= c.end for qs, qe in quoted) for c in content):
        return QuoteKind.MIXED
    return QuoteKind.INDIRECT


def _according(text: str, token: Any, quoted: list[tuple[int, int]]) -> Attribution | None:
    """ "according to X, CLAUSE" or "CLAUSE, according to X": source X, the clause as content."""
    doc = token.doc
    to = doc[token.i + 1]
    objects = [c for c in to.children if c.dep_ == "pobj"]
    if not objects:
        return None
    source = _source(text, objects[0])
    phrase = set(_subtree(token)) | set(_subtree(to)) | {token, to}
    rest = [t for t in token.sent if t not in phrase]
    before = [t for t in rest if t.i < token.i]
    after = [t for t in rest if t.i > token.i]
    content = _hull(text, after if len(after) >= len(before) else before)
    if content is None or source is None:
        return None
    cue = Span(token.idx, to.idx + len(to), text[token.idx : to.idx + len(to)])
    return Attribution((content,), source, cue, _kind([content], quoted))


def _reported(text: str, token: Any, quoted: list[tuple[int, int]]) -> Attribution | None:
    """A reporting verb with a subject: source, cue and its complement clause or adjacent quotations."""
    subjects = [c for c in token.children if c.dep_ in _SUBJECTS]
    if not subjects:
        return None
    source = _source(text, subjects[0])
    cue = _hull(text, [token] + [c for c in token.children if c.dep_ in _CUE_CHILDREN and c.i < token.i])
    complements = [c for c in token.children if c.dep_ == "ccomp"]
    clause = None
    if complements:
        head = complements[0]
        clause = _hull(text, [t for t in _subtree(head) if not (t.dep_ == "mark" and t.lower_ == "that" and t.head == head)])
    content: list[Span]
    if quoted and (
        clause is None
        or any(qs <= clause.start and clause.end <= qe for qs, qe in quoted)
        or not any(clause.start <= qs and qe <= clause.end for qs, qe in quoted)
    ):
        content = [Span(qs, qe, text[qs:qe]) for qs, qe in quoted]
    elif clause is not None:
        content = [clause]
    else:
        return None
    if source is not None and any(c.start <= source.start < c.end for c in content):
        return None
    return Attribution(tuple(content), source, cue, _kind(content, quoted))


def attributions(doc: Any) -> tuple[Attribution, ...]:
    """Attributions from reporting verbs and "according to" in the dependency parse."""
    text = doc.text
    all_quotes = [(q.start, q.end) for q in quotes(text)]
    out: list[Attribution] = []
    for token in doc:
        if any(qs <= token.idx < qe for qs, qe in all_quotes):
            continue  # words inside a quotation are part of what is quoted
        sentence = token.sent
        quoted = [(qs, qe) for qs, qe in all_quotes if qs < sentence.end_char and qe > sentence.start_char]
        found: Attribution | None = None
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            found = _according(text, token, quoted)
        elif token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in REPORTING_VERBS:
            found = _reported(text, token, quoted)
        if found is not None:
            out.append(found)
    return tuple(out)
