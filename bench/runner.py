"""Run systems over documents: cached, fault-contained, optionally parallel; one predictions JSONL per system.

For each system the runner

1. looks every document up in the cache, keyed by SHA-256 of (system name, version, code,
   config, the options it was created with, SHA-256 of the document's text) — re-runs are instant, ``use_cache=False`` bypasses it;
2. predicts the rest in ``jobs`` worker processes (fresh interpreters, each holding one copy of the
   adapter, set up once, with ``PYTHONHASHSEED=0`` unless it is set, so set-order-dependent
   libraries are deterministic), in small chunks so batch adapters can use their batch path;
3. checks every output: it must be :class:`~bench.schema.Annotations` for that document,
   attempt only declared layers, parse strictly in the prediction format (known labels,
   integer offsets) and pass :func:`bench.validate.check_annotations` (offsets in range,
   end after start, ``text`` equal to the slice);
4. writes ``<out>/<system>.jsonl`` (one line per document predicted, in document order) and
   ``<out>/<system>.run.json`` (version, config, layers, counts, the failures and any warnings), atomically,
   and ``<out>/<system>.log`` with whatever its workers printed to stdout (only if they did).

A document a replayed predictions file (``file:PATH``) has no line for is not a failure: it is
left out and scored as empty, with the same warning as ``newsbench score``.

Fault containment: an exception, a timeout or invalid output on one document is recorded as a
:class:`Failure` (document id and a one-line reason) and the run goes on. A failed document has
no line in the JSONL, so the scorer scores it as empty (everything missed), and the report
counts the failures from :attr:`RunResult.failures` or the ``.run.json`` file. A worker that
crashes or exceeds the timeout is killed and replaced; if it was working on several documents
they are retried one at a time so only the culprit fails. The timeout is per document: a chunk
of several documents must finish within one document's timeout, and when it does not, the
system's remaining documents run one at a time, each under its own (see :func:`_run_in_workers`).

Memory: each worker's data segment is capped (``max_memory`` MB, :func:`limit_memory`); a
document that runs out fails alone and its worker is replaced. Interruption (Ctrl-C, SIGTERM
via :mod:`bench.interrupt`): the workers are killed, every document answered so far is in the
cache, and the previous output files stay as they were (see :func:`run_system`).

Systems only ever receive :class:`~bench.schema.Document` (id and text): whatever documents the
caller passes are reduced to those two fields before anything reaches an adapter.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import pickle
import re
import resource
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Protocol, TextIO

from bench import atomic, interrupt
from bench.documents import load_documents as read_documents
from bench.errors import UserError
from bench.parse import ANNOTATIONS, validate
from bench.predictions import missing_warning
from bench.registry import (
    Discovery,
    FileSystem,
    JSONValue,
    SystemAdapter,
    accepted_options,
    create,
    discover,
    layer_names,
    require_available,
)
from bench.schema import Annotations, Attribution, Document, Entity, Layer, Number, Span
from bench.validate import check_annotations

#: Where cached predictions live (gitignored). Override with ``NEWSBENCH_CACHE``.
DEFAULT_CACHE = Path(os.environ.get("NEWSBENCH_CACHE", Path(__file__).resolve().parent.parent / ".cache" / "newsbench"))
#: Where ``newsbench run`` writes predictions by default (gitignored).
DEFAULT_OUT = Path("predictions")
#: Seconds one document may take before its worker is killed.
DEFAULT_TIMEOUT = 600.0
#: Seconds a worker may take to start and load its models.
SETUP_TIMEOUT = 900.0
#: Largest chunk of documents sent to a worker at once.
MAX_CHUNK = 16
#: Longest failure reason kept (reasons are one line).
MAX_REASON = 300
#: The failure reason of a document whose prediction ran out of memory (the worker adds its limit).
OUT_OF_MEMORY = "out of memory"


def physical_memory_mb() -> int | None:
    """This machine's memory in MB, or None where it cannot be read: the default per-worker limit."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError):
        return None


def worker_memory(megabytes: int | None) -> int | None:
    """The per-worker cap for ``--max-memory``: None → this machine's memory, 0 → no cap (None).

    >>> worker_memory(0) is None, worker_memory(512)
    (True, 512)
    """
    if megabytes is None:
        return physical_memory_mb()
    return megabytes or None


