"""Convolution layers: Conv1d and Conv2d, and their lazy forms LazyConv1d and LazyConv2d.

A layer holds its geometry as tuples (kernel_size=(3, 3)), as PyTorch's do, and its
weight (out_channels, in_channels / groups, *kernel_size), drawn as PyTorch draws it:
kaiming_uniform_(a=√5), then the bias uniform in ±1/√fan_in. forward calls F.conv{1,2}d;
a padding_mode other than 'zeros' pads with F.pad first (which has no gradient for
those modes, so it serves inputs that do not require one).
"""

from __future__ import annotations


from . import functional as F
from ..autograd import no_grad
from .lazy import LazyModuleMixin
from .linear import add_weight_and_bias, reset_fan_in
from .module import Module

_PATH = "torch.nn.modules.conv"
_PADDING_STRINGS = ("same", "valid")
_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(value, n: int) -> tuple:
    """PyTorch's _single/_pair: an iterable as a tuple, anything else repeated n times."""
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,) * n


def _set_repr(values) -> str:
    return "{" + ", ".join(repr(v) for v in values) + "}"


class _ConvNd(Module):
    """What Conv1d and Conv2d share: checks, parameters, initialisation and repr."""

    _dims = 0

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None):
        super().__init__()
        n = self._dims
        kernel_size, stride, dilation = _ntuple(kernel_size, n), _ntuple(stride, n), _ntuple(dilation, n)
        if not isinstance(padding, str):
            padding = _ntuple(padding, n)
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in _PADDING_STRINGS:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {_set_repr(_PADDING_STRINGS)}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_set_repr(_PADDING_MODES)}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = False
        self.output_padding = (0,) * n
        self.groups = groups
        self.padding_mode = padding_mode
        add_weight_and_bias(self, (out_channels, in_channels // groups, *kernel_size), bias, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_fan_in(self.weight, self.bias)

    def _edge_padding(self) -> list:
        """The padding F.pad takes for a padding_mode other than 'zeros': last dim first, each side given."""
        if self.padding == "valid":
            return [0, 0] * self._dims
        if self.padding == "same":
            totals = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            return [side for t in reversed(totals) for side in (t // 2, t - t // 2)]
        return [p for p in reversed(self.padding) for _ in range(2)]

    def _conv_forward(self, input, weight, bias):
        conv = F.conv1d if self._dims == 1 else F.conv2d
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._edge_padding(), mode=self.padding_mode)
            return conv(padded, weight, bias, self.stride, (0,) * self._dims, self.dilation, self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        # A padding string shows bare (padding=same), as PyTorch's str.format shows it.
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """1-d convolution over (N, C_in, L) or (C_in, L); padding may be 'same' or 'valid'."""

    __module__ = _PATH
    _dims = 1


class Conv2d(_ConvNd):
    """2-d convolution over (N, C_in, H, W) or (C_in, H, W); padding may be 'same' or 'valid'."""

    __module__ = _PATH
    _dims = 2


class _LazyConvNd(LazyModuleMixin):
    """A convolution whose in_channels is read from its first input (its size 1, or 0 unbatched)."""

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None):
        # no bias yet: it would only be replaced
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device, dtype)
        self.out_channels = out_channels
        self._wait_for_shapes(bias, device, dtype)

    def initialize_parameters(self, input, *args, **kwargs) -> None:
        """in_channels from input; the parameters get their shapes and the eager layer's draws."""
        if self.has_uninitialized_params():
            self.in_channels = self._in_channels_of(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            with no_grad():
                self.weight.materialize((self.out_channels, self.in_channels // self.groups, *self.kernel_size))
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()

    def _in_channels_of(self, input) -> int:
        unbatched = self._dims + 1
        if input.dim() not in (unbatched, unbatched + 1):
            raise RuntimeError(f"Expected {unbatched}D (unbatched) or {unbatched + 1}D (batched) input to "
                               f"{type(self).__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.dim() == unbatched + 1 else input.shape[0]


class LazyConv1d(_LazyConvNd, Conv1d):
    """A Conv1d whose in_channels is taken from its first input; it becomes a Conv1d then."""

    __module__ = _PATH
    cls_to_become = Conv1d


class LazyConv2d(_LazyConvNd, Conv2d):
    """A Conv2d whose in_channels is taken from its first input; it becomes a Conv2d then."""

    __module__ = _PATH
    cls_to_become = Conv2d
