"""Attributions for the rules baseline: reporting verbs, "according to", and quotation marks.

Each sentence (quotations are never split) is searched for a cue outside quotation marks: a
reporting verb with its auxiliaries ("has said"), or "according to". Then:

* source: the phrase right before the cue back to a clause boundary ("Officials in Paris said"),
  or after it when inverted (", said the minister"); a determiner is dropped when the rest is
  a capitalised name, kept for common-noun phrases;
* content: the quotation(s) next to the cue in the sentence (``direct``); otherwise the clause
  after the cue (skipping "that" and, after "told", the addressee), or the clause before a
  trailing ", X said" (``indirect``; ``mixed`` when it contains a quotation);
* a sentence with no cue gives nothing, even if it holds a quotation.
"""

from __future__ import annotations

import re

from bench.schema import Attribution, QuoteKind, Span
from systems._rules.lexicon import AUXILIARIES, PRONOUNS, REPORTING_VERBS, TITLES, _words
from systems._rules.text import Quote, Sentence, Word, quotes, sentences, words

_BOUNDARY_WORDS = _words("that and but while which who whereas because as when after before although")
_DETERMINERS = _words("the a an this that these those")
_ACCORDING = re.compile(r"\baccording to\b", re.IGNORECASE)
_TRAILING = " \t\n,.;:!?—–-"
_MIN_CONTENT_WORDS = 3


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRAILING:
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return start, end


def _span(text: str, start: int, end: int) -> Span | None:
    start, end = _trim(text, start, end)
    return Span(start, end, text[start:end]) if end > start else None


def _source_before(text: str, sentence: Sentence, cue_start: int, inside: list[Quote]) -> Span | None:
    """The noun phrase ending right before the cue, back to a clause boundary (at most eight words)."""
    limit = max([sentence.start] + [q.end for q in inside if q.end <= cue_start])
    for mark in ",;:(":
        position = text.rfind(mark, limit, cue_start)
        if position >= 0:
            limit = max(limit, position + 1)
    chosen: list[Word] = []
    for word in reversed(words(text, limit, cue_start)):
        if word.text.lower() in _BOUNDARY_WORDS or len(chosen) == 8:
            break
        chosen.insert(0, word)
    while chosen and chosen[0].text.lower() in ("also", "then", "now", "later", "however"):
        chosen = chosen[1:]
    return _name_or_phrase(text, chosen)


def _name_or_phrase(text: str, chosen: list[Word]) -> Span | None:
    """A source span: a name loses its determiner and title ("the Mayor Helen Ortiz" → "Helen Ortiz");
    a common-noun phrase keeps its determiner."""
    if not chosen:
        return None
    if chosen[0].text.lower() in _DETERMINERS and len(chosen) > 1 and all(w.capitalised for w in chosen[1:]):
        chosen = chosen[1:]
    while len(chosen) > 1 and chosen[0].text.lower().rstrip(".") in TITLES and all(w.capitalised for w in chosen[1:]):
        chosen = chosen[1:]
    return _span(text, chosen[0].start, chosen[-1].end)


def _source_after(text: str, cue_end: int, stop: int) -> Span | None:
    """The phrase after an inverted cue (", said the minister.") up to the next comma or the end."""
    end = stop
    for mark in ",;:.“\"(":
        position = text.find(mark, cue_end, stop)
        if position >= 0:
            end = min(end, position)
    return _name_or_phrase(text, words(text, cue_end, end)[:8])


def _cue(text: str, sentence: Sentence, inside: list[Quote]) -> tuple[int, int] | None:
    """The first reporting-verb group outside quotation marks."""
    tokens = words(text, sentence.start, sentence.end)
    for i, word in enumerate(tokens):
        if word.text.lower() not in REPORTING_VERBS:
            continue
        if any(q.start <= word.start < q.end for q in inside):
            continue
        start = word.start
        j = i - 1
        while j >= 0 and tokens[j].text.lower() in AUXILIARIES and text[tokens[j].end : start].strip() == "":
            start = tokens[j].start
            j -= 1
        return start, word.end
    return None


def _kind(text: str, content: list[Span], inside: list[Quote]) -> QuoteKind:
    spans = [(s.start, s.end) for s in content]
    quoted = [(q.start, q.end) for q in inside]
    if all(any(qs <= s and e <= qe for qs, qe in quoted) for s, e in spans):
        return QuoteKind.DIRECT
    if any(any(s <= qs and qe <= e for qs, qe in quoted) for s, e in spans):
        return QuoteKind.MIXED
    return QuoteKind.INDIRECT


