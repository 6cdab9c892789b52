"""Shape ops: views that reinterpret memory, and the joins, splits and copies.

Views share memory exactly where PyTorch's do: `view`, `reshape` (when it can),
`t`/`T`/`mT`, `transpose`, `permute`, `movedim`, `expand`, `squeeze`, `unsqueeze`,
`unflatten`, `select`, `narrow`, `diagonal`, and the pieces of `split`, `chunk`,
`tensor_split` and `unbind` wrap a NumPy view of the input's memory (`record_view`),
so writes through one are seen through the other. `cat`, `stack`, `repeat`, `tile`,
`flip`, `roll`, `diag`, `tril` and `triu` copy.

Views given by a basic index key (select, narrow, the split family) share their
backward with indexing: `view_at` in indexing.py.
"""

from __future__ import annotations

import sys

import numpy as np

from .. import dtypes
from ..limits import check_allocation
from ..size import Size
from ..tensor import Tensor, _view, wrap, wrap_dim
from ..autograd import record, record_view
from .common import broadcast_shapes, check_inplace, numel_of, result_type, tensor_arg
from ..views import put_at, view_at
from .registry import op


def _shape_arg(shape) -> tuple:
    """view(2, 3), view((2, 3)), view([2, 3]) and view(torch.Size(...)) all name the shape (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    for d in shape:
        if not isinstance(d, int):
            return tuple(int(d) if not isinstance(d, int) else d for d in shape)
    return tuple(shape)


def infer_size(shape: tuple, numel: int) -> tuple:
    """Resolve one -1 in a requested shape, with PyTorch's errors."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for d in shape:
        if d < -1:
            raise RuntimeError(
                f"invalid shape dimension {d} at index {shape.index(d)} of shape [{', '.join(map(str, shape))}]"
            )
    known = numel_of(d for d in shape if d != -1)
    if -1 in shape:
        if known == 0 or numel % known:
            if known == 0:
                raise RuntimeError(
                    f"cannot reshape tensor of 0 elements into shape [{', '.join(map(str, shape))}] because the "
                    "unspecified dimension size -1 can be any value and is ambiguous"
                )
            raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
        return tuple(numel // known if d == -1 else d for d in shape)
    if known != numel:
        raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
    return shape


@op("shape", variants="method", grad_fn="ViewBackward0")
def view(self, *shape):
    """The same memory seen with another shape; fails if the layout does not allow it (see reshape)."""
    if len(shape) == 1 and type(shape[0]) is not int:
        if isinstance(shape[0], dtypes.dtype):
            return _view_dtype(self, shape[0])
        shape = shape[0]
    # NumPy resolves -1 and refuses a copy exactly when PyTorch's view fails; only on a
    # failure do we work out which of PyTorch's messages applies.
    try:
        if shape and min(shape) < -1:  # NumPy takes any negative size as -1; PyTorch refuses it
            raise ValueError
        a = self._data
        # A contiguous array always reshapes to a view, and the copy=False check is slow.
        array = a.reshape(shape) if a.flags.c_contiguous else a.reshape(shape, copy=False)
    except (ValueError, TypeError):
        infer_size(_shape_arg((shape,)), self._data.size)
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans "
            "across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    source = self._data.shape
    return record_view(self, array, "ViewBackward0", lambda g: (g.reshape(source),))


def _view_dtype(self, target):
    """self's bytes read as another dtype; autograd does not follow it, as in PyTorch."""
    a = self._data
    if target.itemsize != a.itemsize:
        how = f"to view {self.dtype.legacy_name[:-6]} as {target.legacy_name[:-6]} (different element sizes)"
        if a.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {how}")
        if a.shape[-1] != 1 and a.strides[-1] != a.itemsize:
            raise RuntimeError(f"self.stride(-1) must be 1 {how}, but got {a.strides[-1] // a.itemsize}")
        ratio = target.itemsize // a.itemsize
        if target.itemsize > a.itemsize and a.shape[-1] % ratio:
            raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {how}, but got {a.shape[-1]}")
    return _view(self, a.view(target.np), follows=False)


@op("shape", grad_fn=("UnsafeViewBackward0", "ViewBackward0"))
def reshape(input, *shape):
    """input with another shape: a view when the layout allows it, otherwise a copy."""
    tensor_arg(input)
    if len(shape) == 1 and type(shape[0]) is not int:
        shape = shape[0]
    source = input._data.shape
    try:
        if min(shape, default=0) < -1:
            raise ValueError
        a = input._data
        array = a.reshape(shape) if a.flags.c_contiguous else a.reshape(shape, copy=False)
    except (ValueError, TypeError):
        size = infer_size(_shape_arg((shape,)), input._data.size)
        return record(input._data.reshape(size), "UnsafeViewBackward0", (input,), lambda g: (g.reshape(source),))
    return record_view(input, array, "ViewBackward0", lambda g: (g.reshape(source),))


@op("shape", variants="method", grad_fn="ViewBackward0")
def view_as(self, other):
    """self viewed with other's shape."""
    tensor_arg(other, "other")
    return view(self, other._data.shape)


@op("shape", variants="method", grad_fn="ViewBackward0")
def reshape_as(self, other):
    """self reshaped to other's shape."""
    tensor_arg(other, "other")
    return reshape(self, other._data.shape)


def type_string(dtype) -> str:
    """How PyTorch names a CPU tensor type in messages: torch.FloatTensor, but CPUBoolType for bool/complex."""
    if dtype.category in (dtypes.BOOL, dtypes.COMPLEX):
        return f"CPU{dtype.scalar_name}Type"
    return f"torch.{dtype.legacy_name}"


def expand_target(shape: tuple, sizes: tuple, dtype) -> tuple:
    """The shape `expand(sizes)` gives a tensor of `shape` and `dtype`, with PyTorch's errors."""
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand({type_string(dtype)}{{[{', '.join(map(str, shape))}]}}, size=[{', '.join(map(str, sizes))}]): "
            "the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    target = list(sizes)
    for i in range(len(sizes) - 1, -1, -1):  # PyTorch checks from the last dimension back
        s = sizes[i]
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing dimension {i}"
                )
            continue
        d = shape[i - lead]
        if s == -1:
            target[i] = d
        elif d != s and d != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({d}) at non-singleton "
                f"dimension {i}.  Target sizes: [{', '.join(map(str, sizes))}].  Tensor sizes: "
                f"[{', '.join(map(str, shape))}]"
            )
    return tuple(target)


