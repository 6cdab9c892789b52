"""Pointwise ops: arithmetic, comparisons, bitwise logic and element-wise math.

Binary ops broadcast and promote (common.binary_operands); their backward returns
gradients in the broadcast shape and the engine reduces them to each input's shape.
Unary math ops are rows of one table: name, NumPy function, grad_fn name, derivative.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .. import dtypes, rounding
from ..tensor import Tensor, wrap
from .creation import zeros_like
from ..autograd import OUTPUT, needs_grad, record, record_view
from ..views import rebase
from .common import (
    binary_operands,
    broadcast_result,
    broadcast_shapes,
    check_broadcast,
    check_inplace,
    opmath_number,
    operand,
    result_type,
    temporary_out,
    tensor_arg,
    write_array,
)
from .indexing import nonzero
from .registry import op

# ================================================================ arithmetic


def _check_alpha(alpha, dtype, op_name: str):
    # Only reached when alpha != 1: None or a string would otherwise multiply an array of
    # objects into being (an empty tensor of NumPy dtype object), far from the cause.
    if not isinstance(alpha, (numbers.Number, Tensor)):
        raise TypeError(f"{op_name}(): argument 'alpha' must be Number, not {type(alpha).__name__}")
    if isinstance(alpha, float) and dtype.category <= dtypes.INT:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def _requiring(x) -> bool:
    return isinstance(x, Tensor) and x._requires_grad


def _times(x):
    """The derivative g -> g * x."""
    return lambda g: g * x


def _identity(g):
    return g


def _zero(g):
    return zeros_like(g)


def _scaled(factor):
    return _identity if factor == 1 else neg if factor == -1 else lambda g: g * factor


_ADD = (_identity, _identity)


def _divided_into(self, other):
    """other / self for a number other: reciprocal(self) * other, as PyTorch computes it (its
    grad_fn is MulBackward0, and its rounding that of the product)."""
    if isinstance(other, Tensor):
        return div(other, self)
    return mul(reciprocal(self), other)


# Sums and products commute exactly, so `2 + t` runs as `t + 2` (tensor first: the fast path), as in PyTorch.
@op("pointwise", inplace=True, operators=("__add__", "__radd__", "__iadd__"), grad_fn="AddBackward0",
    out="pointwise")
def add(input, other, *, alpha=1):
    """input + alpha * other, broadcasting and promoting as PyTorch does."""
    a, b, dtype = binary_operands(input, other)
    if alpha == 1:
        out = temporary_out(input, other, dtype)
        return record(np.add(a, b, out=out), "AddBackward0", (input, other), _ADD)
    _check_alpha(alpha, dtype, "add")
    out = _half_plus_scaled(a, b, alpha) if dtype is dtypes.float16 else np.add(a, b * alpha)
    return record(out, "AddBackward0", (input, other), (_identity, _scaled(alpha)))


@op("pointwise", aliases=("subtract",), inplace=True, operators=("__sub__", "__isub__"), grad_fn="SubBackward0",
    out="pointwise")
def sub(input, other, *, alpha=1):
    """input - alpha * other."""
    a, b, dtype = _subtraction_operands(input, other, alpha, "sub")
    out = temporary_out(input, other, dtype)
    if dtype is dtypes.float16 and alpha != 1:
        out = _half_plus_scaled(a, b, -alpha)
    else:
        out = np.subtract(a, b * alpha if alpha != 1 else b, out=out)
    return record(out, "SubBackward0", (input, other), (_identity, _scaled(-alpha)))


@op("pointwise", variants="function", operators=("__rsub__",), grad_fn=("RsubBackward0", "RsubBackward1"))
def rsub(input, other, *, alpha=1):
    """other - alpha * input (what `number - tensor` computes)."""
    a, b, _ = _subtraction_operands(input, other, alpha, "rsub")
    out = np.subtract(b, a * alpha if alpha != 1 else a)
    name = "RsubBackward0" if isinstance(other, Tensor) else "RsubBackward1"
    return record(out, name, (input, other), (_scaled(-alpha), _identity))


def _half_plus_scaled(a, b, alpha) -> np.ndarray:
    """a + alpha * b for float16 operands, as PyTorch's kernel computes it: alpha in float16
    too; its vector steps fuse the multiply-add in float32 and round once, its remainder
    rounds the product to float16 first."""
    alpha = rounding.scalar(alpha, a.dtype)
    # In float64 the product of float16 numbers is exact, and so is its sum with one
    # (but in extreme cases): rounding to float32 is the fused rounding.
    fused = (np.multiply(b, alpha, dtype=np.float64) + a).astype(np.float32).astype(np.float16)
    product = np.multiply(b, alpha, dtype=np.float32).astype(np.float16)
    unfused = np.add(a, product, dtype=np.float32).astype(np.float16)
    if unfused.ndim == 0:
        return unfused
    layout = np.ones_like(a, dtype=np.bool_) if np.shape(a) == unfused.shape else np.ones(unfused.shape, np.bool_)
    return np.where(_in_vector_steps(layout, lambda v: v, np.logical_not), fused, unfused)


def _subtraction_operands(input, other, alpha, op_name: str):
    a, b, dtype = binary_operands(input, other)
    if dtype.category == dtypes.BOOL:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if alpha != 1:
        _check_alpha(alpha, dtype, op_name)
    return a, b, dtype


@op("pointwise", aliases=("multiply",), inplace=True, operators=("__mul__", "__rmul__", "__imul__"), grad_fn="MulBackward0",
    out="pointwise")
def mul(input, other):
    """Element-wise product."""
    a, b, dtype = binary_operands(input, other)
    out = temporary_out(input, other, dtype)
    if (number := opmath_number(other, dtype)) is not None:
        out = np.multiply(a, number, dtype=np.float32).astype(np.float16)
    else:
        out = np.multiply(a, b, out=out)
    if not needs_grad(input, other):
        return wrap(out)
    # Each factor is saved only if the other one needs a gradient, as in PyTorch.
    return record(out, "MulBackward0", (input, other), (_times(other), _times(input)),
                  saved=(_requiring(other) and input, _requiring(input) and other))


@op("pointwise", aliases=("divide",), inplace=True, operators=("__truediv__", "__itruediv__"), reflected=("__rtruediv__",),
    reflect=_divided_into, grad_fn=("DivBackward0", "DivBackward2", "MulBackward0"), out="pointwise")
def div(input, other, *, rounding_mode=None):
    """input / other; integer inputs give the default float dtype unless rounding_mode is 'trunc' or 'floor'."""
    if rounding_mode is not None:
        # Rounded quotients have a zero gradient, recorded as DivBackward2 (div with a rounding mode).
        if rounding_mode == "floor":
            out = floor_divide(input, other)
            if out.dtype.category <= dtypes.INT:
                return out
            return record(out._data, "DivBackward2", (input, other), (_zero, _zero))
        if rounding_mode != "trunc":
            raise RuntimeError(
                f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
            )
        a, b, dtype = binary_operands(input, other)
        if dtype.category <= dtypes.INT:
            _check_int_divisor(b)
            q = np.floor_divide(a, b)
            q = q + ((np.remainder(a, b) != 0) & ((a < 0) != (b < 0)))
            return wrap(q.astype(dtype.np))
        if (number := opmath_number(other, dtype)) is not None:
            a, b = a.astype(np.float32), number
        return record(np.trunc(np.true_divide(a, b)).astype(dtype.np), "DivBackward2", (input, other),
                      (_zero, _zero))
    dtype = result_type(input, other)
    if dtype.category <= dtypes.INT:
        dtype = dtypes.get_default_dtype()
    a, b = _cast(input, dtype), _cast(other, dtype)
    check_broadcast(input, other)
    out = temporary_out(input, other, dtype)
    if (number := opmath_number(other, dtype)) is not None:
        out = np.true_divide(a, number, dtype=np.float32).astype(np.float16)
    else:
        out = np.true_divide(a, b, dtype=dtype.np, out=out)
    if not needs_grad(input, other):
        return wrap(out)
    return record(out, "DivBackward0", (input, other),
                  (lambda g: g / other, lambda g: -g * input / (other * other)),
                  saved=(_requiring(other) and input, other))


def _cast(x, dtype):
    if isinstance(x, Tensor):
        return x._data.astype(dtype.np, copy=False)
    return x


def _check_int_divisor(b):
    if np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")


@op("pointwise", inplace=True, out="pointwise")
def true_divide(input, other):
    """Same as div(input, other)."""
    return div(input, other)


@op("pointwise", inplace=True, operators=("__floordiv__", "__ifloordiv__"), reflected=("__rfloordiv__",),
    out="pointwise")
def floor_divide(input, other):
    """Division rounded down (towards minus infinity)."""
    a, b, dtype = binary_operands(input, other)
    if dtype.category == dtypes.BOOL:
        raise RuntimeError('"div_floor_cpu" not implemented for \'Bool\'')
    if dtype.category == dtypes.INT:
        _check_int_divisor(b)
    if (number := opmath_number(other, dtype)) is not None:
        return wrap(np.floor_divide(a, number, dtype=np.float32).astype(dtype.np))
    return wrap(np.floor_divide(a, b, dtype=dtype.np))


@op("pointwise", inplace=True, operators=("__mod__", "__imod__"), reflected=("__rmod__",), grad_fn="RemainderBackward0",
    out="pointwise")
def remainder(input, other):
    """Python-style modulus: the result has the sign of the divisor."""
    a, b, dtype = binary_operands(input, other)
    if dtype.category == dtypes.INT:
        _check_int_divisor(b)
    if dtype.category == dtypes.FLOAT:
        # PyTorch takes C's fmod and moves it to the divisor's sign only where it is not zero: a
        # zero keeps the dividend's sign (remainder(-2., 1.) is -0.0, NumPy's remainder +0.0).
        out = np.fmod(a, b, dtype=dtype.np)
        np.add(out, b, out=out, where=(out != 0) & ((np.asarray(b) < 0) != (out < 0)), dtype=dtype.np)
    else:
        out = np.remainder(a, b, dtype=dtype.np)
    return record(out, "RemainderBackward0", (input, other),
                  (_identity, lambda g: -g * floor_divide(input, other)))


@op("pointwise", inplace=True, grad_fn="FmodBackward0", out="pointwise")
def fmod(input, other):
    """C-style modulus: the result has the sign of the dividend."""
    a, b, dtype = binary_operands(input, other)
    if dtype.category == dtypes.INT:
        _check_int_divisor(b)
    out = np.fmod(a, b, dtype=dtype.np)
    return record(out, "FmodBackward0", (input, other), (_identity, lambda g: -g * (input / other).trunc()))


@op("pointwise", inplace=True, operators=("__pow__", "__ipow__"), reflected=("__rpow__",),
    grad_fn=("PowBackward0", "PowBackward1", "PowBackward2"), out="pointwise")
def pow(input, exponent):
    """input raised to exponent, element-wise."""
    a, b, dtype = binary_operands(input, exponent)
    if dtype.category == dtypes.INT and np.any(np.asarray(b) < 0):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if dtype.category == dtypes.FLOAT and _is_number(exponent):
        out = _power(a, exponent)
    else:
        out = np.power(a, b, dtype=dtype.np)
    if not isinstance(exponent, Tensor):
        return record(out, "PowBackward0", (input, exponent), (_power_rule(input, exponent), None),
                      saved=(input,))
    if not isinstance(input, Tensor):
        return record(out, "PowBackward2", (input, exponent),
                      (None, lambda g, y: g * y * math.log(input)), saved=(OUTPUT,))
    return record(out, "PowBackward1", (input, exponent),
                  (_ignoring_result(_power_rule(input, exponent)), lambda g, y: g * y * log(input)),
                  saved=(input, exponent, OUTPUT))


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


# The scalar exponents PyTorch's CPU kernel computes by elementary operations rather than
# by pow(): these give its values to the last bit (np.power differs for about a third of
# float32 inputs at 3, -2 and -0.5, and is slow for 3). 0.5 runs the sqrt op, as in PyTorch.
_POWER_FORMS = {
    0.5: lambda a: sqrt(wrap(a))._data,
    0: np.ones_like,
    1: np.copy,
    2: lambda a: a * a,
    3: lambda a: a * a * a,
    -1: np.reciprocal,
    -2: lambda a: np.reciprocal(a * a),
    -0.5: lambda a: np.reciprocal(np.sqrt(a)),
}


def _power(a: np.ndarray, exponent) -> np.ndarray:
    """a ** exponent for a floating array and a number exponent, rounded as PyTorch's CPU kernel rounds it."""
    if exponent in _POWER_FORMS:
        # float16 is computed in float32 and rounded once, as PyTorch computes it.
        work = a.astype(np.float32) if a.dtype == np.float16 else a
        return _POWER_FORMS[exponent](work).astype(a.dtype, copy=False)
    if a.dtype == np.float32:
        return _float32_power(a, exponent)
    if a.dtype == np.float16:
        # PyTorch rounds the exponent to float16 as well, and the power to float, then to float16.
        power = np.power(a.astype(np.float64), float(rounding.scalar(exponent, a.dtype)))
        return rounding.cast(power, a.dtype)
    return np.power(a, exponent)


