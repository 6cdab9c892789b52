"""Indexing: `t[...]`, `t[...] = v`, and the gather / scatter / mask family.

`t[idx]` follows PyTorch, not NumPy, where the two differ: ints, slices and None are
applied first, one dimension at a time, and give a view (SelectBackward0,
SliceBackward0, UnsqueezeBackward0); only then are the tensor, list and bool-mask
indices applied together, as NumPy's advanced indexing does, giving a copy
(IndexBackward0). So `x[0, :, [0, 1]]` keeps the slice's dimension first, where NumPy
would move the list's dimension to the front.

Two primitives carry every gradient here: `take_at(t, key)` reads `t._data[key]`, and
`put_at(g, shape, key)` is its adjoint, adding g into zeros at key (np.add.at, so
repeated indices accumulate). Each one's backward is the other, so gradients of
gradients work.
"""

from __future__ import annotations

import numpy as np

from .. import autograd, dtypes, limits, rounding
from ..autograd import record
from ..tensor import Tensor, _view, synced, wrap, wrap_dim
from ..views import indexable, positions_in, propagate_to_base, put_at, rebase, take_at, view_at
from .common import (LEAF_INPLACE, OVERLAP, SCALAR_TYPES, broadcast_result, broadcast_shapes, check_inplace, numel_of,
                     tensor_arg)
from .registry import op
from .shape import expand, expand_error

VIEW_OF_LEAF = "a view of a leaf Variable that requires grad is being used in an in-place operation."
PARTIAL_OVERLAP = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
    "memory location. Please clone() the tensor before performing the operation."
)

# C++ spellings PyTorch uses in some messages (masked_fill's mask dtype, scalar overflow).
_CPP_NAMES = {
    "bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
    "int32": "int", "int64": "long int", "float16": "c10::Half", "float32": "float", "float64": "double",
    "complex64": "c10::complex<float>", "complex128": "c10::complex<double>",
}
_SCALAR_TYPE_NAMES = {
    "bool": "bool", "uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
    "int64": "int64_t", "float16": "double", "float32": "float", "float64": "double",
}


def scalar_for(value, dtype: dtypes.dtype) -> np.ndarray:
    """A Python number as a 0-dim array of dtype, refusing what PyTorch refuses as overflow."""
    if isinstance(value, np.generic):
        value = value.item()
    kind = dtype.np.kind
    if kind in "cb":
        return rounding.cast(np.asarray(value), dtype.np)
    fits = True
    if isinstance(value, complex):
        fits, value = value.imag == 0, value.real
    if kind in "iu":
        info = np.iinfo(dtype.np)
        if isinstance(value, float):
            # Floats are truncated, but must be finite and in range (negative never, for unsigned).
            fits = fits and value == value and info.min <= value <= info.max and not (kind == "u" and value < 0)
        else:
            # Python ints wrap modulo 2**bits, down to -max for unsigned types, as c10 allows.
            low = -info.max if kind == "u" else info.min
            fits = fits and low <= value <= info.max
    elif dtype.np == np.float32 and isinstance(value, (int, float)) and value == value:
        fits = fits and (abs(value) <= np.finfo(np.float32).max or abs(value) == float("inf"))
    if fits and isinstance(value, int) and not -2**63 <= value < 2**63:
        fits = False
    if not fits:
        raise RuntimeError(f"value cannot be converted to type {_SCALAR_TYPE_NAMES[dtype.name]} without overflow")
    if kind == "u" and isinstance(value, int) and value < 0:
        value += int(np.iinfo(dtype.np).max) + 1
    return rounding.cast(np.asarray(value), dtype.np)


# ================================================================ parsing an index


class _Index:
    """An index parsed the way PyTorch reads it.

    basic: the NumPy key of ints, slices and None applied first (a view);
    advanced: (dim in that view, kind, array) for tensor/list/mask indices;
    last: the kind of the last basic step, which names the view's grad_fn.
    """

    __slots__ = ("basic", "advanced", "last", "trivial")

    def __init__(self):
        self.basic = []
        self.advanced = []
        self.last = None
        self.trivial = True  # the basic part selects the whole tensor, unchanged


def _index_items(index) -> tuple:
    if type(index) is tuple:
        return index
    if isinstance(index, list) and _list_is_tuple(index):
        # PyTorch's legacy rule: a list holding slices, None, ... or sequences is a tuple.
        return tuple(index)
    return (index,)


def _list_is_tuple(items: list) -> bool:
    if len(items) >= 32:
        return False
    return any(isinstance(i, (Tensor, list, tuple, slice, np.ndarray, str, bytes)) or i is None or i is Ellipsis
               for i in items)


def _bad_index(item):
    if isinstance(item, (str, bytes)):
        # PyTorch tries to read strings as a sequence for a tensor index.
        raise TypeError(f"new(): invalid data type '{type(item).__name__}'")
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
        f"(got {type(item).__name__})"
    )


def _as_index_array(item) -> np.ndarray:
    """A tensor, list or array used as an index, as a NumPy int64 or bool array."""
    if isinstance(item, Tensor):
        a = item._data
    else:
        try:
            a = np.asarray(item)
        except ValueError:
            _bad_index(item)
        if a.dtype == object:
            _bad_index(item)
        if a.dtype.kind == "f" or a.size == 0:
            a = a.astype(np.int64)  # PyTorch turns index lists into long tensors
    kind = a.dtype.kind
    if kind == "b":
        return a
    if a.dtype == np.uint8:  # deprecated byte masks
        return a.astype(bool)
    if a.dtype in (np.int64, np.int32):
        return a
    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


