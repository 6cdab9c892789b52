"""Dropout: zeroes elements at random while training, the identity in eval mode."""

from __future__ import annotations

from . import functional as F
from .module import Module


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """While training, zero each element with probability p and scale the rest by 1 / (1 - p)."""

    __module__ = "torch.nn.modules.dropout"

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)
