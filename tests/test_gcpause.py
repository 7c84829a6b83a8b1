"""The collector pause: restored on exit, nested pauses leave it paused, commands keep their signature."""

from __future__ import annotations

import gc
import inspect

import pytest

from bench.gcpause import gc_paused, without_gc


def test_the_collector_is_paused_inside_and_enabled_again_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_the_collector_paused_until_the_outer_one_ends() -> None:
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_is_enabled_again_after_an_error() -> None:
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_wrapped_function_runs_paused_and_keeps_its_signature() -> None:
    def command(path: str, *, verbose: bool = False) -> bool:
        """Doc."""
        return gc.isenabled()

    wrapped = without_gc(command)
    assert wrapped("x") is False
    assert gc.isenabled()
    assert inspect.signature(wrapped) == inspect.signature(command)
    assert wrapped.__doc__ == "Doc."
