"""Where isolated predictions run: ``local`` worker processes (:mod:`bench.runner.pool`) or a ``ray`` cluster.

An :class:`Executor` takes one system's documents and yields an :class:`~bench.runner.worker.Answer`
per document; the caller (:func:`bench.runner.run.run_system`) checks, caches and writes every
answer itself, whichever executor computed it, so the cache and the output files are only ever
touched by the calling process. :func:`open_executor` gives the one ``--executor`` names, for as
long as a run of several systems lasts (a Ray connection is made once, on first use, and closed
at the end). Ray is imported only by :mod:`bench.runner.ray_executor`, and only when a document is
to be computed there.
"""

from __future__ import annotations

import importlib.util
import subprocess
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import Protocol

from bench.errors import UserError
from bench.registry import SystemAdapter
from bench.runner.pool import run_in_workers
from bench.runner.worker import Answer
from bench.schema import Document


class ExecutorName(StrEnum):
    """The names ``--executor`` accepts."""

    LOCAL = "local"
    RAY = "ray"


#: The names ``--executor`` accepts, as strings.
EXECUTORS = tuple(e.value for e in ExecutorName)

#: ``--executor``'s help text (``newsbench run`` and ``newsbench bench``).
EXECUTOR_HELP = ("Where systems run: local worker processes, or ray (a Ray cluster: RAY_ADDRESS, else a local "
                 "instance with --jobs CPUs; needs newsbench[ray]).")


class Executor(Protocol):
    """Runs one system's documents in isolation, with the per-document ``timeout`` and ``max_memory`` per worker.

    Yields one answer per document, in any order; a document that raised, timed out or whose worker
    died is answered with its one-line reason, never by an exception. ``stdout``: a file descriptor
    for what the system prints. However the generator ends, no worker it started is left running.
    """

    def run(
        self, adapter: SystemAdapter, documents: Sequence[Document], *, jobs: int, timeout: float | None,
        stdout: int = subprocess.DEVNULL, max_memory: int | None = None, samples: bool = False,
    ) -> Generator[Answer, None, None]: ...


class LocalExecutor:
    """Worker processes on this machine (:func:`bench.runner.pool.run_in_workers`), the default."""

    def run(
        self, adapter: SystemAdapter, documents: Sequence[Document], *, jobs: int, timeout: float | None,
        stdout: int = subprocess.DEVNULL, max_memory: int | None = None, samples: bool = False,
    ) -> Generator[Answer, None, None]:
        return run_in_workers(adapter, documents, jobs=jobs, timeout=timeout, stdout=stdout, max_memory=max_memory,
                              samples=samples)


#: The local executor (it holds no state).
LOCAL = LocalExecutor()


def ray_installed() -> bool:
    """Whether Ray can be imported here (checked without importing it)."""
    return importlib.util.find_spec("ray") is not None


@contextmanager
def open_executor(name: str, jobs: int) -> Iterator[Executor]:
    """The executor ``name`` for the duration of the block; a :class:`UserError` for an unknown name, for
    ``ray`` when Ray is not installed or with ``jobs`` 0 (which means "in this process")."""
    if name == "local":
        yield LOCAL
        return
    if name != "ray":
        raise UserError(f"unknown executor {name!r} (choose from {', '.join(EXECUTORS)})", exit_code=2)
    if jobs < 1:
        raise UserError("--executor ray runs systems in Ray workers: --jobs must be 1 or more "
                        "(--jobs 0 runs them in this process)", exit_code=2)
    if not ray_installed():
        raise UserError("--executor ray needs Ray, which is not installed: install newsbench[ray] "
                        "(pip install 'newsbench[ray]')", exit_code=2)
    from bench.runner.ray_executor import RayExecutor

    executor = RayExecutor(cpus=jobs)
    try:
        yield executor
    finally:
        executor.close()
