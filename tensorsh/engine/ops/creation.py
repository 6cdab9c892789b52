"""Creation ops: tensors from data, filled tensors, ranges, legacy constructors (random ones: sampling.py)."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .. import dtypes, limits, rounding
from ..device import check as check_device
from ..limits import check_allocation
from ..rounding import fma
from ..size import Size
from ..tensor import Tensor, wrap
from .common import numel_of, warn
from .registry import op
from .summation import VECTOR_BYTES, thread_ranges

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
    code that Ctrl-C cannot stop, and a row takes a moment where the whole takes minutes.
    float16 data is built in float32 first: PyTorch converts a double to float16 through float."""
    built = np.float32 if dtype is dtypes.float16 else dtype.np
    if len(shape) < 2 or numel_of(shape) < 1 << 20:
        return np.array(_plain(data), dtype=built).astype(dtype.np, copy=False)
    out = np.empty(shape, dtype=built)
    for i, row in enumerate(data):
        out[i] = _plain(row)
    return out.astype(dtype.np, copy=False)


def _plain(data):
    """Nested data with tensors replaced by nested lists, for np.array."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        return [_plain(x) for x in data]
    return list(data) if isinstance(data, range) else data


def _from_data(data, dtype) -> np.ndarray:
    if isinstance(data, Tensor):
        return rounding.cast(data._data, (dtype or data.dtype).np)
    if isinstance(data, np.ndarray):
        if dtype is None:
            dtype = dtypes.from_numpy_dtype(data.dtype)
        return rounding.cast(data, dtype.np)
    if isinstance(data, int) and not isinstance(data, bool) and not -2 ** 63 <= data < 2 ** 64:
        raise ValueError("Overflow when unpacking long long")
    if isinstance(data, (bool, numbers.Number, np.generic)):
        target = dtype or (dtypes.from_numpy_dtype(data.dtype) if isinstance(data, np.generic) else _infer_dtype(data))
        return np.array(rounding.scalar(data, target.np), dtype=target.np)
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
    t = wrap(np.full(shape, rounding.scalar(value, dtype.np), dtype=dtype.np))
    if requires_grad:
        _require_grad(t)
    return t


def _require_grad(t: Tensor) -> None:
    """requires_grad=True at creation, with the message PyTorch gives there."""
    if t.dtype.category < dtypes.FLOAT:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    t.requires_grad = True


def size_argument(sizes: tuple, size, op_name: str) -> tuple:
    """The shape of f(2, 3), f((2, 3)) or f(size=(2, 3)): PyTorch's factories take their size
    as varargs or as a `size` keyword, not both."""
    if size is not None:
        if sizes:
            raise TypeError(f"{op_name}() got multiple values for argument 'size'")
        if not isinstance(size, (list, tuple)):
            raise TypeError(f"{op_name}(): argument 'size' must be tuple of ints, not {type(size).__name__}")
        sizes = (size,)
    elif not sizes:
        raise TypeError(f'{op_name}() missing 1 required positional arguments: "size"')
    return parse_size(sizes, op_name)


@op("creation", variants="function", out="factory")
def zeros(*sizes, size=None, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros of the given size: zeros(2, 3), zeros((2, 3)) or zeros(size=(2, 3))."""
    dims = sizes if size is None else (size,)
    if len(dims) == 1 and isinstance(dims[0], (list, tuple)):
        dims = dims[0]
    if any(isinstance(d, int) and d < 0 for d in dims):
        raise RuntimeError("zeros: Dimension size must be non-negative.")  # its own message, not parse_size's
    return _filled(size_argument(sizes, size, "zeros"), 0, dtype, requires_grad, device, "zeros")


@op("creation", variants="function", out="factory")
def ones(*sizes, size=None, dtype=None, device=None, requires_grad=False):
    """A tensor of ones of the given size: ones(2, 3), ones((2, 3)) or ones(size=(2, 3))."""
    return _filled(size_argument(sizes, size, "ones"), 1, dtype, requires_grad, device, "ones")