def expand_error(dtype, shape: tuple, target: tuple) -> RuntimeError:
    """The error expanding a tensor of `shape` to `target` raises (for index assignment's checks)."""
    try:
        expand_target(shape, target, dtype)
    except RuntimeError as exc:
        return exc
    return RuntimeError(f"cannot expand {list(shape)} to {list(target)}")


def broadcast_view(a: np.ndarray, target: tuple) -> np.ndarray:
    """np.broadcast_to(a, target) for a target already checked: a read-only view with zero
    steps along the repeated dimensions. np.broadcast_to takes 2.5 µs, most of an expand;
    a contiguous array's view is made here directly in a quarter of that."""
    if not a.flags.c_contiguous:
        return np.broadcast_to(a, target)
    lead = len(target) - a.ndim
    strides = (0,) * lead + tuple(0 if d != t else step for d, t, step in zip(a.shape, target[lead:], a.strides))
    view = np.ndarray(target, a.dtype, a, 0, strides)
    view.flags.writeable = False  # one element seen at many places: writing through it would be wrong
    return view


@op("shape", variants="method", grad_fn="ExpandBackward0")
def expand(input, *sizes):
    """A view repeating size-1 dimensions (no copy); -1 keeps a dimension's size."""
    tensor_arg(input)
    shape = input._data.shape
    target = expand_target(shape, _shape_arg(sizes), input.dtype)
    array = input._data[...] if target == shape else broadcast_view(input._data, target)
    return record_view(input, array, "ExpandBackward0", lambda g: (g.sum_to_size(shape),))


@op("shape", variants="method", grad_fn="ExpandBackward0")
def expand_as(self, other):
    """self expanded to other's shape."""
    tensor_arg(other, "other")
    return expand(self, other._data.shape)


@op("shape", grad_fn="PermuteBackward0")
def permute(input, *dims):
    """A view with the dimensions reordered."""
    tensor_arg(input)
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _shape_arg(dims)
    ndim = input._data.ndim
    if len(dims) != ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
            f"desired ordering of dimensions i.e. input.dim() = {ndim} is not equal to len(dims) = {len(dims)}"
        )
    axes = tuple(wrap_dim(d, ndim) for d in dims)
    if len(set(axes)) != ndim:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    inverse = [0] * ndim
    for i, a in enumerate(axes):
        inverse[a] = i
    return record_view(input, input._data.transpose(axes), "PermuteBackward0",
                       lambda g: (g.permute(inverse),))


@op("shape", aliases=("swapaxes", "swapdims"), grad_fn="TransposeBackward0")
def transpose(input, dim0, dim1):
    """A view with two dimensions swapped."""
    tensor_arg(input)
    ndim = input._data.ndim
    d0, d1 = wrap_dim(dim0, ndim), wrap_dim(dim1, ndim)
    array = np.swapaxes(input._data, d0, d1) if ndim else input._data[...]
    return record_view(input, array, "TransposeBackward0", lambda g: (g.transpose(d0, d1),))


@op("shape", grad_fn="TBackward0")
def t(input):
    """The transpose of a matrix (0-D and 1-D tensors are returned as they are)."""
    tensor_arg(input)
    ndim = input._data.ndim
    if ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D")
    return record_view(input, input._data.T, "TBackward0", lambda g: (g.t(),))


@op("shape", grad_fn=("SqueezeBackward0", "SqueezeBackward1", "SqueezeBackward2"))
def squeeze(input, dim=None):
    """A view without size-1 dimensions (all of them, or those in dim)."""
    tensor_arg(input)
    shape = input._data.shape
    if dim is None:
        axes = tuple(i for i, d in enumerate(shape) if d == 1)
        name = "SqueezeBackward0"
    else:
        dims = dim if isinstance(dim, (list, tuple)) else (dim,)
        axes = tuple(sorted({wrap_dim(d, len(shape)) for d in dims}))
        axes = tuple(a for a in axes if shape and shape[a] == 1)
        name = "SqueezeBackward2" if isinstance(dim, (list, tuple)) else "SqueezeBackward1"
    array = input._data.squeeze(axes) if axes else input._data[...]
    return record_view(input, array, name, lambda g: (g.reshape(shape),))


