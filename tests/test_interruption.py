"""Interruption and memory blow-up, as a user meets them: a real ``newsbench`` process and a real plugin.

The plugin ``slow`` is installed the way a user installs one (a distribution with a
``newsbench.systems`` entry point, here a ``.dist-info`` folder on ``PYTHONPATH``). It tags the
first word of each text, prints a line per document, logs every call, sleeps ``SLOW_SECONDS``
per document, and its ``version`` comes from ``SLOW_VERSION`` (a new version is a new cache key,
so a second run computes afresh while the first run's files stay on disk).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bench import runner
from bench.registry import Adapter
from bench.schema import Annotations, Document, Entity, EntityLabel, Layer
from tests.report.conftest import FIXTURE

ROOT = Path(__file__).resolve().parent.parent
#: The fixture gold: six documents.
GOLD = FIXTURE / "gold.jsonl"
DOCUMENTS = 6

PLUGIN = '''
import os, time
from pathlib import Path
from bench.registry import Adapter
from bench.schema import Annotations, Entity, EntityLabel, Layer

class Slow(Adapter):
    name = "slow"
    layers = frozenset({Layer.ENTITIES})

    def __init__(self):
        self.version = os.environ["SLOW_VERSION"]

    def predict(self, document):
        Path(os.environ["SLOW_LOG"], document.doc_id).write_text("called")
        print(f"predicting {document.doc_id}")
        time.sleep(float(os.environ["SLOW_SECONDS"]))
        end = document.text.index(" ")
        return Annotations(document.doc_id, entities=(Entity(0, end, EntityLabel.PERSON),))
'''


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    """A folder holding the ``slow`` plugin and its distribution metadata (put it on ``PYTHONPATH``)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "slowplugin.py").write_text(textwrap.dedent(PLUGIN).lstrip(), "utf-8")
    meta = site / "slowplugin-0.0.1.dist-info"
    meta.mkdir()
    (meta / "METADATA").write_text("Metadata-Version: 2.1\nName: slowplugin\nVersion: 0.0.1\n", "utf-8")
    (meta / "entry_points.txt").write_text("[newsbench.systems]\nslow = slowplugin:Slow\n", "utf-8")
    return site


def _environment(tmp_path: Path, site: Path, *, version: str, seconds: float) -> dict[str, str]:
    log = tmp_path / f"calls-{version}-{seconds}"
    log.mkdir(exist_ok=True)
    return {
        **os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "COLUMNS": "200",
        "NEWSBENCH_CACHE": str(tmp_path / "cache"), "SLOW_LOG": str(log), "SLOW_VERSION": version,
        "SLOW_SECONDS": str(seconds),
    }


