"""What every op needs besides recording (autograd.record): type promotion, argument
checks, broadcasting with the memory limit, and in-place writes.

An op's body computes its result on NumPy arrays and hands it to `autograd.record`
with its grad_fn name, inputs and backward formula (see there).
"""

from __future__ import annotations

import dis
import sys

import numpy as np

from .. import autograd, dtypes, limits, rounding
from ..autograd import needs_grad
from ..limits import check_allocation
from ..tensor import Tensor, synced, wrap
from ..views import propagate_to_base

SCALAR_TYPES = (bool, int, float, complex, np.generic)


# ---------------------------------------------------------------- promotion

def result_type(*operands) -> dtypes.dtype:
    """torch.result_type over tensors and Python scalars."""
    dim = zero = scalar = None
    promote = dtypes._PROMOTE
    for x in operands:
        if isinstance(x, Tensor):
            d = dtypes.BY_NUMPY[x._data.dtype]
            if x._data.ndim:
                dim = d if dim is None else promote[dim, d]
            else:
                zero = d if zero is None else promote[zero, d]
        elif isinstance(x, SCALAR_TYPES):
            d = dtypes.scalar_dtype(x)
            scalar = d if scalar is None else promote[scalar, d]
        else:
            raise TypeError(f"expected Tensor or number, but got {type(x).__name__}")
    return dtypes.result_type_of(dim, zero, scalar)


def operand(x, dtype: dtypes.dtype):
    """x as a NumPy array of `dtype` (tensors) or a Python number (scalars), ready for a NumPy call."""
    if isinstance(x, Tensor):
        a = x._data
        return a if a.dtype == dtype.np else rounding.cast(a, dtype.np)
    if isinstance(x, np.generic):
        x = x.item()
    if dtype.category == dtypes.BOOL:
        return bool(x)
    if type(x) is int and dtype.category == dtypes.INT:
        return _wrap_int(x, dtype.np)
    return rounding.scalar(x, dtype.np)


def opmath_number(x, dtype: dtypes.dtype) -> np.float32 | None:
    """For an op computing in float16, its other operand if that is a number or a 0-d tensor,
    as PyTorch's mul, div, floor_divide and leaky_relu read it: straight into float32, the
    dtype they compute in ("opmath") before their one rounding to float16 (where add, sub and
    the rest take it as a float16 first). None for anything else, and for other dtypes."""
    if dtype is not dtypes.float16:
        return None
    if isinstance(x, Tensor):
        a = x._data
        return np.float32(a) if a.ndim == 0 and a.dtype.kind in "fiu" else None
    if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_)):
        return np.float32(x)
    return None


def _wrap_int(value: int, np_dtype) -> int:
    """A Python int converted to a narrow integer dtype wraps around, as in PyTorch (uint8: -1 -> 255)."""
    if np_dtype.kind in "iu" and np_dtype.itemsize < 8:
        info = np.iinfo(np_dtype)
        if not info.min <= value <= info.max:
            return int(np.array(value).astype(np_dtype))
    return value


def binary_operands(a, b):
    """Both operands of a binary op converted to their promoted dtype, and that dtype.

    Raises PyTorch's error when two tensors' shapes do not broadcast (numbers always do)."""
    if isinstance(a, Tensor):
        ad = a._data
        if isinstance(b, Tensor):
            bd = b._data
            if ad.shape != bd.shape:
                check_broadcast(a, b)
            if ad.dtype == bd.dtype:
                return ad, bd, dtypes.BY_NUMPY[ad.dtype]
            # A bool mask against another tensor: the result has the other's dtype, in PyTorch
            # as in NumPy, whose loops promote the mask as they go; a cast would copy it first.
            if bd.dtype == np.bool_:
                return ad, bd, dtypes.BY_NUMPY[ad.dtype]
            if ad.dtype == np.bool_:
                return ad, bd, dtypes.BY_NUMPY[bd.dtype]
        elif type(b) is float or type(b) is int:
            kind = ad.dtype.kind
            if kind in "fc":  # a Python number takes the tensor's floating dtype
                dtype = dtypes.BY_NUMPY[ad.dtype]
                return ad, rounding.scalar(b, ad.dtype) if dtype is dtypes.float16 else b, dtype
            if kind in "iu" and type(b) is int:
                return ad, _wrap_int(b, ad.dtype), dtypes.BY_NUMPY[ad.dtype]
    elif not isinstance(b, Tensor):
        raise TypeError(
            f"expected at least one Tensor operand, but got {type(a).__name__} and {type(b).__name__}"
        )
    dtype = result_type(a, b)
    return operand(a, dtype), operand(b, dtype), dtype


