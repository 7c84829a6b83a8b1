"""A copyable template for a newsbench system (this module is skipped by discovery: its name starts with ``_``).

To add a built-in: copy this file to ``systems/<name>.py`` and rename the class, ``name`` and
``SYSTEM``. To ship it in your own package instead, declare the class as an entry point::

    [project.entry-points."newsbench.systems"]
    mysystem = "my_package.module:MySystem"

The system receives a :class:`~bench.schema.Document` (``doc_id`` and raw ``text``) and nothing
else. Offsets are Python ``str`` indices into ``text``, end exclusive. Return a layer as ``()``
when you attempted it and found nothing; leave it ``None`` when you do not attempt it (and do
not list it in ``layers``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bench.registry import Adapter, Availability, JSONValue
from bench.schema import Annotations, Document, Entity, EntityLabel, Layer


class TemplateSystem(Adapter):
    """Tags every run of two or more capitalised words as an ORG (a placeholder heuristic)."""

    name = "template"
    version = "0.1"  # bump whenever the output can change: it is part of the cache key
    layers = frozenset({Layer.ENTITIES})
    description = "example adapter to copy"

    def __init__(self, *, model: str | None = None) -> None:
        # Keyword options are filled from the command line (`--model`); keep __init__ cheap.
        self.model = model
        self._pattern: re.Pattern[str] | None = None

    def availability(self) -> Availability:
        # Check optional dependencies without importing them, e.g.
        # if importlib.util.find_spec("mylib") is None:
        #     return Availability.no("mylib is not installed", "pip install mylib==1.2.3")
        return Availability.yes()

    def config(self) -> Mapping[str, JSONValue]:
        # Everything besides `version` that changes the output; never secrets.
        return {"model": self.model}

    def setup(self) -> None:
        # Load models here: runs once per worker process.
        self._pattern = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")

    def predict(self, document: Document) -> Annotations:
        if self._pattern is None:
            self.setup()
        assert self._pattern is not None
        entities = tuple(
            Entity(m.start(), m.end(), EntityLabel.ORG, text=m.group()) for m in self._pattern.finditer(document.text)
        )
        return Annotations(document.doc_id, entities=entities)


SYSTEM = TemplateSystem
