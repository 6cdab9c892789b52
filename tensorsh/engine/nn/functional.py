"""`torch.nn.functional`: the ops of the "nn" family plus the activations PyTorch also lists here."""

from ..ops import pointwise as _pointwise
from ..ops.common import inplace as _inplace, tensor_arg as _tensor_arg
from ..ops.registry import OPS

_ALSO_HERE = ("sigmoid", "tanh", "softmax", "log_softmax", "normalize")

globals().update({name: entry.fn for entry in OPS.values()
                  if entry.family == "nn" or entry.name in _ALSO_HERE
                  for name in entry.names})


def relu(input, inplace=False):
    """max(input, 0), element-wise; inplace=True writes into input."""
    if inplace:
        return _inplace(_tensor_arg(input), _pointwise.relu)
    return _pointwise.relu(input)


__all__ = sorted(n for n in globals() if not n.startswith("_") and n != "OPS")
