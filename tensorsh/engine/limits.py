"""The memory limit: refuse a tensor too big for the machine before allocating it.

NumPy asks the OS for memory lazily, so an allocation larger than the machine can
back may "succeed" and then swap the host to a halt when touched. Every op whose
result size comes from user input (sizes, ranges, broadcasting, matmul, repeat, cat)
checks it first: through its result rule (ops/registry.py), or where it parses
its sizes. The ops whose results are no larger than their operands need no check of
their own, because no operand stands for more than the limit: a view that would (an
expand or an unfold of a small tensor) is refused when made, by `check_view`. That is
also what bounds their work: summing a 10^12-element expanded view would take hours
in C code that Ctrl-C cannot stop.

The default limit is half of the machine's physical memory; `set_max_memory` (the
CLI's --max-memory) changes it.
"""

from __future__ import annotations

import operator
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
        what = "an array" if type(dtype).__module__.startswith("numpy") else "a tensor"
        shape = tuple(operator.index(d) for d in shape)  # sizes given as NumPy ints or 0-d tensors
        raise RuntimeError(
            f"{what} of shape {shape} and dtype {dtype.name} would need {human(nbytes)}, more than "
            f"the memory limit of {human(_max_bytes)} (tensorsh --max-memory sets the limit)"
        )


def check_view(array) -> None:
    """Refuse a view whose elements, if each were stored, would exceed the memory limit
    (PyTorch makes it, as it costs nothing until used; every use would copy or loop over it all)."""
    if array.nbytes > _max_bytes:
        raise RuntimeError(
            f"a view of shape {array.shape} stands for {array.size} elements ({human(array.nbytes)} as "
            f"{array.dtype.name}), more than the memory limit of {human(_max_bytes)}: every op on it would "
            "need that much memory or work (tensorsh --max-memory sets the limit)"
        )


_UNITS = {"": 1, "B": 1, "K": 2 ** 10, "M": 2 ** 20, "G": 2 ** 30, "T": 2 ** 40, "P": 2 ** 50}


def parse_size(text: str) -> int:
    """'2G' -> 2147483648; accepts bytes ('1000000'), K, M, G, T, P (powers of 1024), an optional
    'B' or 'iB' after the unit ('512MB', '1.5GiB'), and any case."""
    import re

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*", str(text), re.IGNORECASE)
    if match is None:
        raise ValueError(f"not a size: {text!r} (examples: 2G, 512M, 1000000)")
    number, unit = match.groups()
    nbytes = int(float(number) * _UNITS[unit.upper()])
    if nbytes <= 0:
        raise ValueError(f"the memory limit must be positive, not {text!r}")
    return nbytes


def _address_space_in_use() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


# Room above the limit for temporaries, NumPy's scratch buffers and thread arenas.
_SLACK = 2 ** 30


def limit_process_memory(nbytes: int | None = None) -> bool:
    """Cap this process's address space at what it uses now plus `nbytes` (default: the memory limit)
    plus 1 GiB of slack, so that memory no per-tensor check foresaw (Python lists, NumPy temporaries)
    raises MemoryError instead of swapping the machine to a halt. Linux only; False if not applied.
    Call it once, after the imports a run needs."""
    try:
        import resource
    except ImportError:
        return False
    in_use = _address_space_in_use()
    if in_use is None:
        return False
    cap = in_use + (_max_bytes if nbytes is None else nbytes) + _SLACK
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        if soft != resource.RLIM_INFINITY and soft < cap:
            return True  # already tighter than ours
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        return False
    return True
