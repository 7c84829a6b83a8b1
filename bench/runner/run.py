"""Running systems: :func:`run_system` runs one and returns its :class:`RunResult`; :func:`write_run` writes it.

For each system the runner

1. looks every document up in the cache (:mod:`bench.runner.cache`); ``use_cache=False`` bypasses it;
2. predicts the rest in ``jobs`` worker processes (:mod:`bench.runner.pool`), or on ``jobs`` Ray
   actors with ``executor="ray"`` (:mod:`bench.runner.executors`), in small chunks so batch adapters
   can use their batch path;
3. checks every output (:func:`bench.runner.checks.check_output`);
4. keeps what each computed document cost (:class:`~bench.cost.DocumentCost`: the seconds of its own
   prediction, and the tokens the adapter's ``run_summary`` reports for it) in :attr:`RunResult.costs`
   and with its cached prediction; a cached document has the figures kept when it was computed;
5. and :func:`write_run` writes ``<out>/<system>.jsonl`` (one line per document predicted, in
   document order) and ``<out>/<system>.run.json`` (:func:`run_record`: version, config,
   layers, counts, the failures and any warnings), atomically, and ``<out>/<system>.log`` with
   whatever its workers printed to stdout (only if they did); with ``log_samples``
   (``--log-samples``) also ``<out>/<system>.samples.jsonl`` (:mod:`bench.runner.samples`).

A document a replayed predictions file (``file:PATH``) has no line for is not a failure: it is
left out and scored as empty, with the same warning as ``newsbench score``.

Fault containment: an exception, a timeout or invalid output on one document is recorded as a
:class:`~bench.failures.Failure` (document id and a one-line reason) and the run goes on. A
failed document has no line in the JSONL, so the scorer scores it as empty (everything missed),
and the report counts the failures from :attr:`RunResult.failures` or the ``.run.json`` file.

Interruption (Ctrl-C, SIGTERM via :mod:`bench.interrupt`): the workers are killed, every
document answered so far is in the cache, and the previous output files stay as they were.

Systems only ever receive :class:`~bench.schema.Document` (id and text): whatever documents the
caller passes are reduced to those two fields before anything reaches an adapter.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import atomic, interrupt
from bench.cost import DocumentCost, document_tokens, with_tokens
from bench.errors import UserError
from bench.failures import Failure
from bench.names import slug
from bench.paths import default_cache
from bench.predictions import missing_warning, to_json_line
from bench.registry import (
    Discovery,
    FileSystem,
    JSONValue,
    SystemAdapter,
    accepted_options,
    create,
    discover,
    layer_names,
    options_of,
    require_available,
)
from bench.runner.cache import PredictionCache, cache_key, key_options
from bench.runner.checks import check_output
from bench.runner.executors import LOCAL, Executor, open_executor
from bench.runner.pool import DEFAULT_TIMEOUT, run_in_process
from bench.runner.progress import Progress
from bench.runner.samples import Sample, render, samples_path
from bench.runner.worker import Answer, traceback_printer
from bench.schema import Annotations, Document, Layer

#: Where ``newsbench run`` writes predictions by default (gitignored).
DEFAULT_OUT = Path("predictions")


@dataclass(frozen=True, slots=True)
class RunResult:
    """One system's run: its predictions (valid ones only), where :func:`write_run` puts them, and its failures."""

    system: str
    version: str
    layers: frozenset[Layer]
    config: Mapping[str, JSONValue]
    predictions: Mapping[str, Annotations]
    path: Path
    manifest: Path
    failures: tuple[Failure, ...]
    documents: int
    cached: int
    seconds: float
    #: Non-fatal notes, e.g. the documents a replayed predictions file has no line for.
    warnings: tuple[str, ...] = ()
    #: ``<out>/<system>.log``: what the system's workers printed to stdout, if anything.
    printed: Path | None = None
    #: What the run cost, from the adapter's ``run_summary`` (None: nothing reported).
    usage: Mapping[str, JSONValue] | None = None
    #: ``--log-samples``: one sample per document, in document order (None: not asked for).
    samples: tuple[Sample, ...] | None = None
    #: What each document's prediction cost when it was computed (this run, or the run that cached it), in
    #: document order: documents predicted or failed; none for a cached prediction whose cost was not kept,
    #: nor for a replayed predictions file (``file:PATH``: its predictions were made elsewhere).
    costs: Mapping[str, DocumentCost] = field(default_factory=dict)


