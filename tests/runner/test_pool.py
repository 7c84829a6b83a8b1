"""Fault containment in the pool: exceptions, timeouts, crashes, invalid output, parallelism."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from bench import runner
from bench.schema import (
    Document,
)
from tests.runner.stand_ins import (
    DOCS,
    BrokenSetup,
    Chatty,
    FirstWord,
    HashReporter,
    SlowStarter,
    Sluggish,
    Troublemaker,
    WrongTypes,
    run,
)

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
    result = run(Troublemaker(), docs, tmp_path, jobs=jobs)
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


def test_no_replacement_worker_is_started_when_no_work_is_left(tmp_path: Path) -> None:
    """The last document times out: its worker is killed and the run ends, without setting a new one up
    (as the Ray executor does)."""
    log = tmp_path / "setups.log"
    docs = [Document("quick", "Twenty characters ok"), Document("hangs", "Twenty characters ok")]
    result = run(SlowStarter(log, 1.0), docs, tmp_path, jobs=1, timeout=2.0)
    assert [f.doc_id for f in result.failures] == ["hangs"]
    assert sorted(result.predictions) == ["quick"]
    # one set-up: no replacement (counted, not timed: a wall-clock bound fails on a busy machine)
    assert len(log.read_text().splitlines()) == 1, log.read_text()


def test_a_document_that_exceeds_the_timeout_is_killed_and_recorded(tmp_path: Path) -> None:
    docs = [Document("before", "abc def"), Document("sleeps", "abc def"), Document("after", "abc def")]
    started = time.monotonic()
    result = run(Troublemaker(), docs, tmp_path, timeout=1.0)
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
    result = run(Sluggish(), docs, tmp_path, timeout=1.0)
    elapsed = time.monotonic() - started
    assert [f.doc_id for f in result.failures] == ["slow"]
    assert sorted(result.predictions) == ["quick1", "quick2", "quick3"]
    # the batch is stopped after 1 s, then the slow document alone after 1 s
    assert elapsed < 20


def test_a_timeout_reports_the_time_the_document_was_measured_to_run_alone(tmp_path: Path) -> None:
    """Before: a document cut after a batch's 4 × 1 s was reported as "timed out after 1 s"."""
    docs = [Document("slow", "30 s"), Document("quick", "0 s")]
    result = run(Sluggish(), docs, tmp_path, timeout=1.5)
    (failure,) = result.failures
    assert failure.doc_id == "slow"
    assert 1.5 <= _stopped_after(failure.reason) < 3.0


def test_a_batch_over_one_documents_timeout_is_rerun_one_document_at_a_time(tmp_path: Path) -> None:
    """Four documents of 0.6 s each: the batch (2.4 s) exceeds the 1.5 s timeout, no document does."""
    docs = [Document(f"d{i}", "0.6 s") for i in range(4)]
    result = run(Sluggish(), docs, tmp_path, timeout=1.5)
    assert result.failures == ()
    assert list(result.predictions) == ["d0", "d1", "d2", "d3"]


