"""Reductions: sums, means, extrema, statistics, norms, scans and sorting over dimensions.

Each op reduces on NumPy and records one node with PyTorch's grad_fn name. Ops
that pick elements (max/min with a dim, median, mode, sort, topk, kthvalue) route
the gradient back to the picked positions through `_pick_backward`; ops that
compare (max/min without a dim, amax/amin, norm with p=inf) share it evenly
between ties, as PyTorch does.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import dtypes
from ..size import return_types
from ..tensor import Tensor, wrap, wrap_dim
from ..autograd import OUTPUT, record
from .common import tensor_arg
from .pointwise import maximum, minimum
from .registry import op
from .summation import add_up, average, norm2, sum_all, variance

_INF = math.inf
_REQUIRED = object()  # a parameter PyTorch requires, with PyTorch's TypeError when it is missing


def _require_dim(dim, name: str):
    if dim is _REQUIRED:
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')


# ================================================================ helpers


_ALL_AXES = tuple(tuple(range(n)) for n in range(8))


def reduced_axes(dim, ndim: int) -> tuple:
    """The axes a `dim` argument names (None or (): all), non-negative, with PyTorch's errors.

    A 0-dim tensor accepts dim 0 or -1 and has no axes to reduce.
    """
    if dim is None:
        return _ALL_AXES[ndim] if ndim < 8 else tuple(range(ndim))
    if type(dim) is int and ndim and -ndim <= dim < ndim:
        return (dim % ndim,)
    if isinstance(dim, (list, tuple)):
        if not dim:
            return tuple(range(ndim))
        axes = tuple(wrap_dim(d, ndim) for d in dim)
        if len(set(axes)) != len(axes):
            repeated = next(a for a in axes if axes.count(a) > 1)
            raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
        return axes if ndim else ()
    axis = wrap_dim(dim, ndim)
    return (axis,) if ndim else ()


def expand_back(g: Tensor, shape: tuple, axes: tuple, keepdim: bool) -> Tensor:
    """A reduced gradient broadcast back over the input's shape."""
    if not keepdim and axes:
        kept = list(shape)
        for a in axes:
            kept[a] = 1
        g = g.reshape(kept)
    return g.expand(shape)


def _kept_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _count(shape: tuple, axes: tuple) -> int:
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _accumulator_dtype(input: Tensor, dtype) -> dtypes.dtype:
    if dtype is not None:
        return dtypes.to_dtype(dtype)
    d = input.dtype
    return dtypes.int64 if d.category <= dtypes.INT else d


def _accumulate_as(out_dtype: dtypes.dtype):
    """The NumPy dtype to accumulate in: float16 sums run in float32, as PyTorch's kernels do."""
    return np.float32 if out_dtype is dtypes.float16 else out_dtype.np


def _floating_input(input: Tensor) -> np.ndarray:
    """input's array, with bools and integers promoted to the default float dtype."""
    a = input._data
    if a.dtype.kind in "biu":
        return a.astype(dtypes.get_default_dtype().np)
    return a


def _dim_of(dim, ndim: int) -> int:
    if isinstance(dim, (list, tuple)):
        raise TypeError(f"argument 'dim' must be int, not {type(dim).__name__}")
    return wrap_dim(dim, ndim)


def _tie_mask(x: Tensor, out_kept: np.ndarray, axes: tuple) -> Tensor:
    """Where x equals its reduced value, divided by the number of ties: the even split of PyTorch."""
    mask = x._data == out_kept
    if x._data.dtype.kind in "fc":
        mask |= np.isnan(x._data) & np.isnan(out_kept)  # a NaN extreme takes the gradient, as in PyTorch
    counts = mask.sum(axis=axes, keepdims=True) if axes else mask.astype(np.int64)
    return wrap((mask / np.maximum(counts, 1)).astype(x._data.dtype, copy=False))


# ---------------------------------------------------------------- picking (gradient to chosen indices)


def _take_along(source: Tensor, index: np.ndarray, axis: int) -> Tensor:
    """source's elements at `index` along axis (differentiable; the inverse of _put_along)."""
    shape = source._data.shape
    out = np.take_along_axis(source._data, index, axis)
    return record(out, "GatherBackward0", (source,), lambda g: (_put_along(g, index, axis, shape),))


def _put_along(values: Tensor, index: np.ndarray, axis: int, shape: tuple) -> Tensor:
    """Zeros of `shape` with `values` placed at `index` along axis (indices distinct per slice)."""
    out = np.zeros(shape, dtype=values._data.dtype)
    np.put_along_axis(out, index, values._data, axis)
    return record(out, "ScatterBackward0", (values,), lambda g: (_take_along(g, index, axis),))