def _outputs(out_dir: Path, system: str) -> tuple[Path, Path, Path, Path]:
    """``<system>.jsonl``, ``.run.json``, ``.log``, and the hidden log the workers print into until the run is written."""
    name = slug(system)
    return (out_dir / f"{name}.jsonl", out_dir / f"{name}.run.json", out_dir / f"{name}.log",
            out_dir / f".{name}.log.partial")


def _as_document(document: Document) -> Document:
    """Exactly a Document with id and text, whatever the caller passed (a GoldDocument, say)."""
    return Document(str(document.doc_id), str(document.text))


def run_system(
    adapter: SystemAdapter,
    documents: Iterable[Document],
    *,
    out_dir: Path,
    jobs: int = 1,
    use_cache: bool = True,
    cache_dir: Path | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    options: Mapping[str, Any] | None = None,
    max_memory: int | None = None,
    log_samples: bool = False,
    splits: Mapping[str, str] | None = None,
    executor: Executor | None = None,
) -> RunResult:
    """Run one (available) adapter over ``documents``; write nothing but the workers' log (see :func:`write_run`).

    ``options`` are those the adapter was created with (:func:`run_systems` passes them); they
    are part of the cache key (see :func:`~bench.runner.cache.key_options`). ``cache_dir``:
    None is :func:`~bench.paths.default_cache`. ``max_memory``: MB per worker process
    (None: no cap; see :func:`~bench.runner.worker.limit_memory`). What the workers print goes
    to a hidden file in ``out_dir`` that :func:`write_run` turns into ``<system>.log``.

    ``log_samples``: keep a :class:`~bench.runner.samples.Sample` per document (``splits`` names each
    document's split, if known), with the adapter's sample detail; what is kept is cached with each
    prediction, and a cached prediction made without ``log_samples`` is predicted again, so every
    sample has its detail.

    ``executor``: where isolated systems run with ``jobs`` > 0 (None: local worker processes; see
    :func:`~bench.runner.executors.open_executor`). Whichever it is, this process alone checks, caches
    and writes.

    Every computed document's cost (:attr:`RunResult.costs`) is cached with its prediction: its seconds
    when it is predicted, its tokens (if the adapter reports any) once ``run_summary`` has told them.

    Interrupted (:class:`~bench.interrupt.Interrupted`, ``KeyboardInterrupt``): every document
    predicted so far is in the cache, the workers are killed, and the hidden log is removed.
    """
    started = time.monotonic()
    docs = [_as_document(d) for d in documents]
    layers = frozenset(adapter.layers)
    config = dict(adapter.config())
    declared = options_of(adapter)
    cache = PredictionCache(cache_dir if cache_dir is not None else default_cache())
    cacheable = use_cache and declared.cache
    keyed = key_options(options or {})
    keys = {d.doc_id: cache_key(adapter, d, config=config, options=keyed) for d in docs} if cacheable else {}
    by_id = {d.doc_id: d for d in docs}
    if len(by_id) != len(docs):
        raise UserError(f"document ids are not unique ({len(docs) - len(by_id)} repeated)", exit_code=2)
    predictions: dict[str, Annotations] = {}
    failures: dict[str, str] = {}
    kept: dict[str, tuple[dict[str, JSONValue] | None, bool]] = {}  # --log-samples: detail, cached
    costs: dict[str, DocumentCost] = {}
    warnings: list[str] = []
    if isinstance(adapter, FileSystem):
        # A document a predictions file has no line for is scored as empty, as `newsbench score` does.
        present = adapter.doc_ids()
        absent = [d.doc_id for d in docs if d.doc_id not in present]
        if absent:
            warnings.append(missing_warning(adapter.path, absent))
        docs_to_predict = [d for d in docs if d.doc_id in present]
    else:
        docs_to_predict = docs
    if progress is not None:
        progress.start(adapter.name, len(docs))
        for _ in range(len(docs) - len(docs_to_predict)):
            progress.advance(adapter.name, failed=False, cached=True)  # nothing to compute
    todo: list[Document] = []
    for document in docs_to_predict:
        hit = cache.get(adapter.name, keys[document.doc_id], document.doc_id) if cacheable else None
        if hit is not None and log_samples:
            sample = cache.get_sample(adapter.name, keys[document.doc_id])
            if sample is None:
                hit = None  # made without --log-samples: predicted again for its detail
            else:
                detail = sample.get("detail")
                kept[document.doc_id] = (detail if isinstance(detail, dict) else None, True)
                if hit.cost is None and (older := DocumentCost.from_json(sample)) and older.seconds is not None:
                    hit = hit._replace(cost=older)  # sampled before the cost was kept in the entry
        if hit is not None:
            predictions[document.doc_id] = hit.record
            if hit.cost is not None:
                costs[document.doc_id] = hit.cost
            if progress is not None:
                progress.advance(adapter.name, failed=False, cached=True)
        else:
            todo.append(document)
    cached = len(predictions)
    path, manifest, log_path, new_log = _outputs(out_dir, adapter.name)
    if todo:
        with contextlib.ExitStack() as stack:
            answers: Iterator[Answer]
            if declared.isolate and jobs > 0:
                out_dir.mkdir(parents=True, exist_ok=True)
                log = stack.enter_context(open(new_log, "wb"))
                workers = (executor or LOCAL).run(adapter, todo, jobs=jobs, timeout=timeout, stdout=log.fileno(),
                                                  max_memory=max_memory, samples=log_samples)
                answers = stack.enter_context(contextlib.closing(workers))  # workers end with this block
            else:
                answers = run_in_process(adapter, todo, traceback_printer(adapter.name) if jobs == 0 else None,
                                         samples=log_samples)
            try:
                for doc_id, output, reason, took, detail in answers:
                    record: Annotations | None = None
                    if not reason:
                        record, reason = check_output(layers, by_id[doc_id], output)
                    if log_samples:
                        kept[doc_id] = (detail, False)
                    costs[doc_id] = DocumentCost.timed(took)
                    if record is not None:
                        predictions[doc_id] = record
                        if cacheable:
                            cache.put(adapter.name, keys[doc_id], record, costs.get(doc_id))
                            if log_samples:
                                cache.put_sample(adapter.name, keys[doc_id], {"detail": detail})
                    else:
                        failures[doc_id] = reason
                    if progress is not None:
                        progress.advance(adapter.name, failed=record is None)
            except BaseException:
                new_log.unlink(missing_ok=True)
                raise
    if progress is not None:
        progress.finish(adapter.name)
    printed = log_path if new_log.is_file() and new_log.stat().st_size > 0 else None
    ordered = {d.doc_id: predictions[d.doc_id] for d in docs if d.doc_id in predictions}
    failed = tuple(Failure(d.doc_id, failures[d.doc_id]) for d in docs if d.doc_id in failures)
    seconds = time.monotonic() - started
    usage = adapter.run_summary([d.doc_id for d in docs])
    computed = {d.doc_id for d in todo}
    for doc_id, reported in document_tokens(usage).items():
        if doc_id in computed and doc_id in costs:
            costs[doc_id] = with_tokens(costs[doc_id], reported)
            if cacheable and doc_id in predictions:
                cache.put(adapter.name, keys[doc_id], predictions[doc_id], costs[doc_id])
    samples = None
    if log_samples:
        missing = f"no line in {adapter.path} (scored as empty)" if isinstance(adapter, FileSystem) else None
        samples = tuple(_sample(d, (splits or {}).get(d.doc_id), ordered.get(d.doc_id), failures.get(d.doc_id),
                                kept.get(d.doc_id), costs.get(d.doc_id), missing) for d in docs)
    return RunResult(
        adapter.name, adapter.version, layers, config, ordered, path, manifest, failed, len(docs), cached, seconds,
        tuple(warnings), printed, usage, samples,
        # a file's predictions were made elsewhere: reading them is not their cost
        {} if isinstance(adapter, FileSystem) else {d.doc_id: costs[d.doc_id] for d in docs if d.doc_id in costs},
    )


