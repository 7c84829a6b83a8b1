"""Read CoNLL BIO/IOB files (a token column and a tag column) as entity gold.

* Columns are separated by white space; the token is the first column, the tag the last
  (or ``column``). A blank line ends a sentence; ``-DOCSTART-`` starts a document.
* Tags: ``O``, ``B-T``, ``I-T``, and the BIOES ``E-T``/``S-T``. An ``I-T`` after ``O`` or
  another type starts an entity (IOB1 files); anything else is an illegal tag.
* Documents: one per ``-DOCSTART-`` (``<file stem>-001``, ``-002``…), or the whole file
  (``<file stem>``) when it has none.
* Text: with ``text_dir`` each document's raw text ``<doc_id>.txt`` is read and every token
  found in order, separated only by white space; otherwise the text is rebuilt as the tokens
  joined by one space, sentences by a newline.
* Types: ``labels`` maps a tag type to an OntoNotes label or to ``None`` (dropped); a type
  that is neither mapped nor an OntoNotes label is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.errors import UserError
from bench.gold import read_text
from bench.importers.gold_folder import ImportedDocument
from bench.schema import Entity, EntityLabel

SUFFIXES = (".conll", ".bio", ".iob", ".txt", ".tsv")


@dataclass(frozen=True, slots=True)
class Token:
    """A token with the line it came from, its tag and its sentence number."""

    form: str
    tag: str
    line: int
    sentence: int


def read_documents(path: Path, *, column: int = -1) -> list[tuple[str, list[Token]]]:
    """``(doc_id, tokens)`` per document of one file; a malformed line is one ``file:line`` error."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot read: {error}", exit_code=2) from None
    docs: list[list[Token]] = [[]]
    starts = False
    sentence = 0
    for number, line in enumerate(lines, start=1):
        cols = line.split()
        if not cols:
            sentence += 1
            continue
        if cols[0] == "-DOCSTART-":
            starts = True
            if docs[-1] or len(docs) > 1 or number > 1:
                docs.append([])
            continue
        if len(cols) < 2:
            raise UserError(f"{path}:{number}: expected a token and a tag column, found {len(cols)} column", exit_code=2)
        try:
            tag = cols[column]
        except IndexError:
            raise UserError(f"{path}:{number}: no tag column {column} (the line has {len(cols)})", exit_code=2) from None
        if not (tag == "O" or (len(tag) > 2 and tag[0] in "BIES" and tag[1] == "-")):
            raise UserError(f"{path}:{number}: tag {tag!r} is not O, B-, I-, E- or S- plus a type", exit_code=2)
        docs[-1].append(Token(cols[0], tag, number, sentence))
    kept = [d for d in docs if d]
    if not starts:
        return [(path.stem, kept[0])] if kept else []
    return [(f"{path.stem}-{i:03d}", tokens) for i, tokens in enumerate(kept, start=1)]


def rebuilt_text(tokens: list[Token]) -> tuple[str, list[tuple[int, int]]]:
    """Tokens joined by a space, sentences by a newline; and each token's offsets."""
    parts: list[str] = []
    offsets = []
    length = 0
    for i, token in enumerate(tokens):
        if i:
            sep = "\n" if token.sentence != tokens[i - 1].sentence else " "
            parts.append(sep)
            length += 1
        offsets.append((length, length + len(token.form)))
        parts.append(token.form)
        length += len(token.form)
    return "".join(parts), offsets


def aligned(tokens: list[Token], text: str, *, path: Path, text_path: Path) -> list[tuple[int, int]]:
    """Each token's offsets in ``text``: tokens in order, only white space between them."""
    offsets = []
    cursor = 0
    for token in tokens:
        start = cursor
        while start < len(text) and text[start].isspace():
            start += 1
        if not text.startswith(token.form, start):
            shown = text[start : start + 20]
            raise UserError(f"{path}:{token.line}: token {token.form!r} not found in {text_path} at offset {start} "
                            f"(the text has {shown!r})", exit_code=2)
        cursor = start + len(token.form)
        offsets.append((start, cursor))
    return offsets


def _label(kind: str, labels: Mapping[str, EntityLabel | None], path: Path, line: int) -> EntityLabel | None:
    if kind in labels:
        return labels[kind]
    try:
        return EntityLabel(kind)
    except ValueError:
        raise UserError(f"{path}:{line}: tag type {kind!r} has no OntoNotes label; map it with "
                        f"--label-map {kind}=LABEL (or {kind}=- to drop it)", exit_code=2) from None


def entities(tokens: list[Token], offsets: list[tuple[int, int]], text: str, *,
             labels: Mapping[str, EntityLabel | None], path: Path) -> tuple[Entity, ...]:
    """Decode the tags into entities (BIO, IOB1 and BIOES), in text order with ids ``e1``, ``e2``…"""
    spans: list[tuple[int, int, str, int]] = []  # first token, last token, type, line
    current: list[int] | None = None  # [first, last]
    kind = ""
    for i, token in enumerate(tokens):
        prefix, _, tag_type = token.tag.partition("-")
        continues = (current is not None and prefix in "IE" and tag_type == kind
                     and token.sentence == tokens[i - 1].sentence)
        if continues and current is not None:
            current[1] = i
        else:
            if current is not None:
                spans.append((current[0], current[1], kind, tokens[current[0]].line))
            current, kind = (None, "") if prefix == "O" else ([i, i], tag_type)
        if prefix in "ES" and current is not None:
            spans.append((current[0], current[1], kind, tokens[current[0]].line))
            current, kind = None, ""
    if current is not None:
        spans.append((current[0], current[1], kind, tokens[current[0]].line))
    out: list[Entity] = []
    for first, last, tag_type, line in spans:
        label = _label(tag_type, labels, path, line)
        if label is None:
            continue
        start, end = offsets[first][0], offsets[last][1]
        out.append(Entity(start, end, label, id=f"e{len(out) + 1}", text=text[start:end]))
    return tuple(out)


def conll_files(path: Path) -> list[Path]:
    """The file itself, or the CoNLL files in a folder (by suffix, sorted)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise UserError(f"{path}: no such file or folder", exit_code=2)
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SUFFIXES)
    if not files:
        raise UserError(f"{path}: no CoNLL files ({', '.join(SUFFIXES)})", exit_code=2)
    return files


def import_conll(path: Path, *, text_dir: Path | None = None, labels: Mapping[str, EntityLabel | None] | None = None,
                 split: str = "default", column: int = -1) -> list[ImportedDocument]:
    """Every document in ``path`` (a file or a folder) as imported entity gold."""
    out: list[ImportedDocument] = []
    seen: dict[str, Path] = {}
    for file in conll_files(path):
        for doc_id, tokens in read_documents(file, column=column):
            if doc_id in seen:
                raise UserError(f"{file}: document {doc_id!r} also comes from {seen[doc_id]}", exit_code=2)
            seen[doc_id] = file
            if text_dir is None:
                text, offsets = rebuilt_text(tokens)
            else:
                text_path = text_dir / f"{doc_id}.txt"
                try:
                    text = read_text(text_path)
                except (OSError, UnicodeDecodeError) as error:
                    raise UserError(f"{text_path}: cannot read the raw text of {doc_id}: {error}", exit_code=2) from None
                offsets = aligned(tokens, text, path=file, text_path=text_path)
            found = entities(tokens, offsets, text, labels=labels or {}, path=file)
            out.append(ImportedDocument(doc_id, split, text, found, provenance=f"CoNLL import of {file.name}"))
    return sorted(out, key=lambda d: d.doc_id)
