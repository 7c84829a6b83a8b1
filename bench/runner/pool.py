"""The worker pool: isolated processes, hard per-document timeouts, memory limits, and chunks.

Each worker is a fresh interpreter holding one copy of the adapter, set up once, with
``PYTHONHASHSEED=0`` unless it is set (so set-order-dependent libraries are deterministic). A
worker that crashes or exceeds the timeout is killed and replaced; if it was working on several
documents they are retried one at a time so only the culprit fails. The timeout is per
document: a chunk of several documents must finish within one document's timeout, and when it
does not, the system's remaining documents run one at a time, each under its own (see
:func:`run_in_workers`). Each worker's data segment is capped (``max_memory`` MB,
:func:`~bench.runner.worker.limit_memory`); a document that runs out fails alone and its worker is replaced.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from bench import interrupt
from bench.errors import UserError
from bench.registry import SystemAdapter, options_of
from bench.runner.checks import reason as _reason
from bench.runner.worker import Answer, OnError, predict_chunk
from bench.schema import Document

#: Seconds one document may take before its worker is killed.
DEFAULT_TIMEOUT = 600.0
#: Seconds a worker may take to start and load its models.
SETUP_TIMEOUT = 900.0
#: Largest chunk of documents sent to a worker at once.
MAX_CHUNK = 16


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


def hash_seed() -> str:
    """The string-hash seed workers run with: ``PYTHONHASHSEED`` if it is set, else ``"0"``."""
    return os.environ.get("PYTHONHASHSEED", "0")


def _worker_environment() -> dict[str, str]:
    """Our environment with a fixed string-hash seed (unless one is set), so libraries that iterate
    over sets of strings (quantulum3 chooses among equally likely units that way) give the same
    output in every run, and cached and fresh predictions agree."""
    return {**os.environ, "PYTHONHASHSEED": hash_seed()}


#: How a worker is started: a fresh interpreter that imports only this module (never the caller's
#: ``__main__``, so scripts need no ``if __name__ == "__main__"`` guard). Its stdout goes to a log file
#: (what a system prints must not mix with our output or progress bar); its stderr is ours.
_WORKER_CODE = "import sys; from bench.runner.worker import worker_main; worker_main(int(sys.argv[1]))"


class _Worker:
    """One worker process, the socket to it, and the chunk it is busy with."""

    def __init__(self, payload: bytes, stdout: int, max_memory: int | None = None, samples: bool = False) -> None:
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
        self.conn.send((list(sys.path), payload, max_memory, samples))
        self.ready = False
        self.asked = False
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

    def ask_to_stop(self) -> None:
        """Tell an idle worker to exit (once; :meth:`stop` waits for it)."""
        if self.conn.closed or self.asked:
            return
        self.asked = True
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not within two seconds."""
        if self.conn.closed:
            return
        self.ask_to_stop()
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


def chunks(documents: Sequence[Document], jobs: int, hint: int | None = None) -> list[list[Document]]:
    """Chunks for the workers: the adapter's ``batch_size`` if it declares one, else about four per worker.

    With several workers the chunks shrink towards the end (never above half of what is left per
    worker), so the workers finish together instead of one working through a full last chunk alone.
    """
    if hint:
        size = max(1, min(int(hint), math.ceil(len(documents) / max(jobs, 1))))
    else:
        size = max(1, min(MAX_CHUNK, math.ceil(len(documents) / (max(jobs, 1) * 4))))
    out: list[list[Document]] = []
    start = 0
    while start < len(documents):
        step = size if jobs <= 1 else max(1, min(size, math.ceil((len(documents) - start) / (2 * jobs))))
        out.append(list(documents[start : start + step]))
        start += step
    return out


def one_at_a_time(chunk: Sequence[Document], queue: deque[list[Document]]) -> None:
    """A batch over one document's limit proves nothing about any one document: ``chunk`` and every
    chunk still in ``queue`` go back into it one document at a time, each to run under its own limit."""
    singles = [[d] for part in (chunk, *queue) for d in part]
    queue.clear()
    queue.extend(singles)


def adapter_payload(adapter: SystemAdapter) -> bytes:
    """``adapter`` pickled for a worker; a :class:`UserError` naming the reason when it cannot be."""
    try:
        return pickle.dumps(adapter)
    except Exception as error:  # noqa: BLE001 — any pickling error means the same to the user
        raise UserError(f"system {adapter.name!r} cannot be sent to a worker process: {_reason(error)}", exit_code=2) from None


def run_in_process(
    adapter: SystemAdapter, documents: Sequence[Document], on_error: OnError | None = None, *, samples: bool = False,
) -> Iterator[Answer]:
    """No isolation and no hard timeout: for trivial systems and debugging (``jobs=0``, which passes a
    :func:`~bench.runner.worker.traceback_printer` as ``on_error``). What the system prints to stdout goes to stderr.
    ``samples``: answers carry the adapter's sample detail (``--log-samples``)."""
    try:
        with contextlib.redirect_stdout(sys.stderr):
            adapter.setup()
    except Exception as error:  # noqa: BLE001 — every document fails with this reason
        if on_error is not None:
            on_error("setup", error)
        reason = f"setup failed: {_reason(error)}"
        for document in documents:
            yield Answer(document.doc_id, None, reason)
        return
    for chunk in chunks(documents, 1, options_of(adapter).batch_size):
        with contextlib.redirect_stdout(sys.stderr):  # what a system prints must not mix with our output
            outcomes = predict_chunk(adapter, chunk, on_error, samples=samples)
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


