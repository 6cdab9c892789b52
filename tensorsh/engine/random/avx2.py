"""log and sin/cos of float32 as PyTorch's AVX2 normal kernel computes them.

`randn` fills float32 tensors of 16 or more elements with a vectorised Box-Muller whose log
and sincos are the AVX2 approximations of `avx_mathfun.h` (Cephes polynomials in float32),
not the C library's; NumPy's own log, sin and cos differ from them in the last bit. These
follow the same steps in float32, with a fused multiply-add wherever the compiler fused
PyTorch's multiply and add (found by matching PyTorch's randn bit for bit).

A fused multiply-add of float32 numbers is their product, exact in float64, plus the
addend, rounded once (`_fused`). The polynomials run on float64 arrays that hold float32
values (`_f32` rounds a result back to float32), so that each step is a float64 multiply
and add in place: NumPy multiplies two float64 arrays several times faster than it
multiplies float32 ones into float64.
"""

from __future__ import annotations

import numpy as np

f32, f64 = np.float32, np.float64

_SMALLEST_NORMAL = np.array(0x00800000, np.int32).view(np.float32)
_EXPONENT_BITS = 0x7F800000
_HALF_BITS = np.array(0.5, np.float32).view(np.int32)
_SQRT_HALF = f32(0.707106781186547524)
_LOG_POLY = tuple(f64(f32(c)) for c in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                                        1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                                        3.3333331174E-1))
_LN2_LOW, _LN2_HIGH = f32(-2.12194440e-4), f64(f32(0.693359375))  # ln 2, split so that e * high is exact

_FOUR_OVER_PI = f32(1.27323954473516)
_PI_OVER_4_PARTS = tuple(f64(f32(c)) for c in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8))
_COS_POLY = tuple(f64(f32(c)) for c in (2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002))
_SIN_POLY = tuple(f64(f32(c)) for c in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1))


def _f32(wide: np.ndarray) -> np.ndarray:
    """A float64 array's values rounded to float32, still as float64."""
    return wide.astype(f32).astype(f64)


def _fused(y: np.ndarray, x: np.ndarray, c) -> np.ndarray:
    """y * x + c rounded once to float32 (y, x, c float32 values held in float64), in y's place."""
    y *= x
    y += c
    return _f32(y)


def log(x: np.ndarray) -> np.ndarray:
    """Natural log of positive float32 x: x = m * 2**e with m in [√½, √2), then a polynomial in m - 1."""
    bits = np.maximum(x, _SMALLEST_NORMAL).view(np.int32)
    e = ((bits >> 23) - 126).astype(np.float32)
    m = ((bits & ~_EXPONENT_BITS) | _HALF_BITS).view(np.float32)  # in [0.5, 1)
    small = m < _SQRT_HALF
    e -= small
    m = (m - f32(1)) + m * small  # m - 1, or 2m - 1 below √½
    m64, z64, e64 = m.astype(f64), (m * m).astype(f64), e.astype(f64)
    y = _fused(m64 * _LOG_POLY[0], 1.0, _LOG_POLY[1])
    for c in _LOG_POLY[2:]:
        y = _fused(y, m64, c)
    y = _fused(_f32(y * m64), z64, (e * _LN2_LOW).astype(f64))
    y = _f32(y - z64 * 0.5)
    return (e64 * _LN2_HIGH + _f32(m64 + y)).astype(f32)


def sincos(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sin and cos of float32 x: reduced to [-π/4, π/4] by octant, then one of two polynomials."""
    negative = np.signbit(x)
    x = np.abs(x)
    octant = ((x * _FOUR_OVER_PI).astype(np.int32) + 1) & ~1
    y = octant.astype(f64)
    r = x.astype(f64)
    for part in _PI_OVER_4_PARTS:  # x - y * π/4 in three steps, for precision
        r = _f32(y * part + r)
    z = _f32(r * r)
    cos = _fused(_fused(z * _COS_POLY[0], 1.0, _COS_POLY[1]), z, _COS_POLY[2])
    cos = (_fused(_f32(cos * z), z, -_f32(z * 0.5)) + 1.0).astype(f32)
    sin = _fused(_fused(z * _SIN_POLY[0], 1.0, _SIN_POLY[1]), z, _SIN_POLY[2])
    sin = _fused(_f32(sin * z), r, r).astype(f32)
    # Octants 2 mod 4 swap the polynomials: chosen through the bits, exactly (np.where is slow).
    swapped = -((octant & 2) >> 1)
    sin_bits, cos_bits = sin.view(np.int32), cos.view(np.int32)
    chosen_sin = ((cos_bits & swapped) | (sin_bits & ~swapped)).view(np.float32)
    chosen_cos = ((sin_bits & swapped) | (cos_bits & ~swapped)).view(np.float32)
    # The signs, as the kernel flips them: multiplying by ±1 is exact.
    chosen_sin *= 1 - 2 * (negative ^ ((octant & 4) != 0)).astype(np.float32)
    chosen_cos *= 1 - 2 * ((~(octant - 2) & 4) != 0).astype(np.float32)
    return chosen_sin, chosen_cos