# PyTorch's CPU loops run contiguous float32 and float16 data 32 elements at a time through
# vector code (AVX-512 lanes) and the remainder through a scalar function, which may round
# differently.
_VECTOR_STEP = 32


def _in_vector_steps(a: np.ndarray, vector, scalar) -> np.ndarray:
    """vector(a) where PyTorch runs its vector steps, scalar(a) on the remainder. Its loop runs
    over memory in rows: the longest run of trailing dimensions that is contiguous (all of a
    contiguous array, in either order), or element by element if the last one is strided."""
    if a.flags.f_contiguous and not a.flags.c_contiguous:
        return _in_vector_steps(a.T, vector, scalar).T
    length = 1
    for n, stride in zip(a.shape[::-1], a.strides[::-1]):
        if n != 1 and stride != length * a.itemsize:
            break
        length *= n
    rows = a.reshape(-1, length) if a.size else a
    start = length // _VECTOR_STEP * _VECTOR_STEP
    if start == 0:
        return scalar(a)
    out = vector(rows)
    if start < length:
        out[:, start:] = scalar(rows[:, start:])
    return out.reshape(a.shape)


def _float32_power(a: np.ndarray, exponent) -> np.ndarray:
    """PyTorch's float32 pow for the other exponents. Its vector steps run Sleef's powf (within
    one ulp) with the exponent rounded to float32; the remainder runs C's pow in double, which
    the float64 power rounded once reproduces. That also agrees with Sleef's on about 98% of
    inputs, where NumPy's float32 power agrees on 80-90%."""
    vector_exponent = float(np.float32(exponent))
    if vector_exponent == exponent:
        return np.power(a.astype(np.float64), exponent).astype(np.float32)
    return _in_vector_steps(a, lambda v: np.power(v.astype(np.float64), vector_exponent).astype(np.float32),
                            lambda v: np.power(v.astype(np.float64), exponent).astype(np.float32))


