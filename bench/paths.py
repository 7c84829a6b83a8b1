"""Where the commands read and write by default: every path is anchored at the project root, never the cwd.

The project root is the folder holding the shipped gold (:data:`bench.gold.SHIPPED_GOLD`).
For the shipped gold, reports go to ``reports/``, predictions to ``predictions/`` and the
regression gate's baseline is ``reports/baseline.json``. Any other gold gets its own
folders named after the corpus (:func:`corpus_name`): ``reports/<corpus>/``,
``predictions/<corpus>/`` and ``reports/<corpus>/baseline.json``, so runs on different gold
never overwrite each other's predictions or baselines. A run of selected systems only
(``--system``/``--exclude``) writes its reports under ``partial/`` inside the reports folder,
so the full reports are never replaced by a partial run.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench import gold

#: The project's root folder: the one that holds ``gold/``, ``reports/`` and ``predictions/``.
PROJECT_ROOT = gold.SHIPPED_GOLD.parent
REPORTS = "reports"
PREDICTIONS = "predictions"
PARTIAL = "partial"
BASELINE_NAME = "baseline.json"


def default_cache() -> Path:
    """Where cached predictions (and the unit memo, :mod:`bench.unit_memo`) live (gitignored):
    ``NEWSBENCH_CACHE``, read when asked, else ``<root>/.cache/newsbench``."""
    return Path(os.environ.get("NEWSBENCH_CACHE", PROJECT_ROOT / ".cache" / "newsbench"))


def is_shipped(gold_path: Path) -> bool:
    """Whether ``gold_path`` is the repository's own gold folder (or its ``documents/``)."""
    return gold_path.resolve() in (gold.SHIPPED_GOLD, gold.SHIPPED_GOLD / "documents")


def corpus_name(gold_path: Path) -> str:
    """A name for imported gold: its folder's name (``data/gum`` → ``gum``), or a JSONL file's stem."""
    path = gold_path.resolve()
    if path.name == "documents":
        path = path.parent
    return path.stem if path.is_file() else path.name


def _per_corpus(base: Path, gold_path: Path) -> Path:
    return base if is_shipped(gold_path) else base / corpus_name(gold_path)


def default_reports(gold_path: Path) -> Path:
    """``<root>/reports/`` for the shipped gold, ``<root>/reports/<corpus>/`` for any other."""
    return _per_corpus(PROJECT_ROOT / REPORTS, gold_path)


def reports_folder(gold_path: Path, out: Path | None, *, partial: bool = False) -> Path:
    """``--out`` if given; else :func:`default_reports`, with ``partial/`` when only some systems ran."""
    if out is not None:
        return out
    folder = default_reports(gold_path)
    return folder / PARTIAL if partial else folder


def baseline_file(gold_path: Path, baseline: Path | None) -> Path:
    """``--baseline`` if given; else ``baseline.json`` in :func:`default_reports` (independent of ``--out``)."""
    return baseline if baseline is not None else default_reports(gold_path) / BASELINE_NAME


def predictions_folder(gold_path: Path, predictions: Path | None) -> Path:
    """``--predictions`` if given; else ``<root>/predictions/``, or ``<root>/predictions/<corpus>/`` for other gold."""
    return predictions if predictions is not None else _per_corpus(PROJECT_ROOT / PREDICTIONS, gold_path)
