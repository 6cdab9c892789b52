"""The update formulas' arithmetic, rounded as PyTorch's CPU kernels round it.

Optimizer trajectories must match PyTorch's to the last bit over many steps, so each
primitive here reproduces the operation order and rounding of the kernel PyTorch runs
for it on a CPU tensor:

- a Python number meets a tensor as a number of the tensor's dtype;
- `add(a, b, alpha)`, `addcmul` and `lerp` are fused multiply-adds (one rounding of
  `x * y + z`), as PyTorch's vectorised kernels compute them (and the scalar tails too);
- `addcdiv` is `a + (value * b) / c`, each step rounded.

A fused multiply-add of float32 (or float16) numbers is exact in float64 before its one
rounding; float64 tensors use NumPy's long double, which is closer to the fused result
than two roundings but not always equal to it.

Functions take and return NumPy arrays; `write` puts a result into a tensor's memory.
"""

from __future__ import annotations

import numpy as np

from ..ops.common import write_array
from ..rounding import fma
from ..tensor import Tensor


def number(value, like: np.ndarray):
    """A Python number as a scalar of like's dtype."""
    return like.dtype.type(value)


def add(a: np.ndarray, b: np.ndarray, alpha=1) -> np.ndarray:
    """a + alpha * b (torch.add with alpha)."""
    if alpha == 1:
        return a + b
    return fma(b, number(alpha, a), a)


def addcmul(a: np.ndarray, b: np.ndarray, c: np.ndarray, value=1) -> np.ndarray:
    """a + value * b * c (torch.addcmul)."""
    return fma(number(value, a) * b, c, a)


def addcdiv(a: np.ndarray, b: np.ndarray, c: np.ndarray, value=1) -> np.ndarray:
    """a + value * b / c (torch.addcdiv)."""
    return a + number(value, a) * b / c


def lerp(start: np.ndarray, end: np.ndarray, weight) -> np.ndarray:
    """start + weight * (end - start), from the nearer end (torch.lerp with a number weight)."""
    w = number(weight, start)
    if abs(w) < 0.5:
        return fma(w, end - start, start)
    return fma(w - start.dtype.type(1), end - start, end)


def write(t: Tensor, array: np.ndarray) -> Tensor:
    """Put array into t's memory, bumping t's version counter as an in-place op does."""
    write_array(t, array)
    return t
