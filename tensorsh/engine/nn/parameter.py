"""`nn.Parameter`: a tensor a Module registers as one of its learnable weights."""

from __future__ import annotations

from ..tensor import Tensor, _new


class Parameter(Tensor):
    """A leaf tensor that requires grad by default, sharing the memory of `data`.

    Ops on a parameter give plain tensors, as PyTorch's do: only the weights themselves
    are Parameters, so a module registers what it is assigned and nothing computed."""

    __module__ = "torch.nn.parameter"

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..ops.creation import empty

            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        t = _new(cls)
        # The four fields every tensor sets, in the same order (see tensor.wrap).
        t._data = data._data
        t._version = data._version
        t._base = None
        t._view_version = None
        if requires_grad and t._data.dtype.kind not in "fc":
            # Parameter's own message (setting requires_grad on a tensor words it differently).
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad = requires_grad
        return t

    def __init__(self, data=None, requires_grad=True):
        pass  # made whole by __new__; Tensor.__init__ would read data as sizes

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        return Parameter(self.detach().clone(), self.requires_grad)
