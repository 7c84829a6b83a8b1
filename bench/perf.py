"""``make perf``: how fast the scorer is, against nervaluate 1.2.1 on identical entity data.

Generates a synthetic corpus (default: 10,000 documents × 100 entity mentions = 1M
mentions, plus 20 numbers and 5 attributions per document, and 1,000 documents ×
1,000 mentions), scores it, and scores the same entity data with nervaluate.
Prints wall time, peak memory and the speed ratio; checks that the counts are
identical in every mode; and prints the cost per mention as documents grow.

nervaluate is quadratic per document and would take a very long time on 1M
mentions, so it runs on a subset of documents (``--nervaluate-mentions``) and
its time is extrapolated per mention; the output says so. Each measurement runs
in a fresh child process so that peak memory (``ru_maxrss``) belongs to it alone.

The synthetic entity data is unambiguous for any matcher (each cluster of
overlaps holds at most one gold and one predicted mention), so nervaluate's
greedy matching and our assignment must give the same counts; a second run
forces every cluster through the general assignment path to time it too.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.schema import (
    Annotations,
    Attribution,
    Entity,
    EntityLabel,
    GoldDocument,
    Layer,
    Number,
    Qualifier,
    QuoteKind,
    Span,
)

SLOT = 12  # characters per entity slot
LABELS = tuple(EntityLabel)
LABEL_WEIGHTS = np.array([20, 6, 2, 25, 25, 5, 2, 4, 2, 2, 1], dtype=float) / 94


@dataclass(frozen=True, slots=True)
class Corpus:
    """Gold documents and a system's predictions for them."""

    gold: tuple[GoldDocument, ...]
    predictions: dict[str, Annotations]

    @property
    def mentions(self) -> int:
        return sum(len(d.annotations.entities or ()) for d in self.gold)


def _entities(rng: np.random.Generator, n: int) -> tuple[list[Entity], list[Entity]]:
    """``n`` slots: gold in 95 %, predictions exact / relabelled / reshaped / dropped; spurious in empty slots."""
    base = np.arange(n, dtype=np.int64) * SLOT
    start = base + rng.integers(0, 3, n)
    end = start + rng.integers(2, 9, n)
    label = rng.choice(len(LABELS), n, p=LABEL_WEIGHTS)
    has_gold = rng.random(n) < 0.95
    fate = rng.random(n)
    other = (label + rng.integers(1, len(LABELS), n)) % len(LABELS)
    gold: list[Entity] = []
    pred: list[Entity] = []
    for i in range(n):
        s, e, lab = int(start[i]), int(end[i]), LABELS[label[i]]
        if has_gold[i]:
            gold.append(Entity(s, e, lab))
            f = fate[i]
            if f < 0.70:
                pred.append(Entity(s, e, lab))
            elif f < 0.78:
                pred.append(Entity(s, e, LABELS[other[i]]))
            elif f < 0.88:
                pred.append(Entity(s + 1, e + 1, lab) if f < 0.83 else Entity(s, e - 1, lab))
        elif fate[i] < 0.5:
            pred.append(Entity(s, e, lab))
    return gold, pred


def _numbers(rng: np.random.Generator, n_slots: int, count: int) -> tuple[list[Number], list[Number]]:
    gold: list[Number] = []
    pred: list[Number] = []
    slots = rng.choice(n_slots, size=min(count, n_slots), replace=False)
    for slot in sorted(slots.tolist()):
        s = slot * SLOT + 10
        value = float(rng.integers(1, 1000))
        g = Number(s, s + 2, value=value, unit="people", qualifier=Qualifier.EXACT)
        gold.append(g)
        f = rng.random()
        if f < 0.8:
            pred.append(g)
        elif f < 0.9:
            pred.append(Number(s, s + 2, value=value + 1, unit="people", qualifier=Qualifier.APPROX))
    return gold, pred


