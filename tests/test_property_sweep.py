"""Property-based sweep of the prediction loader and the scorer (hypothesis).

* No input crashes the loader: random bytes and random JSON lines give a result or a
  :class:`UserError` (one line per problem), never another exception.
* Whatever the loader accepts, the scorer scores: every ratio in the score JSON (precision,
  recall, F1, accuracy, main and secondary F1) is in [0, 1] or null, never NaN.
* Order does not matter: shuffling the lines of the file, the items within a layer, or the gold
  documents gives the same score JSON.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.errors import UserError
from bench.gold import load_gold
from bench.predictions import read_predictions
from bench.schema import EntityLabel, NumberKind, Qualifier, QuoteKind
from bench.score import score_corpus
from tests.report.conftest import FIXTURE

GOLD = load_gold(FIXTURE / "gold.jsonl")
TEXTS = {d.doc_id: d.text for d in GOLD}
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Keys of the format, so random objects often reach the nested checks, plus a stranger.
KEYS = ("doc_id", "entities", "numbers", "attributions", "start", "end", "label", "text", "value", "value_max",
        "unit", "qualifier", "kind", "content", "source", "cue", "parent", "id", "tags", "other")
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8)
    | st.sampled_from([*TEXTS, "GPE", "exact", "count", "direct"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=6),
    max_leaves=25,
)


def _load(tmp_path: Path, content: bytes) -> Any:
    path = tmp_path / "pred.jsonl"
    path.write_bytes(content)
    try:
        return read_predictions(path, TEXTS)
    except UserError as error:
        assert error.exit_code == 2 and error.lines and all(str(path) in line for line in error.lines)
        return None


def _ratios(data: Any) -> Iterator[float | None]:
    """Every float (and null) in the score JSON: all of them are ratios; counts are integers."""
    if isinstance(data, dict):
        for value in data.values():
            yield from _ratios(value)
    elif isinstance(data, list):
        for value in data:
            yield from _ratios(value)
    elif data is None or isinstance(data, float):
        yield data


def _assert_ratios(score: dict[str, Any]) -> None:
    for value in _ratios(score):
        assert value is None or (not math.isnan(value) and 0.0 <= value <= 1.0), value


@SETTINGS
@given(content=st.binary(max_size=300))
def test_random_bytes_never_crash_the_loader(tmp_path: Path, content: bytes) -> None:
    _load(tmp_path, content)


@SETTINGS
@given(lines=st.lists(JSON | st.dictionaries(st.sampled_from(KEYS), JSON, max_size=5), max_size=4))
def test_random_json_lines_never_crash_the_loader_and_what_loads_scores(tmp_path: Path, lines: list[Any]) -> None:
    content = "\n".join(json.dumps(line) for line in lines).encode()
    found = _load(tmp_path, content)
    if found is not None:
        _assert_ratios(score_corpus(GOLD, found.by_doc, system="x", attempted=found.attempted).to_dict())


@st.composite
def _span(draw: Any, length: int) -> dict[str, int]:
    start = draw(st.integers(0, length - 1))
    return {"start": start, "end": draw(st.integers(start + 1, min(length, start + 30)))}


@st.composite
def _record(draw: Any, doc_id: str) -> dict[str, Any]:
    n = len(TEXTS[doc_id])
    record: dict[str, Any] = {"doc_id": doc_id}
    if draw(st.booleans()):
        record["entities"] = draw(st.lists(
            st.builds(lambda s, label: {**s, "label": label}, _span(n), st.sampled_from(list(EntityLabel))), max_size=6))
    if draw(st.booleans()):
        record["numbers"] = draw(st.lists(st.builds(
            lambda s, value, unit, q, kind: {**s, "value": value, "unit": unit, "qualifier": q, "kind": kind},
            _span(n), st.none() | st.floats(-1e6, 1e6) | st.integers(0, 100), st.sampled_from([None, "person", "%", ""]),
            st.none() | st.sampled_from(list(Qualifier)), st.none() | st.sampled_from(list(NumberKind))), max_size=6))
    if draw(st.booleans()):
        record["attributions"] = draw(st.lists(st.builds(
            lambda content, source, cue, kind: {"content": content, "source": source, "cue": cue, "kind": kind},
            st.lists(_span(n), min_size=1, max_size=2), st.none() | _span(n), st.none() | _span(n),
            st.none() | st.sampled_from(list(QuoteKind))), max_size=4))
    return record


@st.composite
def _prediction_file(draw: Any) -> list[dict[str, Any]]:
    ids = draw(st.lists(st.sampled_from(sorted(TEXTS)), unique=True, max_size=len(TEXTS)))
    return [draw(_record(doc_id)) for doc_id in ids]


def _without_overlapping_content(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Content spans of one attribution must not overlap (the loader refuses that): keep the first."""
    for record in records:
        for a in record.get("attributions", []):
            kept: list[dict[str, int]] = []
            for span in a["content"]:
                if all(span["end"] <= k["start"] or k["end"] <= span["start"] for k in kept):
                    kept.append(span)
            a["content"] = kept
    return records


def _score(tmp_path: Path, records: list[dict[str, Any]], gold: Any = GOLD) -> dict[str, Any]:
    path = tmp_path / "pred.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    found = read_predictions(path, TEXTS)
    return score_corpus(gold, found.by_doc, system="x", attempted=found.attempted).to_dict()


@SETTINGS
@given(records=_prediction_file().map(_without_overlapping_content), seed=st.integers(0, 2**32))
def test_valid_predictions_score_every_ratio_in_0_1_whatever_their_order(
    tmp_path: Path, records: list[dict[str, Any]], seed: int
) -> None:
    score = _score(tmp_path, records)
    _assert_ratios(score)
    rng = random.Random(seed)
    shuffled = [dict(r) for r in records]
    rng.shuffle(shuffled)
    for record in shuffled:
        for layer in ("entities", "numbers", "attributions"):
            if layer in record:
                record[layer] = rng.sample(record[layer], len(record[layer]))
    gold = list(GOLD)
    rng.shuffle(gold)
    assert _score(tmp_path, shuffled, gold) == score