def _slice_of(item: slice, size: int) -> slice:
    step = item.step
    if step is not None:
        step = _index_int(step)
        if step == 0:
            raise ValueError("slice step cannot be zero")
        if step < 0:
            raise ValueError("step must be greater than zero")
    start = None if item.start is None else _index_int(item.start)
    stop = None if item.stop is None else _index_int(item.stop)
    return slice(start, stop, step)


def _index_int(x) -> int:
    if type(x) is int:
        return x
    try:
        return x.__index__()
    except (AttributeError, TypeError):
        raise TypeError("slice indices must be integers or None or have an __index__ method") from None


def _is_full(s: slice, size: int) -> bool:
    """PyTorch's test for a slice it skips: written from 0, to at least the end, step 1 (before clamping)."""
    return (s.start or 0) == 0 and (s.stop is None or s.stop >= size) and (s.step or 1) == 1


def parse_index(shape: tuple, index) -> _Index:
    """Read an index against a tensor of `shape`, with PyTorch's errors."""
    items = _index_items(index)
    ndim = len(shape)
    parsed = []
    consumed = 0
    for item in items:
        if item is None or item is Ellipsis:
            parsed.append((item, None))
        elif isinstance(item, bool) or isinstance(item, np.bool_):
            parsed.append(("bool", bool(item)))
        elif isinstance(item, (int, np.integer)):
            parsed.append(("int", int(item)))
            consumed += 1
        elif isinstance(item, slice):
            parsed.append(("slice", item))
            consumed += 1
        elif isinstance(item, (Tensor, list, tuple, np.ndarray)):
            try:
                a = _as_index_array(item)
            except (IndexError, TypeError) as exc:
                parsed.append(("bad", exc))  # raised after the count check, as PyTorch orders them
                consumed += 1
                continue
            if a.ndim == 0:
                if a.dtype == np.bool_:
                    parsed.append(("bool", bool(a)))
                else:
                    parsed.append(("int", int(a)))
                    consumed += 1
            elif a.dtype == np.bool_:
                parsed.append(("mask", a))
                consumed += a.ndim
            else:
                parsed.append(("array", a))
                consumed += 1
        else:
            try:
                _bad_index(item)
            except (IndexError, TypeError) as exc:
                parsed.append(("bad", exc))
                consumed += 1
    if consumed > ndim:
        if ndim == 0 and isinstance(index, (int, np.integer)) and not isinstance(index, bool):
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ "
                "to convert a 0-dim tensor to a number"
            )
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    for kind, value in parsed:
        if kind == "bad":
            raise value
    # A full slice inside a tuple is skipped (no grad_fn of its own); a bare `x[:]` is still a slice.
    bare_slice = type(index) is slice

    result = _Index()
    basic = result.basic
    src = view = 0  # the dimension in the input and in the view being built
    ellipsis_seen = False
    for position, (kind, value) in enumerate(parsed):
        if kind is None:
            basic.append(None)
            result.last, result.trivial = "none", False
            view += 1
        elif kind is Ellipsis:
            if ellipsis_seen:
                continue
            ellipsis_seen = True
            k = ndim - consumed
            basic.extend([slice(None)] * k)
            src += k
            view += k
        elif kind == "int":
            size = shape[src]
            if not -size <= value < size:
                # PyTorch names the position in the index, not the tensor's dimension.
                raise IndexError(f"index {value} is out of bounds for dimension {position} with size {size}")
            basic.append(value)
            result.last, result.trivial = "int", False
            src += 1
        elif kind == "slice":
            s = _slice_of(value, shape[src])
            basic.append(s)
            if not _is_full(s, shape[src]):
                result.trivial = False
                result.last = "slice"
            elif bare_slice:
                result.last = "slice"
            src += 1
            view += 1
        elif kind == "bool":
            # True / False: a new dimension of size 1, indexed by [0] or by [].
            basic.append(None)
            result.trivial = False
            result.advanced.append((view, "array", np.zeros(1 if value else 0, dtype=np.int64)))
            view += 1
        elif kind == "mask":
            basic.extend([slice(None)] * value.ndim)
            result.advanced.append((view, "mask", value))
            src += value.ndim
            view += value.ndim
        else:
            basic.append(slice(None))
            result.advanced.append((view, "array", value))
            src += 1
            view += 1
    return result


def indexed_shape(shape: tuple, advanced: list) -> tuple:
    """The shape advanced indexing gives, before any index is checked against its dimension."""
    dims, arrays = [], []
    for dim, kind, a in advanced:
        if kind == "mask":
            dims.extend(range(dim, dim + a.ndim))
            arrays.append((int(np.count_nonzero(a)),))
        else:
            dims.append(dim)
            arrays.append(a.shape)
    try:
        middle = np.broadcast_shapes(*arrays)
    except ValueError:
        shapes = ", ".join(str(list(a)) for a in arrays)
        raise IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}") from None
    rest = [n for i, n in enumerate(shape) if i not in dims]
    if dims == list(range(dims[0], dims[0] + len(dims))):  # adjacent: the result stays in place
        return tuple(rest[:dims[0]]) + middle + tuple(rest[dims[0]:])
    return middle + tuple(rest)