@dataclass(frozen=True)
class Fault:
    """What a worker's (or actor's) death or time-out means for the run: see :func:`after_fault`.

    ``abort``: the adapter cannot start, every document not yet answered fails with this reason
    (nothing else applies). Otherwise the worker is to be replaced (where work is left), ``queue`` is
    the new queue, and ``answer`` is the failure of the one document the worker held, if it held one.
    """

    abort: str | None = None
    queue: tuple[list[Document], ...] = ()
    answer: Answer | None = None


def after_fault(
    *, ready: bool, chunk: Sequence[Document], queue: Sequence[list[Document]], died: str | None,
    elapsed: float, timeout: float | None,
) -> Fault:
    """The one fault policy of local workers and Ray actors, as a pure decision.

    A worker that was set up (``ready``) or not, holding ``chunk`` (sent ``elapsed`` seconds ago)
    while ``queue`` waits, either died (``died``: the reason) or, with ``died`` None, ran out of time
    (its set-up's :data:`SETUP_TIMEOUT`, or the per-document ``timeout``). A worker not set up fails
    every document (``setup failed: …``). Out of time, a chunk of several documents proves nothing
    about any one of them: it and the whole queue go one document at a time. Died, a chunk of
    several documents goes back to the front of the queue one document at a time (the rest of the
    queue unchanged). A chunk of one document fails with the reason and the time it ran.

    >>> a, b, c = (Document(i, "text") for i in "abc")
    >>> after_fault(ready=False, chunk=[], queue=[[a]], died=None, elapsed=900.0, timeout=3).abort
    'setup failed: setup timed out after 900 s'
    >>> [[d.doc_id for d in part] for part in after_fault(ready=True, chunk=[a, b], queue=[[c]], died="gone",
    ...                                                    elapsed=1.0, timeout=3).queue]
    [['a'], ['b'], ['c']]
    >>> after_fault(ready=True, chunk=[a], queue=[], died=None, elapsed=3.04, timeout=3).answer.reason
    'timed out: stopped after 3.0 s (limit 3 s per document)'
    """
    if died is None:
        if not ready:
            return Fault(abort=f"setup failed: setup timed out after {SETUP_TIMEOUT:g} s")
        problem = timed_out(elapsed, timeout)
        if len(chunk) > 1:
            waiting: deque[list[Document]] = deque(queue)
            one_at_a_time(chunk, waiting)
            return Fault(queue=tuple(waiting))
    else:
        problem = died
    if not ready:
        return Fault(abort=f"setup failed: {problem}")
    if len(chunk) == 1:
        return Fault(queue=tuple(queue), answer=Answer(chunk[0].doc_id, None, problem, elapsed))
    return Fault(queue=(*([d] for d in chunk), *queue))


def run_in_workers(
    adapter: SystemAdapter, documents: Sequence[Document], *, jobs: int, timeout: float | None,
    stdout: int = subprocess.DEVNULL, max_memory: int | None = None, samples: bool = False,
) -> Generator[Answer, None, None]:
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
    ``samples`` (``--log-samples``): each worker sends the adapter's sample detail back with each answer.
    """
    payload = adapter_payload(adapter)
    queue: deque[list[Document]] = deque(chunks(documents, jobs, options_of(adapter).batch_size))
    workers: list[_Worker] = []
    with interrupt.deferred():  # a worker started is a worker listed, so the cleanup below finds it
        for _ in range(min(jobs, len(queue))):
            workers.append(_Worker(payload, stdout, max_memory, samples))

    def abort(reason: str) -> Iterator[Answer]:
        """The adapter cannot start: every document not yet answered fails with the same reason."""
        for chunk in [*queue, *(w.chunk for w in workers)]:
            for document in chunk:
                yield Answer(document.doc_id, None, reason)
        queue.clear()
        for w in workers:
            w.chunk = []

    def replace(index: int) -> None:
        """Kill worker ``index``; start a fresh one in its place only while work is left (setting one up
        for nothing would only load the system's model, then wait to be stopped)."""
        workers[index].kill()
        if queue or any(w.chunk for w in workers):
            workers[index] = _Worker(payload, stdout, max_memory, samples)

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
                problem: str | None = None  # None: it ran out of time
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
                                replace(index)
                            elif queue:  # its next chunk first, so it works while the caller checks and caches these
                                worker.send(queue.popleft(), timeout)
                            yield from body
                        continue
                elif time.monotonic() < worker.deadline:
                    continue
                # Crash or timeout: the shared policy decides; a worker that was set up is replaced.
                fault = after_fault(ready=worker.ready, chunk=worker.chunk, queue=queue, died=problem,
                                    elapsed=time.monotonic() - worker.sent, timeout=timeout)
                if fault.abort is not None:
                    yield from abort(fault.abort)
                    return
                queue.clear()
                queue.extend(fault.queue)
                worker.chunk = []
                replace(index)
                if fault.answer is not None:
                    yield fault.answer
    except BaseException:
        with interrupt.deferred():  # a second Ctrl-C must not leave workers behind
            for worker in workers:
                worker.kill()
        raise
    finally:
        with interrupt.deferred():
            for worker in workers:  # all are asked first, so they exit together
                worker.ask_to_stop()
            for worker in workers:
                worker.stop()