def _ignoring_result(derivative):
    """A derivative `g -> grad` for a node whose backward also receives the result."""
    return lambda g, y: derivative(g)


def _power_rule(x, n):
    """d(x ** n)/dx = n * x ** (n - 1), with the common cases kept to one or two ops."""
    if isinstance(n, (int, float)):
        if n == 0:
            return _zero
        if n == 1:
            return _identity
        if n == 2:
            return lambda g: g * (x * 2)
        return lambda g: g * n * x ** (n - 1)
    # A zero exponent contributes nothing, even where x ** -1 is infinite (PyTorch masks it).
    return lambda g: where(n == 0, 0.0, g * n * x ** (n - 1))


@op("pointwise", aliases=("negative",), inplace=True, operators=("__neg__",), grad_fn="NegBackward0",
    out="exact")
def neg(input):
    """-input."""
    tensor_arg(input)
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert "
            "a mask, use the `~` or `logical_not()` operator instead."
        )
    return record(np.negative(input._data), "NegBackward0", (input,), (neg,))


@op("pointwise", variants="function", operators=("__pos__",))
def positive(input):
    """input itself."""
    return input


@op("pointwise", grad_fn="MaximumBackward0", out="pointwise")
def maximum(input, other):
    """Element-wise maximum of two tensors (NaN propagates)."""
    tensor_arg(input)
    tensor_arg(other, "other")
    return _extremum(input, other, np.maximum, "MaximumBackward0", greater=True)


