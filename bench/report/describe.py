"""Words for numbers and scored items, shared by every renderer (plain text, no markup).

* :func:`with_interval` formats a ratio and its interval as percentages (:func:`bench.formatting.pct`);
* :func:`describe` says what went wrong with one item, e.g.
  ``missed GPE "Homs"`` or ``number "20": qualifier exact, gold approx``;
* :func:`context` quotes the text around it: ``…heavy losses in Raqqa and Homs provinces…``;
* :class:`Category` groups outcomes into the colours of the HTML pages and the legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from bench.formatting import DASH, pct, squeeze_space
from bench.schema import Attribution, Entity, Layer, Number, Span
from bench.score.items import Outcome, Record, ScoredItem
from bench.stats import Interval

ELLIPSIS = "…"
#: Characters of context on each side of an item.
CONTEXT = 32
#: Longest quoted span before it is shortened in the middle.
LONGEST_QUOTE = 120


def interval_text(interval: Interval) -> str:
    """``[low–high]`` in percent, or "" when there is no interval."""
    if interval.low is None or interval.high is None:
        return ""
    return f"[{pct(interval.low)}–{pct(interval.high)}]"


def with_interval(interval: Interval | None) -> str:
    """``71.0 [58.2–80.1]``; the value alone when there is no interval; "—" for no score."""
    if interval is None:
        return DASH
    bracket = interval_text(interval)
    return f"{pct(interval.value)} {bracket}" if bracket else pct(interval.value)


def shorten(text: str, limit: int = LONGEST_QUOTE) -> str:
    """``text`` on one line, cut in the middle with "…" when longer than ``limit``."""
    line = squeeze_space(text)
    if len(line) <= limit:
        return line
    half = (limit - 1) // 2
    return line[:half].rstrip() + ELLIPSIS + line[-half:].lstrip()


def quoted(text: str, span: Span | None) -> str:
    """The span's text in double quotes, or "none"."""
    if span is None:
        return "none"
    return f'"{shorten(text[span.start : span.end])}"'


def _spans(record: Record | None) -> list[Span]:
    if record is None:
        return []
    if isinstance(record, Attribution):
        return [s for s in (record.source, record.cue, *record.content) if s is not None]
    return [record.span]


def _anchors(record: Record | None) -> list[Span]:
    """Where a record sits: its span; for an attribution its cue and source (its content if it has neither)."""
    if isinstance(record, Attribution):
        named = [s for s in (record.cue, record.source) if s is not None]
        return named or list(record.content[:1])
    return _spans(record)


def context(item: ScoredItem, text: str, *, width: int = CONTEXT) -> str:
    """The item's span(s) with up to ``width`` characters either side, on one line, "…" where cut.

    For an attribution the anchor is its cue and source (the content is in :func:`describe`).

    >>> from bench.schema import EntityLabel
    >>> doc = "Heavy losses in Raqqa and Homs provinces were reported."
    >>> item = ScoredItem("d", Layer.ENTITIES, (Outcome.MISSED,), Entity(26, 30, EntityLabel.GPE), None, 0, None)
    >>> context(item, doc, width=16)
    '…losses in Raqqa and Homs provinces were reported.'
    """
    spans = _anchors(item.gold) + _anchors(item.pred)
    if not spans:
        return ""
    start, end = min(s.start for s in spans), max(s.end for s in spans)
    left_at, right_at = max(0, start - width), min(len(text), end + width)
    # do not cut words: widen to the previous/next space when one is near
    while left_at > 0 and not text[left_at - 1].isspace() and start - left_at < width + 12:
        left_at -= 1
    while right_at < len(text) and not text[right_at].isspace() and right_at - end < width + 12:
        right_at += 1
    middle = shorten(text[start:end], LONGEST_QUOTE)
    left = squeeze_space(text[left_at:start]) if text[left_at:start].strip() else ""
    right = squeeze_space(text[end:right_at]) if text[end:right_at].strip() else ""
    gap_left = " " if left and text[start - 1].isspace() else ""
    gap_right = " " if right and end < len(text) and text[end].isspace() else ""
    return (
        (ELLIPSIS if left_at > 0 else "") + left + gap_left + middle + gap_right + right
        + (ELLIPSIS if right_at < len(text) else "")
    )


def _number_fields(number: Number) -> str:
    value = _value(number)
    parts = [value]
    if number.unit:
        parts.append(number.unit)
    if number.qualifier is not None:
        parts.append(str(number.qualifier))
    return ", ".join(parts)


def _value(number: Number) -> str:
    def show(x: float | None) -> str:
        if x is None:
            return "none"
        return format(x, ",.12g")

    if number.value_max is not None:
        return f"{show(number.value)}–{show(number.value_max)}"
    return show(number.value)


def record_text(record: Record | None, text: str) -> str:
    """A record in a few words: ``GPE "Homs"``, ``"20" (20, militant, approx)``, ``"said" by "the ministry"``."""
    if record is None:
        return "none"
    if isinstance(record, Entity):
        return f"{record.label} {quoted(text, record.span)}"
    if isinstance(record, Number):
        return f"{quoted(text, record.span)} ({_number_fields(record)})"
    content = " … ".join(text[s.start : s.end] for s in record.content)
    parts = [f"source {quoted(text, record.source)}", f"cue {quoted(text, record.cue)}",
             f'content "{shorten(content, 80)}"']
    if record.kind is not None:
        parts.append(str(record.kind))
    return ", ".join(parts)


