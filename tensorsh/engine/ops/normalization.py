"""`torch.nn.functional`'s normalisations and embedding: batch_norm, layer_norm, group_norm, embedding.

The three normalisations are one mechanism: view the input so that the statistics are
taken over some of its dims (`_Stats`: the view's shape and those dims), standardise,
then scale and shift by weight and bias broadcast over the input. Each is one node with
PyTorch's grad_fn name; its backward recomputes the statistics from the input as tensor
ops, so that it can be differentiated again.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd import record, tracked
from ..rounding import fma
from ..tensor import Tensor, wrap
from ..views import put_at
from .common import tensor_arg, write_array
from .registry import op


def _sizes(shape) -> str:
    return f"[{', '.join(map(str, shape))}]"


class _Stats:
    """Statistics taken over `dims` of the input viewed as `view`; weight and bias are viewed as
    `affine` to broadcast over the input, and their gradients summed over `affine_dims`."""

    __slots__ = ("affine", "affine_dims", "dims", "view")

    def __init__(self, view, dims, affine, affine_dims):
        self.view, self.dims, self.affine, self.affine_dims = tuple(view), tuple(dims), tuple(affine), tuple(affine_dims)


def _float_input(input: Tensor, kernel: str) -> np.ndarray:
    a = input._data
    if a.dtype.kind not in "fc":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.scalar_name}'")
    return a


def _moments(a: np.ndarray, stats: _Stats) -> tuple[np.ndarray, np.ndarray]:
    """Mean and biased variance over the statistics' dims (kept), computed in at least float32."""
    v = a.reshape(stats.view)
    if v.dtype.char == "e":
        v = v.astype(np.float32)
    mean = v.mean(stats.dims, keepdims=True)
    var = np.square(v - mean).mean(stats.dims, keepdims=True)
    return mean, var


def _normalized(input: Tensor, weight, bias, stats: _Stats, eps: float, mean: np.ndarray, var: np.ndarray):
    """The forward array: (x - mean) / sqrt(var + eps) * weight + bias."""
    a = input._data
    out = ((a.reshape(stats.view) - mean) / np.sqrt(var + eps)).reshape(a.shape)
    if weight is not None:
        out = out * weight._data.reshape(stats.affine)
    if bias is not None:
        out = out + bias._data.reshape(stats.affine)
    return out.astype(a.dtype, copy=False)


def _batch_stats_backward(input: Tensor, weight, bias, stats: _Stats, eps: float):
    """The gradient of normalising with the batch's own statistics, in tensor ops."""

    def backward(g):
        x = input.reshape(stats.view)
        xc = x - x.mean(stats.dims, keepdim=True)
        invstd = ((xc * xc).mean(stats.dims, keepdim=True) + eps).rsqrt()
        xhat = xc * invstd
        gy = (g * weight.reshape(stats.affine) if weight is not None else g).reshape(stats.view)
        gx = gw = gb = None
        if tracked(input):
            gx = invstd * (gy - gy.mean(stats.dims, keepdim=True) - xhat * (gy * xhat).mean(stats.dims, keepdim=True))
            gx = gx.reshape(input._data.shape)
        if tracked(weight):
            gw = (g * xhat.reshape(input._data.shape)).sum(stats.affine_dims).reshape(weight._data.shape)
        if tracked(bias):
            gb = g.sum(stats.affine_dims).reshape(bias._data.shape)
        return gx, gw, gb

    return backward


def _check_features(name: str, expected: int, t) -> None:
    if t is not None and t._data.size != expected:
        raise RuntimeError(f"{name} should contain {expected} elements not {t._data.size}")


