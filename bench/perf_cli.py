"""``make perf`` (second part): ``newsbench score`` as a whole process against nervaluate's whole process.

Writes the synthetic entity corpus of :mod:`bench.perf` as a gold JSONL (``text`` on every line)
and a predictions JSONL, at 100 and at 1000 mentions per document, then runs as child processes

* ``newsbench score PRED --gold GOLD --json OUT`` (``python -m bench.cli``), and
* a nervaluate 1.2.1 script that reads the same two files with :mod:`json`, converts the
  entities to nervaluate's dict format (inclusive ends) and evaluates them.

Each is timed from process start to exit: ``newsbench score`` best of ``--repeat`` runs before
nervaluate and as many after it (the machine's speed drifts over the minutes nervaluate takes, and a
short process feels it more), nervaluate best of ``--nervaluate-repeat``; peak memory is the child's
``ru_maxrss``. The counts of both tools must agree in every mode (strict, exact, partial, type).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The nervaluate side: a whole process that reads the same JSONL files and prints its counts as JSON.
NERVALUATE_SCRIPT = """
import json, sys
from nervaluate import Evaluator

def side(path):
    out = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                out[record["doc_id"]] = [{"label": e["label"], "start": e["start"], "end": e["end"] - 1}
                                         for e in record.get("entities") or ()]
    return out

true = side(sys.argv[1])
pred = side(sys.argv[2])
ids = sorted(true)
labels = sys.argv[3].split(",")
results = Evaluator([true[i] for i in ids], [pred.get(i, []) for i in ids], tags=labels, loader="dict").evaluate()
names = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
keys = ("correct", "incorrect", "partial", "missed", "spurious")
print(json.dumps({ours: [getattr(results["overall"][theirs], k) for k in keys] for ours, theirs in names.items()}))
"""

#: The phases of ``newsbench score`` (what its command does, step by step, in one process), timed in wall
#: seconds; printed as JSON. Start-up before the first import and the command line's own parsing are not in it.
PHASES_SCRIPT = """
import io, json, sys, time
clock = time.perf_counter
marks = [("start", clock())]
from bench.gcpause import gc_paused
with gc_paused():
    import numpy, rich.console, bench.commands.score as command
    from pathlib import Path
    from bench import gold
    from bench.predictions import read_predictions
    from bench.score import score_corpus
    marks.append(("imports", clock()))
    every = gold.load_gold(Path(sys.argv[1]))
    marks.append(("gold", clock()))
    texts = {doc.doc_id: doc.text for doc in every}
    found = read_predictions(Path(sys.argv[2]), texts, scored=[doc.doc_id for doc in every])
    marks.append(("predictions", clock()))
    result = score_corpus(every, found.by_doc, system="x", attempted=found.attempted, warnings=found.warnings)
    marks.append(("scoring", clock()))
    result.to_json()
    marks.append(("json", clock()))
    console = rich.console.Console(file=io.StringIO())
    for table in command.tables(result):
        console.print(table)
    marks.append(("tables", clock()))
print(json.dumps({name: marks[k][1] - marks[k - 1][1] for k, (name, _) in enumerate(marks) if k}))
"""

COUNT_KEYS = ("correct", "incorrect", "partial", "missed", "spurious")
#: The goals of issue 12: mentions per document → minimum ratio of nervaluate's wall time to ours.
TARGETS = {100: 15, 1000: 50}
MODES = ("strict", "exact", "partial", "type")


@dataclass(frozen=True, slots=True)
class Run:
    """One child process: best wall and CPU (user + system) time over the repeats, its peak RSS, its counts."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    modes: dict[str, list[int]]


def write_corpus(folder: Path, documents: int, per_doc: int) -> tuple[Path, Path, int]:
    """Gold and predictions JSONL of :func:`bench.perf.make_corpus`; returns both paths and the gold mentions."""
    from bench.perf import make_corpus

    corpus = make_corpus(documents, per_doc)
    gold_path, pred_path = folder / f"gold-{per_doc}.jsonl", folder / f"pred-{per_doc}.jsonl"

    def entities(items: Sequence[Any]) -> list[dict[str, Any]]:
        return [{"start": e.start, "end": e.end, "label": e.label.value} for e in items]

    with gold_path.open("w", encoding="utf-8") as gold, pred_path.open("w", encoding="utf-8") as pred:
        for doc in corpus.gold:
            gold.write(json.dumps({"doc_id": doc.doc_id, "text": doc.text, "split": "perf",
                                   "entities": entities(doc.annotations.entities or ())}) + "\n")
            predicted = corpus.predictions[doc.doc_id].entities or ()
            pred.write(json.dumps({"doc_id": doc.doc_id, "entities": entities(predicted)}) + "\n")
    return gold_path, pred_path, corpus.mentions