def _pick_backward(shape: tuple, index: np.ndarray, axis: int, keepdim: bool):
    """Backward of an op whose outputs are input elements at `index` along axis."""
    if not shape:
        return lambda g: (g,)

    def backward(g):
        if keepdim:
            return (_put_along(g, index, axis, shape),)
        return (_put_along(g.unsqueeze(axis), np.expand_dims(index, axis), axis, shape),)

    return backward


def _indices_result(cls, input, values: np.ndarray, indices: np.ndarray, name: str, axis: int, keepdim: bool):
    """A (values, indices) named tuple whose values carry the picking gradient."""
    shape = input._data.shape
    v = record(values, name, (input,), _pick_backward(shape, indices, axis, keepdim))
    return cls(v, wrap(indices.astype(np.int64, copy=False)))


def _along(input: Tensor, dim):
    """(array, axis) to work along dim; a 0-dim tensor acts as one element along axis 0."""
    a = input._data
    axis = _dim_of(dim, a.ndim)
    if a.ndim == 0:
        return a.reshape(1), 0, True
    return a, axis, False


# ================================================================ sums and means


@op("reduction", grad_fn=("SumBackward0", "SumBackward1"))
def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum of all elements, or over dim (an int or a tuple of ints)."""
    a = tensor_arg(input)._data
    shape = a.shape
    if dim is None and not keepdim and dtype is None and a.dtype.char in "efd":
        # The hot path: a whole float tensor, no dtype or axes to work out.
        return record(sum_all(a), "SumBackward0", (input,), (lambda g: g.expand(shape),))
    axes = reduced_axes(dim, len(shape))
    # Floats sum in PyTorch's order (summation.py); integers and bools accumulate in int64.
    out = add_up(a, axes, keepdim, _accumulator_dtype(input, dtype).np)
    name = "SumBackward0" if dim is None else "SumBackward1"
    return record(out, name, (input,), lambda g: (expand_back(g, shape, axes, keepdim),))


@op("reduction", grad_fn="NansumBackward0")
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum treating NaN as zero."""
    tensor_arg(input)
    shape = input._data.shape
    axes = reduced_axes(dim, len(shape))
    out_dtype = _accumulator_dtype(input, dtype)
    out = np.nansum(input._data, axis=axes, keepdims=keepdim, dtype=out_dtype.np)

    def backward(g):
        return (expand_back(g, shape, axes, keepdim) * wrap(~np.isnan(input._data)),)

    return record(np.asarray(out, dtype=out_dtype.np), "NansumBackward0", (input,), backward, saved=(input,))


@op("reduction", variants="method", grad_fn="SumBackward1")
def sum_to_size(self, *size):
    """Sum self down to `size`, the reverse of broadcasting (used for gradients)."""
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        size = size[0]
    size = tuple(size)
    shape = self._data.shape
    axes = _SUMMED_AXES.get((shape, size))
    if axes is None:
        axes = _summed_axes(shape, size)
    if not axes:
        return self
    out = add_up(self._data, axes, keepdim=True)
    if out.ndim != len(size):
        out = out.reshape(size)
    return record(out, "SumBackward1", (self,), lambda g: (g.expand(shape),))


# (shape, size) -> the axes sum_to_size reduces: every gradient of a broadcast input asks, and
# a program broadcasts few pairs of shapes.
_SUMMED_AXES: dict = {}


def _summed_axes(shape: tuple, size: tuple) -> tuple:
    lead = len(shape) - len(size)
    if lead < 0 or builtins.any(s != 1 and s != d for s, d in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{', '.join(map(str, size))}}} is not expandable to size {{{', '.join(map(str, shape))}}}.")
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1)
    if len(_SUMMED_AXES) > 4096:
        _SUMMED_AXES.clear()
    _SUMMED_AXES[shape, size] = axes
    return axes


def _mean_dtype(input: Tensor, dtype, name="mean") -> dtypes.dtype:
    target = dtypes.to_dtype(dtype) if dtype is not None else input.dtype
    if target.category < dtypes.FLOAT:
        which = "Optional" if dtype is not None else "Input"
        raise RuntimeError(
            f"{name}(): could not infer output dtype. {which} dtype must be either a floating point or complex "
            f"dtype. Got: {target.scalar_name}"
        )
    return target