def advanced_key(shape: tuple, advanced: list, before_bounds=None) -> tuple:
    """The NumPy key applying the advanced indices to a view of `shape`, with PyTorch's errors.

    before_bounds, if given, runs where PyTorch makes its next checks (index_put_'s value
    shape): after the broadcast and empty-dimension checks, before the range checks.
    """
    key = [slice(None)] * len(shape)
    checks = []  # (array, size of its dimension, its number among the indexed dimensions)
    for dim, kind, a in advanced:
        if kind == "mask":
            for j in range(a.ndim):
                if a.shape[j] != shape[dim + j]:
                    raise IndexError(
                        f"The shape of the mask {list(a.shape)} at index {j} does not match the shape of the "
                        f"indexed tensor {list(shape)} at index {dim + j}"
                    )
            for j, nz in enumerate(np.nonzero(a)):
                key[dim + j] = nz
                checks.append((nz, None, 0))
            continue
        key[dim] = a
        checks.append((a, shape[dim], len(checks)))
    try:
        result = checks[0][0].shape if len(checks) == 1 else np.broadcast_shapes(*(a.shape for a, _, _ in checks))
    except ValueError:
        shapes = ", ".join(str(list(a.shape)) for a, _, _ in checks)
        raise IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}") from None
    for a, size, _ in checks:
        if size == 0 and numel_of(result):
            raise IndexError("index is out of bounds for dimension with size 0")
    if before_bounds is not None:
        before_bounds()
    rest = numel_of(n for n, k in zip(shape, key) if isinstance(k, slice))
    if not numel_of(result) or not rest:
        # Nothing is read when the result is empty, so nothing is out of range; NumPy checks anyway,
        # so give it indices it accepts.
        return tuple(_harmless(k, result, n) if isinstance(k, np.ndarray) else k for k, n in zip(key, shape))
    for a, size, position in checks:
        if size is None or not a.size:
            continue
        bad = (a < -size) | (a >= size)
        if bad.any():
            value = a.reshape(-1)[np.argmax(bad.reshape(-1))]
            raise IndexError(f"index {value} is out of bounds for dimension {position} with size {size}")
    return tuple(key)


def _harmless(a: np.ndarray, result: tuple, size: int) -> np.ndarray:
    """An index array NumPy accepts, for results that read nothing (so nothing can be out of range)."""
    if not numel_of(result):
        return np.broadcast_to(a, result)
    return np.where((a < -size) | (a >= size), 0, a)


def _basic_view(self, index: tuple):
    """t[1:, :2] and the like without the general parser, when no grad_fn must be named.

    Only in-range ints and positive-step slices, no more of them than dimensions;
    anything else returns None and goes through parse_index and its errors.
    """
    shape = self._data.shape
    if len(index) > len(shape):
        return None
    for item, size in zip(index, shape):
        kind = type(item)
        if kind is slice:
            if item.step is not None and (type(item.step) is not int or item.step <= 0):
                return None
            if (item.start is not None and type(item.start) is not int) or (
                    item.stop is not None and type(item.stop) is not int):
                return None
        elif kind is not int or not -size <= item < size:
            return None
    # The trailing Ellipsis keeps an all-int index a 0-dim view instead of a NumPy scalar.
    return _view(self, self._data[index + (Ellipsis,)])


_VIEW_NAMES = {"int": "SelectBackward0", "slice": "SliceBackward0", "none": "UnsqueezeBackward0", None: "AliasBackward0"}


# ================================================================ t[idx]


@op("indexing", variants="", operators=("__getitem__",), grad_fn=("AliasBackward0", "IndexBackward0", "SelectBackward0", "SliceBackward0", "UnsqueezeBackward0"))
def getitem(self, index):
    """self[index]: ints, slices, ..., None, int/bool tensors and lists, as PyTorch indexes."""
    # The common cases first: they are most of all indexing and need no parsing.
    if type(index) is int:
        shape = self._data.shape
        if not shape:
            parse_index(shape, index)  # raises PyTorch's 0-dim error
        if not -shape[0] <= index < shape[0]:
            raise IndexError(f"index {index} is out of bounds for dimension 0 with size {shape[0]}")
        return view_at(self, (index,), "SelectBackward0")
    if type(index) is tuple and not (autograd._grad_enabled and (
            self._requires_grad if self._view_version is None else synced(self)._requires_grad)):
        fast = _basic_view(self, index)
        if fast is not None:
            return fast
    if type(index) is Tensor and index._data.ndim and self._data.ndim:
        a = index._data
        if a.dtype == np.int64 or a.dtype == np.int32:
            return take_at(self, advanced_key(self._data.shape, [(0, "array", a)]))
        if a.dtype == np.bool_ and a.ndim <= self._data.ndim:
            return take_at(self, advanced_key(self._data.shape, [(0, "mask", a)]))
    parsed = parse_index(self._data.shape, index)
    basic = tuple(parsed.basic)
    if not parsed.advanced:
        return view_at(self, basic, _VIEW_NAMES[parsed.last])
    base = self if parsed.trivial else view_at(self, basic, _VIEW_NAMES[parsed.last])
    return take_at(base, advanced_key(base._data.shape, parsed.advanced))


# ================================================================ t[idx] = value


def _value_array(self: Tensor, value, advanced: bool):
    """The value of an index assignment as an array of self's dtype, and its tensor (or None)."""
    dtype = self.dtype
    if isinstance(value, Tensor):
        a = value._data
        if advanced and a.dtype != self._data.dtype:
            raise RuntimeError(
                f"Index put requires the source and destination dtypes match, got {dtype.scalar_name} for the "
                f"destination and {value.dtype.scalar_name} for the source."
            )
        if a.dtype != self._data.dtype:
            a = np.real(a) if a.dtype.kind == "c" and dtype.category != dtypes.COMPLEX else a
            a = rounding.cast(a, self._data.dtype)
        return a, value
    if isinstance(value, SCALAR_TYPES):
        return scalar_for(value, dtype), None
    raise TypeError(f"can't assign a {type(value).__name__} to a {self.type()}")


def _strip_leading_ones(shape: tuple) -> tuple:
    i = 0
    while i < len(shape) and shape[i] == 1:
        i += 1
    return shape[i:]


def _single_mask(advanced: list) -> bool:
    return len(advanced) == 1 and advanced[0][1] == "mask"


