"""Activation layers: each a Module holding its functional op's arguments.

forward calls the `F.` op, so a layer and its functional form compute (and
differentiate) the same way; extra_repr shows the arguments as PyTorch's layers do,
`inplace=True` only when it is set.
"""

from __future__ import annotations

from . import functional as F
from .module import Module

_PATH = "torch.nn.modules.activation"


def _inplace_suffix(inplace: bool, alone: bool) -> str:
    """', inplace=True' after other arguments (or 'inplace=True' alone), '' when not in place."""
    if not inplace:
        return ""
    return "inplace=True" if alone else ", inplace=True"


class _InplaceActivation(Module):
    """A layer whose only argument is inplace."""


    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return _inplace_suffix(self.inplace, alone=True)


class ReLU(_InplaceActivation):
    """max(x, 0)."""

    __module__ = _PATH

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)


class SiLU(_InplaceActivation):
    """x * sigmoid(x)."""

    __module__ = _PATH

    def forward(self, input):
        return F.silu(input, inplace=self.inplace)


class Mish(_InplaceActivation):
    """x * tanh(softplus(x))."""

    __module__ = _PATH

    def forward(self, input):
        return F.mish(input, inplace=self.inplace)


class SELU(_InplaceActivation):
    """scale * elu(x, alpha) with the self-normalising constants."""

    __module__ = _PATH

    def forward(self, input):
        return F.selu(input, self.inplace)


class Hardsigmoid(_InplaceActivation):
    """relu6(x + 3) / 6 (its repr does not show inplace, as PyTorch's does not)."""

    __module__ = _PATH

    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)

    def extra_repr(self) -> str:
        return ""


class Hardswish(_InplaceActivation):
    """x * relu6(x + 3) / 6 (its repr does not show inplace, as PyTorch's does not)."""

    __module__ = _PATH

    def forward(self, input):
        return F.hardswish(input, self.inplace)

    def extra_repr(self) -> str:
        return ""


class _Stateless(Module):
    """A layer without arguments."""


    def __init__(self):
        super().__init__()


class Sigmoid(_Stateless):
    """1 / (1 + exp(-x))."""

    __module__ = _PATH

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(_Stateless):
    """tanh(x)."""

    __module__ = _PATH

    def forward(self, input):
        return F.tanh(input)


class LogSigmoid(_Stateless):
    """log(sigmoid(x))."""

    __module__ = _PATH

    def forward(self, input):
        return F.logsigmoid(input)


class Softsign(_Stateless):
    """x / (1 + |x|)."""

    __module__ = _PATH

    def forward(self, input):
        return F.softsign(input)


class LeakyReLU(Module):
    """x for x >= 0, negative_slope * x below."""

    __module__ = _PATH


    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + _inplace_suffix(self.inplace, alone=False)


class _AlphaActivation(Module):
    """A layer with alpha and inplace (ELU, CELU)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + _inplace_suffix(self.inplace, alone=False)


class ELU(_AlphaActivation):
    """x for x > 0, alpha * (exp(x) - 1) below."""

    __module__ = _PATH

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)


class CELU(_AlphaActivation):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""

    __module__ = _PATH

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)


class Hardtanh(Module):
    """x clamped to [min_val, max_val]."""

    __module__ = _PATH


    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False, min_value=None,
                 max_value=None):
        super().__init__()
        # min_value / max_value are the deprecated spellings.
        self.min_val = min_val if min_value is None else min_value
        self.max_val = max_val if max_value is None else max_value
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError(f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})")

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + _inplace_suffix(self.inplace, alone=False)


class ReLU6(Hardtanh):
    """x clamped to [0, 6]."""

    __module__ = _PATH

    def __init__(self, inplace: bool = False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace_suffix(self.inplace, alone=True)


class GELU(Module):
    """x * Φ(x), exactly (approximate='none') or by the tanh formula (approximate='tanh')."""

    __module__ = _PATH


    def __init__(self, approximate: str = "none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold."""

    __module__ = _PATH


    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class _SoftmaxLayer(Module):
    """A layer over a softmax-like op along dim (None: PyTorch's legacy choice, with its warning)."""


    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_SoftmaxLayer):
    """exp(x) / sum(exp(x)) along dim."""

    __module__ = _PATH

    def forward(self, input):
        return F.softmax(input, self.dim)


class Softmin(_SoftmaxLayer):
    """softmax(-x) along dim."""

    __module__ = _PATH

    def forward(self, input):
        return F.softmin(input, self.dim)


class LogSoftmax(_SoftmaxLayer):
    """log(softmax(x)) along dim."""

    __module__ = _PATH

    def forward(self, input):
        return F.log_softmax(input, self.dim)
