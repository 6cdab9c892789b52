"""Creation ops: tensors from data, filled tensors, ranges, legacy constructors (random ones: sampling.py)."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .. import dtypes, limits
from ..device import check as check_device
from ..limits import check_allocation
from ..size import Size
from ..tensor import Tensor, wrap
from .common import numel_of
from .registry import op

# ================================================================ from data


def _infer_dtype(data) -> dtypes.dtype:
    """The dtype PyTorch gives a tensor built from nested Python data."""
    kinds = set()
    _collect_kinds(data, kinds, 0)
    if "complex" in kinds:
        return dtypes.default_complex()
    if "float" in kinds:
        return dtypes.get_default_dtype()
    if "int" in kinds:
        return dtypes.int64
    if "bool" in kinds:
        return dtypes.bool_
    return dtypes.get_default_dtype()  # empty lists are float


# What torch.tensor reads as a sequence of elements.
_SEQUENCES = (list, tuple, range)


def _collect_kinds(x, kinds, depth):
    if isinstance(x, (bool, np.bool_)):
        kinds.add("bool")
    elif isinstance(x, (int, np.integer)):
        kinds.add("int")
    elif isinstance(x, (float, np.floating)):
        kinds.add("float")
    elif isinstance(x, (complex, np.complexfloating)):
        kinds.add("complex")
    elif isinstance(x, Tensor):
        kinds.add({dtypes.BOOL: "bool", dtypes.INT: "int", dtypes.FLOAT: "float",
                   dtypes.COMPLEX: "complex"}[x.dtype.category])
    elif isinstance(x, range):
        if len(x):
            kinds.add("int")
    elif isinstance(x, (list, tuple)):
        if depth > 64:
            raise ValueError("too many dimensions")
        for item in x:
            _collect_kinds(item, kinds, depth + 1)
    elif isinstance(x, np.ndarray):
        kinds.add({"b": "bool", "i": "int", "u": "int", "f": "float", "c": "complex"}.get(x.dtype.kind, "other"))
    else:
        raise TypeError(f"new(): invalid data type '{type(x).__name__}'")


def _shape_of(data) -> tuple:
    """The shape of nested sequences, with PyTorch's error for ragged ones."""
    if isinstance(data, Tensor):
        return data._data.shape
    if isinstance(data, np.ndarray):
        return data.shape
    if isinstance(data, range):
        return (len(data),)
    if not isinstance(data, (list, tuple)):
        return ()
    if not data:
        return (0,)
    inner = _shape_of(data[0])
    for item in data[1:]:
        got = _shape_of(item)
        if got != inner:
            if inner and not isinstance(item, (*_SEQUENCES, Tensor, np.ndarray)):
                raise TypeError("not a sequence")
            if not inner:
                raise TypeError(f"'{type(item).__name__}' object cannot be interpreted as an integer")
            raise ValueError(f"expected sequence of length {inner[0]} at dim 1 (got {got[0]})")
    return (len(data), *inner)


def _check_data_size(data, dtype) -> None:
    """Refuse nested data too big for the memory limit before walking all of it (for 10^8
    elements the walk alone takes a minute): from the shape the first elements show, at the
    fewest bytes an element can take."""
    shape, first = [], data
    while isinstance(first, _SEQUENCES) and len(shape) <= 64:
        shape.append(len(first))
        if not first:
            return
        first = first[0]
    if isinstance(first, (Tensor, np.ndarray)):
        shape += first.shape
    if dtype is None:
        kind = _infer_dtype(first if isinstance(first, _SEQUENCES) else [first])
        # An integer may yet turn out to be one of floats, which can be narrower than int64.
        dtype = min(kind, dtypes.get_default_dtype(), key=lambda d: d.itemsize) if kind is dtypes.int64 else kind
    count = numel_of(shape)
    if count * dtype.itemsize > limits.max_memory():
        raise RuntimeError(f"the data holds {count} elements, at least {limits.human(count * dtype.itemsize)} as a "
                           f"tensor, more than the memory limit of {limits.human(limits.max_memory())} "
                           "(tensorsh --max-memory sets the limit)")


