"""Markdown reports: ``leaderboard.md`` and one page per system (GitHub-flavoured tables).

Scores are percentages with one decimal; ``[low–high]`` is the 95% bootstrap
interval over documents; "—" marks a layer the system does not attempt. Text
quoted from documents is escaped so it cannot break a table or turn into markup.
Cost figures (:mod:`bench.report.costs`) follow the overall scores on the leaderboard
and the scores per split on a system page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from bench.formatting import DASH, markdown_code, markdown_escape, pct, table
from bench.report.costs import COST_NOTE, cost_columns, cost_figures
from bench.report.describe import context, describe, reading_order, with_interval
from bench.report.model import LEADERBOARD, OVERALL, BenchResult, Metric, SplitResult, SystemResult, slug
from bench.report.phenomena import leaderboard_phenomena_markdown, where_it_fails_markdown
from bench.report.viewer import worst_markdown
from bench.schema import Layer
from bench.score.attributions import KindConfusion
from bench.score.counts import MatchCounts, SemEvalCounts
from bench.score.items import Outcome, ScoredItem
from bench.score.keys import MAIN, SECONDARY, AttributionMetric, Mode, RowKey
from bench.score.markdown import SEMEVAL_COUNTS, by_key, prf_cells
from bench.score.numbers import KindCounts
from bench.score.result import CorpusScore
from bench.score.rows import Row, Scope, corpus_rows, error_counts, kind_counts, layer_rows

#: Concrete errors listed per layer and outcome on a system page; the rest are counted.
ERRORS_SHOWN = 25

def escape(text: str) -> str:
    """Text safe inside Markdown (tables included): see :func:`bench.formatting.markdown_escape`.

    >>> escape('a|b <script> *x*')
    'a\\\\|b &lt;script&gt; \\\\*x\\\\*'
    """
    return markdown_escape(text)


def _split_title(result: BenchResult, split: str) -> str:
    documents = len(result.documents_in(split))
    name = "Overall (all gold documents)" if split == OVERALL else f"Split {markdown_code(split)}"
    return f"{name}: {documents} document{'s' if documents != 1 else ''}"


def _interval_note(result: BenchResult, split: str) -> str:
    documents = len(result.documents_in(split))
    if documents < result.statistics.min_documents:
        return (f"Fewer than {result.statistics.min_documents} documents: no confidence interval "
                "(an interval over so few documents would mislead).")
    return ""


def _ordered_splits(result: BenchResult) -> list[str]:
    """Overall first, then the gold's splits in gold order."""
    return [OVERALL] + [s for s in result.splits if s != OVERALL]


def _f1_cell(split: SplitResult, metric: Metric) -> str:
    cell = split.cells.get(metric)
    return DASH if cell is None else with_interval(cell.f1)


def _failures_cell(system: SystemResult) -> str:
    return str(len(system.failures)) if system.failures else "0"


def cost_markdown(result: BenchResult) -> list[str]:
    """The leaderboard's cost section: one row per system (:func:`~bench.report.costs.cost_columns`)."""
    columns = cost_columns(result)
    rows = [[escape(system.name), *[column.cell(system.cost) for column in columns]] for system in result.systems]
    return ["## Cost (all gold documents)", "", COST_NOTE, "",
            table(["system", *[column.title for column in columns]], rows), ""]