@dataclass(frozen=True, slots=True)
class Failure:
    """A document a system produced no valid prediction for, and why."""

    doc_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class RunResult:
    """One system's run: its predictions (valid ones only), where they were written, and its failures."""

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


class Progress(Protocol):
    """What the runner reports progress to (see :func:`rich_progress`)."""

    def start(self, system: str, total: int) -> None: ...

    def advance(self, system: str, *, failed: bool) -> None: ...

    def finish(self, system: str) -> None: ...


# --- serialisation ---------------------------------------------------------------------------


def _span(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    out: dict[str, Any] = {"start": span.start, "end": span.end}
    if span.text is not None:
        out["text"] = span.text
    return out


def _plain(value: object) -> object:
    """String enums to their value, everything else as is (the strict re-parse rejects wrong types)."""
    return str(value) if isinstance(value, str) else value


def _entity(e: Entity) -> dict[str, Any]:
    out: dict[str, Any] = {"start": e.start, "end": e.end, "label": _plain(e.label)}
    if e.text is not None:
        out["text"] = e.text
    if e.tags:
        out["tags"] = list(e.tags)
    return out


def _number(n: Number) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start": n.start,
        "end": n.end,
        "value": n.value,
        "value_max": n.value_max,
        "unit": n.unit,
        "qualifier": _plain(n.qualifier),
        "kind": _plain(n.kind),
    }
    if n.text is not None:
        out["text"] = n.text
    if n.tags:
        out["tags"] = list(n.tags)
    return out


def _attribution(a: Attribution) -> dict[str, Any]:
    out = {
        "source": _span(a.source),
        "cue": _span(a.cue),
        "content": [_span(s) for s in a.content],
        "kind": _plain(a.kind),
    }
    if a.tags:
        out["tags"] = list(a.tags)
    return out


def to_json(record: Annotations) -> dict[str, Any]:
    """A record as a prediction-format object; layers not attempted are left out (not ``[]``).

    ``text`` is written for readability and ``tags`` when a system sets them (the ``llm`` system
    records how each string was grounded); the scorer ignores both.
    """
    out: dict[str, Any] = {"doc_id": record.doc_id}
    if record.entities is not None:
        out["entities"] = [_entity(e) for e in record.entities]
    if record.numbers is not None:
        out["numbers"] = [_number(n) for n in record.numbers]
    if record.attributions is not None:
        out["attributions"] = [_attribution(a) for a in record.attributions]
    return out


def to_json_line(record: Annotations) -> str:
    """One JSONL line (no newline), UTF-8 characters kept."""
    return json.dumps(to_json(record), ensure_ascii=False)


# --- checking outputs ------------------------------------------------------------------------


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_REASON else line[: MAX_REASON - 1] + "…"


_ITEM_TYPES: tuple[tuple[str, type], ...] = (("entities", Entity), ("numbers", Number), ("attributions", Attribution))


def _kind(value: object) -> str:
    return type(value).__name__


def _shape_problem(output: Annotations) -> str:
    """Where ``output`` holds an object of the wrong class (``"entities[0]: a dict, not an Entity"``), or ``""``.

    Field values (a string offset, an unknown label) are left to the strict re-parse, which names them.
    """
    for layer, item_type in _ITEM_TYPES:
        items = getattr(output, layer)
        if items is None:
            continue
        if not isinstance(items, (tuple, list)):
            return f"{layer}: a {_kind(items)}, not a tuple of {item_type.__name__}"
        for index, item in enumerate(items):
            if not isinstance(item, item_type):
                return f"{layer}[{index}]: a {_kind(item)}, not {item_type.__name__}"
            if isinstance(item, Attribution):
                spans = {"source": item.source, "cue": item.cue}
                if not isinstance(item.content, (tuple, list)):
                    return f"{layer}[{index}].content: a {_kind(item.content)}, not a tuple of Span"
                spans.update({f"content[{i}]": span for i, span in enumerate(item.content)})
                for name, span in spans.items():
                    optional = not name.startswith("content")
                    if not isinstance(span, Span) and not (span is None and optional):
                        return f"{layer}[{index}].{name}: a {_kind(span)}, not Span"
    return ""


