"""Reductions: sums, means, extrema, statistics, norms and scans over dimensions."""

from __future__ import annotations

import numpy as np

from .. import dtypes
from ..tensor import Tensor, wrap, wrap_dim
from .common import record, tensor_arg
from .registry import op


def reduced_axes(dim, ndim: int) -> tuple:
    """The axes a `dim` argument names (None: all), non-negative, with PyTorch's errors."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        axes = tuple(wrap_dim(d, ndim) for d in dim)
        if len(set(axes)) != len(axes):
            repeated = next(a for a in axes if axes.count(a) > 1)
            raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
        return axes
    return (wrap_dim(dim, ndim),)


def expand_back(g: Tensor, shape: tuple, axes: tuple, keepdim: bool) -> Tensor:
    """A reduced gradient broadcast back over the input's shape."""
    if not keepdim and axes:
        kept = list(shape)
        for a in axes:
            kept[a] = 1
        g = g.reshape(kept)
    return g.expand(shape)


def _accumulator_dtype(input: Tensor, dtype) -> dtypes.dtype:
    if dtype is not None:
        return dtypes.to_dtype(dtype)
    d = input.dtype
    return dtypes.int64 if d.category <= dtypes.INT else d


@op("reduction", differentiable=True)
def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum of all elements, or over dim (an int or a tuple of ints)."""
    tensor_arg(input)
    shape = input._data.shape
    axes = reduced_axes(dim, len(shape))
    out_dtype = _accumulator_dtype(input, dtype)
    out = np.sum(input._data, axis=axes, keepdims=keepdim, dtype=out_dtype.np)
    name = "SumBackward0" if dim is None else "SumBackward1"
    return record(out, name, (input,), lambda g: (expand_back(g, shape, axes, keepdim),))


@op("reduction", function=False, differentiable=True)
def sum_to_size(self, *size):
    """Sum self down to `size`, the reverse of broadcasting (used for gradients)."""
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        size = size[0]
    size = tuple(size)
    shape = self._data.shape
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != d for s, d in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{', '.join(map(str, size))}}} is not expandable to size {{{', '.join(map(str, shape))}}}.")
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1)
    if not axes:
        return self
    out = np.sum(self._data, axis=axes, keepdims=True)
    if lead:
        out = out.reshape(size)
    return record(out, "SumBackward1", (self,), lambda g: (g.expand(shape),))


@op("reduction", differentiable=True)
def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Arithmetic mean of all elements, or over dim."""
    tensor_arg(input)
    target = dtypes.to_dtype(dtype) if dtype is not None else input.dtype
    if target.category < dtypes.FLOAT:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
            f"dtype. Got: {target.legacy_name.removesuffix('Tensor')}"
        )
    shape = input._data.shape
    axes = reduced_axes(dim, len(shape))
    out = np.mean(input._data, axis=axes, keepdims=keepdim, dtype=target.np)
    count = 1
    for a in axes:
        count *= shape[a]
    name = "MeanBackward0" if dim is None else "MeanBackward1"
    return record(np.asarray(out, dtype=target.np), name, (input,),
                  lambda g: (expand_back(g / count, shape, axes, keepdim),))