def _check_value_shape(value_shape: tuple, target: tuple, advanced: bool, dtype) -> tuple:
    """The value's shape without leading 1s, checked to broadcast to the target region."""
    stripped = _strip_leading_ones(value_shape)
    fits = len(stripped) <= len(target) and all(
        v == 1 or v == t for v, t in zip(stripped, target[len(target) - len(stripped):]))
    if fits:
        return stripped
    if advanced:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(stripped)} cannot be broadcast to indexing result "
            f"of shape {list(target)}"
        )
    raise expand_error(dtype, stripped, target)


def _write(self: Tensor, dst: np.ndarray, src, src_tensor) -> None:
    """dst[...] = src, where dst views self's memory, with PyTorch's memory-overlap errors."""
    if src_tensor is not None and np.may_share_memory(dst, src):
        same = (dst.__array_interface__["data"][0] == src.__array_interface__["data"][0]
                and dst.strides == src.strides and dst.shape == src.shape)
        if same:
            return
        if dst.flags.c_contiguous and src.flags.c_contiguous:
            raise RuntimeError(PARTIAL_OVERLAP)
        src = src.copy()
    if not dst.flags.writeable:
        # A region of an expanded tensor: writable unless one memory location appears twice in it.
        root = self._base if self._base is not None else self
        overlap = any(stride == 0 and n > 1 for n, stride in zip(dst.shape, dst.strides))
        positions = None if overlap or not root._data.flags.writeable else positions_in(root._data, dst)
        if positions is None:
            raise RuntimeError(OVERLAP)
        root._data[positions] = np.broadcast_to(src, dst.shape)
        return
    dst[...] = src


@op("indexing", variants="", operators=("__setitem__",), grad_fn=("CopyBackwards", "CopySlices", "FillBackward3", "IndexPutBackward0"))
def setitem(self, index, value):
    """self[index] = value: write value (a number or a broadcastable tensor) into the indexed elements."""
    if index is False:
        return  # PyTorch writes nothing (and checks nothing) for a bare False
    value_t = value if isinstance(value, Tensor) else None
    if value_t is None and not isinstance(value, SCALAR_TYPES):
        kind = type(value)
        name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        raise TypeError(f"can't assign a {name} to a {self.type()}")
    parsed = parse_index(self._data.shape, index)
    basic = tuple(parsed.basic) + (Ellipsis,)
    region = self._data[basic]
    if not parsed.advanced:
        # A view, then copy_: shape errors come before autograd's checks, as in PyTorch.
        array, _ = _value_array(self, value, False)
        stripped = _check_value_shape(array.shape, region.shape, False, (self if value_t is None else value_t).dtype)
        recorded = _check_setitem(self, value_t, parsed.trivial)
        _write(self, region, array.reshape(stripped), value_t)
        adv_key = None
    else:
        # index_put_: autograd's checks come first, then the kernel's.
        recorded = _check_setitem(self, value_t, parsed.trivial)
        value_shape = value_t._data.shape if value_t is not None else ()
        checked = []

        def check_value():
            target = indexed_shape(region.shape, parsed.advanced) if value_shape else ()
            checked.append(_check_value_shape(value_shape, target, True, self.dtype))

        adv_key = advanced_key(region.shape, parsed.advanced, check_value)
        stripped = checked[0]
        if value_t is not None and value_t._data.size == 1 and _single_mask(parsed.advanced):
            # PyTorch fills through one mask with value.item(), whatever the value's dtype.
            array = scalar_for(value_t._data.reshape(()).item(), self.dtype).reshape(value_shape)
        else:
            array, _ = _value_array(self, value, True)
        if value_t is not None and np.may_share_memory(region, array):
            array = array.copy()
        try:
            region[adv_key] = array.reshape(stripped)
        except ValueError:
            if not region.flags.writeable:
                raise RuntimeError(OVERLAP) from None
            raise
    self._version[0] += 1
    if recorded:
        _record_setitem(self, parsed, basic, adv_key, value_t, stripped, region.shape)


def _check_setitem(self: Tensor, value_t, whole: bool) -> bool:
    """Refuse writes autograd cannot follow, with PyTorch's messages; return whether to record."""
    if not autograd._grad_enabled:
        return False
    if synced(self)._requires_grad:
        if self._grad_fn is None:
            is_view = self._base is not None or not whole
            raise RuntimeError(VIEW_OF_LEAF if is_view else LEAF_INPLACE)
        base = self._base
        if base is not None and base._requires_grad and base._grad_fn is None:
            raise RuntimeError(VIEW_OF_LEAF)
        return True
    return value_t is not None and synced(value_t)._requires_grad


def _record_setitem(self, parsed, basic, adv_key, value_t, stripped, region_shape):
    """Put `self[idx] = value` on the tape: old self gets g zeroed at idx, value gets g[idx]."""
    keep = np.ones(self._data.shape, dtype=np.bool_)
    region = keep[basic]
    if adv_key is None:
        region[...] = False
    else:
        region[adv_key] = False
    keep_t = wrap(keep)
    value_shape = value_t._data.shape if value_t is not None else None

    def backward(g):
        g_self = g * keep_t
        if value_shape is None:
            return g_self, None
        g_region = g if parsed.trivial and adv_key is None else take_at(g, basic)
        if adv_key is not None:
            g_region = take_at(g_region, adv_key)
        return g_self, g_region.sum_to_size(stripped).reshape(value_shape)

    if parsed.advanced:
        name = "IndexPutBackward0" if parsed.trivial else "CopySlices"
    elif parsed.trivial:
        # PyTorch's copy_to: copy_ for equal shapes, fill_ for a 0-dim value, copy_ otherwise.
        value_shape = value_t._data.shape if value_t is not None else ()
        name = "FillBackward3" if value_shape == () and region_shape != () else "CopyBackwards"
    else:
        name = "CopySlices"
    rebase(self, name, (self, value_t), backward)
    propagate_to_base(self)