@op("shape", grad_fn="UnsqueezeBackward0")
def unsqueeze(input, dim):
    """A view with a size-1 dimension inserted at dim."""
    tensor_arg(input)
    ndim = input._data.ndim
    axis = wrap_dim(dim, ndim + 1)
    shape = input._data.shape
    return record_view(input, np.expand_dims(input._data, axis), "UnsqueezeBackward0",
                       lambda g: (g.squeeze(axis),))


@op("shape", grad_fn="ViewBackward0")
def flatten(input, start_dim=0, end_dim=-1):
    """input with dimensions start_dim..end_dim merged into one (a view when possible)."""
    tensor_arg(input)
    shape = input._data.shape
    s, e = wrap_dim(start_dim, len(shape)), wrap_dim(end_dim, len(shape))
    if not shape:
        return reshape(input, 1)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    return reshape(input, shape[:s] + (numel_of(shape[s:e + 1]),) + shape[e + 1:])


# ================================================================ in-place view ops (change self's shape)


def _reshape_in_place(self, result, name: str):
    """Make self the view `result` computed from it (same memory), as PyTorch's squeeze_ & co. do."""
    self._data = result._data
    self._version[0] += 1
    if result._grad_fn is not None:
        result._grad_fn._name = name  # the in-place variant's node, e.g. UnsqueezeBackward1
        self._grad_fn = result._grad_fn
    return self


@op("shape", variants="method")
def unsqueeze_(self, dim):
    """Insert a size-1 dimension at dim, in place."""
    check_inplace(self)
    return _reshape_in_place(self, unsqueeze(self, dim), "UnsqueezeBackward1")


@op("shape", variants="method")
def squeeze_(self, dim=None):
    """Remove size-1 dimensions (all, or those in dim), in place."""
    check_inplace(self)
    name = "SqueezeBackward3" if dim is None else "SqueezeBackward5" if isinstance(dim, (list, tuple)) \
        else "SqueezeBackward4"
    return _reshape_in_place(self, squeeze(self, dim), name)


@op("shape", variants="method")
def t_(self):
    """Transpose a matrix in place."""
    check_inplace(self)
    return _reshape_in_place(self, t(self), "TBackward1")


@op("shape", variants="method", aliases=("swapaxes_", "swapdims_"))
def transpose_(self, dim0, dim1):
    """Swap two dimensions in place."""
    check_inplace(self)
    return _reshape_in_place(self, transpose(self, dim0, dim1), "TransposeBackward1")


# ================================================================ transposes as properties

# T, mT, H and mH are attributes, not methods, in PyTorch; the registry installs only
# methods and operators, so their property objects are put on Tensor here.


def _T(self):
    a = self._data
    if a.ndim == 2:  # the common case, without building the axis order
        return record_view(self, a.T, "PermuteBackward0", lambda g: (g.permute(1, 0),))
    order = tuple(range(a.ndim - 1, -1, -1))
    return record_view(self, a.transpose(order), "PermuteBackward0", lambda g: (g.permute(order),))


def _mT(self):
    if self._data.ndim == 0:
        return self  # deprecated in PyTorch, and the identity
    if self._data.ndim < 2:
        raise RuntimeError(
            f"tensor.mT is only supported on matrices or batches of matrices. Got {self._data.ndim}-D tensor."
        )
    return transpose(self, -2, -1)


def _H(self):
    if self._data.ndim == 0:
        return _conj(self)
    if self._data.ndim != 2:
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {self._data.ndim}-D tensor."
        )
    return _conj(transpose(self, 0, 1))


def _mH(self):
    if self._data.ndim == 0:
        return _conj(self)
    if self._data.ndim < 2:
        raise RuntimeError(
            f"tensor.mH is only supported on matrices or batches of matrices. Got {self._data.ndim}-D tensor."
        )
    return _conj(transpose(self, -2, -1))


def _conj(t: Tensor) -> Tensor:
    """The complex conjugate (a copy) of a complex tensor; real tensors are returned as they are."""
    if t._data.dtype.kind != "c":
        return t
    return record(np.conj(t._data), "ConjBackward0", (t,), lambda g: (_conj(g),))


@op("shape", grad_fn="TransposeBackward0")
def adjoint(input):
    """The conjugate transpose of the last two dimensions (same as .mH)."""
    return _mH(tensor_arg(input))


Tensor.T = property(_T, doc="The tensor with its dimensions reversed (the transpose of a matrix).")
Tensor.mT = property(_mT, doc="The transpose of the last two dimensions (a batch of matrices).")
Tensor.H = property(_H, doc="The conjugate transpose of a matrix.")
Tensor.mH = property(_mH, doc="The conjugate transpose of the last two dimensions.")


# ================================================================ rearranging dimensions


