"""``textacy`` (attributions, direct quotations only): textacy 0.13.0 ``extract.triples.direct_quotations``.

A faithful wrapper: each (speaker, cue, content) triple textacy yields becomes one attribution
of kind ``direct``; nothing is added or filtered.

* content: textacy's content span, which runs from the opening to the closing quotation mark
  inclusive;
* source: textacy's speaker tokens (the subject with its compounds and conjuncts) as one span
  from the first to the last token;
* cue: textacy's cue tokens (the verb with its auxiliaries and negation) likewise.

The U+2019 problem. textacy pairs up every token spaCy flags ``is_quote``, and spaCy flags
both ``’`` and ``'`` when they stand alone as a token. A plural possessive ("the workers’
union") is such a token, so one apostrophe makes the count of quotation marks odd and
``direct_quotations`` raises ``ValueError`` ("unclosed quotation"), or pairs the wrong marks.
Fix, without touching offsets: the text is parsed as it is; then a copy of the parsed ``Doc``
is built with the same tokens, whitespace and annotations (tags, parse, lemmas, sentence
boundaries) in which every apostrophe token has its text replaced by the single code point
U+2032 (PRIME), a punctuation mark that is not a quotation mark. An apostrophe token is a
``’`` or ``'`` tagged ``POS`` (a possessive ending) or standing between two letters, or a
``’`` that closes nothing because no ``‘`` opened a single quotation before it in the
paragraph (the tagger sometimes takes "soldiers’" for a closing quote). Every token keeps
its length, so every character offset of the copy equals the original's, and genuine closing
single quotes (after a ``‘``) are left alone.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Any

from bench.registry import Availability
from bench.schema import Annotations, Attribution, Document, Layer, QuoteKind, Span
from systems import _spacy_model

APOSTROPHES = frozenset({"’", "'"})
#: Same length (one code point), punctuation, not in spaCy's list of quotation marks.
NEUTRAL_APOSTROPHE = "\u2032"


def _glued(token: Any) -> bool:
    doc = token.doc
    glued_left = token.i > 0 and not doc[token.i - 1].whitespace_ and doc[token.i - 1].text[-1:].isalpha()
    glued_right = not token.whitespace_ and token.i + 1 < len(doc) and doc[token.i + 1].text[:1].isalpha()
    return bool(glued_left and glued_right)


def apostrophe_tokens(doc: Any) -> list[int]:
    """Indices of the ``’``/``'`` tokens that are apostrophes, not quotation marks.

    An apostrophe is tagged ``POS`` (a possessive ending), or sits between two letters, or —
    for ``’`` — closes nothing: no ``‘`` opened a single quotation earlier in the paragraph.
    """
    found: list[int] = []
    open_single = 0
    for token in doc:
        if "\n" in token.text:
            open_single = 0  # quotations do not run across paragraphs
        if token.text == "‘":
            open_single += 1
            continue
        if token.text not in APOSTROPHES:
            continue
        if token.tag_ == "POS" or _glued(token):
            found.append(token.i)
        elif token.text == "’":
            if open_single:
                open_single -= 1  # a genuine closing single quote
            else:
                found.append(token.i)
    return found


def neutralise_apostrophes(doc: Any) -> Any:
    """A copy of ``doc`` whose apostrophe tokens read U+2032; same offsets, same annotations."""
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG
    from spacy.tokens import Doc

    targets = apostrophe_tokens(doc)
    if not targets:
        return doc
    words = [t.text for t in doc]
    for i in targets:
        words[i] = NEUTRAL_APOSTROPHE
    copy = Doc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc])
    attrs = [TAG, POS, MORPH, DEP, HEAD, LEMMA, SENT_START, ENT_IOB, ENT_TYPE]
    copy.from_array(attrs, doc.to_array(attrs))
    return copy


def _span(text: str, tokens: Sequence[Any]) -> Span | None:
    if not tokens:
        return None
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    return Span(start, end, text[start:end])


def quotations(doc: Any, text: str) -> tuple[Attribution, ...]:
    """textacy's direct quotations in a parsed ``doc`` of ``text``, as attributions."""
    from textacy.extract.triples import direct_quotations

    out: list[Attribution] = []
    for triple in direct_quotations(neutralise_apostrophes(doc)):
        content = Span(triple.content.start_char, triple.content.end_char, text[triple.content.start_char : triple.content.end_char])
        out.append(Attribution((content,), _span(text, triple.speaker), _span(text, triple.cue), QuoteKind.DIRECT))
    return tuple(out)


class TextacyQuotes(_spacy_model.SpacyBacked):
    """Direct quotations with their speaker and cue."""

    name = "textacy"
    version = "1.0"
    layers = frozenset({Layer.ATTRIBUTIONS})
    description = "textacy direct_quotations on a spaCy parse (direct quotes only)"
    library = "textacy"

    def availability(self) -> Availability:
        if importlib.util.find_spec("textacy") is None:
            return Availability.no("textacy is not installed", "pip install textacy==0.13.0")
        return super().availability()

    def from_parse(self, document: Document, doc: Any) -> Annotations:
        return Annotations(document.doc_id, attributions=quotations(doc, document.text))


SYSTEM = TextacyQuotes