def leaderboard_markdown(result: BenchResult, *, chart: str | None = None) -> str:
    """``leaderboard.md``: F1 of every system per split, then P/R/F1 per layer; cost after the overall scores."""
    stats = result.statistics
    splits = [s for s in result.splits if s != OVERALL]
    counts = ", ".join(f"{escape(s)} {len(result.documents_in(s))}" for s in splits)
    parts = [
        "# newsbench leaderboard",
        "",
        f"Gold: {len(result.documents)} documents ({counts}). Scores are percentages; "
        f"`[low–high]` is the {round(100 * stats.level)}% {stats.method} "
        f"({stats.resamples} resamples, seed {stats.seed}); "
        f"with fewer than {stats.min_documents} documents no interval is given. "
        f"{DASH} means the system does not attempt that layer (not zero). "
        "Main metric per layer (the regression gate watches it): "
        + ", ".join(f"{layer.value} {MAIN[layer].value}" for layer in Layer)
        + "; beside it the more forgiving "
        + ", ".join(f"{layer.value} {SECONDARY[layer].value}" for layer in Layer)
        + ". Per-system pages list per-label scores and every error: see the links below.",
        "",
    ]
    if chart:
        parts += [f"![F1 per system and layer]({chart})", ""]
    for split in _ordered_splits(result):
        parts += [f"## {_split_title(result, split)}", ""]
        note = _interval_note(result, split)
        if note:
            parts += [note, ""]
        header = ["system", *[f"{m.title} F1" for m in LEADERBOARD], "failed docs"]
        rows = []
        for system in result.systems:
            part = system.split(split)
            rows.append([f"[{escape(system.name)}](systems/{slug(system.name)}.md)",
                         *[_f1_cell(part, m) for m in LEADERBOARD], _failures_cell(system)])
        parts += [table(header, rows), ""]
        for layer in Layer:
            metrics = [m for m in LEADERBOARD if m.layer is layer]
            header = ["system"] + [f"{m.name} {x}" for m in metrics for x in ("P", "R", "F1")]
            rows = []
            for system in result.systems:
                part = system.split(split)
                row = [escape(system.name)]
                for metric in metrics:
                    cell = part.cells.get(metric)
                    row += [DASH] * 3 if cell is None else [
                        with_interval(cell.precision), with_interval(cell.recall), with_interval(cell.f1)]
                rows.append(row)
            parts += [f"### {layer.value.capitalize()} ({escape(split)})", "", table(header, rows), ""]
        if split == OVERALL:
            parts += cost_markdown(result)
    parts += leaderboard_phenomena_markdown(result)
    parts += ["## Systems", "", table(
        ["system", "version", "layers", "report", "side by side"],
        [[escape(s.name), escape(s.version), ", ".join(l.value for l in Layer if l in s.attempted) or DASH,
          f"[{slug(s.name)}.md](systems/{slug(s.name)}.md)", f"[{slug(s.name)}.html](systems/{slug(s.name)}.html)"]
         for s in result.systems], left=3), ""]
    return "\n".join(parts)


# --- system page ------------------------------------------------------------------------------


def _by_label(rows: Iterable[Row], scope: Scope) -> dict[str, dict[RowKey, Row]]:
    """Rows of one scope grouped by label (sorted), then by key."""
    out: dict[str, dict[RowKey, Row]] = {}
    for row in rows:
        if row.scope is scope:
            out.setdefault(row.label, {})[row.key] = row
    return dict(sorted(out.items()))


def _entity_tables(score: CorpusScore) -> list[str]:
    entities = list(layer_rows(score.counts, Layer.ENTITIES))
    overall = by_key(r for r in entities if r.scope is Scope.ALL)
    macro = by_key(r for r in entities if r.scope is Scope.MACRO)
    parts = ["Per mode (SemEval-2013; partial counts ½):", ""]
    parts.append(table(
        ["mode", "P", "R", "F1", "COR", "INC", "PAR", "MIS", "SPU", "macro F1"],
        [[row.title, *prf_cells(row), *[str(row.values()[k]) for k in SEMEVAL_COUNTS], pct(macro[row.key].prf.f1)]
         for row in overall.values()],
    ))
    parts += ["", ("Per label (strict and partial; a label's row counts the pairs whose gold label it is, "
              "and spurious predictions under their own label):"), ""]
    rows = []
    for label, by_mode in _by_label(entities, Scope.LABEL).items():
        strict, partial = by_mode.get(Mode.STRICT), by_mode.get(Mode.PARTIAL)
        counts = None if strict is None else strict.counts
        gold, predicted = (counts.possible, counts.actual) if isinstance(counts, SemEvalCounts) else (0, 0)
        rows.append([label, str(gold), str(predicted), *prf_cells(strict), *prf_cells(partial)])
    parts.append(table(["label", "gold", "predicted", "strict P", "strict R", "strict F1",
                        "partial P", "partial R", "partial F1"], rows))
    parts += ["", "Coarse classes (PER/ORG/LOC/MISC):", ""]
    parts.append(table(["class", "strict P", "strict R", "strict F1", "partial F1"],
                       [[label, *prf_cells(by_mode.get(Mode.STRICT)), prf_cells(by_mode.get(Mode.PARTIAL))[2]]
                        for label, by_mode in _by_label(entities, Scope.COARSE_LABEL).items()]))
    labels, matrix = score.confusion()
    if labels:
        parts += ["", "Label confusion over aligned pairs (rows gold, columns predicted):", ""]
        parts.append(table(["gold \\ predicted", *labels],
                           [[label, *map(str, row)] for label, row in zip(labels, matrix, strict=True)]))
    return parts


