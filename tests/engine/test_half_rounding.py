"""A double becomes float16 as PyTorch converts it: through float32 (two roundings).

The doubles here lie just off a float16 halfway point, too close for float32 to tell, so one
rounding and two differ on about half of them. The expected bits come from the arithmetic
PyTorch performs (scripts/measure_half.py measures each route against PyTorch itself; golden
topic `half_rounding` records it): float16(float32(x)) for conversions, and for mul and div
the number read straight into float32, the product or quotient rounded once to float16.
"""

import numpy as np
import pytest

from tensorsh import engine as torch

rng = np.random.default_rng(0)
_low = (rng.integers(0x0400, 0x7800, 2000, dtype=np.uint16)).view(np.float16)
_middle = (_low.astype(np.float64) + np.nextafter(_low, np.float16(np.inf)).astype(np.float64)) / 2
X = _middle + np.spacing(_middle.astype(np.float32)).astype(np.float64) * rng.uniform(-0.4, 0.4, 2000)
X[::2] *= -1
VIA_FLOAT = X.astype(np.float32).astype(np.float16)
H = rng.integers(0, 0x7800, 500, dtype=np.uint16).view(np.float16)


def bits(a) -> np.ndarray:
    return np.asarray(a).view(np.uint16)


def test_the_values_tell_one_rounding_from_two():
    assert (bits(X.astype(np.float16)) != bits(VIA_FLOAT)).mean() > 0.3


def _fill(x):
    return torch.zeros(1, dtype=torch.float16).fill_(x)


def _setitem(x):
    t = torch.zeros(2, dtype=torch.float16)
    t[1] = x
    return t[1:]


CONVERSIONS = {  # route: fn(x: float) -> a float16 tensor holding x
    "tensor": lambda x: torch.tensor([x], dtype=torch.float16),
    "tensor_number": lambda x: torch.tensor(x, dtype=torch.float16).reshape(1),
    "full": lambda x: torch.full((1,), x, dtype=torch.float16),
    "full_like": lambda x: torch.full_like(torch.zeros(1, dtype=torch.float16), x),
    "fill_": _fill,
    "setitem": _setitem,
    "masked_fill": lambda x: torch.zeros(1, dtype=torch.float16).masked_fill(torch.tensor([True]), x),
    "where": lambda x: torch.where(torch.tensor([False]), torch.zeros(1, dtype=torch.float16), x),
    "add": lambda x: torch.zeros(1, dtype=torch.float16) + x,
    "clamp": lambda x: torch.full((1,), -np.inf, dtype=torch.float16).clamp(min=x),
}


@pytest.mark.parametrize("route", CONVERSIONS)
def test_a_number_reaches_float16_through_float32(route):
    got = [CONVERSIONS[route](x).numpy()[0] for x in X[:300].tolist()]
    np.testing.assert_array_equal(bits(got), bits(VIA_FLOAT[:300]))


ARRAY_CONVERSIONS = {
    "tensor(ndarray)": lambda a: torch.tensor(a, dtype=torch.float16),
    "as_tensor": lambda a: torch.as_tensor(a, dtype=torch.float16),
    "half": lambda a: torch.tensor(a).half(),
    "to": lambda a: torch.tensor(a).to(torch.float16),
    "complex_half": lambda a: torch.tensor(a).to(torch.complex128).half(),
    "copy_": lambda a: torch.zeros(len(a), dtype=torch.float16).copy_(torch.tensor(a)),
}


@pytest.mark.parametrize("route", ARRAY_CONVERSIONS)
def test_a_float64_array_reaches_float16_through_float32(route):
    np.testing.assert_array_equal(bits(ARRAY_CONVERSIONS[route](X).numpy()), bits(VIA_FLOAT))


def _float32(h, s):
    return h.astype(np.float32), np.float32(s)


ARITHMETIC = {  # route: (op on a float16 tensor and a number, what PyTorch computes in float32)
    "mul": (lambda t, s: t * s, lambda h, s: np.multiply(*_float32(h, s))),
    "rmul": (lambda t, s: s * t, lambda h, s: np.multiply(*_float32(h, s))),
    "div": (lambda t, s: t / s, lambda h, s: np.divide(*_float32(h, s))),
    "mul_0d": (lambda t, s: t * torch.tensor(s, dtype=torch.float64), lambda h, s: np.multiply(*_float32(h, s))),
    # add and sub take the number as a float16 (through float32) instead
    "sub": (lambda t, s: t - s, lambda h, s: np.subtract(*_float32(h, np.float16(np.float32(s))))),
}


@pytest.mark.parametrize("route", ARITHMETIC)
def test_float16_arithmetic_with_a_number(route):
    op, form = ARITHMETIC[route]
    t = torch.tensor(H)
    for s in X[:40].tolist():
        np.testing.assert_array_equal(bits(op(t, s).numpy()), bits(form(H, s).astype(np.float16)))
