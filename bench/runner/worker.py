"""The worker side of the pool: what runs inside a worker process, and the prediction of one chunk.

A worker is a fresh interpreter (see :mod:`bench.runner.pool`) that receives ``sys.path``, the
pickled adapter and a memory limit, calls ``setup()`` once, and answers chunks of documents.
:func:`predict_chunk` is also what the runner calls in its own process (``isolate = False``, ``--jobs 0``).
"""

from __future__ import annotations

import contextlib
import json
import pickle
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import NamedTuple, TextIO

from bench.registry import JSONValue, SystemAdapter, sample_detail
from bench.runner.checks import reason as _reason
from bench.schema import Document

#: The failure reason of a document whose prediction ran out of memory (the worker adds its limit).
OUT_OF_MEMORY = "out of memory"



class Answer(NamedTuple):
    """One document's answer, as a worker sends it back (or the pool makes it for a document it stopped)."""

    doc_id: str
    #: What ``predict`` returned (None when it failed).
    output: object
    #: The failure reason, or "".
    reason: str = ""
    #: Seconds the prediction took: the document's own call, or its equal share of the batch call
    #: it was part of (when that batch raised, the share plus the document's own retry); for a
    #: document stopped by the pool, the time until it was stopped; None: unknown.
    seconds: float | None = None
    #: ``--log-samples``: the adapter's :meth:`~bench.registry.SystemAdapter.sample_detail` (JSON values).
    detail: dict[str, JSONValue] | None = None

#: Told about each exception an adapter raises: what it was doing (``"document 'a'"``) and the exception.
OnError = Callable[[str, BaseException], None]


def detail_of(adapter: SystemAdapter, document: Document) -> dict[str, JSONValue] | None:
    """The adapter's sample detail for ``document`` as plain JSON values; never raises.

    A detail that raises or is not JSON (a set, NaN, an object) is replaced by
    ``{"detail_error": reason}``: it never fails the document, and it can always be sent back.
    """
    try:
        detail = sample_detail(adapter, document)
        if detail is None:
            return None
        plain = json.loads(json.dumps(dict(detail), ensure_ascii=False, allow_nan=False))
        return plain if isinstance(plain, dict) else None
    except Exception as error:  # noqa: BLE001 — a detail is a convenience, the prediction stands
        return {"detail_error": _reason(error)}


def predict_chunk(
    adapter: SystemAdapter, documents: Sequence[Document], on_error: OnError | None = None, *, samples: bool = False,
) -> list[Answer]:
    """Predict ``documents``: one batch call, and on an exception one call per document.

    ``samples`` (``--log-samples``): each answer carries the adapter's sample detail, asked right after the call.
    """

    def detail(document: Document) -> dict[str, JSONValue] | None:
        return detail_of(adapter, document) if samples else None

    spent = 0.0  # each document's share of a batch call that failed: part of what its prediction cost
    if len(documents) > 1:
        started = time.monotonic()
        try:
            outputs = adapter.predict_batch(documents)
            if isinstance(outputs, list) and len(outputs) == len(documents):
                share = (time.monotonic() - started) / len(documents)
                return [Answer(d.doc_id, out, "", share, detail(d)) for d, out in zip(documents, outputs)]
        except Exception as error:  # noqa: BLE001 — retried one by one below, so only the document at fault fails
            if on_error is not None:
                on_error(f"a batch of {len(documents)} documents (retried one by one)", error)
        spent = (time.monotonic() - started) / len(documents)
    outcomes: list[Answer] = []
    for document in documents:
        started = time.monotonic()
        try:
            output, reason = adapter.predict(document), ""
        except MemoryError as error:
            if on_error is not None:
                on_error(f"document {document.doc_id!r}", error)
            output, reason = None, OUT_OF_MEMORY
        except Exception as error:  # noqa: BLE001 — contained per document
            if on_error is not None:
                on_error(f"document {document.doc_id!r}", error)
            output, reason = None, _reason(error)
        outcomes.append(Answer(document.doc_id, output, reason, spent + time.monotonic() - started, detail(document)))
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


def set_up(payload: bytes, megabytes: int | None) -> tuple[SystemAdapter | None, str]:
    """Inside a worker: cap memory, unpickle the adapter and call ``setup()`` once.

    ``(adapter, "")``, or ``(None, reason)`` when that failed (the caller fails every document with it).
    """
    try:
        limit_memory(megabytes)
        adapter = pickle.loads(payload)
        adapter.setup()
    except MemoryError:
        return None, _out_of_memory(megabytes)
    except BaseException as error:  # noqa: BLE001 — reported to the parent, which fails every document
        return None, _reason(error)
    return adapter, ""


def answer_chunk(
    adapter: SystemAdapter, chunk: Sequence[Document], *, samples: bool, megabytes: int | None,
) -> tuple[str, list[Answer]]:
    """Inside a worker: predict ``chunk``; ``("done", answers)``, or ``("retire", answers)`` when a document ran
    out of memory (its reason then names the limit, and the worker is to be replaced)."""
    outcomes = predict_chunk(adapter, chunk, samples=samples)
    greedy = any(a.reason == OUT_OF_MEMORY for a in outcomes)
    if greedy:
        outcomes = [a._replace(reason=_out_of_memory(megabytes)) if a.reason == OUT_OF_MEMORY else a for a in outcomes]
    return ("retire" if greedy else "done"), outcomes


def unsendable(outcomes: Sequence[Answer], error: BaseException) -> list[Answer]:
    """``outcomes`` whose outputs could not be pickled back to the runner: each fails with that reason."""
    return [Answer(a.doc_id, None, f"output cannot be sent back: {_reason(error)}", a.seconds, a.detail) for a in outcomes]


def worker_main(fd: int) -> None:
    """Worker process: receive ``sys.path``, the pickled adapter, the memory limit and whether to keep
    sample detail (``--log-samples``), set up, answer chunks.

    SIGINT is ignored (Ctrl-C reaches the whole process group; the runner decides and kills its
    workers). A chunk in which a document ran out of memory is answered with ``"retire"``: the
    worker exits and the runner starts a fresh one.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    conn = Connection(fd)
    megabytes: int | None = None
    samples = False
    try:
        path, payload, megabytes, samples = conn.recv()
        sys.path[:] = path
    except BaseException as error:  # noqa: BLE001 — reported to the parent, which fails every document
        conn.send(("setup-failed", _reason(error)))
        return
    adapter, problem = set_up(payload, megabytes)
    if adapter is None:
        conn.send(("setup-failed", problem))
        return
    conn.send(("ready", None))
    while True:
        try:
            chunk = conn.recv()
        except EOFError:
            return
        if chunk is None:
            return
        kind, outcomes = answer_chunk(adapter, chunk, samples=samples, megabytes=megabytes)
        try:
            conn.send((kind, outcomes))
        except Exception as error:  # noqa: BLE001 — an output that cannot be pickled
            conn.send((kind, unsendable(outcomes, error)))
        if kind == "retire":
            return
