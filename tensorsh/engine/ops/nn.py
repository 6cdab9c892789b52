"""`torch.nn.functional`: softmax, activations, linear layers, dropout and the losses.

softmax and log_softmax work straight on the arrays in one node each (they sit on
every classifier's hot path). Activations are one node each with PyTorch's grad_fn
name. Losses with a PyTorch node of their own (mse, nll, bce, smooth_l1, huber) are
one node each; the others are compositions, which is also how PyTorch builds them,
so they show the same grad_fn names.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from .. import autograd, dtypes, rounding
from ..limits import check_allocation
from ..tensor import Tensor, synced, wrap, wrap_dim
from ..autograd import OUTPUT, record
from .common import broadcast_shapes, inplace, result_type, tensor_arg, warn, write_out
from .registry import OPS, op
from .sampling import bernoulli_
from .summation import add_up, average, flushed_sum, lane_sum, running_sum

_erf = np.frompyfunc(math.erf, 1, 1)  # NumPy has no erf; exact, and gelu is not on a hot path
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_REDUCTIONS = ("none", "mean", "sum")


# ================================================================ softmax


def _softmax_dim(ndim: int, name: str) -> int:
    # PyTorch's legacy rule for a missing dim, with its deprecation warning.
    dim = 0 if ndim in (0, 1, 3) else 1
    warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.")
    return dim


def _softmax_input(input, dim, dtype, name):
    tensor_arg(input)
    a = input._data
    if type(dim) is int and dtype is None and a.dtype.char in "fd" and -a.ndim <= dim < a.ndim:
        return a, dim % a.ndim  # the hot path
    if isinstance(dim, dtypes.dtype):  # torch.softmax(x, dim, dtype) passed as F.softmax's _stacklevel slot
        dim, dtype = dtype, dim
    if dim is None:
        dim = _softmax_dim(a.ndim, name)
    axis = wrap_dim(dim, a.ndim)
    if dtype is not None:
        a = a.astype(dtypes.to_dtype(dtype).np)
    elif a.dtype.kind in "biu":
        kind = "softmax" if name == "softmax" else "log_softmax"
        raise NotImplementedError(f"\"{kind}_lastdim_kernel_impl\" not implemented for '{input.dtype.scalar_name}'")
    return a, (axis if a.ndim else None)


def _wide(a: np.ndarray) -> np.ndarray:
    """float16 is computed in float32 and rounded at the end, as PyTorch's kernels do."""
    return a.astype(np.float32) if a.dtype.char == "e" else a


# softmax's kernels are built for AVX-512 as well (unlike sum's): 64-byte vectors.
_SOFTMAX_VECTOR_BYTES = 64