def _sample(
    document: Document, split: str | None, record: Annotations | None, failure: str | None,
    kept: tuple[dict[str, JSONValue] | None, bool] | None, cost: DocumentCost | None, missing: str | None,
) -> Sample:
    """One document's :class:`Sample`; a document neither predicted nor failed is one a predictions file lacks."""
    detail, cached = kept or (None, False)
    return Sample(document, split, record, failure, None if cost is None else cost.seconds, cached, detail,
                  missing if record is None and failure is None else None)


def run_record(result: RunResult) -> dict[str, Any]:
    """What ``<system>.run.json`` says about a run: version, config, layers, counts, failures, warnings, log, usage."""
    record: dict[str, Any] = {
        "system": result.system,
        "version": result.version,
        "config": dict(result.config),
        "layers": layer_names(result.layers),
        "documents": result.documents,
        "predicted": len(result.predictions),
        "cached": result.cached,
        "failed": len(result.failures),
        "failures": [{"doc_id": f.doc_id, "reason": f.reason} for f in result.failures],
        "seconds": round(result.seconds, 3),
    }
    if result.warnings:
        record["warnings"] = list(result.warnings)
    if result.printed is not None:
        record["printed"] = result.printed.name
    if result.usage is not None:
        record["usage"] = result.usage
    return record