def check_output(layers: frozenset[Layer], document: Document, output: object) -> tuple[Annotations | None, str]:
    """``(record, "")`` when ``output`` is a valid prediction for ``document``, else ``(None, reason)``.

    The returned record is the strict re-parse of the output's JSON form, so what is kept is
    exactly what the JSONL file will say.
    """
    if not isinstance(output, Annotations):
        return None, f"invalid output: returned {type(output).__name__}, not Annotations"
    if output.doc_id != document.doc_id:
        return None, f"invalid output: doc_id is {output.doc_id!r}"
    shape = _shape_problem(output)
    if shape:
        return None, _short(f"invalid output: {shape}")
    extra = output.attempted() - layers
    if extra:
        return None, f"invalid output: layer(s) {', '.join(layer_names(extra))} not declared by the system"
    try:
        line = to_json_line(output)
    except Exception as error:  # noqa: BLE001 — whatever an adapter returned, it fails its document only
        return None, _short(f"invalid output: not JSON-serialisable ({_reason(error)})")
    parsed, found = validate(ANNOTATIONS, line, root="")
    if parsed is None:
        where, message = found[0]
        return None, _short(f"invalid output: {where}: {message}")
    assert isinstance(parsed, Annotations)
    problems = check_annotations(parsed, document.text, gold=False)
    if problems:
        where, message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return None, _short(f"invalid output: {where.removeprefix('$.')}: {message}{more}")
    return parsed, ""


# --- cache -----------------------------------------------------------------------------------


def document_sha256(document: Document) -> str:
    return hashlib.sha256(document.text.encode("utf-8")).hexdigest()


@functools.cache
def _package_fingerprint(module_name: str) -> str:
    """SHA-256 over the Python sources of the top-level package that defines ``module_name``.

    For the built-ins that is every file under ``systems/`` (helpers included), so an edit to a
    system's code invalidates its cached predictions even when its ``version`` was not bumped.
    """
    module = sys.modules.get(module_name)
    source = getattr(module, "__file__", None)
    if source is None:
        return "unknown"
    top = sys.modules.get(module_name.split(".")[0])
    top_file = getattr(top, "__file__", None)
    root = Path(top_file).parent if top_file and Path(top_file).name == "__init__.py" else None
    files = sorted(root.rglob("*.py")) if root is not None else [Path(source)]
    digest = hashlib.sha256()
    for path in files:
        try:
            digest.update(path.relative_to(root).as_posix().encode() if root else path.name.encode())
            digest.update(path.read_bytes())
        except OSError:
            continue
    return digest.hexdigest()


def code_fingerprint(adapter: SystemAdapter) -> str:
    """A hash of the code that defines ``adapter`` (see :func:`_package_fingerprint`)."""
    return _package_fingerprint(type(adapter).__module__)


#: Options that say how a system runs or authenticates, never what it outputs: left out of the
#: cache key (``api_key`` is a secret and must never reach a key, a file or a message).
RUN_OPTIONS = frozenset({"api_key", "response_cache", "document_timeout"})


def key_options(options: Mapping[str, Any]) -> dict[str, JSONValue]:
    """The options a system was created with that belong in its cache key: all but :data:`RUN_OPTIONS` and None.

    >>> key_options({"model": "foo", "api_key": "secret", "base_url": None})
    {'model': 'foo'}
    """
    return {k: _jsonable(v) for k, v in sorted(options.items()) if k not in RUN_OPTIONS and v is not None}


def _jsonable(value: object) -> JSONValue:
    """``value`` as JSON (a path or other object as its string), so any option can be keyed."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))  # type: ignore[no-any-return]


def cache_key(
    adapter: SystemAdapter,
    document: Document,
    *,
    config: Mapping[str, JSONValue] | None = None,
    options: Mapping[str, JSONValue] | None = None,
) -> str:
    """SHA-256 over the system's name, version, code, config, options and the document text's SHA-256.

    Pass ``config`` when keying many documents, so ``adapter.config()`` (which may read model
    files) runs once per run rather than once per document. ``options`` are those the system
    was created with (see :func:`key_options`): part of the key whether or not ``config()``
    reports them, so ``--model mine=foo`` and ``--model mine=bar`` never share predictions.
    """
    material: dict[str, Any] = {
        "system": adapter.name,
        "version": adapter.version,
        "code": code_fingerprint(adapter),
        "config": dict(adapter.config()) if config is None else dict(config),
        "document": document_sha256(document),
    }
    if options:
        material["options"] = dict(options)
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _safe(name: str) -> str:
    """A system name as a file name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "system"


