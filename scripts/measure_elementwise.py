"""How often tensorsh's float32 elementwise results differ from PyTorch's in the last bit (needs torch).

For each function (and pow at several scalar exponents) it draws 10^6 float32 inputs from a
seeded generator over a sensible domain and compares the bit patterns of tensorsh.engine's
results with PyTorch's:

  one tensor   all 10^6 inputs in one tensor (NumPy's large-array path on our side; PyTorch's
               vectorised kernels, MKL's or Sleef's, on its side)
  chunks       the same inputs in tensors of 1000 elements (our small-array path)
  size n       tensors of n elements, for n around PyTorch's vector width, where PyTorch may
               run a scalar libm function for the tail

Each column is the percentage of inputs whose bits differ; `ulps` is the largest distance seen
in any column. Run: .venv/bin/python scripts/measure_elementwise.py [NAME ...]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as TF

from tensorsh import engine
from tensorsh.engine.nn import functional as EF

N = 10**6
CHUNK = 1000
SMALL_SIZES = (1, 7, 8, 9, 15, 16, 17, 31, 32, 33)
SMALL_INPUTS = 3000  # inputs per small size (each size runs SMALL_INPUTS / n tensors)


@dataclass
class Row:
    name: str
    domain: tuple[float, float]
    torch_fn: Callable
    engine_fn: Callable | None  # None: tensorsh has no such op


def _fn(namespace, name):
    return getattr(namespace, name, None)


def _unary(name, lo, hi, functional=False):
    return Row(name, (lo, hi), _fn(TF if functional else torch, name), _fn(EF if functional else engine, name))


def _pow(exponent, lo, hi):
    return Row(f"pow {exponent}", (lo, hi), lambda t: t.pow(exponent), lambda t: t.pow(exponent))


ROWS = [
    _unary("exp", -20, 20), _unary("log", 1e-3, 100), _unary("log1p", -0.9, 10), _unary("expm1", -5, 5),
    _unary("tanh", -5, 5), _unary("sigmoid", -20, 20), _unary("sin", -10, 10), _unary("cos", -10, 10),
    _unary("tan", -1.5, 1.5), _unary("sqrt", 0, 100), _unary("rsqrt", 1e-3, 100), _unary("erf", -3, 3),
    _unary("atan", -10, 10), _unary("asin", -1, 1), _unary("acos", -1, 1), _unary("sinh", -10, 10),
    _unary("cosh", -10, 10), _unary("log2", 1e-3, 100), _unary("log10", 1e-3, 100),
    _unary("gelu", -5, 5, functional=True), _unary("silu", -10, 10, functional=True),
    _unary("softplus", -10, 10, functional=True),
    _pow(2, -10, 10), _pow(3, -10, 10), _pow(-1, -10, 10), _pow(-2, -10, 10), _pow(-0.5, 1e-3, 100),
    _pow(0.5, 0, 100), _pow(1, -10, 10), _pow(0, -10, 10), _pow(4, -10, 10), _pow(-3, -10, 10),
    _pow(2.5, 0, 100), _pow(1.5, 0, 100), _pow(0.3, 1e-3, 100),
]


def inputs(domain, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(*domain, N).astype(np.float32)


def run_torch(fn, x: np.ndarray) -> np.ndarray:
    return fn(torch.from_numpy(x)).numpy()


def run_engine(fn, x: np.ndarray) -> np.ndarray:
    return fn(engine.tensor(x)).numpy()


def in_sizes(run, fn, x: np.ndarray, n: int) -> np.ndarray:
    """fn over x, n elements at a time (a fresh contiguous tensor for each piece)."""
    return np.concatenate([run(fn, x[i:i + n].copy()) for i in range(0, len(x) - n + 1, n)])


def ordered(a: np.ndarray) -> np.ndarray:
    """float32 bit patterns as integers that count ulps across zero."""
    i = a.view(np.int32).astype(np.int64)
    return np.where(i < 0, -(i & 0x7FFFFFFF), i)


def compare(ours: np.ndarray, theirs: np.ndarray) -> tuple[float, int]:
    """(percentage of elements whose bits differ, largest ulp distance); NaNs of any payload agree."""
    both_nan = np.isnan(ours) & np.isnan(theirs)
    differ = (ours.view(np.int32) != theirs.view(np.int32)) & ~both_nan
    ulps = np.abs(ordered(ours) - ordered(theirs))[differ]
    return 100 * differ.mean(), int(ulps.max(initial=0))


def measure(row: Row, seed: int) -> list[str]:
    x = inputs(row.domain, seed)
    if row.engine_fn is None:
        return [row.name, "(not in tensorsh)"]
    cells, worst = [], 0
    columns = [(run_engine(row.engine_fn, x), run_torch(row.torch_fn, x)),
               (in_sizes(run_engine, row.engine_fn, x, CHUNK), in_sizes(run_torch, row.torch_fn, x, CHUNK))]
    small = x[:SMALL_INPUTS]
    columns += [(in_sizes(run_engine, row.engine_fn, small, n), in_sizes(run_torch, row.torch_fn, small, n))
                for n in SMALL_SIZES]
    for ours, theirs in columns:
        rate, ulps = compare(ours, theirs)
        cells.append(f"{rate:.2f}")
        worst = max(worst, ulps)
    return [row.name, *cells, str(worst)]


def main(names: list[str]) -> None:
    torch.set_num_threads(1)
    header = ["function", "one tensor", f"chunks {CHUNK}", *(f"size {n}" for n in SMALL_SIZES), "ulps"]
    rows = [r for r in ROWS if not names or r.name in names or r.name.split()[0] in names]
    table = [header] + [measure(row, ROWS.index(row)) for row in rows]
    widths = [max(len(line[i]) for line in table if i < len(line)) for i in range(len(header))]
    for line in table:
        print("  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))))


if __name__ == "__main__":
    main(sys.argv[1:])