@op("pointwise", grad_fn="MinimumBackward0", out="pointwise")
def minimum(input, other):
    """Element-wise minimum of two tensors (NaN propagates)."""
    tensor_arg(input)
    tensor_arg(other, "other")
    return _extremum(input, other, np.minimum, "MinimumBackward0", greater=False)


def _extremum(input, other, np_fn, name, greater):
    a, b, dtype = binary_operands(input, other)
    out = np_fn(a, b)

    def backward(g):
        wins = gt(input, other) if greater else lt(input, other)
        tie = eq(input, other)
        half = g * tie * 0.5
        return g * wins + half, g * logical_not(wins).logical_and(logical_not(tie)) + half

    return record(out, name, (input, other), backward, saved=(input, other))


# ================================================================ comparisons


def _comparison(name, np_fn, dunder, doc):
    def compare(input, other):
        a, b, _ = binary_operands(input, other)
        return wrap(np_fn(a, b))

    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = doc
    aliases = {"ne": ("not_equal",), "ge": ("greater_equal",), "gt": ("greater",),
               "le": ("less_equal",), "lt": ("less",)}.get(name, ())
    return op("pointwise", aliases=aliases, inplace=True, operators=(dunder,), out="comparison")(compare)


eq = _comparison("eq", np.equal, "__eq__", "Element-wise input == other, as a bool tensor.")
ne = _comparison("ne", np.not_equal, "__ne__", "Element-wise input != other, as a bool tensor.")
lt = _comparison("lt", np.less, "__lt__", "Element-wise input < other, as a bool tensor.")
le = _comparison("le", np.less_equal, "__le__", "Element-wise input <= other, as a bool tensor.")
gt = _comparison("gt", np.greater, "__gt__", "Element-wise input > other, as a bool tensor.")
ge = _comparison("ge", np.greater_equal, "__ge__", "Element-wise input >= other, as a bool tensor.")


@op("pointwise")
def equal(input, other) -> bool:
    """True if both tensors have the same shape and elements."""
    tensor_arg(input)
    tensor_arg(other, "other")
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


@op("pointwise")
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Element-wise |input - other| <= atol + rtol * |other|."""
    a, b, _ = binary_operands(input, other)
    return wrap(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


@op("pointwise")
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """True if every element of input is close to other's."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


# ================================================================ bitwise and logical