def _softmax_denominator(e: np.ndarray, axis) -> np.ndarray:
    """sum(e) along axis (kept) in the order of PyTorch's softmax kernels: a vectorised
    reduce_all over the last dim, a running sum per element over any other dim."""
    if axis is None or not e.size:
        return np.add.reduce(e, axis, keepdims=True)
    if axis == e.ndim - 1:
        return lane_sum(e, _SOFTMAX_VECTOR_BYTES // e.itemsize)[..., None]
    if e.flags.c_contiguous and e.shape[-1] > 1:
        # A contiguous axis inside the reduced one: NumPy adds along it in order, not pairwise.
        return np.add.reduce(e, axis, keepdims=True)
    return np.expand_dims(running_sum(e, axis), axis)


@op("nn", variants="function, method, functional", grad_fn="SoftmaxBackward0")
def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along dim: turns scores into probabilities that sum to 1."""
    a, axis = _softmax_input(input, dim, dtype if dtype is not None else _stacklevel_dtype(_stacklevel),
                             "softmax")
    w = _wide(a)
    # The ufuncs' own reductions (the ndarray methods add a Python layer), and one buffer
    # for the three steps. initial=-inf lets an empty tensor through (PyTorch returns it unchanged).
    e = np.subtract(w, np.maximum.reduce(w, axis, keepdims=True, initial=-np.inf), out=...)
    np.exp(e, out=e)
    if axis is not None and axis == e.ndim - 1 and e.size:
        # The last-dim kernel multiplies by the reciprocal of its vectorised sum.
        e *= 1 / _softmax_denominator(e, axis)
    else:
        e /= _softmax_denominator(e, axis)
    if e.dtype != a.dtype:
        e = e.astype(a.dtype)

    def backward(g, result):
        return (result * (g - ((g * result).sum(axis, keepdim=True) if axis is not None else g * result)),)

    return record(e, "SoftmaxBackward0", (input,), backward, saved=(OUTPUT,))


def _stacklevel_dtype(value):
    return value if isinstance(value, dtypes.dtype) else None


@op("nn", variants="function, method, functional", grad_fn="LogSoftmaxBackward0")
def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along dim, computed without overflow."""
    a, axis = _softmax_input(input, dim, dtype if dtype is not None else _stacklevel_dtype(_stacklevel),
                             "log_softmax")
    w = _wide(a)
    shifted = w - w.max(axis, keepdims=True, initial=-np.inf)
    shifted -= np.log(_softmax_denominator(np.exp(shifted), axis))
    if shifted.dtype != a.dtype:
        shifted = shifted.astype(a.dtype)

    def backward(g, result):
        return (g - result.exp() * (g.sum(axis, keepdim=True) if axis is not None else g),)

    return record(shifted, "LogSoftmaxBackward0", (input,), backward, saved=(OUTPUT,))


@op("nn", variants="functional", grad_fn="SoftmaxBackward0")
def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along dim: the smallest scores get the largest probabilities."""
    return softmax(-input, dim, _stacklevel, dtype)


# ================================================================ activations


def _activation(input, out: np.ndarray, name: str, derivative, saved: tuple) -> Tensor:
    """Record an element-wise activation; derivative(x) gives d(out)/d(input) as a tensor."""
    return record(out, name, (input,), lambda g: (g * derivative(input),), saved=saved)


def _float_input(input, kernel: str) -> np.ndarray:
    tensor_arg(input, depth=2)  # PyTorch's message names the activation, not this helper
    a = input._data
    if a.dtype.kind in "biu":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.scalar_name}'")
    return a


def _in_place(input, fn):
    """Run fn on input and write the result into input (the `inplace=True` of F's activations)."""
    if not isinstance(input, Tensor):
        # F's form runs the in-place kernel, `elu_`, and PyTorch's message names it; where a
        # torch.X form exists too (celu, selu), that form checks first and names itself, and
        # this one function serves both: the torch.X form's message is the one kept.
        name = sys._getframe(1).f_code.co_name
        _not_a_tensor(input, name if OPS[name].function else f"{name}_")
    return inplace(input, fn)


def _not_a_tensor(input, name: str):
    raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def _normal_cdf_array(a: np.ndarray) -> np.ndarray:
    return (0.5 * (1.0 + _erf(a * _SQRT_HALF).astype(np.float64))).astype(a.dtype)


def _normal_pdf(x: Tensor) -> Tensor:
    return (x * x * -0.5).exp() * _INV_SQRT_2PI


def _normal_cdf(x: Tensor) -> Tensor:
    """Phi(x), the standard normal CDF, as a differentiable tensor (its derivative is the pdf)."""
    return record(_normal_cdf_array(x._data), "ErfBackward0", (x,), lambda g: (g * _normal_pdf(x),), saved=(x,))


@op("nn", variants="functional", grad_fn="GeluBackward0")
def gelu(input, approximate="none"):
    """Gaussian error linear unit x * Phi(x) ('tanh': the tanh approximation)."""
    a = _float_input(input, "GeluKernelImpl")
    if approximate == "none":
        # d/dx x Phi(x) = Phi(x) + x phi(x), built from tensor ops so that it can be differentiated again.
        return _activation(input, a * _normal_cdf_array(a), "GeluBackward0",
                           lambda x: _normal_cdf(x) + x * _normal_pdf(x), saved=(input,))
    if approximate != "tanh":
        raise RuntimeError("approximate argument must be either none or tanh.")
    k = math.sqrt(2.0 / math.pi)

    def tanh_derivative(x):
        inner = (x + 0.044715 * x ** 3) * k
        t = inner.tanh()
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)

    out = 0.5 * a * (1.0 + np.tanh(k * (a + 0.044715 * a ** 3)))
    return _activation(input, out.astype(a.dtype), "GeluBackward0", tanh_derivative, saved=(input,))


@op("nn", variants="functional", grad_fn="SiluBackward0")
def silu(input, inplace=False):
    """x * sigmoid(x), also called swish."""
    if inplace:
        return _in_place(input, lambda src: silu(src))
    a = _float_input(input, "silu_cpu")
    s = 1.0 / (1.0 + np.exp(-a))

    def derivative(x):
        sig = x.sigmoid()
        return sig * (1 + x * (1 - sig))

    return _activation(input, a * s, "SiluBackward0", derivative, saved=(input,))


@op("nn", variants="functional", grad_fn="MishBackward0")
def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    if inplace:
        return _in_place(input, lambda src: mish(src))
    a = _float_input(input, "mish_cpu")
    out = a * np.tanh(np.logaddexp(0, a))

    def derivative(x):
        sp = softplus(x)
        t = sp.tanh()
        return t + x * x.sigmoid() * (1 - t * t)

    return _activation(input, out.astype(a.dtype), "MishBackward0", derivative, saved=(input,))


@op("nn", variants="functional", grad_fn="LeakyReluBackward0")
def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x > 0, else negative_slope * x."""
    if inplace:
        return _in_place(input, lambda src: leaky_relu(src, negative_slope))
    a = _float_input(input, "leaky_relu_cpu")
    positive = a > 0
    # float16 is scaled in float32 by the slope read straight into float32, as PyTorch's kernel does
    scaled = a * negative_slope if a.dtype != np.float16 else a.astype(np.float32) * np.float32(negative_slope)
    out = np.where(positive, a, scaled).astype(a.dtype)
    factor = wrap(np.where(positive, 1.0, negative_slope).astype(a.dtype))
    return _activation(input, out, "LeakyReluBackward0", lambda x: factor, saved=(input,))


@op("nn", variants="functional", grad_fn="EluBackward0")
def elu(input, alpha=1.0, inplace=False):
    """x where x > 0, else alpha * (exp(x) - 1)."""
    if inplace:
        return _in_place(input, lambda src: elu(src, alpha))
    a = _float_input(input, "elu_cpu")
    out = np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0))).astype(a.dtype)

    def derivative(x):
        positive = wrap(x._data > 0)
        return positive + logical_not_of(positive) * (x.exp() * alpha)

    return _activation(input, out, "EluBackward0", derivative, saved=(input,))


def logical_not_of(mask: Tensor) -> Tensor:
    return wrap(~mask._data)


@op("nn", variants="function, functional", grad_fn="EluBackward0")
def selu(input, inplace=False):
    """scale * elu(x, alpha) with SELU's fixed scale and alpha (self-normalising)."""
    if inplace:
        return _in_place(input, lambda src: selu(src))
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    a = _float_input(input, "elu_cpu")
    out = (scale * np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0)))).astype(a.dtype)

    def derivative(x):
        positive = wrap(x._data > 0)
        return positive * scale + logical_not_of(positive) * (x.exp() * (scale * alpha))

    return _activation(input, out, "EluBackward0", derivative, saved=(input,))