def warn(message: str) -> None:
    """A PyTorch UserWarning, as tensorsh shows warnings: one line on stderr."""
    print(f"UserWarning: {message}", file=sys.stderr)


_warned: set[str] = set()


def warn_once(message: str) -> None:
    """A PyTorch warning it gives once per process (TORCH_WARN_ONCE)."""
    if message not in _warned:
        _warned.add(message)
        warn(message)


def tensor_arg(x, name: str = "input", depth: int = 1) -> Tensor:
    """Check that an argument is a tensor, with PyTorch's TypeError otherwise; the op it names is
    the caller's, or the one `depth` frames up for a helper that checks for its op."""
    if not isinstance(x, Tensor):
        # Only on this error path: name the calling op and the argument's position, as PyTorch does.
        caller = sys._getframe(depth).f_code
        params = caller.co_varnames[:caller.co_argcount + caller.co_kwonlyargcount]
        position = f" (position {params.index(name) + 1})" if name in params else ""
        raise TypeError(
            f"{caller.co_name}(): argument '{name}'{position} must be Tensor, not {type(x).__name__}"
        )
    return x


def broadcast_shapes(*shapes) -> tuple:
    """The broadcast of shapes, with PyTorch's error when they are incompatible."""
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for s in shapes:
        # Compared from the last dimension, as PyTorch does, so its message names the same one.
        for i in range(ndim - 1, ndim - len(s) - 1, -1):
            d = s[i - ndim + len(s)]
            if d == out[i] or d == 1:
                continue
            if out[i] == 1:
                out[i] = d
                continue
            raise RuntimeError(
                f"The size of tensor a ({out[i]}) must match the size of tensor b ({d}) "
                f"at non-singleton dimension {i}"
            )
    return tuple(out)


_BROADCAST_SHAPES: dict = {}  # shape pairs -> (broadcast shape, its element count): a session uses few pairs


def check_broadcast(a, b) -> None:
    """Raise PyTorch's message if two tensors' shapes do not broadcast (numbers always do), and
    the memory limit's if their broadcast result would exceed it. Only the shape is remembered:
    the limit is checked every time, for this pair's dtypes and the limit in force now."""
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        pair = (a._data.shape, b._data.shape)
        if pair[0] != pair[1]:
            known = _BROADCAST_SHAPES.get(pair)
            if known is None:
                shape = broadcast_shapes(*pair)
                if len(_BROADCAST_SHAPES) > 4096:
                    _BROADCAST_SHAPES.clear()
                known = _BROADCAST_SHAPES[pair] = (shape, numel_of(shape))
            shape, count = known
            ad, bd = a._data.dtype, b._data.dtype
            wider = ad if ad.itemsize >= bd.itemsize else bd
            if count * wider.itemsize > limits._max_bytes:
                check_allocation(shape, dtypes.BY_NUMPY[wider])  # raises the limit's message


def broadcast_result(*args, **kwargs) -> tuple:
    """The result rule (see ops/registry.py) of ops whose result is their tensor arguments
    broadcast together: that shape, at the widest of their dtypes."""
    tensors = [x for x in (*args, *kwargs.values()) if isinstance(x, Tensor)]
    shape = broadcast_shapes(*(t._data.shape for t in tensors))
    widest = max((t._data.dtype for t in tensors), key=lambda d: d.itemsize)
    return shape, dtypes.BY_NUMPY[widest]


