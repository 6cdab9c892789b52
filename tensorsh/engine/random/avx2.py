"""log and sin/cos of float32 as PyTorch's AVX2 normal kernel computes them.

`randn` fills float32 tensors of 16 or more elements with a vectorised Box-Muller whose log
and sincos are the AVX2 approximations of `avx_mathfun.h` (Cephes polynomials in float32),
not the C library's; NumPy's own log, sin and cos differ from them in the last bit. These
follow the same steps in float32, with a fused multiply-add wherever the compiler fused
PyTorch's multiply and add (found by matching PyTorch's randn bit for bit).
"""

from __future__ import annotations

import numpy as np

from ..rounding import fma

f32 = np.float32

_SMALLEST_NORMAL = np.array(0x00800000, np.int32).view(np.float32)
_EXPONENT_BITS = 0x7F800000
_HALF_BITS = np.array(0.5, np.float32).view(np.int32)
_SQRT_HALF = f32(0.707106781186547524)
_LOG_POLY = tuple(f32(c) for c in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                                   1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                                   3.3333331174E-1))
_LN2_LOW, _LN2_HIGH = f32(-2.12194440e-4), f32(0.693359375)  # ln 2, split so that e * high is exact

_FOUR_OVER_PI = f32(1.27323954473516)
_PI_OVER_4_PARTS = (f32(-0.78515625), f32(-2.4187564849853515625e-4), f32(-3.77489497744594108e-8))
_COS_POLY = (f32(2.443315711809948E-005), f32(-1.388731625493765E-003), f32(4.166664568298827E-002))
_SIN_POLY = (f32(-1.9515295891E-4), f32(8.3321608736E-3), f32(-1.6666654611E-1))


def log(x: np.ndarray) -> np.ndarray:
    """Natural log of positive float32 x: x = m * 2**e with m in [√½, √2), then a polynomial in m - 1."""
    bits = np.maximum(x, _SMALLEST_NORMAL).view(np.int32)
    e = ((bits >> 23) - 126).astype(np.float32)
    m = ((bits & ~_EXPONENT_BITS) | _HALF_BITS).view(np.float32)  # in [0.5, 1)
    small = m < _SQRT_HALF
    e -= small.astype(np.float32)
    m = (m - f32(1)) + np.where(small, m, f32(0))  # m - 1, or 2m - 1 below √½
    z = m * m
    y = fma(_LOG_POLY[0], m, _LOG_POLY[1])
    for c in _LOG_POLY[2:]:
        y = fma(y, m, c)
    y = fma(y * m, z, e * _LN2_LOW)
    y = fma(-z, f32(0.5), y)
    return fma(e, _LN2_HIGH, m + y)


def sincos(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sin and cos of float32 x: reduced to [-π/4, π/4] by octant, then one of two polynomials."""
    negative = np.signbit(x)
    x = np.abs(x)
    octant = ((x * _FOUR_OVER_PI).astype(np.int32) + 1) & ~1
    y = octant.astype(np.float32)
    for part in _PI_OVER_4_PARTS:  # x - y * π/4 in three steps, for precision
        x = fma(y, part, x)
    z = x * x
    cos = fma(fma(_COS_POLY[0], z, _COS_POLY[1]), z, _COS_POLY[2])
    cos = fma(cos * z, z, -(z * f32(0.5))) + f32(1)
    sin = fma(fma(_SIN_POLY[0], z, _SIN_POLY[1]), z, _SIN_POLY[2])
    sin = fma(sin * z, x, x)
    swapped = (octant & 2) != 0
    sin, cos = np.where(swapped, cos, sin), np.where(swapped, sin, cos)
    # The signs, as the kernel flips them: multiplying by ±1 is exact.
    sin *= 1 - 2 * (negative ^ ((octant & 4) != 0)).astype(np.float32)
    cos *= 1 - 2 * ((~(octant - 2) & 4) != 0).astype(np.float32)
    return sin, cos