@op("nn", variants="function, functional", grad_fn="CeluBackward0")
def celu(input, alpha=1.0, inplace=False):
    """x where x > 0, else alpha * (exp(x / alpha) - 1)."""
    if inplace:
        return _in_place(input, lambda src: celu(src, alpha))
    a = _float_input(input, "elu_cpu")
    out = np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0) / alpha)).astype(a.dtype)

    def derivative(x):
        positive = wrap(x._data > 0)
        return positive + logical_not_of(positive) * (x / alpha).exp()

    return _activation(input, out, "CeluBackward0", derivative, saved=(input,))


@op("nn", variants="functional", grad_fn="SoftplusBackward0")
def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, a smooth relu (linear above threshold)."""
    a = _float_input(input, "softplus_cpu")
    bx = a * beta
    out = np.where(bx > threshold, a, np.logaddexp(0, bx) / beta).astype(a.dtype)

    def derivative(x):
        linear = wrap(x._data * beta > threshold)
        return linear + logical_not_of(linear) * (x * beta).sigmoid()

    return _activation(input, out, "SoftplusBackward0", derivative, saved=(input,))


@op("nn", variants="functional", grad_fn="LogSigmoidBackward0")
def logsigmoid(input):
    """log(sigmoid(x)), computed without overflow."""
    a = _float_input(input, "log_sigmoid_cpu")
    out = (-np.logaddexp(0, -a)).astype(a.dtype)
    return _activation(input, out, "LogSigmoidBackward0", lambda x: (-x).sigmoid(), saved=(input,))


@op("nn", variants="functional", grad_fn="HardtanhBackward0")
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """x clipped to [min_val, max_val]; the gradient passes strictly inside."""
    if inplace:
        return _in_place(input, lambda src: hardtanh(src, min_val, max_val))
    tensor_arg(input)
    a = input._data
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if a.dtype.kind in "biu":  # integers clip without a gradient, as in PyTorch
        return wrap(np.clip(a, min_val, max_val).astype(a.dtype))
    low, high = rounding.scalar(min_val, a.dtype), rounding.scalar(max_val, a.dtype)
    out = np.clip(a, low, high).astype(a.dtype)
    inside = wrap(((a > low) & (a < high)).astype(a.dtype))
    return _activation(input, out, "HardtanhBackward0", lambda x: inside, saved=(input,))


@op("nn", variants="functional", grad_fn="HardtanhBackward0")
def relu6(input, inplace=False):
    """min(max(x, 0), 6)."""
    if not isinstance(input, Tensor):  # before hardtanh, whose name PyTorch's message does not give
        _not_a_tensor(input, "relu6_" if inplace else "relu6")
    return hardtanh(input, 0.0, 6.0, inplace)


@op("nn", variants="functional", grad_fn="HardsigmoidBackward0")
def hardsigmoid(input, inplace=False):
    """A piecewise-linear sigmoid: clip(x / 6 + 1/2, 0, 1)."""
    if inplace:
        return _in_place(input, lambda src: hardsigmoid(src))
    a = _float_input(input, "hardsigmoid_cpu")
    out = np.clip(a / 6 + 0.5, 0, 1).astype(a.dtype)
    inside = wrap((((a > -3) & (a < 3)) / 6).astype(a.dtype))
    return _activation(input, out, "HardsigmoidBackward0", lambda x: inside, saved=(input,))


@op("nn", variants="functional", grad_fn="HardswishBackward0")
def hardswish(input, inplace=False):
    """x * hardsigmoid(x)."""
    if inplace:
        return _in_place(input, lambda src: hardswish(src))
    a = _float_input(input, "hardswish_cpu")
    out = (a * np.clip(a / 6 + 0.5, 0, 1)).astype(a.dtype)

    def derivative(x):
        xd = x._data
        middle = (xd > -3) & (xd < 3)
        return (x / 3 + 0.5) * wrap(middle.astype(xd.dtype)) + wrap((xd >= 3).astype(xd.dtype))

    return _activation(input, out, "HardswishBackward0", derivative, saved=(input,))


@op("nn", variants="functional", grad_fn="DivBackward0")
def softsign(input):
    """x / (1 + |x|)."""
    tensor_arg(input)
    return input / (input.abs() + 1)


# ================================================================ encoding, layers, dropout


@op("nn", variants="functional")
def one_hot(tensor, num_classes=-1):
    """Class indices (int64) as one-hot rows of length num_classes (-1: one more than the largest index)."""
    tensor_arg(tensor, "tensor")
    t = tensor._data
    if t.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if t.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    if t.size:
        if t.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if t.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    check_allocation((*t.shape, num_classes), dtypes.int64)
    return wrap((t[..., None] == np.arange(num_classes)).astype(np.int64))


@op("nn", variants="functional", grad_fn=("AddmmBackward0", "MmBackward0", "ViewBackward0"))
def linear(input, weight, bias=None):
    """input @ weight.T + bias: a fully connected layer."""
    from .linalg import addmm, matmul

    tensor_arg(input)
    tensor_arg(weight, "weight")
    if bias is not None and input._data.ndim == 2 and weight._data.ndim == 2:
        return addmm(bias, input, weight.t())
    out = matmul(input, weight.t())
    if bias is None:
        return out
    shape = broadcast_shapes(out._data.shape, bias._data.shape)
    if shape != out._data.shape:
        bias.expand(out._data.shape)  # raises PyTorch's message
    # PyTorch adds the bias inside a folded addmm and views the result back.
    return record(out._data + bias._data, "ViewBackward0", (out, bias), lambda g: (g, g))


@op("nn", variants="functional", grad_fn=("AddBackward0", "ViewBackward0"))
def bilinear(input1, input2, weight, bias=None):
    """x1^T A x2 + b for every output feature: einsum('...i,oij,...j->...o')."""
    from .linalg import einsum

    out = einsum("...i,oij,...j->...o", input1, weight, input2)
    return out if bias is None else out + bias


@op("nn", variants="functional", grad_fn="DivBackward0")
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input divided by its p-norm along dim (at least eps), so that each slice has norm 1
    (written into out, as torch.div's out=, if given)."""
    tensor_arg(input)
    denom = input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)
    if out is not None:  # PyTorch's normalize is torch.div(input, denom, out=out)
        return write_out("div", OPS["div"].out, OPS["div"].fn, out, (input, denom), {})
    return input / denom