@op("shape", grad_fn="ViewBackward0")
def unflatten(input, dim, sizes):
    """A view with dimension dim split into the given sizes (one may be -1)."""
    tensor_arg(input)
    shape = input._data.shape
    d = wrap_dim(dim, len(shape))
    if not shape:
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as 0 but tensor has no dimensions")
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError("unflatten got an unexpected error:\nonly one dimension can be inferred")
    n = shape[d]
    known = numel_of(s for s in sizes if s != -1)
    if (-1 in sizes and (known == 0 or n % known)) or (-1 not in sizes and known != n):
        raise RuntimeError(
            f"unflatten: Provided sizes [{', '.join(map(str, sizes))}] don't multiply up to the size of dim {d} "
            f"({n}) in the input tensor"
        )
    sizes = tuple(n // known if s == -1 else s for s in sizes)
    return view(input, shape[:d] + sizes + shape[d + 1:])


def _int_list(x) -> list:
    return [int(v) for v in x] if isinstance(x, (list, tuple)) else [int(x)]


@op("shape", aliases=("moveaxis",), grad_fn=("AliasBackward0", "PermuteBackward0"))
def movedim(input, source, destination):
    """A view with the dimensions in source moved to the positions in destination."""
    tensor_arg(input)
    src, dst = _int_list(source), _int_list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({src} dims) should contain the same number of "
            f"dims as destination ({dst} dims)"
        )
    n = input._data.ndim
    src_axes = [wrap_dim(d, n) for d in src]
    dst_axes = [wrap_dim(d, n) for d in dst]
    if n == 0:
        return view_at(input, (), "AliasBackward0")
    if len(set(src_axes)) != len(src_axes):
        raise RuntimeError(f"movedim: repeated dim in `source` ({src})")
    if len(set(dst_axes)) != len(dst_axes):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({dst})")
    order = [-1] * n
    for a, b in zip(src_axes, dst_axes):
        order[b] = a
    rest = iter(i for i in range(n) if i not in src_axes)
    order = [o if o != -1 else next(rest) for o in order]
    return permute(input, order)


@op("shape", grad_fn="SelectBackward0")
def select(input, dim, index):
    """The view at position index along dim (that dimension removed)."""
    tensor_arg(input)
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, len(shape))
    index = int(index)
    if not -shape[d] <= index < shape[d]:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(shape)} at dimension {d}"
        )
    return view_at(input, (slice(None),) * d + (index,), "SelectBackward0")


@op("shape", grad_fn="SliceBackward0")
def narrow(input, dim, start, length):
    """The view of length elements from start along dim."""
    tensor_arg(input)
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, len(shape))
    size = shape[d]
    start, length = int(start), int(length)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return view_at(input, (slice(None),) * d + (slice(start, start + length),), "SliceBackward0")


# ================================================================ copies: repeat, flip, roll


@op("shape", variants="method", grad_fn="RepeatBackward0")
def repeat(self, *repeats):
    """self tiled repeats[i] times along each dimension (a copy)."""
    if not repeats:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    reps = _shape_arg(repeats)
    shape = self._data.shape
    if len(reps) < len(shape):
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    padded = (1,) * (len(reps) - len(shape)) + shape
    target = [r * s for r, s in zip(reps, padded)]
    for n in target:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {target}")
    check_allocation(target, self.dtype)
    out = np.tile(self._data.reshape(padded), reps)

    def backward(g):
        # Each output element is a copy of one input element: sum the copies.
        interleaved = [n for pair in zip(reps, padded) for n in pair]
        return (g.reshape(interleaved).sum(tuple(range(0, 2 * len(reps), 2))).reshape(shape),)

    return record(out, "RepeatBackward0", (self,), backward)


@op("shape", grad_fn="RepeatBackward0")
def tile(input, *dims):
    """input repeated dims[i] times along each dimension (missing leading dims count as 1)."""
    tensor_arg(input)
    dims = list(_shape_arg(dims))
    dims = [1] * (input._data.ndim - len(dims)) + dims
    return repeat(input, dims)


@op("shape", grad_fn="FlipBackward0")
def flip(input, *dims):
    """A copy with the order of elements reversed along the given dims."""
    tensor_arg(input)
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    dims = _shape_arg(dims)
    n = input._data.ndim
    axes = tuple(wrap_dim(d, n) for d in dims)
    for a in axes:
        if axes.count(a) > 1:
            raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
    out = np.flip(input._data, axes).copy() if axes and n else input._data.copy()
    return record(out, "FlipBackward0", (input,), lambda g: (g.flip(axes),))


@op("shape", grad_fn="FlipBackward0")
def fliplr(input):
    """Flip a tensor of 2 or more dimensions left to right (along dim 1)."""
    if tensor_arg(input)._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


@op("shape", grad_fn="FlipBackward0")
def flipud(input):
    """Flip a tensor of 1 or more dimensions upside down (along dim 0)."""
    if tensor_arg(input)._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