@op("indexing", grad_fn="IndexPutBackward0")
def index_put(input, indices, values, accumulate=False):
    """A copy of input with values written (or added, if accumulate) at the positions indices name."""
    out = input.clone() if isinstance(input, Tensor) else tensor_arg(input)
    return index_put_(out, indices, values, accumulate)


@op("indexing", variants="method")
def index_put_(self, indices, values, accumulate=False):
    """Write values (or add them, if accumulate) at the positions the tuple of index tensors names, in place."""
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    indices = tuple(indices)
    if not accumulate:
        setitem(self, tuple(i if i is not None else slice(None) for i in indices), values)
        return self
    parsed = parse_index(self._data.shape, tuple(i if i is not None else slice(None) for i in indices))
    key = advanced_key(self._data.shape, parsed.advanced) if parsed.advanced else tuple(parsed.basic)
    array, value_t = _value_array(self, values, True)
    target_shape = np.empty(self._data.shape, dtype=np.bool_)[key].shape
    stripped = _check_value_shape(array.shape, target_shape, True, self.dtype)
    recorded = check_inplace(self, values)
    np.add.at(self._data, key, np.broadcast_to(array.reshape(stripped), target_shape))
    self._version[0] += 1
    if recorded:
        shape = values._data.shape
        rebase(self, "IndexPutBackward0", (self, values),
               lambda g: (g, take_at(g, key).sum_to_size(stripped).reshape(shape)))
        propagate_to_base(self)
    return self


# ================================================================ selecting along a dimension


def _index_tensor(index, op_name: str, message: str | None = None) -> np.ndarray:
    if not isinstance(index, Tensor):
        raise TypeError(f"{op_name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    a = index._data
    if a.dtype not in (np.int64, np.int32):
        raise RuntimeError(message or f"{op_name}(): Expected dtype int32/int64 for index")
    return a


def _along(dim: int, ndim: int, index: np.ndarray) -> tuple:
    """The key selecting `index` along dim and everything along the other dimensions."""
    return (slice(None),) * dim + (index,) + (slice(None),) * (ndim - dim - 1)


@op("indexing", grad_fn="IndexSelectBackward0")
def index_select(input, dim, index):
    """The slices of input at the given positions along dim (a copy)."""
    tensor_arg(input)
    idx = _index_tensor(index, "index_select", "index_select(): Expected dtype int32 or int64 for index")
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    a = input._data
    if a.ndim == 0:
        wrap_dim(dim, 0)
        if idx.size != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
        if idx.reshape(-1)[0] != 0:
            raise IndexError("index out of range in self")
        return take_at(input, (Ellipsis,), "IndexSelectBackward0")
    d = wrap_dim(dim, a.ndim)
    idx = idx.reshape(-1)
    size = a.shape[d]
    if idx.size:
        # PyTorch's kernels word this differently by path: an empty input or dim 1 of a
        # matrix-like input take the "INDICES" one, the others "index out of range".
        if a.ndim > 1 and size == 0:
            raise RuntimeError("index_select(): self indexing axis dim should be positive")
        bad = (idx < 0) | (idx >= size)
        if bad.any():
            if a.ndim > 1 and (d == 1 or a.size == 0):
                raise RuntimeError(
                    f"INDICES element is out of DATA bounds, id={idx[np.argmax(bad)]} axis_dim={size}"
                )
            raise IndexError("index out of range in self")
    return take_at(input, _along(d, a.ndim, idx), "IndexSelectBackward0")


def _scatter_key(op_name: str, input: Tensor, dim, index, src=None) -> tuple:
    """The NumPy key pairing each element of index with its place in input, for gather and scatter."""
    a = input._data
    idx = _index_tensor(index, op_name)
    d = wrap_dim(dim, a.ndim)
    is_gather = op_name == "gather"
    if idx.ndim != max(a.ndim, 1) and not (idx.ndim == 0 and a.ndim <= 1):
        raise RuntimeError(
            f"Index tensor must have the same number of dimensions as {'input' if is_gather else 'self'} tensor"
        )
    if src is not None and idx.ndim != src._data.ndim and idx.size:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    ishape, sshape = idx.shape, (a.shape if a.ndim else (1,))
    for i, n in enumerate(ishape):
        if i != d and n > sshape[i] or (src is not None and n > src._data.shape[i]):
            if is_gather:
                raise RuntimeError(
                    f"Size does not match at dimension {i} expected index {list(ishape)} to be no larger than "
                    f"self {list(a.shape)} apart from dimension {d}"
                )
            against_src = f" and to be no larger size than src {list(src._data.shape)}" if src is not None else ""
            raise RuntimeError(
                f"Expected index {list(ishape)} to be no larger than self {list(a.shape)} apart from dimension "
                f"{d}{against_src}"
            )
    size = sshape[d] if a.ndim else 1
    if idx.size:
        bad = (idx < 0) | (idx >= size)
        if bad.any():
            value = idx.reshape(-1)[np.argmax(bad.reshape(-1))]
            raise RuntimeError(f"index {value} is out of bounds for dimension {d} with size {size}")
    if a.ndim == 0 or idx.ndim == 0:
        return (idx,)  # one dimension: index picks elements directly (0-dim inputs are read as 1-D)
    key = []
    for i, n in enumerate(ishape):
        if i == d:
            key.append(idx)
        else:
            shape = [1] * len(ishape)
            shape[i] = n
            key.append(np.arange(n).reshape(shape))
    return tuple(key)


@op("indexing", grad_fn="GatherBackward0")
def gather(input, dim, index, *, sparse_grad=False):
    """out[i][j] = input[index[i][j]][j] for dim=0 (and likewise for other dims)."""
    tensor_arg(input)
    if _empty_index("gather", input, dim, index):
        # PyTorch checks nothing more when there is nothing to gather.
        key = (np.zeros(index._data.shape, dtype=np.int64),) * max(input._data.ndim, 1)
        return take_at(_at_least_1d(input), key, "GatherBackward0")
    key = _scatter_key("gather", input, dim, index)
    return take_at(_at_least_1d(input), key, "GatherBackward0")


def _zeros_for(t) -> Tensor | None:
    """The zero gradient of an input nothing was read from."""
    return None if t is None else wrap(np.zeros(t._data.shape, dtype=t._data.dtype))


def _empty_index(op_name: str, input: Tensor, dim, index) -> bool:
    """True when index has no elements (after the checks PyTorch still makes then)."""
    _index_tensor(index, op_name)
    wrap_dim(dim, input._data.ndim)
    return index._data.size == 0


@op("indexing", grad_fn="GatherBackward0")
def take_along_dim(input, indices, dim=None):
    """Elements of input at the given indices along dim (broadcasting the other dims); flat if dim is None."""
    tensor_arg(input)
    tensor_arg(indices, "indices")
    if indices._data.dtype != np.int64:
        raise RuntimeError(
            f"torch.take_along_dim(): dtype of indices should be Long but got {indices.dtype.scalar_name}"
        )
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    a, i = input._data, indices._data
    if a.ndim != i.ndim:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of dimensions, but got "
            f"{a.ndim} dimensions for input, and {i.ndim} dimensions for indices"
        )
    d = wrap_dim(dim, a.ndim)
    if a.ndim == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    others = broadcast_shapes(a.shape[:d] + (1,) + a.shape[d + 1:], i.shape[:d] + (1,) + i.shape[d + 1:])
    if a.shape[:d] + a.shape[d + 1:] != others[:d] + others[d + 1:]:
        input = expand(input, others[:d] + (a.shape[d],) + others[d + 1:])
    if i.shape[:d] + i.shape[d + 1:] != others[:d] + others[d + 1:]:
        indices = expand(indices, others[:d] + (i.shape[d],) + others[d + 1:])
    return gather(input, d, indices)


