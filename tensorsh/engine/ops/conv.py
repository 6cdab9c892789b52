"""`torch.nn.functional`'s convolutions and pooling: conv1d/conv2d, max, average and adaptive pooling.

Every op here reads its input through one mechanism, im2col: `_unfold_array` lays each
window of the (padded) input out along new kernel axes, (*lead, *kernel, *out), so that a
convolution is one matrix product per group and a pooling one reduction over the kernel
axes. `_fold_array` is its adjoint: it adds every window back where it came from. As
tensor ops, `_unfold` and `_fold` are each other's gradient, so the backward formulas
below are tensor ops (matmul, reshape, fold, put_at) and can be differentiated again.

The 1-d forms run the 2-d ones on an input with a height of 1 and squeeze it away, as
PyTorch does, which is why their results show SqueezeBackward1.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .. import work
from ..autograd import record
from ..limits import check_allocation
from ..tensor import Tensor, wrap
from ..views import put_at
from .common import tensor_arg
from .linalg import matmul
from .registry import op


def _sizes(shape) -> str:
    return f"[{', '.join(map(str, shape))}]"


# ================================================================ window geometry


class _Windows:
    """Where the windows of a convolution or pooling sit over the input's last len(sizes) dims.

    pad_hi may exceed pad_lo: ceil_mode's last windows, and 'same' padding of an even kernel,
    reach further on the right than on the left."""

    __slots__ = ("dilation", "kernel", "out", "pad_hi", "pad_lo", "sizes", "stride")

    def __init__(self, sizes, kernel, stride, dilation, pad_lo, out, pad_hi=None):
        self.sizes, self.kernel, self.stride, self.dilation = tuple(sizes), tuple(kernel), tuple(stride), tuple(dilation)
        self.pad_lo, self.out = tuple(pad_lo), tuple(out)
        # The right padding the last window needs (at least the one asked for, so that fold crops alike).
        reach = [(o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(self.out, stride, dilation, kernel)]
        asked = pad_lo if pad_hi is None else pad_hi
        self.pad_hi = tuple(max(r - n - lo, a, 0) for r, n, lo, a in zip(reach, sizes, pad_lo, asked))

    @property
    def padded(self) -> tuple:
        return tuple(n + lo + hi for n, lo, hi in zip(self.sizes, self.pad_lo, self.pad_hi))

    def window_slices(self, offsets) -> tuple:
        """The input positions (in the padded input) that kernel element `offsets` meets, one per output."""
        return tuple(slice(i * d, i * d + s * (o - 1) + 1, s)
                     for i, d, s, o in zip(offsets, self.dilation, self.stride, self.out))


def _pad_array(a: np.ndarray, win: _Windows, fill) -> np.ndarray:
    if not any(win.pad_lo) and not any(win.pad_hi):
        return a
    lead = a.ndim - len(win.sizes)
    check_allocation(a.shape[:lead] + win.padded, a.dtype)
    return np.pad(a, [(0, 0)] * lead + list(zip(win.pad_lo, win.pad_hi)), constant_values=fill)


def _unfold_array(a: np.ndarray, win: _Windows, fill=0) -> np.ndarray:
    """im2col: (*lead, *sizes) -> (*lead, *kernel, *out), each window's elements along the kernel axes."""
    d = len(win.sizes)
    lead = a.shape[:a.ndim - d]
    check_allocation(lead + win.kernel + win.out, a.dtype)
    padded = _pad_array(a, win, fill)
    span = tuple(dl * (k - 1) + 1 for dl, k in zip(win.dilation, win.kernel))
    axes = tuple(range(len(lead), a.ndim))
    # (*lead, *positions, *span): every window, strided down to the outputs and the dilated kernel.
    view = np.lib.stride_tricks.sliding_window_view(padded, span, axis=axes)
    view = view[(Ellipsis,) + tuple(slice(None, s * (o - 1) + 1, s) for s, o in zip(win.stride, win.out))
                + tuple(slice(None, None, dl) for dl in win.dilation)]
    cols = np.empty(lead + win.kernel + win.out, dtype=a.dtype)
    n = len(lead)
    order = tuple(range(n)) + tuple(range(n + d, n + 2 * d)) + tuple(range(n, n + d))
    np.copyto(cols, view.transpose(order))
    return cols


