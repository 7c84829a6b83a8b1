"""``--executor ray``: one system's documents sharded over Ray actors, each holding one set-up adapter.

The calling process (the *driver*) stays the only one that reads or writes the cache and the
output files. It sends each actor the pickled adapter once (the same bytes a local worker gets)
and then chunks of :class:`~bench.schema.Document` (id and text); an actor sets the adapter up
once (:func:`~bench.runner.worker.set_up`), answers each chunk with
:func:`~bench.runner.worker.answer_chunk` (the code a local worker runs) and returns the pickled
answers together with whatever the system printed to stdout meanwhile, which the driver appends
to ``<system>.log``. Nothing else is shipped: every node imports newsbench, the system's package
and its models from its own installation.

Fault containment is the local pool's (:mod:`bench.runner.pool`): the chunks are the same
(:func:`~bench.runner.pool.chunks`), a chunk must come back within one document's ``timeout``
(else its actor is killed, and replaced if work is left, and the system's remaining documents go one at a time),
a document whose actor dies fails alone, ``max_memory`` caps each actor's data segment, and a
set-up failure fails every document with its reason. Actors hash strings with the pool's seed
(``PYTHONHASHSEED``: inherited from the driver by a local instance's workers, else set through Ray's
``runtime_env``).

Connecting (:meth:`RayExecutor.connect`): to a Ray already initialised in this process, else to
``RAY_ADDRESS`` if it is set to anything but ``local`` (Ray reads it; a plain ``HOST:PORT`` must accept
a connection within :data:`CONNECT_TIMEOUT` seconds first, as Ray would retry it for minutes), else to
a new local instance (:func:`local_ray`) with ``cpus`` CPUs that reaches nothing but the loopback
interface. Ray's own messages go to stderr, never to our stdout.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Generator, Iterator, Mapping, Sequence
from typing import IO, Any
from unittest import mock

from bench import interrupt
from bench.errors import UserError
from bench.registry import SystemAdapter, options_of
from bench.runner.checks import reason as _reason
from bench.runner.checks import short
from bench.runner.pool import SETUP_TIMEOUT, adapter_payload, after_fault, chunks, hash_seed
from bench.runner.worker import Answer, answer_chunk, set_up, unsendable
from bench.schema import Document

#: Longest wait on Ray at once, in seconds: signals are held while Ray waits, so this bounds a Ctrl-C's delay.
POLL = 0.5

#: Set for every Ray process this one starts or talks to: no usage statistics are collected or sent.
QUIET = {"RAY_USAGE_STATS_ENABLED": "0"}

#: Set, in addition, for a local instance (see :func:`local_ray`): the node's address is the loopback one.
LOCAL_ONLY = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}

#: The logger of Ray's notice that a new local instance has token authentication on (its default,
#: which we keep: a token in ``~/.ray/auth_token``); the notice is left out of our stderr.
TOKEN_NOTICE = "ray._private.authentication.authentication_token_setup"

#: The Ray version newsbench pins (``newsbench[ray]``): :func:`local_ray` replaces private parts of it.
RAY_VERSION = "2.60.0"

#: How long to wait, in seconds, for a ``HOST:PORT`` in ``RAY_ADDRESS`` to accept a connection (see :func:`check_reachable`).
CONNECT_TIMEOUT = 5.0


def cluster_address(environ: Mapping[str, str]) -> str | None:
    """The cluster to join from ``RAY_ADDRESS`` in ``environ``, or None for a new (protected) local instance.

    Ray's ``local`` means "start a local instance", as does no value.

    >>> cluster_address({}), cluster_address({"RAY_ADDRESS": "local"}), cluster_address({"RAY_ADDRESS": "head:6379"})
    (None, None, 'head:6379')
    """
    address = environ.get("RAY_ADDRESS", "").strip()
    return None if address in ("", "local") else address


def host_and_port(address: str) -> tuple[str, int] | None:
    """``(host, port)`` of a plain ``HOST:PORT`` address, else None (``auto``, ``ray://…``).

    >>> host_and_port("10.0.0.5:6379"), host_and_port("[::1]:6379"), host_and_port("auto"), host_and_port("ray://h:10001")
    (('10.0.0.5', 6379), ('::1', 6379), None, None)
    """
    if "://" in address:
        return None
    host, colon, port = address.rpartition(":")
    if not colon or not host or not port.isdigit():
        return None
    return host.removeprefix("[").removesuffix("]"), int(port)


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """An ``OSError`` unless the plain ``HOST:PORT`` ``address`` accepts a TCP connection within ``timeout``
    seconds (other forms are left to Ray): Ray itself retries an unreachable address for minutes."""
    parsed = host_and_port(address)
    if parsed is not None:
        socket.create_connection(parsed, timeout=timeout).close()


def died_on_ray(error: BaseException) -> str:
    """The failure reason of a document whose Ray actor died: the first line of Ray's explanation.

    >>> died_on_ray(RuntimeError("The actor died unexpectedly before finishing this task.\\n\\tpid: 7"))
    'worker process died (Ray: The actor died unexpectedly before finishing this task.)'
    """
    lines = str(error).strip().splitlines() or [type(error).__name__]
    return short(f"worker process died (Ray: {lines[0].strip()})")


class _Predictor:
    """Runs inside a Ray actor: one set-up adapter answering chunks, like a local worker process.

    Made a Ray actor class by :meth:`RayExecutor.connect` (``ray.remote``), so this module never
    imports Ray itself; Ray finds this class on a worker by its module path.
    """

    def __init__(self, payload: bytes, megabytes: int | None, samples: bool) -> None:
        with contextlib.suppress(ValueError):  # only the main thread may; Ctrl-C is the driver's to handle
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.megabytes = megabytes
        self.samples = samples
        self.printed: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 — as long as the actor lives
        with self._printing():
            self.adapter, self.problem = set_up(payload, megabytes)
        self.setup_printed = self._read_printed()

    @contextlib.contextmanager
    def _printing(self) -> Iterator[None]:
        """Inside: what the system prints to stdout, from Python or C, goes to :attr:`printed` (emptied first)."""
        sys.stdout.flush()
        self.printed.seek(0)
        self.printed.truncate()
        saved = os.dup(1)
        os.dup2(self.printed.fileno(), 1)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)

    def _read_printed(self) -> bytes:
        self.printed.seek(0)
        return self.printed.read()

    def ready(self) -> tuple[str, str, bytes]:
        """``("ready", "", printed)`` or ``("setup-failed", reason, printed)``; ``printed``: what set-up printed."""
        return ("setup-failed" if self.adapter is None else "ready"), self.problem, self.setup_printed

    def predict(self, chunk: list[Document]) -> tuple[bytes, bytes]:
        """``chunk``'s answers pickled as ``(kind, answers)`` (see :func:`~bench.runner.worker.answer_chunk`),
        and what the system printed meanwhile."""
        assert self.adapter is not None
        with self._printing():
            kind, outcomes = answer_chunk(self.adapter, chunk, samples=self.samples, megabytes=self.megabytes)
        try:
            body = pickle.dumps((kind, outcomes))
        except Exception as error:  # noqa: BLE001 — an output that cannot be pickled
            body = pickle.dumps((kind, unsendable(outcomes, error)))
        return body, self._read_printed()


def _write_all(fd: int, data: bytes) -> None:
    """Append ``data`` to the file descriptor ``fd`` (a negative one, such as ``subprocess.DEVNULL``, discards it)."""
    view = memoryview(data)
    while fd >= 0 and view:
        view = view[os.write(fd, view):]


@contextlib.contextmanager
def _environment(updates: Mapping[str, str | None]) -> Iterator[None]:
    """``os.environ`` with ``updates`` inside the block (what Ray's processes inherit; None: unset), as it was after."""
    before = {name: os.environ.get(name) for name in updates}
    for name, value in updates.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _signal_handlers_kept() -> Iterator[None]:
    """``ray.init`` installs its own SIGTERM handler; ours (:mod:`bench.interrupt`) come back after it."""
    kept = {s: signal.getsignal(s) for s in interrupt.SIGNALS}
    try:
        yield
    finally:
        for s, handler in kept.items():
            with contextlib.suppress(ValueError, TypeError):  # not the main thread: nothing was changed
                signal.signal(s, handler)


@contextlib.contextmanager
def _quiet_logger(name: str) -> Iterator[None]:
    """Inside the block, the logger ``name`` keeps only errors."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _interruptions_unwrapped() -> Iterator[None]:
    """Ray runs signal handlers inside its own C calls and reports what they raise as a ``SystemError``:
    an interruption (:class:`~bench.interrupt.Interrupted`, ``KeyboardInterrupt``) comes out as itself."""
    try:
        yield
    except SystemError as error:
        cause = error.__cause__ or error.__context__
        if isinstance(cause, (interrupt.Interrupted, KeyboardInterrupt)):
            raise cause from None
        raise


#: How many times Ray called :func:`_no_dashboard` instead of starting its dashboard process.
dashboards_refused = 0


def _no_dashboard(*args: object, **kwargs: object) -> tuple[None, None]:
    """Stands in for Ray's ``start_api_server``: no dashboard process (Ray carries on without one)."""
    global dashboards_refused
    dashboards_refused += 1
    return None, None


def _private(module: Any, name: str) -> None:
    """A :class:`UserError` unless Ray's private ``module`` still has ``name``, which :func:`local_ray` replaces."""
    if not hasattr(module, name):
        import ray

        raise UserError(
            f"cannot start a local Ray instance: this Ray ({ray.__version__}) has no {module.__name__}.{name}, "
            f"which newsbench replaces to start Ray without its dashboard; newsbench works with ray=={RAY_VERSION} "
            f"(pip install 'newsbench[ray]')", exit_code=2)


#: The string-hash seed every worker of the running :func:`local_ray` instance has (None: no such instance).
_local_seed: str | None = None

#: How the driver joins Ray: our stdout and stderr stay ours (no worker output is forwarded), warnings only.
DRIVER_OPTIONS: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}


@contextlib.contextmanager
def local_ray(cpus: int) -> Iterator[None]:
    """A new local Ray instance with ``cpus`` CPUs inside the block, shut down after it (its logs, in a
    temporary folder, removed), that reaches nothing but this machine's loopback interface.

    Its node address is the loopback one (Ray otherwise asks the routing table for the way to a public
    address), it collects no usage statistics, and it has no dashboard process: even without its web
    page Ray starts one, which asks cloud metadata addresses which cloud it runs on. Ray's token
    authentication stays on, as Ray sets it up (a token in ``~/.ray/auth_token``), without its notice.
    """
    global _local_seed
    seed = hash_seed()
    # before Ray is imported (it reads them then), and inherited by its processes: the workers hash with our seed;
    # no RAY_ADDRESS (``local`` means this start, and Ray must not read any other)
    with _environment({**QUIET, **LOCAL_ONLY, "PYTHONHASHSEED": seed, "RAY_ADDRESS": None}):
        import ray
        from ray._private import ray_constants, services

        _private(services, "start_api_server")
        _private(ray_constants, "ENABLE_RAY_CLUSTER")
        temp_dir = tempfile.mkdtemp(prefix="newsbench-ray-")
        try:
            with _signal_handlers_kept(), _quiet_logger(TOKEN_NOTICE), \
                    mock.patch.object(services, "start_api_server", _no_dashboard), \
                    mock.patch.object(ray_constants, "ENABLE_RAY_CLUSTER", False):
                ray.init(num_cpus=cpus, include_dashboard=False, _temp_dir=temp_dir, **DRIVER_OPTIONS)
            _local_seed = seed
            yield
        finally:
            _local_seed = None
            with interrupt.deferred():
                with contextlib.suppress(Exception):
                    ray.shutdown()
                shutil.rmtree(temp_dir, ignore_errors=True)


class _Slot:
    """One actor, the call it is busy with (its set-up first), and the chunk that call holds."""

    def __init__(self, actor: Any, ready: Any) -> None:
        self.actor = actor
        self.call: Any = ready
        self.ready = False
        self.chunk: list[Document] = []
        self.sent = time.monotonic()
        self.deadline = self.sent + SETUP_TIMEOUT


class RayExecutor:
    """Runs systems on Ray actors (see the module); connects on first use, :meth:`close` disconnects."""

    def __init__(self, cpus: int) -> None:
        #: The CPUs of a local instance this executor starts (``--jobs``).
        self.cpus = cpus
        self._ray: Any = None
        self._actor_class: Any = None
        self._stack = contextlib.ExitStack()

    @property
    def connected(self) -> bool:
        """Whether this executor has joined Ray (it does so only when a document is to be computed)."""
        return self._ray is not None

    def connect(self) -> Any:
        """The ``ray`` module, connected (see the module for where to); a :class:`UserError` if that fails."""
        if self._ray is not None:
            return self._ray
        address = cluster_address(os.environ)
        self._stack.enter_context(_environment(QUIET))
        try:
            import ray
        except ImportError as error:  # installed (open_executor checked) but broken
            self.close()
            raise UserError(f"--executor ray: Ray cannot be imported: {_reason(error)} "
                            "(pip install 'newsbench[ray]')", exit_code=2) from None

        # Ray prints what its nodes report (a worker that died, say) to sys.stdout: our stdout is the commands'.
        self._stack.enter_context(contextlib.redirect_stdout(sys.stderr))
        if not ray.is_initialized():
            try:
                with _interruptions_unwrapped():
                    if address:
                        check_reachable(address)  # Ray would retry an unreachable one for minutes
                        with _signal_handlers_kept():
                            ray.init(**DRIVER_OPTIONS)
                        self._stack.callback(ray.shutdown)
                    else:
                        self._stack.enter_context(local_ray(self.cpus))
            except UserError:
                self.close()
                raise
            except Exception as error:  # noqa: BLE001 — Ray's many ways of failing to start mean the same here
                self.close()
                where = f"the Ray cluster at {address} (RAY_ADDRESS)" if address else "a local Ray instance"
                raise UserError(f"cannot connect to {where}: {_reason(error)}", exit_code=2) from None
        self._ray = ray
        self._actor_class = ray.remote(_Predictor)
        return ray

    def close(self) -> None:
        """Disconnect; a local instance this executor started is shut down and its temporary folder removed."""
        with interrupt.deferred():
            self._ray = None
            self._stack.close()

    def _capacity(self, ray: Any) -> int:
        """How many actors can run at once: the cluster's CPUs (at least one)."""
        with contextlib.suppress(Exception):
            return max(1, int(ray.cluster_resources().get("CPU", 1)))
        return 1

    def _start(self, payload: bytes, max_memory: int | None, samples: bool) -> _Slot:
        """A new actor holding the adapter, and its set-up call."""
        seed = hash_seed()
        # Our local instance's workers already have the seed (so idle ones can be taken at once); elsewhere each
        # actor gets a worker started with it.
        environment = None if _local_seed == seed else {"env_vars": {"PYTHONHASHSEED": seed}}
        actor = self._actor_class.options(
            num_cpus=1, max_restarts=0, max_task_retries=0, runtime_env=environment,
        ).remote(payload, max_memory, samples)
        return _Slot(actor, actor.ready.remote())

    def _kill(self, slot: _Slot) -> None:
        with contextlib.suppress(Exception):
            self._ray.kill(slot.actor, no_restart=True)

    def run(
        self, adapter: SystemAdapter, documents: Sequence[Document], *, jobs: int, timeout: float | None,
        stdout: int = subprocess.DEVNULL, max_memory: int | None = None, samples: bool = False,
    ) -> Generator[Answer, None, None]:
        """Predict ``documents`` on at most ``jobs`` actors (fewer if the cluster has fewer CPUs); see the module.

        ``stdout``: a file descriptor that receives what the system printed, chunk by chunk.
        """
        with _interruptions_unwrapped():
            yield from self._predict(adapter, documents, jobs=jobs, timeout=timeout, stdout=stdout,
                                     max_memory=max_memory, samples=samples)

    def _predict(
        self, adapter: SystemAdapter, documents: Sequence[Document], *, jobs: int, timeout: float | None,
        stdout: int, max_memory: int | None, samples: bool,
    ) -> Generator[Answer, None, None]:
        """:meth:`run`'s work."""
        payload = adapter_payload(adapter)
        ray = self.connect()
        from ray.exceptions import RayError

        queue: deque[list[Document]] = deque(chunks(documents, jobs, options_of(adapter).batch_size))
        slots: list[_Slot] = []
        with interrupt.deferred():  # an actor started is an actor listed, so the cleanup below finds it
            for _ in range(min(jobs, len(queue), self._capacity(ray))):
                slots.append(self._start(payload, max_memory, samples))

        def send(slot: _Slot, chunk: list[Document]) -> None:
            slot.chunk = chunk
            slot.sent = time.monotonic()
            slot.deadline = math.inf if timeout is None else slot.sent + timeout
            slot.call = slot.actor.predict.remote(chunk)

        def abort(reason: str) -> Iterator[Answer]:
            """The adapter cannot start: every document not yet answered fails with the same reason."""
            for chunk in [*queue, *(s.chunk for s in slots)]:
                for document in chunk:
                    yield Answer(document.doc_id, None, reason)
            queue.clear()
            for s in slots:
                s.chunk = []
                s.call = None

        def work_left() -> bool:
            return bool(queue) or any(s.chunk for s in slots)

        def replace(index: int) -> None:
            """Kill the actor of ``slots[index]``; start a new one only if some work is left for it (a set-up
            nobody needs would only delay the end), else leave the slot idle for good."""
            self._kill(slots[index])
            if work_left():
                slots[index] = self._start(payload, max_memory, samples)
            else:
                slots[index].ready = False
                slots[index].call = None

        try:
            while True:
                for slot in slots:
                    if slot.ready and slot.call is None and queue:
                        send(slot, queue.popleft())
                live = [s for s in slots if s.call is not None]
                if not live or not work_left():  # as the local pool: no actor still setting up is waited for
                    return
                remaining = min(s.deadline for s in live) - time.monotonic()
                with interrupt.deferred():  # Ray checks for signals itself while it waits: a Ctrl-C is ours after it
                    done, _ = ray.wait([s.call for s in live], num_returns=1, timeout=max(0.0, min(POLL, remaining)))
                for index, slot in enumerate(slots):
                    if slot.call is None:
                        continue
                    problem: str | None = None  # None: it ran out of time
                    if done and slot.call == done[0]:
                        try:
                            result = ray.get(slot.call)
                        except RayError as error:
                            problem = died_on_ray(error)
                        else:
                            slot.call = None
                            if not slot.ready:
                                kind, reason, printed = result
                                _write_all(stdout, printed)
                                if kind != "ready":
                                    yield from abort(f"setup failed: {reason}")
                                    return
                                slot.ready = True
                                continue
                            body, printed = result
                            _write_all(stdout, printed)
                            kind, answers = pickle.loads(body)
                            slot.chunk = []
                            if kind == "retire":  # it ran out of memory: a fresh actor for what follows
                                replace(index)
                            elif queue:  # its next chunk first, so it works while the caller checks and caches these
                                send(slot, queue.popleft())
                            yield from answers
                            continue
                    elif time.monotonic() < slot.deadline:
                        continue
                    # The actor died or ran out of time: the local pool's policy decides (pool.after_fault).
                    fault = after_fault(ready=slot.ready, chunk=slot.chunk, queue=queue, died=problem,
                                        elapsed=time.monotonic() - slot.sent, timeout=timeout)
                    if fault.abort is not None:
                        yield from abort(fault.abort)
                        return
                    queue.clear()
                    queue.extend(fault.queue)
                    slot.chunk = []
                    slot.call = None
                    replace(index)  # after the chunk went back into the queue: it is work left
                    if fault.answer is not None:
                        yield fault.answer
        finally:
            with interrupt.deferred():  # however the run ends, no actor outlives it
                for slot in slots:
                    self._kill(slot)
