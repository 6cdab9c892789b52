"""Arithmetic rounded as PyTorch's CPU kernels round it, where NumPy rounds differently."""

from __future__ import annotations

import numpy as np

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
