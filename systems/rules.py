"""``rules``: a dependency-free baseline for all three layers.

* entities — capitalised word sequences, trimmed of function words, titles and possessives,
  labelled by head words, a country list, nationality endings and context
  (:mod:`systems._rules.entities`);
* numbers — numerals in digits and words, vague plurals, ordinals and ranges, with qualifier
  phrases, units and kinds (:mod:`systems._rules.numbers`);
* attributions — reporting verbs, "according to" and quotation marks, one per sentence
  (:mod:`systems._rules.attributions`).

Every list it uses is general English (reporting verbs, number words, qualifier phrases,
titles, months, countries); none is drawn from the gold documents, and it was developed
only on texts written for its tests.
"""

from __future__ import annotations

from bench.registry import Adapter
from bench.schema import Annotations, Document, Layer
from systems._rules.attributions import find_attributions
from systems._rules.entities import find_entities
from systems._rules.numbers import find_numbers


class RulesSystem(Adapter):
    """Hand-written heuristics; no model, no dependencies."""

    name = "rules"
    version = "1.0"
    layers = frozenset({Layer.ENTITIES, Layer.NUMBERS, Layer.ATTRIBUTIONS})
    description = "dependency-free baseline: capitalisation, numerals, reporting verbs and quotes"

    def predict(self, document: Document) -> Annotations:
        text = document.text
        return Annotations(
            document.doc_id,
            entities=find_entities(text),
            numbers=find_numbers(text),
            attributions=find_attributions(text),
        )


SYSTEM = RulesSystem
