"""Input text made safe for the terminal: no Rich markup read from it, one line, controls visible.

Kept apart from :mod:`bench.report.terminal` (which imports the scoring and statistics stack) so that
light commands such as ``newsbench systems`` can escape their output without importing scipy.
"""

from __future__ import annotations

from rich.markup import escape as escape_markup
from rich.text import Text

from bench.formatting import one_line


def plain(text: str) -> Text:
    """A name, id or message from the input as terminal text: never read as Rich markup, one line,
    control characters (escape sequences) shown as pictures."""
    return Text(one_line(text))


def safe(text: object) -> str:
    """A value from the input interpolated into a Rich markup string: markup escaped, one line, controls visible.

    >>> safe("[/oops] a\\nb")
    '\\\\[/oops] a b'
    """
    return escape_markup(one_line(str(text)))