@dataclass(frozen=True, slots=True)
class PredictionCache:
    """Checked predictions on disk, one small JSON file per (system, document) key."""

    root: Path

    def _path(self, system: str, key: str) -> Path:
        return self.root / _safe(system) / key[:2] / f"{key}.json"

    def get(self, system: str, key: str, doc_id: str) -> Annotations | None:
        """The cached record (re-labelled with ``doc_id``), or None; an unreadable entry is a miss."""
        try:
            raw = self._path(system, key).read_bytes()
        except OSError:
            return None
        record, _ = validate(ANNOTATIONS, raw, root="")
        if not isinstance(record, Annotations):
            return None
        return replace(record, doc_id=doc_id)

    def put(self, system: str, key: str, record: Annotations) -> None:
        atomic.write_text(self._path(system, key), to_json_line(record))


# --- executing adapters ----------------------------------------------------------------------

# An outcome: (doc_id, output or None, error reason or "").
Outcome = tuple[str, object, str]


def _reason(error: BaseException) -> str:
    message = str(error)
    return _short(f"{type(error).__name__}: {message}" if message else type(error).__name__)


#: Told about each exception an adapter raises: what it was doing (``"document 'a'"``) and the exception.
OnError = Callable[[str, BaseException], None]


def predict_chunk(adapter: SystemAdapter, documents: Sequence[Document], on_error: OnError | None = None) -> list[Outcome]:
    """Predict ``documents``: one batch call, and on an exception one call per document."""
    if len(documents) > 1:
        try:
            outputs = adapter.predict_batch(documents)
            if isinstance(outputs, list) and len(outputs) == len(documents):
                return [(d.doc_id, out, "") for d, out in zip(documents, outputs)]
        except Exception as error:  # noqa: BLE001 — retried one by one below, so only the document at fault fails
            if on_error is not None:
                on_error(f"a batch of {len(documents)} documents (retried one by one)", error)
    outcomes: list[Outcome] = []
    for document in documents:
        try:
            outcomes.append((document.doc_id, adapter.predict(document), ""))
        except MemoryError as error:
            if on_error is not None:
                on_error(f"document {document.doc_id!r}", error)
            outcomes.append((document.doc_id, None, OUT_OF_MEMORY))
        except Exception as error:  # noqa: BLE001 — contained per document
            if on_error is not None:
                on_error(f"document {document.doc_id!r}", error)
            outcomes.append((document.doc_id, None, _reason(error)))
    return outcomes


def traceback_printer(system: str, stream: TextIO | None = None) -> OnError:
    """An :data:`OnError` that prints the full traceback (``--jobs 0``, for debugging) to ``stream`` (stderr)."""

    def show(what: str, error: BaseException) -> None:
        text = "".join(traceback.format_exception(error))
        print(f"{system} raised on {what}:\n{text}", end="", file=stream or sys.stderr, flush=True)

    return show


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the runner dies, even by SIGKILL (no orphans)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def limit_memory(megabytes: int | None) -> None:
    """Cap this process's data segment (heap and private mappings, ``RLIMIT_DATA``) at ``megabytes``.

    An allocation past it raises :class:`MemoryError` in Python (or kills the process in C code),
    so one greedy document cannot take the machine down. None or 0: no cap.
    """
    if not megabytes:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = megabytes * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _out_of_memory(megabytes: int | None) -> str:
    return f"{OUT_OF_MEMORY} (over the worker limit of {megabytes} MB, --max-memory)" if megabytes else OUT_OF_MEMORY


