"""Timing for `:time` (one run: wall and CPU time) and `:timeit` (repeated: mean and spread),
in IPython's `%time` and `%timeit` formats."""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable

TARGET_SECONDS = 0.2  # per round; enough to average out the timer's resolution
MAX_ROUNDS = 7
MAX_TOTAL_SECONDS = 3.0


@dataclass
class Timing:
    """What `:timeit` measured."""

    per_run: list[float]  # seconds per loop, one mean per round
    loops: int  # loops per round

    @property
    def mean(self) -> float:
        return statistics.fmean(self.per_run)

    @property
    def spread(self) -> float:
        return statistics.stdev(self.per_run) if len(self.per_run) > 1 else 0.0

    def __str__(self) -> str:  # IPython's words: a "run" is a round of `loops` loops
        rounds = len(self.per_run)
        return (f"{format_seconds(self.mean)} ± {format_seconds(self.spread)} per loop "
                f"(mean ± std. dev. of {rounds} run{'s' if rounds != 1 else ''}, "
                f"{self.loops:,} loop{'s' if self.loops != 1 else ''} each)")


@dataclass
class Once:
    """What `:time` measured: one run's wall time and the process's CPU time, user and system."""

    wall: float
    user: float
    system: float

    def __str__(self) -> str:
        return (f"CPU times: user {format_seconds(self.user)}, sys: {format_seconds(self.system)}, "
                f"total: {format_seconds(self.user + self.system)}\nWall time: {format_seconds(self.wall)}")


def format_seconds(seconds: float) -> str:
    """A duration as IPython shows it: 3 significant digits and a unit (`1.23 ms`, `45.6 µs`),
    minutes and hours past a minute (`2min 5s`)."""
    if seconds >= 60.0:
        parts, rest = [], seconds
        for suffix, length in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
            value = int(rest / length)
            if value > 0:
                rest %= length
                parts.append(f"{value}{suffix}")
        return " ".join(parts)
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def _cpu_times() -> tuple[float, float]:
    """(user, system) CPU seconds of this process so far."""
    try:
        import resource
    except ImportError:  # not POSIX: the total only, counted as user time
        return time.process_time(), 0.0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def time_once(run: Callable[[], Any]) -> tuple[Once, Any]:
    """Run `run` once; its timing and what it returned."""
    user, system = _cpu_times()
    start = time.perf_counter()
    result = run()
    wall = time.perf_counter() - start
    user_after, system_after = _cpu_times()
    return Once(wall, max(0.0, user_after - user), max(0.0, system_after - system)), result


def measure(run: Callable[[], Any], clock: Callable[[], float] = time.perf_counter) -> Timing:
    """Time `run` as timeit does: loops per round grow 1, 2, 5, 10, ... until a round takes 0.2 s,
    then up to 7 rounds, stopping early once 3 s have gone by."""
    loops, step = 1, 0
    began = clock()
    while True:
        elapsed = _round(run, loops, clock)
        if elapsed >= TARGET_SECONDS or clock() - began >= MAX_TOTAL_SECONDS:
            break
        step += 1
        loops = (1, 2, 5)[step % 3] * 10 ** (step // 3)
    per_run = [elapsed / loops]
    while len(per_run) < MAX_ROUNDS and clock() - began + elapsed <= MAX_TOTAL_SECONDS:
        per_run.append(_round(run, loops, clock) / loops)
    if not all(math.isfinite(t) for t in per_run):
        raise ValueError("the timer failed")
    return Timing(per_run, loops)


def _round(run: Callable[[], Any], loops: int, clock: Callable[[], float]) -> float:
    start = clock()
    for _ in range(loops):
        run()
    return clock() - start
