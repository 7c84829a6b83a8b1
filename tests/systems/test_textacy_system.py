"""The ``textacy`` system: direct quotations, and the U+2019 apostrophe fix that keeps every offset."""

from __future__ import annotations

from typing import Any

import pytest

from bench.schema import Document, Layer, QuoteKind
from systems.textacy_quotes import (
    NEUTRAL_APOSTROPHE,
    TextacyQuotes,
    apostrophe_tokens,
    neutralise_apostrophes,
    quotations,
)

# A plural possessive (workers’) is a lone ’ token that spaCy flags as a quotation mark.
TEXT = "The workers’ union said: “We could not know what happened, and we are angry.” It’s late, he noted."


def test_without_the_fix_textacy_fails_on_a_typographic_apostrophe(nlp: Any) -> None:
    from textacy.extract.triples import direct_quotations

    with pytest.raises(ValueError, match="3 quotation marks found"):
        list(direct_quotations(nlp(TEXT)))


def test_the_fix_changes_only_apostrophe_tokens_and_no_offset(nlp: Any) -> None:
    doc = nlp(TEXT)
    fixed = neutralise_apostrophes(doc)
    assert len(fixed.text) == len(TEXT)
    assert [t.idx for t in fixed] == [t.idx for t in doc]
    changed = [(t.idx, doc[t.i].text, t.text) for t in fixed if t.text != doc[t.i].text]
    assert changed == [(TEXT.index("’ union"), "’", NEUTRAL_APOSTROPHE)]
    assert [(t.dep_, t.head.i, t.lemma_) for t in fixed if t.text != NEUTRAL_APOSTROPHE] == [
        (t.dep_, t.head.i, t.lemma_) for t in doc if t.text != "’" or t.tag_ != "POS"
    ]
    assert not any(t.is_quote for t in fixed if t.text == NEUTRAL_APOSTROPHE)


def test_direct_quotation_with_speaker_and_cue_as_offsets_into_the_original(nlp: Any) -> None:
    found = quotations(nlp(TEXT), TEXT)
    assert [(a.source and a.source.text, a.cue and a.cue.text, [c.text for c in a.content], a.kind) for a in found] == [
        ("union", "said", ["“We could not know what happened, and we are angry.”"], QuoteKind.DIRECT),
    ]
    for attribution in found:
        for span in (*attribution.content, attribution.source, attribution.cue):
            assert span is not None and TEXT[span.start : span.end] == span.text


def test_genuine_closing_single_quotes_are_left_alone(nlp: Any) -> None:
    text = "He called the plan ‘dead’ and left."
    fixed = neutralise_apostrophes(nlp(text))
    assert fixed.text == text


def test_a_closing_mark_that_closes_nothing_is_an_apostrophe_whatever_its_tag(nlp: Any) -> None:
    text = "“We stay,” said the farmers’ leader. Then the ‘plan’ was the soldiers’ and nobody’s."
    doc = nlp(text)
    marked = [(doc[i].idx, doc[i].text) for i in apostrophe_tokens(doc)]
    assert marked == [
        (text.index("’ leader"), "’"),
        (text.index("’ and"), "’"),
    ]  # "plan’" closes the ‘ before it; "nobody’s" is one token "’s", never a quotation mark


def test_adapter_declares_attributions_only_and_batches(nlp: Any) -> None:
    system = TextacyQuotes()
    system._nlp = nlp
    assert system.layers == frozenset({Layer.ATTRIBUTIONS})
    results = system.predict_batch([Document("a", TEXT), Document("b", "No quotes here at all.")])
    assert [len(r.attributions or ()) for r in results] == [1, 0]
    assert results[0].entities is None and results[0].numbers is None
    assert "textacy" in system.config() and system.config()["model_version"] == "3.8.0"