def _worker_main(fd: int) -> None:
    """Worker process: receive ``sys.path``, the pickled adapter and the memory limit, set up, answer chunks.

    SIGINT is ignored (Ctrl-C reaches the whole process group; the runner decides and kills its
    workers). A chunk in which a document ran out of memory is answered with ``"retire"``: the
    worker exits and the runner starts a fresh one.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    conn = Connection(fd)
    megabytes: int | None = None
    try:
        path, payload, megabytes = conn.recv()
        sys.path[:] = path
        limit_memory(megabytes)
        adapter = pickle.loads(payload)
        adapter.setup()
    except MemoryError:
        conn.send(("setup-failed", _out_of_memory(megabytes)))
        return
    except BaseException as error:  # noqa: BLE001 — reported to the parent, which fails every document
        conn.send(("setup-failed", _reason(error)))
        return
    conn.send(("ready", None))
    while True:
        try:
            chunk = conn.recv()
        except EOFError:
            return
        if chunk is None:
            return
        outcomes = predict_chunk(adapter, chunk)
        greedy = any(reason == OUT_OF_MEMORY for _, _, reason in outcomes)
        if greedy:
            outcomes = [(d, o, _out_of_memory(megabytes) if r == OUT_OF_MEMORY else r) for d, o, r in outcomes]
        kind = "retire" if greedy else "done"
        try:
            conn.send((kind, outcomes))
        except Exception as error:  # noqa: BLE001 — an output that cannot be pickled
            conn.send((kind, [(doc_id, None, f"output cannot be sent back: {_reason(error)}") for doc_id, _, _ in outcomes]))
        if greedy:
            return


def _worker_environment() -> dict[str, str]:
    """Our environment with a fixed string-hash seed (unless one is set), so libraries that iterate
    over sets of strings (quantulum3 chooses among equally likely units that way) give the same
    output in every run, and cached and fresh predictions agree."""
    return {**os.environ, "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0")}


#: How a worker is started: a fresh interpreter that imports only this module (never the caller's
#: ``__main__``, so scripts need no ``if __name__ == "__main__"`` guard). Its stdout goes to a log file
#: (what a system prints must not mix with our output or progress bar); its stderr is ours.
_WORKER_CODE = "import sys; from bench.runner import _worker_main; _worker_main(int(sys.argv[1]))"


class _Worker:
    """One worker process, the socket to it, and the chunk it is busy with."""

    def __init__(self, payload: bytes, stdout: int, max_memory: int | None = None) -> None:
        ours, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_CODE, str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                env=_worker_environment(),
            )
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.conn.send((list(sys.path), payload, max_memory))
        self.ready = False
        self.chunk: list[Document] = []
        self.sent = time.monotonic()
        self.deadline = self.sent + SETUP_TIMEOUT

    def send(self, chunk: list[Document], timeout: float | None) -> None:
        """Hand over ``chunk``; it must be answered within ``timeout`` seconds, however many documents it holds."""
        self.chunk = chunk
        self.sent = time.monotonic()
        self.deadline = math.inf if timeout is None else self.sent + timeout
        self.conn.send(chunk)

    def exit_code(self) -> int | None:
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not within two seconds."""
        if self.conn.closed:
            return
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self.conn.closed:
            self.conn.close()


def _chunks(documents: Sequence[Document], jobs: int, hint: int | None = None) -> list[list[Document]]:
    """Chunks for the workers: the adapter's ``batch_size`` if it declares one, else about four per worker."""
    if hint:
        size = max(1, min(int(hint), math.ceil(len(documents) / max(jobs, 1))))
    else:
        size = max(1, min(MAX_CHUNK, math.ceil(len(documents) / (max(jobs, 1) * 4))))
    return [list(documents[i : i + size]) for i in range(0, len(documents), size)]


def _run_in_process(adapter: SystemAdapter, documents: Sequence[Document], on_error: OnError | None = None) -> Iterator[Outcome]:
    """No isolation and no hard timeout: for trivial systems and debugging (``jobs=0``, which passes a
    :func:`traceback_printer` as ``on_error``). What the system prints to stdout goes to stderr."""
    try:
        with contextlib.redirect_stdout(sys.stderr):
            adapter.setup()
    except Exception as error:  # noqa: BLE001 — every document fails with this reason
        if on_error is not None:
            on_error("setup", error)
        reason = f"setup failed: {_reason(error)}"
        for document in documents:
            yield document.doc_id, None, reason
        return
    for chunk in _chunks(documents, 1, getattr(adapter, "batch_size", None)):
        with contextlib.redirect_stdout(sys.stderr):  # what a system prints must not mix with our output
            outcomes = predict_chunk(adapter, chunk, on_error)
        yield from outcomes