def _bitwise(name, np_fn, dunder, reflected, doc):
    kernel = name.replace("bitwise_", "bitwise_") + "_cpu"

    def bitwise(input, other):
        a, b, dtype = binary_operands(input, other)
        if dtype.category > dtypes.INT:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{dtype.scalar_name}\'')
        return wrap(np_fn(a, b, dtype=dtype.np))

    bitwise.__name__ = bitwise.__qualname__ = name
    bitwise.__doc__ = doc
    return op("pointwise", inplace=True, operators=(dunder, f"__i{dunder[2:]}"), reflected=(reflected,),
              out="pointwise")(bitwise)


bitwise_and = _bitwise("bitwise_and", np.bitwise_and, "__and__", "__rand__", "Element-wise AND of bool or integer tensors.")
bitwise_or = _bitwise("bitwise_or", np.bitwise_or, "__or__", "__ror__", "Element-wise OR of bool or integer tensors.")
bitwise_xor = _bitwise("bitwise_xor", np.bitwise_xor, "__xor__", "__rxor__", "Element-wise XOR of bool or integer tensors.")
bitwise_left_shift = _bitwise("bitwise_left_shift", np.left_shift, "__lshift__", "__rlshift__", "Element-wise input << other.")
bitwise_right_shift = _bitwise("bitwise_right_shift", np.right_shift, "__rshift__", "__rrshift__", "Element-wise input >> other.")


def _invert(input):
    """~input: Python's TypeError, not the kernel's error, for a floating tensor."""
    if input.dtype.category > dtypes.INT:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(input)


@op("pointwise", inplace=True, operator=_invert, operators=("__invert__",), out="exact")
def bitwise_not(input):
    """Element-wise NOT: logical for bool tensors, bitwise for integers."""
    tensor_arg(input)
    if input.dtype.category > dtypes.INT:
        raise NotImplementedError(
            f"\"bitwise_not_cpu\" not implemented for '{input.dtype.scalar_name}'"
        )
    return wrap(np.invert(input._data))


@op("pointwise", inplace=True, out="comparison")
def logical_not(input):
    """Element-wise NOT of truth values, as a bool tensor."""
    return wrap(np.logical_not(tensor_arg(input)._data))


@op("pointwise", inplace=True, out="comparison")
def logical_and(input, other):
    """Element-wise AND of truth values, as a bool tensor."""
    a, b, _ = binary_operands(input, other)
    return wrap(np.logical_and(a, b))


@op("pointwise", inplace=True, out="comparison")
def logical_or(input, other):
    """Element-wise OR of truth values, as a bool tensor."""
    a, b, _ = binary_operands(input, other)
    return wrap(np.logical_or(a, b))


@op("pointwise", inplace=True, out="comparison")
def logical_xor(input, other):
    """Element-wise XOR of truth values, as a bool tensor."""
    a, b, _ = binary_operands(input, other)
    return wrap(np.logical_xor(a, b))


# ================================================================ element-wise math


def _floating(x: Tensor) -> np.ndarray:
    """The array of x, with integers and bools promoted to the default float dtype."""
    a = tensor_arg(x)._data
    if a.dtype.kind in "biu":
        return a.astype(dtypes.get_default_dtype().np)
    return a


# NumPy's SIMD float32 kernels are often an ulp away from PyTorch's results
# (np.exp(float32(1)) is one ulp high; PyTorch's is correctly rounded), which shows
# in integer-mode printing. Computing in float64 and rounding agrees with PyTorch on
# 92-99% of random inputs against 60-89% natively (measured for exp, log, sin, cos,
# tanh, log1p, expm1, log2, atan). Small arrays only: there the cost is dispatch.
_PRECISE_LIMIT = 4096


def _precise(np_fn, a: np.ndarray) -> np.ndarray:
    if a.dtype.kind == "f" and a.dtype.itemsize < 8 and a.size <= _PRECISE_LIMIT:
        out = np_fn(a.astype(np.float64))
        return out.astype(a.dtype) if out.dtype == np.float64 else out
    return np_fn(a)


def _sigmoid(a: np.ndarray) -> np.ndarray:
    # PyTorch rounds exp(-x) to the working dtype before the division.
    one = a.dtype.type(1)
    return one / (one + _precise(np.exp, -a))


