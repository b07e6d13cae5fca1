"""Keeping the memory an engine session frees for the next one (glibc's malloc only).

durable-rules allocates about 3 MB of tables for every session (korea_new_gov's) and frees
them when the session is deleted. glibc's malloc then often gives that memory back to the
system (it trims the top of the heap, or unmaps a large block) and the next session faults it
in again page by page: about 830 page faults, 2-2.5 ms of system time per evaluation, a fifth
of its CPU time. Whether it does depends on what else the process happened to allocate (the
same evaluation measured 9 or 12 ms in two runs of one benchmark). Raising glibc's thresholds
keeps freed blocks of up to :data:`MMAP_THRESHOLD` in the heap and up to :data:`TRIM_THRESHOLD`
of free memory at its top, so that a process evaluating many times reuses the same pages.

The settings are the process's (``mallopt``), made once, and only under glibc and only when
the environment does not set malloc's own variables (``MALLOC_TRIM_THRESHOLD_``,
``MALLOC_MMAP_THRESHOLD_``, ``GLIBC_TUNABLES``): a user who tunes malloc keeps their setting.
Memory a process no longer uses is still returned beyond these amounts.
"""

from __future__ import annotations

import os
import sys

#: blocks up to this size come from the heap (glibc's default starts at 128 KiB and adapts up
#: to 32 MiB as large blocks are freed, which is what makes the behaviour depend on history)
MMAP_THRESHOLD = 16 * 1024 * 1024
#: free memory at the top of the heap kept for reuse instead of being returned to the system
TRIM_THRESHOLD = 64 * 1024 * 1024

_M_TRIM_THRESHOLD = -1  # glibc's malloc.h
_M_MMAP_THRESHOLD = -3
_TUNED_BY_USER = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES")

_done = False


def keep_freed_memory() -> bool:
    """Set glibc's thresholds as described above, once per process; whether they were set."""
    global _done
    if _done:
        return False
    _done = True
    if not sys.platform.startswith("linux") or any(name in os.environ for name in _TUNED_BY_USER):
        return False
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return False
    except (ValueError, OSError):  # not glibc (musl has no such name)
        return False
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):  # no ctypes (a trimmed interpreter), no mallopt
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    mapped = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    trimmed = mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    return bool(mapped and trimmed)
