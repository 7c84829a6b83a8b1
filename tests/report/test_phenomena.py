"""Phenomenon sections of the reports (bench.report.phenomena) on the report fixture."""

from __future__ import annotations

import csv
import io
import json

from bench.report.data import results_csv, results_json
from bench.report.html import system_html
from bench.report.markdown import leaderboard_markdown, system_markdown
from bench.report.model import BenchResult
from bench.report.phenomena import gap_text, shown


def test_where_it_fails_lists_phenomena_with_gold_items_worst_gap_first(result: BenchResult) -> None:
    alpha = result.system("alpha")
    rows = shown(alpha)
    assert rows and all(s.gold > 0 for s in rows)
    gaps = [s.gap for s in rows if s.gap is not None]
    assert gaps == sorted(gaps)
    page = system_markdown(result, alpha)
    section = page[page.index("## Where it fails"):page.index("## Entities")]
    lines = [line for line in section.splitlines() if line.startswith("| ") and "phenomenon" not in line]
    assert len(lines) == len(rows)
    assert lines[0].split(" | ")[1] == rows[0].name.replace("_", "\\_")
    assert f"| {gap_text(rows[0].gap)} |" in lines[0]


def test_a_tag_only_phenomenon_says_recall_only(result: BenchResult) -> None:
    for s in shown(result.system("alpha")):
        assert s.recall_only == (s.predicted is None)
    page = system_markdown(result, result.system("alpha"))
    assert "recall only" in page


def test_html_page_has_the_where_it_fails_table_escaped(result: BenchResult) -> None:
    page = system_html(result, result.system("alpha"))
    assert '<h2 id="where-it-fails">Where it fails</h2>' in page
    assert page.count("<table class=\"scores phenomena\">") == 1
    assert "&#34;recall only&#34;" in page or "&quot;recall only&quot;" in page  # explanation text escaped


def test_leaderboard_has_system_by_phenomenon_with_a_column_per_system(result: BenchResult) -> None:
    board = leaderboard_markdown(result)
    section = board[board.index("## System × phenomenon"):board.index("## Systems")]
    assert "| layer | phenomenon | gold items | alpha | beta |" in section
    assert "| attributions | indirect (reported speech) | 6 | 50.0 [16.7–83.3] | — |" in section  # beta: no attributions


def test_results_json_carries_phenomena_and_per_document_per_system(result: BenchResult) -> None:
    data = json.loads(results_json(result))
    alpha = data["systems"]["alpha"]
    first = alpha["phenomena"][0]
    assert set(first) == {"name", "layer", "gold", "predicted", "recall_only", "overall_recall", "gap", "recall",
                          "precision"}
    assert set(alpha["per_document"]) == {d.doc_id for d in result.documents}
    assert set(alpha["per_document"]["d1"]) == {"entities", "numbers", "attributions"}
    beta = data["systems"]["beta"]
    assert {s["layer"] for s in beta["phenomena"]} == {"entities", "numbers"}


def test_results_csv_has_phenomenon_rows(result: BenchResult) -> None:
    rows = list(csv.DictReader(io.StringIO(results_csv(result))))
    words = [r for r in rows if r["system"] == "alpha" and r["label"] == "phenomenon:numeral in words"]
    by_metric = {(r["mode"], r["metric"]): r["value"] for r in words}
    assert by_metric[("", "gold_items")] == "2.0"
    assert ("value", "recall") in by_metric and ("full", "recall") in by_metric and ("value", "precision") in by_metric