def _converted(data, dtype: dtypes.dtype, shape: tuple) -> np.ndarray:
    """np.array(data), a row at a time when it is big: NumPy converts nested lists in C
    code that Ctrl-C cannot stop, and a row takes a moment where the whole takes minutes."""
    if len(shape) < 2 or numel_of(shape) < 1 << 20:
        return np.array(_plain(data), dtype=dtype.np)
    out = np.empty(shape, dtype=dtype.np)
    for i, row in enumerate(data):
        out[i] = _plain(row)
    return out


def _plain(data):
    """Nested data with tensors replaced by nested lists, for np.array."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        return [_plain(x) for x in data]
    return list(data) if isinstance(data, range) else data


def _from_data(data, dtype) -> np.ndarray:
    if isinstance(data, Tensor):
        array = data._data
        return array.astype((dtype or data.dtype).np, copy=True)
    if isinstance(data, np.ndarray):
        if dtype is None:
            dtype = dtypes.from_numpy_dtype(data.dtype)
        return np.array(data, dtype=dtype.np, copy=True)
    if isinstance(data, int) and not isinstance(data, bool) and not -2 ** 63 <= data < 2 ** 64:
        raise ValueError("Overflow when unpacking long long")
    if isinstance(data, (bool, numbers.Number, np.generic)):
        target = dtype or (dtypes.from_numpy_dtype(data.dtype) if isinstance(data, np.generic) else _infer_dtype(data))
        return np.array(data, dtype=target.np)
    if not isinstance(data, _SEQUENCES):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    _check_data_size(data, dtype)
    shape = _shape_of(data)
    target = dtype or _infer_dtype(data)
    check_allocation(shape, target)
    try:
        return _converted(data, target, shape)
    except OverflowError:
        raise ValueError("Overflow when unpacking long long") from None


@op("creation", variants="function")
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of data (nested lists/tuples, numbers, arrays or tensors)."""
    if device is not None:
        check_device(device)
    dtype = dtypes.to_dtype(dtype) if dtype is not None else None
    t = wrap(_from_data(data, dtype))
    if requires_grad:
        _require_grad(t)
    return t


@op("creation", variants="function")
def as_tensor(data, dtype=None, device=None):
    """A tensor from data, sharing memory with a NumPy array or tensor when no conversion is needed."""
    if device is not None:
        check_device(device)
    dtype = dtypes.to_dtype(dtype) if dtype is not None else None
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtype.np == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype=dtype)


@op("creation", variants="function")
def from_numpy(ndarray):
    """A tensor sharing memory with a NumPy array: writes through either are seen by both."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)
    if any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative strides are "
            "not currently supported. (You can probably work around this by making a copy of your array  with "
            "array.copy().) "
        )
    return wrap(ndarray)


# ================================================================ filled tensors


def parse_size(size, op_name="size") -> tuple:
    """Sizes as PyTorch accepts them: f(2, 3), f((2, 3)), f([2, 3]), f(torch.Size([2, 3]))."""
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        size = size[0]
    dims = []
    for d in size:
        if isinstance(d, Tensor):
            d = d.item() if d._data.size == 1 and d.dtype.category == dtypes.INT else d
        if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)):
            if len(size) == 1:
                raise TypeError(
                    f"{op_name}(): argument 'size' (position 1) must be tuple of ints, not {type(d).__name__}"
                )
            raise TypeError(
                f"{op_name}(): argument 'size' must be tuple of ints, but found element of type "
                f"{type(d).__name__} at pos {len(dims)}"
            )
        dims.append(int(d))
    for d in dims:
        if d < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {d}: {dims}")
    return tuple(dims)


def _filled(size, value, dtype, requires_grad, device, op_name="size"):
    if device is not None:
        check_device(device)
    dtype = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    shape = parse_size(size, op_name)
    check_allocation(shape, dtype)
    t = wrap(np.full(shape, value, dtype=dtype.np))
    if requires_grad:
        _require_grad(t)
    return t


def _require_grad(t: Tensor) -> None:
    """requires_grad=True at creation, with the message PyTorch gives there."""
    if t.dtype.category < dtypes.FLOAT:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    t.requires_grad = True


@op("creation", variants="function")
def zeros(*size, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of zeros of the given size."""
    if any(isinstance(d, int) and d < 0 for d in (size[0] if len(size) == 1 and isinstance(size[0], (list, tuple)) else size)):
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    return _filled(size, 0, dtype, requires_grad, device, "zeros")


