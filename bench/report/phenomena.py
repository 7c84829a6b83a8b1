"""Phenomenon sections of the reports: "Where it fails" per system page (Markdown and HTML), the
leaderboard's "system × phenomenon" table, and the ``phenomena`` rows of ``results.json``/``results.csv``.

Every figure is a :class:`bench.score.slices.Slice` computed by :mod:`bench.report.build`; nothing
is scored here. Only phenomena with at least one gold item are shown; "Where it fails" sorts them by
the gap between their main-metric recall and the system's overall main recall on the layer, worst first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import jinja2
import markupsafe

from bench.formatting import DASH, markdown_escape, pct, table
from bench.report.describe import with_interval
from bench.report.model import BenchResult, SystemResult
from bench.schema import Layer
from bench.score.slices import MIN_ITEMS, RECALL_ONLY, Slice

#: What the sections say about their figures (Markdown and HTML alike).
EXPLANATION = (f"Recall of the gold items showing each phenomenon (all documents), in the layer's main metric "
               f"with its 95% bootstrap interval over documents, and in the secondary metric; gap = main recall "
               f"minus the system's overall main recall on the layer. Precision (main metric) over the predicted "
               f"items showing the phenomenon where it is defined on predictions, otherwise \"{RECALL_ONLY}\". "
               f"Fewer than {MIN_ITEMS} gold items: the count and no interval.")

Row = tuple[str, str, str, str, str, str, float | None]


def shown(system: SystemResult) -> list[Slice]:
    """The system's slices with at least one gold item, sorted by gap (worst first; no gap last)."""
    present = [s for s in system.phenomena if s.gold > 0]
    return sorted(present, key=lambda s: (s.gap is None, s.gap or 0.0, list(Layer).index(s.layer), s.name))


def gap_text(value: float | None) -> str:
    """A gap in percentage points with its sign, e.g. ``-12.5``; "n/a" when there is none.

    >>> gap_text(-0.125), gap_text(None)
    ('-12.5', 'n/a')
    """
    return pct(None) if value is None else f"{100 * value:+.1f}"


def _cells(s: Slice) -> list[str]:
    precision = RECALL_ONLY if s.recall_only else with_interval(s.precision[s.main])
    return [s.layer.value, s.name, str(s.gold), with_interval(s.recall[s.main]), gap_text(s.gap),
            with_interval(s.recall[s.secondary]), precision]


_HEADER = ["layer", "phenomenon", "gold items", "recall (main)", "gap", "recall (secondary)", "precision (main)"]


def where_it_fails_markdown(system: SystemResult) -> list[str]:
    """The "Where it fails" section of a system page, as Markdown lines."""
    rows = [[c if i != 1 else markdown_escape(c) for i, c in enumerate(_cells(s))] for s in shown(system)]
    parts = ["## Where it fails", "", EXPLANATION + " Main metrics: entities strict, numbers value, attributions "
             "strict; secondary: entities partial, numbers full, attributions lenient.", ""]
    parts += [table(_HEADER, rows, left=2) if rows else "No phenomenon in the layers this system attempts.", ""]
    return parts


_HTML = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """<h2 id="where-it-fails">Where it fails</h2>
<p class="counts">{{ explanation }}</p>
{% if rows %}<table class="scores phenomena">
<tr>{% for h in header %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>{% else %}<p class="na">No phenomenon in the layers this system attempts.</p>{% endif %}
""")


def where_it_fails_html(system: SystemResult) -> markupsafe.Markup:
    """The "Where it fails" section of a system's HTML page (escaped markup)."""
    rows = [_cells(s) for s in shown(system)]
    return markupsafe.Markup(_HTML.render(explanation=EXPLANATION, header=_HEADER, rows=rows))


def _catalogue(systems: Sequence[SystemResult]) -> list[tuple[Layer, str, int]]:
    """``(layer, phenomenon, gold items)`` with gold items, in layer then phenomenon order."""
    seen: dict[tuple[Layer, str], int] = {}
    for system in systems:
        for s in system.phenomena:
            if s.gold > 0:
                seen.setdefault((s.layer, s.name), s.gold)
    order = {key: i for i, key in enumerate(seen)}
    return sorted(((layer, name, gold) for (layer, name), gold in seen.items()),
                  key=lambda t: (list(Layer).index(t[0]), order[(t[0], t[1])]))


def leaderboard_phenomena_markdown(result: BenchResult) -> list[str]:
    """The leaderboard's "System × phenomenon" section: main-metric recall of every system per phenomenon."""
    catalogue = _catalogue(result.systems)
    if not catalogue:
        return []
    by_system = {system.name: {(s.layer, s.name): s for s in system.phenomena} for system in result.systems}
    rows = []
    for layer, name, gold in catalogue:
        row = [layer.value, markdown_escape(name), str(gold)]
        for system in result.systems:
            found = by_system[system.name].get((layer, name))
            row.append(DASH if found is None else with_interval(found.recall[found.main]))
        rows.append(row)
    header = ["layer", "phenomenon", "gold items", *[markdown_escape(s.name) for s in result.systems]]
    return ["## System × phenomenon", "",
            (f"Main-metric recall (entities strict, numbers value, attributions strict) of the gold items showing "
            f"each phenomenon, all documents, with its 95% bootstrap interval over documents (none with fewer than "
            f"{MIN_ITEMS} gold items); {DASH}: layer not attempted. Each system page's \"Where it fails\" adds the "
            "secondary metric, precision and the gap to the overall recall."), "",
            table(header, rows, left=2), ""]


def phenomena_json(system: SystemResult) -> list[dict[str, Any]]:
    """``systems.NAME.phenomena`` of ``results.json``: every slice (:meth:`Slice.to_dict`)."""
    return [s.to_dict() for s in system.phenomena]


def phenomena_rows(system: SystemResult) -> Iterator[Row]:
    """``results.csv`` rows of the slices: split ``overall``, mode = metric, label ``phenomenon:NAME``;
    metrics ``recall``, ``precision`` (absent when recall only), their ``_low``/``_high``, ``gold_items``
    and ``predicted_items``."""
    for s in system.phenomena:
        label = f"phenomenon:{s.name}"
        base = (system.name, "overall", s.layer.value)
        for metric in (s.main, s.secondary):
            parts = [("recall", s.recall[metric])] + ([] if s.recall_only else [("precision", s.precision[metric])])
            for name, interval in parts:
                yield (*base, metric, label, name, interval.value)
                for bound, value in (("low", interval.low), ("high", interval.high)):
                    if value is not None:
                        yield (*base, metric, label, f"{name}_{bound}", value)
        yield (*base, "", label, "gold_items", float(s.gold))
        if s.predicted is not None:
            yield (*base, "", label, "predicted_items", float(s.predicted))