@op("creation", variants="function", out="resize")
def empty(*sizes, size=None, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor of the given size (tensorsh fills it with zeros)."""
    return _filled(size_argument(sizes, size, "empty"), 0, dtype, requires_grad, device, "empty")


@op("creation", variants="function", out="factory")
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
    t = wrap(np.full(input._data.shape, rounding.scalar(value, dtype.np), dtype=dtype.np))
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
def new_zeros(self, *sizes, size=None, dtype=None, device=None, requires_grad=False):
    """Zeros of the given size with self's dtype."""
    return _filled(size_argument(sizes, size, "new_zeros"), 0, dtype or self.dtype, requires_grad, device)


@op("creation", variants="method")
def new_ones(self, *sizes, size=None, dtype=None, device=None, requires_grad=False):
    """Ones of the given size with self's dtype."""
    return _filled(size_argument(sizes, size, "new_ones"), 1, dtype or self.dtype, requires_grad, device)


@op("creation", variants="method")
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """fill_value in the given size with self's dtype."""
    return _filled((size,), fill_value, dtype or self.dtype, requires_grad, device)


@op("creation", variants="method")
def new_empty(self, *sizes, size=None, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor of the given size with self's dtype (zeros in tensorsh)."""
    return _filled(size_argument(sizes, size, "new_empty"), 0, dtype or self.dtype, requires_grad, device)


# ================================================================ ranges
#
# PyTorch fills ranges in its own rounding, which shows in the digits `.item()` prints
# (torch.arange(0, 1, 0.02)[9] is 0.17999999225139618, not float32(0.18)). From
# aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp and native/RangeFactories.cpp, checked
# bit for bit against PyTorch 2.13 on x86-64 (scripts/check_ranges.py):
#
# - arange works in the accumulate type (float64 for float32 and float64, float32 for
#   float16, int64 for integers) and computes start + step * i as one fused multiply-add
#   (the kernel is compiled with FMA). Each thread's share (summation.thread_ranges) runs
#   through the AVX2 kernel (AVX-512 machines run it too), two 32-byte vectors at a time: a
#   vector's base is start + step * i rounded to the tensor's dtype, and its lane j is
#   base + j * step, fused and rounded again. The elements after the last pair of vectors
#   are start + step * i.
# - range, deprecated, is a plain loop in the accumulate type: start + i * step, not fused.
# - linspace is a plain loop in the tensor's dtype (float64 for integers, truncated at the
#   end; float16 rounding after every operation, as c10::Half does): start + step * i,
#   fused, for the first half, end - step * (steps - 1 - i) for the second.


def _number(x, name, op_name="arange"):
    if isinstance(x, Tensor):
        return x.item()
    if isinstance(x, np.generic):
        return x.item()
    if not isinstance(x, numbers.Number) or isinstance(x, complex):
        raise TypeError(f"{op_name}(): argument '{name}' must be Number, not {type(x).__name__}")
    return x


def _accumulate_type(dtype: dtypes.dtype):
    """at::acc_type on the CPU, for the range kernels."""
    if dtype.category <= dtypes.INT:
        return np.int64
    return np.float32 if dtype is dtypes.float16 else np.float64


def _range_bounds(start, end, step, dtype: dtypes.dtype, kernel: str) -> tuple:
    """start, end and step in the accumulate type (integers truncated), after PyTorch's checks,
    which see them as given (a step of 0.5 is not zero, though an integer range truncates it)."""
    if dtype.category == dtypes.BOOL:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if any(not math.isfinite(v) for v in (start, end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    acc = _accumulate_type(dtype)
    if acc is np.int64:
        return int(start), int(end), int(step)
    return acc(start), acc(end), acc(step)


def _arange_values(start, step, n: int, dtype: dtypes.dtype) -> np.ndarray:
    """arange's n values, rounded as PyTorch's vectorised kernel rounds them (see above)."""
    acc = _accumulate_type(dtype)
    if acc is np.int64:
        return (start + step * np.arange(n, dtype=np.int64)).astype(dtype.np)
    lanes = VECTOR_BYTES // dtype.itemsize
    vectors, scalars = [], []  # the first index of each vector, the indices computed one by one
    for begin, end in thread_ranges(n):
        split = begin + (end - begin) // (2 * lanes) * (2 * lanes)
        vectors.append(np.arange(begin, split, lanes))
        scalars.append(np.arange(split, end))
    vectors, scalars = np.concatenate(vectors), np.concatenate(scalars)
    multiply_add = _plain_multiply_add if _exact_multiples(step, max(n, lanes), acc) else fma
    direct = multiply_add(np.concatenate([vectors, scalars]).astype(acc), step, start).astype(dtype.np)
    out = np.empty(n, dtype.np)
    out[scalars] = direct[len(vectors):]
    if len(vectors):
        lane = np.arange(lanes)
        bases = direct[:len(vectors), None].astype(acc)
        lanes_of = np.broadcast_to(lane.astype(acc), (len(vectors), lanes))  # fma's result takes this shape
        out[vectors[:, None] + lane] = multiply_add(lanes_of, step, bases)
    return out


def _exact_multiples(step, count: int, acc) -> bool:
    """Whether step * i is exact in acc for every integer i < count (a step of 0.5 or 3, not
    0.1): then a fused multiply-add rounds as the plain one does, at a fraction of the cost."""
    numerator = abs(float(step)).as_integer_ratio()[0]
    if numerator == 0:
        return True
    significand = numerator // (numerator & -numerator)  # without the trailing zero bits
    return significand.bit_length() + (count - 1).bit_length() <= np.finfo(acc).nmant + 1


def _plain_multiply_add(x, y, z) -> np.ndarray:
    return x * y + z


def _made_range(values: np.ndarray, requires_grad: bool) -> Tensor:
    t = wrap(values)
    if requires_grad:
        _require_grad(t)
    return t


@op("creation", variants="function", out="arange")
def arange(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Values from start (inclusive) to end (exclusive) spaced by step."""
    if device is not None:
        check_device(device)
    if end is None:
        start, end = 0, start
    start, end, step = _number(start, "start"), _number(end, "end"), _number(step, "step")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.get_default_dtype() if is_float else dtypes.int64
    dtype = dtypes.to_dtype(dtype)
    xstart, xend, xstep = _range_bounds(start, end, step, dtype, "arange_cpu")
    if dtype is dtypes.int64:
        # In int64 itself, which holds more than a double (the other dtypes size in double).
        if xstep == 0:
            raise ValueError("step must be nonzero")
        sign = (xstep > 0) - (xstep < 0)
        n = (xend - xstart + xstep - sign) // xstep
    else:
        n = math.ceil((float(end) - float(start)) / float(step))
    check_allocation((n,), dtype)
    return _made_range(_arange_values(xstart, xstep, n, dtype), requires_grad)


@op("creation", variants="function", name="range", out="range")
def range_(start, end, step=1, *, dtype=None, device=None, requires_grad=False):
    """Deprecated: values from start to end, both included, spaced by step (arange excludes end)."""
    warn("torch.range is deprecated and will be removed in a future release because its behavior is inconsistent "
         "with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).")
    if device is not None:
        check_device(device)
    start, end, step = (_number(v, name, "range") for v, name in ((start, "start"), (end, "end"), (step, "step")))
    dtype = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    xstart, xend, xstep = _range_bounds(start, end, step, dtype, "range_cpu")
    acc = _accumulate_type(dtype)
    if acc is np.int64 and xstep == 0:
        raise ValueError("step must be nonzero")  # PyTorch divides by zero: its process dies of SIGFPE
    n = int((xend - xstart) // xstep + 1) if acc is np.int64 else int((xend - xstart) / xstep + acc(1))
    check_allocation((n,), dtype)
    return _made_range((xstart + np.arange(n).astype(acc) * xstep).astype(dtype.np), requires_grad)


range_.__name__ = range_.__qualname__ = "range"  # as TypeErrors name it


def _linspace_values(start, end, steps: int, dtype: dtypes.dtype) -> np.ndarray:
    """linspace's values, rounded as PyTorch's loop rounds them (see above)."""
    if dtype is dtypes.float16:
        return _half_linspace(start, end, steps)
    if dtype.category <= dtypes.INT:
        start, end = float(int(start)), float(int(end))  # converted to the dtype first
    work = np.float64 if dtype.category <= dtypes.INT else dtype.np.type
    start, end = work(start), work(end)
    if steps == 1:
        return np.array([start]).astype(dtype.np)
    step = (end - start) / work(steps - 1)
    half = steps // 2
    # No fused multiply-add to emulate for complex numbers, nor where the products are exact.
    plain = dtype.category == dtypes.COMPLEX or _exact_multiples(step, steps, work)
    multiply_add = _plain_multiply_add if plain else fma
    values = np.concatenate([multiply_add(np.arange(half).astype(work), step, start),
                             multiply_add(-np.arange(steps - half - 1, -1, -1).astype(work), step, end)])
    return (np.trunc(values) if dtype.category <= dtypes.INT else values).astype(dtype.np)


def _half_linspace(start, end, steps: int) -> np.ndarray:
    """float16 linspace: c10::Half computes each operation in float32 and rounds to float16,
    the integer operands included."""
    f, h = np.float32, np.float16
    start, end = h(f(start)), h(f(end))  # a double reaches c10::Half through float, rounding twice
    if steps == 1:
        return np.array([start])
    step = h(f(h(f(end) - f(start))) / f(h(f(steps - 1))))
    i = np.arange(steps)

    def times_step(k):
        return h(f(step) * k.astype(f).astype(h).astype(f)).astype(f)

    return np.where(i < steps // 2, (f(start) + times_step(i)).astype(h), (f(end) - times_step(steps - 1 - i)).astype(h))


@op("creation", variants="function", out="range")
def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    """`steps` values evenly spaced from start to end, both included."""
    start, end = _number(start, "start", "linspace"), _number(end, "end", "linspace")
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    check_allocation((steps,), dtypes.float64)
    return _made_range(_linspace_values(start, end, steps, dtype), requires_grad)


def _c_power(base: float, exponents: np.ndarray) -> np.ndarray:
    """C's pow(base, x) for each x in float64, as PyTorch's logspace loop calls it. NumPy's SIMD
    power is an ulp away from it for most float64 ranges, so the finite results come from
    Python's math.pow, which is C's."""
    out = np.power(base, exponents)
    finite = np.isfinite(out) & (out != 0)
    out[finite] = _math_power(base, exponents[finite]).astype(np.float64)
    return out


def _power_or_overflow(base: float, x: float) -> float:
    try:
        return math.pow(base, x)
    except OverflowError:  # C's pow gives inf there
        return math.copysign(math.inf, base) if x.is_integer() and x % 2 else math.inf


_math_power = np.frompyfunc(_power_or_overflow, 2, 1)


@op("creation", variants="function", out="range")
def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    """`steps` values from base**start to base**end, evenly spaced on a log scale.

    PyTorch's loop (native/RangeFactories.cpp) converts start and end to the dtype, spaces the
    exponents in float64 like linspace (from start for the first half, from end for the second;
    plain, not fused), and rounds pow(base, exponent) to the dtype; integer dtypes take the
    base in float32."""
    start, end = _number(start, "start", "logspace"), _number(end, "end", "logspace")
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"logspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if dtype.category == dtypes.BOOL:
        raise NotImplementedError("\"logspace_cpu\" not implemented for 'Bool'")
    check_allocation((steps,), dtypes.float64)
    if steps == 1:
        values = _c_power(float(base), np.array([float(start)]))
    else:
        if dtype.category <= dtypes.INT:
            first, last, base = int(start), int(end), float(np.float32(base))
            step = float(last - first) / (steps - 1)
        else:
            work = np.float32 if dtype is dtypes.float16 else dtype.np.type  # a double reaches float16 through float
            first, last = (dtype.np.type(work(v)) for v in (start, end))
            step = float(last - first) / (steps - 1)  # the difference in the dtype, the rest in float64
            first, last = float(first), float(last)
        half = steps // 2
        exponents = np.concatenate([first + step * np.arange(half), last - step * np.arange(steps - half - 1, -1, -1)])
        values = _c_power(float(base), exponents)
    if dtype is dtypes.float16:
        values = values.astype(np.float32)  # C++ converts a double to c10::Half through float
    return _made_range(values.astype(dtype.np), requires_grad)


@op("creation", variants="function", out="factory")
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