def write_run(result: RunResult) -> RunResult:
    """Replace ``result``'s JSONL, run record, log and samples together (atomically, not interruptible); ``result`` back.

    A samples file of an earlier run is removed when this run kept none: it would describe other predictions.
    """
    _, _, log_path, new_log = _outputs(result.path.parent, result.system)
    samples = samples_path(result.path.parent, result.system)
    with interrupt.deferred():
        atomic.write_text(result.path, "".join(to_json_line(r) + "\n" for r in result.predictions.values()))
        atomic.write_text(result.manifest, json.dumps(run_record(result), indent=2, ensure_ascii=False) + "\n")
        if result.samples is not None:
            atomic.write_text(samples, render(result.samples))
        else:
            samples.unlink(missing_ok=True)
        if result.printed is not None:
            os.replace(new_log, log_path)
        else:  # a previous run's output is not this run's
            new_log.unlink(missing_ok=True)
            log_path.unlink(missing_ok=True)
    return result


def run_systems(
    systems: Sequence[str | SystemAdapter],
    documents: Iterable[Document],
    *,
    out_dir: Path = DEFAULT_OUT,
    jobs: int = 1,
    use_cache: bool = True,
    options: Mapping[str, Any] | None = None,
    cache_dir: Path | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    discovery: Discovery | None = None,
    max_memory: int | None = None,
    log_samples: bool = False,
    splits: Mapping[str, str] | None = None,
    executor: str = "local",
) -> dict[str, RunResult]:
    """Run each system (a registry name, ``file:PATH``, or an adapter instance) over ``documents``; write each run.

    ``options`` reach each system's factory if it accepts them (``{"model": ...}``); a key
    ``"SYSTEM"`` holding a mapping gives options for that system only. The options a system
    accepts are part of its cache key (but for :data:`~bench.runner.cache.RUN_OPTIONS`). Every
    system is created and checked for availability before any runs, so an unknown or
    unavailable one fails fast with a :class:`UserError` naming the reason and the install
    command. ``max_memory``: MB per worker process (None: no cap). ``log_samples``: write each
    system's ``<system>.samples.jsonl`` too (``splits``: each document's split, for the samples).
    ``executor``: ``"local"`` or ``"ray"`` (see :func:`~bench.runner.executors.open_executor`); Ray is
    connected to only if some document is to be computed, once for all the systems.
    """
    docs = [_as_document(d) for d in documents]
    found = discovery
    adapters: list[SystemAdapter] = []
    given: list[dict[str, Any]] = []
    for system in systems:
        if isinstance(system, str):
            found = found or discover()
            own = system_options(options, system)
            adapters.append(create(system, own, discovery=found))
            given.append(accepted_options(system, own, discovery=found))
        else:
            adapters.append(system)
            given.append({})
    names = [a.name for a in adapters]
    if len(set(names)) != len(names):
        raise UserError(f"systems named twice: {', '.join(sorted({n for n in names if names.count(n) > 1}))}", exit_code=2)
    for adapter in adapters:
        require_available(adapter)
    with open_executor(executor, jobs) as chosen:
        return {
            adapter.name: write_run(run_system(
                adapter, docs, out_dir=out_dir, jobs=jobs, use_cache=use_cache, cache_dir=cache_dir,
                timeout=timeout, progress=progress, options=own, max_memory=max_memory, log_samples=log_samples,
                splits=splits, executor=chosen,
            ))
            for adapter, own in zip(adapters, given, strict=True)
        }


def system_options(options: Mapping[str, Any] | None, system: str) -> dict[str, Any]:
    """Options for one system: the shared ones overridden by ``options[system]`` when that is a mapping."""
    options = options or {}
    shared = {k: v for k, v in options.items() if not isinstance(v, Mapping)}
    own = options.get(system)
    return {**shared, **(dict(own) if isinstance(own, Mapping) else {})}


def read_run_record(path: Path) -> dict[str, Any]:
    """A ``<system>.run.json`` written by :func:`write_run` (for reports that count failures)."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"{path}: cannot read run record: {error}", exit_code=2) from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: run record is not a JSON object", exit_code=2)
    return data