def numel_of(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


# ---------------------------------------------------------------- temporaries

# In `a * b + c` the product is a temporary: nothing can see it once `+` has run. NumPy
# writes the sum into the temporary's memory instead of allocating (and page-faulting)
# another array. Kept by measurement (docs/performance.md: without it, a*b+c on large
# arrays loses well over the 20% that would let it go). `temporary_out` lets our
# binary operators do the same, under NumPy's conditions: a large array owned by one
# tensor that only the interpreter's stack refers to, and a caller that is running a
# binary operator (not, say, `add(*pair)`, where the tuple keeps the operand alive).
# CPython from 3.14 on may hold stack references without counting them, so there the
# counts cannot tell a temporary from a variable and nothing is reused.

_REUSE_BYTES = 1 << 18  # NumPy's threshold: below it, allocating costs less than checking
_BINARY_OP = dis.opmap.get("BINARY_OP")


def temporary_out(input, other, dtype: dtypes.dtype):
    """The array of `input` if a binary operator may write its result there, else None.

    Call it from the operator function itself (`Tensor.__add__` is `add`), in a statement
    of its own, after binary_operands (whose first result is the one local reference the
    operator may hold to input's array), with the result's dtype.
    """
    if not (_CAN_REUSE and type(input) is Tensor and input._data.nbytes >= _REUSE_BYTES):
        return None
    array = input._data
    if _counts(input, array) != _TEMPORARY_COUNTS or array.base is not None or not array.flags.writeable:
        return None
    if array.dtype != dtype.np or (isinstance(other, Tensor) and other._data.shape != array.shape):
        return None
    if input._base is not None or needs_grad(input, other):
        return None
    caller = sys._getframe(2)  # 0 is this function, 1 the operator, 2 the code running the expression
    return array if caller.f_code.co_code[caller.f_lasti] == _BINARY_OP else None


def _counts(t, array) -> tuple[int, int]:
    return sys.getrefcount(t), sys.getrefcount(array)


class _Probe:
    """A temporary operand whose `+` reaches _counts through the same frames as an operator's
    call to temporary_out does: what it measures is what a temporary tensor shows there."""

    def __init__(self):
        self._data = np.empty(0)

    def __add__(self, other):
        a = self._data  # as an operator holds its operand's array
        return _probe_temporary_out(self)


def _probe_temporary_out(t):  # stands for temporary_out
    array = t._data
    return _counts(t, array)


_TEMPORARY_COUNTS = _Probe() + 0
_CAN_REUSE = sys.implementation.name == "cpython" and sys.version_info < (3, 14) and _BINARY_OP is not None


# ---------------------------------------------------------------- in-place

def can_cast(src: dtypes.dtype, dst: dtypes.dtype) -> bool:
    """torch.can_cast: in-place results may not lose their category."""
    if src.category == dtypes.COMPLEX and dst.category != dtypes.COMPLEX:
        return False
    if src.category == dtypes.FLOAT and dst.category < dtypes.FLOAT:
        return False
    if src.category != dtypes.BOOL and dst.category == dtypes.BOOL:
        return False
    return True


LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory "
    "location. Please clone() the tensor before performing the operation."
)


def check_inplace(self: Tensor, *others) -> bool:
    """Refuse in-place writes autograd cannot follow; return whether the write is recorded."""
    if not autograd._grad_enabled:
        return False
    synced(self)
    if self._requires_grad and self._grad_fn is None:
        raise RuntimeError(LEAF_INPLACE)
    if self._requires_grad and self._base is not None and self._base._requires_grad and self._base._grad_fn is None:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )
    return self._requires_grad or any(isinstance(t, Tensor) and synced(t)._requires_grad for t in others)


def snapshot(self: Tensor) -> Tensor:
    """A copy of self at the same place in the graph, for ops whose backward needs the old value."""
    t = wrap(self._data.copy())
    t._requires_grad = self._requires_grad
    t._grad_fn = self._grad_fn
    t._accumulator = self._accumulator
    return t


def write_array(self: Tensor, array) -> None:
    """Write into self's memory (seen by every view) and bump its version."""
    if self._data.dtype == np.float16:
        array = rounding.cast(np.asarray(array), self._data.dtype, copy=False)
    try:
        self._data[...] = array
    except ValueError:
        if not self._data.flags.writeable:
            raise RuntimeError(OVERLAP) from None
        raise
    self._version[0] += 1


