"""Shared fixtures: a tiny valid gold document written to a temp folder; a fresh system index per test."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.registry import discover


@pytest.fixture(autouse=True)
def fresh_discovery() -> Iterator[None]:
    """Each test finds systems afresh (``discover`` is cached per process; tests replace its sources)."""
    discover.cache_clear()
    yield
    discover.cache_clear()


TINY_TEXT = "Officials in Paris said 12 people were hurt, Le Monde reported.\n"


def _span(text: str, needle: str) -> dict[str, Any]:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle), "text": needle}


def tiny_annotation() -> dict[str, Any]:
    """A valid gold annotation of TINY_TEXT covering every layer, with one nested attribution."""
    t = TINY_TEXT
    return {
        "doc_id": "tiny",
        "split": "test",
        "sha256": hashlib.sha256(t.encode()).hexdigest(),
        "provenance": "written for the tests",
        "entities": [
            {"id": "e1", **_span(t, "Paris"), "label": "GPE"},
            {"id": "e2", **_span(t, "Le Monde"), "label": "ORG"},
        ],
        "numbers": [
            {"id": "n1", **_span(t, "12"), "value": 12, "value_max": None, "unit": "person",
             "qualifier": "exact", "kind": "count"},
        ],
        "attributions": [
            {"id": "a1", "source": _span(t, "Le Monde"), "source_entity": "Le Monde",
             "cue": _span(t, "reported"), "content": [_span(t, "Officials in Paris said 12 people were hurt")],
             "kind": "indirect", "parent": None},
            {"id": "a2", "source": _span(t, "Officials"), "source_entity": None,
             "cue": _span(t, "said"), "content": [_span(t, "12 people were hurt")],
             "kind": "indirect", "parent": "a1"},
        ],
    }


GoldWriter = Callable[..., Path]


@pytest.fixture
def write_gold(tmp_path: Path) -> GoldWriter:
    """Write a gold folder with TINY_TEXT and an annotation (default: the valid one)."""

    def write(annotation: dict[str, Any] | None = None, *, text: str = TINY_TEXT) -> Path:
        folder = tmp_path / "gold" / "documents"
        folder.mkdir(parents=True, exist_ok=True)
        data = copy.deepcopy(annotation) if annotation is not None else tiny_annotation()
        (folder / "tiny.txt").write_bytes(text.encode("utf-8"))
        (folder / "tiny.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        return tmp_path / "gold"

    return write
