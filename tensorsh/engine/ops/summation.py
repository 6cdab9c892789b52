"""Floating-point sums in PyTorch's CPU order, so that `.item()` shows the same last digits.

PyTorch (aten/src/ATen/native/cpu/SumKernel.cpp) does not sum pairwise as NumPy does. It
walks the tensor as TensorIterator lays it out and sums each reduced row with a cascade:

- `cascade`: a running sum of blocks of `step` elements, whose block sums are summed in
  blocks of `step` again, three levels deep, then the leftovers from the innermost level
  out. `step` is 16 until rows pass 2**20 elements, then grows so the depth stays four.
- `row_sum`: four interleaved cascades (element i goes to accumulator i % 4), then the
  leftover elements into the first, then the four added in order.
- a row contiguous in memory is summed a SIMD vector at a time: each of the vector's lanes
  is a `row_sum` over the vectors, the elements past the last whole vector are added up
  first, then the lanes one by one.
- a row that spans several loops (a reduction the iterator cannot flatten to one
  dimension) is added into the output loop by loop, rounding to the output dtype each time.
- above 32768 elements and with several threads, a full reduction is split in equal parts
  per thread and the parts added at the end; a partial reduction is split by output columns.

float16 accumulates in float32 (as PyTorch's acc_type) and is rounded to float16 where
PyTorch stores into its float16 output. The kernels built on other orders live here too:
softmax's vectorised reduce_all (`lane_sum`), nll_loss's eight-level cascade (`flushed_sum`),
var/std (`variance`) and the 2-norm (`norm2`). Everything works on whole arrays: the Python
loops run over levels, lanes and a few leftover elements, never over a tensor's elements.
"""

from __future__ import annotations

import builtins
import functools

import numpy as np

from ..rounding import fma

# The x86-64 build of PyTorch registers its sum kernels for AVX2 and not for AVX-512, so
# AVX-512 machines run the AVX2 kernel too: a SIMD vector of 32 bytes (8 float32, 4 float64,
# 16 float16). Builds without AVX2 (and ARM) sum in another order.
VECTOR_BYTES = 32
# The thread count PyTorch splits large reductions over (its default is the number of
# physical cores; the golden recordings were made with 2).
THREADS = 2
# at::internal::GRAIN_SIZE: below it a reduction runs on one thread.
_GRAIN = 32768
_LEVELS = 4
_ORDERED_MAX = 2 ** 31  # elements: see torch_sum
_F16, _F32 = np.dtype(np.float16), np.dtype(np.float32)
_ILP = 4


