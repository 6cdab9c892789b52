"""tensorsh's tensor engine: `from tensorsh import engine as torch` behaves like PyTorch.

This module is the engine's public namespace: every registered op as a function
(see ops/registry.py), the Tensor class, dtypes, devices, autograd and printing
options. Nothing here knows about the tensorsh language.
"""

import math as _math

import numpy as _np

from . import autograd, dtypes, limits, random
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .device import cuda, device
from .dtypes import (
    bool_ as bool, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128,
    dtype, get_default_dtype, set_default_dtype, promote_types,
)
from .printing import get_printoptions, set_printoptions
from .random import Generator, initial_seed, seed
from .size import Size, return_types
from .tensor import Tensor
from .ops import registry as _registry
from .ops.common import can_cast as _can_cast, result_type as _result_type

# Floating-point errors are values (inf, nan) in PyTorch, not warnings.
_np.seterr(all="ignore")

_registry.install(Tensor)
globals().update(_registry.functions())

from . import linalg, nn  # noqa: E402  (need the registry filled)

half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128
strided = "torch.strided"
pi, e, inf, nan = _math.pi, _math.e, _math.inf, _math.nan


def result_type(tensor1, tensor2) -> dtype:
    """The dtype an op on these two operands (tensors or numbers) produces."""
    return _result_type(tensor1, tensor2)


def can_cast(from_, to) -> "builtins_bool":  # noqa: F821
    """Whether an in-place op may write a from_ result into a to tensor."""
    return _can_cast(from_, to)


def is_tensor(obj) -> "builtins_bool":  # noqa: F821
    """True if obj is a tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input) -> "builtins_bool":  # noqa: F821
    """True if input's dtype is a floating-point type."""
    return input.is_floating_point()


def is_complex(input) -> "builtins_bool":  # noqa: F821
    """True if input's dtype is a complex type."""
    return input.is_complex()


def numel(input) -> "builtins_int":  # noqa: F821
    """The number of elements of input."""
    return input.numel()


