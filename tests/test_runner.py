"""The runner: outputs, cache, fault containment (exceptions, timeouts, crashes, invalid output), parallelism.

The adapters below are tiny stand-ins with known behaviour; they live at module level so the
runner's worker processes can unpickle them.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

import pytest

from bench import gold, runner
from bench.errors import InvalidInput, UserError
from bench.predictions import read_predictions
from bench.registry import Adapter, Discovery, Entry
from bench.schema import (
    Annotations,
    Attribution,
    Document,
    Entity,
    EntityLabel,
    GoldDocument,
    Layer,
    Number,
    Span,
)

DOCS = [
    Document("a", "Alpha met Beta in Gamma."),
    Document("b", "Delta said nothing at all."),
    Document("c", "Epsilon left."),
]


class FirstWord(Adapter):
    """Tags the first word of each document as a PERSON; logs every call to ``log_dir``."""

    name = "first-word"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def __init__(self, log_dir: Path, *, version: str = "1", flavour: str = "plain") -> None:
        self.log_dir = str(log_dir)
        self.version = version
        self.flavour = flavour

    def config(self) -> dict[str, str]:
        return {"flavour": self.flavour}

    def predict(self, document: Document) -> Annotations:
        Path(self.log_dir, f"{document.doc_id}.{time.monotonic_ns()}").write_text("called")
        end = document.text.index(" ") if " " in document.text else len(document.text)
        return Annotations(document.doc_id, entities=(Entity(0, end, EntityLabel.PERSON),))


class Troublemaker(Adapter):
    """Behaves on most documents; misbehaves in the way a document's id names."""

    name = "troublemaker"
    version = "1"
    layers = frozenset({Layer.ENTITIES, Layer.NUMBERS})

    def predict(self, document: Document) -> Annotations:
        text, doc_id = document.text, document.doc_id
        if doc_id == "raises":
            raise ValueError("cannot read this one")
        if doc_id == "sleeps":
            time.sleep(60)
        if doc_id == "dies":
            os._exit(3)
        if doc_id == "out-of-range":
            return Annotations(doc_id, entities=(Entity(0, len(text) + 5, EntityLabel.ORG),))
        if doc_id == "backwards":
            return Annotations(doc_id, numbers=(Number(5, 2, value=1.0),))
        if doc_id == "bad-label":
            return Annotations(doc_id, entities=(Entity(0, 3, "COMPANY"),))  # type: ignore[arg-type]
        if doc_id == "wrong-id":
            return Annotations("someone-else", entities=())
        if doc_id == "undeclared":
            return Annotations(doc_id, entities=(), attributions=(Attribution((Span(0, 3),)),))
        if doc_id == "not-annotations":
            return {"doc_id": doc_id}  # type: ignore[return-value]
        return Annotations(doc_id, entities=(Entity(0, 3, EntityLabel.ORG),), numbers=())


class BrokenSetup(Adapter):
    name = "broken-setup"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def setup(self) -> None:
        raise ImportError("model files missing")

    def predict(self, document: Document) -> Annotations:
        return Annotations(document.doc_id, entities=())


class Witness(Adapter):
    """Records exactly what it is handed, to prove systems only ever see id and text."""

    name = "witness"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def __init__(self, log: Path) -> None:
        self.log = str(log)

    def _record(self, item: object) -> None:
        seen = {
            "type": f"{type(item).__module__}.{type(item).__qualname__}",
            "fields": sorted(f.name for f in fields(item)),  # type: ignore[arg-type]
            "attributes": sorted(a for a in dir(item) if not a.startswith("_")),
        }
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(seen) + "\n")

    def predict(self, document: Document) -> Annotations:
        self._record(document)
        return Annotations(document.doc_id, entities=())

    def predict_batch(self, documents: Sequence[Document]) -> list[Annotations]:
        return [self.predict(d) for d in documents]


