"""How PyTorch's CPU kernels turn the generator's raw stream into values, one function per
distribution. Each returns a flat NumPy array of values in the order PyTorch draws them,
which is the memory order of the tensor they fill (ops/sampling.py writes them there).

The facts behind each formula are collected in `shared/reference/torch-cpu-rng.md`; the
paths were confirmed bit for bit against PyTorch 2.13 (golden topic `random`). Where
PyTorch calls the C library (log, log1p in float64), so does this, element by element:
NumPy's SIMD versions differ from it in the last bit for up to 7% of inputs.
"""

from __future__ import annotations

import array
import math

import numpy as np

from ..rounding import cast, fma
from . import avx2
from .generator import Generator

_VECTOR_BLOCK = 16  # PyTorch's vectorised normal fills blocks of 16: 8 Box-Muller pairs
_PYTHON_CHUNK = 1 << 16  # elements handed to Python at a time (libm calls, randperm's swaps)
_BLOCKS_AT_ONCE = 1 << 11


# ---------------------------------------------------------------- uniform


def unit_floats(gen: Generator, n: int, double: bool) -> np.ndarray:
    """n uniforms in [0, 1): 24 random bits of a 32-bit draw as float32, or 53 bits of a
    64-bit draw as float64 (PyTorch's uniform_real_distribution)."""
    if double:
        return (gen._uint64(n) & np.uint64(2 ** 53 - 1)).astype(np.float64) * 2.0 ** -53
    return (gen._uint32(n) & np.uint32(2 ** 24 - 1)).astype(np.float32) * np.float32(2 ** -24)


