"""Read CoNLL-U files: words with their character offsets in the rebuilt original text.

The text is rebuilt from the surface tokens: a multi-word token (``3-4  year's``) contributes
its own form once; its words get the parts of it they spell (``year`` + ``'s``), or
share its whole span when they do not (``won't`` → ``will`` + ``not``); empty nodes (``21.1``) are
skipped. A space follows every token unless its MISC has ``SpaceAfter=No``. Sentences of one
paragraph are joined by one space (none when the last token says ``SpaceAfter=No``); a
``# newpar`` comment (and a new document) starts a paragraph, joined by a blank line (``\\n\\n``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.errors import UserError


@dataclass(frozen=True, slots=True)
class Word:
    """One syntactic word: sentence-local id and head, its offsets, form, tags and MISC."""

    sentence: int
    id: int
    head: int
    start: int
    end: int
    form: str
    upos: str
    xpos: str
    misc: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class ConlluDocument:
    """A document rebuilt from CoNLL-U: id, raw text and every word in order."""

    doc_id: str
    text: str
    words: tuple[Word, ...]


def misc_value(misc: str, key: str) -> str | None:
    """The value of ``key`` in a MISC column (``None`` when absent).

    >>> misc_value("Entity=(1-person)|SpaceAfter=No", "SpaceAfter")
    'No'
    """
    for part in misc.split("|"):
        name, _, value = part.partition("=")
        if name == key:
            return value
    return None


class _Builder:
    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.parts: list[str] = []
        self.length = 0
        self.words: list[Word] = []
        self.pending = ""  # separator owed before the next token
        self.new_paragraph = False

    def add(self, surface: str, space_after: bool) -> tuple[int, int]:
        if self.length:
            sep = "\n\n" if self.new_paragraph else self.pending
            self.parts.append(sep)
            self.length += len(sep)
        self.new_paragraph = False
        start = self.length
        self.parts.append(surface)
        self.length += len(surface)
        self.pending = " " if space_after else ""
        return start, self.length

    def done(self) -> ConlluDocument:
        return ConlluDocument(self.doc_id, "".join(self.parts), tuple(self.words))


def _fail(path: Path, number: int, message: str) -> UserError:
    return UserError(f"{path}:{number}: {message}", exit_code=2)


def read_conllu(path: Path) -> list[ConlluDocument]:
    """Every document in the file (``# newdoc id = …``; the file name when there is none)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot read: {error}", exit_code=2) from None
    documents: list[ConlluDocument] = []
    builder: _Builder | None = None
    sentence = 0
    mwt_end = 0  # last word id covered by the current multi-word token
    mwt_span = (0, 0)
    mwt_form = ""
    mwt_cursor = 0  # where the next word of the multi-word token starts inside its surface form
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            key, _, value = line[1:].partition("=")
            key = key.strip()
            if key == "newdoc id" or key == "newdoc":
                if builder is not None:
                    documents.append(builder.done())
                builder = _Builder(value.strip() or path.stem)
            elif (key == "newpar" or key.startswith("newpar ")) and builder is not None:
                builder.new_paragraph = True
            continue
        if not line.strip():
            mwt_end = 0  # word ids restart in the next sentence
            continue
        if builder is None:
            builder = _Builder(path.stem)
        cols = line.split("\t")
        if len(cols) != 10:
            raise _fail(path, number, f"expected 10 tab-separated columns, found {len(cols)}")
        ident = cols[0]
        space_after = misc_value(cols[9], "SpaceAfter") != "No"
        if "." in ident:
            continue  # empty node: no surface text
        if "-" in ident:
            first, _, last = ident.partition("-")
            if not (first.isdigit() and last.isdigit()) or int(last) < int(first):
                raise _fail(path, number, f"ID: {ident!r} is not a word range")
            mwt_end = int(last)
            mwt_span = builder.add(cols[1], space_after)
            mwt_form, mwt_cursor = cols[1], 0
            continue
        if not ident.isdigit():
            raise _fail(path, number, f"ID: {ident!r} is not a word id")
        word_id = int(ident)
        if word_id == 1:
            sentence += 1
        if not cols[6].isdigit() and cols[6] != "_":
            raise _fail(path, number, f"HEAD: {cols[6]!r} is not a word id")
        if word_id <= mwt_end:
            # A word that spells the next part of the token's form ("U.N." + "'s") gets that part;
            # otherwise ("won't" → "will" + "not") it shares the token's span.
            if mwt_form.startswith(cols[1], mwt_cursor):
                start = mwt_span[0] + mwt_cursor
                mwt_cursor += len(cols[1])
                end = start + len(cols[1])
            else:
                start, end = mwt_span
        else:
            start, end = builder.add(cols[1], space_after)
        head = int(cols[6]) if cols[6].isdigit() else 0
        builder.words.append(Word(sentence, word_id, head, start, end, cols[1], cols[3], cols[4], cols[9], number))
    if builder is not None:
        documents.append(builder.done())
    return documents
