"""Singular nouns worked out by earlier runs, kept on disk so a cached re-run need not import inflect.

Importing :mod:`inflect` costs about 3 s of CPU (its functions are instrumented by typeguard at
import), more than the rest of scoring the shipped gold. :func:`bench.score.units.singular` is a
pure function of the word, inflect's version and the rule in ``bench/score/units.py``; its answers
are kept in ``<cache>/units/singular-<key>.json``, where the key hashes inflect's version and that
file's source, so any change to either starts a new memo. A missing or unreadable memo is only
slower, never wrong: the words are worked out again. The memo is read only when a word is first
needed (scoring entities alone never reads it) and written only when it gained words.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from bench import atomic
from bench.errors import UserError
from bench.score import units


def memo_path(cache_dir: Path) -> Path:
    """The memo file for this inflect and this unit rule under ``cache_dir``."""
    from importlib import metadata  # here: ~20 ms of imports, paid only when a singular is needed

    try:
        version = metadata.version("inflect")
    except metadata.PackageNotFoundError:
        version = "absent"
    rule = Path(units.__file__).read_bytes()
    key = hashlib.sha256(version.encode() + b"\0" + rule).hexdigest()[:16]
    return cache_dir / "units" / f"singular-{key}.json"


@contextlib.contextmanager
def remembered(cache_dir: Path) -> Iterator[None]:
    """Let :mod:`bench.score.units` read the memo's singulars when it first needs a word, and save the
    memo with any new ones when the block ends.

    Saving is best effort (atomic; a cache folder that cannot be written is skipped).
    """
    read: dict[str, str] = {}
    path: list[Path] = []

    def load() -> dict[str, str]:
        path.append(memo_path(cache_dir))
        try:
            known = json.loads(path[0].read_text("utf-8"))
        except (OSError, ValueError, RecursionError):  # unreadable, not JSON, or nested too deep: worked out again
            known = {}
        if isinstance(known, dict):
            read.update({k: v for k, v in known.items() if isinstance(k, str) and isinstance(v, str)})
        return read

    units.teach_when_needed(load)
    try:
        yield
    finally:
        never_read = units.forget_pending(load)
    if never_read:
        return
    found = units.singulars()
    if found != read:
        with contextlib.suppress(UserError):
            atomic.write_text(path[0], json.dumps(found, ensure_ascii=False, sort_keys=True, indent=0))