def _match_cells(row: Row) -> list[str]:
    counts = row.counts
    assert isinstance(counts, MatchCounts)
    return [str(counts.correct), str(counts.predicted), str(counts.gold)]


def _number_tables(score: CorpusScore) -> list[str]:
    rows = [[row.title, *prf_cells(row), *_match_cells(row)] for row in corpus_rows(score.counts, Layer.NUMBERS)]
    parts = [("Spans must overlap; each metric takes its own best one-to-one alignment. span: identical span; "
             "value: equal value; value_unit / value_qualifier: and equal unit / qualifier; full: value, unit and "
             "qualifier; strict: full and identical span; span-free: matched by value, offsets ignored."), "",
             table(["metric", "P", "R", "F1", "matched", "predicted", "gold"], rows)]
    kind = kind_counts(score.counts, Layer.NUMBERS)
    if kind is not None and kind.pairs:
        labels, matrix = kind.labels, kind.matrix
        used = [i for i in range(len(labels)) if any(matrix[i]) or any(row[i] for row in matrix)]
        parts += ["", (f"Kind accuracy over aligned pairs: {pct(kind.accuracy)} ({kind.correct} of {kind.pairs}); "
                  "confusion (rows gold, columns predicted, none = no kind):"), ""]
        parts.append(table(["gold \\ predicted", *[labels[j] for j in used]],
                           [[labels[i], *[str(matrix[i][j]) for j in used]] for i in used]))
    return parts


def _attribution_tables(score: CorpusScore) -> list[str]:
    attributions = list(layer_rows(score.counts, Layer.ATTRIBUTIONS))
    rows = [[row.title, *prf_cells(row)] for row in attributions if row.scope is Scope.ALL]
    parts = [("strict: source, cue and content all exact; lenient: all three exact or sharing a word; "
             "overlap rows are token coverage pooled over aligned pairs, overlap jm the mean coverage per item "
             "(Johansson & Moschitti). Each row is counted on the alignment that maximises it."), "",
             table(["metric", "P", "R", "F1"], rows)]
    parts += _kind_table(kind_counts(score.counts, Layer.ATTRIBUTIONS))
    kinds = []
    for kind, by_metric in _by_label(attributions, Scope.KIND).items():
        strict, lenient = by_metric[AttributionMetric.STRICT], by_metric[AttributionMetric.LENIENT]
        counts = strict.counts
        assert isinstance(counts, MatchCounts)
        if counts.gold or counts.predicted:
            kinds.append([kind, *prf_cells(strict), *prf_cells(lenient)])
    if kinds:
        parts += ["", "By kind:", "", table(["kind", "strict P", "strict R", "strict F1",
                                             "lenient P", "lenient R", "lenient F1"], kinds)]
    return parts


def _kind_table(kind: KindCounts | KindConfusion | None) -> list[str]:
    """Kind accuracy and the kind confusion matrix, when some aligned pair has a kind on both sides."""
    if kind is None or not kind.pairs:
        return []
    labels = kind.labels
    return ["", (f"Kind (direct/indirect/mixed) over strictly aligned pairs where both have one: accuracy "
                 f"{pct(kind.accuracy)} ({kind.correct} of {kind.pairs}); rows gold, columns predicted:"), "",
            table(["gold \\ predicted", *labels],
                  [[label, *map(str, row)] for label, row in zip(labels, kind.matrix, strict=True)])]


def _error_breakdown(score: CorpusScore, layer: Layer) -> list[str]:
    errors = error_counts(score.counts, layer) or {}
    return [table(["error", "count"], [[o.value.replace("_", " "), str(count)] for o, count in errors.items()])]


