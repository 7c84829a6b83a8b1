"""``--log-samples``: one line per document, what the system received and returned, beside the predictions."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import registry, runner
from bench.schema import Document
from tests.runner.stand_ins import DOCS, Bare, Diarist, FirstWord, calls, run


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_without_the_flag_no_samples_file_is_written_and_an_earlier_one_is_removed(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    out = tmp_path / "out"
    result = run(FirstWord(logs), DOCS, tmp_path)
    assert result.samples is None
    assert sorted(p.name for p in out.iterdir()) == ["first-word.jsonl", "first-word.run.json"]
    run(FirstWord(logs), DOCS, tmp_path, log_samples=True, use_cache=False)
    assert (out / "first-word.samples.jsonl").is_file()
    run(FirstWord(logs), DOCS, tmp_path)  # this run's predictions are not the ones that file describes
    assert not (out / "first-word.samples.jsonl").exists()


def test_the_predictions_are_byte_identical_with_and_without_the_flag(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    plain = run(FirstWord(logs), DOCS, tmp_path / "plain", use_cache=False).path.read_bytes()
    logged = run(FirstWord(logs), DOCS, tmp_path / "logged", use_cache=False, log_samples=True).path.read_bytes()
    assert plain == logged


def test_a_line_per_document_in_order_says_what_was_received_and_returned(tmp_path: Path) -> None:
    """FirstWord has no detail of its own: each line is the generic record only."""
    logs = tmp_path / "logs"
    logs.mkdir()
    result = run(FirstWord(logs), DOCS, tmp_path, log_samples=True, splits={"a": "dev", "b": "test"})
    path = tmp_path / "out" / "first-word.samples.jsonl"
    lines = _lines(path)
    assert [line["doc_id"] for line in lines] == ["a", "b", "c"]
    first = lines[0]
    assert first["received"] == {"text": "Alpha met Beta in Gamma.", "chars": 24, "sha256": _sha("Alpha met Beta in Gamma."),
                                 "split": "dev"}
    # "the annotations as written in predictions": the same object as a.'s line of first-word.jsonl
    assert first["annotations"] == {"doc_id": "a", "entities": [{"start": 0, "end": 5, "label": "PERSON"}]}
    assert first["annotations"] == json.loads(result.path.read_text("utf-8").splitlines()[0])
    assert first["cached"] is False and isinstance(first["seconds"], float) and first["seconds"] >= 0
    assert "detail" not in first and "failure" not in first
    assert "split" not in lines[2]["received"]  # c has no split given
    assert list(first) == ["doc_id", "received", "annotations", "seconds", "cached"]
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_the_detail_travels_back_from_the_isolated_worker_with_the_answer(tmp_path: Path) -> None:
    docs = [Document("one", "Acme hired two people."), Document("two", "Beta left.")]
    run(Diarist(), docs, tmp_path, log_samples=True, jobs=1)
    lines = _lines(tmp_path / "out" / "diarist.samples.jsonl")
    assert [line["detail"]["words"] for line in lines] == [4, 2]
    assert all(line["detail"]["pid"] != os.getpid() for line in lines)  # made in the worker process


def test_a_failed_document_carries_its_reason_and_the_detail_written_before_it_failed(tmp_path: Path) -> None:
    docs = [Document("raises", "This one fails."), Document("fine", "This one works.")]
    run(Diarist(), docs, tmp_path, log_samples=True, jobs=1)
    failed, fine = _lines(tmp_path / "out" / "diarist.samples.jsonl")
    assert failed["failure"] == "ValueError: cannot read this one"
    assert "annotations" not in failed
    assert failed["detail"]["words"] == 3
    assert fine["annotations"] == {"doc_id": "fine", "entities": [{"start": 0, "end": 3, "label": "ORG"}]}


def test_a_detail_that_is_not_json_is_replaced_by_its_error_and_the_prediction_stands(tmp_path: Path) -> None:
    result = run(Diarist(), [Document("odd-detail", "Odd one.")], tmp_path, log_samples=True, jobs=0)
    (line,) = _lines(tmp_path / "out" / "diarist.samples.jsonl")
    assert line["detail"] == {"detail_error": "TypeError: Object of type set is not JSON serializable"}
    assert list(result.predictions) == ["odd-detail"] and not result.failures


def test_a_cached_document_keeps_the_detail_and_seconds_of_the_run_that_predicted_it(tmp_path: Path) -> None:
    docs = [Document("one", "Acme hired two people.")]
    run(Diarist(), docs, tmp_path, log_samples=True)
    (fresh,) = _lines(tmp_path / "out" / "diarist.samples.jsonl")
    run(Diarist(), docs, tmp_path, log_samples=True)
    (cached,) = _lines(tmp_path / "out" / "diarist.samples.jsonl")
    assert (fresh["cached"], cached["cached"]) == (False, True)
    assert cached["detail"] == fresh["detail"] and cached["seconds"] == fresh["seconds"]
    assert cached["annotations"] == fresh["annotations"]


def test_a_prediction_cached_without_the_flag_is_predicted_again_so_its_line_has_the_detail(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    run(FirstWord(logs), DOCS, tmp_path)
    assert calls(logs) == 3
    result = run(FirstWord(logs), DOCS, tmp_path, log_samples=True)
    assert (calls(logs), result.cached) == (6, 0)  # no sample was kept with those predictions
    result = run(FirstWord(logs), DOCS, tmp_path, log_samples=True)
    assert (calls(logs), result.cached) == (6, 3)
    assert [line["cached"] for line in _lines(result.path.with_name("first-word.samples.jsonl"))] == [True] * 3
    result = run(FirstWord(logs), DOCS, tmp_path)  # without the flag the kept samples change nothing
    assert (calls(logs), result.cached) == (6, 3)


def test_an_adapter_without_the_member_passes_the_check_and_logs_the_generic_record(tmp_path: Path) -> None:
    adapter = registry.check_adapter(Bare(), "a plugin")
    assert registry.sample_detail(adapter, DOCS[0]) is None
    result = runner.write_run(runner.run_system(adapter, DOCS[:1], out_dir=tmp_path / "out", cache_dir=tmp_path / "c",
                                                log_samples=True))
    assert result.samples is not None
    (line,) = _lines(tmp_path / "out" / "bare.samples.jsonl")
    assert line["annotations"] == {"doc_id": "a", "entities": []} and "detail" not in line


def test_a_document_a_predictions_file_lacks_is_logged_as_missing(tmp_path: Path) -> None:
    predictions = tmp_path / "given.jsonl"
    predictions.write_text(json.dumps({"doc_id": "a", "entities": []}) + "\n", "utf-8")
    runner.run_systems([f"file:{predictions}"], DOCS[:2], out_dir=tmp_path / "out", cache_dir=tmp_path / "c",
                       log_samples=True)
    (path,) = (tmp_path / "out").glob("*.samples.jsonl")
    a, b = _lines(path)
    assert a["annotations"] == {"doc_id": "a", "entities": []}
    assert b["missing"] == f"no line in {predictions} (scored as empty)"
    assert "annotations" not in b and "failure" not in b


def _newsbench(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "200", "NEWSBENCH_CACHE": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "bench.cli", *args], check=False, capture_output=True, text=True, cwd=cwd,
                          env=environment, timeout=300)


def test_newsbench_run_and_bench_take_log_samples_and_bench_passes_it_to_every_system(write_gold) -> None:  # type: ignore[no-untyped-def]
    gold_folder = write_gold()
    root = gold_folder.parent
    done = _newsbench("run", "rules", "--gold", str(gold_folder), "--out", str(root / "run"), "--log-samples", cwd=root)
    assert done.returncode == 0, done.stderr
    (line,) = _lines(root / "run" / "rules.samples.jsonl")
    assert line["doc_id"] == "tiny" and line["received"]["split"] == "test"
    done = _newsbench("bench", "-s", "rules", "-s", "textacy", "--gold", str(gold_folder), "--out", str(root / "reports"),
                      "--predictions", str(root / "bench"), "--log-samples", cwd=root)
    assert done.returncode in (0, 1), done.stderr
    assert sorted(p.name for p in (root / "bench").glob("*.samples.jsonl")) == ["rules.samples.jsonl",
                                                                                "textacy.samples.jsonl"]
    done = _newsbench("bench", "-s", "rules", "--gold", str(gold_folder), "--out", str(root / "reports2"),
                      "--predictions", str(root / "plain"), cwd=root)
    assert not list((root / "plain").glob("*.samples.jsonl"))
