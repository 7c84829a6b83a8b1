"""``newsbench import polnear``: attribution gold from PolNeAR (Newell, Margolin & Ruths, LREC 2018).

PolNeAR ships ``data/<split>/text/<doc>.txt`` and brat standoff ``data/<split>/attributions/<doc>_<annotator>.ann``
(:mod:`bench.importers.brat`). Only attributions are annotated (entities and numbers are not).

* events ``Attribution`` and ``Attribution-no-source`` (the latter: source ``null``); the
  ``Discuss`` and ``Discard`` marks are not attributions and are left out;
* direct / indirect / mixed from the double quotation marks inside the content
  (:func:`bench.importers.brat.quote_kind`; the import summary says how often that is ambiguous);
* splits ``train``, ``dev``, ``test`` as shipped (``annotator-training`` on request);
* a document with several annotator files: the gold is the file whose annotator id sorts first;
  every pair of files is kept for :func:`agreement`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from bench.errors import UserError
from bench.gold import read_text
from bench.importers.brat import Conversion, attributions, read_ann
from bench.importers.gold_folder import ImportedDocument
from bench.schema import Attribution, Layer

SPLITS = ("train", "dev", "test")
EXTRA_SPLITS = ("annotator-training",)


@dataclass(frozen=True, slots=True)
class Annotated:
    """One annotator's attributions of one document."""

    doc_id: str
    split: str
    annotator: str
    attributions: tuple[Attribution, ...]


@dataclass(slots=True)
class PolnearImport:
    """The gold documents, the other annotators' versions of multiply annotated documents, and what was met."""

    documents: list[ImportedDocument] = field(default_factory=list)
    versions: dict[str, list[Annotated]] = field(default_factory=dict)  # doc id → every annotator's
    texts: dict[str, str] = field(default_factory=dict)
    conversion: Conversion = field(default_factory=Conversion)


def _data_root(path: Path) -> Path:
    for candidate in (path / "data", path):
        if any((candidate / split / "attributions").is_dir() for split in (*SPLITS, *EXTRA_SPLITS)):
            return candidate
    raise UserError(f"{path}: not a PolNeAR copy: no data/<split>/attributions/ folder "
                    f"(expected one of {', '.join(SPLITS)})", exit_code=2)


def _annotator_files(folder: Path) -> dict[str, list[tuple[str, Path]]]:
    """``doc → [(annotator, path)]`` sorted by annotator, from ``<doc>_<annotator>.ann`` names."""
    out: dict[str, list[tuple[str, Path]]] = {}
    for path in sorted(folder.glob("*.ann")):
        doc, sep, annotator = path.stem.rpartition("_")
        if not sep:
            raise UserError(f"{path}: file name: expected <document>_<annotator>.ann", exit_code=2)
        out.setdefault(doc, []).append((annotator, path))
    return {doc: sorted(files) for doc, files in out.items()}


def import_polnear(path: Path, *, splits: Iterable[str] | None = None) -> PolnearImport:
    """Read a PolNeAR copy: gold documents of ``splits`` (default: those of train, dev, test present)
    and every annotator's version."""
    root = _data_root(path)
    result = PolnearImport()
    if splits is None:
        splits = [s for s in SPLITS if (root / s / "attributions").is_dir()]
    for split in splits:
        if split not in (*SPLITS, *EXTRA_SPLITS):
            raise UserError(f"--split: {split!r}: PolNeAR has {', '.join((*SPLITS, *EXTRA_SPLITS))}", exit_code=2)
        folder = root / split
        if not (folder / "attributions").is_dir():
            raise UserError(f"{folder}: no attributions/ folder in this copy", exit_code=2)
        for doc, files in sorted(_annotator_files(folder / "attributions").items()):
            text_path = folder / "text" / f"{doc}.txt"
            if not text_path.is_file():
                raise UserError(f"{files[0][1]}: no text file {text_path}", exit_code=2)
            text = read_text(text_path)
            versions: list[Annotated] = []
            for annotator, ann_path in files:
                found, stats = attributions(read_ann(ann_path), text)
                versions.append(Annotated(doc, split, annotator, found))
                if annotator == files[0][0]:
                    result.conversion.add(stats)
            gold = versions[0]
            result.documents.append(ImportedDocument(
                doc, split, text, provenance=f"PolNeAR {split}/attributions/{doc}_{gold.annotator}.ann",
                attributions=gold.attributions, layers=(Layer.ATTRIBUTIONS,),
            ))
            if len(versions) > 1:
                result.versions[doc] = versions
                result.texts[doc] = text
    return result


# --- inter-annotator agreement -----------------------------------------------------------------


ROLES = ("none", "source", "cue", "content")


def token_roles(found: Sequence[Attribution], starts: Sequence[int], ends: Sequence[int]) -> list[int]:
    """Each token's role code (index into :data:`ROLES`) in one annotator's attributions.

    PolNeAR's annotations are univocal (a token has at most one role); where spans still overlap,
    content wins over cue over source.
    """
    import bisect

    roles = [0] * len(starts)

    def mark(start: int, end: int, code: int) -> None:
        first = bisect.bisect_right(ends, start)
        for i in range(first, len(starts)):
            if starts[i] >= end:
                break
            roles[i] = max(roles[i], code)

    for a in found:
        if a.source is not None:
            mark(a.source.start, a.source.end, 1)
        if a.cue is not None:
            mark(a.cue.start, a.cue.end, 2)
        for span in a.content:
            mark(span.start, span.end, 3)
    return roles


def krippendorff_alpha(imported: PolnearImport) -> tuple[float | None, int]:
    """Krippendorff's α (nominal) over tokens: each token's role (none/source/cue/content) per annotator.

    Units are the word tokens (:mod:`bench.score.tokens`) of every multiply annotated document;
    an annotator who did not annotate a document is missing there. Returns α and the number of
    tokens (α is ``None`` with fewer than two annotations per token anywhere).
    """
    import krippendorff
    import numpy as np

    from bench.score.tokens import Tokens

    annotators = sorted({v.annotator for versions in imported.versions.values() for v in versions})
    if len(annotators) < 2:
        return None, 0
    columns: list[list[float]] = []
    for doc, versions in sorted(imported.versions.items()):
        tokens = Tokens.of(imported.texts[doc])
        starts, ends = tokens.starts.tolist(), tokens.ends.tolist()
        rows: dict[str, list[int]] = {v.annotator: token_roles(v.attributions, starts, ends)
                                      for v in versions}
        for i in range(len(starts)):
            columns.append([float(rows[a][i]) if a in rows else np.nan for a in annotators])
    if not columns:
        return None, 0
    data = np.array(columns, dtype=np.float64).T  # coders × units
    try:
        alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # every token has one role throughout (e.g. no attribution at all): α is undefined
        return None, len(columns)
    return float(alpha), len(columns)


def annotator_pairs(imported: PolnearImport) -> list[tuple[str, Annotated, Annotated]]:
    """Every unordered pair of annotators of each multiply annotated document, ``(doc, a, b)`` with a < b."""
    return [(doc, a, b) for doc, versions in sorted(imported.versions.items()) for a, b in combinations(versions, 2)]