def uniform(gen: Generator, n: int, dtype: np.dtype, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """rand and uniform_: low + u * (high - low), fused, in float32 (float64 for float64 tensors),
    then cast; a value the cast rounds up to `high` becomes `low`, as in PyTorch."""
    wide = np.float64 if dtype == np.float64 else np.float32
    lo, hi = wide(low), wide(high)
    values = fma(unit_floats(gen, n, wide is np.float64), hi - lo, lo).astype(dtype)
    if dtype != wide:
        values[values == dtype.type(high)] = dtype.type(low)
    return values


# ---------------------------------------------------------------- normal


def normal(gen: Generator, n: int, dtype: np.dtype, mean: float, std: float, contiguous: bool) -> np.ndarray:
    """randn and normal_. PyTorch takes one of two paths: a contiguous tensor of 16 or more
    elements gets the vectorised Box-Muller (blocks of 16), every other the scalar one."""
    if n >= _VECTOR_BLOCK and contiguous:
        return _normal_blocks(gen, n, dtype, mean, std)
    return cast(_normal_scalar(gen, n, mean, std), dtype)  # float16 through float32, as C++ converts


def _normal_blocks(gen: Generator, n: int, dtype: np.dtype, mean: float, std: float) -> np.ndarray:
    """Box-Muller on each block of 16 uniforms; a last partial block is redone from 16 fresh
    uniforms, over the tensor's last 16 elements. float32 and float64 tensors draw their
    uniforms for every element first (the partial block's too, then overwritten); float16
    ones draw them block by block, in a float32 buffer, so skip those."""
    double = dtype == np.float64
    box_muller = _box_muller_double if double else _box_muller_float
    full = n - n % _VECTOR_BLOCK
    values = unit_floats(gen, n if dtype in (np.float32, np.float64) else full, double)
    blocks = values[:full].reshape(-1, _VECTOR_BLOCK)
    for start in range(0, len(blocks), _BLOCKS_AT_ONCE):  # a few at a time: in cache, the steps run faster
        part = blocks[start:start + _BLOCKS_AT_ONCE]
        part[...] = box_muller(part, mean, std)
    if full < n:
        last = box_muller(unit_floats(gen, _VECTOR_BLOCK, double).reshape(1, -1), mean, std).ravel()
        values = np.concatenate([values[:n - _VECTOR_BLOCK], last])
    return values.astype(dtype, copy=False)


def _box_muller_float(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Each row's first 8 uniforms give radii, its last 8 angles (float32, AVX2 approximations)."""
    radius = np.sqrt(np.float32(-2) * avx2.log(np.float32(1) - blocks[:, :8]))
    sin, cos = avx2.sincos(np.float32(2 * math.pi) * blocks[:, 8:])
    return np.concatenate([_scaled(radius * cos, std, mean), _scaled(radius * sin, std, mean)], axis=1)


def _box_muller_double(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    radius = np.sqrt(-2 * libm(math.log, 1 - blocks[:, :8]))
    theta = 2 * math.pi * blocks[:, 8:]
    return np.concatenate([_scaled(radius * np.cos(theta), std, mean), _scaled(radius * np.sin(theta), std, mean)],
                          axis=1)


def _scaled(values: np.ndarray, std: float, mean: float) -> np.ndarray:
    """values * std + mean, fused, in values' dtype; with std 1 the product is exact, and an
    add is the same (it also turns -0 into +0, as the fused add does)."""
    std, mean = values.dtype.type(std), values.dtype.type(mean)
    return values + mean if std == 1 else fma(values, std, mean)


def _normal_scalar(gen: Generator, n: int, mean: float, std: float) -> np.ndarray:
    """float64 normals one at a time, as PyTorch's normal_distribution<double>: each pair of
    uniforms (u1, u2) gives r cos θ and r sin θ, and the second waits in the generator for the
    next draw (even the next call's)."""
    out = np.empty(n, np.float64)
    start = 0
    if n and gen._normal_cache is not None:
        out[0], gen._normal_cache, start = gen._normal_cache, None, 1
    pairs = (n - start + 1) // 2
    u = unit_floats(gen, 2 * pairs, double=True)
    radius = np.sqrt(-2.0 * libm(math.log1p, -u[1::2]))
    theta = 2.0 * math.pi * u[0::2]
    both = np.empty(2 * pairs, np.float64)
    both[0::2], both[1::2] = radius * np.cos(theta), radius * np.sin(theta)
    out[start:] = both[:n - start]
    if (n - start) % 2:
        gen._normal_cache = float(both[-1])
    return fma(out, np.float64(std), np.float64(mean))


def libm(function, x: np.ndarray) -> np.ndarray:
    """function (math.log, math.log1p: the C library's) on every element of a float64 array, in
    chunks so that the Python floats in flight stay few."""
    flat = x.ravel()
    out = np.empty(flat.size, np.float64)
    for start in range(0, flat.size, _PYTHON_CHUNK):
        chunk = flat[start:start + _PYTHON_CHUNK].tolist()
        out[start:start + len(chunk)] = np.fromiter(map(function, chunk), np.float64, len(chunk))
    return out.reshape(x.shape)


# ---------------------------------------------------------------- integers


def integers(gen: Generator, n: int, low: int, high: int) -> np.ndarray:
    """randint and random_(from, to): a draw modulo the range, plus low; a 64-bit draw when the
    range is 2**28 or more (PyTorch accepts the small modulo bias below that)."""
    span = high - low
    draws = gen._uint64(n) if span >= 2 ** 28 else gen._uint32(n)
    # In uint64, then wrapped to int64 as C++ wraps it: span and low may not fit int64 alone.
    return (draws % np.uint64(span) + np.uint64(low % 2 ** 64)).astype(np.int64)


def bits(gen: Generator, n: int, dtype: np.dtype) -> np.ndarray:
    """random_() without bounds: from 0 to largest_exact(dtype), inclusive; 64-bit draws for
    int64 and float64 (bool takes a draw's lowest bit)."""
    if dtype == np.bool_:
        return (gen._uint32(n) & np.uint32(1)).astype(np.bool_)
    draws = gen._uint64(n) if dtype in (np.int64, np.float64) else gen._uint32(n)
    return (draws % np.uint64(largest_exact(dtype) + 1)).astype(dtype)


def largest_exact(dtype: np.dtype) -> int:
    """The largest integer random_ draws for dtype: its maximum, or for floats 2**digits (the
    last integer they all hold exactly)."""
    if dtype == np.bool_:
        return 1
    if dtype.kind == "f":
        return 2 ** (np.finfo(dtype).nmant + 1)
    return int(np.iinfo(dtype).max)


def permutation(gen: Generator, n: int) -> np.ndarray:
    """randperm: from 0 .. n-1, swap element i with one at or after it, i = 0 .. n-2, the offset
    a 32-bit draw modulo the count left (PyTorch's randperm for n below 2**32 / 20)."""
    if n < 2:
        return np.arange(n, dtype=np.int64)
    partners = gen._uint32(n - 1) % np.arange(n, 1, -1, dtype=np.uint64) + np.arange(n - 1, dtype=np.uint64)
    # The swaps depend on each other, so they run one by one, over machine integers (8 bytes
    # an element, as the memory check counted them; Python lists take five times that).
    items = array.array("q", range(n))
    for start in range(0, n - 1, _PYTHON_CHUNK):
        for i, j in enumerate(partners[start:start + _PYTHON_CHUNK].tolist(), start):
            items[i], items[j] = items[j], items[i]
    return np.frombuffer(items, dtype=np.int64).copy()


# ---------------------------------------------------------------- bernoulli, exponential, multinomial


def bernoulli(gen: Generator, p: np.ndarray | float, n: int) -> np.ndarray:
    """n draws of u < p (bool): u a float64 uniform when p is a number or float64, else float32."""
    double = not isinstance(p, np.ndarray) or p.dtype == np.float64
    return unit_floats(gen, n, double) < p


def exponential(gen: Generator, n: int, rate: float) -> np.ndarray:
    """exponential_: -1/rate * log1p(-u) in float64, u a float64 uniform."""
    return (-1.0 / rate) * libm(math.log1p, -unit_floats(gen, n, double=True))


def categorical_with_replacement(gen: Generator, probs: np.ndarray, samples: int) -> np.ndarray:
    """multinomial with replacement, row by row: a float64 uniform per sample, placed by binary
    search in the row's cumulative sum (in the row's dtype, divided by its total, last set to 1)."""
    rows = probs.reshape(-1, probs.shape[-1])
    out = np.empty((rows.shape[0], samples), np.int64)
    for i, row in enumerate(rows):
        cumulative = np.cumsum(row, dtype=row.dtype)
        cumulative /= cumulative[-1]
        cumulative[-1] = 1
        out[i] = np.searchsorted(cumulative.astype(np.float64), unit_floats(gen, samples, double=True), "left")
    return out.reshape(probs.shape[:-1] + (samples,))