def _unary(name, np_fn, grad_fn, derivative, doc, *, saves="input", floats=True, precise=True, aliases=(),
           operators=(), inplace=True, variants="function, method", out="by dtype"):
    """Define a unary op from a row: derivative(g, x, y) gives the input's gradient. Its out= takes
    any dtype the result casts to, or, for ops that keep an integer input's dtype (floats=False),
    only the result's dtype, as PyTorch's kernels for them do."""
    if out == "by dtype":
        out = "pointwise" if floats else "exact"

    def unary(input):
        a = _floating(input) if floats else tensor_arg(input)._data
        out = _precise(np_fn, a) if precise else np_fn(a)
        if derivative is None:
            return wrap(out)
        if saves == "result":
            return record(out, grad_fn, (input,), (lambda g, y: derivative(g, input, y),), saved=(OUTPUT,))
        return record(out, grad_fn, (input,), (lambda g: derivative(g, input, None),),
                      saved=(input,) if saves == "input" else ())

    unary.__name__ = unary.__qualname__ = name
    unary.__doc__ = doc
    return op("pointwise", variants=variants, aliases=aliases, inplace=inplace, operators=operators,
              grad_fn=grad_fn or (), out=out)(unary)


def _zero_grad(g, x, y):
    return zeros_like(g)


LN2, LN10 = math.log(2.0), math.log(10.0)

exp = _unary("exp", np.exp, "ExpBackward0", lambda g, x, y: g * y, "e raised to each element.", saves="result")
expm1 = _unary("expm1", np.expm1, "Expm1Backward0", lambda g, x, y: g * (y + 1), "exp(x) - 1, accurate near 0.", saves="result")
# PyTorch's float32 log(e) is exactly 1, as NumPy's is; the float64 route rounds it down.
log = _unary("log", np.log, "LogBackward0", lambda g, x, y: g / x, "Natural logarithm.", precise=False)
log1p = _unary("log1p", np.log1p, "Log1PBackward0", lambda g, x, y: g / (x + 1), "log(1 + x), accurate near 0.")
log2 = _unary("log2", np.log2, "Log2Backward0", lambda g, x, y: g / (x * LN2), "Base-2 logarithm.")
log10 = _unary("log10", np.log10, "Log10Backward0", lambda g, x, y: g / (x * LN10), "Base-10 logarithm.")
sqrt = _unary("sqrt", np.sqrt, "SqrtBackward0", lambda g, x, y: g / (2 * y), "Square root.", saves="result")


def _rsqrt(a: np.ndarray) -> np.ndarray:
    # PyTorch divides 1 by the rounded square root, which the float64 route does not reproduce
    # (29% of float32 results differ). Its float16 vector code works in float32.
    if a.dtype == np.float16:
        return _in_vector_steps(a, lambda h: (1 / np.sqrt(h.astype(np.float32))).astype(np.float16),
                                lambda h: 1 / np.sqrt(h))
    return 1 / np.sqrt(a)


rsqrt = _unary("rsqrt", _rsqrt, "RsqrtBackward0", lambda g, x, y: -0.5 * g * y ** 3, "1 / sqrt(x).", saves="result",
               precise=False)
sin = _unary("sin", np.sin, "SinBackward0", lambda g, x, y: g * x.cos(), "Sine.")
cos = _unary("cos", np.cos, "CosBackward0", lambda g, x, y: -g * x.sin(), "Cosine.")
tan = _unary("tan", np.tan, "TanBackward0", lambda g, x, y: g * (1 + y * y), "Tangent.", saves="result")
asin = _unary("asin", np.arcsin, "AsinBackward0", lambda g, x, y: g / (1 - x * x).sqrt(), "Inverse sine.", aliases=("arcsin",))
acos = _unary("acos", np.arccos, "AcosBackward0", lambda g, x, y: -g / (1 - x * x).sqrt(), "Inverse cosine.", aliases=("arccos",))
atan = _unary("atan", np.arctan, "AtanBackward0", lambda g, x, y: g / (1 + x * x), "Inverse tangent.", aliases=("arctan",))
asinh = _unary("asinh", np.arcsinh, "AsinhBackward0", lambda g, x, y: g * (x * x + 1).rsqrt(), "Inverse hyperbolic sine.",
               aliases=("arcsinh",))
acosh = _unary("acosh", np.arccosh, "AcoshBackward0", lambda g, x, y: g * (x * x - 1).rsqrt(), "Inverse hyperbolic cosine.",
               aliases=("arccosh",))
atanh = _unary("atanh", np.arctanh, "AtanhBackward0", lambda g, x, y: g / (1 - x * x), "Inverse hyperbolic tangent.",
               aliases=("arctanh",))
sinh = _unary("sinh", np.sinh, "SinhBackward0", lambda g, x, y: g * x.cosh(), "Hyperbolic sine.")
cosh = _unary("cosh", np.cosh, "CoshBackward0", lambda g, x, y: g * x.sinh(), "Hyperbolic cosine.")
tanh = _unary("tanh", np.tanh, "TanhBackward0", lambda g, x, y: g * (1 - y * y), "Hyperbolic tangent.", saves="result",
              variants="function, method, functional")
sigmoid = _unary("sigmoid", _sigmoid, "SigmoidBackward0", lambda g, x, y: g * y * (1 - y),
                 "The logistic function 1 / (1 + exp(-x)).", saves="result", precise=False,
                 variants="function, method, functional")
