"""The prediction cache: what a key covers, hits, misses and what is never cached."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from bench import runner
from bench.registry import Discovery, Entry
from bench.runner.cache import _package_fingerprint
from bench.schema import (
    Document,
)
from tests.runner.stand_ins import (
    DOCS,
    FirstWord,
    Metered,
    ModelTaker,
    Troublemaker,
    calls,
    run,
)

# --- cache ----------------------------------------------------------------------------------


def test_a_second_run_is_served_from_the_cache(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    first = run(FirstWord(logs), DOCS, tmp_path)
    assert (calls(logs), first.cached) == (3, 0)
    second = run(FirstWord(logs), DOCS, tmp_path)
    assert (calls(logs), second.cached) == (3, 3)
    assert second.predictions == first.predictions


def test_no_cache_recomputes_everything(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    run(FirstWord(logs), DOCS, tmp_path)
    again = run(FirstWord(logs), DOCS, tmp_path, use_cache=False)
    assert (calls(logs), again.cached) == (6, 0)


@pytest.mark.parametrize("change", ["version", "config", "text"])
def test_cache_key_covers_version_config_and_document_text(tmp_path: Path, change: str) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    run(FirstWord(logs), DOCS[:1], tmp_path)
    adapter = FirstWord(logs, version="2" if change == "version" else "1", flavour="other" if change == "config" else "plain")
    docs = [Document("a", "Changed text here.")] if change == "text" else DOCS[:1]
    result = run(adapter, docs, tmp_path)
    assert (calls(logs), result.cached) == (2, 0)


def test_options_passed_to_a_system_are_part_of_its_cache_key_even_when_config_omits_them(tmp_path: Path) -> None:
    """Before: ``--model model-taker=bar`` after ``=foo`` was served foo's predictions from the cache."""
    logs = tmp_path / "logs"
    logs.mkdir()
    found = Discovery({"model-taker": Entry("model-taker", "test", functools.partial(ModelTaker, log_dir=str(logs)))})

    def run(model: str) -> runner.RunResult:
        options = {"model-taker": {"model": model}}
        return runner.run_systems(["model-taker"], DOCS[:1], out_dir=tmp_path / "out", cache_dir=tmp_path / "cache",
                                  jobs=0, options=options, discovery=found)["model-taker"]

    assert run("foo").cached == 0
    assert (run("bar").cached, calls(logs)) == (0, 2)  # another option value: computed again
    assert (run("foo").cached, calls(logs)) == (1, 2)  # the same value again: a cache hit


def test_the_api_key_and_run_controls_are_not_part_of_a_cache_key() -> None:
    assert runner.key_options({"model": "m", "api_key": "sk-secret", "response_cache": False,
                               "document_timeout": 5.0, "base_url": None}) == {"model": "m"}


def test_the_same_text_under_another_id_is_a_cache_hit_relabelled(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    run(FirstWord(logs), DOCS[:1], tmp_path)
    result = run(FirstWord(logs), [Document("renamed", DOCS[0].text)], tmp_path)
    assert result.cached == 1
    assert result.predictions["renamed"].doc_id == "renamed"


def test_failures_are_not_cached(tmp_path: Path) -> None:
    docs = [Document("raises", "some text")]
    run(Troublemaker(), docs, tmp_path)
    again = run(Troublemaker(), docs, tmp_path)
    assert again.cached == 0 and len(again.failures) == 1




def test_cache_key_covers_the_systems_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Editing a system's package without bumping its version must not serve stale predictions."""
    package = tmp_path / "editedpkg"
    package.mkdir()
    (package / "__init__.py").write_text("", "utf-8")
    source = (
        "from bench.registry import Adapter\n"
        "from bench.schema import Annotations, Layer\n"
        "class Edited(Adapter):\n"
        "    name = 'edited'\n"
        "    version = '1'\n"
        "    layers = frozenset({Layer.ENTITIES})\n"
        "    def predict(self, document):\n"
        "        return Annotations(document.doc_id, entities=())\n"
    )
    (package / "system.py").write_text(source, "utf-8")
    (package / "_helper.py").write_text("RULE = 1\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    module = importlib.import_module("editedpkg.system")
    adapter = module.Edited()
    before = runner.cache_key(adapter, DOCS[0])
    assert runner.cache_key(adapter, DOCS[0]) == before
    (package / "_helper.py").write_text("RULE = 2\n", "utf-8")
    _package_fingerprint.cache_clear()
    assert runner.cache_key(adapter, DOCS[0]) != before


# --- cost figures kept with each prediction ----------------------------------------------------


def test_every_computed_document_has_the_seconds_its_own_prediction_took(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    result = run(FirstWord(logs), DOCS, tmp_path, jobs=0)
    assert list(result.costs) == ["a", "b", "c"]
    assert all(c.seconds is not None and 0 <= c.seconds < 5 and c.prompt_tokens is None for c in result.costs.values())


def test_a_cached_rerun_has_the_cost_figures_of_the_run_that_computed_each_prediction(tmp_path: Path) -> None:
    """Cached without --log-samples too: the seconds are in the cache entry itself."""
    logs = tmp_path / "logs"
    logs.mkdir()
    first = run(FirstWord(logs), DOCS, tmp_path)
    again = run(FirstWord(logs), DOCS, tmp_path)
    assert (calls(logs), again.cached) == (3, 3)
    assert again.costs == first.costs  # seconds to the microsecond, as kept
    assert all(c.seconds == round(c.seconds, 6) for c in again.costs.values() if c.seconds is not None)


def test_tokens_the_system_reports_per_document_are_kept_with_its_cached_prediction(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    first = run(Metered(logs), DOCS, tmp_path)
    # the runner's seconds, not the 99.0 the summary says: the report's seconds are always the runner's
    assert {d: (c.prompt_tokens, c.completion_tokens, c.requests) for d, c in first.costs.items()} == {
        "a": (500, 20, 1), "b": (500, 20, 1), "c": (200, 20, 1)}
    assert all(c.seconds is not None and c.seconds < 99 for c in first.costs.values())
    again = run(Metered(logs), DOCS, tmp_path)
    assert (again.cached, again.costs) == (3, first.costs)


def test_a_failed_document_is_timed_but_not_cached(tmp_path: Path) -> None:
    result = run(Troublemaker(), [Document("raises", "Acme fell."), Document("ok", "Acme rose.")], tmp_path, jobs=0)
    assert [f.doc_id for f in result.failures] == ["raises"]
    assert sorted(result.costs) == ["ok", "raises"]
    again = run(Troublemaker(), [Document("raises", "Acme fell."), Document("ok", "Acme rose.")], tmp_path, jobs=0)
    assert again.cached == 1 and again.costs["ok"] == result.costs["ok"]


def test_a_prediction_cached_before_costs_were_kept_is_still_a_hit_with_unknown_cost(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    run(FirstWord(logs), DOCS, tmp_path)
    for entry in (tmp_path / "cache").rglob("*.json"):  # as written before: the prediction's line only
        kept = json.loads(entry.read_bytes())
        assert set(kept.pop("cost")) == {"seconds"}
        entry.write_text(json.dumps(kept), encoding="utf-8")
    again = run(FirstWord(logs), DOCS, tmp_path)
    assert (calls(logs), again.cached, again.costs) == (3, 3, {})


def test_a_predictions_file_has_no_cost_its_predictions_were_made_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text('{"doc_id": "a", "entities": []}\n', encoding="utf-8")
    result = runner.run_systems([f"file:{path}"], DOCS[:1], out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    assert result["mine"].costs == {}
