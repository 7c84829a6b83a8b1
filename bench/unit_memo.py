"""Singular nouns worked out by earlier runs, kept on disk so a cached re-run need not import inflect.

Importing :mod:`inflect` costs about 3 s of CPU (its functions are instrumented by typeguard at
import), more than the rest of scoring the shipped gold. :func:`bench.score.units.singular` is a
pure function of the word, inflect's version and the rule in ``bench/score/units.py``; its answers
are kept in ``<cache>/units/singular-<key>.json``, where the key hashes inflect's version and that
file's source, so any change to either starts a new memo. A missing or unreadable memo is only
slower, never wrong: the words are worked out again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from bench import atomic
from bench.errors import UserError
from bench.score import units


def memo_path(cache_dir: Path) -> Path:
    """The memo file for this inflect and this unit rule under ``cache_dir``."""
    try:
        version = metadata.version("inflect")
    except metadata.PackageNotFoundError:
        version = "absent"
    rule = Path(units.__file__).read_bytes()
    key = hashlib.sha256(version.encode() + b"\0" + rule).hexdigest()[:16]
    return cache_dir / "units" / f"singular-{key}.json"


@contextlib.contextmanager
def remembered(cache_dir: Path) -> Iterator[None]:
    """Teach :mod:`bench.score.units` the memo's singulars, and save any new ones when the block ends.

    Saving is best effort (atomic; a cache folder that cannot be written is skipped).
    """
    path = memo_path(cache_dir)
    try:
        known = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        known = {}
    if isinstance(known, dict):
        units.teach({k: v for k, v in known.items() if isinstance(k, str) and isinstance(v, str)})
    yield
    found = units.singulars()
    if found != known:
        with contextlib.suppress(UserError):
            atomic.write_text(path, json.dumps(found, ensure_ascii=False, sort_keys=True, indent=0))
