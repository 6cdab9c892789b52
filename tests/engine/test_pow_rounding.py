"""pow with a number exponent, and rsqrt, round as PyTorch's CPU kernels do.

The expected bits come from the arithmetic PyTorch performs (scripts/measure_elementwise.py
measures the agreement against PyTorch itself): products, quotients and square roots for the
exponents it special-cases; the float64 power rounded once for the scalar remainder of other
exponents, and with the exponent rounded to float32 in its 32-element vector steps.
"""

import numpy as np
import pytest

from tensorsh import engine as torch

X32 = np.random.default_rng(0).uniform(-10, 10, 1000).astype(np.float32)
POS32 = np.abs(X32) + np.float32(1e-3)

FORMS = [  # (exponent, base, what PyTorch computes in the base's dtype)
    (2, X32, lambda a: a * a),
    (3, X32, lambda a: a * a * a),
    (-1, X32, lambda a: np.float32(1) / a),
    (-2, X32, lambda a: np.float32(1) / (a * a)),
    (-0.5, POS32, lambda a: np.float32(1) / np.sqrt(a)),
    (0.5, POS32, np.sqrt),
    (1, X32, lambda a: a),
    (0, X32, np.ones_like),
]


def bits(a: np.ndarray) -> np.ndarray:
    return a.view(f"i{a.dtype.itemsize}")


@pytest.mark.parametrize("exponent, base, form", FORMS, ids=[str(f[0]) for f in FORMS])
@pytest.mark.parametrize("size", [1, 7, 33, 1000])
def test_special_exponents_are_exact_forms(exponent, base, form, size):
    x = base[:size]
    for got in (torch.tensor(x).pow(exponent), torch.tensor(x) ** float(exponent)):
        np.testing.assert_array_equal(bits(got.numpy()), bits(form(x)))


@pytest.mark.parametrize("exponent", [3, -2, -0.5])
def test_float64_special_exponents(exponent):
    x = POS32.astype(np.float64)
    want = dict(FORMS[i][:3:2] for i in range(len(FORMS)))[exponent](x)
    np.testing.assert_array_equal(torch.tensor(x).pow(exponent).numpy(), want)


def test_float16_forms_work_in_float32():
    x = (np.arange(1, 200) / 7).astype(np.float16)
    want = (x.astype(np.float32) ** 3).astype(np.float16)
    np.testing.assert_array_equal(bits(torch.tensor(x).pow(3).numpy()), bits(want))


def test_float16_other_exponents_round_the_exponent_to_float16():
    x = (np.arange(1, 200) / 7).astype(np.float16)
    want = np.power(x.astype(np.float64), float(np.float16(0.3))).astype(np.float16)
    np.testing.assert_array_equal(bits(torch.tensor(x).pow(0.3).numpy()), bits(want))


def test_other_exponents_vector_steps_and_remainder():
    x = POS32[:70]  # two vector steps of 32, then 6 elements of scalar remainder
    got = torch.tensor(x).pow(0.3).numpy()
    wide = x.astype(np.float64)
    vector = np.power(wide[:64], float(np.float32(0.3))).astype(np.float32)
    scalar = np.power(wide[64:], 0.3).astype(np.float32)
    np.testing.assert_array_equal(bits(got), bits(np.concatenate([vector, scalar])))


def test_other_exponents_strided_input_runs_the_scalar_path():
    x = POS32[:140:2]
    got = torch.tensor(POS32[:140])[::2].pow(0.3).numpy()
    np.testing.assert_array_equal(bits(got), bits(np.power(x.astype(np.float64), 0.3).astype(np.float32)))


def test_integer_tensors_keep_integer_powers():
    x = np.arange(-4, 5)
    assert torch.tensor(x).pow(3).numpy().tolist() == (x ** 3).tolist()
    assert torch.tensor(x).pow(2).dtype == torch.int64


@pytest.mark.parametrize("exponent", [3, -2, -0.5, 2.5])
def test_gradient_is_the_power_rule(exponent):
    x = torch.tensor(POS32[:50].astype(np.float64), requires_grad=True)
    x.pow(exponent).sum().backward()
    want = exponent * POS32[:50].astype(np.float64) ** (exponent - 1)
    np.testing.assert_allclose(x.grad.numpy(), want, rtol=1e-12)


@pytest.mark.parametrize("size", [7, 33, 1000])
def test_rsqrt_divides_by_the_rounded_root(size):
    x = POS32[:size]
    np.testing.assert_array_equal(bits(torch.tensor(x).rsqrt().numpy()), bits(np.float32(1) / np.sqrt(x)))


def test_rsqrt_float16_vector_steps_in_float32_remainder_in_float16():
    x = (np.arange(1, 41) / 7).astype(np.float16)
    vector = (np.float32(1) / np.sqrt(x[:32].astype(np.float32))).astype(np.float16)
    scalar = np.float16(1) / np.sqrt(x[32:])
    got = torch.tensor(x).rsqrt().numpy()
    np.testing.assert_array_equal(bits(got), bits(np.concatenate([vector, scalar])))