reciprocal = _unary("reciprocal", np.reciprocal, "ReciprocalBackward0", lambda g, x, y: -g * y * y, "1 / x.", saves="result")
floor = _unary("floor", np.floor, "FloorBackward0", _zero_grad, "Round down to an integer value.", floats=False, saves="none")
ceil = _unary("ceil", np.ceil, "CeilBackward0", _zero_grad, "Round up to an integer value.", floats=False, saves="none")
trunc = _unary("trunc", np.trunc, "TruncBackward0", _zero_grad, "Round towards zero.", floats=False, saves="none", aliases=("fix",))
frac = _unary("frac", lambda a: a - np.trunc(a), "FracBackward0", lambda g, x, y: g, "The fractional part, x - trunc(x).", floats=False, saves="none")
sign = _unary("sign", lambda a: np.nan_to_num(np.sign(a), nan=0.0) if a.dtype.kind == "f" else np.sign(a),
              "SignBackward0", _zero_grad, "-1, 0 or 1 by the sign of each element.", floats=False, saves="none")
abs = _unary("abs", np.abs, "AbsBackward0", lambda g, x, y: g * x.sign(), "Absolute value.", floats=False, aliases=("absolute",), operators=("__abs__",))
isnan = _unary("isnan", np.isnan, None, None, "True where an element is NaN.", floats=False,
               inplace=False, out=None)
isinf = _unary("isinf", np.isinf, None, None, "True where an element is +inf or -inf.", floats=False,
               inplace=False, out=None)
isfinite = _unary("isfinite", np.isfinite, None, None, "True where an element is neither inf nor NaN.", floats=False,
               inplace=False, out=None)


@op("pointwise", aliases=("arctan2",), inplace=True, grad_fn="Atan2Backward0", out="pointwise")
def atan2(input, other):
    """The angle of the point (other, input), in (-pi, pi]: arctan(input / other) in the right quadrant."""
    tensor_arg(input)
    tensor_arg(other, "other")
    dtype = result_type(input, other)
    if dtype.category <= dtypes.INT:
        dtype = dtypes.get_default_dtype()
    check_broadcast(input, other)
    a, b = _cast(input, dtype), _cast(other, dtype)
    out = np.arctan2(a.astype(np.float64), b.astype(np.float64)).astype(dtype.np)  # rounded once, as PyTorch's is

    def backward(g):
        scale = g / (input * input + other * other)
        return scale * other, -scale * input

    return record(out, "Atan2Backward0", (input, other), backward, saved=(input, other))


@op("pointwise", inplace=True, grad_fn="PowBackward0", out="pointwise")
def square(input):
    """input ** 2."""
    return pow(input, 2)


@op("pointwise", variants="function, method, functional_inplace", inplace=True, grad_fn="ReluBackward0")
def relu(input):
    """max(input, 0), element-wise."""
    tensor_arg(input)
    a = input._data
    if a.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return record(np.maximum(a, a.dtype.type(0)), "ReluBackward0", (input,),
                  (lambda g, y: g * gt(y, 0),),
                  saved=(OUTPUT,))


@op("pointwise", inplace=True, grad_fn=("RoundBackward0", "RoundBackward1"), out="exact")
def round(input, *, decimals=0):
    """Round to the nearest integer value (halves to even), or to `decimals` places."""
    tensor_arg(input)
    out = np.round(input._data, decimals) if decimals else np.round(input._data)
    return record(out, "RoundBackward1" if decimals else "RoundBackward0", (input,), (_zero,))


@op("pointwise", aliases=("clip",), inplace=True, grad_fn=("ClampBackward0", "ClampBackward1"),
    result=broadcast_result, out="exact")
def clamp(input, min=None, max=None):
    """Limit every element to [min, max]; the gradient passes where min <= x <= max."""
    tensor_arg(input)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    dtype = result_type(input, *(v for v in (min, max) if v is not None))
    a = input._data.astype(dtype.np, copy=False)
    lo = None if min is None else operand(min, dtype)
    hi = None if max is None else operand(max, dtype)
    out = a
    if lo is not None:
        out = np.maximum(out, lo)
    if hi is not None:
        out = np.minimum(out, hi)
    out = np.asarray(out, dtype=dtype.np)
    # NaN in the input stays NaN, as in PyTorch (np.maximum already propagates it).

    def backward(g):
        keep = None
        if min is not None:
            keep = ge(input, min)
        if max is not None:
            keep = le(input, max) if keep is None else logical_and(keep, le(input, max))
        g_min = g * lt(input, min) if isinstance(min, Tensor) else None
        g_max = g * gt(input, max) if isinstance(max, Tensor) else None
        return g * keep, g_min, g_max

    tensors = isinstance(min, Tensor) or isinstance(max, Tensor)
    return record(out, "ClampBackward0" if tensors else "ClampBackward1", (input, min, max), backward,
                  saved=(input, min, max))