@op("reduction", grad_fn=("MeanBackward0", "MeanBackward1"), out="pointwise")
def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Arithmetic mean of all elements, or over dim."""
    tensor_arg(input)
    a = input._data
    target = input.dtype if dtype is None and a.dtype.kind in "fc" else _mean_dtype(input, dtype)
    shape = a.shape
    axes = reduced_axes(dim, len(shape))
    count = _count(shape, axes)
    if count:
        out = average(a, axes, keepdim, target.np)
    else:  # an empty mean is NaN (np.mean would also warn)
        out = np.full(_kept_shape(shape, axes) if keepdim else tuple(d for i, d in enumerate(shape) if i not in axes),
                      np.nan, dtype=target.np)
    name = "MeanBackward0" if dim is None else "MeanBackward1"
    return record(np.asarray(out, dtype=target.np), name, (input,),
                  lambda g: (expand_back(g / count, shape, axes, keepdim),))


@op("reduction", grad_fn="DivBackward0")
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean over the elements that are not NaN."""
    tensor_arg(input)
    _mean_dtype(input, dtype, "nanmean")
    keep = wrap(~np.isnan(input._data))
    return nansum(input, dim, keepdim, dtype=dtype) / keep.sum(dim, keepdim)


@op("reduction", grad_fn=("ProdBackward0", "ProdBackward1"))
def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of all elements, or over one dim."""
    tensor_arg(input)
    if isinstance(dim, (list, tuple)):
        raise TypeError(f"prod() received an invalid combination of arguments - got ({type(dim).__name__})")
    shape = input._data.shape
    axes = reduced_axes(dim, len(shape))
    out_dtype = _accumulator_dtype(input, dtype)
    a = input._data
    out = np.prod(a, axis=axes, keepdims=keepdim, dtype=_accumulate_as(out_dtype))

    def backward(g, result):
        g = expand_back(g, shape, axes, keepdim)
        x = input._data
        if not (x == 0).any():
            return (g * expand_back(result, shape, axes, keepdim) / input,)
        # With zeros, prod / x is undefined: use the product of the other elements.
        return (g * wrap(_prod_of_others(x, axes)),)

    return record(np.asarray(out, dtype=out_dtype.np), "ProdBackward0" if dim is None else "ProdBackward1",
                  (input,), backward, saved=(input, OUTPUT))


def _prod_of_others(x: np.ndarray, axes: tuple) -> np.ndarray:
    """For every element, the product of the other elements of its reduced slice."""
    if not axes:
        return np.ones_like(x)
    moved = np.moveaxis(x, axes, tuple(range(-len(axes), 0)))
    flat = moved.reshape(moved.shape[:moved.ndim - len(axes)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    left = np.concatenate([ones, np.cumprod(flat, -1)[..., :-1]], -1)
    right = np.concatenate([np.cumprod(flat[..., ::-1], -1)[..., :-1][..., ::-1], ones], -1)
    return np.moveaxis((left * right).reshape(moved.shape), tuple(range(-len(axes), 0)), axes)


# ================================================================ extrema


def _empty_check(input: Tensor, name: str, axes=None) -> None:
    a = input._data
    if axes is None:
        if a.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return
    for ax in axes:
        if a.shape[ax] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {ax} to have non-zero size.")


def _complex_check(input: Tensor, kernel: str) -> None:
    if input.dtype.category == dtypes.COMPLEX:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.scalar_name}'")


def _no_complex(input: Tensor, message: str) -> None:
    if input.dtype.category == dtypes.COMPLEX:
        raise RuntimeError(message)


def _extreme_all(input, name: str, np_fn, grad_name: str):
    _complex_check(input, f"{name}_all")
    _empty_check(input, name)
    a = input._data
    out = np_fn(a)
    return record(np.asarray(out, dtype=a.dtype), grad_name, (input,),
                  lambda g: (g * _tie_mask(input, out, tuple(range(a.ndim))),), saved=(input,))


def _extreme_dim(input, dim, keepdim, name, arg_fn, cls, grad_name):
    _no_complex(input, f"{name}(): does not support complex input")
    a, axis, scalar = _along(input, dim)
    if not scalar:
        _empty_check(input, name, (axis,))
    keep = keepdim and not scalar
    idx = arg_fn(a, axis=axis, keepdims=keep)
    values = (a.max if arg_fn is np.argmax else a.min)(axis, keepdims=keep)  # NaN wins in both, as in argmax
    if scalar:
        values, idx = values.reshape(()), idx.reshape(())
    return _indices_result(cls, input, values, idx, grad_name, axis, keepdim or scalar)


@op("reduction", grad_fn=("MaxBackward0", "MaxBackward1"))
def max(input, dim=None, keepdim=False):
    """The largest element; with dim, (values, indices) of the largest along dim; with a tensor, maximum."""
    tensor_arg(input)
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    if dim is None:
        return _extreme_all(input, "max", np.max, "MaxBackward1")
    return _extreme_dim(input, dim, keepdim, "max", np.argmax, return_types.max, "MaxBackward0")


@op("reduction", grad_fn=("MinBackward0", "MinBackward1"))
def min(input, dim=None, keepdim=False):
    """The smallest element; with dim, (values, indices) of the smallest along dim; with a tensor, minimum."""
    tensor_arg(input)
    if isinstance(dim, Tensor):
        return minimum(input, dim)
    if dim is None:
        return _extreme_all(input, "min", np.min, "MinBackward1")
    return _extreme_dim(input, dim, keepdim, "min", np.argmin, return_types.min, "MinBackward0")


def _amax_amin(input, dim, keepdim, name, np_fn, grad_name):
    tensor_arg(input)
    _complex_check(input, f"{name[1:]}_values_cpu")
    shape = input._data.shape
    axes = reduced_axes(dim, len(shape))
    if input._data.size == 0 and (dim is None or (isinstance(dim, (list, tuple)) and not dim)):
        _empty_check(input, name)
    _empty_check(input, name, axes)
    out = np_fn(input._data, axis=axes, keepdims=keepdim)
    kept = out if keepdim else out.reshape(_kept_shape(shape, axes))
    return record(np.asarray(out), grad_name, (input,),
                  lambda g: (expand_back(g, shape, axes, keepdim) * _tie_mask(input, kept, axes),),
                  saved=(input,))


@op("reduction", grad_fn="AmaxBackward0")
def amax(input, dim=(), keepdim=False):
    """The largest value over dim (an int or a tuple; all dims by default); ties share the gradient."""
    return _amax_amin(input, dim, keepdim, "amax", np.max, "AmaxBackward0")


@op("reduction", grad_fn="AminBackward0")
def amin(input, dim=(), keepdim=False):
    """The smallest value over dim (an int or a tuple; all dims by default); ties share the gradient."""
    return _amax_amin(input, dim, keepdim, "amin", np.min, "AminBackward0")


@op("reduction")
def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) together, over all elements or along dim."""
    tensor_arg(input)
    if input._data.size == 0 and dim is None:
        raise RuntimeError(
            "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity."
        )
    axes = () if dim is None else dim
    return return_types.aminmax(*_named("AminmaxBackward0", amin(input, axes, keepdim), amax(input, axes, keepdim)))


