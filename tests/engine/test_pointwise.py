"""Pointwise ops agree with NumPy on random broadcastable shapes and dtypes.

The result dtype is PyTorch's (recorded in promotion_table.json); the values are
NumPy's, computed on the operands cast to that dtype.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorsh import engine as torch

TABLE = {(r["a"], r["b"]): r for r in json.loads((Path(__file__).parent / "promotion_table.json").read_text())["pairs"]}


def promoted(da, sa, db, sb) -> str:
    """PyTorch's result dtype: a zero-dim operand beside a dimensioned one only raises the category."""
    if (sa == ()) == (sb == ()):
        return TABLE[da, db]["dim_dim"]
    return TABLE[da, db]["dim_zero"] if sb == () else TABLE[db, da]["dim_zero"]
REAL = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]

BINARY = {
    "add": (lambda a, b: a + b, np.add),
    "mul": (lambda a, b: a * b, np.multiply),
    "maximum": (torch.maximum, np.maximum),
    "minimum": (torch.minimum, np.minimum),
}
COMPARE = {
    "eq": (lambda a, b: a == b, np.equal), "ne": (lambda a, b: a != b, np.not_equal),
    "lt": (lambda a, b: a < b, np.less), "le": (lambda a, b: a <= b, np.less_equal),
    "gt": (lambda a, b: a > b, np.greater), "ge": (lambda a, b: a >= b, np.greater_equal),
}


@st.composite
def broadcast_pair(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4))
    return shapes.input_shapes


def values(draw, shape, dtype):
    # Small integers: exact in every dtype, no overflow in products of two.
    ints = draw(hnp.arrays(np.int64, shape, elements=st.integers(0 if dtype in ("bool", "uint8") else -9, 9)))
    return ints.astype(bool) if dtype == "bool" else ints.astype(dtype)


@settings(max_examples=150, deadline=None)
@given(st.data(), st.sampled_from(sorted(BINARY)), st.sampled_from(REAL), st.sampled_from(REAL))
def test_binary_ops_broadcast_and_promote_as_pytorch(data, name, da, db):
    sa, sb = data.draw(broadcast_pair())
    xa, xb = values(data.draw, sa, da), values(data.draw, sb, db)
    ours, reference = BINARY[name]
    result_dtype = promoted(da, sa, db, sb)
    if name == "add" and result_dtype == "bool":
        expected = np.logical_or(xa, xb)
    elif name == "mul" and result_dtype == "bool":
        expected = np.logical_and(xa, xb)
    else:
        expected = reference(xa.astype(result_dtype), xb.astype(result_dtype))
    got = ours(torch.from_numpy(xa), torch.from_numpy(xb))
    assert got.dtype.name == result_dtype
    assert got.shape == np.broadcast_shapes(sa, sb)
    np.testing.assert_array_equal(got.numpy(), expected)


@settings(max_examples=100, deadline=None)
@given(st.data(), st.sampled_from(sorted(COMPARE)), st.sampled_from(REAL), st.sampled_from(REAL))
def test_comparisons_give_bool_in_the_broadcast_shape(data, name, da, db):
    sa, sb = data.draw(broadcast_pair())
    xa, xb = values(data.draw, sa, da), values(data.draw, sb, db)
    ours, reference = COMPARE[name]
    got = ours(torch.from_numpy(xa), torch.from_numpy(xb))
    assert got.dtype is torch.bool
    # Compared in the promoted dtype, as PyTorch does (uint8 0 >= int8 0-dim -1 is False: -1 wraps to 255).
    common = promoted(da, sa, db, sb)
    np.testing.assert_array_equal(got.numpy(), reference(xa.astype(common), xb.astype(common)))


@settings(max_examples=60, deadline=None)
@given(st.data(), st.sampled_from(["int8", "int16", "int32", "int64", "float32", "float64"]))
def test_scalar_operands_keep_the_tensor_dtype_within_its_category(data, dtype):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
    x = values(data.draw, shape, dtype)
    t = torch.from_numpy(x)
    assert (t + 3).dtype.name == dtype
    assert (2 * t).dtype.name == dtype
    float_result = (t * 1.5).dtype.name
    assert float_result == (dtype if dtype.startswith("float") else "float32")
    np.testing.assert_allclose((t * 1.5).numpy(), x.astype(float_result) * 1.5)


def test_true_division_of_integers_gives_the_default_float():
    got = torch.tensor([1, 2, 3]) / torch.tensor([2, 2, 2])
    assert got.dtype is torch.float32
    np.testing.assert_array_equal(got.numpy(), np.array([0.5, 1.0, 1.5], dtype=np.float32))


UNARY = {
    "exp": (np.exp, (-5, 5)), "log": (np.log, (0.1, 10)), "sqrt": (np.sqrt, (0, 10)),
    "sin": (np.sin, (-5, 5)), "cos": (np.cos, (-5, 5)), "tanh": (np.tanh, (-5, 5)),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), (-10, 10)), "abs": (np.abs, (-5, 5)),
    "floor": (np.floor, (-5, 5)), "ceil": (np.ceil, (-5, 5)), "log1p": (np.log1p, (0, 10)),
    "relu": (lambda x: np.maximum(x, 0), (-5, 5)), "neg": (np.negative, (-5, 5)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_math_matches_numpy(name, dtype):
    reference, (low, high) = UNARY[name]
    x = np.linspace(low, high, 97).astype(dtype)
    got = getattr(torch, name)(torch.from_numpy(x))
    assert got.dtype.name == dtype
    np.testing.assert_allclose(got.numpy(), reference(x.astype(np.float64)), rtol=2e-6 if dtype == "float32" else 1e-12,
                               atol=1e-7 if dtype == "float32" else 1e-14)


def test_unary_math_on_integers_gives_the_default_float():
    got = torch.exp(torch.tensor([0, 1]))
    assert got.dtype is torch.float32
    assert got.tolist() == pytest.approx([1.0, math.e], rel=1e-6)


@pytest.mark.parametrize("op, expected", [
    (lambda x: x.add_(1), [2.0, 3.0]), (lambda x: x.mul_(2), [2.0, 4.0]), (lambda x: x.sub_(1), [0.0, 1.0]),
    (lambda x: x.div_(2), [0.5, 1.0]), (lambda x: x.clamp_(1.5, 1.75), [1.5, 1.75]), (lambda x: x.fill_(7), [7.0, 7.0]),
    (lambda x: x.zero_(), [0.0, 0.0]), (lambda x: x.copy_(torch.tensor([5.0])), [5.0, 5.0]),
])
def test_inplace_variants_write_through_every_view(op, expected):
    base = torch.tensor([[1.0, 2.0]])
    row = base[0]
    result = op(row)
    assert result is row
    assert base[0].tolist() == expected


def test_inplace_result_that_cannot_be_cast_back_fails():
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        torch.tensor([1, 2]).add_(1.5)