def _at_least_1d(t: Tensor) -> Tensor:
    """A 0-dim tensor as a 1-element view (ops that index it read it as 1-D)."""
    return t if t._data.ndim else view_at(t, (None,), "UnsqueezeBackward0")


def _src_part(src: Tensor, index_shape: tuple) -> tuple:
    """The leading part of src that scatter reads: the first index.shape elements along each dim."""
    return tuple(slice(0, n) for n in index_shape)


@op("indexing", inplace=True, grad_fn=("ScatterBackward0", "ScatterBackward1"))
def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """A copy of input with src's elements (or value) written at the positions index names along dim."""
    tensor_arg(input)
    if src is None and value is None:
        raise TypeError(
            "scatter() received an invalid combination of arguments - got (int, Tensor), but expected one of:"
        )
    if not isinstance(src, Tensor):
        value, src = (src if src is not None else value), None
    if _empty_index("scatter", input, dim, index):
        name = "ScatterBackward0" if src is not None else "ScatterBackward1"
        return record(input._data.copy(), name, (input, src), lambda g: (g, _zeros_for(src)))
    key = _scatter_key("scatter", input, dim, index, src)
    out = input._data.copy()
    idx_shape = index._data.shape
    if src is not None:
        if src._data.dtype != out.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        part = src._data[_src_part(src, idx_shape)]
    else:
        part = scalar_for(value, input.dtype) if not isinstance(value, Tensor) else value._data.astype(out.dtype)
    if reduce is not None:
        ufunc = {"add": np.add, "multiply": np.multiply}.get(reduce)
        if ufunc is None:
            raise RuntimeError("reduce argument must be either add or multiply.")
        ufunc.at(indexable(out), key, np.broadcast_to(part, idx_shape))
        return wrap(out)
    indexable(out)[key] = part
    keep = np.ones(out.shape, dtype=np.bool_)
    indexable(keep)[key] = False
    keep_t = wrap(keep)
    if src is None:
        return record(out, "ScatterBackward1", (input,), lambda g: (g * keep_t,))
    sshape = src._data.shape
    part_key = _src_part(src, idx_shape)
    return record(out, "ScatterBackward0", (input, src),
                  lambda g: (g * keep_t, put_at(take_at(g, key), sshape, part_key)))


@op("indexing", inplace=True, grad_fn="ScatterAddBackward0")
def scatter_add(input, dim, index, src):
    """A copy of input with src's elements added at the positions index names along dim."""
    tensor_arg(input)
    tensor_arg(src, "src")
    if _empty_index("scatter", input, dim, index):
        return record(input._data.copy(), "ScatterAddBackward0", (input, src), lambda g: (g, _zeros_for(src)))
    key = _scatter_key("scatter", input, dim, index, src)
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    idx_shape = index._data.shape
    part_key = _src_part(src, idx_shape)
    out = input._data.copy()
    np.add.at(indexable(out), key, src._data[part_key])
    sshape = src._data.shape
    return record(out, "ScatterAddBackward0", (input, src),
                  lambda g: (g, put_at(take_at(g, key), sshape, part_key)))