def _named(name: str, *results: Tensor) -> tuple:
    """Results of an op PyTorch computes in one node, shown under that node's name (the gradients are the parts')."""
    for t in results:
        if t._grad_fn is not None:
            t._grad_fn._name = name
    return results


def _arg_extreme(input, dim, keepdim, name, np_fn):
    tensor_arg(input)
    a = input._data
    if a.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    _no_complex(input, f"{name}(): does not support complex input")
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        out = np.asarray(np_fn(a.reshape(-1)), dtype=np.int64)
        return wrap(out.reshape((1,) * a.ndim) if keepdim else out)
    _, axis, scalar = _along(input, dim)
    if scalar:
        return wrap(np.zeros((), dtype=np.int64))
    _empty_check(input, name, (axis,))
    return wrap(np.asarray(np_fn(a, axis=axis, keepdims=keepdim), dtype=np.int64))


@op("reduction")
def argmax(input, dim=None, keepdim=False):
    """Index of the largest element (of the flattened tensor, or along dim); the first one on ties."""
    return _arg_extreme(input, dim, keepdim, "argmax", np.argmax)


@op("reduction")
def argmin(input, dim=None, keepdim=False):
    """Index of the smallest element (of the flattened tensor, or along dim); the first one on ties."""
    return _arg_extreme(input, dim, keepdim, "argmin", np.argmin)


# ================================================================ statistics