def _fold_array(cols: np.ndarray, win: _Windows) -> np.ndarray:
    """col2im, the adjoint of _unfold_array: (*lead, *kernel, *out) -> (*lead, *sizes), overlaps added."""
    d = len(win.sizes)
    lead = cols.shape[:cols.ndim - 2 * d]
    padded = np.zeros(lead + win.padded, dtype=cols.dtype)
    if math.prod(win.kernel) <= math.prod(win.out):
        for offsets in itertools.product(*map(range, win.kernel)):
            padded[(Ellipsis,) + win.window_slices(offsets)] += cols[(Ellipsis,) + offsets + (slice(None),) * d]
    else:  # a large kernel over few outputs: one add per output, of its whole window
        for outs in itertools.product(*map(range, win.out)):
            where = tuple(slice(o * s, o * s + dl * (k - 1) + 1, dl)
                          for o, s, dl, k in zip(outs, win.stride, win.dilation, win.kernel))
            padded[(Ellipsis,) + where] += cols[(Ellipsis,) + (slice(None),) * d + outs]
    inner = tuple(slice(lo, lo + n) for lo, n in zip(win.pad_lo, win.sizes))
    return np.ascontiguousarray(padded[(Ellipsis,) + inner])


def _unfold(x: Tensor, win: _Windows) -> Tensor:
    return record(_unfold_array(x._data, win), "Im2ColBackward0", (x,), lambda g: (_fold(g, win),))


def _fold(cols: Tensor, win: _Windows) -> Tensor:
    return record(_fold_array(cols._data, win), "Col2ImBackward0", (cols,), lambda g: (_unfold(g, win),))


# ================================================================ convolution


def _expand(value, n: int, name: str) -> tuple:
    """An int or a list of ints as n values: PyTorch's expand_param_if_needed."""
    values = (value,) * n if isinstance(value, int) else tuple(value)
    if len(values) == 1:
        values = values * n
    if len(values) != n:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {n} values to match the convolution "
            f"dimensions, but got {name}={_sizes(values)}"
        )
    return values


def _conv_windows(n: int, x_shape: tuple, w_shape: tuple, stride, padding, dilation) -> _Windows:
    """The windows of an n-d convolution of a batched input, with PyTorch's checks of the parameters."""
    dims = len(w_shape) - 2
    stride = _expand(_expand(stride, n, "stride"), dims, "stride")
    dilation = _expand(_expand(dilation, n, "dilation"), dims, "dilation")
    kernel = tuple(w_shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            lo = hi = (0,) * dims
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            total = [dl * (k - 1) for dl, k in zip(dilation, kernel)]
            lo = tuple(t // 2 for t in total)
            hi = tuple(t - t // 2 for t in total)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        lo = hi = _expand(_expand(padding, n, "padding"), dims, "padding")
    if any(p < 0 for p in lo):
        raise RuntimeError("negative padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(dl <= 0 for dl in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    sizes = tuple(x_shape[2:])
    out = tuple((size + a + b - dl * (k - 1) - 1) // s + 1
                for size, a, b, dl, k, s in zip(sizes, lo, hi, dilation, kernel, stride))
    return _Windows(sizes, kernel, stride, dilation, lo, out, hi)


def _conv_result(n: int):
    """The result rule of conv{n}d: (N, out_channels, *out)."""

    def rule(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        x_shape = input._data.shape if input._data.ndim == n + 2 else (1, *input._data.shape)
        win = _conv_windows(n, x_shape, weight._data.shape, stride, padding, dilation)
        return (x_shape[0], weight._data.shape[0], *win.out), input.dtype

    return rule


def _conv(n: int, input, weight, bias, stride, padding, dilation, groups) -> Tensor:
    """conv{n}d: checks with PyTorch's messages, then the batched convolution (unbatched inputs get a batch of 1)."""
    tensor_arg(input, depth=2)
    tensor_arg(weight, "weight", depth=2)
    if bias is not None:
        tensor_arg(bias, "bias", depth=2)
    ndim = input._data.ndim
    if ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to conv{n}d, but got input "
                           f"of size: {_sizes(input._data.shape)}")
    batched = input if ndim == n + 2 else input.unsqueeze(0)
    x_shape, w_shape = batched._data.shape, weight._data.shape
    win = _conv_windows(n, x_shape, w_shape, stride, padding, dilation)
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if w_shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{_sizes(w_shape)}] instead")
    if x_shape[1] != w_shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {_sizes(w_shape)}, expected input"
                           f"{_sizes(x_shape)} to have {w_shape[1] * groups} channels, but got {x_shape[1]} "
                           "channels instead")
    if bias is not None and (bias._data.ndim != 1 or bias._data.shape[0] != w_shape[0]):
        raise RuntimeError(f"Given weight of size {_sizes(w_shape)}, expected bias to be 1-dimensional with "
                           f"{w_shape[0]} elements, but got bias of size {_sizes(bias._data.shape)} instead")
    padded = [s + a + b for s, a, b in zip(win.sizes, win.pad_lo, win.pad_hi)]
    spans = [dl * (k - 1) + 1 for dl, k in zip(win.dilation, win.kernel)]
    if any(p < k for p, k in zip(padded, spans)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(map(str, spans))}). Kernel size can't be greater than actual input size")
    if weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.scalar_name} but found {weight.dtype.scalar_name}")
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(f"Input type ({input.dtype.scalar_name.lower()}) and bias type "
                           f"({bias.dtype.scalar_name.lower()}) should be the same")
    out = _convolution(batched, weight, bias, win, groups)
    return out if ndim == n + 2 else out.squeeze(0)