def _batch_stats(v: np.ndarray, param, eps: float, running_mean, running_var, momentum):
    """Each channel's mean and 1/sqrt(var + eps) over (N, C, R) v, updating the running statistics,
    with PyTorch's CPU arithmetic: each channel summed in order in double, the statistics rounded
    to the parameters' dtype, the running mean updated in that dtype and the running variance in double.

    (PyTorch sums a (N, C) input longer than its thread count in float, a chunk per thread, which
    depends on the machine; this is the order it uses otherwise.)"""
    n = v.shape[0] * v.shape[2]
    rows = np.moveaxis(v, 1, 0).reshape(v.shape[1], n)  # each channel's values in PyTorch's order

    def ordered_sum(a: np.ndarray) -> np.ndarray:
        return np.add.accumulate(a, axis=1, dtype=np.float64)[:, -1] if n else np.zeros(a.shape[0])

    with np.errstate(divide="ignore", invalid="ignore"):  # an empty batch gives NaN, as PyTorch's does
        mean = (ordered_sum(rows) / n).astype(param)
        centred = rows.astype(param) - mean[:, None]
        var_sum = ordered_sum(centred * centred).astype(param)
        invstd = (1 / np.sqrt((var_sum / param(n)).astype(np.float64) + eps)).astype(param)
        unbiased = (var_sum / param(n - 1)).astype(np.float64)
    m = param(momentum)
    if running_mean is not None:
        updated = m * mean + (param(1) - m) * running_mean._data.astype(param)
        write_array(running_mean, updated.astype(running_mean._data.dtype))
    if running_var is not None:
        kept = ((param(1) - m) * running_var._data.astype(param)).astype(np.float64)
        write_array(running_var, (np.float64(m) * unbiased + kept).astype(running_var._data.dtype))
    return mean, invstd


@op("nn", variants="functional", grad_fn="NativeBatchNormBackward0")
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05):
    """Normalise each channel (dim 1) of (N, C, *) by its mean and variance: the batch's when training
    (updating running_mean and running_var in place by momentum, the variance unbiased), else the running ones."""
    tensor_arg(input)
    a = input._data
    if training:
        per_channel = math.prod(a.shape) // (a.shape[1] if a.ndim > 1 else 1) if a.ndim > 1 else a.size
        if a.ndim > 1 and a.shape[1] and per_channel == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"torch.Size({_sizes(a.shape)})")
    channels = a.shape[1] if a.ndim > 1 else 0
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is not None:
            _check_features(name, channels, t)
        elif not training:
            raise RuntimeError(f"{name} must be defined in evaluation mode")
    _check_features("weight", channels, weight)
    _check_features("bias", channels, bias)
    _float_input(input, "batch_norm")
    rest = a.shape[2:]
    stats = _Stats((a.shape[0], channels, math.prod(rest)), (0, 2), (channels,) + (1,) * len(rest),
                   (0, *range(2, a.ndim)))
    v = a.reshape(stats.view)
    param = np.float32 if v.dtype.char == "e" else v.dtype.type  # the dtype of the statistics
    if training:
        mean, invstd = _batch_stats(v, param, eps, running_mean, running_var, momentum)
        backward = _batch_stats_backward(input, weight, bias, stats, eps)
    else:
        mean = running_mean._data.astype(param)
        invstd = param(1) / np.sqrt(running_var._data.astype(param) + param(eps))
        scale = wrap(invstd.reshape(stats.affine).astype(a.dtype))
        shift = wrap(mean.reshape(stats.affine).astype(a.dtype))

        def backward(g):
            gx = gw = gb = None
            if tracked(input):
                gx = g * scale if weight is None else g * (weight.reshape(stats.affine) * scale)
            if tracked(weight):
                gw = (g * ((input - shift) * scale)).sum(stats.affine_dims)
            if tracked(bias):
                gb = g.sum(stats.affine_dims)
            return gx, gw, gb

    # As PyTorch's kernel: x * alpha + beta, alpha = invstd * weight, beta = bias - mean * alpha, each
    # multiply-add fused (an input equal to the mean comes out as the residue of rounding beta).
    alpha = invstd if weight is None else invstd * weight._data.astype(param)
    beta = fma(-mean, alpha, np.zeros_like(alpha) if bias is None else bias._data.astype(param))
    out = fma(v.astype(param), alpha[:, None], beta[:, None]).reshape(a.shape).astype(a.dtype)
    return record(out, "NativeBatchNormBackward0", (input, weight, bias), backward, saved=(input, weight))