def _correction(dim, unbiased, correction, name):
    """Resolve std/var's overloads: std(unbiased), std(dim, unbiased, keepdim), correction=."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if correction is not None and unbiased is not None:
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got (correction=int, unbiased=bool, ), "
            "but expected one of:"
        )
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


def _moments(input: Tensor, dim, correction, keepdim, name, take_sqrt=False):
    tensor_arg(input)
    if input.dtype.category < dtypes.FLOAT:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    a = input._data
    shape = a.shape
    axes = reduced_axes(dim, len(shape))
    n = _count(shape, axes)
    if n and a.dtype.kind == "f":  # in float64 and PyTorch's order (summation.variance)
        return variance(a, axes, correction, take_sqrt, keepdim), shape, axes, n
    mean_kept = np.sum(a, axis=axes, keepdims=True) / n if n else np.full(_kept_shape(shape, axes), np.nan, a.dtype)
    centred = a - mean_kept
    sq = (centred * centred.conj()).real if a.dtype.kind == "c" else centred * centred
    var = np.sum(sq, axis=axes, keepdims=keepdim) / builtins.max(n - correction, 0)
    real = dtypes.to_real(input.dtype).np if input.dtype.category == dtypes.COMPLEX else a.dtype
    var = np.asarray(var, dtype=real)
    return (np.sqrt(var) if take_sqrt else var), shape, axes, n


@op("reduction", grad_fn="VarBackward0")
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance over all elements or dim, dividing by N - correction (1 by default: unbiased)."""
    dim, correction = _correction(dim, unbiased, correction, "var")
    out, shape, axes, n = _moments(input, dim, correction, keepdim, "var")

    def backward(g):
        centred = input - input.mean(axes, keepdim=True)
        return (expand_back(g, shape, axes, keepdim) * centred * np.divide(2.0, n - correction),)  # inf at 0 dof

    return record(out, "VarBackward0", (input,), backward, saved=(input,))


@op("reduction", grad_fn="StdBackward0")
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation over all elements or dim, dividing by N - correction (1 by default)."""
    dim, correction = _correction(dim, unbiased, correction, "std")
    out, shape, axes, n = _moments(input, dim, correction, keepdim, "std", take_sqrt=True)

    def backward(g, result):
        centred = input - input.mean(axes, keepdim=True)
        zero = result._data == 0
        if zero.any():  # a constant slice has std 0: PyTorch gives it a zero gradient, not 0/0
            scale = g * wrap(~zero) / ((result + wrap(zero.astype(result._data.dtype))) * (n - correction))
        else:
            scale = g / (result * (n - correction))
        return (expand_back(scale, shape, axes, keepdim) * centred,)

    return record(out, "StdBackward0", (input,), backward, saved=(input, OUTPUT))


@op("reduction", variants="function")
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(variance, mean) over all elements or dim."""
    d, c = _correction(dim, unbiased, correction, "var_mean")
    return _named("VarMeanBackward0", var(input, d, keepdim=keepdim, correction=c), mean(input, d, keepdim))


@op("reduction", variants="function")
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(standard deviation, mean) over all elements or dim."""
    d, c = _correction(dim, unbiased, correction, "std_mean")
    return _named("StdMeanBackward0", std(input, d, keepdim=keepdim, correction=c), mean(input, d, keepdim))


# ================================================================ norms


@op("reduction", variants="linalg", name="linalg_vector_norm", grad_fn="LinalgVectorNormBackward0")
def vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The vector p-norm of input (flattened, or over dim): (sum |x|^ord)^(1/ord), max |x| for inf."""
    tensor_arg(input)
    if input.dtype.category < dtypes.FLOAT:
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {input.dtype.scalar_name}"
        )
    if dtype is not None:
        input = input.to(dtypes.to_dtype(dtype))
    a = input._data
    shape = a.shape
    axes = reduced_axes(dim, len(shape))
    p = float(ord)
    mag = np.abs(a)
    if p == _INF or p == -_INF:
        label = "inf" if p > 0 else "-inf"
        if a.size == 0 and dim is None:
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {label} norm on an empty tensor because the operation "
                "does not have an identity"
            )
        for ax in axes:
            if shape[ax] == 0:
                raise RuntimeError(
                    f"linalg.vector_norm cannot compute the {label} norm on the dimension {ax}because this "
                    "dimension is empty and the operation does not have an identity"
                )
        out = (np.max if p > 0 else np.min)(mag, axis=axes, keepdims=keepdim)
    elif p == 0:
        out = np.sum(mag != 0, axis=axes, keepdims=keepdim).astype(mag.dtype)
    elif p == 1:
        out = np.sum(mag, axis=axes, keepdims=keepdim)
    elif p == 2 and a.dtype.char in "fd" and a.size:
        out = norm2(a, axes, keepdim)  # in the order of PyTorch's kernel
    elif p == 2:
        out = np.sqrt(np.sum(mag * mag, axis=axes, keepdims=keepdim))
    else:
        out = np.sum(mag ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)
    out = np.asarray(out, dtype=mag.dtype)

    def backward(g, result):
        g = expand_back(g, shape, axes, keepdim)
        norm = expand_back(result, shape, axes, keepdim)
        if p == 0:
            return (None,)  # the 0-"norm" counts non-zeros: PyTorch leaves no gradient at all
        if p == 1:
            return (g * input.sign(),)
        if p == _INF or p == -_INF:
            kept = out if keepdim else out.reshape(_kept_shape(shape, axes))
            return (g * input.sign() * _tie_mask(wrap(np.abs(input._data)), kept, axes),)
        zero = norm._data == 0
        # A zero norm has a zero gradient (PyTorch's choice at the kink); keep the rest differentiable.
        safe = norm + wrap(zero.astype(mag.dtype)) if zero.any() else norm
        if p == 2:
            return (g * input / safe,)
        absx = input.abs()
        return (g * input.sign() * absx ** (p - 1) / safe ** (p - 1),)

    return record(out, "LinalgVectorNormBackward0", (input,), backward, saved=(input, OUTPUT))