def _concrete_errors(result: BenchResult, system: SystemResult, layer: Layer) -> list[str]:
    items = [i for i in system.errors if i.layer is layer]
    if not items:
        return ["No errors."]
    groups: dict[Outcome, list[ScoredItem]] = {}
    for item in reading_order(items):
        groups.setdefault(item.outcome, []).append(item)
    parts: list[str] = []
    for outcome in Outcome:
        group = groups.get(outcome)
        if not group:
            continue
        parts += [f"**{outcome.value.replace('_', ' ')}** ({len(group)})", ""]
        for item in group[:ERRORS_SHOWN]:
            text = result.text(item.doc_id)
            parts.append(f"- {markdown_code(item.doc_id)}: {escape(describe(item, text))} in “{escape(context(item, text))}”")
        if len(group) > ERRORS_SHOWN:
            parts.append(f"- … and {len(group) - ERRORS_SHOWN} more (all are in results.json and the HTML page)")
        parts.append("")
    return parts


def system_markdown(result: BenchResult, system: SystemResult) -> str:
    """One system's page: scores per split, cost, per-layer tables, error breakdowns, concrete errors, failures."""
    overall = system.overall
    layers = [layer for layer in Layer if layer in system.attempted]
    parts = [
        f"# {escape(system.name)}",
        "",
        f"Version {markdown_code(system.version)}. Layers attempted: "
        f"{', '.join(layer.value for layer in layers) or 'none'}"
        + (f"; not attempted: {', '.join(l.value for l in Layer if l not in system.attempted)} ({DASH})."
           if len(layers) < len(Layer) else ".")
        + f" {len(system.failures)} of {len(result.documents)} documents failed (scored as empty). "
        f"[Side-by-side view]({slug(system.name)}.html) · [Leaderboard](../leaderboard.md)",
        "",
        "## Scores per split",
        "",
        ("F1 with 95% bootstrap interval over documents (none with fewer than "
        f"{result.statistics.min_documents} documents)."),
        "",
    ]
    rows = [[f"{escape(split.split)} ({split.documents})", *[_f1_cell(split, m) for m in LEADERBOARD]]
            for split in sorted(system.splits, key=lambda s: (s.split != OVERALL, result.splits.index(s.split)))]
    parts += [table(["split (documents)", *[f"{m.title} F1" for m in LEADERBOARD]], rows), ""]
    parts += ["## Cost", "", COST_NOTE, "",
              table(["figure", "per document", "total"], [list(row) for row in cost_figures(system.cost)]), ""]
    parts += where_it_fails_markdown(system)
    for layer in Layer:
        parts += [f"## {layer.value.capitalize()}", ""]
        if overall.score.counts.layer(layer) is None:
            parts += [f"{DASH} Not attempted by this system.", ""]
            continue
        parts += ["All gold documents.", ""]
        tables = {Layer.ENTITIES: _entity_tables, Layer.NUMBERS: _number_tables,
                  Layer.ATTRIBUTIONS: _attribution_tables}[layer](overall.score)
        parts += tables + ["", f"### {layer.value.capitalize()}: error breakdown", ""]
        parts += _error_breakdown(overall.score, layer) + ["", f"### {layer.value.capitalize()}: errors in context", ""]
        parts += _concrete_errors(result, system, layer)
    parts += worst_markdown(result, system)
    parts += ["## Failures", ""]
    if system.failures:
        parts.append("Documents the system crashed on, timed out on or returned invalid output for; "
                     "they are scored as empty (every gold item missed).")
        parts += ["", table(["document", "reason"], [[markdown_code(f.doc_id, in_table=True), escape(f.reason)] for f in system.failures], left=2)]
    else:
        parts.append("None.")
    if system.warnings:
        parts += ["", "## Warnings", ""] + [f"- {escape(w)}" for w in system.warnings]
    if layers:
        matched = Counter(item.layer for item in system.items if not item.is_error)
        parts += ["", "---", "", "Matched items (all documents): "
                  + ", ".join(f"{layer.value} {matched[layer]}" for layer in layers) + "."]
    return "\n".join(parts) + "\n"
