"""Linear layers: Identity, Linear, LazyLinear and Bilinear."""

from __future__ import annotations

import math

from ..autograd import no_grad
from ..ops.creation import empty
from ..ops.nn import bilinear, linear
from . import init
from .lazy import LazyModuleMixin
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


class LazyLinear(LazyModuleMixin, Linear):
    """A Linear whose in_features is taken from its first input's last size; it becomes a Linear then."""

    __module__ = "torch.nn.modules.linear"
    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None):
        super().__init__(0, 0, False)  # no bias yet: it would only be replaced
        self.out_features = out_features
        self._wait_for_shapes(bias, device, dtype)

    def initialize_parameters(self, input) -> None:
        """in_features from input's last size; the parameters get their shapes and Linear's draws."""
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:  # loaded from a state_dict before its first call
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: {input.shape[-1]} is not equal to "
                                     f"in_features from self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]


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