def assign_result(self: Tensor, result: Tensor) -> Tensor:
    """Make self hold an out-of-place result: the common tail of every in-place op."""
    src, dst = result.dtype, self.dtype
    if not can_cast(src, dst):
        raise RuntimeError(
            f"result type {src.scalar_name} can't be cast to the desired output type {dst.scalar_name}"
        )
    if result._data.shape != self._data.shape:
        shape = list(result._data.shape)
        raise RuntimeError(
            f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {shape}"
        )
    write_array(self, result._data)
    if result._grad_fn is not None:
        self._grad_fn = result._grad_fn
        self._requires_grad = True
        propagate_to_base(self)
    return self


def inplace(self: Tensor, fn, *args, **kwargs) -> Tensor:
    """Run out-of-place `fn(self, *args)` and write its result into self (PyTorch's `op_`)."""
    if not isinstance(self, Tensor):  # F.relu(True, inplace=True): PyTorch names its in-place kernel
        raise TypeError(f"{fn.__name__}_(): argument 'input' (position 1) must be Tensor, not {type(self).__name__}")
    src = snapshot(self) if check_inplace(self, *args) else self
    return assign_result(self, fn(src, *args, **kwargs))


# ---------------------------------------------------------------- out= arguments
#
# An op declared with `out=` (see registry.py) is called as usual and its result written
# into the given tensor, which the call returns. The kinds differ in how PyTorch fits the
# out tensor to the result:
#
# - "factory" (zeros, rand, full, eye, ...): the dtype is out's (a different dtype= is an
#   error); out is resized to the result's shape silently;
# - "resize" (empty, randn): the same, but their out kernels resize before autograd sees the
#   call, so an out that requires grad is refused even under no_grad;
# - "range" (linspace, logspace, range): resized only when the element count differs (an out
#   of as many elements keeps its shape); "arange" warns when it resizes a non-empty out;
# - "pointwise" (add, sin, ...: PyTorch's TensorIterator ops): the result, computed as without
#   out, must cast to out's dtype; a non-empty out of another shape is resized with PyTorch's
#   deprecation warning; no argument may require grad while grad mode is on;
# - "exact" (abs, floor, neg, clamp, ...): the same, but out's dtype must be the result's;
# - "comparison" (eq, logical_and, ...): like "pointwise", but their results are not
#   differentiable, so PyTorch's autograd lets an out that requires grad through;
# - "product" (mm, matmul, bmm, mv): out's dtype must be the result's, in the words of
#   PyTorch's BLAS path (C++ type names);
# - "concat" (cat, stack): like "pointwise", with cat's TypeError for a dtype out cannot hold.

OUT_KINDS = frozenset({"factory", "resize", "range", "arange", "pointwise", "exact", "comparison", "product",
                       "concat"})
_ELEMENTWISE = frozenset({"pointwise", "exact", "comparison", "product", "concat"})

# The C++ type names some of PyTorch's messages print.
C_TYPES = {
    np.dtype(np.float32): "float", np.dtype(np.float64): "double", np.dtype(np.float16): "c10::Half",
    np.dtype(np.int64): "long int", np.dtype(np.int32): "int", np.dtype(np.int16): "short int",
    np.dtype(np.int8): "signed char", np.dtype(np.uint8): "unsigned char", np.dtype(np.bool_): "bool",
    np.dtype(np.complex64): "c10::complex<float>", np.dtype(np.complex128): "c10::complex<double>",
}

_RESIZED = ("An output with one or more elements was resized since it had shape {}, which does not match the "
            "required output shape {}. This behavior is deprecated, and in a future PyTorch release outputs will "
            "not be resized unless they have zero elements. You can explicitly reuse an out tensor t by resizing "
            "it, inplace, to zero elements with t.resize_(0).")
# How PyTorch's refusal of out= with autograd names these ops: the kernel they run as, or
# with the dispatcher's namespace.
_AUTOGRAD_NAMES = {"square": "pow", "true_divide": "div",
                   **{n: f"aten::{n}" for n in ("floor_divide", "bitwise_not", "bitwise_and", "bitwise_or",
                                                "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift")}}


def _resize_out(out: Tensor, shape: tuple) -> None:
    """PyTorch's out.resize_(shape): new memory when the shape changes."""
    if out._data.shape == shape:
        return
    if out._base is not None:
        raise RuntimeError(f"tensorsh cannot resize a view of another tensor given as out= (shape "
                           f"{list(out._data.shape)}, needed {list(shape)}): pass a tensor of that shape, "
                           "or one that is not a view")
    check_allocation(shape, out.dtype)
    out._data = np.empty(shape, out._data.dtype)
    out._version[0] += 1


