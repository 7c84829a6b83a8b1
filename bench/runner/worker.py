"""The worker side of the pool: what runs inside a worker process, and the prediction of one chunk.

A worker is a fresh interpreter (see :mod:`bench.runner.pool`) that receives ``sys.path``, the
pickled adapter and a memory limit, calls ``setup()`` once, and answers chunks of documents.
:func:`predict_chunk` is also what the runner calls in its own process (``isolate = False``, ``--jobs 0``).
"""

from __future__ import annotations

import contextlib
import pickle
import resource
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import TextIO

from bench.registry import SystemAdapter
from bench.runner.checks import reason as _reason
from bench.schema import Document

#: The failure reason of a document whose prediction ran out of memory (the worker adds its limit).
OUT_OF_MEMORY = "out of memory"

#: One document's answer: ``(doc_id, output or None, failure reason or "")``.
Answer = tuple[str, object, str]

#: Told about each exception an adapter raises: what it was doing (``"document 'a'"``) and the exception.
OnError = Callable[[str, BaseException], None]


def predict_chunk(adapter: SystemAdapter, documents: Sequence[Document], on_error: OnError | None = None) -> list[Answer]:
    """Predict ``documents``: one batch call, and on an exception one call per document."""
    if len(documents) > 1:
        try:
            outputs = adapter.predict_batch(documents)
            if isinstance(outputs, list) and len(outputs) == len(documents):
                return [(d.doc_id, out, "") for d, out in zip(documents, outputs)]
        except Exception as error:  # noqa: BLE001 — retried one by one below, so only the document at fault fails
            if on_error is not None:
                on_error(f"a batch of {len(documents)} documents (retried one by one)", error)
    outcomes: list[Answer] = []
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


def worker_main(fd: int) -> None:
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
