"""Shape ops: views that reinterpret memory, and the joins and splits that copy.

Views (`view`, `t`, `transpose`, `permute`, `expand`, `squeeze`, `unsqueeze`, ...)
wrap a NumPy view of the input's memory via `record_view`, so writes through one are
seen through the other, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor, wrap_dim
from .common import numel_of, record_view, tensor_arg
from .creation import parse_size
from .registry import op


def _shape_arg(shape) -> tuple:
    """view(2, 3), view((2, 3)), view([2, 3]) and view(torch.Size(...)) all name the shape (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    return tuple(int(d) if not isinstance(d, int) else d for d in shape)


def infer_size(shape: tuple, numel: int) -> tuple:
    """Resolve one -1 in a requested shape, with PyTorch's errors."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for d in shape:
        if d < -1:
            raise RuntimeError(f"invalid shape dimension {d}")
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


@op("shape", function=False, differentiable=True)
def view(self, *shape):
    """The same memory seen with another shape; fails if the layout does not allow it (see reshape)."""
    if len(shape) == 1 and not isinstance(shape[0], (list, tuple, int)):
        from .convert import _cast
        from .. import dtypes

        target = dtypes.to_dtype(shape[0])
        if target.itemsize != self.dtype.itemsize:
            raise RuntimeError("view(dtype) with a different element size is not supported in tensorsh")
        return record_view(self, self._data.view(target.np), "ViewBackward0", lambda g: (g.view(self.dtype),))
    size = infer_size(_shape_arg(shape), self._data.size)
    try:
        array = self._data.reshape(size, copy=False)
    except ValueError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans "
            "across two contiguous subspaces). Use .reshape(...) instead."
        ) from None
    source = self._data.shape
    return record_view(self, array, "ViewBackward0", lambda g: (g.reshape(source),))


@op("shape", differentiable=True)
def reshape(input, *shape):
    """input with another shape: a view when the layout allows it, otherwise a copy."""
    tensor_arg(input)
    size = infer_size(_shape_arg(shape), input._data.size)
    source = input._data.shape
    try:
        array = input._data.reshape(size, copy=False)
    except ValueError:
        from .common import record

        return record(input._data.reshape(size), "UnsafeViewBackward0", (input,), lambda g: (g.reshape(source),))
    return record_view(input, array, "ViewBackward0", lambda g: (g.reshape(source),))


@op("shape", function=False, differentiable=True)
def view_as(self, other):
    """self viewed with other's shape."""
    return view(self, other._data.shape)


@op("shape", function=False, differentiable=True)
def reshape_as(self, other):
    """self reshaped to other's shape."""
    return reshape(self, other._data.shape)


@op("shape", differentiable=True)
def expand(self, *sizes):
    """A view repeating size-1 dimensions (no copy); -1 keeps a dimension's size."""
    sizes = _shape_arg(sizes)
    shape = self._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand({self.type()}{{[{', '.join(map(str, shape))}]}}, size=[{', '.join(map(str, sizes))}]): "
            "the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing dimension {i}"
                )
            target.append(s)
            continue
        d = shape[i - lead]
        if s == -1:
            s = d
        elif d != s and d != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({d}) at non-singleton "
                f"dimension {i}.  Target sizes: [{', '.join(map(str, sizes))}].  Tensor sizes: "
                f"[{', '.join(map(str, shape))}]"
            )
        target.append(s)
    target = tuple(target)
    if target == shape:
        array = self._data[...]
    else:
        array = np.broadcast_to(self._data, target)
    return record_view(self, array, "ExpandBackward0", lambda g: (g.sum_to_size(shape),))


@op("shape", function=False, differentiable=True)
def expand_as(self, other):
    """self expanded to other's shape."""
    return expand(self, other._data.shape)


@op("shape", differentiable=True)
def permute(input, *dims):
    """A view with the dimensions reordered."""
    tensor_arg(input)
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
    inverse = tuple(np.argsort(axes))
    return record_view(input, input._data.transpose(axes), "PermuteBackward0",
                       lambda g: (g.permute(inverse),))


@op("shape", aliases=("swapaxes", "swapdims"), differentiable=True)
def transpose(input, dim0, dim1):
    """A view with two dimensions swapped."""
    tensor_arg(input)
    ndim = input._data.ndim
    d0, d1 = wrap_dim(dim0, ndim), wrap_dim(dim1, ndim)
    array = np.swapaxes(input._data, d0, d1) if ndim else input._data[...]
    return record_view(input, array, "TransposeBackward0", lambda g: (g.transpose(d0, d1),))


@op("shape", differentiable=True)
def t(input):
    """The transpose of a matrix (0-D and 1-D tensors are returned as they are)."""
    tensor_arg(input)
    ndim = input._data.ndim
    if ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D")
    return record_view(input, input._data.T, "TBackward0", lambda g: (g.t(),))


@op("shape", differentiable=True)
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


@op("shape", differentiable=True)
def unsqueeze(input, dim):
    """A view with a size-1 dimension inserted at dim."""
    tensor_arg(input)
    ndim = input._data.ndim
    axis = wrap_dim(dim, ndim + 1)
    shape = input._data.shape
    return record_view(input, np.expand_dims(input._data, axis), "UnsqueezeBackward0",
                       lambda g: (g.squeeze(axis),))


@op("shape", differentiable=True)
def flatten(input, start_dim=0, end_dim=-1):
    """input with dimensions start_dim..end_dim merged into one (a view when possible)."""
    tensor_arg(input)
    shape = input._data.shape
    if not shape:
        return reshape(input, 1)
    s, e = wrap_dim(start_dim, len(shape)), wrap_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    return reshape(input, shape[:s] + (numel_of(shape[s:e + 1]),) + shape[e + 1:])


def size_arg(size) -> tuple:
    return parse_size((size,))
