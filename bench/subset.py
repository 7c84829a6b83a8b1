"""Scoring a subset of the gold: one split (``--split NAME``) and/or named documents (``--docs``).

Documents outside the subset are neither scored nor warned about; a predictions file is
still checked against every gold text, so its lines for other gold documents are valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bench.errors import UserError
from bench.schema import GoldDocument


def parse_doc_ids(spec: str) -> tuple[str, ...]:
    """``ID,ID,…``, or ``@FILE`` / an existing file with one id per line (blank lines and ``#`` comments skipped).

    The rule: ``@FILE`` is always a file; a value holding a comma is always a list of ids (never
    looked up on disk, so a long list is no file name); any other value is a file if one exists
    by that name, else one id.

    >>> parse_doc_ids("b, a,,b")
    ('b', 'a')
    """
    path = Path(spec.removeprefix("@"))
    if spec.startswith("@") or ("," not in spec and _existing_file(path)):
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except OSError as error:
            raise UserError(f"--docs: {path}: cannot read: {error.strerror or error}", exit_code=2) from None
        items = [line.split("#", 1)[0].strip() for line in lines]
    else:
        items = [item.strip() for item in spec.split(",")]
    ids = tuple(dict.fromkeys(item for item in items if item))
    if not ids:
        raise UserError(f"--docs: {spec!r} names no document", exit_code=2)
    return ids


def _existing_file(path: Path) -> bool:
    """Whether ``path`` is an existing file; False for a name the system cannot even look up (too long)."""
    try:
        return path.is_file()
    except OSError:
        return False


def select(
    documents: Sequence[GoldDocument], *, split: str | None = None, doc_ids: Sequence[str] | None = None,
    option: str = "--docs",
) -> tuple[GoldDocument, ...]:
    """The documents of ``split`` (all when ``None``) whose ids are in ``doc_ids`` (all when ``None``).

    An unknown split or id is an error naming what exists (and ``option``, the flag that gave the ids); an
    empty selection too.
    """
    chosen = tuple(documents)
    if split is not None:
        splits = sorted({d.split for d in documents})
        chosen = tuple(d for d in chosen if d.split == split)
        if not chosen:
            raise UserError(f"--split: no gold documents in split {split!r} (splits: {', '.join(splits)})", exit_code=2)
    if doc_ids is not None:
        known = {d.doc_id for d in documents}
        unknown = [i for i in doc_ids if i not in known]
        if unknown:
            shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            raise UserError(f"{option}: not in the gold: {shown}", exit_code=2)
        wanted = set(doc_ids)
        chosen = tuple(d for d in chosen if d.doc_id in wanted)
        if not chosen:
            raise UserError(f"{option}: none of these documents is in split {split!r}", exit_code=2)
    return chosen
