"""`torch.functional`: the module where PyTorch writes some tensor functions in Python
(torch/functional.py). Each name is the same object as `torch.X`; of PyTorch's `__all__`
(which also has block_diag, cartesian_prod, cdist, chain_matmul, istft, lu, pca_lowrank, stft,
svd_lowrank, unique_consecutive and unravel_index), only the functions the engine has."""

from __future__ import annotations

# Read off the engine package once the op registry has installed the functions there.
from . import (  # noqa: F401
    atleast_1d,
    atleast_2d,
    atleast_3d,
    broadcast_shapes,
    broadcast_tensors,
    einsum,
    meshgrid,
    norm,
    split,
    tensordot,
    unique,
)

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors", "einsum", "norm",
           "meshgrid", "split", "tensordot", "unique"]


def __getattr__(name: str):
    raise AttributeError(f"module 'torch.functional' has no attribute '{name}'")
