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
from collections.abc import Iterator
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
def handled() -> Iterator[None]:
    """Inside: SIGINT and SIGTERM raise :class:`Interrupted`; the previous handlers come back after."""
    if not _main_thread():  # signal handlers can only be set from the main thread
        yield
        return
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    for s in SIGNALS:
        signal.signal(s, _raise)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextmanager
def deferred() -> Iterator[None]:
    """Inside: SIGINT and SIGTERM are held; the first one held is re-delivered when the block ends."""
    if not _main_thread():
        yield
        return
    held: list[int] = []
    previous = {s: signal.getsignal(s) for s in SIGNALS}

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    for s in SIGNALS:
        signal.signal(s, hold)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if held:
        signal.raise_signal(held[0])