@op("reduction", grad_fn="LinalgVectorNormBackward0")
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The p-norm of input (2 by default, 'fro', inf, any number), flattened or over dim."""
    tensor_arg(input)
    if isinstance(p, str):
        if p == "nuc":
            from .linalg import matrix_norm

            return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
        if p != "fro":
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        p = 2
    return vector_norm(input, 2 if p is None else p, dim, keepdim, dtype=dtype)


# ================================================================ logic


def _logical(input, dim, keepdim, np_fn):
    tensor_arg(input)
    a = input._data
    axes = reduced_axes(dim, a.ndim)
    out = np_fn(a, axis=axes, keepdims=keepdim)
    return wrap(np.asarray(out, dtype=np.uint8 if a.dtype == np.uint8 else np.bool_))


@op("reduction")
def all(input, dim=None, keepdim=False):
    """True if every element (over dim) is non-zero."""
    return _logical(input, dim, keepdim, np.all)


@op("reduction")
def any(input, dim=None, keepdim=False):
    """True if some element (over dim) is non-zero."""
    return _logical(input, dim, keepdim, np.any)


@op("reduction")
def count_nonzero(input, dim=None):
    """The number of non-zero elements (over dim)."""
    tensor_arg(input)
    axes = reduced_axes(dim, input._data.ndim)
    return wrap(np.asarray(np.count_nonzero(input._data, axis=axes), dtype=np.int64))


# ================================================================ scans


def _scan_dtype(input: Tensor, dtype) -> dtypes.dtype:
    if dtype is not None:
        return dtypes.to_dtype(dtype)
    return dtypes.int64 if input.dtype.category <= dtypes.INT else input.dtype


def _scan(input, dim, dtype, name: str, np_scan):
    """The forward of cumsum/cumprod: (result array, axis, whether input is 0-dim)."""
    tensor_arg(input)
    _require_dim(dim, name)
    a, axis, scalar = _along(input, dim)
    target = _scan_dtype(input, dtype)
    out = np_scan(a, axis=axis, dtype=_accumulate_as(target)).astype(target.np, copy=False)
    return out.reshape(input._data.shape), axis, scalar


@op("reduction", inplace=True, grad_fn="CumsumBackward0")
def cumsum(input, dim=_REQUIRED, *, dtype=None):
    """Running sums along dim."""
    out, axis, scalar = _scan(input, dim, dtype, "cumsum", np.cumsum)

    def backward(g):
        # The reversed running sum: total - running sum + own term.
        if scalar:
            return (g,)
        return (g.sum(axis, keepdim=True) - g.cumsum(axis) + g,)

    return record(out, "CumsumBackward0", (input,), backward)


@op("reduction", inplace=True, grad_fn="CumprodBackward0")
def cumprod(input, dim=_REQUIRED, *, dtype=None):
    """Running products along dim."""
    out, axis, scalar = _scan(input, dim, dtype, "cumprod", np.cumprod)

    def backward(g, result):
        if scalar:
            return (g,)
        x = input._data
        if not (x == 0).any():
            w = g * result
            return ((w.sum(axis, keepdim=True) - w.cumsum(axis) + w) / input,)
        return (wrap(_cumprod_grad(x, g._data, axis)),)

    return record(out, "CumprodBackward0", (input,), backward, saved=(input, OUTPUT))


def _cumprod_grad(x: np.ndarray, g: np.ndarray, axis: int) -> np.ndarray:
    """d(sum g * cumprod(x))/dx when x holds zeros: sum over k >= i of g_k * prod_{j <= k, j != i} x_j."""
    x, g = np.moveaxis(x, axis, -1), np.moveaxis(g, axis, -1)
    n = x.shape[-1]
    out = np.zeros_like(x)
    for i in range(n):  # O(n^2) only on the rare path through zeros
        others = x.copy()
        others[..., i] = 1
        out[..., i] = np.sum(g[..., i:] * np.cumprod(others, -1)[..., i:], -1)
    return np.moveaxis(out, -1, axis)


@op("reduction", grad_fn="LogsumexpBackward0")
def logsumexp(input, dim=_REQUIRED, keepdim=False):
    """log(sum(exp(input))) over dim, computed without overflow."""
    tensor_arg(input)
    _require_dim(dim, "logsumexp")
    a = _floating_input(input)
    shape = a.shape
    axes = reduced_axes(dim, len(shape))
    if a.size == 0:
        out = np.log(np.sum(np.exp(a), axis=axes, keepdims=keepdim))
    else:
        peak = np.max(a, axis=axes, keepdims=True) if axes else a
        peak = np.where(np.isfinite(peak), peak, 0)
        out = np.log(np.sum(np.exp(a - peak), axis=axes, keepdims=True)) + peak
        if not keepdim:
            out = out.reshape(tuple(d for i, d in enumerate(shape) if i not in axes))

    def backward(g, result):
        return (expand_back(g, shape, axes, keepdim) * (input - expand_back(result, shape, axes, keepdim)).exp(),)

    return record(np.asarray(out, dtype=a.dtype), "LogsumexpBackward0", (input,), backward,
                  saved=(input, OUTPUT))


def _scatter_add_along(values: Tensor, index: np.ndarray, axis: int, shape: tuple) -> Tensor:
    """Zeros of `shape` with `values` added at `index` along axis (repeated indices accumulate)."""
    out = np.zeros(shape, dtype=values._data.dtype)
    where = list(np.indices(index.shape, sparse=True))
    where[axis] = index
    np.add.at(out, tuple(where), values._data)
    return record(out, "ScatterAddBackward0", (values,), lambda g: (_take_along(g, index, axis),))


def _running_extreme(input, dim, accumulate, name, cls, grad_name):
    tensor_arg(input)
    _require_dim(dim, name)
    a, axis, scalar = _along(input, dim)
    values = accumulate(a, axis=axis)
    hit = a == values
    if a.dtype.kind in "fc":
        hit |= np.isnan(a)
    positions = np.arange(a.shape[axis]).reshape((-1,) + (1,) * (a.ndim - axis - 1))
    # The latest position holding the running extreme: ties move the index forward, as in PyTorch.
    indices = np.maximum.accumulate(np.where(hit, positions, 0), axis=axis)
    shape = input._data.shape
    if scalar:
        values, indices = values.reshape(()), indices.reshape(())
    result = record(values, grad_name, (input,),
                    (lambda g: (g,)) if scalar else (lambda g: (_scatter_add_along(g, indices, axis, shape),)))
    return cls(result, wrap(indices.astype(np.int64, copy=False)))


@op("reduction", grad_fn="CummaxBackward0")
def cummax(input, dim=_REQUIRED):
    """(values, indices) of the running maximum along dim."""
    return _running_extreme(input, dim, np.maximum.accumulate, "cummax", return_types.cummax, "CummaxBackward0")


@op("reduction", grad_fn="CumminBackward0")
def cummin(input, dim=_REQUIRED):
    """(values, indices) of the running minimum along dim."""
    return _running_extreme(input, dim, np.minimum.accumulate, "cummin", return_types.cummin, "CumminBackward0")


# ================================================================ order statistics


def _stable_order(a: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Sorting indices along axis; ties keep their order; NaN counts as the largest, as in PyTorch."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    flipped = np.flip(a, axis)
    return (n - 1) - np.flip(np.argsort(flipped, axis=axis, kind="stable"), axis)


@op("reduction", grad_fn="SortBackward0")
def sort(input, dim=-1, descending=False, stable=False):
    """(values, indices) of input sorted along dim."""
    tensor_arg(input)
    _no_complex(input, " Sort does not support complex dtypes on CPU")
    a, axis, _ = _along(input, dim)
    idx = _stable_order(a, axis, descending)
    values = np.take_along_axis(a, idx, axis).reshape(input._data.shape)
    return _indices_result(return_types.sort, input, values, idx.reshape(input._data.shape), "SortBackward0",
                           axis, True)


@op("reduction")
def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort input along dim."""
    tensor_arg(input)
    _no_complex(input, " Sort does not support complex dtypes on CPU")
    a, axis, _ = _along(input, dim)
    return wrap(_stable_order(a, axis, descending).astype(np.int64).reshape(input._data.shape))


