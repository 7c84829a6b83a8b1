"""A document a system produced no valid prediction for: the runner records it, the reports show it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Failure:
    """A document a system produced no valid prediction for (scored as empty), and why (one line)."""

    doc_id: str
    reason: str