def _dim_index(op_name: str, input: Tensor, dim, index, message_prefix: str = "", error=IndexError) -> tuple:
    a = input._data
    idx = _index_tensor(index, op_name, f"{op_name}(): Expected dtype int64 for index")
    if idx.ndim > 1:
        raise IndexError(f"{op_name}(): Index is supposed to be a vector")
    d = wrap_dim(dim, a.ndim)
    idx = idx.reshape(-1)
    size = a.shape[d] if a.ndim else 1
    if idx.size and a.size:  # an empty input is never read, so PyTorch checks nothing
        bad = (idx < -size) | (idx >= size)
        if bad.any():
            value = idx[np.argmax(bad)]
            raise error(f"{message_prefix}index {value} is out of bounds for dimension {d} with size {size}")
    return d, idx


@op("indexing", inplace=True, grad_fn="IndexAddBackward0")
def index_add(input, dim, index, source, *, alpha=1):
    """A copy of input with alpha * source's slices added at the positions index names along dim."""
    tensor_arg(input)
    tensor_arg(source, "source")
    d = wrap_dim(dim, input._data.ndim)
    count = _index_tensor(index, "index_add_", "index_add_(): Expected dtype int32/int64 for index").size
    shape, source_shape = input._data.shape, source._data.shape
    if source._data.ndim and (len(source_shape) != len(shape) or
                              source_shape[:d] + source_shape[d + 1:] != shape[:d] + shape[d + 1:]):
        # Checked before NumPy's add.at, which crashes the process on values that do not broadcast.
        raise RuntimeError(
            "source tensor shape must match self tensor shape, excluding the specified dimension. "
            f"Got self.shape = {list(shape)} source.shape = {list(source_shape)}"
        )
    if source._data.ndim and source._data.shape[d] != count:
        raise RuntimeError(
            f"index_add_(): Number of indices ({count}) should be equal to source.size(dim): "
            f"({source._data.shape[d]}), for dim: {d}"
        )
    d, idx = _dim_index("index_add_", input, dim, index, error=RuntimeError)
    key = _along(d, input._data.ndim, idx)
    out = input._data.copy()
    add = source._data * alpha if alpha != 1 else source._data
    np.add.at(indexable(out), key, add.astype(out.dtype, copy=False))
    return record(out, "IndexAddBackward0", (input, source),
                  lambda g: (g, take_at(g, key) * alpha if alpha != 1 else take_at(g, key)))


@op("indexing", inplace=True, grad_fn=("IndexFillBackward0", "IndexFillBackward1"))
def index_fill(input, dim, index, value):
    """A copy of input with value written at the positions index names along dim."""
    tensor_arg(input)
    d, idx = _dim_index("index_fill_", input, dim, index)
    if not input._data.size:
        idx = idx[:0]  # nothing to fill (PyTorch does not check the indices then)
    key = _along(d, input._data.ndim, idx)
    out = input._data.copy()
    if not isinstance(value, Tensor):
        if isinstance(value, complex) and input.dtype.category != dtypes.COMPLEX:
            raise RuntimeError("index_fill_(): Converting complex Scalar to non-complex type is not supported")
        value_array = scalar_for(value, input.dtype)
    indexable(out)[key] = rounding.cast(value._data, out.dtype) if isinstance(value, Tensor) else value_array
    keep = np.ones(out.shape, dtype=np.bool_)
    indexable(keep)[key] = False
    keep_t = wrap(keep)
    if isinstance(value, Tensor):
        return record(out, "IndexFillBackward1", (input, value),
                      lambda g: (g * keep_t, (g * _not(keep_t)).sum()))
    return record(out, "IndexFillBackward0", (input,), lambda g: (g * keep_t,))


def _not(t: Tensor) -> Tensor:
    """Logical NOT of a bool tensor, outside the graph (masks are constants)."""
    return wrap(~t._data)


@op("indexing", inplace=True, grad_fn="IndexCopyBackward0")
def index_copy(input, dim, index, source):
    """A copy of input with source's slices written at the positions index names along dim."""
    tensor_arg(input)
    tensor_arg(source, "source")
    d = wrap_dim(dim, input._data.ndim)
    count = _index_tensor(index, "index_copy_", "index_copy_(): Expected a long tensor for index").size
    if source._data.ndim and source._data.shape[d] != count:
        raise IndexError(
            f"index_copy_(): Number of indices ({count}) should be equal to source.size(dim) "
            f"({source._data.shape[d]})"
        )
    d, idx = _dim_index("index_copy_", input, dim, index, "index_copy_(): ")
    key = _along(d, input._data.ndim, idx)
    out = input._data.copy()
    indexable(out)[key] = source._data
    keep = np.ones(out.shape, dtype=np.bool_)
    indexable(keep)[key] = False
    keep_t = wrap(keep)
    return record(out, "IndexCopyBackward0", (input, source), lambda g: (g * keep_t, take_at(g, key)))


# ================================================================ masks


def _bool_mask(mask, message: str) -> np.ndarray:
    tensor_arg(mask, "mask")
    if mask._data.dtype != np.bool_:
        raise RuntimeError(message.format(_CPP_NAMES[mask.dtype.name]))
    return mask._data


@op("indexing", inplace=True, grad_fn=("MaskedFillBackward0", "MaskedFillBackward1"), result=broadcast_result)
def masked_fill(input, mask, value):
    """A copy of input with value wherever mask (a bool tensor, broadcast) is True."""
    tensor_arg(input)
    m = _bool_mask(mask, "masked_fill_ only supports boolean masks, but got mask with dtype {}")
    a = input._data
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        fill = value._data
    else:
        fill = scalar_for(value, input.dtype)
    shape = broadcast_shapes(m.shape, a.shape)
    out = np.where(m, rounding.cast(np.asarray(fill), a.dtype), a)
    if out.shape != shape:
        out = np.broadcast_to(out, shape).copy()
    if isinstance(value, Tensor):
        return record(out, "MaskedFillBackward1", (input, value),
                      lambda g: (g * _not(mask), (g * mask).sum()))
    return record(out, "MaskedFillBackward0", (input,), lambda g: (g * _not(mask),))


