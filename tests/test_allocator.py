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


def test_an_older_glibc_refusing_a_64_mib_mmap_threshold_gets_its_largest_one_and_the_trim_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # older glibc refuses mmap thresholds above HEAP_MAX_SIZE / 2 (32 MiB on 64-bit systems)
    import ctypes

    calls: list[tuple[int, int]] = []

    def mallopt(param: int, value: int) -> int:
        calls.append((param, value))
        return 0 if param == allocator.M_MMAP_THRESHOLD and value > 32 * 2**20 else 1

    class Libc:
        pass

    libc = Libc()
    libc.mallopt = mallopt  # type: ignore[attr-defined]
    monkeypatch.setattr(ctypes, "CDLL", lambda name: libc)
    monkeypatch.setattr(allocator, "_glibc", lambda: True)
    monkeypatch.setattr(allocator, "_done", False)
    assert allocator.keep_freed_memory() is True
    assert calls == [(allocator.M_MMAP_THRESHOLD, 64 * 2**20), (allocator.M_MMAP_THRESHOLD, 32 * 2**20),
                     (allocator.M_TRIM_THRESHOLD, allocator.TRIM_THRESHOLD)]


def test_without_ctypes_or_a_c_library_to_open_it_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    def unopenable(name: object) -> object:
        raise OSError("no C library here")

    monkeypatch.setattr(ctypes, "CDLL", unopenable)
    monkeypatch.setattr(allocator, "_glibc", lambda: True)
    monkeypatch.setattr(allocator, "_done", False)
    assert allocator.keep_freed_memory() is False
