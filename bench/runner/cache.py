"""The prediction cache: keys that fingerprint everything a prediction depends on, and the store.

A key is the SHA-256 of (system name, version, code, config, the options it was created with,
SHA-256 of the document's text), so an edit to a system's code, a new version, config or model
option, or a changed text each make a new key; re-runs of anything unchanged are instant.

An entry is the prediction's JSON object (its line in the prediction format) with one more key,
``cost``: what computing it cost (:class:`~bench.cost.DocumentCost`: seconds, and tokens when the
system reports them), so a cached re-run reports the figures of the run that computed the prediction.
The prediction format ignores unknown keys, so an entry reads the same to code that knows nothing of
``cost``; an entry without it (written before) is a prediction whose cost is unknown.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from bench import atomic
from bench.cost import DocumentCost
from bench.names import slug
from bench.parse import ANNOTATIONS, validate
from bench.predictions import to_json, to_json_line
from bench.registry import JSONValue, SystemAdapter
from bench.schema import Annotations, Document

#: Options that say how a system runs or authenticates, never what it outputs: left out of the
#: cache key (``api_key`` is a secret and must never reach a key, a file or a message).
RUN_OPTIONS = frozenset({"api_key", "response_cache", "document_timeout"})


def document_sha256(document: Document) -> str:
    return hashlib.sha256(document.text.encode("utf-8")).hexdigest()


@functools.cache
def _package_fingerprint(module_name: str) -> str:
    """SHA-256 over the Python sources of the top-level package that defines ``module_name``.

    For the built-ins that is every file under ``systems/`` (helpers included), so an edit to a
    system's code invalidates its cached predictions even when its ``version`` was not bumped.
    """
    module = sys.modules.get(module_name)
    source = getattr(module, "__file__", None)
    if source is None:
        return "unknown"
    top = sys.modules.get(module_name.split(".")[0])
    top_file = getattr(top, "__file__", None)
    root = Path(top_file).parent if top_file and Path(top_file).name == "__init__.py" else None
    files = sorted(root.rglob("*.py")) if root is not None else [Path(source)]
    digest = hashlib.sha256()
    for path in files:
        try:
            digest.update(path.relative_to(root).as_posix().encode() if root else path.name.encode())
            digest.update(path.read_bytes())
        except OSError:
            continue
    return digest.hexdigest()


def code_fingerprint(adapter: SystemAdapter) -> str:
    """A hash of the code that defines ``adapter`` (see :func:`_package_fingerprint`)."""
    return _package_fingerprint(type(adapter).__module__)


def key_options(options: Mapping[str, Any]) -> dict[str, JSONValue]:
    """The options a system was created with that belong in its cache key: all but :data:`RUN_OPTIONS` and None.

    >>> key_options({"model": "foo", "api_key": "secret", "base_url": None})
    {'model': 'foo'}
    """
    return {k: _jsonable(v) for k, v in sorted(options.items()) if k not in RUN_OPTIONS and v is not None}


def _jsonable(value: object) -> JSONValue:
    """``value`` as JSON (a path or other object as its string), so any option can be keyed."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))  # type: ignore[no-any-return]


def cache_key(
    adapter: SystemAdapter,
    document: Document,
    *,
    config: Mapping[str, JSONValue] | None = None,
    options: Mapping[str, JSONValue] | None = None,
) -> str:
    """SHA-256 over the system's name, version, code, config, options and the document text's SHA-256.

    Pass ``config`` when keying many documents, so ``adapter.config()`` (which may read model
    files) runs once per run rather than once per document. ``options`` are those the system
    was created with (see :func:`key_options`): part of the key whether or not ``config()``
    reports them, so ``--model mine=foo`` and ``--model mine=bar`` never share predictions.
    """
    material: dict[str, Any] = {
        "system": adapter.name,
        "version": adapter.version,
        "code": code_fingerprint(adapter),
        "config": dict(adapter.config()) if config is None else dict(config),
        "document": document_sha256(document),
    }
    if options:
        material["options"] = dict(options)
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class Entry(NamedTuple):
    """A cached prediction and what computing it cost (None: not kept, e.g. cached before cost figures were)."""

    record: Annotations
    cost: DocumentCost | None


@dataclass(frozen=True, slots=True)
class PredictionCache:
    """Checked predictions on disk, one small JSON file per (system, document) key."""

    root: Path

    def _path(self, system: str, key: str) -> Path:
        return self.root / slug(system) / key[:2] / f"{key}.json"

    def get(self, system: str, key: str, doc_id: str) -> Entry | None:
        """The cached record (re-labelled with ``doc_id``) and its cost, or None; an unreadable entry is a miss."""
        try:
            raw = self._path(system, key).read_bytes()
        except OSError:
            return None
        record, _ = validate(ANNOTATIONS, raw, root="")
        if not isinstance(record, Annotations):
            return None
        kept = json.loads(raw).get("cost") if b'"cost"' in raw else None  # valid JSON: validate parsed it
        return Entry(replace(record, doc_id=doc_id), DocumentCost.from_json(kept))

    def put(self, system: str, key: str, record: Annotations, cost: DocumentCost | None = None) -> None:
        """Keep ``record`` and, when given, what computing it cost (in the same file: one write)."""
        entry = to_json_line(record) if cost is None else json.dumps(
            {**to_json(record), "cost": cost.to_json()}, ensure_ascii=False)
        atomic.write_text(self._path(system, key), entry)

    def _sample_path(self, system: str, key: str) -> Path:
        return self.root / slug(system) / key[:2] / f"{key}.sample.json"

    def get_sample(self, system: str, key: str) -> dict[str, JSONValue] | None:
        """What ``--log-samples`` kept when this prediction was made (its ``detail``), or None.

        None also for a prediction made without ``--log-samples``, or an unreadable entry. (Samples kept
        before cost figures were also hold the prediction's ``seconds``; now those are in the entry.)
        """
        try:
            kept = json.loads(self._sample_path(system, key).read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        return kept if isinstance(kept, dict) else None

    def put_sample(self, system: str, key: str, sample: Mapping[str, JSONValue]) -> None:
        atomic.write_text(self._sample_path(system, key), json.dumps(dict(sample), ensure_ascii=False))
