"""The comparison viewer: one HTML page per gold document comparing systems, plus an index page.

Each layer of a document is a row of columns: the first half of the systems on the left, the gold in
the middle, the rest on the right. A system's column colours every item of the scorer's itemised
list (:mod:`bench.score.items`) by its outcome (colours of :class:`bench.report.describe.Category`):
predicted spans for aligned pairs and spurious predictions, and the gold spans of the gold items it
missed (drawn dashed, as "missed here"). The gold column shows every gold item in one neutral colour
with each system's outcome in its hover text. Nothing is re-scored.

Filters (a small inline script; the page loads nothing from anywhere):

* by outcome: a span stays coloured when one of its item's outcomes is ticked (a gold item: one of
  the outcomes any system got on it);
* by phenomenon (:data:`bench.phenomena.PHENOMENA`): a span stays coloured when its item's gold record
  shows the phenomenon, or, for a spurious prediction, the predicted record does;
* by system: untick a system to hide its columns (``#systems=a,b`` in the address preselects them).

Hovering a span outlines every span of the same gold item in every column (its predicted partners).
Without the script every span keeps its colour. Overlapping spans are cut at every boundary; a piece
takes the colour of the innermost span that passes the filters. All text is autoescaped by Jinja2.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
import markupsafe

from bench.formatting import DASH, pct, visible_controls
from bench.phenomena import PHENOMENA
from bench.report.describe import Category, category, describe, record_text
from bench.report.model import BenchResult, DocumentInfo, SystemResult, slug
from bench.report.viewer_template import DOCUMENT_TEMPLATE, INDEX_TEMPLATE
from bench.schema import Layer, Span
from bench.score.items import Outcome, Record, ScoredItem, record_spans
from bench.score.metrics import MAIN_METRIC

#: Folder of the viewer pages inside a report folder.
VIEWER = "viewer"
INDEX = "index.html"
#: Documents listed per layer in a system page's "worst documents".
WORST_SHOWN = 5
#: The category of gold spans in the gold column (not an outcome: gold is what every system is scored against).
GOLD = "gold"
NONE = "-"


def page_names(doc_ids: Iterable[str]) -> dict[str, str]:
    """Document id → file name of its viewer page: :func:`slug` of the id, made unique.

    Ids whose slugs collide (``a/b`` and ``a_b``) get the position of the id in sorted order appended.

    >>> page_names(["a/b", "a_b", "c"])
    {'a/b': 'a_b-0.html', 'a_b': 'a_b-1.html', 'c': 'c.html'}
    """
    ids = sorted(set(doc_ids))
    slugs = {d: slug(d) for d in ids}
    taken: dict[str, int] = {}
    for s in slugs.values():
        taken[s] = taken.get(s, 0) + 1
    return {d: f"{s}-{i}.html" if taken[s] > 1 else f"{s}.html" for i, (d, s) in enumerate(slugs.items())}


def phenomena_of(record: Record | None, layer: Layer) -> tuple[int, ...]:
    """Indices into :data:`PHENOMENA` of the phenomena of ``layer`` that ``record`` shows."""
    if record is None:
        return ()
    return tuple(i for i, p in enumerate(PHENOMENA) if p.layer is layer and p.test(record))


@dataclass(frozen=True, slots=True)
class ViewMark:
    """One span to colour in one column.

    ``category`` is a :class:`Category` value or :data:`GOLD`; ``outcomes`` are the outcome values the
    outcome filter tests; ``gold_key`` names the gold item (``layer-index``) or is :data:`NONE`.
    """

    start: int
    end: int
    role: str
    category: str
    outcomes: tuple[str, ...]
    gold_key: str
    phenomena: tuple[int, ...]
    detail: str


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text and the marks covering it, innermost first (none for plain text)."""

    text: str
    marks: tuple[ViewMark, ...] = ()
    first: bool = False

    @property
    def classes(self) -> str:
        """The classes the page starts with (the script recomputes them from the same rule)."""
        inner = self.marks[0]
        return " ".join(["m", f"c-{inner.category}", f"r-{inner.role}", *(["first"] if self.first else [])])

    @property
    def cats(self) -> str:
        return " ".join(m.category for m in self.marks)

    @property
    def roles(self) -> str:
        return " ".join(m.role for m in self.marks)

    @property
    def outs(self) -> str:
        return " ".join(",".join(m.outcomes) for m in self.marks)

    @property
    def golds(self) -> str:
        return " ".join(m.gold_key for m in self.marks)

    @property
    def phs(self) -> str:
        return " ".join(",".join(map(str, m.phenomena)) or NONE for m in self.marks)

    @property
    def detail(self) -> str:
        lines: list[str] = []
        for mark in self.marks:
            line = f"[{mark.role}] {mark.detail}"
            if line not in lines:
                lines.append(line)
        return "\n".join(lines)


