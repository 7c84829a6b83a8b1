"""Ctrl-C (SIGINT) and SIGTERM as one exception, and sections they cannot cut in half.

:func:`handled` turns both signals into :class:`Interrupted` (a ``BaseException``, so no
``except Exception`` in a system or in our code swallows it); the command line prints
``interrupted`` and exits ``128 + signal`` (130, 143). :func:`deferred` holds a signal that
arrives while a group of files is written (a report set, a predictions file and its run
record) until the group is complete, so a run stops between writes, never inside one.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

#: The signals that stop a run cleanly.
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """A run stopped by ``signum``; :attr:`exit_code` is the shell's ``128 + signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def _installed(handler: Callable[[int, FrameType | None], None]) -> Iterator[None]:
    """``handler`` for SIGINT and SIGTERM inside the block, the previous handlers after it."""
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    for s in SIGNALS:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


@contextmanager
def handled() -> Iterator[None]:
    """Inside: SIGINT and SIGTERM raise :class:`Interrupted`; the previous handlers come back after."""
    if not _main_thread():  # signal handlers can only be set from the main thread
        yield
        return
    with _installed(_raise):
        yield


@contextmanager
def deferred() -> Iterator[None]:
    """Inside: SIGINT and SIGTERM are held; the first one held is re-delivered when the block ends."""
    if not _main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    with _installed(hold):
        yield
    if held:
        signal.raise_signal(held[0])
