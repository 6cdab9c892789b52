"""The memory limit: refuse a tensor too big for the machine before allocating it.

NumPy asks the OS for memory lazily, so an allocation larger than the machine can
back may "succeed" and then swap the host to a halt when touched. Every op whose
result size comes from user input (sizes, ranges, broadcasting, matmul, repeat, cat,
copies of expanded views) calls `check_allocation` first. The default limit is half
of the machine's physical memory; `set_max_memory` (the CLI's --max-memory) changes it.
"""

from __future__ import annotations

import os


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * 2 ** 30


_max_bytes = _physical_memory() // 2


def max_memory() -> int:
    """The largest tensor, in bytes, that may be created."""
    return _max_bytes


def set_max_memory(nbytes: int) -> None:
    """Set the largest tensor, in bytes, that may be created."""
    global _max_bytes
    if nbytes <= 0:
        raise ValueError("the memory limit must be a positive number of bytes")
    _max_bytes = int(nbytes)


def human(nbytes: int) -> str:
    """1610612736 -> '1.5 GiB'."""
    size = float(nbytes)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if size < 1024 or unit == "EiB":
            return f"{int(size)} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{nbytes} bytes"


def check_allocation(shape, dtype) -> None:
    """Raise a clear RuntimeError if a tensor of this shape and dtype exceeds the memory limit."""
    n = 1
    for d in shape:
        n *= d
    nbytes = n * dtype.itemsize
    if nbytes > _max_bytes:
        raise RuntimeError(
            f"a tensor of shape {tuple(shape)} and dtype {dtype.name} would need {human(nbytes)}, more than "
            f"the memory limit of {human(_max_bytes)} (tensorsh --max-memory sets the limit)"
        )
