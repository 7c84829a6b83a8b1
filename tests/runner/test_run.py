"""Running systems: the files written, what systems see, run_systems, the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from bench import gold, runner
from bench.errors import UserError
from bench.predictions import read_predictions
from bench.schema import (
    Annotations,
    Document,
    Entity,
    EntityLabel,
    GoldDocument,
    Layer,
)
from tests.runner.stand_ins import (
    DOCS,
    FirstWord,
    Witness,
    run,
)

# --- output ---------------------------------------------------------------------------------


def test_writes_one_jsonl_line_per_document_in_the_prediction_format(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    result = run(FirstWord(logs), DOCS, tmp_path)
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
    result = run(FirstWord(logs, flavour="salty"), DOCS, tmp_path)
    record = runner.read_run_record(result.manifest)
    assert record["system"] == "first-word"
    assert record["config"] == {"flavour": "salty"}
    assert record["layers"] == ["entities"]
    assert (record["documents"], record["predicted"], record["failed"], record["failures"]) == (3, 3, 0, [])




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




def test_config_is_read_once_per_run_not_once_per_document(tmp_path: Path) -> None:
    """``config()`` may read model files; keying the cache must not repeat it per document."""
    logs = tmp_path / "logs"
    logs.mkdir()
    calls: list[int] = []

    class Counting(FirstWord):
        def config(self) -> dict[str, str]:
            calls.append(1)
            return super().config()

    run(Counting(logs), DOCS, tmp_path, jobs=0)
    assert len(DOCS) > 1 and len(calls) == 1


# --- running and writing are separate ---------------------------------------------------------


def test_run_system_returns_the_result_and_write_run_writes_it(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    result = runner.run_system(FirstWord(logs), DOCS, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", jobs=0)
    assert sorted(result.predictions) == ["a", "b", "c"]
    assert not result.path.exists() and not result.manifest.exists()
    runner.write_run(result)
    assert len(result.path.read_text("utf-8").splitlines()) == 3
    assert runner.read_run_record(result.manifest) == runner.run_record(result)


def test_output_files_and_cache_folders_are_named_by_the_same_slug_as_report_pages(tmp_path: Path) -> None:
    from bench.names import slug

    class Spaced(FirstWord):
        name = "my system/v2"

    logs = tmp_path / "logs"
    logs.mkdir()
    result = run(Spaced(logs), DOCS[:1], tmp_path, jobs=0)
    assert slug("my system/v2") == "my_system_v2"
    assert result.path == tmp_path / "out" / "my_system_v2.jsonl"
    assert (tmp_path / "cache" / "my_system_v2").is_dir()


def test_the_default_cache_and_gold_are_read_from_the_environment_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBENCH_CACHE", str(tmp_path / "c1"))
    assert runner.default_cache() == tmp_path / "c1"
    monkeypatch.setenv("NEWSBENCH_GOLD", str(tmp_path / "g1"))
    assert gold.default_gold() == tmp_path / "g1"
    monkeypatch.delenv("NEWSBENCH_GOLD")
    assert gold.default_gold() == gold.SHIPPED_GOLD
