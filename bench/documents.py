"""The documents a run reads (``newsbench run --docs PATH``): raw texts, nothing else.

Three forms are accepted:

* a folder of ``.txt`` files, one document each (id = file stem);
* a single ``.txt`` file, one document (id = file stem);
* a JSONL file with ``doc_id`` and ``text`` on every line (a leading byte-order mark is dropped).

A ``.txt`` file is read byte for byte as UTF-8, so offsets count exactly its characters. Every
problem is one ``file:line: field: problem`` line (exit 2); a file that is not one of these forms
says what ``--docs`` takes.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.errors import InvalidInput, Problem, UserError
from bench.parse import jsonl_lines
from bench.schema import Document

#: What ``--docs`` takes, said wherever it was given something else.
ACCEPTED = "--docs takes a folder of .txt files, a .txt file, or a .jsonl with doc_id and text on every line"


def _read_txt(file: Path) -> tuple[Document | None, list[Problem]]:
    try:
        return Document(file.stem, file.read_bytes().decode("utf-8")), []
    except UnicodeDecodeError as error:
        return None, [Problem(str(file), "text", f"not UTF-8 ({error.reason} at byte {error.start})")]


def _read_folder(path: Path) -> tuple[list[Document], list[Problem]]:
    files = sorted(path.glob("*.txt"))
    if not files:
        raise UserError(f"{path}: no .txt files in this folder; {ACCEPTED}", exit_code=2)
    documents: list[Document] = []
    problems: list[Problem] = []
    for file in files:
        document, found = _read_txt(file)
        problems += found
        if document is not None:
            documents.append(document)
    return documents, problems


def _parse_jsonl(lines: list[str], source: str) -> tuple[list[Document], list[Problem]]:
    documents: list[Document] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(Problem(where, "(line)", f"invalid JSON: {error.msg}"))
            continue
        if not isinstance(item, dict):
            problems.append(Problem(where, "(line)", "not a JSON object"))
            continue
        for key in ("doc_id", "text"):
            if not isinstance(item.get(key), str):
                problems.append(Problem(where, key, "missing" if key not in item else "must be a string"))
        doc_id, text = item.get("doc_id"), item.get("text")
        if not (isinstance(doc_id, str) and isinstance(text, str)):
            continue
        if doc_id in first_line:
            problems.append(Problem(where, "doc_id", f"{doc_id!r} already appeared on line {first_line[doc_id]}"))
            continue
        first_line[doc_id] = number
        documents.append(Document(doc_id, text))
    return documents, problems


def _read_jsonl(path: Path) -> tuple[list[Document], list[Problem]]:
    try:
        lines = jsonl_lines(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 ({error.reason} at byte {error.start}); {ACCEPTED}", exit_code=2) from None
    documents, problems = _parse_jsonl(lines, str(path))
    if not documents and not problems:
        raise UserError(f"{path}: no documents; {ACCEPTED}", exit_code=2)
    return documents, problems


def load_documents(path: Path) -> tuple[Document, ...]:
    """Documents from a folder of ``.txt`` files, one ``.txt`` file, or a JSONL with ``doc_id`` and ``text``.

    Raises :class:`UserError`/:class:`InvalidInput` (exit 2) with ``file:line: field: problem`` lines;
    a file other than ``.txt`` or ``.jsonl`` that does not read as JSONL gets one line naming its first
    problem and what is accepted.
    """
    if not path.exists():
        raise UserError(f"{path}: no such file or folder", exit_code=2)
    if path.is_dir():
        documents, problems = _read_folder(path)
    elif path.suffix.lower() == ".txt":
        document, problems = _read_txt(path)
        documents = [document] if document is not None else []
    else:
        documents, problems = _read_jsonl(path)
        if problems and path.suffix.lower() != ".jsonl":
            raise UserError(f"{path}: not a JSONL of documents (first problem: {problems[0]}); {ACCEPTED}", exit_code=2)
    if problems:
        raise InvalidInput(problems, exit_code=2)
    return tuple(documents)