@op("nn", variants="function, functional", grad_fn="SumBackward1")
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """The cosine of the angle between x1 and x2 along dim."""
    tensor_arg(x1, "x1")
    tensor_arg(x2, "x2")
    n1 = x1.norm(dim=dim, keepdim=True).clamp(min=eps)
    n2 = x2.norm(dim=dim, keepdim=True).clamp(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


@op("nn", variants="function, functional", grad_fn="MulBackward0")
def dropout(input, p=0.5, training=True, inplace=False):
    """During training, zero each element with probability p and scale the rest by 1 / (1 - p)."""
    if inplace and not isinstance(input, Tensor):
        _not_a_tensor(input, "dropout_")  # PyTorch's in-place kernel
    tensor_arg(input)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if inplace:
        return _in_place(input, lambda src: dropout(src, p, training))
    a = input._data
    if p == 1:
        return input * wrap(np.zeros((), dtype=a.dtype))
    # As PyTorch does on a CPU: noise laid out like the input, bernoulli_(1 - p), divided by 1 - p.
    noise = bernoulli_(wrap(np.empty_like(a)), 1 - p)._data
    return input * wrap(noise / a.dtype.type(1 - p))


@op("nn", variants="functional", grad_fn="ConstantPadNdBackward0")
def pad(input, pad, mode="constant", value=None):
    """Pad the last dims: pad = (left, right) for the last dim, then (top, bottom) for the one before, ..."""
    tensor_arg(input)
    pad = tuple(pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    a = input._data
    n = len(pad) // 2
    if n > a.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input dimension but got padding "
            f"length {len(pad)} and input of dimension {a.ndim}"
        )
    widths = [(0, 0)] * (a.ndim - n) + [(max(pad[2 * i], 0), max(pad[2 * i + 1], 0)) for i in reversed(range(n))]
    crops = [slice(None)] * (a.ndim - n) + [
        slice(-min(pad[2 * i], 0), a.shape[a.ndim - 1 - i] + max(pad[2 * i], 0) + pad[2 * i + 1]
              if pad[2 * i + 1] < 0 else None)
        for i in reversed(range(n))
    ]
    check_allocation(tuple(s + w[0] + w[1] for s, w in zip(a.shape, widths)), input.dtype)
    if mode != "constant":
        numpy_mode = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}.get(mode)
        if numpy_mode is None:
            raise NotImplementedError(f"Unrecognised padding mode {mode}")
        if synced(input)._requires_grad and autograd._grad_enabled:
            raise NotImplementedError(f"tensorsh has no gradient for pad with mode '{mode}'")
        return wrap(np.pad(a, widths, mode=numpy_mode)[tuple(crops)])
    padded = np.pad(a, widths, constant_values=0 if value is None else rounding.scalar(value, a.dtype))
    out = np.ascontiguousarray(padded[tuple(crops)])
    return record(out, "ConstantPadNdBackward0", (input,), lambda g: (_unpad(g, pad, widths, crops, a.shape),))


