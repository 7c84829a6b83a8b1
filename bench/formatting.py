"""Plain-text formatting every renderer shares: the percentage, "n/a", the dash for "no score", Markdown tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: Shown for a score that does not exist (layer not scored or not attempted).
DASH = "—"
#: Shown for a ratio that is not applicable (empty denominator, :mod:`bench.division`).
NA = "n/a"


def pct(value: float | None) -> str:
    """A ratio as a percentage with one decimal; "n/a" when not applicable.

    A layer that was not scored at all is shown as :data:`DASH` by the caller.

    >>> pct(0.7104), pct(None)
    ('71.0', 'n/a')
    """
    return NA if value is None else f"{100 * value:.1f}"


def layer_pct(value: float | None, *, scored: bool) -> str:
    """:func:`pct` for a layer that was scored, :data:`DASH` for one that was not.

    >>> layer_pct(None, scored=True), layer_pct(None, scored=False)
    ('n/a', '—')
    """
    return pct(value) if scored else DASH


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
