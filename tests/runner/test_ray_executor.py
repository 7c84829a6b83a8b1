"""``--executor ray``: the same predictions, cache, outputs and fault containment as local workers.

One local Ray instance with 2 CPUs serves the whole module (:func:`bench.runner.ray_executor.local_ray`,
which keeps it off the network). Skipped where Ray is not installed (``make`` installs ``newsbench[ray]``).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import gold, runner
from bench.runner.executors import ray_installed
from bench.schema import Document
from tests.runner.stand_ins import (
    DOCS,
    BrokenSetup,
    Chatty,
    FirstWord,
    HashReporter,
    SlowStarter,
    Sluggish,
    Troublemaker,
    calls,
    run,
)

pytestmark = pytest.mark.skipif(not ray_installed(), reason="Ray is not installed (newsbench[ray]; make installs it)")


@pytest.fixture(scope="module")
def ray_executor() -> Iterator[runner.Executor]:
    """A Ray executor on one local instance (2 CPUs) started once for this module and shut down after it."""
    from bench.runner.ray_executor import RayExecutor, local_ray

    with local_ray(2):
        executor = RayExecutor(cpus=2)
        try:
            yield executor
        finally:
            executor.close()


def _gold_texts() -> list[Document]:
    return [d.document for d in gold.load_gold()]


def test_rules_predictions_on_ray_are_byte_identical_to_local_workers(tmp_path: Path, ray_executor: runner.Executor) -> None:
    documents = _gold_texts()
    assert len(documents) >= 5
    local = runner.run_systems(["rules"], documents, out_dir=tmp_path / "local", jobs=2, cache_dir=tmp_path / "c1")
    on_ray = runner.run_systems(["rules"], documents, out_dir=tmp_path / "ray", jobs=2, cache_dir=tmp_path / "c2",
                                executor="ray")
    assert not on_ray["rules"].failures
    assert on_ray["rules"].path.read_bytes() == local["rules"].path.read_bytes()
    assert len(on_ray["rules"].predictions) == len(documents)


def test_a_stand_in_adapter_on_ray_writes_the_same_predictions_as_locally(tmp_path: Path, ray_executor: runner.Executor) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    local = run(FirstWord(logs), DOCS, tmp_path / "local", jobs=2)
    on_ray = run(FirstWord(logs), DOCS, tmp_path / "ray", jobs=2, executor=ray_executor)
    assert on_ray.path.read_bytes() == local.path.read_bytes()
    assert calls(logs) == 2 * len(DOCS)


def test_actors_hash_strings_with_the_seed_of_local_workers(tmp_path: Path, ray_executor: runner.Executor) -> None:
    local_log, ray_log = tmp_path / "local.log", tmp_path / "ray.log"
    run(HashReporter(local_log), DOCS[:1], tmp_path / "local", use_cache=False)
    run(HashReporter(ray_log), DOCS[:1], tmp_path / "ray", use_cache=False, executor=ray_executor)
    assert ray_log.read_text() == local_log.read_text()


def test_a_raising_a_hanging_and_a_dying_document_each_fail_alone(tmp_path: Path, ray_executor: runner.Executor) -> None:
    ids = ["before", "raises", "sleeps", "dies", "after"]
    docs = [Document(doc_id, "Twenty characters ok") for doc_id in ids]
    result = run(Troublemaker(), docs, tmp_path, jobs=2, timeout=2.0, executor=ray_executor)
    reasons = {f.doc_id: f.reason for f in result.failures}
    assert sorted(reasons) == ["dies", "raises", "sleeps"]
    assert reasons["raises"] == "ValueError: cannot read this one"  # as a local worker says it
    assert re.fullmatch(r"timed out: stopped after 2\.\d s \(limit 2 s per document\)", reasons["sleeps"])
    assert reasons["dies"].startswith("worker process died (Ray: The actor died")
    assert sorted(result.predictions) == ["after", "before"]
    assert runner.read_run_record(result.manifest)["failed"] == 3


def test_a_batch_over_the_timeout_is_retried_one_document_at_a_time(tmp_path: Path, ray_executor: runner.Executor) -> None:
    docs = [Document("quick1", "0 s"), Document("slow", "2.5 s"), Document("quick2", "0 s"), Document("quick3", "0 s")]
    result = run(Sluggish(), docs, tmp_path, timeout=1.0, executor=ray_executor)
    assert [f.doc_id for f in result.failures] == ["slow"]
    assert result.failures[0].reason.startswith("timed out: stopped after 1.")
    assert sorted(result.predictions) == ["quick1", "quick2", "quick3"]


def test_a_setup_failure_fails_every_document_with_its_reason(tmp_path: Path, ray_executor: runner.Executor) -> None:
    result = run(BrokenSetup(), DOCS, tmp_path, jobs=2, executor=ray_executor)
    assert {f.reason for f in result.failures} == {"setup failed: ImportError: model files missing"}
    assert len(result.failures) == len(DOCS)


def test_the_ray_run_fills_the_cache_and_a_second_run_computes_nothing(tmp_path: Path, ray_executor: runner.Executor) -> None:
    from bench.runner.ray_executor import RayExecutor

    logs = tmp_path / "logs"
    logs.mkdir()
    first = run(FirstWord(logs), DOCS, tmp_path, jobs=2, executor=ray_executor)
    assert (first.cached, calls(logs)) == (0, len(DOCS))
    unused = RayExecutor(cpus=2)
    second = run(FirstWord(logs), DOCS, tmp_path, jobs=2, executor=unused)
    assert (second.cached, calls(logs)) == (len(DOCS), len(DOCS))
    assert second.path.read_bytes() == first.path.read_bytes()
    assert not unused.connected  # nothing to compute, so Ray was never joined


def test_what_a_system_prints_on_an_actor_goes_to_its_log(
    tmp_path: Path, ray_executor: runner.Executor, capfd: pytest.CaptureFixture[str],
) -> None:
    result = run(Chatty(), DOCS, tmp_path, jobs=1, executor=ray_executor)
    assert result.printed is not None
    assert result.printed.read_text().splitlines() == [
        "CHATTER loading the model", *(f"CHATTER predicting {d.doc_id}" for d in DOCS)]
    assert "CHATTER" not in capfd.readouterr().out


def test_the_command_joins_a_running_cluster_through_RAY_ADDRESS(tmp_path: Path, ray_executor: runner.Executor) -> None:
    import ray

    folder = tmp_path / "texts"
    folder.mkdir()
    for document in _gold_texts()[:4]:
        (folder / f"{document.doc_id}.txt").write_text(document.text, encoding="utf-8")
    env = {**os.environ, "RAY_ADDRESS": ray.get_runtime_context().gcs_address,
           "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "NEWSBENCH_CACHE": str(tmp_path / "cache")}

    def newsbench(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bench.cli", "run", "rules", "--docs", str(folder), *args],
                              check=False, capture_output=True, text=True, env=env, timeout=300)

    on_ray = newsbench("--out", str(tmp_path / "ray"), "--executor", "ray", "--jobs", "2")
    assert on_ray.returncode == 0, on_ray.stderr
    assert on_ray.stdout == ""  # the summary goes to stderr; Ray prints nothing on stdout
    assert "rules: 4/4 documents (0 cached), 0 failed" in on_ray.stderr
    local = newsbench("--out", str(tmp_path / "local"), "--no-cache")
    assert local.returncode == 0, local.stderr
    assert (tmp_path / "ray" / "rules.jsonl").read_bytes() == (tmp_path / "local" / "rules.jsonl").read_bytes()


def _free_port() -> int:
    """A port nothing listens on: bound, then closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_RAY_ADDRESS_is_a_one_line_user_error_at_once(tmp_path: Path) -> None:
    """A plain HOST:PORT nothing listens on: exit 2 with one line, within seconds (Ray alone retries for minutes)."""
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "one.txt").write_text("Maria Lopez said 300 people came.", encoding="utf-8")
    address = f"127.0.0.1:{_free_port()}"
    env = {**os.environ, "RAY_ADDRESS": address, "NEWSBENCH_CACHE": str(tmp_path / "cache")}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bench.cli", "run", "rules", "--docs", str(folder), "--out",
                           str(tmp_path / "out"), "--executor", "ray"],
                          check=False, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2, done.stderr
    assert f"cannot connect to the Ray cluster at {address} (RAY_ADDRESS): ConnectionRefusedError" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert time.monotonic() - started < 60