def _start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """Start ``newsbench ARGS`` in a process group of its own (as a shell starts a foreground job)."""
    return subprocess.Popen([sys.executable, "-m", "bench.cli", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _newsbench(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bench.cli", *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=300, check=False)


def _cached(cache: Path) -> int:
    """Finished documents in the cache (complete entries; an atomic write's temporary file is not one)."""
    return len(list((cache / "slow").glob("*/*.json"))) if (cache / "slow").is_dir() else 0


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie awaiting its reaper is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _half_written(*folders: Path) -> list[str]:
    """Files an interrupted write could leave: atomic writes' temporaries, the workers' hidden log, and
    cache entries that are not one whole JSON object."""
    found = [str(p) for folder in folders for p in folder.rglob("*") if p.name.endswith((".tmp", ".partial"))]
    for entry in (folders[0] / "slow").glob("*/*.json") if (folders[0] / "slow").is_dir() else ():
        try:
            json.loads(entry.read_bytes())
        except ValueError:
            found.append(str(entry))
    return found


def _snapshot(*folders: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def _interrupt(
    process: subprocess.Popen[str], cache: Path, signum: int, *, group: bool = False
) -> tuple[int, str, set[int]]:
    """Wait until the run caches a document, send ``signum`` (to its whole process group, workers
    included, as Ctrl-C in a terminal does, if ``group``); the exit code, stderr and the workers it had."""
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    already = _cached(cache)
    while _cached(cache) <= already:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no document was cached in time"
        workers |= _children(process.pid)
        time.sleep(0.05)
    workers |= _children(process.pid)
    if group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr, workers


def _no_worker_left(workers: set[int]) -> bool:
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(_alive(pid) for pid in workers)


@pytest.mark.parametrize(("signum", "code", "group"), [
    (signal.SIGINT, 130, False), (signal.SIGINT, 130, True), (signal.SIGTERM, 143, False)],
    ids=["SIGINT", "Ctrl-C to the process group", "SIGTERM"])
def test_an_interrupted_run_keeps_the_cache_and_the_previous_files_and_resumes(
    tmp_path: Path, plugin: Path, signum: int, code: int, group: bool
) -> None:
    out = tmp_path / "out"
    args = ["run", "slow", "--gold", str(GOLD), "--out", str(out), "--jobs", "2"]
    first = _newsbench(args, _environment(tmp_path, plugin, version="1", seconds=0), tmp_path)
    assert first.returncode == 0, first.stderr
    assert {p.name for p in out.iterdir()} == {"slow.jsonl", "slow.run.json", "slow.log"}
    before = _snapshot(out)

    process = _start(args, _environment(tmp_path, plugin, version="2", seconds=1.5), tmp_path)
    returncode, stderr, workers = _interrupt(process, tmp_path / "cache", signum, group=group)

    assert returncode == code
    assert [line for line in stderr.splitlines() if line.strip() == "interrupted"] == ["interrupted"]
    assert "Traceback" not in stderr
    assert _snapshot(out) == before  # the first run's predictions, run record and log, byte for byte
    assert workers and _no_worker_left(workers)
    assert _half_written(tmp_path / "cache", out) == []
    kept = _cached(tmp_path / "cache") - DOCUMENTS  # the first run's six entries are version 1's
    assert 1 <= kept < DOCUMENTS

    resumed_env = _environment(tmp_path, plugin, version="2", seconds=0)
    resumed = _newsbench(args, resumed_env, tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"slow: {DOCUMENTS}/{DOCUMENTS} documents ({kept} cached), 0 failed" in resumed.stderr
    assert len(list(Path(resumed_env["SLOW_LOG"]).iterdir())) == DOCUMENTS - kept  # only the missing ones


def test_an_interrupted_bench_leaves_the_previous_reports_byte_identical(tmp_path: Path, plugin: Path) -> None:
    reports, predictions = tmp_path / "reports", tmp_path / "predictions"
    args = ["bench", "--system", "slow", "--gold", str(GOLD), "--out", str(reports), "--predictions", str(predictions),
            "--baseline", str(tmp_path / "baseline.json"), "--jobs", "2"]
    first = _newsbench(args, _environment(tmp_path, plugin, version="1", seconds=0), tmp_path)
    assert first.returncode == 0, first.stderr
    assert (reports / "leaderboard.md").is_file() and (reports / "results.json").is_file()
    before = _snapshot(reports, predictions)

    process = _start(args, _environment(tmp_path, plugin, version="2", seconds=1.5), tmp_path)
    returncode, stderr, workers = _interrupt(process, tmp_path / "cache", signal.SIGTERM)

    assert (returncode, "Traceback" in stderr) == (143, False)
    assert stderr.splitlines()[-1] == "interrupted"
    assert _snapshot(reports, predictions) == before
    assert workers and _no_worker_left(workers)
    kept = _cached(tmp_path / "cache") - DOCUMENTS

    resumed_env = _environment(tmp_path, plugin, version="2", seconds=0)
    resumed = _newsbench(args, resumed_env, tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert len(list(Path(resumed_env["SLOW_LOG"]).iterdir())) == DOCUMENTS - kept
    assert _snapshot(reports) != {k: v for k, v in before.items() if k.startswith(str(reports))}  # now rewritten


# --- memory ---------------------------------------------------------------------------------


class Greedy(Adapter):
    """Tags the first word; on the document ``greedy`` it allocates a list of a billion items (8 GB).

    Logs ``doc_id pid`` per call to ``log``, to show which worker process predicted what.
    """

    name = "greedy"
    version = "1"
    layers = frozenset({Layer.ENTITIES})

    def __init__(self, log: Path) -> None:
        self.log = str(log)

    def predict(self, document: Document) -> Annotations:
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(f"{document.doc_id} {os.getpid()}\n")
        if document.doc_id == "greedy":
            hoard = [0] * 1_000_000_000
            return Annotations(document.doc_id, entities=(Entity(0, len(hoard) % 5, EntityLabel.PERSON),))
        return Annotations(document.doc_id, entities=(Entity(0, 5, EntityLabel.PERSON),))

    def predict_batch(self, documents: list[Document]) -> list[Annotations]:  # type: ignore[override]
        return [self.predict(d) for d in documents]


def test_a_document_over_the_memory_limit_fails_alone_and_its_worker_is_replaced(tmp_path: Path) -> None:
    docs = [Document(doc_id, "Alpha met Beta.") for doc_id in ("a", "b", "greedy", "c", "d", "e", "f", "g")]
    log = tmp_path / "calls.log"
    result = runner.write_run(runner.run_system(Greedy(log), docs, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache",
                                                jobs=1, max_memory=500))
    assert [(f.doc_id, f.reason) for f in result.failures] == [
        ("greedy", "out of memory (over the worker limit of 500 MB, --max-memory)")]
    assert sorted(result.predictions) == ["a", "b", "c", "d", "e", "f", "g"]
    pids = dict(line.split() for line in log.read_text("utf-8").splitlines())
    assert pids["a"] == pids["greedy"] != pids["g"]  # the worker that ran out was replaced


def test_the_memory_limit_defaults_to_the_machine_and_0_means_none() -> None:
    assert runner.worker_memory(None) == runner.physical_memory_mb()
    assert runner.worker_memory(0) is None
    assert runner.worker_memory(300) == 300


def test_a_worker_killed_by_a_signal_is_named_with_a_memory_hint() -> None:
    assert runner.died(-signal.SIGKILL) == "worker process died (killed by SIGKILL, e.g. by the kernel for using too much memory)"
    assert runner.died(-signal.SIGSEGV) == "worker process died (killed by SIGSEGV)"
    assert runner.died(3) == "worker process died (exit code 3)"
