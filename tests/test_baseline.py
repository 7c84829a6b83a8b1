"""The regression gate (bench.baseline): when it trips, when it passes, and its file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import baseline as gate
from bench.baseline import Status
from bench.errors import UserError
from bench.schema import Layer

E, N, A = Layer.ENTITIES, Layer.NUMBERS, Layer.ATTRIBUTIONS
GOLD = {"doc-a": "aa" * 32, "doc-b": "bb" * 32}
ACCEPTED: dict[str, dict[Layer, float | None]] = {
    "rules": {E: 0.50, N: 0.70, A: 0.30},
    "spacy": {E: 0.80, N: 0.60, A: None},
}


def accepted(tolerance: float = 0.01) -> gate.Baseline:
    return gate.make_baseline(ACCEPTED, GOLD, tolerance=tolerance)


def with_score(system: str, layer: Layer, value: float | None) -> dict[str, dict[Layer, float | None]]:
    scores = {name: dict(by_layer) for name, by_layer in ACCEPTED.items()}
    scores[system][layer] = value
    return scores


def test_same_results_pass() -> None:
    verdict = gate.check(accepted(), ACCEPTED, GOLD)
    assert verdict.passed
    assert {row.status for row in verdict.rows} == {Status.OK}
    # a layer nobody attempts has no row
    assert not any(row.system == "spacy" and row.layer is A for row in verdict.rows)


def test_a_drop_within_tolerance_passes() -> None:
    assert gate.check(accepted(), with_score("rules", E, 0.4901), GOLD).passed


def test_a_drop_of_exactly_the_tolerance_passes() -> None:
    assert gate.check(accepted(), with_score("rules", E, 0.49), GOLD).passed


def test_a_drop_beyond_tolerance_fails_on_that_system_and_layer() -> None:
    verdict = gate.check(accepted(), with_score("spacy", N, 0.58), GOLD)
    assert not verdict.passed
    (failure,) = verdict.failures
    assert (failure.system, failure.layer, failure.status) == ("spacy", N, Status.DROPPED)
    assert failure.change == pytest.approx(-0.02)


def test_tolerance_comes_from_the_file() -> None:
    assert gate.check(accepted(tolerance=0.05), with_score("spacy", N, 0.58), GOLD).passed


def test_an_improvement_passes_and_is_reported() -> None:
    verdict = gate.check(accepted(), with_score("rules", A, 0.45), GOLD)
    assert verdict.passed
    assert [row.status for row in verdict.rows if row.system == "rules" and row.layer is A] == [Status.IMPROVED]


def test_a_system_that_disappears_fails() -> None:
    scores = {"rules": ACCEPTED["rules"]}
    verdict = gate.check(accepted(), scores, GOLD)
    assert not verdict.passed
    assert [(r.system, r.status) for r in verdict.failures] == [("spacy", Status.MISSING)]


def test_a_layer_no_longer_attempted_fails() -> None:
    verdict = gate.check(accepted(), with_score("rules", A, None), GOLD)
    assert [(r.system, r.layer, r.status) for r in verdict.failures] == [("rules", A, Status.NOT_ATTEMPTED)]


def test_a_new_system_or_newly_attempted_layer_passes() -> None:
    scores = {**with_score("spacy", A, 0.2), "llm": {E: 0.9, N: None, A: None}}
    verdict = gate.check(accepted(), scores, GOLD)
    assert verdict.passed
    assert ("llm", None, Status.NEW) in [(r.system, r.layer, r.status) for r in verdict.rows]
    assert ("spacy", A, Status.NEW) in [(r.system, r.layer, r.status) for r in verdict.rows]


@pytest.mark.parametrize(
    ("gold", "added", "removed", "edited"),
    [
        ({**GOLD, "doc-c": "cc" * 32}, ("doc-c",), (), ()),
        ({"doc-a": GOLD["doc-a"]}, (), ("doc-b",), ()),
        ({**GOLD, "doc-b": "00" * 32}, (), (), ("doc-b",)),
    ],
)
def test_changed_gold_fails_and_is_named(gold: dict[str, str], added: tuple[str, ...], removed: tuple[str, ...],
                                         edited: tuple[str, ...]) -> None:
    verdict = gate.check(accepted(), ACCEPTED, gold)
    assert not verdict.passed and not verdict.failures
    assert (verdict.gold.added, verdict.gold.removed, verdict.gold.edited) == (added, removed, edited)


def test_file_round_trip_states_tolerance_and_metrics(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    gate.write_baseline(path, accepted(tolerance=0.02))
    data = json.loads(path.read_text())
    assert data["tolerance"] == 0.02
    assert data["metric"] == {"entities": "strict", "numbers": "value", "attributions": "strict"}
    assert data["systems"]["spacy"] == {"entities": 0.8, "numbers": 0.6, "attributions": None}
    assert gate.read_baseline(path) == accepted(tolerance=0.02)


def test_file_is_deterministic(tmp_path: Path) -> None:
    reordered = dict(reversed(list(ACCEPTED.items())))
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    gate.write_baseline(one, gate.make_baseline(ACCEPTED, GOLD))
    gate.write_baseline(two, gate.make_baseline(reordered, dict(reversed(list(GOLD.items())))))
    assert one.read_bytes() == two.read_bytes()


def test_missing_file_means_no_baseline(tmp_path: Path) -> None:
    assert gate.read_baseline(tmp_path / "absent.json") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ('{"gold": {}, "systems": {}}', "$.tolerance: missing"),
        ('{"tolerance": "big", "gold": {}, "systems": {}}', "$.tolerance"),
        ('{"tolerance": 0.01, "gold": {}, "systems": {"x": {"entities": "high"}}}', "$.systems.x.entities"),
        ('{"tolerance": 0.01, "gold": {}, "systems": {"x": {"tokens": 0.5}}}', "$.systems.x.tokens: not a layer"),
        ('{"tolerance": 0.01, "metric": {"entities": "type"}, "gold": {}, "systems": {}}', "$.metric.entities"),
    ],
)
def test_a_malformed_file_is_one_clear_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content)
    with pytest.raises(UserError) as caught:
        gate.read_baseline(path)
    assert len(caught.value.lines) == 1 and message in caught.value.lines[0]
    assert caught.value.exit_code == 2


def test_a_system_that_is_not_gated_is_reported_and_never_fails() -> None:
    # spacy dropped 0.80 → 0.10 and "theirs" (only in the baseline) did not run: neither is gated
    base = gate.make_baseline({**ACCEPTED, "theirs": {E: 0.5, N: None, A: None}}, GOLD)
    verdict = gate.check(base, with_score("spacy", E, 0.10), GOLD, gated={"rules"})
    assert verdict.passed
    spacy = [(row.layer, row.baseline, row.current, row.status) for row in verdict.rows if row.system == "spacy"]
    assert spacy == [(E, 0.8, 0.1, Status.NOT_GATED), (N, 0.6, 0.6, Status.NOT_GATED)]
    assert [row.status for row in verdict.rows if row.system == "theirs"] == [Status.NOT_GATED]


def test_a_partial_update_replaces_only_the_selected_rows() -> None:
    new = gate.updated(accepted(0.05), with_score("rules", E, 0.9), GOLD, only=["rules"])
    assert new.systems["rules"][E] == 0.9
    assert new.systems["spacy"] == {E: 0.8, N: 0.6, A: None}
    assert new.tolerance == 0.05


def test_a_partial_update_on_changed_gold_is_refused() -> None:
    with pytest.raises(UserError, match="the gold changed"):
        gate.updated(accepted(), ACCEPTED, {**GOLD, "doc-c": "cc" * 32}, only=["rules"])
