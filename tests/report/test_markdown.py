"""Markdown reports on the fixture corpus, pinned by snapshots (tests/fixtures/report/snapshots).

A snapshot is the specification of the page: after an intended change, rewrite with
NEWSBENCH_UPDATE_SNAPSHOTS=1 and review the diff.
"""

from __future__ import annotations

from bench.report.markdown import escape, leaderboard_markdown, system_markdown
from bench.report.model import BenchResult
from tests.report.conftest import assert_snapshot


def test_leaderboard_snapshot(result: BenchResult) -> None:
    assert_snapshot("leaderboard.md", leaderboard_markdown(result, chart="leaderboard.png"))


def test_system_page_snapshots(result: BenchResult) -> None:
    for system in result.systems:
        assert_snapshot(f"systems/{system.name}.md", system_markdown(result, system))


def test_leaderboard_shows_dash_for_layers_not_attempted_and_no_interval_for_one_document(result: BenchResult) -> None:
    page = leaderboard_markdown(result, chart="leaderboard.png")
    beta_rows = [line for line in page.splitlines() if line.startswith("| [beta]")]
    assert len(beta_rows) == 3  # overall, seed, challenge
    assert all(row.count("| — ") == 2 for row in beta_rows)
    seed = page.split("## Split `seed`")[1].split("## Split")[0]
    assert "Fewer than 5 documents: no confidence interval" in seed
    assert "[" not in seed.split("### Entities")[0].split("| [alpha]")[1].split("|", 2)[2].split("\n")[0]
    assert "![F1 per system and layer](leaderboard.png)" in page


def test_system_page_lists_concrete_errors_with_context_and_failures(result: BenchResult) -> None:
    alpha = system_markdown(result, result.system("alpha"))
    assert '- `d0`: missed GPE "Homs" in “…causing heavy losses in Raqqa and Homs provinces, the ministry said on…”' \
        in alpha
    assert '- `d0`: number "20": qualifier exact, gold approx in' in alpha
    beta = system_markdown(result, result.system("beta"))
    assert "| `d3` | TimeoutError: no answer within 600 s |" in beta
    assert "## Attributions\n\n— Not attempted by this system." in beta


def test_document_text_cannot_inject_markup(result: BenchResult) -> None:
    alpha = system_markdown(result, result.system("alpha"))
    assert "<script>" not in alpha and "&lt;script&gt;" in alpha
    assert escape("a | b") == "a \\| b"
    assert escape("line\nbreak") == "line break"
