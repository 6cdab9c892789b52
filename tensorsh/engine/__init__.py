"""tensorsh's tensor engine: `from tensorsh import engine as torch` behaves like PyTorch.

This module is the engine's public namespace: every registered op as a function
(see ops/registry.py), the Tensor class, dtypes, devices, autograd and printing
options. Nothing here knows about the tensorsh language.
"""

import math as _math

import numpy as _np

from . import autograd, dtypes, limits, random
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .device import backends, cuda, device, get_default_device, set_default_device
from .dtypes import (
    bool_ as bool, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128,
    dtype, get_default_dtype, set_default_dtype, promote_types,
)
from .printing import get_printoptions, set_printoptions
from .random import Generator, default_generator, get_rng_state, initial_seed, seed, set_rng_state
from .size import Size, return_types
from .tensor import Tensor
from .ops import registry as _registry

# Floating-point errors are values (inf, nan) in PyTorch, not warnings.
_np.seterr(all="ignore")

from . import linalg, nn
from . import utils
from . import optim

_registry.install(Tensor, globals(), vars(nn.functional), vars(linalg))

from . import functional  # noqa: E402 - its names are the functions install() just made

half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128
strided = "torch.strided"
pi, e, inf, nan = _math.pi, _math.e, _math.inf, _math.nan



def __getattr__(name: str):
    # The engine stands for torch: a missing name reads as PyTorch's own message.
    raise AttributeError(f"module 'torch' has no attribute '{name}'")
