"""Conversions: dtype casts, copies and contiguity."""

from __future__ import annotations

import numpy as np

from .. import dtypes, rounding
from ..device import check as check_device
from ..limits import check_allocation
from ..tensor import Tensor
from ..autograd import record
from .common import can_cast as common_can_cast, result_type as common_result_type, tensor_arg
from .registry import op


def _cast(self: Tensor, dtype: dtypes.dtype, copy: bool = False) -> Tensor:
    if dtype is self.dtype and not copy:
        return self
    source = self.dtype
    check_allocation(self._data.shape, dtype)
    data = self._data
    if source.category == dtypes.COMPLEX and dtype.category != dtypes.COMPLEX:
        data = data.real  # PyTorch discards the imaginary part
    array = rounding.cast(data, dtype.np)
    return record(array, "ToCopyBackward0", (self,), lambda g: (g.to(source) if g.dtype is not source else g,))


@op("convert", variants="method", grad_fn="ToCopyBackward0")
def to(self, *args, dtype=None, device=None, copy=False, non_blocking=False, memory_format=None):
    """A tensor with another dtype (or on another device): self itself when nothing changes."""
    target = None
    seen_dtype = False
    for a in args:
        if isinstance(a, Tensor):
            target = a.dtype
        elif isinstance(a, (dtypes.dtype, type)):
            if seen_dtype:
                got = ", ".join("torch.dtype" if isinstance(x, dtypes.dtype) else type(x).__name__ for x in args)
                raise TypeError(f"to() received an invalid combination of arguments - got ({got}), but expected one of:")
            seen_dtype = True
            target = dtypes.to_dtype(a)
        elif a is not None:
            check_device(a)
    if device is not None:
        check_device(device)
    if dtype is not None:
        target = dtypes.to_dtype(dtype)
    return _cast(self, target or self.dtype, copy)


def _caster(name: str, dtype: dtypes.dtype):
    def cast(self, memory_format=None):
        return _cast(self, dtype)

    cast.__name__ = name
    cast.__doc__ = f"self converted to {dtype.name} (self itself if it already is)."
    # Only a floating result is differentiable here (complex gradients are out of the engine's scope).
    return op("convert", variants="method",
              grad_fn="ToCopyBackward0" if dtype.category == dtypes.FLOAT else ())(cast)


_caster("float", dtypes.float32)
_caster("double", dtypes.float64)
_caster("half", dtypes.float16)
_caster("int", dtypes.int32)
_caster("long", dtypes.int64)
_caster("short", dtypes.int16)
_caster("char", dtypes.int8)
_caster("byte", dtypes.uint8)
_caster("bool", dtypes.bool_)
_caster("cfloat", dtypes.complex64)
_caster("cdouble", dtypes.complex128)


@op("convert", variants="method")
def type_as(self, other):
    """self converted to other's dtype."""
    return _cast(self, tensor_arg(other, "other").dtype)


@op("convert", grad_fn="CloneBackward0")
def clone(input, *, memory_format=None):
    """A copy of input with its own memory; gradients flow back to input."""
    tensor_arg(input)
    check_allocation(input._data.shape, input.dtype)
    return record(np.array(input._data, copy=True), "CloneBackward0", (input,), lambda g: (g,))


@op("convert", variants="method", grad_fn="CloneBackward0")
def contiguous(self, memory_format=None):
    """self if it is laid out row-major, otherwise a row-major copy."""
    if self._data.flags.c_contiguous:
        return self
    check_allocation(self._data.shape, self.dtype)
    return record(np.ascontiguousarray(self._data), "CloneBackward0", (self,), lambda g: (g,))


# ================================================================ queries


@op("convert", variants="function")
def result_type(tensor1, tensor2) -> dtypes.dtype:
    """The dtype an op on these two operands (tensors or numbers) produces."""
    return common_result_type(tensor1, tensor2)


@op("convert", variants="function")
def can_cast(from_, to) -> bool:
    """Whether an in-place op may write a from_ result into a to tensor."""
    for position, (name, value) in enumerate((("from_", from_), ("to", to)), 1):
        if not isinstance(value, dtypes.dtype):
            raise TypeError(f"can_cast(): argument '{name}' (position {position}) must be torch.dtype, "
                            f"not {type(value).__name__}")
    return common_can_cast(from_, to)


@op("convert", variants="function")
def is_tensor(obj) -> bool:
    """True if obj is a tensor."""
    return isinstance(obj, Tensor)


@op("convert", variants="function")
def is_floating_point(input) -> bool:
    """True if input's dtype is a floating-point type."""
    return tensor_arg(input).is_floating_point()


@op("convert", variants="function")
def is_complex(input) -> bool:
    """True if input's dtype is a complex type."""
    return tensor_arg(input).is_complex()


@op("convert", variants="function")
def numel(input) -> int:
    """The number of elements of input."""
    return tensor_arg(input).numel()
