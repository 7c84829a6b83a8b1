"""Hostile text in every renderer: HTML, ``|``, newlines, control characters and Rich markup.

Names, versions, doc ids, split names, units, failure reasons, warnings and document text come
from users; every renderer must show them as text: HTML escaped, one Markdown table cell each,
no escape sequence reaching a terminal, no markup read by Rich.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from bench.gold import load_gold
from bench.predictions import read_predictions
from bench.report.build import ScoredSystem, build_result
from bench.report.html import system_html
from bench.report.markdown import leaderboard_markdown, system_markdown
from bench.report.markup import safe
from bench.report.model import BenchResult, Failure
from bench.report.terminal import tables
from bench.score import CorpusScore, score_corpus
from bench.score.markdown import render

HOSTILE = "<script>alert(1)</script> a|b\nc\r\x1b[31m\x00\x07\x7f\x9b [bold]x[/bold] [/oops]"
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _hostile(tmp_path: Path) -> tuple[BenchResult, CorpusScore]:
    text = f"Ann said 12 {HOSTILE} in Paris.\n"
    paris, twelve, script = text.index("Paris"), text.index("12"), text.index("<script>")
    number = {"start": twelve, "end": twelve + 2, "value": 12, "qualifier": "exact", "kind": "count"}
    doc_id = "d|<b>1"
    (tmp_path / "gold.jsonl").write_text(json.dumps({
        "doc_id": doc_id, "split": "s|<i>", "text": text, "attributions": [],
        "entities": [{"start": paris, "end": paris + 5, "label": "GPE"}], "numbers": [{**number, "unit": HOSTILE}],
    }) + "\n", "utf-8")
    (tmp_path / "pred.jsonl").write_text(json.dumps({
        "doc_id": doc_id, "entities": [{"start": script, "end": script + 8, "label": "PERSON"}],
        "numbers": [{**number, "unit": "x" + HOSTILE}],
    }) + "\n", "utf-8")
    gold = load_gold(tmp_path / "gold.jsonl")
    predictions = read_predictions(tmp_path / "pred.jsonl", {d.doc_id: d.text for d in gold})
    score = score_corpus(gold, predictions.by_doc, system="evil|" + HOSTILE)
    scored = ScoredSystem(score, version="1|" + HOSTILE, failures=(Failure(doc_id, "Boom: " + HOSTILE),),
                          warnings=("warned " + HOSTILE,))
    return build_result(gold, [scored]), score


def _outside_code_spans(markdown: str) -> str:
    return re.sub(r"`[^`\n]*`", "", markdown)


def _assert_safe_markdown(markdown: str) -> None:
    assert not CONTROLS.search(markdown)
    prose = _outside_code_spans(markdown)
    assert "<script" not in prose and "<b>" not in prose and "<i>" not in prose
    for block in re.split(r"\n(?!\|)", markdown):  # each table: its lines all start with "|"
        rows = [line for line in block.split("\n") if line.startswith("|")]
        cells = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(cells) <= 1, rows  # every row has the header's number of cells


def test_markdown_leaderboard_keeps_hostile_names_inside_their_cells(tmp_path: Path) -> None:
    result, _ = _hostile(tmp_path)
    _assert_safe_markdown(leaderboard_markdown(result))


def test_markdown_system_page_escapes_units_texts_reasons_and_warnings(tmp_path: Path) -> None:
    result, _ = _hostile(tmp_path)
    page = system_markdown(result, result.systems[0])
    _assert_safe_markdown(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; a\\|b c ␛\\[31m␀␇␡\ufffd" in page
    assert "| `d\\|<b>1` | Boom: " in page  # the failure's doc id is one code cell


def test_score_markdown_escapes_the_system_name(tmp_path: Path) -> None:
    _, score = _hostile(tmp_path)
    summary = render(score)
    _assert_safe_markdown(summary)
    assert summary.startswith("# Scores: evil\\|&lt;script&gt;")


def test_html_page_escapes_everything_and_shows_controls_as_pictures(tmp_path: Path) -> None:
    result, _ = _hostile(tmp_path)
    page = system_html(result, result.systems[0])
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>1" not in page and "d|&lt;b&gt;1" in page
    assert not CONTROLS.search(page.replace("\r", ""))
    assert "␛[31m␀␇␡" in page


def test_terminal_tables_never_read_markup_nor_pass_escape_sequences(tmp_path: Path) -> None:
    result, _ = _hostile(tmp_path)
    out = io.StringIO()
    console = Console(file=out, width=300, color_system="truecolor", force_terminal=True)
    for table in tables(result):
        console.print(table)  # a "[/oops]" name used to raise rich.errors.MarkupError
    shown = out.getvalue()
    assert "[bold]x[/bold] [/oops]" in shown and "␛[31m␀␇" in shown
    assert "\x1b[31m" not in shown and "\x00" not in shown and "\x07" not in shown


@pytest.mark.parametrize("value", ["[/oops]", "[red]x", HOSTILE])
def test_values_interpolated_into_rich_markup_print_as_themselves(value: str) -> None:
    out = io.StringIO()
    Console(file=out, width=300, color_system=None).print(f"[red]failed[/red] {safe(value)}")
    assert out.getvalue().startswith("failed ") and "\x1b" not in out.getvalue()
    assert "[/oops]" in out.getvalue() or "[red]x" in out.getvalue()