def _masked_positions(input, mask) -> tuple:
    """masked_select's result rule: at its largest, the positions of every element, which
    it finds before it selects."""
    shape, _ = broadcast_result(input, mask)
    return (numel_of(shape), len(shape)), dtypes.int64


@op("indexing", grad_fn="MaskedSelectBackward0", result=_masked_positions)
def masked_select(input, mask):
    """The elements of input where mask is True, as a 1-D tensor (input and mask broadcast)."""
    tensor_arg(input)
    m = _bool_mask(mask, "masked_select: expected BoolTensor for mask")
    shape = broadcast_shapes(input._data.shape, m.shape)
    key = np.nonzero(np.broadcast_to(m, shape).reshape(shape or (1,)))
    source = input if input._data.shape == shape else _broadcast(input, shape)
    if not shape:
        source = _at_least_1d(source)
    return take_at(source, key, "MaskedSelectBackward0")


def _broadcast(t: Tensor, shape: tuple) -> Tensor:
    return expand(t, shape)


@op("indexing", grad_fn="TakeBackward0")
def take(input, index):
    """The elements of input at the given flat (row-major) positions, shaped like index."""
    tensor_arg(input)
    if not isinstance(index, Tensor) or index._data.dtype != np.int64:
        got = index.dtype.scalar_name if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {got}")
    n = input._data.size
    idx = index._data
    if idx.size and not n:
        raise IndexError("take(): tried to take from an empty tensor")
    if idx.size:
        bad = (idx < -n) | (idx >= n)
        if bad.any():
            value = idx.reshape(-1)[np.argmax(bad.reshape(-1))]
            raise IndexError(f"out of range: tried to access index {value} on a tensor of {n} elements.")
    flat = np.where(idx < 0, idx + n, idx)
    if input._data.ndim == 0:
        return take_at(_at_least_1d(input), (flat,), "TakeBackward0")
    return take_at(input, np.unravel_index(flat, input._data.shape), "TakeBackward0")


def _repeated_result(input, repeats=None, dim=None, *, output_size=None) -> tuple:
    """repeat_interleave's result rule: every element (along dim) repeated."""
    if repeats is None:  # repeat_interleave(counts): the positions, one per count
        return (int(input._data.sum()),), dtypes.int64
    counts = int(repeats._data.sum()) if isinstance(repeats, Tensor) and repeats._data.size > 1 else None
    shape = list(input._data.shape) if dim is not None else [input._data.size]
    axis = wrap_dim(dim, len(shape)) if dim is not None else 0
    shape[axis] = counts if counts is not None else shape[axis] * int(repeats)
    return tuple(shape), input.dtype


@op("indexing", grad_fn=("IndexSelectBackward0", "ViewBackward0"), result=_repeated_result)
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element repeated: repeats times (a number), or its own count (a tensor of one count per
    element along dim); flattened first when dim is None. repeat_interleave(counts) alone gives
    0 counts[0] times, 1 counts[1] times, ..."""
    tensor_arg(input)
    if repeats is None:
        counts = input._data
        if counts.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if counts.dtype.kind not in "iu":
            raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for \'{input.dtype.scalar_name}\'')
        if (counts < 0).any():
            raise RuntimeError("repeats can not be negative")
        return wrap(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    source = input if dim is not None else input.reshape(-1)
    axis = wrap_dim(dim, source._data.ndim) if dim is not None else 0
    if isinstance(repeats, Tensor) and repeats._data.size != 1:
        counts = repeats._data
        if counts.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if counts.dtype.kind not in "iu":
            raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for \'{repeats.dtype.scalar_name}\'')
        if counts.size != source._data.shape[axis]:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{counts.size} and input.size({axis}) = {source._data.shape[axis]}")
        if (counts < 0).any():
            raise RuntimeError("repeats can not be negative")
        return index_select(source, axis, wrap(np.repeat(np.arange(counts.size, dtype=np.int64), counts)))
    times = int(repeats)
    if times < 0:
        raise RuntimeError("Repeats must be non-negative")
    # As PyTorch builds it: a new axis after dim, expanded, copied, and merged with dim.
    shape = source._data.shape
    if not shape:
        source, shape, axis = source.reshape(1), (1,), 0
    wide = source.unsqueeze(axis + 1)
    wide = expand(wide, shape[:axis + 1] + (times,) + shape[axis + 1:]).clone()
    return wide.reshape(shape[:axis] + (shape[axis] * times,) + shape[axis + 1:])


# ================================================================ positions


def _positions(input, *, as_tuple=False) -> tuple:
    """nonzero's result rule: one row per non-zero element. Counted only when every element's
    row would not fit in the limit, since counting reads the whole tensor."""
    a = input._data
    rows = a.size if a.size * a.ndim * 8 <= limits._max_bytes else int(np.count_nonzero(a))
    return (rows, a.ndim), dtypes.int64


@op("indexing", result=_positions)
def nonzero(input, *, as_tuple=False):
    """The indices of the non-zero elements: an (n, ndim) tensor, or one 1-D tensor per dim if as_tuple."""
    a = tensor_arg(input)._data
    if as_tuple:
        if a.ndim == 0:
            return (wrap(np.arange(1 if a else 0, dtype=np.int64)),)
        return tuple(wrap(i.astype(np.int64, copy=False)) for i in np.nonzero(a))
    if a.ndim == 0:
        return wrap(np.zeros((1 if a else 0, 0), dtype=np.int64))
    return wrap(np.argwhere(a).astype(np.int64, copy=False))


@op("indexing", result=_positions)
def argwhere(input):
    """The indices of the non-zero elements, one row per element."""
    return nonzero(input)