def thread_ranges(n: int) -> list[tuple[int, int]]:
    """The (begin, end) share of n elements each thread takes in at::parallel_for: equal
    shares, rounded up, on as many threads as have GRAIN elements each (one below GRAIN)."""
    threads = min(THREADS, -(-n // _GRAIN)) if n > _GRAIN else 1
    chunk = max(1, -(-n // threads))
    return [(begin, min(n, begin + chunk)) for begin in range(0, n, chunk)] or [(0, 0)]


def running_sum(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """The left-to-right sum along axis, starting from zero, in x's dtype."""
    n = x.shape[axis]
    zero = x.dtype.type(0)  # 0 + x turns -0.0 into 0.0, as PyTorch's zeroed accumulator does
    if n > 1 and _inner_axis_besides(x, axis):
        # With a smaller stride inside it, NumPy walks the axis as an outer loop, adding in
        # order; only a reduction over the innermost loop is pairwise (or unrolled, in einsum).
        # On large arrays einsum walks it with a fraction of the ufunc's per-loop cost. Both
        # start from a zeroed output, as PyTorch's accumulators do.
        if x.size > 8192:
            return np.einsum(_EINSUM_DROP[axis % x.ndim], x)
        return np.add.reduce(x, axis=axis, initial=zero)
    if axis:
        x = np.moveaxis(x, axis, 0)
    if n <= 1:
        return x[0] + zero if n else np.zeros(x.shape[1:], x.dtype)
    if n > 64 or x[0].size < 256:
        return np.add.accumulate(x, axis=0)[-1] + zero  # strictly in order
    acc = x[0] + zero  # a few in-place adds beat accumulate's full-size copy
    for i in range(1, n):
        acc += x[i]
    return acc


def _inner_axis_besides(x: np.ndarray, axis: int) -> bool:
    """Whether some other axis of x steps through memory in smaller strides than axis (so
    that NumPy iterates axis outside it)."""
    step = x.strides[axis]
    axis %= x.ndim
    return builtins.any(0 < st < step for k, (st, d) in enumerate(zip(x.strides, x.shape)) if k != axis and d > 1)


# einsum subscripts that sum away axis k: "i...->...", "ai...->a...", ...
_EINSUM_DROP = ["abcdefg"[:k] + "z...->" + "abcdefg"[:k] + "..." for k in range(7)]


def cascade(x: np.ndarray) -> np.ndarray:
    """PyTorch's multi-level sum along axis 0 (multi_row_sum), the other axes summed alongside."""
    n = x.shape[0]
    step = 1 << max(4, (n - 1).bit_length() // _LEVELS if n > 1 else 0)
    if n < step:  # no block completes: one running sum
        return running_sum(x)
    # The innermost level runs over elements; each further level over the sums of the one below.
    partial = []
    sums = x
    for _ in range(_LEVELS - 1):
        whole = sums.shape[0] // step * step
        partial.append(running_sum(sums[whole:]))
        sums = running_sum(sums[:whole].reshape((whole // step, step) + sums.shape[1:]), 1)
        if sums.shape[0] < step:  # the levels above would only add zeros
            break
    total = partial[0]
    for p in partial[1:]:
        total = total + p
    return total + running_sum(sums)


@functools.lru_cache(maxsize=64)
def _fold_order(n: int, lanes: int) -> np.ndarray:
    """The order a row of n elements is added in when it holds at most one vector of `lanes`
    (_lanes_sum: the leftovers, then the lanes) or, lanes=0, at most one element per
    accumulator (row_sum: the first, the leftovers, then the other three)."""
    if lanes:
        return np.array([*range(lanes, n), *range(lanes)], np.intp)
    return np.array([0, *range(_ILP, n), *range(1, _ILP)], np.intp)


@functools.lru_cache(maxsize=256)
def _short_row_order(n: int, itemsize: int):
    """For a contiguous row of n elements short enough to be added left to right (in some
    order): that order, else None."""
    lanes = VECTOR_BYTES // itemsize
    if lanes <= n < 2 * lanes:
        return _fold_order(n, lanes)
    if n < lanes:
        return _fold_order(n, 0) if n >= _ILP else np.arange(n)
    return None


def _fold_short(x: np.ndarray, order: np.ndarray) -> np.ndarray:
    # + 0 turns -0.0 into 0.0, as PyTorch's zeroed accumulator does.
    return np.asarray(np.add.accumulate(x[order], axis=0)[-1] + x.dtype.type(0))


def row_sum(x: np.ndarray) -> np.ndarray:
    """PyTorch's row_sum along axis 0: four interleaved cascades, then the leftovers."""
    n = x.shape[0]
    if n < 2 * _ILP:  # at most one element per accumulator: one left-to-right sum
        return running_sum(x) if n < _ILP else _fold_short(x, _fold_order(n, 0))
    whole = x.shape[0] // _ILP * _ILP
    parts = cascade(x[:whole].reshape((whole // _ILP, _ILP) + x.shape[1:]))
    # The first accumulator takes the leftover elements, then the other three.
    return np.add.accumulate(np.concatenate([parts[:1], x[whole:], parts[1:]]), axis=0)[-1]


def _in_order(first: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """first + rest[0] + rest[1] + ... along rest's axis 0, left to right."""
    return np.add.accumulate(np.concatenate([first[None], rest]), axis=0)[-1]


def _lanes_sum(x: np.ndarray, acc) -> np.ndarray:
    """A row contiguous along axis 0, summed a SIMD vector at a time (vectorized_inner_sum)."""
    n = x.shape[0]
    lanes = VECTOR_BYTES // np.dtype(acc).itemsize
    per_vector = VECTOR_BYTES // x.dtype.itemsize  # a float16 vector holds twice the lanes
    if per_vector == lanes and n < 2 * lanes:  # one vector: the leftovers, then its lanes
        return _fold_short(x, _fold_order(n, lanes))
    vectors = n // per_vector
    v = x[:vectors * per_vector].reshape((vectors, lanes, per_vector // lanes) + x.shape[1:])
    # A float16 vector loads into float32 lanes by adding neighbours: lane i gets 2i and 2i+1.
    v = running_sum(v.astype(acc, copy=False), 2) if per_vector != lanes else v[:, :, 0]
    lane_sums = row_sum(v)
    total = running_sum(x[vectors * per_vector:].astype(acc, copy=False))
    return _in_order(total, lane_sums)


def _loop_sums(x: np.ndarray, acc, itemsize: int) -> np.ndarray:
    """The sum over axis 0 of every column of x (axis 1 and on), by the path PyTorch's 2-D loop
    takes for this layout (cascade_sum in SumKernel.cpp)."""
    size0 = x.shape[0]
    size1 = x.shape[1] if x.ndim > 1 else 1
    stride0 = x.strides[0]
    stride1 = x.strides[1] if x.ndim > 1 else 0
    vector = VECTOR_BYTES // itemsize
    if stride0 == itemsize and size0 >= vector:
        return _lanes_sum(x, acc)
    x = x.astype(acc, copy=False)
    if stride1 == itemsize and size1 >= vector:
        # Columns contiguous: four vectors' worth of columns share one cascade per column,
        # the columns after the last such group get a row_sum each.
        group = _ILP * (VECTOR_BYTES // np.dtype(acc).itemsize)
    elif stride0 < stride1:
        group = size1 + 1  # every column a row_sum
    else:
        group = _ILP  # columns four at a time in one cascade, the last few a row_sum each
    grouped = size1 // group * group
    if x.ndim == 1:
        return cascade(x) if grouped else row_sum(x)
    if grouped == size1:
        return cascade(x)
    if grouped == 0:
        return row_sum(x)
    return np.concatenate([cascade(x[:, :grouped]), row_sum(x[:, grouped:])], axis=0)


def _into_output(rows: np.ndarray, out_dtype, acc) -> np.ndarray:
    """Row sums added one by one (along axis 0) into a zeroed output, rounded to its dtype each time."""
    if np.dtype(out_dtype) == np.dtype(acc):
        return running_sum(rows)
    out = np.zeros(rows.shape[1:], out_dtype)
    for row in rows:
        out = (out.astype(acc) + row).astype(out_dtype)
    return out


def _iterate(x: np.ndarray, reduced: int, out_dtype, acc) -> np.ndarray:
    """Sum x (in TensorIterator order: its first `reduced` axes reduced, fastest first) into
    an array of x.shape[reduced:], on one thread."""
    sums = _loop_sums(x, acc, x.dtype.itemsize)
    if reduced == 1:  # each output written once
        return sums.astype(out_dtype, copy=False)
    # Every further reduced axis is a loop around the 2-D one: each loop's row sums are added
    # into the output in iteration order (axis 1 fastest).
    rows = np.moveaxis(sums, range(reduced - 1), range(reduced - 2, -1, -1))
    return _into_output(rows.reshape((-1,) + x.shape[reduced:]), out_dtype, acc)


# ---------------------------------------------------------------- TensorIterator's layout


def _layout(shape: tuple, strides: tuple, axes) -> tuple:
    """TensorIterator's order of a reduction's dims, fastest first: (a permutation of all the
    dims, the shape once size-1 dims are dropped and neighbours that step through memory
    evenly are merged, how many of those lead reduced)."""
    kept = [i for i in range(len(shape)) if shape[i] != 1]
    out_strides, step = {}, 1
    for i in reversed(range(len(shape))):
        if i not in axes:
            out_strides[i] = step
            step *= shape[i]
    red = {i: i in axes for i in kept}

    def after(d0, d1):  # does d0 belong after d1 (reorder_dimensions' should_swap)?
        if red[d0] != red[d1]:
            return 1 if red[d1] else -1
        if not red[d0]:
            return 1 if out_strides[d0] > out_strides[d1] else -1
        s0, s1 = strides[d0], strides[d1]
        if s0 == 0 or s1 == 0:
            return 0
        if s0 != s1:
            return -1 if s0 < s1 else 1
        return 1 if shape[d0] > shape[d1] else 0

    perm = kept[::-1]
    for i in range(1, len(perm)):
        j = i
        for k in range(i - 1, -1, -1):
            c = after(perm[k], perm[j])
            if c > 0:
                perm[k], perm[j] = perm[j], perm[k]
                j = k
            elif c < 0:
                break
    dims = []  # [size, stride, reduced, output stride]
    for d in perm:
        if dims and dims[-1][2] == red[d] and dims[-1][0] * dims[-1][1] == strides[d] \
                and (red[d] or out_strides[d] == dims[-1][0] * dims[-1][3]):
            dims[-1][0] *= shape[d]
        else:
            dims.append([shape[d], strides[d], red[d], out_strides.get(d, 0)])
    perm += [i for i in range(len(shape)) if shape[i] == 1]
    return tuple(perm), tuple(d[0] for d in dims), sum(d[2] for d in dims)


# (shape, strides, axes) -> _layout's answer: a program reduces few layouts, many times.
_LAYOUTS: dict = {}


def _iteration_view(a: np.ndarray, axes: tuple) -> tuple:
    """a viewed in TensorIterator's order (the reduced dims first, fastest first), and how many
    of its axes are reduced."""
    key = (a.shape, a.strides, axes)
    layout = _LAYOUTS.get(key)
    if layout is None:
        if len(_LAYOUTS) > 4096:
            _LAYOUTS.clear()
        layout = _LAYOUTS[key] = _layout(a.shape, a.strides, set(axes))
    perm, shape, reduced = layout
    # Merged neighbours step evenly through memory, so this reshape is a view.
    return a.transpose(perm).reshape(shape, order="F"), reduced


def sum_all(a: np.ndarray) -> np.ndarray:
    """torch.sum(a) of a float16/32/64 array, as a 0-d array."""
    if a.flags.c_contiguous and 0 < a.size < _GRAIN and a.dtype != _F16:
        # The common case, a whole contiguous tensor: a single run, one thread.
        x = a.reshape(-1)
        order = _short_row_order(x.size, a.itemsize)
        if order is not None:
            return np.asarray(np.add.accumulate(x[order])[-1] + a.dtype.type(0))
        return _loop_sums(x, a.dtype, a.itemsize)
    return torch_sum(a, tuple(range(a.ndim)))


def torch_sum(a: np.ndarray, axes: tuple, out_dtype=None) -> np.ndarray:
    """a summed over axes (no keepdim) as PyTorch's CPU kernel sums it; float16/32/64 only."""
    if a.size > _ORDERED_MAX:
        # Only an expanded view stands for this many elements. The ordered sum's temporaries
        # grow with the count, so NumPy's own loop (constant memory) sums it.
        return np.add.reduce(a, axes, dtype=out_dtype)
    if out_dtype is not None and out_dtype != a.dtype:
        a = a.astype(out_dtype)  # a reduction with dtype= converts its input first
    out_dtype = a.dtype
    if out_dtype == _F16:
        acc = _F32
    elif len(axes) == a.ndim and a.flags.c_contiguous and 0 < a.size < _GRAIN:
        return sum_all(a)
    else:
        acc = out_dtype
    if builtins.any(st < 0 for st in a.strides):
        a = np.ascontiguousarray(a)  # PyTorch has no negative strides: its flip copies
    out_shape = tuple(d for i, d in enumerate(a.shape) if i not in axes)
    if a.size == 0 or not axes:
        return np.add.reduce(a.astype(acc), axes).astype(out_dtype) if axes else a + out_dtype.type(0)
    x, reduced = _iteration_view(a, axes)
    if reduced == 0:  # every reduced dim has size 1: 0 + x, so -0.0 becomes 0.0
        return a.reshape(out_shape) + out_dtype.type(0)
    if reduced >= 2 and out_dtype != acc:
        # Two reduced loops would add float16 row sums into a float16 output; PyTorch instead
        # sums a float32 copy and rounds once (sum_out's should_use_acc_buffer).
        return torch_sum(_float_copy(a, acc), axes).astype(out_dtype)
    if a.size >= _GRAIN and THREADS > 1:
        out = _parallel(x, reduced, out_dtype, acc)
    else:
        out = _iterate(x, reduced, out_dtype, acc)
    # The kept dims run fastest first; the output wants them slowest first.
    return (out if out.ndim < 2 else np.ascontiguousarray(np.transpose(out))).reshape(out_shape)


def _float_copy(a: np.ndarray, acc) -> np.ndarray:
    """a converted as Tensor.to does: keeping its strides when it is dense, else contiguous."""
    dims = sorted((st, n) for st, n in zip(a.strides, a.shape) if n != 1)
    step = a.itemsize
    for st, n in dims:
        if st != step:
            return np.ascontiguousarray(a, dtype=acc)
        step *= n
    return a.astype(acc, order="K")


def _parallel(x, reduced, out_dtype, acc):
    if reduced == x.ndim:
        return _two_pass(x, out_dtype, acc)
    # Split by output columns: the outermost kept dim with a column per thread.
    dim = x.ndim - 1
    best = dim
    for d in range(x.ndim - 1, reduced - 1, -1):
        if x.shape[d] >= THREADS:
            best = d
            break
        if x.shape[d] > x.shape[best]:
            best = d
    cols = x.shape[best]
    threads = min(THREADS, cols)
    chunk = -(-cols // threads)
    align = 128 // x.dtype.itemsize if x.strides[best] == x.dtype.itemsize else 1
    pieces = []
    for t in range(threads):
        begin, end = t * chunk, min(cols, (t + 1) * chunk)
        if begin >= cols:
            break
        begin -= begin % align
        if end != cols:
            end -= end % align
        if begin < end:
            index = (slice(None),) * best + (slice(begin, end),)
            pieces.append(_iterate(x[index], reduced, out_dtype, acc))
    return np.concatenate(pieces, axis=best - reduced)


def _two_pass(x, out_dtype, acc):
    """A full reduction over THREADS threads: each sums its share of the iteration into its
    own output, and the shares are then summed."""
    n = x.size
    threads = min(THREADS, -(-n // _GRAIN)) if n > _GRAIN else 1
    chunk = -(-n // threads)
    shares = np.zeros(THREADS, out_dtype)
    for t in range(threads):
        shares[t] = _into_output(_range_sums(x, t * chunk, min(n, (t + 1) * chunk), acc), out_dtype, acc)
    return row_sum(shares.astype(acc)).astype(out_dtype)


def _range_sums(x, begin, end, acc):
    """The row sums of x's elements begin..end in iteration order (axis 0 fastest), from the
    2-D loops serial_for_each hands out: a partial first row, blocks of whole rows that stay
    within axis 1, a partial last row."""
    itemsize = x.dtype.itemsize
    if x.ndim == 1:
        return _loop_sums(x[begin:end], acc, itemsize)[None]
    size0, outer = x.shape[0], x.shape[1:]
    pieces = []
    while begin < end:
        col, row = begin % size0, begin // size0
        index = np.unravel_index(row, outer, order="F")
        if col or end - begin < size0:
            stop = min(size0, col + end - begin)
            pieces.append(_loop_sums(x[(slice(col, stop),) + index], acc, itemsize)[None])
            begin += stop - col
        else:
            count = min(outer[0] - index[0], (end - begin) // size0)
            block = x[(slice(None), slice(index[0], index[0] + count)) + index[1:]]
            pieces.append(_loop_sums(block, acc, itemsize))
            begin += count * size0
    return np.concatenate(pieces)


# ---------------------------------------------------------------- what the reductions call

_ORDERED = {np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)}


def _kept(out: np.ndarray, shape: tuple, axes: tuple) -> np.ndarray:
    return out.reshape(tuple(1 if i in axes else d for i, d in enumerate(shape)))


def add_up(a: np.ndarray, axes: tuple, keepdim: bool = False, dtype=None) -> np.ndarray:
    """torch.sum: a summed over axes into dtype (a's own by default). Floating dtypes sum in
    PyTorch's order; integers are exact in any order, and complex sums are left to NumPy."""
    dtype = a.dtype if dtype is None else np.dtype(dtype)
    if dtype not in _ORDERED:
        return np.asarray(np.add.reduce(a, axes, dtype=dtype, keepdims=keepdim))
    out = torch_sum(a, axes, dtype)
    return _kept(out, a.shape, axes) if keepdim else out


def average(a: np.ndarray, axes: tuple, keepdim: bool = False, dtype=None) -> np.ndarray:
    """torch.mean on a non-empty selection: the sum divided by the count. float16 is summed and
    divided in float32, then rounded (mean_out's path for reduced-precision floats)."""
    dtype = a.dtype if dtype is None else np.dtype(dtype)
    count = 1
    for i in axes:
        count *= a.shape[i]
    if dtype == a.dtype and dtype != _F16 and dtype in _ORDERED and not keepdim:  # no conversions
        return torch_sum(a, axes) / dtype.type(count)
    if dtype not in _ORDERED:
        return np.asarray(np.add.reduce(a, axes, dtype=dtype, keepdims=keepdim) / count, dtype=dtype)
    wide = np.dtype(np.float32) if dtype == np.float16 else dtype
    total = add_up(a if a.dtype == wide else _float_copy(a, wide), axes, keepdim)
    return (total / wide.type(count)).astype(dtype, copy=False)


def lane_sum(x: np.ndarray, lanes: int) -> np.ndarray:
    """The sum along the last axis in the order of PyTorch's vec::reduce_all, which softmax's
    kernels use: whole vectors of `lanes` added lane-wise, the leftover elements into the first
    lanes, then the lanes halved pairwise (i + i+half) down to one. A row shorter than a
    vector is added left to right."""
    n = x.shape[-1]
    if n < lanes:
        return running_sum(x, -1)
    whole = n // lanes * lanes
    vectors = x[..., :whole].reshape(x.shape[:-1] + (n // lanes, lanes))
    acc = running_sum(vectors, -2)
    if whole < n:
        acc[..., :n - whole] += x[..., whole:]
    while lanes > 1:
        lanes //= 2
        acc = acc[..., :lanes] + acc[..., lanes:]
    return acc[..., 0]


def flushed_sum(y: np.ndarray, counted: np.ndarray | None = None) -> np.ndarray:
    """The sum of the 1-D y in the order of nll_loss's CPU kernel (LossNLL.cpp): eight levels,
    each flushed into the next whenever the element's index is a multiple of step**level, so
    element 0 goes straight to the top and the others run in blocks of `step`; at the end the
    levels are added from the bottom up. Elements where `counted` is False add nothing and
    trigger no flush (the kernel skips ignored targets)."""
    n = y.shape[0]
    levels = 8
    power = max(4, (int(n - 1).bit_length() if n > 1 else 0) // levels)
    step = 1 << power
    zero = y.dtype.type(0)
    if counted is not None and not counted.all():
        y = np.where(counted, y, zero)
        if not counted[step::step].all():
            return _flushed_sum_loop(y, counted, levels, power)
    if n == 0:
        return np.asarray(zero)
    partial = []
    sums = y[1:]
    for _ in range(levels - 1):
        whole = sums.shape[0] // step * step
        partial.append(running_sum(sums[whole:]))
        sums = running_sum(sums[:whole].reshape((whole // step, step)), 1)
    partial.append(running_sum(np.concatenate([y[:1], sums])))
    total = np.asarray(zero)
    for p in partial:
        total = total + p
    return total


def _flushed_sum_loop(y, counted, levels, power):
    """flushed_sum one element at a time, for the rare skipped flush."""
    mask = (1 << power) - 1
    acc = [y.dtype.type(0)] * levels
    for b in np.flatnonzero(counted):
        acc[0] = acc[0] + y[b]
        for j in range(levels - 1):
            if b & (mask << (j * power)):
                break
            acc[j + 1] = acc[j + 1] + acc[j]
            acc[j] = y.dtype.type(0)
    total = y.dtype.type(0)
    for a in acc:
        total = total + a
    return np.asarray(total)


# ---------------------------------------------------------------- variance

# Welford's update, one element at a time, runs as a Python loop over the reduced elements;
# past this many the float64 result comes from an accurate two-pass sum instead, which can
# differ from PyTorch's in the last bit.
_WELFORD_MAX = 4096


def variance(a: np.ndarray, axes: tuple, correction, take_sqrt: bool, keepdim: bool = False) -> np.ndarray:
    """torch.var (or std) of a non-empty float16/32/64 array, as PyTorch's CPU kernels compute it.

    Both accumulate in float64: a full reduction of float32/64 (std_var_all_cpu) sums the
    squared distances from torch.mean's value one by one in iteration order; any other
    (std_var_kernel) runs Welford's update per output. A float32 result is the float64 one
    rounded, so it matches whatever accurate order; float64 needs the order itself."""
    out_shape = tuple(1 if i in axes else d for i, d in enumerate(a.shape)) if keepdim else \
        tuple(d for i, d in enumerate(a.shape) if i not in axes)
    outputs = 1
    for i, d in enumerate(a.shape):
        if i not in axes:
            outputs *= d
    count = a.size // builtins.max(outputs, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if outputs <= 1 and a.dtype != np.float16:
            squares = _squares_in_order(a, float(average(a, tuple(range(a.ndim)))))
            var = np.float64(squares) / np.float64(builtins.max(0.0, a.size - correction))
        else:
            m2 = _welford_m2(a, axes) if a.dtype == np.float64 and count <= _WELFORD_MAX else _two_pass_m2(a, axes)
            var = m2 / np.float64(count - correction if count > correction else 0)
        if take_sqrt:
            var = np.sqrt(var)
    var = np.asarray(var)
    if a.dtype == np.float16:  # rounded through float32, where PyTorch leaves its result first
        var = var.astype(np.float32)
    return var.astype(a.dtype).reshape(out_shape)


def _squares_in_order(a: np.ndarray, mean: float) -> float:
    """sum((x - mean)**2) in float64, element by element in TensorIterator's order: per thread
    share of a flat run, per 2-D loop otherwise (std_var_all_cpu)."""
    if a.dtype != np.float64:  # rounded to float32 at the end: any accurate order will do
        d = np.subtract(a, mean, dtype=np.float64)
        return float(np.add.reduce(np.multiply(d, d, out=d), axis=None))
    x, _ = _iteration_view(a, tuple(range(a.ndim)))
    d = x - mean
    d *= d
    if d.ndim <= 1:
        d = d.reshape(-1)
        n = d.size
        threads = builtins.min(THREADS, -(-n // _GRAIN)) if n > _GRAIN else 1
        chunk = -(-n // threads)
        total = 0.0
        for t in range(threads):
            total += float(np.add.accumulate(d[t * chunk:(t + 1) * chunk])[-1])
        return total
    loops = d.reshape((d.shape[0] * d.shape[1], -1), order="F")
    return float(np.add.accumulate(np.add.accumulate(loops, axis=0)[-1])[-1])


def _welford_m2(a: np.ndarray, axes: tuple) -> np.ndarray:
    """Welford's sum of squared distances per output, in float64, over the reduced elements in
    iteration order (the reduced dims by stride, smallest first)."""
    order = sorted(axes, key=lambda i: (a.strides[i], a.shape[i]))
    kept = [i for i in range(a.ndim) if i not in axes]
    x = np.transpose(a, order[::-1] + kept).reshape((-1,) + tuple(a.shape[i] for i in kept))
    mean = np.zeros(x.shape[1:])
    m2 = np.zeros(x.shape[1:])
    for k, row in enumerate(x, 1):
        delta = row - mean
        mean = mean + delta / np.float64(k)
        m2 = m2 + delta * (row - mean)
    return m2


def _two_pass_m2(a: np.ndarray, axes: tuple) -> np.ndarray:
    x = a.astype(np.float64)
    d = x - np.mean(x, axis=axes, keepdims=True)
    return np.sum(d * d, axis=axes)


# ---------------------------------------------------------------- the 2-norm


def norm2(a: np.ndarray, axes: tuple, keepdim: bool = False) -> np.ndarray:
    """The 2-norm of a non-empty float32/64 array over axes, as PyTorch's norm kernel computes it.

    A reduction over one dim contiguous in memory takes the vectorised kernel: squares added
    lane-wise a SIMD vector at a time (8 float32 lanes on the AVX2 build), the lanes added in
    order, then the leftover elements, whose loop the compiler vectorises four at a time
    (products rounded, then added in order) and finishes with fused multiply-adds. Any other
    layout adds the squares one by one in iteration order."""
    out_shape = tuple(1 if i in axes else d for i, d in enumerate(a.shape)) if keepdim else \
        tuple(d for i, d in enumerate(a.shape) if i not in axes)
    x, reduced = _iteration_view(a, axes)
    if reduced == 1 and x.strides[0] == a.itemsize:
        total = _lanes_of_squares(np.moveaxis(x, 0, -1))
    elif reduced == 0:
        total = x * x
    else:
        squares = x * x
        flat = np.moveaxis(squares, range(reduced), range(reduced - 1, -1, -1))
        total = running_sum(flat.reshape((-1,) + x.shape[reduced:]))
    return np.ascontiguousarray(np.transpose(np.sqrt(total))).reshape(out_shape)


def _lanes_of_squares(x: np.ndarray) -> np.ndarray:
    """norm_kernel's last-dim loop over x's last axis, before the square root."""
    n = x.shape[-1]
    lanes = VECTOR_BYTES // x.itemsize
    whole = n // lanes * lanes
    v = x[..., :whole].reshape(x.shape[:-1] + (n // lanes, lanes))
    acc = running_sum(v * v, -2) if whole else np.zeros(x.shape[:-1] + (lanes,), x.dtype)
    total = acc[..., 0]
    for k in range(1, lanes):
        total = total + acc[..., k]
    fused = whole + (n - whole) // 4 * 4
    for d in range(whole, fused):
        total = total + x[..., d] * x[..., d]
    for d in range(fused, n):
        total = fma(x[..., d], x[..., d], total)
    return total