def _convolution(x: Tensor, weight: Tensor, bias, win: _Windows, groups: int) -> Tensor:
    """The batched convolution, one node: im2col and one matrix product per group."""
    n_batch, channels = x._data.shape[:2]
    out_channels = weight._data.shape[0]
    per_group = out_channels // groups
    k = (channels // groups) * math.prod(win.kernel)
    positions = math.prod(win.out)
    cols = _unfold_array(x._data, win).reshape(n_batch, groups, k, positions)
    out = work.matmul(weight._data.reshape(groups, per_group, k), cols)
    out = out.reshape(n_batch, out_channels, *win.out)
    if bias is not None:
        out += bias._data.reshape((out_channels,) + (1,) * len(win.out))

    def grad_input(g):
        w = weight.reshape(groups, per_group, k).transpose(1, 2)
        gcols = matmul(w, g.reshape(n_batch, groups, per_group, positions))
        return _fold(gcols.reshape(n_batch, channels, *win.kernel, *win.out), win)

    def grad_weight(g):
        unfolded = _unfold(x, win).reshape(n_batch, groups, k, positions)
        gw = matmul(g.reshape(n_batch, groups, per_group, positions), unfolded.transpose(2, 3))
        return gw.sum(0).reshape(weight._data.shape)

    def grad_bias(g):
        return g.sum((0, *range(2, g._data.ndim)))

    return record(out, "ConvolutionBackward0", (x, weight, bias), (grad_input, grad_weight, grad_bias),
                  saved=(x, weight))


@op("nn", variants="function, functional", grad_fn=("ConvolutionBackward0", "SqueezeBackward1"),
    result=_conv_result(1))
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution (cross-correlation) of (N, C, L) by weight (out_channels, C / groups, k);
    padding may be 'same' or 'valid'."""
    return _conv(1, input, weight, bias, stride, padding, dilation, groups)


@op("nn", variants="function, functional", grad_fn=("ConvolutionBackward0", "SqueezeBackward1"),
    result=_conv_result(2))
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution (cross-correlation) of (N, C, H, W) by weight (out_channels, C / groups, kH, kW);
    padding may be 'same' or 'valid'."""
    return _conv(2, input, weight, bias, stride, padding, dilation, groups)


# ================================================================ pooling


def _pair(value, name: str, op_name: str) -> tuple:
    if isinstance(value, int):
        return (value, value)
    values = tuple(value)
    if len(values) == 1:
        return values * 2
    if len(values) != 2:
        raise RuntimeError(f"{op_name}: {name} must either be a single int, or a tuple of two ints")
    return values


def _pool_out(size: int, k: int, pad: int, stride: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's pooling_output_shape: a last window must start inside the input or its left padding."""
    span = size + 2 * pad - dilation * (k - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _pool_windows(input: Tensor, op_name: str, kernel_size, stride, padding, dilation, ceil_mode,
                  rank_message: str) -> _Windows:
    """The windows of a 2-d pooling, with PyTorch's checks (pool2d_shape_check)."""
    kernel = _pair(kernel_size, "kernel_size", op_name)
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else \
        _pair(stride, "stride", op_name)
    padding = _pair(padding, "padding", op_name)
    dilation = _pair(dilation, "dilation", op_name)
    if 0 in stride:
        raise RuntimeError("stride should not be zero")
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}")
    if min(stride) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {stride[0]} dW: {stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dilation[0]} "
                           f"dilationW: {dilation[1]}")
    a = input._data
    if a.ndim not in (3, 4) or (a.ndim == 4 and 0 in a.shape[1:]) or (a.ndim == 3 and 0 in a.shape):
        raise RuntimeError(rank_message)
    for k, p, dl in zip(kernel, padding, dilation):
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > (dl * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={dl}")
    sizes = a.shape[-2:]
    out = tuple(_pool_out(n, k, p, s, dl, ceil_mode)
                for n, k, p, s, dl in zip(sizes, kernel, padding, stride, dilation))
    if min(out) < 1:
        planes = a.shape[-3]
        raise RuntimeError(f"Given input size: ({planes}x{sizes[0]}x{sizes[1]}). Calculated output size: "
                           f"({planes}x{out[0]}x{out[1]}). Output size is too small")
    return _Windows(sizes, kernel, stride, dilation, padding, out)


def _lowest(dtype: np.dtype):
    return -np.inf if dtype.kind in "fc" else np.iinfo(dtype).min if dtype.kind in "iu" else False


def _record_max(input: Tensor, values: np.ndarray, where: np.ndarray, name: str) -> Tensor:
    """Record a max over windows: values (*lead, *out) came from the flat positions `where` (same shape)
    in input's H x W planes; the gradient goes back to those positions (adding where windows overlap)."""
    shape = input._data.shape
    planes = math.prod(shape[:-2])
    key = (np.arange(planes)[:, None], where.reshape(planes, -1))
    size = shape[-2] * shape[-1]
    return record(values, name, (input,),
                  lambda g: (put_at(g.reshape(planes, -1), (planes, size), key).reshape(shape),))


@op("nn", variants="function, functional", grad_fn="MaxPool2DWithIndicesBackward0")
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The largest element of each kernel_size window of (N, C, H, W) or (C, H, W); stride defaults
    to kernel_size; return_indices also gives each maximum's flat position in its H x W plane."""
    tensor_arg(input)
    win = _pool_windows(input, "max_pool2d", kernel_size, stride, padding, dilation, ceil_mode,
                        "non-empty 3D or 4D (batch mode) tensor expected for input")
    a = input._data
    cols = _unfold_array(a, win, fill=_lowest(a.dtype))
    lead = a.shape[:-2]
    cols = cols.reshape(lead + (-1,) + win.out)
    which = np.argmax(cols, axis=len(lead))
    values = np.take_along_axis(cols, which[(Ellipsis, None, slice(None), slice(None))], len(lead))
    values = values.reshape(which.shape)
    # The window element each maximum is, as a position in the input plane.
    kh, kw = np.divmod(which, win.kernel[1])
    rows = np.arange(win.out[0])[:, None] * win.stride[0] - win.pad_lo[0] + kh * win.dilation[0]
    cols_at = np.arange(win.out[1]) * win.stride[1] - win.pad_lo[1] + kw * win.dilation[1]
    where = (rows * a.shape[-1] + cols_at).astype(np.int64)
    out = _record_max(input, values, where, "MaxPool2DWithIndicesBackward0")
    return (out, wrap(where)) if return_indices else out


def _one_d(input, op_name: str, rank_message: str) -> None:
    tensor_arg(input, depth=2)
    if input._data.ndim not in (2, 3):
        raise RuntimeError(rank_message.format(ndim=input._data.ndim, shape=_sizes(input._data.shape)))


def _single(value) -> int:
    return value if isinstance(value, int) else next(iter(value))


@op("nn", variants="function, functional", grad_fn="SqueezeBackward1")
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The largest element of each kernel_size window of (N, C, L) or (C, L); stride defaults to kernel_size."""
    _one_d(input, "max_pool1d", "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
                                "for input, but got:{shape}")
    k = _single(kernel_size)
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _single(stride)
    p, dl = _single(padding), _single(dilation)
    checks = ((k, "kernel_size", k <= 0, "must be greater than zero"), (s, "stride", s <= 0, "must be greater than zero"),
              (p, "padding", p < 0, "must be non-negative"), (dl, "dilation", dl <= 0, "must be greater than zero"))
    for value, what, bad, rule in checks:
        if bad:
            raise RuntimeError(f"max_pool1d() {what} {rule}, but got {value}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    length = _pool_out(input._data.shape[-1], k, p, s, dl, ceil_mode)
    if length < 1:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {length}")
    out = max_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, dl), ceil_mode, return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def _avg_divisors(win: _Windows, count_include_pad: bool) -> np.ndarray:
    """How many elements each output's window averages over, as PyTorch counts them (out,)."""
    per_dim = []
    for n, k, s, p, o in zip(win.sizes, win.kernel, win.stride, win.pad_lo, win.out):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if count_include_pad:
            per_dim.append(end - start)
        else:
            per_dim.append(np.minimum(end, n) - np.maximum(start, 0))
    return np.multiply.outer(*per_dim)


@op("nn", variants="functional", grad_fn="AvgPool2DBackward0")
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean of each kernel_size window of (N, C, H, W) or (C, H, W); stride defaults to kernel_size.
    count_include_pad counts padding zeros in the mean; divisor_override divides by a fixed number."""
    tensor_arg(input)
    a = input._data
    if a.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(a.ndim, 1)}, "
                         f"{max(a.ndim, 1) - 1}], but got -3)")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    win = _pool_windows(input, "avg_pool2d", kernel_size, stride, padding, 1, ceil_mode,
                        "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:"
                        f"{_sizes(a.shape)}")
    sums = _unfold_array(a, win).sum(axis=(-4, -3))
    if divisor_override is not None:
        divisor = np.full(win.out, divisor_override)
    else:
        divisor = _avg_divisors(win, count_include_pad)
    if a.dtype.kind in "fc":
        out = (sums / divisor.astype(a.dtype)).astype(a.dtype)
    else:
        out = np.trunc(sums / divisor).astype(a.dtype)
    scale = wrap((1.0 / divisor).astype(a.dtype) if a.dtype.kind in "fc" else divisor)
    lead = a.shape[:-2]

    def backward(g):
        spread = (g * scale).reshape(lead + (1, 1) + win.out).expand(lead + win.kernel + win.out)
        return (_fold(spread, win),)

    return record(out, "AvgPool2DBackward0", (input,), backward)


@op("nn", variants="function, functional", grad_fn="SqueezeBackward1")
def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """The mean of each kernel_size window of (N, C, L) or (C, L); stride defaults to kernel_size."""
    _one_d(input, "avg_pool1d", "Expected 2 to 3 dimensions, but got {ndim}-dimensional tensor for argument #1 "
                                "'self' (while checking arguments for avg_pool1d)")
    k = _single(kernel_size)
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _single(stride)
    return avg_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, _single(padding)), ceil_mode,
                      count_include_pad).squeeze(-2)


# ---------------------------------------------------------------- adaptive pooling


def _adaptive_size(input, output_size, n: int) -> tuple:
    sizes = (output_size,) * n if isinstance(output_size, int) or output_size is None else tuple(output_size)
    if len(sizes) == 1:
        sizes = sizes * n
    spatial = input._data.shape[-n:]
    return tuple(s if o is None else o for o, s in zip(sizes, spatial))


def _adaptive_result(input, output_size, *args, **kwargs):
    """The result rule of the adaptive poolings: the output size is the caller's."""
    n = 2
    lead = input._data.shape[:-n]
    return (*lead, *_adaptive_size(input, output_size, n)), input.dtype


def _adaptive_bounds(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's adaptive windows: [floor(i * size / out), ceil((i + 1) * size / out))."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def _adaptive_matrix(size: int, out: int) -> np.ndarray:
    """(out, size): 1 where input position j is in output i's window."""
    start, end = _adaptive_bounds(size, out)
    j = np.arange(size)
    return ((j >= start[:, None]) & (j < end[:, None])).astype(np.float64)


def _adaptive_checks(input, name: str, shown: str) -> None:
    tensor_arg(input, depth=2)
    a = input._data
    if a.ndim not in (3, 4):
        raise RuntimeError(f"{name}(): Expected 3D or 4D tensor, but got{shown}{_sizes(a.shape)}")


@op("nn", variants="functional", grad_fn=("AdaptiveAvgPool2DBackward0", "MeanBackward1"), result=_adaptive_result)
def adaptive_avg_pool2d(input, output_size):
    """Average (N, C, H, W) or (C, H, W) down to output_size (an int, a pair, None keeps a size),
    with windows spread evenly over the input."""
    _adaptive_checks(input, "adaptive_avg_pool2d", " ")
    a = input._data
    out_size = _adaptive_size(input, output_size, 2)
    if out_size == (1, 1):
        return input.mean((-1, -2), keepdim=True)  # as PyTorch does, with its grad_fn
    rows = _adaptive_matrix(a.shape[-2], out_size[0]).astype(a.dtype)
    cols = _adaptive_matrix(a.shape[-1], out_size[1]).astype(a.dtype)
    counts = np.multiply.outer(rows.sum(1), cols.sum(1)).astype(a.dtype)
    out = work.matmul(work.matmul(rows, a), cols.T) / counts
    r, c, scale = wrap(rows), wrap(cols), wrap((1 / counts).astype(a.dtype))
    return record(out.astype(a.dtype, copy=False), "AdaptiveAvgPool2DBackward0", (input,),
                  lambda g: (matmul(matmul(r.t(), g * scale), c),))


@op("nn", variants="function, functional", grad_fn="SqueezeBackward1")
def adaptive_avg_pool1d(input, output_size):
    """Average (N, C, L) or (C, L) down to output_size, with windows spread evenly over the input."""
    _one_d(input, "adaptive_avg_pool1d", "Expected 2 to 3 dimensions, but got {ndim}-dimensional tensor for argument"
                                         " #1 'self' (while checking arguments for adaptive_avg_pool1d)")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, _single(output_size))).squeeze(-2)


@op("nn", variants="functional", grad_fn="AdaptiveMaxPool2DBackward0", result=_adaptive_result)
def adaptive_max_pool2d(input, output_size, return_indices=False):
    """The largest element of each of output_size windows spread evenly over (N, C, H, W) or (C, H, W)."""
    _adaptive_checks(input, "adaptive_max_pool2d", ": ")
    a = input._data
    out_size = _adaptive_size(input, output_size, 2)
    if min(out_size) < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out_size)}: "
                           f"{_sizes(a.shape[:-2] + out_size)}")
    positions = []
    for size, out in zip(a.shape[-2:], out_size):
        start, end = _adaptive_bounds(size, out)
        widest = int((end - start).max()) if out else 0
        # Each window's positions, its last one repeated to the widest window's length (a max ignores repeats).
        positions.append(np.minimum(start[:, None] + np.arange(widest), end[:, None] - 1))
    ph, pw = positions
    lead = a.shape[:-2]
    check_allocation(lead + ph.shape + pw.shape, a.dtype)
    windows = a[..., ph[:, :, None, None], pw[None, None, :, :]]  # (*lead, oh, kh, ow, kw)
    windows = np.moveaxis(windows, -3, -2).reshape(lead + out_size + (-1,))
    which = np.argmax(windows, axis=-1) if windows.shape[-1] else np.zeros(lead + out_size, dtype=np.int64)
    values = np.take_along_axis(windows, which[..., None], -1)[..., 0] if windows.size else \
        np.zeros(lead + out_size, dtype=a.dtype)
    kh, kw = np.divmod(which, max(pw.shape[1], 1))
    oh = np.arange(out_size[0])[:, None]
    ow = np.arange(out_size[1])
    where = (ph[oh, kh] * a.shape[-1] + pw[ow, kw]).astype(np.int64) if values.size else \
        np.zeros(values.shape, dtype=np.int64)
    out = _record_max(input, values, where, "AdaptiveMaxPool2DBackward0")
    return (out, wrap(where)) if return_indices else out


@op("nn", variants="functional", grad_fn="SqueezeBackward1")
def adaptive_max_pool1d(input, output_size, return_indices=False):
    """The largest element of each of output_size windows spread evenly over (N, C, L) or (C, L)."""
    _one_d(input, "adaptive_max_pool1d", "Expected 2 to 3 dimensions, but got {ndim}-dimensional tensor for argument"
                                         " #1 'self' (while checking arguments for adaptive_max_pool1d)")
    out = adaptive_max_pool2d(input.unsqueeze(-2), (1, _single(output_size)), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)