def timed_out(elapsed: float, timeout: float | None) -> str:
    """The failure reason of a document stopped after ``elapsed`` seconds (measured) under ``timeout``."""
    return f"timed out: stopped after {elapsed:.1f} s (limit {timeout:g} s per document)"


def died(exit_code: int | None) -> str:
    """The failure reason of a document whose worker process died with ``exit_code``."""
    if exit_code is not None and exit_code < 0:
        try:
            name = signal.Signals(-exit_code).name
        except ValueError:
            name = f"signal {-exit_code}"
        hint = ", e.g. by the kernel for using too much memory" if -exit_code == signal.SIGKILL else ""
        return f"worker process died (killed by {name}{hint})"
    return f"worker process died (exit code {exit_code})"


def _run_in_workers(
    adapter: SystemAdapter, documents: Sequence[Document], *, jobs: int, timeout: float | None,
    stdout: int = subprocess.DEVNULL, max_memory: int | None = None,
) -> Generator[Outcome, None, None]:
    """Spawned worker processes with hard per-document timeouts and crash isolation.

    ``timeout`` is per document: a chunk must be answered within it, however many documents it
    holds, so every prediction kept took at most ``timeout`` seconds. A chunk of several
    documents that runs out of time proves nothing about any one of them: its documents, and
    every chunk still queued, are re-run one at a time, each under its own ``timeout``. The
    reason of a document that timed out alone states the time it was measured to run.
    The workers' stdout goes to ``stdout`` (a file descriptor; default: discarded). Each worker's
    data segment is capped at ``max_memory`` MB (None: no cap); a worker whose document ran out of
    memory fails that document and is replaced. However the generator ends (an exception, an
    :class:`~bench.interrupt.Interrupted`, ``close()``), no worker outlives it: busy ones are killed.
    """
    try:
        payload = pickle.dumps(adapter)
    except Exception as error:  # noqa: BLE001 — any pickling error means the same to the user
        raise UserError(f"system {adapter.name!r} cannot be sent to a worker process: {_reason(error)}", exit_code=2) from None
    queue: deque[list[Document]] = deque(_chunks(documents, jobs, getattr(adapter, "batch_size", None)))
    workers: list[_Worker] = []
    with interrupt.deferred():  # a worker started is a worker listed, so the cleanup below finds it
        for _ in range(min(jobs, len(queue))):
            workers.append(_Worker(payload, stdout, max_memory))

    def abort(reason: str) -> Iterator[Outcome]:
        """The adapter cannot start: every document not yet answered fails with the same reason."""
        for chunk in [*queue, *(w.chunk for w in workers)]:
            for document in chunk:
                yield document.doc_id, None, reason
        queue.clear()
        for w in workers:
            w.chunk = []

    try:
        while True:
            for worker in workers:
                if worker.ready and not worker.chunk and queue:
                    worker.send(queue.popleft(), timeout)
            live = [w for w in workers if not w.ready or w.chunk]
            if not live or not (queue or any(w.chunk for w in workers)):
                return
            remaining = min(w.deadline for w in live) - time.monotonic()
            answered = set(wait([w.conn for w in live], timeout=None if remaining == math.inf else max(0.0, remaining)))
            for index, worker in enumerate(workers):
                if worker not in live:
                    continue
                if worker.conn in answered:
                    try:
                        kind, body = worker.conn.recv()
                    except (EOFError, OSError):
                        problem = died(worker.exit_code())
                    else:
                        if kind == "ready":
                            worker.ready = True
                        elif kind == "setup-failed":
                            yield from abort(f"setup failed: {body}")
                            return
                        else:
                            worker.chunk = []
                            if kind == "retire":  # it ran out of memory: a fresh process for what follows
                                worker.kill()
                                workers[index] = _Worker(payload, stdout, max_memory)
                            yield from body
                        continue
                elif time.monotonic() >= worker.deadline:
                    if not worker.ready:
                        yield from abort(f"setup failed: setup timed out after {SETUP_TIMEOUT:g} s")
                        return
                    problem = timed_out(time.monotonic() - worker.sent, timeout)
                    if len(worker.chunk) > 1:
                        # A batch over one document's limit proves nothing about any one document:
                        # from now on this system runs one document at a time, each under its own limit.
                        singles = [[d] for chunk in (worker.chunk, *queue) for d in chunk]
                        queue.clear()
                        queue.extend(singles)
                        worker.chunk = []
                else:
                    continue
                if not worker.ready:
                    yield from abort(f"setup failed: {problem}")
                    return
                # Crash or timeout mid-chunk: replace the worker; retry a multi-document chunk one by one.
                chunk = worker.chunk
                worker.chunk = []
                worker.kill()
                workers[index] = _Worker(payload, stdout, max_memory)
                if len(chunk) == 1:
                    yield chunk[0].doc_id, None, problem
                else:
                    queue.extendleft([d] for d in reversed(chunk))
    except BaseException:
        with interrupt.deferred():  # a second Ctrl-C must not leave workers behind
            for worker in workers:
                worker.kill()
        raise
    finally:
        with interrupt.deferred():
            for worker in workers:
                worker.stop()


