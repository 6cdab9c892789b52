"""Linear layers: Identity, Linear and Bilinear."""

from __future__ import annotations

import math

from ..ops.creation import empty
from ..ops.nn import bilinear, linear
from . import init
from .module import Module
from .parameter import Parameter


class Identity(Module):
    """Returns its input; takes (and ignores) any arguments, as a placeholder layer."""

    __module__ = "torch.nn.modules.linear"

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


def _weight(*shape, dtype=None) -> Parameter:
    return Parameter(empty(*shape, dtype=dtype))


def add_weight_and_bias(module: Module, weight_shape: tuple, bias: bool, dtype=None) -> None:
    """Register `weight` of weight_shape and, if bias, `bias` of its first size (else a None slot)."""
    module.weight = _weight(*weight_shape, dtype=dtype)
    if bias:
        module.bias = _weight(weight_shape[0], dtype=dtype)
    else:
        module.register_parameter("bias", None)


def reset_fan_in(weight: Parameter, bias: Parameter | None) -> None:
    """Linear's and Conv's default draws: kaiming_uniform_ with a=√5, which is uniform in
    ±1/√fan_in, and the bias uniform in ±1/√fan_in."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = weight.shape[1] * math.prod(weight.shape[2:])
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        init.uniform_(bias, -bound, bound)


class Linear(Module):
    """y = x @ weight.T + bias, with weight (out_features, in_features) drawn as PyTorch draws it."""

    __module__ = "torch.nn.modules.linear"

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        add_weight_and_bias(self, (out_features, in_features), bias, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_fan_in(self.weight, self.bias)

    def forward(self, input):
        return linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(Module):
    """y = x1ᵀ A x2 + b for each output feature."""

    __module__ = "torch.nn.modules.linear"

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        add_weight_and_bias(self, (out_features, in1_features, in2_features), bias, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