def pieces(text: str, marks: Sequence[ViewMark]) -> list[Piece]:
    """``text`` cut at every mark boundary, each piece with its covering marks (shortest first).

    >>> m = ViewMark(3, 8, "mention", "match", ("match",), "entities-0", (), "x")
    >>> [(p.text, len(p.marks), p.first) for p in pieces("in Raqqa now", [m])]
    [('in ', 0, False), ('Raqqa', 1, True), (' now', 0, False)]
    """
    usable = [m for m in marks if m.end > m.start]
    cuts = sorted({0, len(text), *(m.start for m in usable), *(m.end for m in usable)})
    out: list[Piece] = []
    for a, b in itertools.pairwise(cuts):
        covering = sorted((m for m in usable if m.start <= a and m.end >= b),
                          key=lambda m: (m.end - m.start, m.start, m.role, m.gold_key, m.detail))
        out.append(Piece(text[a:b], tuple(covering), any(m.start == a for m in covering)))
    return out


def gold_key(layer: Layer, index: int | None) -> str:
    return NONE if index is None else f"{layer.value}-{index}"


def _outcome_words(outcomes: Sequence[Outcome]) -> str:
    return ", ".join(o.value.replace("_", " ") for o in outcomes)


def system_marks(items: Iterable[ScoredItem], text: str, layer: Layer) -> list[ViewMark]:
    """A system's column: predicted spans of its pairs and spurious items, gold spans of its missed items."""
    marks: list[ViewMark] = []
    for item in items:
        missed = item.pred is None
        spans: Sequence[tuple[str, Span]] = item.gold_spans() if missed else item.pred_spans()
        record = item.gold if item.gold is not None else item.pred
        detail = (f"{'missed here' if missed else 'predicted'}: {record_text(item.gold if missed else item.pred, text)}"
                  + (f" | gold: {record_text(item.gold, text)}" if item.gold is not None and not missed else "")
                  + f" | {_outcome_words(item.outcomes)}" + (f": {describe(item, text)}" if item.is_error else ""))
        for role, span in spans:
            marks.append(ViewMark(span.start, span.end, "missed" if missed else role, category(item.outcomes).value,
                                  tuple(o.value for o in item.outcomes), gold_key(layer, item.gold_index),
                                  phenomena_of(record, layer), detail))
    return marks


def gold_records(systems: Sequence[SystemResult], doc_id: str, layer: Layer) -> dict[int, Record]:
    """Gold index → gold record of one document's layer, read off the items of the systems attempting it."""
    out: dict[int, Record] = {}
    for system in systems:
        for item in system.items:
            if item.doc_id == doc_id and item.layer is layer and item.gold is not None and item.gold_index is not None:
                out.setdefault(item.gold_index, item.gold)
    return dict(sorted(out.items()))


def gold_marks(systems: Sequence[SystemResult], doc_id: str, layer: Layer, text: str) -> list[ViewMark]:
    """The gold column: every gold item, with what each system (attempting the layer) got on it."""
    attempting = [s for s in systems if layer in s.attempted]
    got: dict[int, list[tuple[str, ScoredItem]]] = {}
    for system in attempting:
        for item in system.items:
            if item.doc_id == doc_id and item.layer is layer and item.gold_index is not None:
                got.setdefault(item.gold_index, []).append((system.name, item))
    marks: list[ViewMark] = []
    for index, record in gold_records(attempting, doc_id, layer).items():
        results = got.get(index, [])
        outcomes = sorted({o.value for _, item in results for o in item.outcomes})
        detail = f"gold: {record_text(record, text)}" + "".join(
            f" | {name}: {_outcome_words(item.outcomes)}" for name, item in results)
        for role, span in record_spans(record):
            marks.append(ViewMark(span.start, span.end, role, GOLD, tuple(outcomes), gold_key(layer, index),
                                  phenomena_of(record, layer), detail))
    return marks