def _unpad(g: Tensor, amounts: tuple, widths, crops, shape) -> Tensor:
    """The gradient of constant padding: the part of g where the input landed (zeros where it was cropped).

    It is linear in g, and its own gradient is the padding again.
    """
    full = np.zeros(tuple(s + w[0] + w[1] for s, w in zip(shape, widths)), dtype=g._data.dtype)
    full[tuple(crops)] = g._data
    inner = tuple(slice(w[0], w[0] + s) for w, s in zip(widths, shape))
    return record(np.ascontiguousarray(full[inner]), "ConstantPadNdBackward0", (g,), lambda gg: (pad(gg, amounts),))


# ================================================================ losses


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _legacy_reduction(size_average, reduce, reduction):
    """size_average / reduce (deprecated) override reduction as in PyTorch."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return ("mean" if size_average else "sum") if reduce else "none"


def _reduce_array(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "none":
        return loss
    axes = tuple(range(loss.ndim))
    if reduction == "mean":  # an empty mean is NaN, as PyTorch's
        return average(loss, axes) if loss.size else np.asarray(np.nan, dtype=loss.dtype)
    return add_up(loss, axes)


def _size_warning(input: Tensor, target: Tensor) -> None:
    if input._data.shape != target._data.shape:
        warn(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). This will "
            "likely lead to incorrect results due to broadcasting. Please ensure they have the same size."
        )


def _elementwise_loss(name, input, target, reduction, loss_fn, derivative, kernel):
    """A loss that is element-wise before its reduction: one node, gradients for input and target.

    loss_fn(a, b) is the element-wise loss on arrays; derivative(x, t) gives d(loss)/d(input) as a tensor
    (the target's gradient is its negative: these losses depend on input - target).
    """
    _check_reduction(reduction)
    dtype = result_type(input, target)
    if dtype.category < dtypes.FLOAT:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtype.scalar_name}'")
    a = input._data.astype(dtype.np, copy=False)
    b = target._data.astype(dtype.np, copy=False)
    shape = broadcast_shapes(a.shape, b.shape)
    loss = loss_fn(a, b)
    n = loss.size

    def backward(g):
        if reduction == "mean":
            g = g / n
        if reduction != "none":
            g = g.expand(shape)
        d = g * derivative(input, target)
        return d, -d

    return record(_reduce_array(loss, reduction), name, (input, target), backward, saved=(input, target))


@op("nn", variants="functional", grad_fn="MseLossBackward0")
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error: mean((input - target) ** 2) ('sum' and 'none' reductions too)."""
    tensor_arg(input)
    tensor_arg(target, "target")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _size_warning(input, target)
    return _elementwise_loss("MseLossBackward0", input, target, reduction,
                             lambda a, b: (a - b) ** 2, lambda x, t: 2 * (x - t), "mse_cpu")


@op("nn", variants="functional", grad_fn=("AbsBackward0", "MeanBackward0"))
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Mean absolute error: mean(|input - target|)."""
    tensor_arg(input)
    tensor_arg(target, "target")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _size_warning(input, target)
    loss = (input - target).abs()
    return loss if reduction == "none" else loss.mean() if reduction == "mean" else loss.sum()


@op("nn", variants="functional", grad_fn="SmoothL1LossBackward0")
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Squared error below beta, absolute error above it (a smooth l1)."""
    tensor_arg(input)
    tensor_arg(target, "target")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)  # as PyTorch does
    _size_warning(input, target)

    def loss(a, b):
        d = np.abs(a - b)
        return d if beta == 0 else np.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta)

    def derivative(x, t):
        d = x - t
        small = np.abs(d._data) < beta
        # Tensor ops on d inside, so that the second derivative (1 / beta there) survives.
        return d * wrap(small / beta) + wrap(np.where(small, 0, np.sign(d._data)).astype(d._data.dtype))

    return _elementwise_loss("SmoothL1LossBackward0", input, target, reduction, loss, derivative, "smooth_l1_cpu")


