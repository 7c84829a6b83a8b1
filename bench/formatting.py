"""Plain-text formatting every renderer shares: the percentage, the dash for "no score", Markdown tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: Shown for a score that does not exist (layer not scored or not attempted).
DASH = "—"


def pct(value: float | None) -> str:
    """A ratio as a percentage with one decimal; "—" when missing.

    >>> pct(0.7104), pct(None)
    ('71.0', '—')
    """
    return DASH if value is None else f"{100 * value:.1f}"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], *, left: int = 1) -> str:
    """A GitHub-flavoured Markdown table; the first ``left`` columns are left-aligned, the rest right-aligned.

    >>> print(table(["a", "b"], [["x", "1"]]))
    | a | b |
    |:--|--:|
    | x | 1 |
    """
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join([":--"] * left + ["--:"] * (len(header) - left)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
