"""Views and their autograd history: where in-place writes meet shared memory.

A view shares its base's memory and version counter (see Tensor). Two primitives move
values between a tensor and positions in it, each the other's gradient: `take_at`
(a copy of input[key]) and `put_at` (zeros with g written at key); `view_at` is a view
through a basic key. After an in-place op is recorded on a view, its base's history is
rewritten as PyTorch's CopySlices (`rebase`, `propagate_to_base`), and views made
before a write follow their base's new history (`follow_base`, AsStridedBackward0).
"""

from __future__ import annotations

import numpy as np

from . import tensor
from .limits import check_allocation
from .autograd import node_class, record, record_view
from .tensor import Tensor, wrap


def take_at(input: Tensor, key, name: str = "IndexBackward0") -> Tensor:
    """input._data[key] as a new tensor (a copy); its gradient is put_at(g, input.shape, key)."""
    source = indexable(input._data, key)
    shape = taken_shape(source.shape, key)
    if shape is not None:
        check_allocation(shape, input.dtype)
    out = source[key]
    if out.base is not None or not isinstance(out, np.ndarray):
        out = np.array(out)
    shape = input._data.shape
    return record(out, name, (input,), lambda g: (put_at(g, shape, key),))


def put_at(g: Tensor, shape: tuple, key, name: str = "IndexPutBackward0") -> Tensor:
    """Zeros of `shape` with g added in at key (repeated positions accumulate)."""
    out = np.zeros(shape, dtype=g._data.dtype)
    if is_basic(key):
        out[key] = g._data
    else:
        np.add.at(indexable(out), key, g._data)
    return record(out, name, (g,), lambda gg: (take_at(gg, key),))


def taken_shape(shape: tuple, key: tuple) -> tuple | None:
    """The shape NumPy gives array[key] for a key with index arrays, worked out before it
    allocates: a few small index arrays can pick far more elements than the array has.
    None for keys without index arrays (their results are views, no larger than the array)
    and for keys NumPy will refuse."""
    if not any(isinstance(k, np.ndarray) for k in key):
        return None
    try:
        picked = np.broadcast_shapes(*(np.shape(k) for k in key if isinstance(k, (np.ndarray, int))))
    except ValueError:
        return None
    if any(isinstance(k, np.ndarray) and k.dtype == np.bool_ for k in key):
        return None  # masks are turned into positions before they get here
    explicit = sum(k is not None and k is not Ellipsis for k in key)
    parts, advanced, dim = [], [], 0  # parts: the kept dimensions' sizes, or "picked" in the index arrays' place
    for k in key:
        if k is Ellipsis:
            parts += shape[dim:dim + len(shape) - explicit]
            dim += len(shape) - explicit
        elif k is None:
            parts.append(1)
        elif isinstance(k, slice):
            parts.append(len(range(*k.indices(shape[dim]))))
            dim += 1
        else:
            advanced.append(len(parts))
            parts.append("picked")
            dim += 1
    parts += shape[dim:]
    kept = [p for p in parts if p != "picked"]
    if advanced == list(range(advanced[0], advanced[0] + len(advanced))):  # together: in their place
        return (*kept[:advanced[0]], *picked, *kept[advanced[0]:])
    return (*picked, *kept)


def indexable(a: np.ndarray, key=None) -> np.ndarray:
    """A 0-dim array as a 1-element view, for keys of index arrays (NumPy cannot index 0-dim arrays so)."""
    if a.ndim == 0 and (key is None or not is_basic(key)):
        return a.reshape(1)
    return a


def is_basic(key) -> bool:
    return all(k is None or k is Ellipsis or isinstance(k, (int, slice)) for k in key)


def view_at(input: Tensor, key: tuple, name: str) -> Tensor:
    """A view of input through a basic key (ints, slices, None), recorded as `name`."""
    shape = input._data.shape
    key = key + (Ellipsis,)  # keeps 0-dim results arrays (views), not NumPy scalars
    return record_view(input, input._data[key], name, lambda g: (put_at(g, shape, key),))


