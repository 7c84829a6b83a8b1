"""``--log-samples``: one JSON line per document saying what a system received and returned.

``<out>/<system>.samples.jsonl`` is written beside the predictions by
:func:`bench.runner.run.write_run`, in document order. Each line (:func:`sample_line`) holds

* ``doc_id``;
* ``received``: what the system was handed — ``text``, ``chars`` (its length in characters),
  ``sha256`` (of its UTF-8 bytes), and ``split`` when the document comes from gold;
* ``annotations``: the record exactly as in ``<system>.jsonl`` — or ``failure``: the one-line
  reason the document failed — or ``missing``: why a replayed predictions file has no line for it;
* ``seconds``: the prediction's time (its share of a batch call; for a cached document the time
  stored when it was made), None when unknown; ``cached``: whether it came from the runner's cache;
* ``detail``: what the system itself keeps (:meth:`~bench.registry.SystemAdapter.sample_detail`),
  only when it gives any.

The lines contain the document texts: do not commit the samples of a licensed corpus.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.names import slug
from bench.predictions import to_json
from bench.registry import JSONValue
from bench.schema import Annotations, Document

#: The help of ``--log-samples`` on ``newsbench run`` and ``newsbench bench``.
LOG_SAMPLES_HELP = ("Also write <system>.samples.jsonl beside the predictions: per document the text received, "
                    "what was returned (or the failure), seconds, cached, and the system's own detail (llm: prompts, "
                    "raw replies, grounding). Holds the texts: do not commit it for licensed corpora.")


@dataclass(frozen=True, slots=True)
class Sample:
    """One document's sample: what was received, and the outcome of its prediction."""

    document: Document
    split: str | None
    annotations: Annotations | None
    failure: str | None
    seconds: float | None
    cached: bool
    detail: dict[str, JSONValue] | None = None
    missing: str | None = None


def samples_path(out_dir: Path, system: str) -> Path:
    """``<out>/<system>.samples.jsonl``, with the system named by the same slug as its other outputs."""
    return out_dir / f"{slug(system)}.samples.jsonl"


def sample_line(sample: Sample) -> dict[str, Any]:
    """The JSON object of one line (see the module doc for the keys)."""
    text = sample.document.text
    received: dict[str, Any] = {"text": text, "chars": len(text),
                                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    if sample.split is not None:
        received["split"] = sample.split
    line: dict[str, Any] = {"doc_id": sample.document.doc_id, "received": received}
    if sample.annotations is not None:
        line["annotations"] = to_json(sample.annotations)
    elif sample.missing is not None:
        line["missing"] = sample.missing
    else:
        line["failure"] = sample.failure or ""
    line["seconds"] = None if sample.seconds is None else round(sample.seconds, 6)
    line["cached"] = sample.cached
    if sample.detail is not None:
        line["detail"] = sample.detail
    return line


def render(samples: tuple[Sample, ...]) -> str:
    """The file's text: one line per sample, in the order given, UTF-8 characters kept."""
    return "".join(json.dumps(sample_line(s), ensure_ascii=False) + "\n" for s in samples)
