"""Compare tensorsh's arange, range, linspace and logspace with PyTorch's, bit for bit, on random cases.

    .venv/bin/python scripts/check_ranges.py [--cases N] [--seed S]

Needs torch. Each case draws start, end and step (or steps), a dtype and a length: mostly
short ranges, some past one SIMD vector pair, some past the 32768 elements where PyTorch
splits the work over threads. A case agrees when both give the same shape and bytes, or
both raise the same exception class. Prints the agreement per function and dtype, and the
first few disagreements.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tensorsh import engine  # noqa: E402

DTYPES = ["float32", "float64", "float16", "int64", "int32"]


def _length(rng) -> int:
    kind = rng.random()
    if kind < 0.6:
        return int(rng.integers(1, 100))
    if kind < 0.9:
        return int(rng.integers(100, 5000))
    return int(rng.integers(30000, 150000))


def _number(rng, scale: float):
    kind = rng.random()
    if kind < 0.2:
        return int(rng.integers(-10, 10))
    if kind < 0.3:
        return 0.0
    return float(rng.uniform(-scale, scale))


def draw_case(rng):
    """(function name, args, dtype name) of one random call."""
    function = rng.choice(["arange", "arange", "range", "linspace", "logspace"])
    dtype = str(rng.choice(DTYPES))
    n = _length(rng)
    if dtype == "float16":
        n = min(n, 2000)
    if function == "logspace":
        base = float(rng.choice([10.0, 2.0, np.e, 3.5, 0.5]))
        scale = 8 if dtype.startswith("int") else 3
        return function, (_number(rng, scale), _number(rng, scale), min(n, 3000), base), dtype
    if function == "linspace":
        return function, (_number(rng, 10), _number(rng, 1000 if rng.random() < 0.2 else 10), n), dtype
    start = _number(rng, 10)
    step = float(rng.choice([rng.uniform(1e-3, 1), 0.1, 0.02, 0.3, 1 / 3, rng.uniform(0.01, 5)]))
    if dtype.startswith("int"):
        step = float(rng.choice([step, np.ceil(step * 3)]))
    step *= float(rng.choice([-1, 1]))
    end = start + step * n - step * float(rng.choice([0.0, 0.5, 0.999]))
    if rng.random() < 0.2:
        start, step = int(round(start)), int(rng.choice([1, 2, 3, -1, -2]))
        end = start + step * n
    return function, (start, end, step), dtype


def run(module, function, args, dtype):
    try:
        return getattr(module, function)(*args, dtype=getattr(module, dtype)).numpy()
    except Exception as exc:  # the exception class is compared
        return type(exc).__name__


def agrees(mine, theirs) -> bool:
    if isinstance(mine, str) or isinstance(theirs, str):
        return isinstance(mine, str) and isinstance(theirs, str) and mine == theirs
    return mine.shape == theirs.shape and mine.dtype.itemsize == theirs.dtype.itemsize and \
        mine.tobytes() == theirs.tobytes()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(options.seed)
    tally = collections.defaultdict(lambda: [0, 0])
    shown = []
    for _ in range(options.cases):
        function, args, dtype = draw_case(rng)
        if function == "range" and dtype.startswith("int") and int(args[2]) == 0:
            continue  # PyTorch divides by the truncated step: the process dies of SIGFPE
        theirs = run(torch, function, args, dtype)
        with contextlib.redirect_stderr(io.StringIO()):  # range's deprecation warning
            mine = run(engine, function, args, dtype)
        good = agrees(mine, theirs)
        tally[function, dtype][0] += good
        tally[function, dtype][1] += 1
        if not good and len(shown) < 8:
            shown.append((function, args, dtype))
    total = [sum(v[0] for v in tally.values()), sum(v[1] for v in tally.values())]
    for (function, dtype), (good, count) in sorted(tally.items()):
        print(f"{function:9} {dtype:8} {good:5} / {count:5}  {100 * good / count:6.2f}%")
    print(f"{'all':18} {total[0]:5} / {total[1]:5}  {100 * total[0] / total[1]:6.2f}%")
    for case in shown:
        print("differs:", case)
    return 0 if total[0] == total[1] else 1


if __name__ == "__main__":
    sys.exit(main())