def _skip_addressee(text: str, start: int, stop: int) -> int:
    """After "told": skip the addressee up to "that", or one short phrase."""
    tokens = words(text, start, stop)
    for k, word in enumerate(tokens[:6]):
        if word.text.lower() == "that":
            return word.end
    if tokens:
        first = tokens[0]
        if first.text.lower() in PRONOUNS | {"me", "him", "her", "us", "them", "reporters", "journalists"}:
            return first.end
        name_end = first.end
        for word in tokens[1:3]:
            if word.capitalised and text[name_end : word.start] == " ":
                name_end = word.end
            else:
                break
        if first.capitalised or first.text.lower() in _DETERMINERS:
            return name_end
    return start


def _attribution(text: str, sentence: Sentence, inside: list[Quote]) -> Attribution | None:
    according = _ACCORDING.search(text, sentence.start, sentence.end)
    if according and not any(q.start <= according.start() < q.end for q in inside):
        cue = _span(text, according.start(), according.end())
        source = _source_after(text, according.end(), sentence.end)
        if source is not None and source.end < sentence.end - 2:
            rest = _span(text, source.end, sentence.end)
            content = [rest] if rest is not None else []
        else:
            before = _span(text, sentence.start, according.start())
            content = [before] if before is not None else []
        if content and len(words(text, content[0].start, content[0].end)) >= _MIN_CONTENT_WORDS:
            return Attribution(tuple(content), source, cue, _kind(text, content, inside))
        return None
    found = _cue(text, sentence, inside)
    if found is None:
        return None
    cue_start, cue_end = found
    cue = Span(cue_start, cue_end, text[cue_start:cue_end])
    preceding = text[sentence.start : cue_start].rstrip()
    inverted = preceding.endswith((",", "”", '"', ",”", ',"')) or not preceding
    source = _source_after(text, cue_end, sentence.end) if inverted and preceding else _source_before(text, sentence, cue_start, inside)
    # Quotations around the cue are the content.
    if inside:
        content = [Span(q.start, q.end, text[q.start : q.end]) for q in inside]
        after = text[cue_end : inside[0].start] if inside[0].start >= cue_end else ""
        # "X said that the plan was “dead”": the clause holds the quote.
        if after.strip() and not re.fullmatch(r"[\s:,]*(?:that)?[\s:,]*", after) and not inverted:
            start = cue_end + len(after) - len(after.lstrip())
            start = start + 4 if text[start : start + 4].lower() == "that" else start
            clause = _span(text, start, sentence.end)
            content = [clause] if clause is not None else content
        return Attribution(tuple(content), source, cue, _kind(text, content, inside))
    tail = words(text, cue_end, sentence.end)
    trailing_clause = (
        source is not None
        and text[sentence.start : source.start].rstrip().endswith(",")
        and len(tail) <= 4
        and not any(w.text.lower() == "that" for w in tail)
    )
    if inverted or trailing_clause or not tail:
        comma = text.rfind(",", sentence.start, source.start if source is not None and source.start < cue_start else cue_start)
        clause = _span(text, sentence.start, comma if comma >= 0 else cue_start)
    else:
        start = cue_end
        if text[cue_start:cue_end].lower().endswith(("told", "tell", "tells")):
            start = _skip_addressee(text, cue_end, sentence.end)
        remainder = text[start : sentence.end]
        lead = re.match(r"[\s,:]*(?:that\b)?\s*", remainder, re.IGNORECASE)
        clause = _span(text, start + (lead.end() if lead else 0), sentence.end)
    if clause is None or len(words(text, clause.start, clause.end)) < _MIN_CONTENT_WORDS:
        return None
    if source is not None and clause.start <= source.start < clause.end:
        return None
    return Attribution((clause,), source, cue, _kind(text, [clause], inside))


def find_attributions(text: str) -> tuple[Attribution, ...]:
    """At most one attribution per sentence, in document order."""
    found_quotes = quotes(text)
    out: list[Attribution] = []
    for sentence in sentences(text, found_quotes):
        inside = [q for q in found_quotes if sentence.start <= q.start and q.end <= sentence.end]
        attribution = _attribution(text, sentence, inside)
        if attribution is not None:
            out.append(attribution)
    return tuple(out)