class HashReporter(Adapter):
    """Logs the worker's hash seed and a string hash, to show workers hash strings the same way every run."""

    name = "hash-reporter"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def __init__(self, log: Path) -> None:
        self.log = str(log)

    def predict(self, document: Document) -> Annotations:
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.environ.get('PYTHONHASHSEED')} {hash('newsbench')}\n")
        return Annotations(document.doc_id, entities=())


class Sluggish(Adapter):
    """Sleeps as many seconds as the first word of the text says; hands out batches of four."""

    name = "sluggish"
    version = "1"
    layers = frozenset({Layer.ENTITIES})
    batch_size = 4

    def predict(self, document: Document) -> Annotations:
        time.sleep(float(document.text.split()[0]))
        return Annotations(document.doc_id, entities=())


class ModelTaker(FirstWord):
    """Takes a ``model`` option but, like many a first adapter, does not report it in ``config()``."""

    name = "model-taker"

    def __init__(self, *, model: str = "default", log_dir: str = "") -> None:
        super().__init__(Path(log_dir))
        self.model = model

    def config(self) -> dict[str, str]:
        return {}


class Chatty(Adapter):
    """Prints to stdout while it sets up and predicts, as careless libraries do."""

    name = "chatty"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def setup(self) -> None:
        print("CHATTER loading the model")

    def predict(self, document: Document) -> Annotations:
        print(f"CHATTER predicting {document.doc_id}")
        return Annotations(document.doc_id, entities=(Entity(0, 5, EntityLabel.PERSON),))


class WrongTypes(Adapter):
    """Returns objects of the wrong types, in the way a document's id names."""

    name = "wrong-types"
    version = "1"
    layers = frozenset({Layer.ENTITIES, Layer.ATTRIBUTIONS})

    def predict(self, document: Document) -> Annotations:
        wrong: dict[str, object] = {
            "string-offset": (Entity("0", 5, EntityLabel.ORG),),  # type: ignore[arg-type]
            "dict-entity": ({"start": 0, "end": 5, "label": "ORG"},),
            "not-a-tuple": "ORG",
            "number-as-entity": (Number(0, 5, value=1.0),),
        }
        if document.doc_id == "dict-source":
            return Annotations(document.doc_id, attributions=(Attribution((Span(0, 3),), source={"start": 0}),))  # type: ignore[arg-type]
        return Annotations(document.doc_id, entities=wrong.get(document.doc_id, ()))  # type: ignore[arg-type]


def _run(adapter: Adapter, docs: Sequence[Document], tmp_path: Path, **options: object) -> runner.RunResult:
    options.setdefault("cache_dir", tmp_path / "cache")
    return runner.run_system(adapter, docs, out_dir=tmp_path / "out", **options)  # type: ignore[arg-type]


def _calls(log_dir: Path) -> int:
    return len(list(log_dir.iterdir()))


# --- output ---------------------------------------------------------------------------------