@op("shape", grad_fn="RollBackward0")
def roll(input, shifts, dims=None):
    """Shift elements cyclically along dims (the flattened tensor if dims is None)."""
    tensor_arg(input)
    shifts = _int_list(shifts)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        out = np.roll(input._data, shifts[0])
        back = [-s for s in shifts]
        return record(out, "RollBackward0", (input,), lambda g: (g.roll(back),))
    dims = _int_list(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    if input._data.size == 0:
        return record(input._data.copy(), "RollBackward0", (input,), lambda g: (g.roll(shifts, dims),))
    if input._data.ndim == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    axes = [wrap_dim(d, input._data.ndim) for d in dims]
    out = np.roll(input._data, shifts, axes) if input._data.size else input._data.copy()
    back = [-s for s in shifts]
    return record(out, "RollBackward0", (input,), lambda g: (g.roll(back, axes),))


@op("shape", grad_fn="Rot90Backward0")
def rot90(input, k=1, dims=(0, 1)):
    """A copy rotated by 90 degrees k times, from the first of dims towards the second."""
    tensor_arg(input)
    dims = _int_list(dims)
    n = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = wrap_dim(dims[0], n), wrap_dim(dims[1], n)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    out = np.rot90(input._data, k, (d0, d1)).copy()
    return record(out, "Rot90Backward0", (input,), lambda g: (g.rot90(-k, [d0, d1]),))


@op("shape", variants="method", grad_fn="UnfoldBackward0")
def unfold(self, dimension, size, step):
    """A view of every window of `size` elements along dimension, `step` apart (a new last dimension)."""
    a = self._data
    d = wrap_dim(dimension, a.ndim)
    length = a.shape[d] if a.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if a.ndim == 0:
        if size:
            return view_at(self, (None,), "UnfoldBackward0")
        return record_view(self, a.reshape(1)[:0], "UnfoldBackward0", lambda g: (g.sum().reshape(()) * 0,))
    windows = (length - size) // step + 1
    shape = a.shape[:d] + (windows,) + a.shape[d + 1:] + (size,)
    strides = a.strides[:d] + (a.strides[d] * step,) + a.strides[d + 1:] + (a.strides[d],)
    view = np.lib.stride_tricks.as_strided(a, shape, strides)
    source = a.shape
    return record_view(self, view, "UnfoldBackward0",
                       lambda g: (put_at(g, source, _window_positions(source, d, windows, step, size)),))


def _window_positions(source: tuple, d: int, windows: int, step: int, size: int) -> tuple:
    """Each element of unfold's result: its index in self (windows overlap, so put_at accumulates)."""
    ndim = len(source) + 1
    key = []
    for i, n in enumerate(source):
        axis = np.arange(n) if i != d else np.arange(windows) * step
        place = [1] * ndim
        place[i] = len(axis)
        key.append(axis.reshape(place))
    offset = [1] * ndim
    offset[-1] = size
    key[d] = key[d] + np.arange(size).reshape(offset)
    return tuple(key)


# ================================================================ joining


def _tensor_list(tensors, name: str) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return list(tensors)


@op("shape", variants="function", aliases=("concat", "concatenate"), grad_fn="CatBackward0", out="concat")
def cat(tensors, dim=0):
    """Join tensors along an existing dimension dim (a copy); shapes must match elsewhere."""
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # PyTorch still skips 1-D empty tensors in cat, whatever the others' shapes.
    parts = [t for t in tensors if t._data.shape != (0,)]
    dtype = result_type(*tensors)
    if not parts:
        return record(np.zeros((0,), dtype=dtype.np), "CatBackward0", tuple(tensors),
                      lambda g: tuple(g for _ in tensors))
    ref = parts[0]._data.shape
    d = wrap_dim(dim, len(ref))
    for i, t in enumerate(tensors):
        s = t._data.shape
        if s == (0,):
            continue
        if len(s) != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}")
        for a, (m, n) in enumerate(zip(ref, s)):
            if a != d and m != n:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {m} but got size {n} "
                    f"for tensor number {i} in the list."
                )
    joined = list(ref)
    joined[d] = sum(t._data.shape[d] for t in parts)
    check_allocation(joined, dtype)
    out = np.concatenate([t._data for t in parts], axis=d, dtype=dtype.np)
    bounds = []
    offset = 0
    for t in tensors:
        n = 0 if t._data.shape == (0,) else t._data.shape[d]
        bounds.append((offset, n, t._data.shape == (0,)))
        offset += n

    def backward(g):
        return tuple(None if empty else g.narrow(d, start, n) for start, n, empty in bounds)

    return record(out, "CatBackward0", tuple(tensors), backward)