def _child(command: list[str]) -> tuple[float, float, float, str]:
    """Run ``command`` in a fresh process via a tiny wrapper so ``ru_maxrss`` belongs to it alone."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "seconds = time.perf_counter() - t\n"
        "if done.returncode: sys.stderr.write(done.stderr); sys.exit(done.returncode)\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "cpu = usage.ru_utime + usage.ru_stime\n"
        "print(json.dumps({'seconds': seconds, 'cpu': cpu, 'rss': usage.ru_maxrss / 1024, 'stdout': done.stdout}))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
    report = json.loads(done.stdout)
    return float(report["seconds"]), float(report["cpu"]), float(report["rss"]), str(report["stdout"])


def best(command: list[str], repeat: int) -> tuple[float, float, float, str]:
    """The fastest wall and CPU time of ``repeat`` runs, the largest peak RSS seen, the last output."""
    runs = [_child(command) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs), runs[-1][3]


def run_newsbench(gold: Path, pred: Path, out: Path, repeat: int) -> Run:
    seconds, cpu, rss, _ = best([sys.executable, "-m", "bench.cli", "score", str(pred), "--gold", str(gold),
                            "--json", str(out)], repeat)
    data = json.loads(out.read_text(encoding="utf-8"))
    modes = {mode: [int(data["entities"][mode][k]) for k in COUNT_KEYS] for mode in MODES}
    return Run(seconds, cpu, rss, modes)


def run_nervaluate(gold: Path, pred: Path, repeat: int) -> Run:
    from bench.perf import LABELS

    labels = ",".join(str(label) for label in LABELS)
    seconds, cpu, rss, stdout = best([sys.executable, "-c", NERVALUATE_SCRIPT, str(gold), str(pred), labels], repeat)
    modes: dict[str, list[int]] = json.loads(stdout.strip().splitlines()[-1])
    return Run(seconds, cpu, rss, modes)


def phases(gold: Path, pred: Path, repeat: int) -> dict[str, float]:
    """Per phase of :data:`PHASES_SCRIPT`, the fastest of ``repeat`` child processes (seconds)."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", PHASES_SCRIPT, str(gold), str(pred)], capture_output=True,
                              text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"the phase timer failed:\n{done.stderr}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {name: min(run[name] for run in runs) for name in runs[0]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf_cli", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mentions", type=int, default=300_000, help="about this many gold mentions per corpus")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of newsbench before nervaluate's and as many after (the machine's speed drifts "
                             "over the minutes nervaluate takes); the fastest counts")
    parser.add_argument("--nervaluate-repeat", type=int, default=1, help="runs of nervaluate; the fastest counts")
    parser.add_argument("--keep", type=Path, default=None, help="write the corpora here and keep them")
    parser.add_argument("--skip-nervaluate", action="store_true", help="time newsbench only")
    parser.add_argument("--phases", action="store_true", help="also time the phases of the command in one process")
    parser.add_argument("--per-document", type=int, action="append", choices=sorted(TARGETS), default=None,
                        help="only this corpus (mentions per document; repeatable; default: both)")
    args = parser.parse_args(argv)
    failures = 0
    protocol = (f"best of {args.repeat}" if args.skip_nervaluate else f"newsbench: best of {args.repeat} before and "
                f"{args.repeat} after nervaluate's best of {args.nervaluate_repeat}")
    print(f"whole-process scoring: `newsbench score` vs a nervaluate 1.2.1 script on the same JSONL "
          f"({protocol}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f})")
    if sys.flags.dont_write_bytecode:  # inherited by the children: no .pyc is written, so none can be reused
        print("note: PYTHONDONTWRITEBYTECODE is set: every module not compiled at install time (newsbench's own, "
              "when run from a checkout) is compiled from source at every start")
    print()
    with tempfile.TemporaryDirectory(prefix="newsbench-perf-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for per_doc, target in TARGETS.items():
            if args.per_document and per_doc not in args.per_document:
                continue
            documents = max(1, round(args.mentions / per_doc))
            gold, pred, mentions = write_corpus(folder, documents, per_doc)
            size = (gold.stat().st_size / 2**20, pred.stat().st_size / 2**20)
            ours = run_newsbench(gold, pred, folder / f"score-{per_doc}.json", args.repeat)
            print(f"== {per_doc} mentions per document: {documents:,} documents, {mentions:,} gold mentions "
                  f"(gold {size[0]:.0f} MB, predictions {size[1]:.0f} MB) ==")
            print(f"  newsbench score: {ours.seconds:6.2f} s wall {ours.cpu_seconds:6.2f} s CPU  peak RSS {ours.peak_rss_mb:5.0f} MB")
            if args.phases:
                found = phases(gold, pred, args.repeat)
                print("    phases (ms, best of each): " + ", ".join(f"{k} {1000 * v:.0f}" for k, v in found.items())
                      + f"; the rest of the process (start-up, command line, exit) ~{1000 * (ours.seconds - sum(found.values())):.0f}")
            if args.skip_nervaluate:
                continue
            theirs = run_nervaluate(gold, pred, args.nervaluate_repeat)
            after = run_newsbench(gold, pred, folder / f"score-{per_doc}.json", args.repeat)
            ours = Run(min(ours.seconds, after.seconds), min(ours.cpu_seconds, after.cpu_seconds),
                       max(ours.peak_rss_mb, after.peak_rss_mb), ours.modes if ours.modes == after.modes else {})
            ratio = theirs.seconds / ours.seconds
            same = theirs.modes == ours.modes
            failures += (not same) + (ratio < target)
            print(f"  nervaluate:      {theirs.seconds:6.2f} s wall {theirs.cpu_seconds:6.2f} s CPU  peak RSS {theirs.peak_rss_mb:5.0f} MB")
            print(f"  newsbench score after nervaluate: {after.seconds:6.2f} s wall {after.cpu_seconds:6.2f} s CPU "
                  f"(the best of both counts: {ours.seconds:.2f} s wall, {ours.cpu_seconds:.2f} s CPU)")
            print(f"  ratio: {ratio:.1f}x wall, {theirs.cpu_seconds / ours.cpu_seconds:.1f}x CPU (target ≥ {target}x wall) "
                  f"{'OK' if ratio >= target else 'MISSED'}; "
                  f"identical counts in every mode: {'yes' if same else 'NO'}")
            if not same:
                print(f"    ours {ours.modes}\n    nervaluate {theirs.modes}")
            print()
    if args.skip_nervaluate:
        print("nervaluate skipped: no ratio checked")
    else:
        print("all targets met" if not failures else f"{failures} target(s) missed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
