"""The C allocator tuned for one short command that builds and drops corpus-sized arrays.

glibc's ``malloc`` hands a block freed at the top of its heap back to the operating system once more
than ``M_TRIM_THRESHOLD`` bytes are free there, and serves blocks above ``M_MMAP_THRESHOLD`` from
fresh mappings unmapped again on ``free``; both thresholds start at 128 KiB and grow only with the
blocks freed. Scoring a large corpus allocates, drops and allocates again numpy arrays of
a few megabytes each, so the same memory was returned and page-faulted in again: about 8,000 of the
~48,000 page faults of ``newsbench score`` on 300,000 mentions (each ~5 µs of system time on a VM).

:func:`keep_freed_memory` raises both thresholds for the rest of the process, so freed blocks are
reused instead. The peak memory (high-water mark) does not change; memory freed late is returned
only at exit. Only the command's own process is affected: the runner's workers are new processes.
Elsewhere (macOS, Windows, musl) it does nothing.
"""

from __future__ import annotations

import os

#: ``mallopt`` parameters (glibc's ``malloc.h``).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
#: Blocks up to this size come from the heap and are reused; larger ones are still mapped and unmapped.
MMAP_THRESHOLD = 64 * 2**20
#: The largest mmap threshold older glibc accepts on 64-bit systems (``HEAP_MAX_SIZE / 2``; later releases dropped the limit):
#: there ``mallopt`` refuses :data:`MMAP_THRESHOLD`, and this one is set instead.
MMAP_THRESHOLD_OLD_GLIBC = 32 * 2**20
#: Free memory kept at the top of the heap before any is returned.
TRIM_THRESHOLD = 256 * 2**20

_done = False


def _glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (AttributeError, ValueError, OSError):  # no confstr, or no such name: not glibc
        return False


def keep_freed_memory() -> bool:
    """Raise glibc's trim and mmap thresholds once per process; whether they are now set.

    >>> keep_freed_memory() == keep_freed_memory()
    True
    """
    global _done
    if not _done and _glibc():
        try:
            import ctypes  # numpy imports it already: free for the commands that call this

            mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
        except (ImportError, OSError):  # a Python built without ctypes, or no C library to open: no tuning
            mallopt = None
        if mallopt is not None:
            mmap = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) or bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_OLD_GLIBC))
            trim = bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))  # set even if the mmap threshold was refused
            _done = mmap and trim
    return _done
