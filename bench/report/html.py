"""One self-contained HTML page per system: every document with gold and predicted spans side by side.

Spans are coloured by what happened to their item (match, missed, spurious,
wrong type, wrong boundary, wrong value/unit/qualifier, wrong source/cue; see
:class:`bench.report.describe.Category`) and carry hover details (``title``).
The page has no scripts and loads nothing: styles are inline, so it reads the
same from a file as from a server. All text goes through Jinja2's autoescaping;
document text is split into segments here, never concatenated into markup.

Overlapping spans (an attribution's content holding a nested attribution's
source) are cut into segments at every span boundary; a segment takes the colour
of the innermost span covering it and lists every covering span in its details.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jinja2
import markupsafe

from bench.formatting import DASH, pct, visible_controls
from bench.report.costs import COST_NOTE, cost_figures
from bench.report.describe import Category, category, describe, record_text, with_interval
from bench.report.model import LEADERBOARD, OVERALL, BenchResult, DocumentInfo, SystemResult, slug
from bench.report.palette import MARK_STYLE
from bench.report.phenomena import where_it_fails_html
from bench.report.viewer import worst_by_layer
from bench.schema import Layer, Span
from bench.score.items import Outcome, ScoredItem


@dataclass(frozen=True, slots=True)
class Mark:
    """One span to colour on one side: where, its role, its item's category and hover text."""

    start: int
    end: int
    role: str
    category: Category
    outcomes: tuple[Outcome, ...]
    detail: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text under the same set of marks (``classes`` empty for plain text)."""

    text: str
    classes: str = ""
    detail: str = ""
    outcomes: str = ""


def _marks(items: Iterable[ScoredItem], text: str, *, side: str) -> list[Mark]:
    marks: list[Mark] = []
    for item in items:
        spans: Sequence[tuple[str, Span]] = item.gold_spans() if side == "gold" else item.pred_spans()
        if not spans:
            continue
        cat = category(item.outcomes)
        record = item.gold if side == "gold" else item.pred
        other = item.pred if side == "gold" else item.gold
        detail = (f"{'gold' if side == 'gold' else 'predicted'}: {record_text(record, text)}"
                  + (f" | {'predicted' if side == 'gold' else 'gold'}: {record_text(other, text)}" if other else "")
                  + f" | {', '.join(o.value.replace('_', ' ') for o in item.outcomes)}"
                  + (f": {describe(item, text)}" if item.is_error else ""))
        for role, span in spans:
            if span.end > span.start:
                marks.append(Mark(span.start, span.end, role, cat, item.outcomes, detail))
    return marks


def segments(text: str, marks: Sequence[Mark]) -> list[Segment]:
    """``text`` cut at every mark boundary; each piece with the classes and details of the marks covering it.

    >>> [s.text for s in segments("in Raqqa and Homs", [Mark(3, 8, "mention", Category.MATCH, (Outcome.MATCH,), "x")])]
    ['in ', 'Raqqa', ' and Homs']
    """
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[Segment] = []
    for a, b in itertools.pairwise(cuts):
        covering = [m for m in marks if m.start <= a and m.end >= b]
        piece = text[a:b]
        if not covering:
            out.append(Segment(piece))
            continue
        covering.sort(key=lambda m: (m.end - m.start, m.start, m.role))
        inner = covering[0]
        classes = ["m", f"c-{inner.category.value}", f"r-{inner.role}"]
        classes += sorted({f"o-{o.value}" for o in inner.outcomes})
        if any(m.start == a for m in covering):
            classes.append("first")
        details = []
        for mark in covering:
            line = f"[{mark.role}] {mark.detail}"
            if line not in details:
                details.append(line)
        out.append(Segment(piece, " ".join(classes), "\n".join(details), " ".join(o.value for o in inner.outcomes)))
    return out


@dataclass(frozen=True, slots=True)
class LayerView:
    """One layer of one document: gold and predicted segments, or why there are none."""

    layer: str
    attempted: bool
    gold: tuple[Segment, ...]
    pred: tuple[Segment, ...]
    counts: str


@dataclass(frozen=True, slots=True)
class DocumentView:
    doc_id: str
    split: str
    failure: str
    layers: tuple[LayerView, ...]


def _layer_view(system: SystemResult, document: DocumentInfo, layer: Layer) -> LayerView:
    if layer not in system.attempted:
        return LayerView(layer.value, False, (), (), "")
    items = [i for i in system.items if i.doc_id == document.doc_id and i.layer is layer]
    text = document.text
    tally: dict[Category, int] = {}
    for item in items:
        tally[category(item.outcomes)] = tally.get(category(item.outcomes), 0) + 1
    counts = ", ".join(f"{tally[c]} {c.value}" for c in Category if c in tally) or "nothing annotated or predicted"
    return LayerView(
        layer.value,
        True,
        tuple(segments(text, _marks(items, text, side="gold"))),
        tuple(segments(text, _marks(items, text, side="pred"))),
        counts,
    )


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsbench: {{ system.name }}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 1.5rem;
       color: #1d1d1f; background: #fff; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .4rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
table.scores { border-collapse: collapse; font-size: .85rem; margin: .5rem 0 1rem; }
table.scores th, table.scores td { border: 1px solid #ccc; padding: .2rem .5rem; text-align: right; }
table.scores th:first-child, table.scores td:first-child { text-align: left; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem .9rem; padding: .5rem .7rem; border: 1px solid #ccc;
          border-radius: 6px; background: #fafafa; font-size: .85rem; position: sticky; top: 0; z-index: 2; }
.legend .m { padding: 0 .35rem; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.side h4 { margin: .2rem 0; font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #555; }
.text { white-space: pre-wrap; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .8rem;
        border: 1px solid #e3e3e3; border-radius: 4px; padding: .5rem; background: #fff; overflow-wrap: anywhere; }
""" + MARK_STYLE + """.r-source { text-decoration: underline double; }
.r-cue { font-weight: bold; text-decoration: underline dotted; }
.na, .failure, .counts { color: #666; font-size: .85rem; }
.failure { color: #a4161a; }
nav.docs { font-size: .85rem; }
</style>
</head>
<body>
<h1>{{ system.name }} <small>version {{ system.version }}</small></h1>
<p>Gold (left) and this system's predictions (right) for every gold document and layer. Hover over a span
for details. {{ failures|length }} of {{ documents|length }} document(s) failed and are scored as empty.
<a href="{{ page }}.md">Markdown report</a> · <a href="../leaderboard.md">Leaderboard</a></p>
<table class="scores">
<tr><th>split (documents)</th>{% for title in metric_titles %}<th>{{ title }} F1</th>{% endfor %}</tr>
{% for row in score_rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>
<section class="cost"><h2>Cost</h2><p class="counts">{{ cost_note }}</p>
<table class="scores">
<tr><th>figure</th><th>per document</th><th>total</th></tr>
{% for row in cost_rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table></section>
{{ where_it_fails }}
<section class="worst"><h2>Worst documents</h2><p class="counts">Per layer, the five lowest main-metric F1 (ties by document id), linked to the comparison viewer.</p>
<ul>{% for title, docs in worst %}<li>{{ title }}: {% for w in docs %}<a href="{{ w.page }}">{{ w.doc_id }}</a> {{ pct(w.f1) }}{% if not loop.last %} · {% endif %}{% else %}{{ dash }}{% endfor %}</li>{% endfor %}</ul></section>
<div class="legend" role="note" aria-label="legend">
<strong>Legend:</strong>
{% for cat in categories %}<span class="m c-{{ cat.value }} legend-{{ cat.value }}">{{ cat.legend }}</span>
{% endfor %}<span class="m c-match r-source">source</span> <span class="m c-match r-cue">cue</span>
<span class="m c-match r-content">content</span> <span>│ a dark left edge marks where a span starts</span>
</div>
<nav class="docs"><p>Documents: {% for doc in views %}<a href="#doc-{{ doc.doc_id }}">{{ doc.doc_id }}</a>{% if not loop.last %} · {% endif %}{% endfor %}</p></nav>
{% for doc in views %}
<section class="doc" id="doc-{{ doc.doc_id }}">
<h2>{{ doc.doc_id }} <small>({{ doc.split }})</small></h2>
{% if doc.failure %}<p class="failure">Failed: {{ doc.failure }} (scored as empty)</p>{% endif %}
{% for layer in doc.layers %}
<h3>{{ layer.layer }}</h3>
{% if not layer.attempted %}<p class="na">{{ dash }} not attempted by this system</p>{% else %}
<p class="counts">{{ layer.counts }}</p>
<div class="pair" data-layer="{{ layer.layer }}">
<div class="side gold"><h4>Gold</h4><div class="text">{% for s in layer.gold %}{% if s.classes %}<span class="{{ s.classes }}" title="{{ s.detail }}" data-outcomes="{{ s.outcomes }}">{{ s.text }}</span>{% else %}{{ s.text }}{% endif %}{% endfor %}</div></div>
<div class="side pred"><h4>Predicted</h4><div class="text">{% for s in layer.pred %}{% if s.classes %}<span class="{{ s.classes }}" title="{{ s.detail }}" data-outcomes="{{ s.outcomes }}">{{ s.text }}</span>{% else %}{{ s.text }}{% endif %}{% endfor %}</div></div>
</div>
{% endif %}
{% endfor %}
</section>
{% endfor %}
</body>
</html>
"""

