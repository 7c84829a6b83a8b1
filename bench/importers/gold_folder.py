"""Write imported documents as a gold folder (``documents/<id>.txt`` + ``.json``), atomically.

The whole folder is built beside the target and swapped in with ``os.replace``, so a
reader sees the old import or the new one, never a mix. Layers a corpus does not
annotate are left out of every file and listed as absent through the header field
``layers`` (the validator then does not ask for them; scoring reports them "—").
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.errors import UserError
from bench.gold import sha256_hex
from bench.schema import Attribution, Entity, Layer, Number, Span


@dataclass(frozen=True, slots=True)
class ImportedDocument:
    """One imported document: id, split, raw text and the layers the corpus annotates.

    ``layers`` names the annotated layers (the others are not annotated and left out).
    """

    doc_id: str
    split: str
    text: str
    entities: tuple[Entity, ...] = ()
    provenance: str | None = None
    attributions: tuple[Attribution, ...] = ()
    layers: tuple[Layer, ...] = (Layer.ENTITIES,)
    numbers: tuple[Number, ...] = ()
    #: ``False``: span-free number gold (header ``"offsets": false``, numbers without offsets).
    offsets: bool = True


def _span(span: Span | None, text: str) -> dict[str, object] | None:
    if span is None:
        return None
    return {"start": span.start, "end": span.end, "text": text[span.start : span.end]}


def document_json(doc: ImportedDocument) -> str:
    """The annotation file of ``doc``: the header, its ``layers`` and those layers' items."""
    data: dict[str, object] = {
        "doc_id": doc.doc_id,
        "split": doc.split,
        "sha256": sha256_hex(doc.text.encode("utf-8")),
        "provenance": doc.provenance,
        "layers": [layer.value for layer in doc.layers],
    }
    if Layer.ENTITIES in doc.layers:
        data["entities"] = [
            {"id": e.id, "start": e.start, "end": e.end, "text": e.text, "label": e.label.value}
            for e in doc.entities
        ]
    if not doc.offsets:
        data["offsets"] = False
    if Layer.NUMBERS in doc.layers:
        data["numbers"] = [
            {"id": n.id, "start": n.start, "end": n.end, "text": n.text, "value": n.value, "value_max": n.value_max,
             "unit": n.unit, "qualifier": None if n.qualifier is None else n.qualifier.value,
             "kind": None if n.kind is None else n.kind.value}
            for n in doc.numbers
        ]
    if Layer.ATTRIBUTIONS in doc.layers:
        data["attributions"] = [
            {"id": a.id, "source": _span(a.source, doc.text), "cue": _span(a.cue, doc.text),
             "content": [_span(c, doc.text) for c in a.content],
             "kind": None if a.kind is None else a.kind.value, "source_entity": a.source_entity, "parent": a.parent}
            for a in doc.attributions
        ]
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_gold_folder(documents: Iterable[ImportedDocument], out: Path) -> int:
    """Write ``out/documents/`` for ``documents``, replacing any earlier import; return the count."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as error:
        raise UserError(f"{out}: cannot write: {error.strerror or error}", exit_code=2) from None
    count = 0
    try:
        folder = staging / "documents"
        folder.mkdir()
        for doc in documents:
            (folder / f"{doc.doc_id}.txt").write_bytes(doc.text.encode("utf-8"))
            (folder / f"{doc.doc_id}.json").write_text(document_json(doc), encoding="utf-8")
            count += 1
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.old.{os.getpid()}"
            os.replace(out, old)
        os.replace(staging, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)  # a failed import leaves the earlier one in place
        if isinstance(error, OSError):
            raise UserError(f"{out}: cannot write: {error.strerror or error}", exit_code=2) from None
        raise
    return count