# --- running systems -------------------------------------------------------------------------


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
    cache_dir: Path = DEFAULT_CACHE,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    options: Mapping[str, Any] | None = None,
    max_memory: int | None = None,
) -> RunResult:
    """Run one (available) adapter over ``documents`` and write its JSONL and run record.

    ``options`` are those the adapter was created with (:func:`run_systems` passes them); they
    are part of the cache key (see :func:`key_options`). ``max_memory``: MB per worker process
    (None: no cap; see :func:`limit_memory`).

    Interrupted (:class:`~bench.interrupt.Interrupted`, ``KeyboardInterrupt``): every document
    predicted so far is in the cache, the workers are killed, and the previous JSONL, run record
    and log are left as they were (nothing is written until every document has an outcome).
    """
    started = time.monotonic()
    docs = [_as_document(d) for d in documents]
    layers = frozenset(adapter.layers)
    config = dict(adapter.config())
    cache = PredictionCache(cache_dir)
    cacheable = use_cache and bool(getattr(adapter, "cache", True))
    keyed = key_options(options or {})
    keys = {d.doc_id: cache_key(adapter, d, config=config, options=keyed) for d in docs} if cacheable else {}
    by_id = {d.doc_id: d for d in docs}
    if len(by_id) != len(docs):
        raise UserError(f"document ids are not unique ({len(docs) - len(by_id)} repeated)", exit_code=2)
    predictions: dict[str, Annotations] = {}
    failures: dict[str, str] = {}
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
            progress.advance(adapter.name, failed=False)
    todo: list[Document] = []
    for document in docs_to_predict:
        hit = cache.get(adapter.name, keys[document.doc_id], document.doc_id) if cacheable else None
        if hit is not None:
            predictions[document.doc_id] = hit
            if progress is not None:
                progress.advance(adapter.name, failed=False)
        else:
            todo.append(document)
    cached = len(predictions)
    log_path = out_dir / f"{_safe(adapter.name)}.log"
    # The workers print into a hidden file that replaces the log only when the run completes.
    new_log = out_dir / f".{_safe(adapter.name)}.log.partial"
    if todo:
        with contextlib.ExitStack() as stack:
            isolate = bool(getattr(adapter, "isolate", True)) and jobs > 0
            outcomes: Iterator[Outcome]
            if isolate:
                out_dir.mkdir(parents=True, exist_ok=True)
                log = stack.enter_context(open(new_log, "wb"))
                workers = _run_in_workers(
                    adapter, todo, jobs=jobs, timeout=timeout, stdout=log.fileno(), max_memory=max_memory)
                outcomes = stack.enter_context(contextlib.closing(workers))  # workers end with this block
            else:
                outcomes = _run_in_process(adapter, todo, traceback_printer(adapter.name) if jobs == 0 else None)
            try:
                for doc_id, output, reason in outcomes:
                    record: Annotations | None = None
                    if not reason:
                        record, reason = check_output(layers, by_id[doc_id], output)
                    if record is not None:
                        predictions[doc_id] = record
                        if cacheable:
                            cache.put(adapter.name, keys[doc_id], record)
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
    path = out_dir / f"{_safe(adapter.name)}.jsonl"
    manifest = out_dir / f"{_safe(adapter.name)}.run.json"
    run_record: dict[str, Any] = {
        "system": adapter.name,
        "version": adapter.version,
        "config": config,
        "layers": layer_names(layers),
        "documents": len(docs),
        "predicted": len(ordered),
        "cached": cached,
        "failed": len(failed),
        "failures": [{"doc_id": f.doc_id, "reason": f.reason} for f in failed],
        "seconds": round(seconds, 3),
    }
    if warnings:
        run_record["warnings"] = warnings
    if printed is not None:
        run_record["printed"] = printed.name
    summary = getattr(adapter, "run_summary", None)  # optional for adapters that do not subclass Adapter
    usage = summary([d.doc_id for d in docs]) if callable(summary) else None
    if usage is not None:
        run_record["usage"] = usage
    with interrupt.deferred():  # the predictions, their run record and the log are replaced together
        atomic.write_text(path, "".join(to_json_line(r) + "\n" for r in ordered.values()))
        atomic.write_text(manifest, json.dumps(run_record, indent=2, ensure_ascii=False) + "\n")
        if printed is not None:
            os.replace(new_log, log_path)
        else:  # a previous run's output is not this run's
            new_log.unlink(missing_ok=True)
            log_path.unlink(missing_ok=True)
    return RunResult(
        adapter.name, adapter.version, layers, config, ordered, path, manifest, failed, len(docs), cached, seconds,
        tuple(warnings), printed,
    )