@op("creation", variants="function")
def ones(*size, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of ones of the given size."""
    return _filled(size, 1, dtype, requires_grad, device, "ones")


@op("creation", variants="function")
def empty(*size, dtype=None, device=None, requires_grad=False, out=None):
    """An uninitialised tensor of the given size (tensorsh fills it with zeros)."""
    return _filled(size, 0, dtype, requires_grad, device, "empty")


@op("creation", variants="function")
def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor of the given size filled with fill_value (its dtype follows fill_value)."""
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    return _filled((size,), fill_value, dtype, requires_grad, device)


def like_result(input, *args, dtype=None, **kwargs) -> tuple:
    """The result rule of the *_like ops: input's shape, in its dtype or the one asked for."""
    return input._data.shape, dtypes.to_dtype(dtype) if dtype is not None else input.dtype


def _like(input, value, dtype, requires_grad):
    _tensor_input(input)
    dtype = dtypes.to_dtype(dtype) if dtype is not None else input.dtype
    t = wrap(np.full(input._data.shape, value, dtype=dtype.np))
    if requires_grad:
        t.requires_grad = True
    return t


@op("creation", variants="function", result=like_result)
def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    """Zeros with input's shape and dtype."""
    return _like(input, 0, dtype, requires_grad)


@op("creation", variants="function", result=like_result)
def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    """Ones with input's shape and dtype."""
    return _like(input, 1, dtype, requires_grad)


@op("creation", variants="function", result=like_result)
def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    """An uninitialised tensor with input's shape and dtype (zeros in tensorsh)."""
    return _like(input, 0, dtype, requires_grad)


@op("creation", variants="function", result=like_result)
def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    """fill_value with input's shape and dtype."""
    return _like(input, fill_value, dtype, requires_grad)


def _tensor_input(input) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


@op("creation", variants="method")
def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    """Zeros of the given size with self's dtype."""
    return _filled(size, 0, dtype or self.dtype, requires_grad, device)


@op("creation", variants="method")
def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    """Ones of the given size with self's dtype."""
    return _filled(size, 1, dtype or self.dtype, requires_grad, device)


@op("creation", variants="method")
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """fill_value in the given size with self's dtype."""
    return _filled((size,), fill_value, dtype or self.dtype, requires_grad, device)


@op("creation", variants="method")
def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor of the given size with self's dtype (zeros in tensorsh)."""
    return _filled(size, 0, dtype or self.dtype, requires_grad, device)


# ================================================================ ranges


def _number(x, name):
    if isinstance(x, Tensor):
        return x.item()
    if isinstance(x, np.generic):
        return x.item()
    if not isinstance(x, numbers.Number) or isinstance(x, complex):
        raise TypeError(f"arange(): argument '{name}' must be Number, not {type(x).__name__}")
    return x


@op("creation", variants="function")
def arange(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None):
    """Values from start (inclusive) to end (exclusive) spaced by step."""
    if device is not None:
        check_device(device)
    if end is None:
        start, end = 0, start
    start, end, step = _number(start, "start"), _number(end, "end"), _number(step, "step")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if any(isinstance(v, float) and not math.isfinite(v) for v in (start, end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.get_default_dtype() if is_float else dtypes.int64
    dtype = dtypes.to_dtype(dtype)
    n = math.ceil((end - start) / step)
    check_allocation((n,), dtype)
    values = start + np.arange(n, dtype=np.float64 if dtype.category >= dtypes.FLOAT or
                               any(isinstance(v, float) for v in (start, end, step)) else np.int64) * step
    t = wrap(values.astype(dtype.np))
    if requires_grad:
        t.requires_grad = True
    return t


@op("creation", variants="function")
def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, out=None):
    """`steps` values evenly spaced from start to end, both included."""
    start, end = _number(start, "start"), _number(end, "end")
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    check_allocation((steps,), dtypes.float64)
    work = np.float64 if dtype.category <= dtypes.INT else dtype.np
    if steps == 1:
        values = np.array([start], dtype=work)
    else:
        # PyTorch fills the two halves from opposite ends, so both endpoints are exact.
        step = (end - start) / (steps - 1)
        i = np.arange(steps, dtype=work)
        half = steps // 2
        values = np.where(i < half, start + step * i, end - step * (steps - 1 - i)).astype(work)
    t = wrap(values.astype(dtype.np))
    if requires_grad:
        t.requires_grad = True
    return t


@op("creation", variants="function")
def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    """`steps` values from base**start to base**end, evenly spaced on a log scale."""
    exps = linspace(start, end, steps, dtype=dtypes.float64)._data
    dtype = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return wrap(np.power(base, exps).astype(dtype.np))


@op("creation", variants="function")
def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    """The n x m identity matrix (m defaults to n)."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    dtype = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    check_allocation((n, n if m is None else m), dtype)
    t = wrap(np.eye(n, n if m is None else m, dtype=dtype.np))
    if requires_grad:
        t.requires_grad = True
    return t


# ================================================================ legacy constructors


def legacy_construct(self: Tensor, dtype, args, kwargs) -> None:
    """`torch.FloatTensor(data)` or `torch.FloatTensor(*sizes)`, filling `self`."""
    if kwargs.keys() - {"device"}:
        raise TypeError(f"new() received an invalid combination of arguments - got {sorted(kwargs)}")
    if not args:
        args = (0,)  # torch.Tensor() is empty, not 0-dim
    elif len(args) == 1 and isinstance(args[0], Size):
        args = tuple(args[0])  # a torch.Size is sizes, not data
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray, Tensor)):
        data = args[0]
        if isinstance(data, Tensor):
            array = data._data.astype(dtype.np) if data.dtype is not dtype else data._data
        else:
            array = _from_data(data, dtype)
    elif all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        shape = parse_size(args)
        check_allocation(shape, dtype)
        array = np.zeros(shape, dtype=dtype.np)
    else:
        raise TypeError(
            f"new(): data must be a sequence (got {type(args[0]).__name__})"
        )
    self._data = array
    self._version = [0]
    self._base = None  # as wrap() sets them
    self._view_version = None


def _legacy(name: str, dtype: dtypes.dtype):
    def construct(*args, **kwargs):
        t = Tensor.__new__(Tensor)
        legacy_construct(t, dtype, args, kwargs)
        return t

    construct.__name__ = name
    construct.__doc__ = f"Legacy constructor: a {dtype.name} tensor from data, or of the given sizes."
    return op("creation", variants="function")(construct)


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
HalfTensor = _legacy("HalfTensor", dtypes.float16)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
ShortTensor = _legacy("ShortTensor", dtypes.int16)
CharTensor = _legacy("CharTensor", dtypes.int8)
ByteTensor = _legacy("ByteTensor", dtypes.uint8)
BoolTensor = _legacy("BoolTensor", dtypes.bool_)


@op("creation", variants="", operators=("__init__",), name="Tensor")
def _construct_tensor(self, *args, **kwargs):
    """torch.Tensor(data) or torch.Tensor(*sizes): a float32 tensor, as FloatTensor makes."""
    legacy_construct(self, dtypes.float32, args, kwargs)


@op("creation", variants="method")
def new_tensor(self, data, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A new tensor from data, with this tensor's dtype unless given."""
    return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)
