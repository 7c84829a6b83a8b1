"""Pausing Python's cyclic garbage collector around work that builds many acyclic objects.

Reading and scoring a large corpus keeps millions of small records alive; every full collection
walks them all, for nothing (the records hold no cycles, reference counting frees them). Pausing
the collector is safe in a bounded command: at worst a few cycles live until it is resumed.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector; it is restored, and left as it was if already paused, on exit."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_gc(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run with the collector paused (:func:`gc_paused`); its signature is kept
    (``functools.wraps``), so a Typer command keeps its options."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with gc_paused():
            return function(*args, **kwargs)

    return paused