@op("reduction", grad_fn="TopkBackward0")
def topk(input, k, dim=-1, largest=True, sorted=True):
    """(values, indices) of the k largest (or smallest) elements along dim."""
    tensor_arg(input)
    _no_complex(input, " topk does not support complex dtypes on CPU")
    a, axis, scalar = _along(input, dim)
    if not 0 <= k <= a.shape[axis]:
        raise RuntimeError("selected index k out of range")
    idx = np.take(_stable_order(a, axis, largest), np.arange(k), axis=axis)
    values = np.take_along_axis(a, idx, axis)
    if scalar:
        values, idx = values.reshape(()), idx.reshape(())
    return _indices_result(return_types.topk, input, values, idx, "TopkBackward0", axis, True)


@op("reduction", grad_fn="KthvalueBackward0")
def kthvalue(input, k, dim=-1, keepdim=False):
    """(values, indices) of the k-th smallest element along dim."""
    tensor_arg(input)
    a, axis, scalar = _along(input, dim)
    if not 1 <= k <= a.shape[axis]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    idx = np.take(_stable_order(a, axis, False), [k - 1], axis=axis)
    return _picked(input, a, idx, axis, scalar, keepdim, return_types.kthvalue, "KthvalueBackward0")


def _picked(input, a, idx, axis, scalar, keepdim, cls, name):
    values = np.take_along_axis(a, idx, axis)
    if scalar:
        values, idx = values.reshape(()), idx.reshape(())
    elif not keepdim:
        values, idx = values.squeeze(axis), idx.squeeze(axis)
    return _indices_result(cls, input, values, idx, name, axis, keepdim or scalar)