def test_jobs_0_prints_the_full_traceback_of_an_adapter_exception_and_still_records_the_failure(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    docs = [Document("raises", "some text"), Document("fine", "some text")]
    result = run(Troublemaker(), docs, tmp_path, jobs=0)
    assert [(f.doc_id, f.reason) for f in result.failures] == [("raises", "ValueError: cannot read this one")]
    err = capfd.readouterr().err
    assert "troublemaker raised on document 'raises':\nTraceback (most recent call last):\n" in err
    assert 'raise ValueError("cannot read this one")' in err  # the adapter's own line, from tests/runner/stand_ins.py
    assert err.rstrip().endswith("ValueError: cannot read this one")


def test_jobs_0_prints_the_traceback_of_a_setup_failure(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    run(BrokenSetup(), DOCS, tmp_path, jobs=0)
    err = capfd.readouterr().err
    assert err.count("Traceback (most recent call last)") == 1
    assert "broken-setup raised on setup:" in err and "ImportError: model files missing" in err


def test_worker_runs_record_the_one_line_reason_without_a_traceback(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    result = run(Troublemaker(), [Document("raises", "some text")], tmp_path, jobs=1)
    assert [f.reason for f in result.failures] == ["ValueError: cannot read this one"]
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("jobs", [0, 1])
def test_what_a_system_prints_never_reaches_stdout(tmp_path: Path, capfd: pytest.CaptureFixture[str], jobs: int) -> None:
    """stdout carries the tables and JSON of the commands; a system's prints must not mix into it."""
    result = run(Chatty(), DOCS, tmp_path, jobs=jobs)
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
    run(Chatty(), DOCS[:1], tmp_path, jobs=1)
    assert (tmp_path / "out" / "chatty.log").is_file()
    again = run(Chatty(), DOCS[:1], tmp_path, jobs=1)  # all cached: nothing printed this time
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
    result = run(WrongTypes(), docs, tmp_path, jobs=jobs)
    assert {f.doc_id: f.reason for f in result.failures} == WRONG_TYPES
    assert list(result.predictions) == ["fine"]


def test_a_worker_that_dies_fails_only_the_document_it_died_on(tmp_path: Path) -> None:
    docs = [Document(f"ok{i}", "abc def") for i in range(5)] + [Document("dies", "abc def")]
    result = run(Troublemaker(), docs, tmp_path, jobs=2)
    assert [(f.doc_id, f.reason) for f in result.failures] == [("dies", "worker process died (exit code 3)")]
    assert len(result.predictions) == 5


def test_a_setup_failure_fails_every_document_with_its_reason(tmp_path: Path) -> None:
    result = run(BrokenSetup(), DOCS, tmp_path)
    assert [f.reason for f in result.failures] == ["setup failed: ImportError: model files missing"] * 3
    assert result.path.read_text("utf-8") == ""


def test_parallel_jobs_give_the_same_predictions_in_document_order(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    docs = [Document(f"d{i:02d}", f"Word{i} and more") for i in range(12)]
    one = run(FirstWord(logs), docs, tmp_path / "one", jobs=1)
    two = run(FirstWord(logs), docs, tmp_path / "two", jobs=2)
    assert one.path.read_text("utf-8") == two.path.read_text("utf-8")
    assert list(two.predictions) == [d.doc_id for d in docs]


def test_workers_hash_strings_identically_in_everyrun(tmp_path: Path) -> None:
    log = tmp_path / "hashes.txt"
    for attempt in range(2):
        run(HashReporter(log), DOCS[:1], tmp_path / str(attempt), use_cache=False)
    first, second = log.read_text("utf-8").splitlines()
    assert first == second
    assert first.split()[0] == os.environ.get("PYTHONHASHSEED", "0")


def test_chunks_are_the_batch_size_and_shrink_to_half_of_what_is_left_per_worker_at_the_end() -> None:
    from bench.runner.pool import chunks

    docs = [Document(str(i), "x") for i in range(40)]
    # 40 left: min(8, ⌈40/4⌉=10) = 8; 32 left: 8; 24 left: ⌈24/4⌉ = 6; 18: 5; 13: 4; 9: 3; 6: 2; 4: 1; 3: 1; 2: 1; 1: 1
    assert [len(c) for c in chunks(docs, 2, 8)] == [8, 8, 6, 5, 4, 3, 2, 1, 1, 1, 1]
    assert [d.doc_id for c in chunks(docs, 2, 8) for d in c] == [str(i) for i in range(40)]  # in order, each once
    assert [len(c) for c in chunks(docs, 1, 8)] == [8] * 5  # one worker: nothing to balance


def test_after_fault_is_the_one_fault_policy_of_workers_and_actors() -> None:
    """Set-up faults abort; out of time, a batch and the whole queue go one document at a time; died, only the
    batch goes back (one by one, in front); a lone document fails with the reason and the time it ran."""
    from bench.runner.pool import SETUP_TIMEOUT, after_fault

    a, b, c, d = (Document(i, "text") for i in "abcd")

    def ids(parts: tuple[list[Document], ...]) -> list[list[str]]:
        return [[doc.doc_id for doc in part] for part in parts]

    assert after_fault(ready=False, chunk=[], queue=[[a, b]], died=None, elapsed=SETUP_TIMEOUT, timeout=3).abort \
        == f"setup failed: setup timed out after {SETUP_TIMEOUT:g} s"
    assert after_fault(ready=False, chunk=[], queue=[[a]], died="worker process died (exit code 3)",
                       elapsed=1.0, timeout=3).abort == "setup failed: worker process died (exit code 3)"
    slow = after_fault(ready=True, chunk=[a, b], queue=[[c, d]], died=None, elapsed=3.2, timeout=3)
    assert (slow.abort, slow.answer, ids(slow.queue)) == (None, None, [["a"], ["b"], ["c"], ["d"]])
    dead = after_fault(ready=True, chunk=[a, b], queue=[[c, d]], died="gone", elapsed=0.5, timeout=3)
    assert (dead.abort, dead.answer, ids(dead.queue)) == (None, None, [["a"], ["b"], ["c", "d"]])
    alone = after_fault(ready=True, chunk=[a], queue=[[c, d]], died=None, elapsed=3.04, timeout=3)
    assert alone.answer is not None
    assert (alone.answer.doc_id, alone.answer.reason, alone.answer.seconds) == (
        "a", "timed out: stopped after 3.0 s (limit 3 s per document)", 3.04)
    assert ids(alone.queue) == [["c", "d"]]