def _tensors_in(args: tuple, kwargs: dict) -> list:
    """The tensor arguments, those in a list (cat's) included."""
    found = []
    for a in (*args, *kwargs.values()):
        found += [t for t in a if isinstance(t, Tensor)] if isinstance(a, (list, tuple)) else \
            [a] if isinstance(a, Tensor) else []
    return found


def _elementwise_out(name: str, kind: str, fn, out: Tensor, args: tuple, kwargs: dict) -> Tensor:
    if kind != "comparison" and autograd.is_grad_enabled() and any(
            t.requires_grad for t in (out, *_tensors_in(args, kwargs))):
        raise RuntimeError(f"{_AUTOGRAD_NAMES.get(name, name)}(): functions with out=... arguments don't support "
                           "automatic differentiation, but one of the arguments requires grad.")
    result = fn(*args, **kwargs)
    if result.dtype is not out.dtype:
        if kind == "exact":
            raise RuntimeError(f"Found dtype {out.dtype.scalar_name} but expected {result.dtype.scalar_name}")
        if kind == "product":
            raise RuntimeError(f"Expected out tensor to have dtype {C_TYPES[result._data.dtype]}, but got "
                               f"{C_TYPES[out._data.dtype]} instead")
    if kind == "concat" and not can_cast(result.dtype, out.dtype):
        raise TypeError(f"torch.cat(): input types can't be cast to the desired output type {out.dtype.scalar_name}")
    if not can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"result type {result.dtype.scalar_name} can't be cast to the desired output type "
                           f"{out.dtype.scalar_name}")
    shape = result._data.shape
    if out._data.shape != shape:
        if any(np.shares_memory(t._data, out._data) for t in _tensors_in(args, kwargs)):
            # An out that is also an input is not resized.
            raise RuntimeError(f"output with shape {list(out._data.shape)} doesn't match the broadcast shape "
                               f"{list(shape)}")
        if out._data.size:
            warn(_RESIZED.format(list(out._data.shape), list(shape)))
        _resize_out(out, shape)
    write_array(out, result._data)
    return out


def write_out(name: str, kind: str, fn, out, args: tuple, kwargs: dict) -> Tensor:
    """fn(*args, **kwargs) written into `out`, as PyTorch's `name(..., out=out)` does it."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if kind in _ELEMENTWISE:
        return _elementwise_out(name, kind, fn, out, args, kwargs)
    return _factory_out(name, kind, fn, out, args, kwargs)


def _factory_out(name: str, kind: str, fn, out: Tensor, args: tuple, kwargs: dict) -> Tensor:
    dtype = kwargs.get("dtype")
    if dtype is not None and dtypes.to_dtype(dtype) is not out.dtype:
        raise RuntimeError(f"dtype {dtypes.to_dtype(dtype).scalar_name} does not match dtype of out parameter "
                           f"({out.dtype.scalar_name})")
    if out.requires_grad:
        if kind == "resize":
            raise RuntimeError("cannot resize variables that require grad")
        if autograd.is_grad_enabled():
            raise RuntimeError(f"aten::{name}(): functions with out=... arguments don't support automatic "
                               "differentiation, but one of the arguments requires grad.")
    requires_grad = kwargs.pop("requires_grad", False)
    result = fn(*args, **{**kwargs, "dtype": out.dtype})._data
    if kind in ("range", "arange"):
        if out._data.size != result.size:
            if kind == "arange" and out._data.size:
                warn(f"The number of elements in the out tensor of shape {list(out._data.shape)} is "
                     f"{out._data.size} which does not match the computed number of elements {result.size}. "
                     "Note that this may occur as a result of rounding error. The out tensor will be resized "
                     f"to a tensor of shape ({result.size},).")
            _resize_out(out, result.shape)
        result = result.reshape(out._data.shape)
    else:
        _resize_out(out, result.shape)
    write_array(out, result)
    # PyTorch's factories set the flag on whatever tensor they return, so an out that
    # required grad (allowed under no_grad) no longer does unless asked.
    if requires_grad and out.dtype.category < dtypes.FLOAT:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    out.requires_grad = bool(requires_grad)
    return out