@op("reduction", grad_fn=("MedianBackward0", "MedianBackward1"))
def median(input, dim=None, keepdim=False):
    """The median (the lower of the two middle values); with dim, (values, indices) along dim."""
    tensor_arg(input)
    _complex_check(input, "median_cpu")
    if dim is None:
        flat = input._data.reshape(-1)
        if flat.size == 0:
            return wrap(np.asarray(np.nan, dtype=flat.dtype))
        order = _stable_order(flat, 0, False)
        nan = np.isnan(flat) if flat.dtype.kind in "fc" else None
        i = int(order[-1]) if nan is not None and nan.any() else int(order[(flat.size - 1) // 2])
        value = np.asarray(flat[i])
        # Without a dim, PyTorch shares the gradient between every element equal to the median.
        return record(value, "MedianBackward0", (input,),
                      lambda g: (g * _tie_mask(input, value, tuple(range(input._data.ndim))),), saved=(input,))
    a, axis, scalar = _along(input, dim)
    order = _stable_order(a, axis, False)
    n = a.shape[axis]
    if n == 0:
        _empty_check(input, "median", (axis,))
    pos = np.full(order.shape[:axis] + (1,) + order.shape[axis + 1:], (n - 1) // 2)
    if a.dtype.kind in "fc":
        has_nan = np.isnan(a).any(axis=axis, keepdims=True)
        pos = np.where(has_nan, n - 1, pos)
    idx = np.take_along_axis(order, pos, axis)
    return _picked(input, a, idx, axis, scalar, keepdim, return_types.median, "MedianBackward1")


@op("reduction", grad_fn="ModeBackward0")
def mode(input, dim=-1, keepdim=False):
    """(values, indices) of the most frequent value along dim (the smallest on ties; its last index)."""
    tensor_arg(input)
    a, axis, scalar = _along(input, dim)
    moved = np.moveaxis(a, axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    vals = np.empty(rows.shape[0], dtype=a.dtype)
    idxs = np.empty(rows.shape[0], dtype=np.int64)
    for r, row in enumerate(rows):  # one np.unique per slice
        uniq, counts = np.unique(row, return_counts=True)
        v = uniq[np.argmax(counts)]
        vals[r] = v
        idxs[r] = np.flatnonzero(row == v)[-1]
    idx = np.moveaxis(idxs.reshape(moved.shape[:-1] + (1,)), -1, axis)
    return _picked(input, a, idx, axis, scalar, keepdim, return_types.mode, "ModeBackward0")


@op("reduction")
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements of input, sorted (optionally with inverse indices and counts)."""
    tensor_arg(input)
    a = input._data
    if dim is None:
        got = np.unique(a.reshape(-1), return_inverse=return_inverse, return_counts=return_counts)
    else:
        got = np.unique(a, return_inverse=return_inverse, return_counts=return_counts,
                        axis=wrap_dim(dim, a.ndim))
    if not (return_inverse or return_counts):
        return wrap(got)
    out = [wrap(got[0])]
    if return_inverse:
        out.append(wrap(got[1].astype(np.int64).reshape(a.shape if dim is None else -1)))
    if return_counts:
        out.append(wrap(got[-1].astype(np.int64)))
    return tuple(out)