@op("nn", variants="functional", grad_fn="HuberLossBackward0")
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Squared error below delta, delta-scaled absolute error above it."""
    tensor_arg(input)
    tensor_arg(target, "target")
    _size_warning(input, target)

    def loss(a, b):
        d = np.abs(a - b)
        return np.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))

    def derivative(x, t):
        d = x - t
        small = np.abs(d._data) < delta
        return d * wrap(small.astype(d._data.dtype)) + wrap(np.where(small, 0, delta * np.sign(d._data)).astype(d._data.dtype))

    return _elementwise_loss("HuberLossBackward0", input, target, reduction, loss, derivative, "huber_cpu")


# ---------------------------------------------------------------- classification losses


def _check_target(target: Tensor) -> np.ndarray:
    t = target._data
    if t.dtype != np.int64 and t.dtype != np.uint8:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {target.dtype.scalar_name}")
    return t.astype(np.int64, copy=False)


@op("nn", variants="functional", grad_fn=("NllLoss2DBackward0", "NllLossBackward0", "ViewBackward0"))
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log likelihood: -input[n, target[n]] (weighted), for log-probabilities input."""
    tensor_arg(input)
    tensor_arg(target, "target")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    x = input._data
    t = _check_target(target)
    if x.dtype.kind not in "fc":
        raise NotImplementedError(f"\"nll_loss_out_frame\" not implemented for '{input.dtype.scalar_name}'")
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim == 1:
        if t.ndim > 1 or t.size != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t.shape[0] if t.ndim else 0}")
        xs, ts = x[None, :], t.reshape(1)
    else:
        if t.ndim == 0 or t.shape[0] != x.shape[0]:
            raise ValueError(
                f"Expected input batch_size ({x.shape[0]}) to match target batch_size ({t.shape[0] if t.ndim else 0})."
            )
        if x.ndim == 2 and t.ndim != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if t.shape != x.shape[:1] + x.shape[2:]:
            raise RuntimeError(
                f"Expected target size [{', '.join(map(str, x.shape[:1] + x.shape[2:]))}], got "
                f"[{', '.join(map(str, t.shape))}]"
            )
        xs, ts = (x if x.ndim == 2 else np.moveaxis(x, 1, -1)), t
    n_classes = xs.shape[-1]
    if weight is not None:
        w = tensor_arg(weight, "weight")._data
        if w.shape != (n_classes,):
            raise RuntimeError(
                f"weight tensor should be defined either for all {n_classes} classes or no classes but got weight "
                f"tensor of shape: [{', '.join(map(str, w.shape))}]"
            )
        if w.dtype != x.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype.scalar_name} but found {weight.dtype.scalar_name}")
    ts = ts.reshape(-1)
    valid = ts != ignore_index
    bad = valid & ((ts < 0) | (ts >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(ts[bad][0])} is out of bounds.")
    safe = np.where(valid, ts, 0)
    rows = np.arange(ts.size)
    picked = xs.reshape(-1, n_classes)[rows, safe]
    w_each = (w[safe] * valid if weight is not None else valid).astype(x.dtype, copy=False)
    loss = -picked * w_each
    if reduction == "none":
        out = loss.reshape(t.shape)
        scale = w_each
    else:
        # The kernel's own cascade (summation.flushed_sum) over the targets, for the loss and
        # for the total weight.
        denom = 1
        if reduction == "mean":
            denom = flushed_sum(w_each, valid) if weight is not None else x.dtype.type(np.count_nonzero(valid))
        out = flushed_sum(loss, valid) / denom
        # Every target ignored: the mean is NaN, but PyTorch's gradient is zero.
        scale = w_each / denom if denom else w_each

    def backward(g):
        # d(loss)/d(input) is -scale at each target position and 0 elsewhere: a constant times g.
        spread = np.zeros((ts.size, n_classes), dtype=x.dtype)
        spread[rows[valid], safe[valid]] = -scale[valid]
        if x.ndim == 1:
            spread = spread.reshape(x.shape)
        else:
            spread = spread.reshape(xs.shape)
            if x.ndim > 2:
                spread = np.moveaxis(spread, -1, 1)
            if reduction == "none":
                g = g.unsqueeze(1)
        return (g * wrap(spread),)

    # PyTorch runs inputs with extra dims through its 2-D kernel (viewing the result back when unreduced).
    name = "NllLossBackward0" if x.ndim <= 2 else "NllLoss2DBackward0" if reduction != "none" or x.ndim == 4 \
        else "ViewBackward0"
    return record(np.asarray(out, dtype=x.dtype), name, (input,), backward)


def _div_scalar(t: Tensor, n) -> Tensor:
    """t / n for a Python number n, recorded as PyTorch's DivBackward1 (division by a scalar)."""
    return record(t._data / np.asarray(n, dtype=t._data.dtype), "DivBackward1", (t,), lambda g: (g / n,))


@op("nn", variants="functional", grad_fn=("AddBackward0", "DivBackward0", "DivBackward1", "NegBackward0", "NllLoss2DBackward0", "NllLossBackward0"))
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Softmax cross entropy between scores and class indices (or class probabilities)."""
    tensor_arg(input)
    tensor_arg(target, "target")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x = input._data
    class_dim = 0 if x.ndim == 1 else 1
    n_classes = x.shape[class_dim]
    logp = log_softmax(input, class_dim)
    w_shape = [1] * x.ndim
    w_shape[class_dim] = n_classes
    if input._data.shape == target._data.shape and target.dtype.category == dtypes.FLOAT:
        # Class probabilities.
        probs = target
        if label_smoothing > 0:
            probs = target * (1 - label_smoothing) + label_smoothing / n_classes
        weighted = logp * probs
        if weight is not None:
            weighted = weighted * weight.reshape(w_shape)
        if reduction == "none":
            return -weighted.sum(class_dim)
        total = -weighted.sum()
        if reduction == "sum":
            return total
        return _div_scalar(total, x.size // n_classes if x.size else float("nan"))
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0:
        return nll
    t = _check_target(target)
    keep = wrap((t != ignore_index).astype(x.dtype))
    smooth = -(logp * weight.reshape(w_shape)).sum(class_dim) if weight is not None else -logp.sum(class_dim)
    smooth = smooth * keep
    if reduction == "mean":
        if weight is not None:
            denom = float(np.sum(weight._data[t[t != ignore_index]]))
        else:
            denom = float(np.sum(t != ignore_index))
        total = smooth.sum()
        # Every target ignored: NaN, as PyTorch, whose masked terms still pass a zero gradient.
        smooth = total / denom if denom else record(np.asarray(np.nan, dtype=x.dtype), "DivBackward0", (total,),
                                                    lambda g: (g * 0,))
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


@op("nn", variants="functional", grad_fn="BinaryCrossEntropyBackward0")
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(t * log(p) + (1 - t) * log(1 - p)) for probabilities p (logs clamped at -100, as PyTorch)."""
    tensor_arg(input)
    tensor_arg(target, "target")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input._data.shape != target._data.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is "
            "deprecated. Please ensure they have the same size."
        )
    p, t = input._data, target._data
    if p.dtype != t.dtype:
        raise RuntimeError(f"Found dtype {target.dtype.scalar_name} but expected {input.dtype.scalar_name}")
    if p.dtype.kind not in "fc":
        raise NotImplementedError(f"\"binary_cross_entropy\" not implemented for '{input.dtype.scalar_name}'")
    if not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")
    if not ((t >= 0) & (t <= 1)).all():
        raise RuntimeError("all elements of target should be between 0 and 1")
    w = None if weight is None else np.broadcast_to(weight._data, p.shape).astype(p.dtype)
    loss = -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log1p(-p), -100))
    if w is not None:
        loss = loss * w

    def backward(g):
        if reduction == "mean":
            g = g / p.size
        if reduction != "none":
            g = g.expand(p.shape)
        wt = wrap(w) if w is not None else 1
        gi = g * wt * (input - target) / ((1 - input) * input).clamp(min=1e-12)
        gt = g * wt * ((1 - input).log().clamp(min=-100) - input.log().clamp(min=-100)) \
            if target._requires_grad else None
        return gi, gt

    return record(_reduce_array(loss.astype(p.dtype), reduction), "BinaryCrossEntropyBackward0",
                  (input, target), backward, saved=(input, target))