def rebase(self: Tensor, name: str, inputs: tuple, backward) -> None:
    """After an in-place write into self, make self the output of a new node on the tape."""
    self._grad_fn = node_class(name)(name, backward, inputs)
    self._requires_grad = True
    propagate_to_base(self)


def _rewrite_base_history(view: Tensor) -> None:
    """A write recorded on a view also changes its base's history (CopySlices)."""
    if view._base is not None:
        from .indexing import propagate_to_base

        propagate_to_base(view)


def propagate_to_base(view: Tensor) -> None:
    """After an in-place op is recorded on a view (view._grad_fn is that op), rewrite the base's history.

    As PyTorch does: the base becomes the output of CopySlices(its old history, the op),
    so a gradient through the base reaches the op, and the view becomes a view of the
    new base (AsStridedBackward0). Called by every in-place op that records on a view.
    """
    base = view._base
    if base is None or view._grad_fn is None:
        return
    positions = positions_in(base._data, view._data)
    if positions is None:
        return  # a layout we cannot map back (dtype views); the view keeps its own history
    old = _history_of(base, base._data)
    op_out = _history_of(view, view._data)
    keep = np.ones(base._data.shape, dtype=np.bool_)
    keep[positions] = False
    keep_t = wrap(keep)
    base._grad_fn = node_class("CopySlices")("CopySlices", lambda g: (g * keep_t, take_at(g, positions)),
                                              (old, op_out))
    base._requires_grad = True
    _follow(view, base, positions)


def follow_base(view: Tensor) -> None:
    """A view made before an in-place write to its base's memory: if the base requires grad
    now, the view becomes AsStridedBackward0 of the base's current history, as PyTorch
    regenerates a view's grad_fn (see Tensor)."""
    view._view_version = view._version[0]
    base = view._base
    if base._requires_grad:
        positions = positions_in(base._data, view._data)
        if positions is not None:
            _follow(view, base, positions)


def _follow(view: Tensor, base: Tensor, positions) -> None:
    shape = base._data.shape
    view._grad_fn = node_class("AsStridedBackward0")("AsStridedBackward0",
                                                     lambda g: (put_at(g, shape, positions),), (base,))
    view._requires_grad = True
    view._view_version = view._version[0]


def _history_of(t: Tensor, array) -> Tensor:
    """A stand-in tensor that carries t's current place in the graph."""
    proxy = wrap(array)
    proxy._requires_grad = t._requires_grad
    proxy._grad_fn = t._grad_fn
    proxy._accumulator = t._accumulator
    return proxy


def positions_in(base: np.ndarray, view: np.ndarray):
    """For each element of view, its index in base (a tuple of int arrays shaped like view), or None."""
    item = base.itemsize
    if view.itemsize != item or any(s < 0 for s in base.strides):
        return None
    start = (view.__array_interface__["data"][0] - base.__array_interface__["data"][0])
    if start % item or any(s % item for s in view.strides):
        return None
    offsets = np.full(view.shape, start // item, dtype=np.int64)
    for axis, (n, stride) in enumerate(zip(view.shape, view.strides)):
        shape = [1] * view.ndim
        shape[axis] = n
        offsets = offsets + np.arange(n, dtype=np.int64).reshape(shape) * (stride // item)
    if base.flags.c_contiguous:
        flat = offsets
    else:
        # Map memory offsets back to row-major positions through a lookup table.
        memory = np.zeros(base.shape, dtype=np.int64)
        for axis, (n, stride) in enumerate(zip(base.shape, base.strides)):
            shape = [1] * base.ndim
            shape[axis] = n
            memory = memory + np.arange(n, dtype=np.int64).reshape(shape) * (stride // item)
        table = np.full(int(memory.max(initial=0)) + 1, -1, dtype=np.int64)
        table[memory.reshape(-1)] = np.arange(base.size)
        if offsets.size and (offsets.max() >= table.size or (table[offsets] < 0).any()):
            return None
        flat = table[offsets] if offsets.size else offsets
    return np.unravel_index(flat, base.shape) if base.ndim else (Ellipsis,)


# The tensor module sits below this one; it asks here when a view must catch up.
tensor.follow_base = follow_base
