"""The Tensor's autograd methods: they hand the tensor to the autograd engine."""

from __future__ import annotations

from .. import autograd
from .registry import op


@op("graph", variants="method")
def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
    """Accumulate d(self)/d(leaf) into every leaf's .grad."""
    autograd.backward(self, gradient, retain_graph, create_graph, inputs)


@op("graph", variants="method")
def register_hook(self, hook):
    """Call hook(grad) when this tensor's gradient is computed; a returned tensor replaces it."""
    return autograd.register_hook(self, hook)