def test_only_a_plain_host_and_port_is_checked_before_ray_init() -> None:
    from bench.runner.ray_executor import check_reachable

    with pytest.raises(ConnectionRefusedError):
        check_reachable(f"127.0.0.1:{_free_port()}")
    check_reachable("auto")  # left to Ray
    check_reachable("ray://127.0.0.1:1")  # left to Ray


def test_RAY_ADDRESS_local_starts_the_protected_local_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ray's ``local`` means a new local instance: ours (loopback only, no dashboard, temporary logs), not ray.init."""
    import ray

    from bench.runner import ray_executor

    started: list[int] = []

    @contextlib.contextmanager
    def protected(cpus: int) -> Iterator[None]:
        started.append(cpus)
        yield

    def joined(*args: object, **kwargs: object) -> None:
        raise AssertionError("ray.init called: RAY_ADDRESS=local went down the join-a-cluster path")

    monkeypatch.setenv("RAY_ADDRESS", "local")
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", joined)
    monkeypatch.setattr(ray_executor, "local_ray", protected)
    monkeypatch.setattr(ray_executor, "check_reachable", joined)
    executor = ray_executor.RayExecutor(cpus=3)
    try:
        executor.connect()
    finally:
        executor.close()
    assert started == [3]


def test_no_replacement_actor_is_started_when_no_work_is_left(tmp_path: Path, ray_executor: runner.Executor) -> None:
    """The last document times out: its actor is killed and the run ends, without setting a new one up."""
    log = tmp_path / "setups.log"
    docs = [Document("quick", "Twenty characters ok"), Document("hangs", "Twenty characters ok")]
    result = run(SlowStarter(log, 4.0), docs, tmp_path, jobs=1, timeout=2.0, executor=ray_executor)
    assert [f.doc_id for f in result.failures] == ["hangs"]
    assert sorted(result.predictions) == ["quick"]
    # one set-up: no replacement (counted, not timed: a wall-clock bound fails on a busy machine)
    assert len(log.read_text().splitlines()) == 1, log.read_text()


def test_the_protected_local_start_runs_no_dashboard_process(ray_executor: runner.Executor) -> None:
    """Ray's ``start_api_server`` was replaced (and called), so no ``dashboard/dashboard.py`` process runs
    among this process's descendants (other people's Ray instances on the machine are not ours to judge)."""
    from bench.runner import ray_executor as module

    assert module.dashboards_refused >= 1
    commands = _descendant_commands(os.getpid())
    assert any("raylet" in c for c in commands), commands  # the instance's processes are found
    assert not [c for c in commands if "dashboard/dashboard.py" in c]


def _descendant_commands(root: int) -> list[str]:
    """The command lines of every process descending from ``root`` (read from /proc)."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found: list[str] = []
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid]
        found.extend(commands[c] for c in children)
        frontier.extend(children)
    return found


def test_a_renamed_private_ray_function_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """If Ray drops what the local start replaces, the start stops with a message naming the pinned Ray."""
    from ray._private import services

    from bench.errors import UserError
    from bench.runner import ray_executor

    monkeypatch.delattr(services, "start_api_server")
    with pytest.raises(UserError, match=r"has no ray\._private\.services\.start_api_server.*ray==2\.60\.0"), \
            ray_executor.local_ray(1):
        pass