def _attributions(rng: np.random.Generator, n_slots: int, count: int) -> tuple[list[Attribution], list[Attribution]]:
    gold: list[Attribution] = []
    pred: list[Attribution] = []
    width = max(1, n_slots // (count + 1))
    for k in range(count):
        first = k * width
        if first + 3 >= n_slots:
            break
        source = Span(first * SLOT, first * SLOT + 11)
        cue = Span((first + 1) * SLOT, (first + 1) * SLOT + 11)
        last = min(n_slots - 1, first + 2 + int(rng.integers(1, 6)))
        content = Span((first + 2) * SLOT, last * SLOT + 11)
        g = Attribution(content=(content,), source=source, cue=cue, kind=QuoteKind.INDIRECT)
        gold.append(g)
        f = rng.random()
        if f < 0.6:
            pred.append(g)
        elif f < 0.8:
            pred.append(Attribution(content=(Span(content.start + SLOT, content.end),), source=source, cue=cue))
    return gold, pred


def make_corpus(documents: int, per_doc: int, *, numbers: int = 0, attributions: int = 0, seed: int = 0) -> Corpus:
    """A synthetic corpus of ``documents`` with about ``per_doc`` gold entity mentions each."""
    rng = np.random.default_rng(seed)
    gold: list[GoldDocument] = []
    predictions: dict[str, Annotations] = {}
    slots = round(per_doc / 0.95)
    text = ("w" * (SLOT - 1) + " ") * slots
    for d in range(documents):
        doc_id = f"d{d:06d}"
        ge, pe = _entities(rng, slots)
        gn, pn = _numbers(rng, slots, numbers) if numbers else ([], [])
        ga, pa = _attributions(rng, slots, attributions) if attributions else ([], [])
        layers = (tuple(ge), tuple(gn) if numbers else None, tuple(ga) if attributions else None)
        gold.append(GoldDocument(doc_id, "perf", text, "", Annotations(doc_id, *layers)))
        predictions[doc_id] = Annotations(doc_id, tuple(pe), tuple(pn) if numbers else None, tuple(pa) if attributions else None)
    return Corpus(tuple(gold), predictions)


def nervaluate_input(corpus: Corpus) -> tuple[list[list[dict[str, Any]]], list[list[dict[str, Any]]]]:
    """The entity data in nervaluate's dict format (inclusive ends)."""

    def side(entities: Sequence[Entity]) -> list[dict[str, Any]]:
        return [{"label": str(e.label), "start": e.start, "end": e.end - 1} for e in entities]

    true = [side(d.annotations.entities or ()) for d in corpus.gold]
    pred = [side(corpus.predictions[d.doc_id].entities or ()) for d in corpus.gold]
    return true, pred


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- child measurements ------------------------------------------------------------------------


def _ours(documents: int, per_doc: int, numbers: int, attributions: int, *, general: bool, trace: bool) -> dict[str, Any]:
    from bench.score import entity_batch as entity_module
    from bench.score import score_corpus

    corpus = make_corpus(documents, per_doc, numbers=numbers, attributions=attributions)
    attempted = frozenset({Layer.ENTITIES} | ({Layer.NUMBERS} if numbers else set()) | ({Layer.ATTRIBUTIONS} if attributions else set()))
    rss_data = peak_rss_mb()
    if general:
        import functools

        import bench.score.corpus as corpus_module

        forced = functools.partial(entity_module.score_entity_documents, fast=False)
        setattr(corpus_module, "score_entity_documents", forced)  # noqa: B010 (a benchmark-only patch)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    result = score_corpus(corpus.gold, corpus.predictions, system="perf", attempted=attempted)
    counts = result.counts
    seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    entities = counts.entities
    assert entities is not None
    from bench.score.entities import MODES

    modes = {mode.value: list(_tuple(entities.overall(mode))) for mode in MODES}
    return {
        "seconds": seconds,
        "mentions": corpus.mentions,
        "numbers": sum(len(d.annotations.numbers or ()) for d in corpus.gold),
        "attributions": sum(len(d.annotations.attributions or ()) for d in corpus.gold),
        "peak_rss_mb": peak_rss_mb(),
        "data_rss_mb": rss_data,
        "traced_peak_mb": traced,
        "modes": modes,
    }


def _tuple(counts: Any) -> tuple[int, int, int, int, int]:
    return (counts.correct, counts.incorrect, counts.partial, counts.missed, counts.spurious)


def _nervaluate(documents: int, per_doc: int) -> dict[str, Any]:
    from nervaluate import Evaluator

    corpus = make_corpus(documents, per_doc)
    true, pred = nervaluate_input(corpus)
    started = time.perf_counter()
    results = Evaluator(true, pred, tags=[str(x) for x in LABELS], loader="dict").evaluate()
    seconds = time.perf_counter() - started
    names = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
    modes = {ours: list(_tuple(results["overall"][theirs])) for ours, theirs in names.items()}
    return {"seconds": seconds, "mentions": corpus.mentions, "peak_rss_mb": peak_rss_mb(), "modes": modes}


def _child(args: argparse.Namespace) -> None:
    if args.child == "ours":
        out = _ours(args.documents, args.per_doc, args.numbers, args.attributions, general=args.general, trace=args.trace)
    else:
        out = _nervaluate(args.documents, args.per_doc)
    print(json.dumps(out))


def measure(kind: str, documents: int, per_doc: int, *extra: str) -> dict[str, Any]:
    """Run one measurement in a fresh Python process and return its JSON report."""
    command = [sys.executable, "-m", "bench.perf", "--child", kind, "--documents", str(documents), "--per-doc", str(per_doc), *extra]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


# --- the report ----------------------------------------------------------------------------------


def _us(seconds: float, mentions: int) -> float:
    return 1e6 * seconds / max(1, mentions)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perf", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mentions", type=int, default=1_000_000, help="entity mentions per corpus (default 1M)")
    parser.add_argument("--nervaluate-mentions", type=int, default=50_000, help="mentions nervaluate is timed on")
    parser.add_argument("--child", choices=["ours", "nervaluate"], help=argparse.SUPPRESS)
    parser.add_argument("--documents", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--per-doc", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--numbers", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--attributions", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--general", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return 0

    failures = 0
    print(f"newsbench scorer performance (nervaluate 1.2.1 timed on ~{args.nervaluate_mentions:,} mentions and extrapolated per mention)\n")
    for per_doc, target in ((100, 10), (1000, 50)):
        documents = max(1, args.mentions // per_doc)
        extra = ["--numbers", "20", "--attributions", "5"] if per_doc == 100 else []
        full = measure("ours", documents, per_doc, *extra)
        entities_only = measure("ours", documents, per_doc)
        traced = measure("ours", documents, per_doc, "--trace")
        general = measure("ours", max(1, documents // 10), per_doc, "--general")
        sub_docs = max(1, args.nervaluate_mentions // per_doc)
        theirs = measure("nervaluate", sub_docs, per_doc)
        ours_sub = measure("ours", sub_docs, per_doc)
        theirs_us = _us(theirs["seconds"], theirs["mentions"])
        ours_us = _us(entities_only["seconds"], entities_only["mentions"])
        ratio = theirs_us / ours_us
        same = theirs["modes"] == ours_sub["modes"]
        failures += (not same) + (ratio < target)
        print(f"== {per_doc} entities per document: {documents:,} documents, {entities_only['mentions']:,} gold mentions ==")
        if per_doc == 100:
            print(f"  all layers (+{full['numbers']:,} numbers, {full['attributions']:,} attributions): "
                  f"{full['seconds']:.1f} s, peak RSS {full['peak_rss_mb']:.0f} MB (of which data {full['data_rss_mb']:.0f} MB)")
        print(f"  ours, entities:      {entities_only['seconds']:8.2f} s  {ours_us:7.2f} µs/mention  peak RSS {entities_only['peak_rss_mb']:.0f} MB "
              f"(data alone {entities_only['data_rss_mb']:.0f} MB)")
        print(f"  ours, memory allocated while scoring (tracemalloc peak, separate run): {traced['traced_peak_mb']:.0f} MB")
        print(f"  ours, general path forced ({general['mentions']:,} mentions): {_us(general['seconds'], general['mentions']):.2f} µs/mention")
        print(f"  nervaluate:          {theirs['seconds']:8.2f} s on {theirs['mentions']:,} mentions, {theirs_us:7.2f} µs/mention "
              f"→ ~{theirs_us * entities_only['mentions'] / 1e6:.0f} s extrapolated to {entities_only['mentions']:,}")
        print(f"  ratio: {ratio:.1f}x faster (target ≥ {target}x) {'OK' if ratio >= target else 'MISSED'}")
        print(f"  identical counts in every mode on the nervaluate subset: {'yes' if same else 'NO'}")
        if not same:
            print(f"    ours {ours_sub['modes']}\n    nervaluate {theirs['modes']}")
        print()

    print("== cost per mention as documents grow (about 100,000 mentions each) ==")
    print(f"  {'per doc':>8} {'ours µs':>9} {'nervaluate µs':>14}")
    for per_doc in (10, 100, 1000, 5000):
        documents = max(1, 100_000 // per_doc)
        ours = measure("ours", documents, per_doc)
        small = max(1, min(documents, 20_000 // per_doc)) if per_doc <= 1000 else 1
        theirs = measure("nervaluate", small, per_doc)
        print(f"  {per_doc:>8} {_us(ours['seconds'], ours['mentions']):>9.2f} {_us(theirs['seconds'], theirs['mentions']):>14.2f}")
    print("\nall targets met" if not failures else f"\n{failures} target(s) missed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