@op("nn", variants="function, functional", grad_fn="NativeLayerNormBackward0")
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalise over the last len(normalized_shape) dims (mean 0, variance 1), then weight * x + bias."""
    tensor_arg(input)
    if isinstance(normalized_shape, int):
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int")
    shape = tuple(normalized_shape)
    a = input._data
    k = len(shape)
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tensor_arg(t, name)._data.shape != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{_sizes(t._data.shape)} and normalized_shape = {_sizes(shape)}")
    if k == 0 or a.ndim < k or a.shape[a.ndim - k:] != shape:
        raise RuntimeError(f"Given normalized_shape={_sizes(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size{_sizes(a.shape)}")
    _float_input(input, "LayerNormKernelImpl")
    lead = a.shape[:a.ndim - k]
    stats = _Stats((math.prod(lead), math.prod(shape)), (1,), shape, tuple(range(len(lead))))
    mean, var = _moments(a, stats)
    out = _normalized(input, weight, bias, stats, eps, mean, var)
    return record(out, "NativeLayerNormBackward0", (input, weight, bias),
                  _batch_stats_backward(input, weight, bias, stats, eps), saved=(input, weight))


@op("nn", variants="function, functional", grad_fn="NativeGroupNormBackward0")
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Normalise (N, C, *) over each group of C / num_groups channels (and all their positions),
    then weight * x + bias per channel."""
    tensor_arg(input)
    a = input._data
    if a.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {a.ndim}")
    channels = a.shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {_sizes(a.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (tensor_arg(t, name)._data.ndim != 1 or t._data.size != channels):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {_sizes(t._data.shape)} and input of shape {_sizes(a.shape)}")
    _float_input(input, "GroupNormKernelImpl")
    stats = _Stats((a.shape[0], num_groups, a.size // max(a.shape[0] * num_groups, 1)), (2,),
                   (channels,) + (1,) * (a.ndim - 2), (0, *range(2, a.ndim)))
    mean, var = _moments(a, stats)
    out = _normalized(input, weight, bias, stats, eps, mean, var)
    return record(out, "NativeGroupNormBackward0", (input, weight, bias),
                  _batch_stats_backward(input, weight, bias, stats, eps), saved=(input, weight))


# ================================================================ embedding


def _embedding_result(input, weight, *args, **kwargs):
    """The result rule of embedding: one row of weight per index."""
    return (*input._data.shape, weight._data.shape[1]), weight.dtype


@op("nn", variants="functional", grad_fn="EmbeddingBackward0", result=_embedding_result)
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """The rows of weight that the indices in input name. padding_idx's row gets no gradient;
    max_norm renormalises (in place) the rows used to at most that norm; scale_grad_by_freq divides
    each row's gradient by how often it is used."""
    tensor_arg(input)
    tensor_arg(weight, "weight")
    rows = weight._data.shape[0] if weight._data.ndim else 0
    if padding_idx is not None:
        if not -rows <= padding_idx < rows:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= rows
    if weight._data.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    idx = input._data
    if idx.dtype not in (np.int64, np.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{input.dtype.legacy_name} instead (while checking arguments for "
                           "embedding)")
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        raise IndexError("index out of range in self")
    flat = idx.reshape(-1).astype(np.int64)
    if max_norm is not None:
        _renorm_rows(weight, np.unique(flat), max_norm, norm_type)
    w = weight._data
    out = w[flat].reshape(idx.shape + (w.shape[1],))
    scale = np.ones(flat.size, dtype=w.dtype)
    if padding_idx is not None:
        scale[flat == padding_idx] = 0
    if scale_grad_by_freq:
        scale /= np.bincount(flat, minlength=rows)[flat]
    factor = wrap(scale[:, None])
    shape, key = w.shape, (flat,)
    return record(out, "EmbeddingBackward0", (weight,),
                  lambda g: (put_at(g.reshape(-1, shape[1]) * factor, shape, key),))


def _renorm_rows(weight: Tensor, used: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale the used rows of weight whose norm exceeds max_norm down to it, in place (PyTorch's embedding_renorm_)."""
    w = weight._data
    norms = np.linalg.norm(w[used].astype(np.float64), ord=norm_type, axis=1)
    over = norms > max_norm
    if over.any():
        renormed = w.copy()
        renormed[used[over]] = w[used[over]] * (max_norm / (norms[over] + 1e-7))[:, None].astype(w.dtype)
        write_array(weight, renormed)
