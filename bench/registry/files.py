"""A predictions file as a system, and the one place a system spec is read as a file (``file:PATH``)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from bench.registry.contract import Adapter, Availability, JSONValue
from bench.schema import Annotations, Document

#: Prefix that turns a predictions file into a system.
FILE_PREFIX = "file:"


def file_spec(spec: str) -> Path | None:
    """The file a ``file:PATH`` spec names, or None (what ``run``/``bench --system`` accept).

    >>> file_spec("file:out/mine.jsonl"), file_spec("rules")
    (PosixPath('out/mine.jsonl'), None)
    """
    return Path(spec.removeprefix(FILE_PREFIX)) if spec.startswith(FILE_PREFIX) else None


def as_file(spec: str) -> Path | None:
    """The predictions file ``spec`` names (``file:PATH``, a ``.jsonl`` path or an existing file); None: a system name.

    What ``score`` and ``compare`` accept, which read a file directly rather than through the runner.
    """
    named = file_spec(spec)
    if named is not None:
        return named
    if spec.endswith(".jsonl") or Path(spec).is_file():
        return Path(spec)
    return None


class FileSystem(Adapter):
    """``file:PATH``: a predictions JSONL replayed as a system (for systems run elsewhere).

    The name is the file's stem, the version its SHA-256 prefix, the layers the union of the
    layers its lines attempt. The runner does not ask it for a document absent from the file
    (see :meth:`doc_ids`): that document is scored as empty, with the warning ``newsbench score``
    gives (:func:`bench.predictions.missing_warning`).
    """

    description = "predictions read from a JSONL file"
    isolate = False
    cache = False

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.name = self.path.stem
        self._by_doc: dict[str, Annotations] | None = None
        try:
            data = self.path.read_bytes()
        except OSError:
            self.version = "missing"
            self.layers = frozenset()
            return
        self.version = hashlib.sha256(data).hexdigest()[:12]
        self.layers = frozenset(
            layer for record in self._records().values() for layer in record.attempted()
        )

    def _records(self) -> dict[str, Annotations]:
        if self._by_doc is None:
            from bench.predictions import read_predictions

            self._by_doc = dict(read_predictions(self.path).by_doc)
        return self._by_doc

    def availability(self) -> Availability:
        if not self.path.is_file():
            return Availability.no(f"{self.path}: no such file")
        return Availability.yes()

    def config(self) -> Mapping[str, JSONValue]:
        return {"path": str(self.path.resolve())}

    def doc_ids(self) -> frozenset[str]:
        """The documents the file has a line for."""
        return frozenset(self._records())

    def predict(self, document: Document) -> Annotations:
        record = self._records().get(document.doc_id)
        if record is None:
            raise LookupError(f"{self.path.name} has no line for this document")
        return record
