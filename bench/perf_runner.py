"""``make perf-runner``: ``newsbench run spacy`` over a corpus as a whole process, against raw ``nlp.pipe``.

On the PolNeAR training texts (``$NEWSBENCH_EXTERNAL/polnear/data/train/text``, 840 articles,
about 630k words; ``--texts`` for another folder, ``--limit N`` for the first N by name) it runs,
each as a child process timed from start to exit:

* ``newsbench run spacy --docs TEXTS --jobs 1`` and ``--jobs 2``, each with a fresh cache;
* raw spaCy: ``spacy.load`` of the model the adapter uses (same pipeline, every component) and
  ``nlp.pipe(texts, n_process=2, batch_size=B)`` with B the adapter's ``batch_size``, every doc consumed;
* ``newsbench run spacy --jobs 2`` again on the warm cache (everything cached).

Figures: documents/s = documents / wall seconds; CPU = user + system time of the process and
every child it waited for; peak memory per process = the largest ``VmHWM`` (peak resident set)
read from ``/proc`` while it ran, for the main process and the largest worker. Ratios: jobs 2 over
jobs 1 in documents/s (goal ≥ 1.4), jobs 2 over raw ``nlp.pipe`` (goal ≥ 0.9), cached wall (goal < 5 s).
The texts are linked from a temporary folder and never copied into the project.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Goals of issue 12, item 3.
GOAL_SPEEDUP = 1.4
GOAL_VS_PIPE = 0.9
GOAL_CACHED_SECONDS = 5.0

#: Raw spaCy as a whole process: argv = model, batch size, n_process, then the text files.
RAW_PIPE_SCRIPT = """
import sys
from pathlib import Path
import spacy

model, batch_size, n_process, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
texts = [Path(f).read_text("utf-8") for f in files]
nlp = spacy.load(model)
count = sum(1 for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process))
assert count == len(texts), (count, len(texts))
"""


@dataclass(frozen=True, slots=True)
class Measured:
    """One child process: wall seconds, CPU seconds (user + system, children included), peak RSS in MB."""

    wall: float
    cpu: float
    main_mb: float
    worker_mb: float
    workers: int


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc; empty where there is no /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _peak_mb(pid: int) -> float | None:
    """``VmHWM`` of ``pid`` in MB (its peak resident set so far), or None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def measure(command: Sequence[str], env: dict[str, str], cwd: Path) -> Measured:
    """Run ``command`` to its end, sampling the peak memory of it and its descendants every 0.1 s."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    peaks: dict[int, float] = {}
    while process.poll() is None:
        for pid in {process.pid, *_descendants(process.pid)}:
            peak = _peak_mb(pid)
            if peak is not None:
                peaks[pid] = max(peak, peaks.get(pid, 0.0))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:6])} … failed ({process.returncode}):\n{stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    workers = [mb for pid, mb in peaks.items() if pid != process.pid]
    return Measured(wall, cpu, peaks.get(process.pid, 0.0), max(workers, default=0.0), len(workers))


def default_texts() -> Path:
    external = Path(os.environ.get("NEWSBENCH_EXTERNAL", Path(__file__).resolve().parents[1].parent / "shared" / "external"))
    return external / "polnear" / "data" / "train" / "text"


def link_texts(source: Path, target: Path, limit: int | None) -> list[Path]:
    """Symbolic links in ``target`` to the first ``limit`` ``.txt`` files of ``source`` by name (all if None)."""
    files = sorted(source.glob("*.txt"))[:limit]
    if not files:
        raise SystemExit(f"{source}: no .txt files (set NEWSBENCH_EXTERNAL or pass --texts)")
    target.mkdir(parents=True)
    for file in files:
        (target / file.name).symlink_to(file.resolve())
    return files


def _load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _row(name: str, m: Measured, documents: int) -> str:
    workers = f"{m.worker_mb:.0f} MB × {m.workers}" if m.workers else "—"
    return (f"| {name} | {m.wall:.2f} | {m.cpu:.2f} | {documents / m.wall:.1f} | {m.main_mb:.0f} MB | {workers} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=Path, default=None, help="Folder of .txt files (default: PolNeAR train).")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N texts by file name.")
    parser.add_argument("--jobs", type=int, default=2, help="Worker processes to compare with 1 (and n_process).")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parents[1]
    from systems._spacy_model import SpacyBacked, default_model

    model, batch_size = default_model(), SpacyBacked.batch_size
    with tempfile.TemporaryDirectory(prefix="newsbench-perf-runner-") as scratch:
        tmp = Path(scratch)
        files = link_texts(args.texts or default_texts(), tmp / "texts", args.limit)
        words = sum(len(f.read_text("utf-8").split()) for f in files)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}

        def run(jobs: int, cache: str) -> Measured:
            command = [sys.executable, "-m", "bench.cli", "run", "spacy", "--docs", str(tmp / "texts"),
                       "--out", str(tmp / f"out-{cache}"), "--jobs", str(jobs)]
            return measure(command, {**env, "NEWSBENCH_CACHE": str(tmp / f"cache-{cache}")}, root)

        load_before = _load()
        print(f"{len(files)} texts, {words:,} words; model {model}, batch_size {batch_size}; {load_before}", flush=True)
        one = run(1, "jobs1")
        print(f"  jobs 1 done: {one.wall:.1f} s", flush=True)
        many = run(args.jobs, "jobs2")
        print(f"  jobs {args.jobs} done: {many.wall:.1f} s", flush=True)
        raw = measure([sys.executable, "-c", RAW_PIPE_SCRIPT, model, str(batch_size), str(args.jobs), *map(str, files)],
                      env, root)
        print(f"  nlp.pipe done: {raw.wall:.1f} s", flush=True)
        cached = run(args.jobs, "jobs2")
        load_after = _load()

    documents = len(files)
    speedup = one.wall / many.wall
    vs_pipe = raw.wall / many.wall
    print()
    print("| what | wall s | CPU s | documents/s | peak main | peak per worker |")
    print("|---|---|---|---|---|---|")
    print(_row("newsbench run spacy --jobs 1", one, documents))
    print(_row(f"newsbench run spacy --jobs {args.jobs}", many, documents))
    print(_row(f"nlp.pipe(n_process={args.jobs}, batch_size={batch_size})", raw, documents))
    print(_row(f"newsbench run spacy --jobs {args.jobs}, all cached", cached, documents))
    print()
    print(f"jobs {args.jobs} / jobs 1: {speedup:.2f}× (goal ≥ {GOAL_SPEEDUP}) {'ok' if speedup >= GOAL_SPEEDUP else 'MISSED'}")
    print(f"jobs {args.jobs} / nlp.pipe: {vs_pipe:.2f} of its rate (goal ≥ {GOAL_VS_PIPE}) "
          f"{'ok' if vs_pipe >= GOAL_VS_PIPE else 'MISSED'}")
    print(f"cached re-run: {cached.wall:.2f} s (goal < {GOAL_CACHED_SECONDS:g} s) "
          f"{'ok' if cached.wall < GOAL_CACHED_SECONDS else 'MISSED'}")
    print(f"load before: {load_before}\nload after:  {load_after}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