@op("shape", variants="function", grad_fn="StackBackward0", out="concat")
def stack(tensors, dim=0):
    """Join equally shaped tensors along a new dimension dim."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    first = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != first:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                f"{list(t._data.shape)} at entry {i}"
            )
    d = wrap_dim(dim, len(first) + 1)
    dtype = result_type(*tensors)
    check_allocation((len(tensors),) + first, dtype)
    out = np.stack([t._data for t in tensors], axis=d, dtype=dtype.np)
    count = len(tensors)
    return record(out, "StackBackward0", tuple(tensors), lambda g: tuple(g.select(d, i) for i in range(count)))


def _non_empty(tensors, name: str) -> list:
    tensors = _tensor_list(tensors, name)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


@op("shape", variants="function", grad_fn="CatBackward0")
def hstack(tensors):
    """Join tensors column-wise: along dim 1, or dim 0 for 1-D tensors."""
    tensors = [atleast_1d(t) for t in _non_empty(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


@op("shape", variants="function", aliases=("row_stack",), grad_fn="CatBackward0")
def vstack(tensors):
    """Join tensors row-wise, along dim 0 (1-D tensors become rows)."""
    return cat([atleast_2d(t) for t in _non_empty(tensors, "vstack")], 0)


@op("shape", variants="function", grad_fn="CatBackward0")
def dstack(tensors):
    """Join tensors depth-wise, along dim 2."""
    return cat([atleast_3d(t) for t in _non_empty(tensors, "dstack")], 2)


@op("shape", variants="function", grad_fn="CatBackward0")
def column_stack(tensors):
    """Join tensors as columns: 0-D and 1-D tensors become columns, then hstack."""
    tensors = _non_empty(tensors, "column_stack")
    return hstack([t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t for t in tensors])


def _atleast(tensors, fn):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(fn(t) for t in tensors[0])
    if len(tensors) == 1:
        return fn(tensors[0])
    return tuple(fn(t) for t in tensors)


def _at_least_1d(t):
    return reshape(t, 1) if tensor_arg(t)._data.ndim == 0 else t


def _at_least_2d(t):
    n = tensor_arg(t)._data.ndim
    return reshape(t, 1, 1) if n == 0 else unsqueeze(t, 0) if n == 1 else t


def _at_least_3d(t):
    n = tensor_arg(t)._data.ndim
    if n == 0:
        return reshape(t, 1, 1, 1)
    if n == 1:
        return unsqueeze(unsqueeze(t, 0), -1)
    return unsqueeze(t, -1) if n == 2 else t


@op("shape", variants="function", grad_fn="ViewBackward0")
def atleast_1d(*tensors):
    """The tensor(s) with at least 1 dimension (0-D tensors become 1-D)."""
    return _atleast(tensors, _at_least_1d)


@op("shape", variants="function", grad_fn="UnsqueezeBackward0")
def atleast_2d(*tensors):
    """The tensor(s) with at least 2 dimensions (1-D tensors become rows)."""
    return _atleast(tensors, _at_least_2d)


@op("shape", variants="function", grad_fn="UnsqueezeBackward0")
def atleast_3d(*tensors):
    """The tensor(s) with at least 3 dimensions."""
    return _atleast(tensors, _at_least_3d)


# ================================================================ splitting (tuples of views)


def _pieces(input: Tensor, d: int, bounds, name: str) -> tuple:
    """Views of input along d, one per (start, stop); each output gets its own node named `name`."""
    lead = (slice(None),) * d
    return tuple(view_at(input, lead + (slice(a, b),), name) for a, b in bounds)


def _split_dim(input, dim, what: str) -> int:
    tensor_arg(input)
    if input._data.ndim == 0:
        raise RuntimeError(f"{what} expects at least a 1-dimensional tensor")
    return wrap_dim(dim, input._data.ndim)


@op("shape", grad_fn=("SplitBackward0", "SplitWithSizesBackward0"))
def split(tensor, split_size_or_sections, dim=0):
    """Views of tensor in pieces of split_size along dim (the last may be smaller), or of the listed sizes."""
    d = _split_dim(tensor, dim, "split")
    size = tensor._data.shape[d]
    sections = split_size_or_sections
    if isinstance(sections, (list, tuple)):
        sections = [int(s) for s in sections]
        if any(s < 0 for s in sections):
            raise RuntimeError(
                f"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={sections}"
            )
        if sum(sections) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension "
                f"{d}), but got split_sizes={sections}"
            )
        starts = np.cumsum([0] + sections)
        return _pieces(tensor, d, zip(starts[:-1].tolist(), starts[1:].tolist()), "SplitWithSizesBackward0")
    step = int(sections)
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0:
        if size != 0:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
            )
        return _pieces(tensor, d, [(0, 0)], "SplitBackward0")
    count = max(-(-size // step), 1)
    return _pieces(tensor, d, [(i * step, min((i + 1) * step, size)) for i in range(count)], "SplitBackward0")


@op("shape", grad_fn=("SplitBackward0", "SplitWithSizesBackward0"))
def chunk(input, chunks, dim=0):
    """At most `chunks` views of input along dim, of equal size except perhaps the last."""
    chunks = int(chunks)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _split_dim(input, dim, "chunk")
    size = input._data.shape[d]
    step = -(-size // chunks)
    if size == 0:
        return _pieces(input, d, [(0, 0)] * chunks, "SplitWithSizesBackward0")
    return split(input, step, d)


@op("shape", grad_fn="SliceBackward0")
def tensor_split(input, indices_or_sections, dim=0):
    """Views of input along dim: n nearly equal parts (an int), or cut before each listed index."""
    tensor_arg(input)
    if input._data.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    d = _split_dim(input, dim, "tensor_split")
    size = input._data.shape[d]
    cuts = indices_or_sections
    if isinstance(cuts, Tensor):
        cuts = cuts.tolist()
    if isinstance(cuts, (list, tuple)):
        edges = [0] + [int(c) for c in cuts] + [size]
        bounds = [slice(a, b).indices(size)[:2] for a, b in zip(edges[:-1], edges[1:])]
    else:
        n = int(cuts)
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        bounds, start = [], 0
        for i in range(n):
            stop = start + q + (1 if i < r else 0)
            bounds.append((start, stop))
            start = stop
    return _pieces(input, d, bounds, "SliceBackward0")


@op("shape", grad_fn="UnbindBackward0")
def unbind(input, dim=0):
    """The views of input at each position along dim (that dimension removed), as a tuple."""
    tensor_arg(input)
    d = wrap_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    lead = (slice(None),) * d
    return tuple(view_at(input, lead + (i,), "UnbindBackward0") for i in range(input._data.shape[d]))


def _split_along(input, indices_or_sections, dim: int, name: str, min_dims: int) -> tuple:
    n = tensor_arg(input)._data.ndim
    if n < min_dims:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor with {n} dimensions!"
        )
    if not isinstance(indices_or_sections, (list, tuple, Tensor)):
        sections, size = int(indices_or_sections), input._data.shape[dim]
        if sections == 0 or size % sections:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension {size} is "
                f"not divisible by the split_size {sections}!"
            )
    return tensor_split(input, indices_or_sections, dim)


@op("shape", grad_fn="SliceBackward0")
def hsplit(input, indices_or_sections):
    """tensor_split along dim 1 (dim 0 for 1-D tensors); an int must divide that dimension."""
    dim = 1 if tensor_arg(input)._data.ndim >= 2 else 0
    return _split_along(input, indices_or_sections, dim, "hsplit", 1)


@op("shape", grad_fn="SliceBackward0")
def vsplit(input, indices_or_sections):
    """tensor_split along dim 0 of a tensor of at least 2 dimensions; an int must divide it."""
    return _split_along(input, indices_or_sections, 0, "vsplit", 2)


@op("shape", grad_fn="SliceBackward0")
def dsplit(input, indices_or_sections):
    """tensor_split along dim 2 of a tensor of at least 3 dimensions; an int must divide it."""
    return _split_along(input, indices_or_sections, 2, "dsplit", 3)


# ================================================================ copies of a region, and writing one


@op("shape", grad_fn="NarrowCopyBackward0")
def narrow_copy(input, dim, start, length):
    """A copy of narrow(input, dim, start, length)."""
    part = narrow(input, dim, start, length)
    shape = input._data.shape
    d = wrap_dim(dim, len(shape))
    begin = int(start) + (shape[d] if int(start) < 0 else 0)
    key = (slice(None),) * d + (slice(begin, begin + int(length)), Ellipsis)
    return record(part._data.copy(), "NarrowCopyBackward0", (input,), lambda g: (put_at(g, shape, key),))


def _scatter_region(input, src, region: np.ndarray, write, name: str, read_back):
    """A copy of input with src written into `region` of it; the gradient splits between the two."""
    tensor_arg(input)
    tensor_arg(src, "src")
    if src._data.shape != region.shape:
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = {list(src._data.shape)}, "
            f"slice size = {list(region.shape)}"
        )
    out = input._data.copy()
    write(out, src._data)
    keep = np.ones(out.shape, dtype=np.bool_)
    write(keep, False)
    keep_t = wrap(keep)
    return record(out, name, (input, src), lambda g: (g * keep_t, read_back(g)))


@op("shape", grad_fn="SelectScatterBackward0")
def select_scatter(input, src, dim, index):
    """A copy of input with src written at position index along dim (the inverse of select)."""
    region = select(tensor_arg(input).detach(), dim, index)
    d = wrap_dim(dim, input._data.ndim)
    key = (slice(None),) * d + (int(index), Ellipsis)

    def write(a, v):
        a[key] = v

    return _scatter_region(input, src, region._data, write, "SelectScatterBackward0", lambda g: g.select(d, index))


@op("shape", grad_fn="SliceScatterBackward0")
def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of input with src written into the slice start:end:step along dim."""
    tensor_arg(input)
    d = wrap_dim(dim, input._data.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    key = (slice(None),) * d + (slice(start, end, step), Ellipsis)
    region = input._data[key]

    def write(a, v):
        a[key] = v

    return _scatter_region(input, src, region, write, "SliceScatterBackward0", lambda g: g[key])


@op("shape", grad_fn="DiagonalScatterBackward0")
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of input with src written on the diagonal (the inverse of diagonal)."""
    region = diagonal(tensor_arg(input).detach(), offset, dim1, dim2)
    n = input._data.ndim
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)

    def write(a, v):
        _diagonal_view(a, offset, d1, d2)[...] = v

    return _scatter_region(input, src, region._data, write, "DiagonalScatterBackward0",
                           lambda g: g.diagonal(offset, d1, d2))


# ================================================================ broadcasting


@op("shape", grad_fn="ExpandBackward0")
def broadcast_to(input, *size):
    """A view of input expanded to size (as broadcasting would)."""
    return expand(input, *size)


@op("shape", variants="function", grad_fn="ExpandBackward0")
def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape (views)."""
    shape = broadcast_shapes(*(tensor_arg(t)._data.shape for t in tensors))
    return tuple(t if t._data.shape == shape else expand(t, shape) for t in tensors)


@op("shape", variants="function", grad_fn="ExpandBackward0")
def meshgrid(*tensors, indexing=None):
    """Coordinate grids: for 1-D tensors of sizes n1, ..., nk, k views of shape (n1, ..., nk) with
    indexing='ij', or with the first two sizes swapped with indexing='xy' (as NumPy's default)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        print("UserWarning: torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
              "argument.", file=sys.stderr)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if tensor_arg(t, "tensors")._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    if len({t._data.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    sizes = [t._data.size for t in tensors]
    # 'xy' swaps the first two dimensions of every grid, so the first tensor runs along columns.
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(tensors)
    for axis, size in zip(axes, sizes):
        shape[axis] = size
    grids = []
    for t, axis, size in zip(tensors, axes, sizes):
        column = [1] * len(tensors)
        column[axis] = size
        grids.append(expand(t.reshape(column), tuple(shape)))
    return tuple(grids)


@op("shape", variants="function", name="broadcast_shapes")
def broadcast_shapes_op(*shapes):
    """The shape that tensors of the given shapes broadcast to."""
    shapes = [tuple(s) if isinstance(s, (list, tuple)) else (s,) for s in shapes]
    result = [1] * max((len(s) for s in shapes), default=0)
    for i, shape in enumerate(shapes):
        # PyTorch's own order and message (torch.functional), which differ from a tensor op's.
        for d in range(-1, -len(shape) - 1, -1):
            if shape[d] == 1 or shape[d] == result[d]:
                continue
            if result[d] != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[d]} at {d}! Mismatching argument at "
                    f"index {i} had {shape}; but expected shape should be broadcastable to {result}"
                )
            result[d] = shape[d]
    return Size(result)


# ================================================================ diagonals and triangles


def _diagonal_view(a: np.ndarray, offset: int, d1: int, d2: int) -> np.ndarray:
    """A writable NumPy view of the diagonal of a over dims d1, d2 (moved to the end)."""
    n1, n2 = a.shape[d1], a.shape[d2]
    start = [slice(None)] * a.ndim
    if offset >= 0:
        length = max(min(n1, n2 - offset), 0)
        if length:
            start[d2] = slice(offset, None)
    else:
        length = max(min(n1 + offset, n2), 0)
        if length:
            start[d1] = slice(-offset, None)
    rest = [i for i in range(a.ndim) if i not in (d1, d2)]
    shape = tuple(a.shape[i] for i in rest) + (length,)
    strides = tuple(a.strides[i] for i in rest) + (a.strides[d1] + a.strides[d2],)
    return np.lib.stride_tricks.as_strided(a[tuple(start)], shape, strides)


@op("shape", grad_fn="DiagonalBackward0")
def diagonal(input, offset=0, dim1=0, dim2=1):
    """A view of the diagonal over dims dim1 and dim2 (offset > 0: above it, < 0: below)."""
    tensor_arg(input)
    n = input._data.ndim
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    shape = input._data.shape
    return record_view(input, _diagonal_view(input._data, offset, d1, d2), "DiagonalBackward0",
                       lambda g: (_diagonal_embed(g, shape, offset, d1, d2),))


def _diagonal_embed(g: Tensor, shape: tuple, offset: int, d1: int, d2: int) -> Tensor:
    """Zeros of shape with g written on the diagonal: the adjoint of diagonal()."""
    out = np.zeros(shape, dtype=g._data.dtype)
    _diagonal_view(out, offset, d1, d2)[...] = g._data
    return record(out, "DiagonalBackwardBackward0", (g,), lambda gg: (gg.diagonal(offset, d1, d2),))


def _diag_result(input, diagonal=0) -> tuple:
    """diag's result rule: a vector becomes a square matrix."""
    shape = input._data.shape
    side = shape[0] + abs(diagonal) if len(shape) == 1 else 0
    return (side, side), input.dtype


@op("shape", grad_fn=("DiagEmbedBackward0", "DiagonalBackward0_copy"), result=_diag_result)
def diag(input, diagonal=0):
    """A 1-D tensor's elements on a matrix diagonal, or a matrix's diagonal as a 1-D tensor (copies)."""
    tensor_arg(input)
    n = input._data.ndim
    if n == 1:
        k = len(input._data) + abs(diagonal)
        out = np.zeros((k, k), dtype=input._data.dtype)
        _diagonal_view(out, diagonal, 0, 1)[...] = input._data
        return record(out, "DiagEmbedBackward0", (input,), lambda g: (g.diagonal(diagonal),))
    if n == 2:
        shape = input._data.shape
        out = _diagonal_view(input._data, diagonal, 0, 1).copy()
        return record(out, "DiagonalBackward0_copy", (input,),
                      lambda g: (_diagonal_embed(g, shape, diagonal, 0, 1),))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")


def _triangle(input, diagonal, np_fn, name):
    tensor_arg(input)
    if input._data.ndim < 2:
        raise RuntimeError(f"{name.lower()}: input tensor must have at least 2 dimensions")
    fn_name = name.lower()
    return record(np_fn(input._data, diagonal), f"{name}Backward0", (input,),
                  lambda g: (getattr(g, fn_name)(diagonal),))


@op("shape", grad_fn="TrilBackward0")
def tril(input, diagonal=0):
    """A copy with the elements above the given diagonal set to zero (the lower triangle)."""
    return _triangle(input, diagonal, np.tril, "Tril")


@op("shape", grad_fn="TriuBackward0")
def triu(input, diagonal=0):
    """A copy with the elements below the given diagonal set to zero (the upper triangle)."""
    return _triangle(input, diagonal, np.triu, "Triu")


@op("shape", grad_fn="ViewBackward0")
def ravel(input):
    """input as a 1-D tensor: a view when contiguous, otherwise a copy."""
    tensor_arg(input)
    if not input._data.flags.c_contiguous:
        input = input.contiguous()
    return view(input, -1)