@dataclass(frozen=True, slots=True)
class Column:
    """One column of one layer: a system's or the gold's pieces, or why there are none."""

    name: str
    is_gold: bool
    attempted: bool
    pieces: tuple[Piece, ...]
    counts: str


@dataclass(frozen=True, slots=True)
class LayerRow:
    layer: str
    columns: tuple[Column, ...]


def _counts(items: Sequence[ScoredItem]) -> str:
    tally: dict[Category, int] = {}
    for item in items:
        tally[category(item.outcomes)] = tally.get(category(item.outcomes), 0) + 1
    return ", ".join(f"{tally[c]} {c.value}" for c in Category if c in tally) or "nothing predicted or annotated"


def layer_row(systems: Sequence[SystemResult], document: DocumentInfo, layer: Layer) -> LayerRow:
    """Systems' columns around the gold column (first half of the systems on the left)."""
    text = document.text
    columns: list[Column] = []
    for system in systems:
        if layer not in system.attempted:
            columns.append(Column(system.name, False, False, (), ""))
            continue
        items = [i for i in system.items if i.doc_id == document.doc_id and i.layer is layer]
        columns.append(Column(system.name, False, True, tuple(pieces(text, system_marks(items, text, layer))),
                              _counts(items)))
    marks = gold_marks(systems, document.doc_id, layer, text)
    attempted = any(layer in s.attempted for s in systems)
    n = len(gold_records([s for s in systems if layer in s.attempted], document.doc_id, layer))
    gold = Column("gold", True, attempted, tuple(pieces(text, marks)), f"{n} gold item{'' if n == 1 else 's'}")
    half = (len(columns) + 1) // 2
    return LayerRow(layer.value, (*columns[:half], gold, *columns[half:]))


def _main_cell(system: SystemResult, doc_id: str, layer: Layer) -> str:
    """``F1 (P/R)`` of the layer's main metric on one document; — when not scored."""
    block: Mapping[str, Any] | None = system.per_document.get(doc_id, {}).get(layer.value)
    if block is None:
        return DASH
    return f"{pct(block['f1'])} (P {pct(block['precision'])} / R {pct(block['recall'])})"


def _score_rows(systems: Sequence[SystemResult], doc_id: str) -> list[list[str]]:
    return [[s.name, *(_main_cell(s, doc_id, layer) for layer in Layer)] for s in systems]


