"""Plain-text formatting every renderer shares: the percentage (plain and signed), "n/a", the dash for
"no score", measured figures, one-line text, Markdown escapes and tables. Renderers define none of these
themselves."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence

#: Shown for a score that does not exist (layer not scored or not attempted).
DASH = "—"
#: Shown for a ratio that is not applicable (empty denominator, :mod:`bench.division`).
NA = "n/a"

#: C0 controls as their Unicode control pictures (U+2400…), DEL as ␡, C1 controls as U+FFFD.
_CONTROLS: dict[int, str] = {**{c: chr(0x2400 + c) for c in range(0x20)}, 0x7F: "\u2421",
                             **{c: "\ufffd" for c in range(0x80, 0xA0)}}
_MARKDOWN_ESCAPES = {"&": "&amp;", "\\": "\\\\", "|": "\\|", "*": "\\*", "_": "\\_", "`": "\\`", "[": "\\[",
                     "]": "\\]", "<": "&lt;", ">": "&gt;", "#": "\\#", "~": "\\~"}


def visible_controls(text: str, *, keep: str = "") -> str:
    r"""``text`` with every control character (except those in ``keep``) shown as a visible picture.

    One character stays one character, so offsets into the text still hold; an escape sequence can
    no longer recolour a terminal or hide text in a page.

    >>> visible_controls("a\x1b[31mb\x00\tc", keep="\t")
    'a␛[31mb␀\tc'
    """
    return text.translate(_pictures(keep))


@functools.cache
def _pictures(keep: str) -> dict[int, str]:
    """The translation table of :func:`visible_controls` for one ``keep`` (built once: it is called per span)."""
    return {code: picture for code, picture in _CONTROLS.items() if chr(code) not in keep}


def squeeze_space(text: str) -> str:
    r"""Runs of white space (newlines included) as single spaces; nothing else changes.

    >>> squeeze_space(" a\n\r b\x07 ")
    'a b\x07'
    """
    return " ".join(text.split())


def one_line(text: str) -> str:
    r"""``text`` on one line: runs of white space (newlines included) become one space, controls visible.

    >>> one_line("a\n\r b\x07")
    'a b␇'
    """
    return visible_controls(squeeze_space(text))


def markdown_escape(text: str) -> str:
    r"""Text safe inside Markdown (tables included): one line, controls visible, markup characters escaped.

    >>> markdown_escape('a|b <script> *x*')
    'a\\|b &lt;script&gt; \\*x\\*'
    """
    return "".join(_MARKDOWN_ESCAPES.get(ch, ch) for ch in one_line(text))


def markdown_code(text: str, *, in_table: bool = False) -> str:
    r"""Text as a one-line Markdown code span; in a table cell ``|`` is escaped (GFM reads ``\|`` there).

    Text with a backtick is escaped as plain text instead (a code span would end early).

    >>> markdown_code("d|1"), markdown_code("d|1", in_table=True), markdown_code("a`b")
    ('`d|1`', '`d\\|1`', 'a\\`b')
    """
    line = one_line(text)
    if "`" in line:
        return markdown_escape(line)
    return "`" + (line.replace("|", "\\|") if in_table else line) + "`"


def pct(value: float | None) -> str:
    """A ratio as a percentage with one decimal; "n/a" when not applicable.

    A layer that was not scored at all is shown as :data:`DASH` by the caller.

    >>> pct(0.7104), pct(None)
    ('71.0', 'n/a')
    """
    return NA if value is None else f"{100 * value:.1f}"


def signed_pct(value: float | None) -> str:
    """A difference of ratios in percentage points with its sign and one decimal; "n/a" when not applicable.

    >>> signed_pct(0.0123), signed_pct(-0.5), signed_pct(None)
    ('+1.2', '-50.0', 'n/a')
    """
    return NA if value is None else f"{100 * value:+.1f}"


def layer_pct(value: float | None, *, scored: bool) -> str:
    """:func:`pct` for a layer that was scored, :data:`DASH` for one that was not.

    >>> layer_pct(None, scored=True), layer_pct(None, scored=False)
    ('n/a', '—')
    """
    return pct(value) if scored else DASH


def significant(value: float | None, digits: int = 3) -> str:
    """A measured figure (seconds, tokens, dollars) to ``digits`` significant digits, thousands separated,
    never in exponent form (a large number or an ``int`` keeps all its digits); :data:`DASH` when not reported.

    >>> significant(0.0012345), significant(12.345), significant(12345.6), significant(7), significant(None)
    ('0.00123', '12.3', '12,346', '7', '—')
    """
    if value is None:
        return DASH
    if isinstance(value, int) or value == 0:
        return f"{value:,.0f}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


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