def _differences(item: ScoredItem, text: str) -> list[str]:
    gold, pred = item.gold, item.pred
    out: list[str] = []
    for outcome in item.outcomes:
        if isinstance(gold, Entity) and isinstance(pred, Entity):
            if outcome is Outcome.WRONG_TYPE:
                out.append(f"type {pred.label}, gold {gold.label}")
            elif outcome is Outcome.WRONG_BOUNDARY:
                out.append(f"span {quoted(text, pred.span)}, gold {quoted(text, gold.span)}")
        elif isinstance(gold, Number) and isinstance(pred, Number):
            if outcome is Outcome.WRONG_BOUNDARY:
                out.append(f"span {quoted(text, pred.span)}, gold {quoted(text, gold.span)}")
            elif outcome is Outcome.WRONG_VALUE:
                out.append(f"value {_value(pred)}, gold {_value(gold)}")
            elif outcome is Outcome.WRONG_UNIT:
                out.append(f"unit {pred.unit or 'none'}, gold {gold.unit or 'none'}")
            elif outcome is Outcome.WRONG_QUALIFIER:
                out.append(f"qualifier {pred.qualifier or 'none'}, gold {gold.qualifier or 'none'}")
        elif isinstance(gold, Attribution) and isinstance(pred, Attribution):
            if outcome in (Outcome.WRONG_SOURCE, Outcome.SOURCE_RESOLVED):
                resolved = " (names the gold source entity)" if outcome is Outcome.SOURCE_RESOLVED else ""
                out.append(f"source {quoted(text, pred.source)}, gold {quoted(text, gold.source)}{resolved}")
            elif outcome is Outcome.WRONG_CUE:
                out.append(f"cue {quoted(text, pred.cue)}, gold {quoted(text, gold.cue)}")
            elif outcome is Outcome.CONTENT_BOUNDARY:
                p = " … ".join(text[s.start : s.end] for s in pred.content)
                g = " … ".join(text[s.start : s.end] for s in gold.content)
                out.append(f'content "{shorten(p, 80)}", gold "{shorten(g, 80)}"')
    return out


def _subject(item: ScoredItem, text: str) -> str:
    record = item.gold if item.gold is not None else item.pred
    if isinstance(record, Entity):
        return quoted(text, record.span)
    if isinstance(record, Number):
        return f"number {quoted(text, record.span)}"
    if isinstance(record, Attribution):
        return f"attribution with cue {quoted(text, record.cue)}" if record.cue else "attribution"
    return "item"


def describe(item: ScoredItem, text: str) -> str:
    """What happened to one item, in words (see module docstring for examples)."""
    if item.outcomes == (Outcome.MISSED,):
        return f"missed {record_text(item.gold, text)}" if item.layer is not Layer.NUMBERS \
            else f"missed number {record_text(item.gold, text)}"
    if item.outcomes == (Outcome.SPURIOUS,):
        return f"spurious {record_text(item.pred, text)}" if item.layer is not Layer.NUMBERS \
            else f"spurious number {record_text(item.pred, text)}"
    if item.outcomes == (Outcome.MATCH,):
        return f"match {record_text(item.gold, text)}"
    return f"{_subject(item, text)}: " + "; ".join(_differences(item, text))


class Category(StrEnum):
    """Colour groups of the HTML pages (one legend entry each)."""

    MATCH = "match"
    MISSED = "missed"
    SPURIOUS = "spurious"
    TYPE = "type"
    BOUNDARY = "boundary"
    VALUE = "value"
    COMPONENT = "component"

    @property
    def legend(self) -> str:
        """The words the legend shows for this colour."""
        return _CATEGORY_TITLE[self]


_CATEGORY_TITLE = {
    Category.MATCH: "match",
    Category.MISSED: "missed (gold only)",
    Category.SPURIOUS: "spurious (predicted only)",
    Category.TYPE: "wrong type (entity label)",
    Category.BOUNDARY: "wrong boundary (spans overlap but differ; attribution content)",
    Category.VALUE: "wrong value, unit or qualifier (numbers)",
    Category.COMPONENT: "wrong source or cue (attributions)",
}

_CATEGORY_OF = {
    Outcome.MATCH: Category.MATCH,
    Outcome.MISSED: Category.MISSED,
    Outcome.SPURIOUS: Category.SPURIOUS,
    Outcome.WRONG_TYPE: Category.TYPE,
    Outcome.WRONG_BOUNDARY: Category.BOUNDARY,
    Outcome.CONTENT_BOUNDARY: Category.BOUNDARY,
    Outcome.WRONG_VALUE: Category.VALUE,
    Outcome.WRONG_UNIT: Category.VALUE,
    Outcome.WRONG_QUALIFIER: Category.VALUE,
    Outcome.WRONG_SOURCE: Category.COMPONENT,
    Outcome.SOURCE_RESOLVED: Category.COMPONENT,
    Outcome.WRONG_CUE: Category.COMPONENT,
}


def category(outcomes: Sequence[Outcome]) -> Category:
    """The colour of an item: that of its first (most important) outcome."""
    return _CATEGORY_OF[outcomes[0]]


def reading_order(items: Sequence[ScoredItem]) -> list[ScoredItem]:
    """Items by document, then position of their first span, then outcome."""
    return sorted(items, key=lambda i: (i.doc_id, i.extent.start, i.extent.end, [o.value for o in i.outcomes]))