def _finalize(value: object) -> object:
    """Control characters shown as pictures (invalid in HTML); tab and newlines kept. Autoescaping follows."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return visible_controls(value, keep="\t\n\r")
    return value


_ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                  finalize=_finalize)


def _outcomes_on_page(rows: Sequence[LayerRow]) -> list[tuple[str, str, int]]:
    """``(outcome value, category value, number of items in system columns)`` of every outcome shown, in code order."""
    seen: dict[str, set[tuple[str, str, ViewMark]]] = {}
    for row in rows:
        for column in row.columns:
            if column.is_gold:
                continue
            for piece in column.pieces:
                for mark in piece.marks:
                    for outcome in mark.outcomes:
                        seen.setdefault(outcome, set()).add((row.layer, column.name, mark))
    return [(o.value, category((o,)).value, len(seen[o.value])) for o in Outcome if o.value in seen]


def _phenomena_on_page(rows: Sequence[LayerRow]) -> list[tuple[int, str]]:
    found = sorted({i for row in rows for column in row.columns for piece in column.pieces
                    for mark in piece.marks for i in mark.phenomena})
    return [(i, f"{PHENOMENA[i].layer.value}: {PHENOMENA[i].name}") for i in found]


def document_html(result: BenchResult, document: DocumentInfo, systems: Sequence[SystemResult] | None = None,
                  *, names: Mapping[str, str] | None = None) -> str:
    """The comparison page of one document for ``systems`` (default: every system of the result)."""
    shown = list(result.systems if systems is None else systems)
    names = names if names is not None else page_names(d.doc_id for d in result.documents)
    ids = [d.doc_id for d in result.documents]
    at = ids.index(document.doc_id)
    rows = [layer_row(shown, document, layer) for layer in Layer]
    failures = [(s.name, f.reason) for s in shown for f in s.failures if f.doc_id == document.doc_id]
    return _ENVIRONMENT.from_string(DOCUMENT_TEMPLATE).render(
        document=document,
        systems=[s.name for s in shown],
        rows=rows,
        outcomes=_outcomes_on_page(rows),
        phenomena=_phenomena_on_page(rows),
        categories=list(Category),
        layers=[f"{layer.value} ({MAIN_METRIC[layer]})" for layer in Layer],
        score_rows=_score_rows(shown, document.doc_id),
        failures=failures,
        previous=names.get(ids[at - 1]) if at > 0 else None,
        next=names.get(ids[at + 1]) if at + 1 < len(ids) else None,
        index=INDEX,
        dash=DASH,
    )


def index_html(result: BenchResult, *, names: Mapping[str, str] | None = None) -> str:
    """The viewer's index: every document, its split and each system's main-metric F1 per layer."""
    names = names if names is not None else page_names(d.doc_id for d in result.documents)
    rows = [(d.doc_id, names[d.doc_id], d.split,
             [_main_cell(s, d.doc_id, layer).split(" (")[0] for s in result.systems for layer in Layer])
            for d in result.documents]
    headers = [f"{s.name} {layer.value}" for s in result.systems for layer in Layer]
    return _ENVIRONMENT.from_string(INDEX_TEMPLATE).render(rows=rows, headers=headers, systems=result.systems,
                                                           main=", ".join(f"{l.value} {MAIN_METRIC[l]}" for l in Layer))


def viewer_files(result: BenchResult) -> dict[str, str]:
    """Every viewer page as ``path relative to the report folder → HTML``."""
    names = page_names(d.doc_id for d in result.documents)
    files = {f"{VIEWER}/{INDEX}": index_html(result, names=names)}
    for document in result.documents:
        files[f"{VIEWER}/{names[document.doc_id]}"] = document_html(result, document, names=names)
    return files


# --- the system page's "worst documents" -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorstDocument:
    """A document with one of a system's lowest main-metric F1 in a layer."""

    doc_id: str
    f1: float
    page: str


def worst_documents(system: SystemResult, layer: Layer, names: Mapping[str, str],
                    *, shown: int = WORST_SHOWN) -> list[WorstDocument]:
    """The ``shown`` documents with the lowest main-metric F1 of ``layer``, ties by document id.

    A document whose F1 is not applicable there (no gold and no prediction) is not ranked.
    """
    scored = []
    for doc_id, layers in system.per_document.items():
        block = layers.get(layer.value)
        if block is not None and block.get("f1") is not None:
            scored.append((float(block["f1"]), doc_id))
    return [WorstDocument(d, f1, names[d]) for f1, d in sorted(scored)[:shown]]


def worst_by_layer(result: BenchResult, system: SystemResult) -> list[tuple[str, list[WorstDocument]]]:
    """``(layer title, worst documents)`` for every layer the system attempts; links relative to ``systems/``."""
    names = {d: f"../{VIEWER}/{page}" for d, page in page_names(x.doc_id for x in result.documents).items()}
    return [(f"{layer.value} ({MAIN_METRIC[layer]} F1)", worst_documents(system, layer, names))
            for layer in Layer if layer in system.attempted]


def _markdown_link_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def worst_markdown(result: BenchResult, system: SystemResult) -> list[str]:
    """The "worst documents" section of a system's Markdown page, as lines."""
    parts = ["## Worst documents", "",
             (f"Per layer, the {WORST_SHOWN} documents with the lowest main-metric F1 (ties by document id), "
              "each linked to its comparison page in the viewer."), ""]
    for title, worst in worst_by_layer(result, system):
        cells = [f"[{_markdown_link_text(w.doc_id)}]({w.page}) {pct(w.f1)}" for w in worst]
        parts.append(f"- {title}: " + (" · ".join(cells) if cells else DASH))
    return parts + [""]