@op("pointwise", variants="function", grad_fn="WhereBackward0", result=broadcast_result)
def where(condition, input=None, other=None):
    """Elements of input where condition is True, else of other; where(condition) gives indices."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    cond = tensor_arg(condition, "condition")._data
    if cond.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype.scalar_name}")
    if isinstance(input, Tensor) or isinstance(other, Tensor):
        a, b, dtype = binary_operands(input, other)
    else:
        dtype = result_type(input, other)
        a, b = input, other
    shapes = [cond.shape] + [x._data.shape for x in (input, other) if isinstance(x, Tensor)]
    broadcast_shapes(*shapes)
    out = np.where(cond, a, b).astype(dtype.np, copy=False)
    return record(out, "WhereBackward0", (input, other),
                  lambda g: (g * condition, g * logical_not(condition)))


def _where_method(self, condition, other):
    """self where condition is True, else other: torch.where(condition, self, other)."""
    return where(condition, self, other)


# The method form takes self as the value, not the condition, so it is not the function.
Tensor.where = _where_method


@op("pointwise", inplace=True, grad_fn=("LerpBackward0", "LerpBackward1"), result=broadcast_result)
def lerp(input, end, weight):
    """input + weight * (end - input)."""
    tensor_arg(input)
    tensor_arg(end, "end")
    a, b, _ = binary_operands(input, end)
    w = weight._data if isinstance(weight, Tensor) else weight
    if a.dtype == np.float16:  # computed in float32, a number weight read straight into float32 (opmath)
        a, b, w = a.astype(np.float32), b.astype(np.float32), np.asarray(w).astype(np.float32)
    # PyTorch's formula: from the nearer end, so that weight 1 gives end exactly.
    out = np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w)).astype(input._data.dtype, copy=False)
    if not isinstance(weight, Tensor):
        return record(out, "LerpBackward0", (input, end), (lambda g: g * (1 - weight), lambda g: g * weight))
    return record(out, "LerpBackward1", (input, end, weight),
                  (lambda g: g * (1 - weight), lambda g: g * weight, lambda g: g * (end - input)),
                  saved=(input, end, weight))


@op("pointwise", inplace=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replace NaN, +inf and -inf by finite numbers."""
    a = tensor_arg(input)._data
    nan, posinf, neginf = (None if v is None else rounding.scalar(v, a.dtype) for v in (nan, posinf, neginf))
    return wrap(np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf))


# ================================================================ in-place fills


@op("pointwise", variants="function, method")
def fill_(self, value):
    """Fill self with value, in place."""
    recorded = check_inplace(self, value)
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value._data.ndim} dimensions."
            )
        source = value
        filled = value._data
    else:
        source = None
        filled = value
    _write_scalar(self, filled)
    if recorded:
        rebase(self, "FillBackward0" if source is None else "FillBackward1", (self, source),
               lambda g: (g * 0, None if source is None else g.sum()))
    return self


def _write_scalar(self, value):
    if self.dtype.category < dtypes.COMPLEX and isinstance(value, complex):
        raise RuntimeError("value cannot be converted to type float without overflow")
    write_array(self, value)


@op("pointwise", variants="method")
def zero_(self):
    """Fill self with zeros, in place."""
    return fill_(self, 0)


@op("pointwise", variants="method")
def copy_(self, src, non_blocking=False):
    """Copy src's elements into self (broadcasting src), in place."""
    tensor_arg(src, "src")
    recorded = check_inplace(self, src)
    if broadcast_shapes(self._data.shape, src._data.shape) != self._data.shape:
        raise RuntimeError(
            f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
            f"{list(broadcast_shapes(self._data.shape, src._data.shape))}"
        )
    write_array(self, rounding.cast(src._data, self._data.dtype, copy=False))
    if recorded:
        rebase(self, "CopyBackwards", (self, src), lambda g: (g * 0, g))
    return self


# ================================================================ complex parts


@op("pointwise", variants="function")
def real(input):
    """The real part of a complex tensor, as a view; a real tensor is returned as it is."""
    tensor_arg(input)
    if input.dtype.category != dtypes.COMPLEX:
        return input
    return record_view(input, input._data.real, "RealBackward0", lambda g: (g,))


@op("pointwise", variants="function")
def imag(input):
    """The imaginary part of a complex tensor, as a view."""
    tensor_arg(input)
    if input.dtype.category != dtypes.COMPLEX:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return record_view(input, input._data.imag, "ImagBackward0", lambda g: (g * 1j,))


# PyTorch exposes these two as attributes, not methods.
Tensor.real = property(real)
Tensor.imag = property(imag)