def _finalize(value: object) -> object:
    """Every value the template prints: control characters shown as pictures (they are invalid in HTML
    and could hide text); white space kept, so the document text keeps its lines. Autoescaping follows."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return visible_controls(value, keep="\t\n\r")
    return value


_ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                  finalize=_finalize)


def system_html(result: BenchResult, system: SystemResult) -> str:
    """The system's side-by-side page (a complete HTML document)."""
    failures = {f.doc_id: f.reason for f in system.failures}
    views = [
        DocumentView(d.doc_id, d.split, failures.get(d.doc_id, ""),
                     tuple(_layer_view(system, d, layer) for layer in Layer))
        for d in result.documents
    ]
    splits = [OVERALL] + [s for s in result.splits if s != OVERALL]
    rows = []
    for name in splits:
        part = system.split(name)
        row = [f"{name} ({part.documents})"]
        for metric in LEADERBOARD:
            cell = part.cells.get(metric)
            row.append(DASH if cell is None else with_interval(cell.f1))
        rows.append(row)
    return _ENVIRONMENT.from_string(_TEMPLATE).render(
        system=system,
        documents=result.documents,
        failures=system.failures,
        views=views,
        categories=list(Category),
        metric_titles=[m.title for m in LEADERBOARD],
        score_rows=rows,
        cost_note=COST_NOTE,
        cost_rows=cost_figures(system.cost),
        dash=DASH,
        page=slug(system.name),
        where_it_fails=where_it_fails_html(system),
        worst=worst_by_layer(result, system),
        pct=pct,
    )