def run_systems(
    systems: Sequence[str | SystemAdapter],
    documents: Iterable[Document],
    *,
    out_dir: Path = DEFAULT_OUT,
    jobs: int = 1,
    use_cache: bool = True,
    options: Mapping[str, Any] | None = None,
    cache_dir: Path = DEFAULT_CACHE,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    discovery: Discovery | None = None,
    max_memory: int | None = None,
) -> dict[str, RunResult]:
    """Run each system (a registry name, ``file:PATH``, or an adapter instance) over ``documents``.

    ``options`` reach each system's factory if it accepts them (``{"model": ...}``); a key
    ``"SYSTEM"`` holding a mapping gives options for that system only. The options a system
    accepts are part of its cache key (but for :data:`RUN_OPTIONS`). Every system is created
    and checked for availability before any runs, so an unknown or unavailable one fails fast
    with a :class:`UserError` naming the reason and the install command. ``max_memory``: MB
    per worker process (None: no cap).
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
    return {
        adapter.name: run_system(
            adapter, docs, out_dir=out_dir, jobs=jobs, use_cache=use_cache, cache_dir=cache_dir,
            timeout=timeout, progress=progress, options=own, max_memory=max_memory,
        )
        for adapter, own in zip(adapters, given, strict=True)
    }


def system_options(options: Mapping[str, Any] | None, system: str) -> dict[str, Any]:
    """Options for one system: the shared ones overridden by ``options[system]`` when that is a mapping."""
    options = options or {}
    shared = {k: v for k, v in options.items() if not isinstance(v, Mapping)}
    own = options.get(system)
    return {**shared, **(dict(own) if isinstance(own, Mapping) else {})}


# --- documents -------------------------------------------------------------------------------


def load_documents(path: Path) -> tuple[Document, ...]:
    """Documents for a run: see :func:`bench.documents.load_documents`."""
    return read_documents(path)


def read_run_record(path: Path) -> dict[str, Any]:
    """A ``<system>.run.json`` written by :func:`run_system` (for reports that count failures)."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"{path}: cannot read run record: {error}", exit_code=2) from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: run record is not a JSON object", exit_code=2)
    return data


def rich_progress() -> tuple[Any, Progress]:
    """A started-on-enter ``rich.progress.Progress`` (use as a context manager) and its runner adaptor."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    bar = RichProgress(
        TextColumn("{task.description:<14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    tasks: dict[str, Any] = {}
    failures: dict[str, int] = {}

    class _Adaptor:
        def start(self, system: str, total: int) -> None:
            tasks[system] = bar.add_task(system, total=total, failed=0)
            failures[system] = 0

        def advance(self, system: str, *, failed: bool) -> None:
            failures[system] += int(failed)
            bar.update(tasks[system], advance=1, failed=failures[system])

        def finish(self, system: str) -> None:
            bar.refresh()

    return bar, _Adaptor()

