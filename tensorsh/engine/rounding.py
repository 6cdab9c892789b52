"""Arithmetic rounded as PyTorch's CPU kernels round it, where NumPy rounds differently."""

from __future__ import annotations

import numpy as np

_F16, _F32 = np.dtype(np.float16), np.dtype(np.float32)
_WIDE = frozenset({np.dtype(np.float64), np.dtype(np.complex128), np.dtype(np.complex64)})


# ---------------------------------------------------------------- conversions to float16

# C++'s c10::Half is constructed from a float only, so PyTorch converts a double to float16
# through float32: two roundings. A double just off a float16 halfway point lands on it in
# float32 and then ties to even, where one rounding would go the other way: about one random
# double in 16,000. This holds for every route a double takes into float16 (tensor data,
# casts, copies, fills, random normals, and a Python number meeting a float16 tensor in add,
# sub, comparisons, clamp, hardtanh, where, masked_fill, index writes, pad, nan_to_num, alpha
# and pow's exponent), so each
# goes through one of these two functions. mul, div, floor_divide, lerp and leaky_relu are the
# exception: they read a number straight into float32, the dtype they compute in
# (ops/common.py, opmath_number).
# scripts/measure_half.py measures each route against PyTorch.

def cast(array: np.ndarray, np_dtype, copy: bool = True) -> np.ndarray:
    """array.astype(np_dtype, copy=copy), a double reaching float16 through float32 as in PyTorch."""
    if np_dtype == _F16 and array.dtype in _WIDE:
        return (array.real if array.dtype.kind == "c" else array).astype(_F32).astype(np_dtype, copy=False)
    return array.astype(np_dtype, copy=copy)


def scalar(value, np_dtype):
    """A Python float as a number of np_dtype would hold it: a float16 value through float32,
    anything else unchanged (NumPy converts it when it meets the array)."""
    if np_dtype == _F16 and isinstance(value, (float, np.floating)):
        return np.float16(np.float32(value))
    return value


# ---------------------------------------------------------------- fused multiply-add

_SPLITTER = 2.0 ** 27 + 1  # Veltkamp's constant: splits a float64 into two 26-bit halves


def fma(x, y, z) -> np.ndarray:
    """x * y + z with one rounding, in z's dtype, as PyTorch's CPU kernels compute add with alpha,
    addcmul, lerp, batch norm and random numbers' bounds (fused multiply-adds).

    The product of two float32 numbers is exact in float64, so float32 rounds once from there
    (twice in rare halfway cases, about one input in 2**29). float64 has no wider type on
    NumPy: its product is split exactly in two (Dekker), and the sum rounded to odd first so
    that the final rounding is the fused one (Boldo and Melquiond's emulation)."""
    dtype = np.result_type(z)
    if dtype != np.float64:
        exact = np.asarray(np.multiply(x, y, dtype=np.float64))  # one temporary, reused for the sum (0-d too)
        return np.add(exact, z, out=exact).astype(dtype)
    high, low = _exact_product(np.asarray(x, np.float64), np.asarray(y, np.float64))
    total, error = _exact_sum(np.asarray(z, np.float64), high)
    return total + _rounded_to_odd(error, low)


def _split(a):
    scaled = a * _SPLITTER
    high = scaled - (scaled - a)
    return high, a - high


def _exact_product(a, b):
    """(p, e) with p = a * b rounded and p + e = a * b exactly (Dekker's product)."""
    p = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    return p, ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low


def _exact_sum(a, b):
    """(s, e) with s = a + b rounded and s + e = a + b exactly (Knuth's two-sum)."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


def _rounded_to_odd(a, b):
    """a + b rounded to odd: truncated, then the last bit set if anything was cut off."""
    s, error = _exact_sum(a, b)
    inexact_even = (error != 0) & ((s.view(np.int64) & 1) == 0)
    return np.where(inexact_even, np.nextafter(s, np.where(error > 0, np.inf, -np.inf)), s)
