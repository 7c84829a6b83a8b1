"""Load the gold standard: typed records, pandas frames, a ``datasets.DatasetDict``.

Two on-disk forms are accepted:

* a gold folder (``gold/`` or ``gold/documents/``) of ``<doc_id>.txt`` raw texts,
  each beside a ``<doc_id>.json`` annotation file with ``doc_id``, ``split``,
  ``sha256`` of the text's bytes, and the three layers;
* a JSONL file in the prediction format whose lines also carry ``text`` (and
  optionally ``split``), for converted corpora and synthetic data.

Loading validates everything (:func:`problems`); any defect raises
:class:`bench.errors.InvalidInput` listing one line per problem.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.errors import InvalidInput, Problem, UserError
from bench.gcpause import gc_paused
from bench.parse import (
    ANNOTATIONS,
    GOLD_HEADER,
    GOLD_LINE,
    TEXT_LINE,
    GoldHeader,
    GoldLine,
    TextLine,
    fast_gold_line,
    jsonl_lines,
    validate,
)
from bench.schema import Annotations, GoldDocument, Layer
from bench.validate import check_annotations, entity_offsets_valid

#: The gold folder shipped with the repository.
SHIPPED_GOLD = Path(__file__).resolve().parent.parent / "gold"
#: The environment variable that names the gold commands read by default.
GOLD_ENV = "NEWSBENCH_GOLD"


def default_gold() -> Path:
    """The gold commands read by default: ``NEWSBENCH_GOLD`` (read now, not at import), else the shipped gold."""
    return Path(os.environ.get(GOLD_ENV, SHIPPED_GOLD))


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def read_text(path: Path) -> str:
    """Raw text exactly as stored: UTF-8, newlines untranslated."""
    return path.read_bytes().decode("utf-8")


def _annotation_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    folder = path / "documents" if (path / "documents").is_dir() else path
    return sorted(folder.glob("*.json"))


def load_gold_file(path: Path) -> tuple[GoldDocument | None, list[Problem]]:
    """Parse and check one gold annotation file and its text. Never raises on bad content."""
    name = str(path)
    try:
        raw = path.read_bytes().removeprefix(codecs.BOM_UTF8)  # a leading byte-order mark is dropped
    except OSError as error:
        return None, [Problem(name, "$", f"cannot read: {error.strerror}")]
    header, found = validate(GOLD_HEADER, raw)
    annotations, more = validate(ANNOTATIONS, raw)
    problems = [Problem(name, where, message) for where, message in found + [f for f in more if f not in found]]
    if header is None:
        return None, problems
    assert isinstance(header, GoldHeader)
    if header.doc_id != path.stem:
        problems.append(Problem(name, "$.doc_id", f"{header.doc_id!r} does not match the file name {path.stem!r}"))
    text_path = path.with_suffix(".txt")
    try:
        data = text_path.read_bytes()
    except OSError:
        return None, problems + [Problem(name, "$", f"raw text {text_path.name} is missing beside it")]
    digest = sha256_hex(data)
    if digest != header.sha256:
        problems.append(Problem(name, "$.sha256", f"{header.sha256} does not match {text_path.name} ({digest})"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, problems + [Problem(str(text_path), "$", f"not UTF-8: {error.reason} at byte {error.start}")]
    if annotations is None:
        return None, problems
    assert isinstance(annotations, Annotations)
    problems += [Problem(name, where, message) for where, message in check_annotations(annotations, text, gold=True, annotated=header.layers,
                                                                                        offsets=header.offsets)]
    document = GoldDocument(header.doc_id, header.split, text, digest, annotations, header.provenance)
    return document, problems


def _gold_line_pydantic(line: str) -> tuple[TextLine | GoldLine, Annotations] | list[tuple[str, str]]:
    """A gold JSONL line msgspec rejected, through pydantic: its text fields and annotations, or every
    problem of both parts (a defective line is parsed again, as its text fields and as annotations)."""
    whole, _ = validate(GOLD_LINE, line, root="")
    if isinstance(whole, GoldLine):
        return whole, whole.annotations()
    head, found = validate(TEXT_LINE, line, root="")
    annotations, more = validate(ANNOTATIONS, line, root="")
    if isinstance(head, TextLine) and isinstance(annotations, Annotations):
        return head, annotations
    return found + [f for f in more if f not in found]


def load_gold_jsonl(path: Path) -> tuple[list[GoldDocument], list[Problem]]:
    """Gold in the prediction format with ``text`` on every line."""
    documents: list[GoldDocument] = []
    try:
        lines = jsonl_lines(path.read_bytes().decode("utf-8-sig"))  # a leading byte-order mark is dropped
    except (OSError, UnicodeDecodeError) as error:
        return [], [Problem(str(path), "$", f"cannot read: {error}")]
    if not any(line.strip() for line in lines):
        return [], [Problem(str(path), "$", "no documents (the file is empty)")]
    first_line: dict[str, int] = {}
    numbered: list[tuple[int, Problem]] = []  # by line number: the checks against the texts come last
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        parsed = fast_gold_line(line) or _gold_line_pydantic(line)  # one msgspec pass; pydantic for the rest
        if isinstance(parsed, list):
            numbered += [(number, Problem(where, w, m)) for w, m in parsed]
            continue
        head, annotations = parsed
        if head.doc_id in first_line:
            numbered.append((number, Problem(where, "doc_id",
                                             f"{head.doc_id!r} already appeared on line {first_line[head.doc_id]}")))
            continue
        first_line[head.doc_id] = number
        digest = sha256_hex(head.text.encode("utf-8"))
        documents.append(GoldDocument(head.doc_id, head.split, head.text, digest, annotations))
    checked = entity_offsets_valid([(doc.annotations, len(doc.text)) for doc in documents])  # the file at once
    for doc, offsets_valid in zip(documents, checked, strict=True):
        for w, m in check_annotations(doc.annotations, doc.text, gold=False, entity_offsets_checked=offsets_valid):
            numbered.append((first_line[doc.doc_id], Problem(f"{path}:{first_line[doc.doc_id]}", w.removeprefix("$."), m)))
    numbered.sort(key=lambda item: item[0])  # stable: a line's problems keep their order
    return documents, [problem for _, problem in numbered]


def _check_corpus(documents: list[GoldDocument], source: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for doc in documents:
        if doc.doc_id in seen:
            problems.append(Problem(source, "$.doc_id", f"document {doc.doc_id!r} appears twice"))
        seen.add(doc.doc_id)
    return problems


def load_all(path: Path) -> tuple[list[GoldDocument], list[Problem]]:
    """Every document at ``path`` (folder, ``.json`` or ``.jsonl``) that loads, and every problem found.

    Unlike :func:`load_gold` it does not raise on defects (a caller decides what they mean, e.g. a
    gold annotation file read as predictions); raises :class:`UserError` (exit 2) when the path
    cannot be read at all.
    """
    return _load(path)


def problems(path: Path) -> list[Problem]:
    """Every problem in the gold at ``path`` (folder, ``.json`` file or ``.jsonl`` file).

    Raises :class:`UserError` (exit 2) when the path cannot be read at all.
    """
    return _load(path)[1]


#: Said when the shipped gold is absent: the package was installed without the repository around it.
NOT_A_CHECKOUT = ("the shipped gold (gold/) comes with a checkout of the repository, not with the installed "
                  "package: run newsbench from a clone (`pip install -e .` or `make`), or pass --gold DIR "
                  "(or set NEWSBENCH_GOLD)")


def _load(path: Path) -> tuple[list[GoldDocument], list[Problem]]:
    with gc_paused():
        return _load_unpaused(path)


def _load_unpaused(path: Path) -> tuple[list[GoldDocument], list[Problem]]:
    if not path.exists():
        if path.resolve() == SHIPPED_GOLD:
            raise UserError(f"{path}: no such folder: {NOT_A_CHECKOUT}", exit_code=2)
        raise UserError(f"{path}: no such file or folder", exit_code=2)
    if path.is_file() and path.suffix == ".jsonl":
        documents, found = load_gold_jsonl(path)
    else:
        files = _annotation_files(path)
        if not files:
            raise UserError(f"{path}: no gold annotation files (*.json) found", exit_code=2)
        documents, found = [], []
        folder = files[0].parent
        texts = set(folder.glob("*.txt")) if path.is_dir() else set()  # one file named: its neighbours are not checked
        for orphan in sorted(texts - {f.with_suffix(".txt") for f in files}):
            found.append(Problem(str(orphan), "$", f"raw text has no annotation file {orphan.stem}.json beside it"))
        for file in files:
            document, more = load_gold_file(file)
            found += more
            if document is not None:
                documents.append(document)
    return documents, found + _check_corpus(documents, str(path))


def load_gold(path: Path | str | None = None, *, splits: Iterable[str] | None = None) -> tuple[GoldDocument, ...]:
    """The gold documents at ``path`` (None: :func:`default_gold`), sorted by id; raises :class:`InvalidInput` if any is defective."""
    documents, found = _load(Path(path) if path is not None else default_gold())
    if found:
        raise InvalidInput(found, exit_code=1)
    wanted = set(splits) if splits is not None else None
    return tuple(sorted((d for d in documents if wanted is None or d.split in wanted), key=lambda d: d.doc_id))


# --- frames ---------------------------------------------------------------------------------


def _span_columns(prefix: str, span: Any) -> dict[str, Any]:
    if span is None:
        return {f"{prefix}_start": None, f"{prefix}_end": None, f"{prefix}_text": None}
    return {f"{prefix}_start": span.start, f"{prefix}_end": span.end, f"{prefix}_text": span.text}


def rows(documents: Iterable[GoldDocument], layer: Layer) -> Iterator[dict[str, Any]]:
    """One flat dict per annotation of ``layer`` (attribution spans flattened to columns)."""
    for doc in documents:
        for record in doc.annotations.layer(layer) or ():
            base = {"doc_id": doc.doc_id, "split": doc.split}
            if layer is Layer.ATTRIBUTIONS:
                a: Any = record
                yield {
                    **base,
                    "id": a.id,
                    **_span_columns("source", a.source),
                    "source_entity": a.source_entity,
                    **_span_columns("cue", a.cue),
                    "content": [[s.start, s.end] for s in a.content],
                    "content_text": " … ".join(s.text or "" for s in a.content),
                    "kind": None if a.kind is None else str(a.kind),
                    "parent": a.parent,
                    "tags": list(a.tags),
                }
            else:
                item = {k: (str(v) if k in ("label", "qualifier", "kind") and v is not None else v)
                        for k, v in asdict(record).items()}
                item["tags"] = list(item["tags"])
                yield {**base, **item}


def frames(documents: Iterable[GoldDocument]) -> dict[Layer, Any]:
    """One pandas DataFrame per layer, one row per annotation."""
    import pandas as pd

    docs = list(documents)
    return {layer: pd.DataFrame(list(rows(docs, layer))) for layer in Layer}


def csv_frame(frame: Any) -> Any:
    """``frame`` ready for CSV: offsets as (nullable) integers, lists (tags, content offsets) as JSON arrays.

    Without this pandas writes an offset column holding a missing value as floats ("406.0")
    and a list as its Python repr ("['a']").
    """
    out = frame.copy()
    for column in out.columns:
        if column.endswith(("start", "end")):
            out[column] = out[column].astype("Int64")
        elif out[column].map(lambda v: isinstance(v, list)).any():
            out[column] = out[column].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v)
    return out


# --- datasets -------------------------------------------------------------------------------


def _features() -> Any:
    from datasets import Features, List, Value

    span = {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}
    tags = List(Value("string"))
    return Features(
        {
            "doc_id": Value("string"),
            "split": Value("string"),
            "sha256": Value("string"),
            "text": Value("string"),
            "entities": List({"id": Value("string"), **span, "label": Value("string"), "tags": tags}),
            "numbers": List(
                {
                    "id": Value("string"),
                    **span,
                    "value": Value("float64"),
                    "value_max": Value("float64"),
                    "unit": Value("string"),
                    "qualifier": Value("string"),
                    "kind": Value("string"),
                    "tags": tags,
                }
            ),
            "attributions": List(
                {
                    "id": Value("string"),
                    "source": span,
                    "source_entity": Value("string"),
                    "cue": span,
                    "content": List(span),
                    "kind": Value("string"),
                    "parent": Value("string"),
                    "tags": tags,
                }
            ),
        }
    )


def document_dict(doc: GoldDocument) -> dict[str, Any]:
    """A gold document as plain JSON-ready data (layers as in the annotation file, tags included)."""
    def strip(item: dict[str, Any]) -> dict[str, Any]:
        item["tags"] = list(item.get("tags") or ())
        return item

    ann = doc.annotations
    return {
        "doc_id": doc.doc_id,
        "split": doc.split,
        "sha256": doc.sha256,
        "text": doc.text,
        "entities": [strip(asdict(e)) for e in ann.entities or ()],
        "numbers": [strip(asdict(n)) for n in ann.numbers or ()],
        "attributions": [strip(asdict(a)) for a in ann.attributions or ()],
    }


def to_datasets(documents: Iterable[GoldDocument]) -> Any:
    """A ``datasets.DatasetDict`` with one split per gold split, built from memory (no hub access)."""
    from datasets import Dataset, DatasetDict

    by_split: dict[str, list[dict[str, Any]]] = {}
    for doc in documents:
        by_split.setdefault(doc.split, []).append(json.loads(json.dumps(document_dict(doc))))
    features = _features()
    return DatasetDict({split: Dataset.from_list(items, features=features) for split, items in sorted(by_split.items())})
