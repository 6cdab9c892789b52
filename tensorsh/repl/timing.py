"""Timing a statement for `:time`: runs per round calibrated as timeit does, mean and spread."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable

TARGET_SECONDS = 0.2  # per round; enough to average out the timer's resolution
MAX_ROUNDS = 7
MAX_TOTAL_SECONDS = 3.0


@dataclass
class Timing:
    per_run: list[float]  # seconds per run, one mean per round
    loops: int  # runs per round

    @property
    def mean(self) -> float:
        return statistics.fmean(self.per_run)

    @property
    def spread(self) -> float:
        return statistics.stdev(self.per_run) if len(self.per_run) > 1 else 0.0

    def __str__(self) -> str:
        rounds = len(self.per_run)
        if rounds == 1 and self.loops == 1:
            return f"{format_seconds(self.mean)} (one run)"
        return (f"{format_seconds(self.mean)} ± {format_seconds(self.spread)} per run "
                f"(mean ± std. dev. of {rounds} round{'s' if rounds > 1 else ''}, "
                f"{self.loops} run{'s' if self.loops > 1 else ''} each)")


def format_seconds(seconds: float) -> str:
    """A duration with a unit that keeps 3 significant digits: `1.23 ms`, `45.6 µs`."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def measure(run: Callable[[], Any], clock: Callable[[], float] = time.perf_counter) -> Timing:
    """Time `run` as timeit does: runs per round grow 1, 2, 5, 10, ... until a round takes 0.2 s,
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
    return Timing(per_run, loops)


def _round(run: Callable[[], Any], loops: int, clock: Callable[[], float]) -> float:
    start = clock()
    for _ in range(loops):
        run()
    return clock() - start