def test_writes_one_jsonl_line_per_document_in_the_prediction_format(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    result = _run(FirstWord(logs), DOCS, tmp_path)
    assert result.path == tmp_path / "out" / "first-word.jsonl"
    lines = [json.loads(line) for line in result.path.read_text("utf-8").splitlines()]
    assert lines == [
        {"doc_id": "a", "entities": [{"start": 0, "end": 5, "label": "PERSON"}]},
        {"doc_id": "b", "entities": [{"start": 0, "end": 5, "label": "PERSON"}]},
        {"doc_id": "c", "entities": [{"start": 0, "end": 7, "label": "PERSON"}]},
    ]
    # what the runner wrote is what the scorer reads
    parsed = read_predictions(result.path, {d.doc_id: d.text for d in DOCS})
    assert dict(parsed.by_doc) == dict(result.predictions)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_run_record_lists_version_config_layers_and_counts(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    result = _run(FirstWord(logs, flavour="salty"), DOCS, tmp_path)
    record = runner.read_run_record(result.manifest)
    assert record["system"] == "first-word"
    assert record["config"] == {"flavour": "salty"}
    assert record["layers"] == ["entities"]
    assert (record["documents"], record["predicted"], record["failed"], record["failures"]) == (3, 3, 0, [])


# --- cache ----------------------------------------------------------------------------------


def test_a_second_run_is_served_from_the_cache(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    first = _run(FirstWord(logs), DOCS, tmp_path)
    assert (_calls(logs), first.cached) == (3, 0)
    second = _run(FirstWord(logs), DOCS, tmp_path)
    assert (_calls(logs), second.cached) == (3, 3)
    assert second.predictions == first.predictions


def test_no_cache_recomputes_everything(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    _run(FirstWord(logs), DOCS, tmp_path)
    again = _run(FirstWord(logs), DOCS, tmp_path, use_cache=False)
    assert (_calls(logs), again.cached) == (6, 0)


@pytest.mark.parametrize("change", ["version", "config", "text"])
def test_cache_key_covers_version_config_and_document_text(tmp_path: Path, change: str) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    _run(FirstWord(logs), DOCS[:1], tmp_path)
    adapter = FirstWord(logs, version="2" if change == "version" else "1", flavour="other" if change == "config" else "plain")
    docs = [Document("a", "Changed text here.")] if change == "text" else DOCS[:1]
    result = _run(adapter, docs, tmp_path)
    assert (_calls(logs), result.cached) == (2, 0)


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
    assert (run("bar").cached, _calls(logs)) == (0, 2)  # another option value: computed again
    assert (run("foo").cached, _calls(logs)) == (1, 2)  # the same value again: a cache hit


def test_the_api_key_and_run_controls_are_not_part_of_a_cache_key() -> None:
    assert runner.key_options({"model": "m", "api_key": "sk-secret", "response_cache": False,
                               "document_timeout": 5.0, "base_url": None}) == {"model": "m"}


def test_the_same_text_under_another_id_is_a_cache_hit_relabelled(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    _run(FirstWord(logs), DOCS[:1], tmp_path)
    result = _run(FirstWord(logs), [Document("renamed", DOCS[0].text)], tmp_path)
    assert result.cached == 1
    assert result.predictions["renamed"].doc_id == "renamed"


def test_failures_are_not_cached(tmp_path: Path) -> None:
    docs = [Document("raises", "some text")]
    _run(Troublemaker(), docs, tmp_path)
    again = _run(Troublemaker(), docs, tmp_path)
    assert again.cached == 0 and len(again.failures) == 1


# --- fault containment ----------------------------------------------------------------------

FAULTS = {
    "raises": "ValueError: cannot read this one",
    "out-of-range": "invalid output: entities[0].end: offset 25 is past the end of the text (length 20)",
    "backwards": "invalid output: numbers[0].end: end 2 is not after start 5",
    "bad-label": "invalid output: entities[0].label: Input should be",
    "wrong-id": "invalid output: doc_id is 'someone-else'",
    "undeclared": "invalid output: layer(s) attributions not declared by the system",
    "not-annotations": "invalid output: returned dict, not Annotations",
}


@pytest.mark.parametrize("jobs", [0, 1])
def test_each_fault_fails_only_its_document_with_a_reason(tmp_path: Path, jobs: int) -> None:
    docs = [Document(doc_id, "Twenty characters ok") for doc_id in FAULTS] + [Document("fine", "Twenty characters ok")]
    result = _run(Troublemaker(), docs, tmp_path, jobs=jobs)
    reasons = {f.doc_id: f.reason for f in result.failures}
    assert set(reasons) == set(FAULTS)
    for doc_id, expected in FAULTS.items():
        assert reasons[doc_id].startswith(expected), (doc_id, reasons[doc_id])
    assert list(result.predictions) == ["fine"]
    lines = result.path.read_text("utf-8").splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == ["fine"]
    record = runner.read_run_record(result.manifest)
    assert record["failed"] == len(FAULTS)
    assert {f["doc_id"]: f["reason"] for f in record["failures"]} == reasons


def test_a_document_that_exceeds_the_timeout_is_killed_and_recorded(tmp_path: Path) -> None:
    docs = [Document("before", "abc def"), Document("sleeps", "abc def"), Document("after", "abc def")]
    started = time.monotonic()
    result = _run(Troublemaker(), docs, tmp_path, timeout=1.0)
    assert time.monotonic() - started < 30
    assert [f.doc_id for f in result.failures] == ["sleeps"]
    assert re.fullmatch(r"timed out: stopped after 1\.\d s \(limit 1 s per document\)", result.failures[0].reason)
    assert sorted(result.predictions) == ["after", "before"]


def _stopped_after(reason: str) -> float:
    found = re.fullmatch(r"timed out: stopped after (\d+\.\d) s \(limit (\S+) s per document\)", reason)
    assert found, reason
    return float(found.group(1))


def test_the_timeout_is_per_document_even_inside_a_batch(tmp_path: Path) -> None:
    """Before: a batch of four had four timeouts between them, so a 2.5 s document passed a 1 s timeout."""
    docs = [Document("quick1", "0 s"), Document("slow", "2.5 s"), Document("quick2", "0 s"), Document("quick3", "0 s")]
    started = time.monotonic()
    result = _run(Sluggish(), docs, tmp_path, timeout=1.0)
    elapsed = time.monotonic() - started
    assert [f.doc_id for f in result.failures] == ["slow"]
    assert sorted(result.predictions) == ["quick1", "quick2", "quick3"]
    # the batch is stopped after 1 s, then the slow document alone after 1 s
    assert elapsed < 20


def test_a_timeout_reports_the_time_the_document_was_measured_to_run_alone(tmp_path: Path) -> None:
    """Before: a document cut after a batch's 4 × 1 s was reported as "timed out after 1 s"."""
    docs = [Document("slow", "30 s"), Document("quick", "0 s")]
    result = _run(Sluggish(), docs, tmp_path, timeout=1.5)
    (failure,) = result.failures
    assert failure.doc_id == "slow"
    assert 1.5 <= _stopped_after(failure.reason) < 3.0


def test_a_batch_over_one_documents_timeout_is_rerun_one_document_at_a_time(tmp_path: Path) -> None:
    """Four documents of 0.6 s each: the batch (2.4 s) exceeds the 1.5 s timeout, no document does."""
    docs = [Document(f"d{i}", "0.6 s") for i in range(4)]
    result = _run(Sluggish(), docs, tmp_path, timeout=1.5)
    assert result.failures == ()
    assert list(result.predictions) == ["d0", "d1", "d2", "d3"]


def test_jobs_0_prints_the_full_traceback_of_an_adapter_exception_and_still_records_the_failure(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    docs = [Document("raises", "some text"), Document("fine", "some text")]
    result = _run(Troublemaker(), docs, tmp_path, jobs=0)
    assert [(f.doc_id, f.reason) for f in result.failures] == [("raises", "ValueError: cannot read this one")]
    err = capfd.readouterr().err
    assert "troublemaker raised on document 'raises':\nTraceback (most recent call last):\n" in err
    assert 'raise ValueError("cannot read this one")' in err  # the adapter's own line, from test_runner.py
    assert err.rstrip().endswith("ValueError: cannot read this one")


def test_jobs_0_prints_the_traceback_of_a_setup_failure(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    _run(BrokenSetup(), DOCS, tmp_path, jobs=0)
    err = capfd.readouterr().err
    assert err.count("Traceback (most recent call last)") == 1
    assert "broken-setup raised on setup:" in err and "ImportError: model files missing" in err


def test_worker_runs_record_the_one_line_reason_without_a_traceback(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    result = _run(Troublemaker(), [Document("raises", "some text")], tmp_path, jobs=1)
    assert [f.reason for f in result.failures] == ["ValueError: cannot read this one"]
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("jobs", [0, 1])
def test_what_a_system_prints_never_reaches_stdout(tmp_path: Path, capfd: pytest.CaptureFixture[str], jobs: int) -> None:
    """stdout carries the tables and JSON of the commands; a system's prints must not mix into it."""
    result = _run(Chatty(), DOCS, tmp_path, jobs=jobs)
    out, err = capfd.readouterr()
    assert "CHATTER" not in out
    assert len(result.predictions) == 3 and result.failures == ()
    if jobs == 0:  # debugging in this process: the prints are shown, on stderr
        assert err.count("CHATTER") == 4
        assert result.printed is None
    else:  # workers: kept in <out>/<system>.log, named in the run record, off the terminal and the progress bar
        assert "CHATTER" not in err
        assert result.printed == tmp_path / "out" / "chatty.log"
        assert result.printed.read_text("utf-8").splitlines() == [
            "CHATTER loading the model", "CHATTER predicting a", "CHATTER predicting b", "CHATTER predicting c",
        ]
        assert runner.read_run_record(result.manifest)["printed"] == "chatty.log"


def test_a_system_that_prints_nothing_leaves_no_log_and_a_stale_log_is_removed(tmp_path: Path) -> None:
    _run(Chatty(), DOCS[:1], tmp_path, jobs=1)
    assert (tmp_path / "out" / "chatty.log").is_file()
    again = _run(Chatty(), DOCS[:1], tmp_path, jobs=1)  # all cached: nothing printed this time
    assert again.cached == 1 and again.printed is None
    assert not (tmp_path / "out" / "chatty.log").exists()


WRONG_TYPES = {
    "string-offset": "invalid output: entities[0].start: Input should be a valid integer, got '0'",
    "dict-entity": "invalid output: entities[0]: a dict, not Entity",
    "not-a-tuple": "invalid output: entities: a str, not a tuple of Entity",
    "number-as-entity": "invalid output: entities[0]: a Number, not Entity",
    "dict-source": "invalid output: attributions[0].source: a dict, not Span",
}


@pytest.mark.parametrize("jobs", [0, 1])
def test_output_of_the_wrong_types_fails_its_document_with_a_clear_reason(tmp_path: Path, jobs: int) -> None:
    """Before: a dict where an Entity belongs crashed the whole run with an AttributeError."""
    docs = [Document(doc_id, "Twenty characters ok") for doc_id in WRONG_TYPES] + [Document("fine", "Twenty characters ok")]
    result = _run(WrongTypes(), docs, tmp_path, jobs=jobs)
    assert {f.doc_id: f.reason for f in result.failures} == WRONG_TYPES
    assert list(result.predictions) == ["fine"]


def test_a_worker_that_dies_fails_only_the_document_it_died_on(tmp_path: Path) -> None:
    docs = [Document(f"ok{i}", "abc def") for i in range(5)] + [Document("dies", "abc def")]
    result = _run(Troublemaker(), docs, tmp_path, jobs=2)
    assert [(f.doc_id, f.reason) for f in result.failures] == [("dies", "worker process died (exit code 3)")]
    assert len(result.predictions) == 5


def test_a_setup_failure_fails_every_document_with_its_reason(tmp_path: Path) -> None:
    result = _run(BrokenSetup(), DOCS, tmp_path)
    assert [f.reason for f in result.failures] == ["setup failed: ImportError: model files missing"] * 3
    assert result.path.read_text("utf-8") == ""


def test_parallel_jobs_give_the_same_predictions_in_document_order(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    docs = [Document(f"d{i:02d}", f"Word{i} and more") for i in range(12)]
    one = _run(FirstWord(logs), docs, tmp_path / "one", jobs=1)
    two = _run(FirstWord(logs), docs, tmp_path / "two", jobs=2)
    assert one.path.read_text("utf-8") == two.path.read_text("utf-8")
    assert list(two.predictions) == [d.doc_id for d in docs]


def test_workers_hash_strings_identically_in_every_run(tmp_path: Path) -> None:
    log = tmp_path / "hashes.txt"
    for attempt in range(2):
        _run(HashReporter(log), DOCS[:1], tmp_path / str(attempt), use_cache=False)
    first, second = log.read_text("utf-8").splitlines()
    assert first == second
    assert first.split()[0] == os.environ.get("PYTHONHASHSEED", "0")


# --- systems never see gold -----------------------------------------------------------------


def test_adapters_receive_only_a_document_with_id_and_text(tmp_path: Path) -> None:
    text = "Officials said so."
    gold_doc = GoldDocument(
        "g1", "test", text, "0" * 64,
        Annotations("g1", entities=(Entity(0, 9, EntityLabel.ORG),), numbers=(), attributions=()),
    )
    log = tmp_path / "seen.jsonl"
    for jobs in (0, 1):
        runner.run_systems([Witness(log)], [gold_doc], out_dir=tmp_path / "out", jobs=jobs, use_cache=False)  # type: ignore[list-item]
    seen = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert len(seen) == 2
    for item in seen:
        assert item["type"] == "bench.schema.Document"
        assert item["fields"] == ["doc_id", "text"]
        assert "annotations" not in item["attributes"]
    assert [f.name for f in fields(Document)] == ["doc_id", "text"]


def test_the_systems_run_on_gold_by_default_get_documents_stripped_of_annotations(write_gold) -> None:  # type: ignore[no-untyped-def]
    path = write_gold()
    documents = [d.document for d in gold.load_gold(path)]
    assert all(type(d) is Document for d in documents)


# --- run_systems ----------------------------------------------------------------------------


def test_run_systems_runs_registry_names_and_adapters(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    results = runner.run_systems(
        ["rules", FirstWord(logs)], DOCS, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", jobs=0
    )
    assert list(results) == ["rules", "first-word"]
    assert results["rules"].layers == frozenset(Layer)
    assert (tmp_path / "out" / "rules.jsonl").is_file()


def test_run_systems_refuses_unknown_and_duplicate_systems(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="unknown system 'nope'"):
        runner.run_systems(["nope"], DOCS, out_dir=tmp_path)
    with pytest.raises(UserError, match="systems named twice: rules"):
        runner.run_systems(["rules", "rules"], DOCS, out_dir=tmp_path)


def test_a_predictions_file_runs_as_a_system(tmp_path: Path) -> None:
    file = tmp_path / "theirs.jsonl"
    file.write_text(
        '{"doc_id": "a", "entities": [{"start": 0, "end": 5, "label": "PERSON"}]}\n'
        '{"doc_id": "b", "entities": []}\n',
        "utf-8",
    )
    results = runner.run_systems([f"file:{file}"], DOCS, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    result = results["theirs"]
    assert not (tmp_path / "cache").exists()  # replaying a file is not worth caching
    assert result.layers == frozenset({Layer.ENTITIES})
    assert sorted(result.predictions) == ["a", "b"]
    assert result.failures == ()


def test_a_document_missing_from_a_predictions_file_is_scored_empty_with_the_same_warning_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: a warning in `score`, but a LookupError failure per document in `run file:` and `bench`."""
    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text("".join(json.dumps({"doc_id": d.doc_id, "text": d.text, "entities": []}) + "\n" for d in DOCS),
                         "utf-8")
    file = tmp_path / "theirs.jsonl"
    file.write_text('{"doc_id": "a", "entities": []}\n', "utf-8")
    expected = f"{file}: 2 document(s) have no predictions, scored as empty: b, c"
    # the library
    result = runner.run_systems([f"file:{file}"], DOCS, out_dir=tmp_path / "out")["theirs"]
    assert (result.failures, result.warnings) == ((), (expected,))
    assert runner.read_run_record(result.manifest)["warnings"] == [expected]
    # the commands: score, run, bench
    from bench.cli import main

    def command(*args: str) -> str:
        monkeypatch.setattr(sys, "argv", ["newsbench", *args])
        with pytest.raises(SystemExit) as exit_info:
            main()
        assert exit_info.value.code in (0, None)
        return " ".join(capsys.readouterr().err.split())

    assert f"warning: {expected}" in command("score", str(file), "--gold", str(gold_file))
    ran = command("run", f"file:{file}", "--docs", str(gold_file), "--out", str(tmp_path / "run"))
    assert f"warning {expected}" in ran and "0 failed" in ran
    benched = command("bench", "--gold", str(gold_file), "--system", f"file:{file}", "--out", str(tmp_path / "reports"),
                      "--predictions", str(tmp_path / "preds"))
    assert f"warning {expected}" in benched and "failed theirs" not in benched


# --- documents ------------------------------------------------------------------------------


def test_documents_from_a_folder_of_txt_files(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_bytes(b"First text.\r\nSecond line.")
    (tmp_path / "two.txt").write_bytes("Zweiter Text – ok.".encode())
    (tmp_path / "ignored.md").write_text("not a document")
    assert runner.load_documents(tmp_path) == (
        Document("one", "First text.\r\nSecond line."),
        Document("two", "Zweiter Text – ok."),
    )


def test_documents_from_jsonl_and_its_errors(tmp_path: Path) -> None:
    good = tmp_path / "docs.jsonl"
    good.write_text('{"doc_id": "x", "text": "Hello.", "extra": 1}\n\n{"doc_id": "y", "text": "Bye."}\n', "utf-8")
    assert runner.load_documents(good) == (Document("x", "Hello."), Document("y", "Bye."))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "x", "text": "a"}\n{"doc_id": "y"}\nnot json\n{"doc_id": 3, "text": "t"}\n[1]\n'
                   '{"doc_id": "x", "text": "again"}\n', "utf-8")
    with pytest.raises(InvalidInput) as caught:
        runner.load_documents(bad)
    assert caught.value.lines == (
        f"{bad}:2: text: missing",
        f"{bad}:3: (line): invalid JSON: Expecting value",
        f"{bad}:4: doc_id: must be a string",
        f"{bad}:5: (line): not a JSON object",
        f"{bad}:6: doc_id: 'x' already appeared on line 1",
    )


# --- the command ----------------------------------------------------------------------------


def _newsbench(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "200", "NEWSBENCH_CACHE": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "bench.cli", *args], check=False, capture_output=True, text=True, cwd=cwd,
                          env=environment, timeout=300)


def test_newsbench_run_writes_predictions_for_a_folder_of_texts(tmp_path: Path) -> None:
    docs = tmp_path / "articles"
    docs.mkdir()
    (docs / "one.txt").write_text("Officials in Paris said 12 people were hurt.", "utf-8")
    done = _newsbench("run", "rules", "--docs", str(docs), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "rules: 1/1 documents (0 cached), 0 failed" in done.stderr
    line = json.loads((tmp_path / "out" / "rules.jsonl").read_text("utf-8"))
    assert line["doc_id"] == "one" and {"entities", "numbers", "attributions"} <= set(line)


def test_newsbench_run_refuses_bad_input_with_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = _newsbench("run", "rules", "--docs", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert (missing.returncode, missing.stderr.strip()) == (2, f"{tmp_path / 'nowhere'}: no such file or folder")
    (tmp_path / "a.txt").write_text("Some text.", "utf-8")
    unknown = _newsbench("run", "nope", "--docs", str(tmp_path), cwd=tmp_path)
    assert unknown.returncode == 2
    assert unknown.stderr.strip().startswith("unknown system 'nope' (known: ")
    assert "Traceback" not in missing.stderr + unknown.stderr


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
    runner._package_fingerprint.cache_clear()
    assert runner.cache_key(adapter, DOCS[0]) != before


def test_config_is_read_once_per_run_not_once_per_document(tmp_path: Path) -> None:
    """``config()`` may read model files; keying the cache must not repeat it per document."""
    logs = tmp_path / "logs"
    logs.mkdir()
    calls: list[int] = []

    class Counting(FirstWord):
        def config(self) -> dict[str, str]:
            calls.append(1)
            return super().config()

    _run(Counting(logs), DOCS, tmp_path, jobs=0)
    assert len(DOCS) > 1 and len(calls) == 1
