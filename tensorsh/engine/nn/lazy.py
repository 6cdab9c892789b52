"""Lazy modules: layers whose input size is read from their first input.

A lazy module (LazyLinear) starts with UninitializedParameters; a forward pre-hook
calls its `initialize_parameters(input)` on the first call, which gives the parameters
their shapes and draws them as the eager layer would, and then the module becomes
that layer (`cls_to_become`), as PyTorch's LazyModuleMixin does.
"""

from __future__ import annotations

from .parameter import UninitializedParameter, is_lazy


class LazyModuleMixin:
    """Mixed in before the eager layer's class: LazyLinear(LazyModuleMixin, Linear)."""

    __module__ = "torch.nn.modules.lazy"
    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters)

    def _wait_for_shapes(self, bias: bool, device, dtype) -> None:
        """The eager layer's weight, and bias if asked, as parameters that wait for their shapes."""
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        # The eager layer's draws, once the shapes are known (not for its empty stand-ins).
        if not self.has_uninitialized_params() and self.weight.numel():
            super().reset_parameters()

    def initialize_parameters(self, *args, **kwargs):
        raise NotImplementedError(f"initialize_parameters is not implemented for {type(self).__name__}")

    def has_uninitialized_params(self) -> bool:
        """Whether a parameter or buffer still waits for its shape."""
        return any(is_lazy(t) for t in (*self._parameters.values(), *self._buffers.values()))

    @staticmethod
    def _infer_parameters(module, args):
        module.initialize_parameters(*args)
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        del module._initialize_hook
        become = module.cls_to_become
        if become is not None:
            # The class is changed in place, and a program may assign the attribute: only to a
            # module class the object is already an instance of a base of (Linear for LazyLinear).
            from .module import Module

            if not (isinstance(become, type) and issubclass(become, Module) and isinstance(module, become)):
                raise TypeError(f"cls_to_become must be a torch.nn.Module class the module is an instance of, "
                                f"got {become!r}")
            module.__class__ = become
