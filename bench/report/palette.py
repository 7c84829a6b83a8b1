"""The one colour per scoring outcome, shared by the system page (:mod:`bench.report.html`) and the comparison
viewer (:mod:`bench.report.viewer_template`): ``.m`` marks a span, ``.c-<category>`` its outcome category."""

from __future__ import annotations

MARK_STYLE = """.m { border-radius: 2px; cursor: help; }
.m.first { box-shadow: inset 2px 0 0 rgba(0,0,0,.45); }
.c-match { background: #b7e4c7; }
.c-missed { background: #f4a3a8; }
.c-spurious { background: #cdb4f0; }
.c-type { background: #ffc078; }
.c-boundary { background: #ffe66d; }
.c-value { background: #9fd3f5; }
.c-component { background: #f7b2d9; }
"""
