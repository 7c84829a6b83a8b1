"""The allocator setting of the scoring commands (:mod:`bench.allocator`): set once on glibc, a no-op elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench import allocator


def test_it_is_set_on_glibc_and_reports_so_in_a_fresh_process() -> None:
    glibc = allocator._glibc()
    script = "from bench.allocator import keep_freed_memory as k; print(k(), k())"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(glibc)] * 2  # True twice on glibc (set once), False twice elsewhere


def test_it_does_nothing_where_the_c_library_is_not_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_name(name: str) -> str:
        raise ValueError(f"unrecognized configuration name {name!r}")

    monkeypatch.setattr(os, "confstr", no_such_name)
    monkeypatch.setattr(allocator, "_done", False)
    assert allocator._glibc() is False
    assert allocator.keep_freed_memory() is False