@op("nn", variants="functional", grad_fn="BinaryCrossEntropyWithLogitsBackward0")
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """binary_cross_entropy(sigmoid(x), t), computed stably from the scores x."""
    tensor_arg(input)
    tensor_arg(target, "target")
    for name, value in (("weight", weight), ("pos_weight", pos_weight)):
        if value is not None:
            tensor_arg(value, name)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input._data.shape != target._data.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    dtype = result_type(input, target)
    if dtype.category < dtypes.FLOAT:
        kernel = "log_sigmoid_cpu" if input.dtype.category < dtypes.FLOAT else None
        if kernel:
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.scalar_name}'")
    if target.dtype.category < dtypes.FLOAT:
        raise RuntimeError(f"result type Float can't be cast to the desired output type {target.dtype.scalar_name}")
    x = input._data.astype(dtype.np, copy=False)
    t = target._data.astype(dtype.np, copy=False)
    softplus_neg = np.logaddexp(0, -x)  # log(1 + exp(-x)), stable
    if pos_weight is None:
        loss = (1 - t) * x + softplus_neg
    else:
        pw = pos_weight._data
        loss = (1 - t) * x + (1 + (pw - 1) * t) * softplus_neg
    if weight is not None:
        loss = loss * weight._data

    def backward(g):
        if reduction == "mean":
            g = g / x.size
        if reduction != "none":
            g = g.expand(x.shape)
        if weight is not None:
            g = g * weight
        if pos_weight is None:
            gi = g * (input.sigmoid() - target)
            gt = -g * input if target._requires_grad else None
        else:
            lw = (pos_weight - 1) * target + 1
            gi = g * ((1 - target) - lw * (-input).sigmoid())
            gt = g * (-input + (pos_weight - 1) * softplus(-input)) if target._requires_grad else None
        return gi, gt

    return record(_reduce_array(np.asarray(loss, dtype=x.dtype), reduction), "BinaryCrossEntropyWithLogitsBackward0",
                  (input, target), backward, saved=(input, target))


@op("nn", variants="functional", grad_fn=("DivBackward0", "SumBackward0"))
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence sum(target * (log(target) - input)) for log-probabilities input."""
    tensor_arg(input)
    tensor_arg(target, "target")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in _REDUCTIONS + ("batchmean",):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        t = target._data
        log_t = wrap(np.where(t > 0, np.log(np.where(t > 0, t, 1)), 0).astype(t.dtype))
        loss = target * log_t - target * input
        if target._requires_grad:
            # d(t log t)/dt = log t + 1: the constant log_t above misses the 1, added here at value 0.
            loss = loss + (target - wrap(t.copy()))
    if reduction == "mean":
        warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' "
            "divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed "
            "to behave the same as 'batchmean' in the next major release."
        )
        return loss.mean()
    if reduction == "batchmean":
        return loss.sum() / (input._data.shape[0] if input._data.ndim else 1)
    return loss.sum() if reduction == "sum" else loss
